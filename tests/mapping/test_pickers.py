"""Pickers for field staff over HTTP, without a script: languages chosen by name (checkboxes
of the partnership's and its country's, any other typed by name or code) and participants
chosen by their shown name, told apart from a namesake by number; bad values re-render."""

import re

from sqlalchemy import select

from hsbp.mapping.models import Participant, ParticipantLink
from hsbp.sms.models import ContactMembership
from tests.mapping.conftest import participant_fields


def form_data(**overrides) -> dict:
    data = {
        key: value
        for key, value in participant_fields(name="Cabildo Wayuu").items()
        if value not in (None, []) and key != "languages"
    }
    return {**data, **overrides}


def checkboxes(page: str, name: str) -> dict[str, bool]:
    found = re.findall(rf'<input([^>]*name="{name}"[^>]*)>', page)
    return {re.search(r'value="([^"]+)"', tag)[1]: " checked" in tag for tag in found}


def test_languages_offered_by_name_partnership_and_country_first(client, login, mapped):
    login(mapped.facilitator)
    page = client.get(f"/p/{mapped.partnership.id}/mapping/new").get_data(as_text=True)
    # Colombia's languages after the partnership's own; no code to type for Wayuu.
    own = list(mapped.partnership.locales)
    offered = list(checkboxes(page, "common_languages"))
    assert offered[: len(own) + 1] == [*own, "guc"]
    assert f'<label for="common_languages-{len(own)}">Wayuu</label>' in page
    assert '<option value="Nasa (pbb)">' not in page  # Babel has no name for Nasa Yuwe
    assert '<datalist id="languages-suggestions"><option value="Abkhazian (ab)">' in page


def test_languages_checked_and_typed_by_name_or_code_are_saved(client, login, session, mapped):
    login(mapped.facilitator)
    response = client.post(
        f"/p/{mapped.partnership.id}/mapping/new",
        data=form_data(common_languages=["guc"], languages="Quechua, pbb, Wayuu (guc)"),
    )
    assert response.status_code == 302
    saved = session.scalars(select(Participant).where(Participant.display_name == "Cabildo Wayuu"))
    assert saved.one().languages == ["guc", "qu", "pbb"]


def test_a_language_name_nobody_knows_rerenders_with_what_was_typed(client, login, session, mapped):
    login(mapped.facilitator)
    response = client.post(
        f"/p/{mapped.partnership.id}/mapping/new",
        data=form_data(common_languages=["es"], languages="Wayuunaiki Norte"),
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert (
        "No language is called “Wayuunaiki Norte”: pick one from the suggestions, "
        "or type its ISO 639 code."
    ) in page
    assert 'value="Wayuunaiki Norte"' in page
    assert checkboxes(page, "common_languages")["es"] is True
    assert session.scalars(select(Participant)).all() == []


def test_editing_shows_every_language_spoken_as_a_checked_box(client, login, add, mapped):
    participant = add(languages=["es", "pbb"])
    login(mapped.facilitator)
    page = client.get(f"/p/{mapped.partnership.id}/mapping/{participant.id}/edit")
    boxes = checkboxes(page.get_data(as_text=True), "common_languages")
    assert (boxes["es"], boxes["pbb"], boxes["guc"]) == (True, True, False)


def namesakes(session, add) -> tuple[Participant, Participant]:
    first, second = add(name="Rosa Quintero"), add(name="Rosa Q.")
    # Two people shown under one name: the register allows it once a facilitator said so.
    second.display_name, second.sort_name = first.display_name, first.sort_name
    session.flush()
    return first, second


def test_participant_picker_numbers_namesakes_and_links_the_one_chosen(
    client, login, session, add, mapped
):
    _first, second = namesakes(session, add)
    source = add(name="Junta de Acción Comunal")
    login(mapped.facilitator)
    base = f"/p/{mapped.partnership.id}/mapping/{source.id}"
    page = client.get(base).get_data(as_text=True)
    assert f'<option value="Rosa Quintero (#{second.id})">' in page
    assert '<option value="Junta de Acción Comunal">' in page
    data = {"kind": "cooperates", "note": ""}
    picked = client.post(
        f"{base}/relationships", data={**data, "target": f"Rosa Quintero (#{second.id})"}
    )
    assert picked.status_code == 302
    link = session.scalars(select(ParticipantLink)).one()
    assert (link.source_id, link.target_id) == (source.id, second.id)

    ambiguous = client.post(f"{base}/relationships", data={**data, "target": "Rosa Quintero"})
    assert ambiguous.status_code == 422
    assert "Several participants have this name" in ambiguous.get_data(as_text=True)
    # The service's refusal, which names the id, shows beside the name the person typed.
    again = client.post(
        f"{base}/relationships", data={**data, "target": f"Rosa Quintero (#{second.id})"}
    )
    assert again.status_code == 422
    field = again.get_data(as_text=True).split('id="target"', 1)[1]
    assert "This relationship is already recorded." in field


def test_sms_contact_links_a_participant_by_numbered_name(client, login, session, add, mapped):
    first, _second = namesakes(session, add)
    login(mapped.facilitator)
    url = f"/p/{mapped.partnership.id}/sms/contacts/new"
    assert f'<option value="Rosa Quintero (#{first.id})">' in client.get(url).get_data(as_text=True)
    data = {"phone": "+573104567821", "locale": "es", "consent_note": "Written form"}
    wrong = client.post(url, data={**data, "participant": "Rosa Quintero (#999999)"})
    assert wrong.status_code == 422
    assert "No participant of this partnership is shown under this name." in wrong.get_data(
        as_text=True
    )
    right = client.post(url, data={**data, "participant": f"Rosa Quintero (#{first.id})"})
    assert right.status_code == 302
    assert session.scalars(select(ContactMembership)).one().participant_id == first.id
