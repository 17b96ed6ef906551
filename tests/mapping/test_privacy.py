"""High-risk participants: only facilitators see the real identity, and every look is logged."""

import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from hsbp.audit import AuditEntry
from hsbp.mapping import relations

REAL_NAME = "Diana Marcela Ortiz"
PHONE_DIGITS = "3146667788"


@pytest.fixture
def protected(add, mapped):
    return add(
        name=REAL_NAME,
        kind="person",
        sector="individual",
        phone=PHONE_DIGITS,
        email="diana@example.org",
        risk="high",
        proposed_by_partner_id=mapped.civil.id,
    )


def pages(mapped, participant) -> list[str]:
    base = f"/p/{mapped.partnership.id}/mapping"
    return [
        base,
        f"{base}?q=diana",
        f"{base}?q=ortiz",
        f"{base}/{participant.id}",
        f"{base}/grid",
        f"{base}/network",
        f"{base}/inclusion",
        f"{base}/export",
        f"{base}/export?format=xlsx",
        f"/p/{mapped.partnership.id}/audit",
    ]


def text_of(response) -> str:
    if response.mimetype.endswith("spreadsheetml.sheet"):
        sheet = load_workbook(io.BytesIO(response.get_data())).worksheets[0]
        return " ".join(str(c) for row in sheet.iter_rows(values_only=True) for c in row)
    return response.get_data(as_text=True)


@pytest.mark.parametrize("who", ["company_rep", "civil_rep", "observer", "facilitator"])
def test_the_real_name_never_shows_without_a_deliberate_look(client, login, mapped, protected, who):
    login(getattr(mapped, who))
    for url in pages(mapped, protected):
        response = client.get(url)
        if response.status_code == 404:
            continue  # a page this role may not open at all
        assert response.status_code == 200, url
        body = text_of(response)
        assert "Diana" not in body, (who, url)
        assert "6667788" not in body, (who, url)
        assert "diana@example.org" not in body, (who, url)


def test_search_by_real_name_finds_nothing_but_the_pseudonym_works(
    client, login, mapped, protected
):
    login(mapped.company_rep)
    base = f"/p/{mapped.partnership.id}/mapping"
    assert "0 participants found." in client.get(f"{base}?q=ortiz").get_data(as_text=True)
    found = client.get(f"{base}?q={protected.display_name.lower()}").get_data(as_text=True)
    assert "1 participants found." in found
    assert protected.display_name in found


def test_pseudonym_replaces_the_name_for_everyone_in_lists(protected):
    assert protected.display_name.startswith("P-")
    assert REAL_NAME not in protected.display_name
    assert protected.protected_name == REAL_NAME


def test_the_real_name_is_encrypted_at_rest(connection, protected):
    raw = connection.exec_driver_sql(
        f"SELECT display_name, protected_name, phone, email FROM mapping_participants "
        f"WHERE id = {protected.id}"
    ).one()
    assert "Diana" not in " ".join(raw)
    assert PHONE_DIGITS[-6:] not in " ".join(raw)


def test_facilitator_reveals_the_identity_and_the_look_is_audited(
    client, login, mapped, protected, session
):
    login(mapped.facilitator)
    url = f"/p/{mapped.partnership.id}/mapping/{protected.id}/identity"
    body = client.post(url).get_data(as_text=True)
    assert REAL_NAME in body
    assert "+573146667788" in body
    entry = session.scalars(
        select(AuditEntry).where(AuditEntry.action == "participant.identity_view")
    ).one()
    assert (entry.actor_id, entry.object_id) == (mapped.facilitator.id, protected.id)
    assert entry.details == {"participant_id": protected.id}


@pytest.mark.parametrize("who", ["company_rep", "civil_rep", "observer"])
def test_others_cannot_reveal_or_edit_a_protected_participant(
    client, login, mapped, protected, who
):
    login(getattr(mapped, who))
    base = f"/p/{mapped.partnership.id}/mapping/{protected.id}"
    assert client.post(f"{base}/identity").status_code == 404
    assert client.get(f"{base}/edit").status_code == 404


def test_the_edit_page_of_a_protected_participant_shows_no_identity_and_writes_nothing(
    client, login, mapped, protected, session
):
    login(mapped.facilitator)
    before = session.scalars(select(AuditEntry.action)).all()
    body = client.get(f"/p/{mapped.partnership.id}/mapping/{protected.id}/edit").get_data(
        as_text=True
    )
    assert "Diana" not in body
    assert "6667788" not in body
    assert "Leave blank to keep the real name on file; type a new one to replace it." in body
    assert session.scalars(select(AuditEntry.action)).all() == before == ["participant.create"]


def test_facilitator_asks_to_see_the_identity_to_edit_it_and_the_look_is_audited(
    client, login, mapped, protected, session
):
    login(mapped.facilitator)
    response = client.post(f"/p/{mapped.partnership.id}/mapping/{protected.id}/edit/identity")
    body = response.get_data(as_text=True)
    assert 'value="Diana Marcela Ortiz"' in body
    assert 'value="+573146667788"' in body
    assert response.headers["Cache-Control"] == "no-store"
    views = session.scalars(
        select(AuditEntry).where(AuditEntry.action == "participant.identity_view")
    ).all()
    assert [(v.object_id, v.details) for v in views] == [
        (protected.id, {"participant_id": protected.id})
    ]


def test_lowering_the_risk_shows_the_real_name_again(session, mapped, protected):
    from hsbp.mapping import services
    from tests.mapping.conftest import participant_fields

    services.update_participant(
        session,
        actor=mapped.facilitator,
        partnership=mapped.partnership,
        participant=protected,
        fields=participant_fields(name=REAL_NAME, kind="person", sector="individual", risk="low"),
    )
    assert protected.display_name == REAL_NAME


def test_facilitator_export_has_contacts_of_others_but_not_of_protected(
    client, login, mapped, add, protected
):
    add(name="Junta de Acción Comunal", phone="3187654321")
    login(mapped.facilitator)
    body = client.get(f"/p/{mapped.partnership.id}/mapping/export").get_data(as_text=True)
    assert "+573187654321" in body
    assert "6667788" not in body
    assert protected.display_name in body


@pytest.fixture
def at_risk(add, mapped):
    return add(
        name=REAL_NAME,
        kind="person",
        sector="individual",
        intermediary="Lucía Hernández",
        notes="Vive junto al río",
        protective_measures="Nunca en grupo",
        risk="high",
        proposed_by_partner_id=mapped.civil.id,
    )


@pytest.mark.parametrize("who", ["civil_rep", "observer"])
def test_others_see_neither_the_intermediary_nor_the_notes_of_a_protected_participant(
    client, login, mapped, at_risk, who
):
    login(getattr(mapped, who))
    body = client.get(f"/p/{mapped.partnership.id}/mapping/{at_risk.id}").get_data(as_text=True)
    assert "in person, through an intermediary" in body
    for private in ("Hernández", "Vive junto", "Nunca en grupo"):
        assert private not in body


def test_a_facilitator_sees_the_intermediary_of_a_protected_participant_on_a_look_only(
    client, login, mapped, at_risk
):
    login(mapped.facilitator)
    url = f"/p/{mapped.partnership.id}/mapping/{at_risk.id}"
    body = client.get(url).get_data(as_text=True)
    assert "Hernández" not in body
    assert "Vive junto al río" in body
    revealed = client.post(f"{url}/identity")
    assert "Lucía Hernández" in revealed.get_data(as_text=True)
    assert revealed.headers["Cache-Control"] == "no-store"


def test_no_export_holds_a_protected_participant_s_measures_or_intermediary(
    client, login, mapped, add, at_risk
):
    add(name="Junta de Acción Comunal", protective_measures="Reunirse de día")
    login(mapped.facilitator)
    body = client.get(f"/p/{mapped.partnership.id}/mapping/export").get_data(as_text=True)
    assert "Reunirse de día" in body
    assert "Nunca en grupo" not in body
    assert "Hernández" not in body


def test_a_note_on_a_protected_participant_s_relationship_stays_with_facilitators(
    client, login, mapped, add, at_risk, session
):
    other = add(name="Junta de Acción Comunal")
    relations.add_relationship(
        session,
        actor=mapped.facilitator,
        partnership=mapped.partnership,
        source_id=other.id,
        target_id=at_risk.id,
        kind="tension",
        note="Su hermano José",
    )
    url = f"/p/{mapped.partnership.id}/mapping/{other.id}"
    login(mapped.company_rep)
    assert "Su hermano" not in client.get(url).get_data(as_text=True)
    login(mapped.facilitator)
    assert "Su hermano José" in client.get(url).get_data(as_text=True)


@pytest.fixture
def co_facilitator(session, mapped):
    """The civil-society representative, named co-facilitator from the community side."""
    from hsbp.partnerships import profiles
    from hsbp.partnerships.models import Membership

    seat = session.scalars(
        select(Membership).where(
            Membership.partnership_id == mapped.partnership.id,
            Membership.user_id == mapped.civil_rep.id,
        )
    ).one()
    profiles.name_co_facilitator(
        session, actor=mapped.facilitator, partnership=mapped.partnership, membership_id=seat.id
    )
    session.commit()
    return mapped.civil_rep


def test_a_co_facilitator_runs_the_mapping_without_seeing_identities_or_contacts(
    client, login, mapped, add, at_risk, co_facilitator, session
):
    add(name="Junta de Acción Comunal", phone="3187654321", email="junta@example.org")
    login(co_facilitator)
    base = f"/p/{mapped.partnership.id}/mapping"
    page = client.get(f"{base}/{at_risk.id}")
    body = page.get_data(as_text=True)
    assert page.status_code == 200 and "Show the identity" not in body
    assert "Lucía" not in body and "Vive junto al río" not in body and "Nunca en grupo" not in body
    # The audited looks are for the neutral facilitator: the routes answer as if absent.
    assert client.post(f"{base}/{at_risk.id}/identity").status_code == 404
    assert client.post(f"{base}/{at_risk.id}/edit/identity").status_code == 404
    assert client.get(f"{base}/{at_risk.id}/edit").status_code == 404
    assert client.get(f"{base}/duplicates").status_code == 404
    export = client.get(f"{base}/export").get_data(as_text=True)
    assert "3187654321" not in export and "junta@example.org" not in export
    assert "Junta de Acción Comunal" in export
    # Running the mapping stays theirs: the import page and the groups open.
    assert client.get(f"{base}/import").status_code == 200
    assert not session.scalars(
        select(AuditEntry).where(AuditEntry.action == "participant.identity_view")
    ).all()
