"""The edit form holds nothing its reader may not see, and a blank field keeps what is on
file; opening it writes nothing."""

import pytest
from sqlalchemy import func, select

from hsbp.audit import AuditEntry

PHONE = "3104567821"


def form(**overrides) -> dict:
    data = {
        "name": "Cooperativa Cacaotera",
        "kind": "organisation",
        "sector": "community_group",
        "locality": "Vereda La Esperanza",
        "languages": "es",
        "interest": "5",
        "influence": "2",
        "phone": "",
        "email": "",
        "intermediary": "",
        "risk": "low",
        "proposed_by_partner_id": "0",
    }
    data.update(overrides)
    return data


@pytest.fixture
def own(add, mapped):
    """A participant the company's representative may edit, with contacts on file."""
    return add(
        name="Cooperativa Cacaotera",
        phone=PHONE,
        email="coop@example.org",
        proposed_by_partner_id=mapped.company.id,
    )


def url(mapped, participant) -> str:
    return f"/p/{mapped.partnership.id}/mapping/{participant.id}/edit"


def test_a_representative_sees_blank_contacts_with_a_hint(client, login, mapped, own):
    login(mapped.company_rep)
    body = client.get(url(mapped, own)).get_data(as_text=True)
    assert "4567821" not in body
    assert "coop@example.org" not in body
    assert "Leave blank to keep the number on file; type a new one to replace it." in body
    assert "Leave blank to keep the address on file; type a new one to replace it." in body
    assert "Remove the phone number on file" in body


def test_a_facilitator_sees_the_contacts_of_an_unprotected_participant(client, login, mapped, own):
    login(mapped.facilitator)
    body = client.get(url(mapped, own)).get_data(as_text=True)
    assert 'value="+573104567821"' in body
    assert 'value="coop@example.org"' in body


def test_blank_keeps_the_contacts_on_file(client, login, mapped, own, session):
    login(mapped.company_rep)
    response = client.post(url(mapped, own), data=form(interest="4"))
    assert response.status_code == 302
    session.refresh(own)
    assert (own.phone, own.email, own.interest) == ("+573104567821", "coop@example.org", 4)
    update = session.scalars(
        select(AuditEntry).where(AuditEntry.action == "participant.update")
    ).one()
    assert update.details == {"participant_id": own.id, "interest": [5, 4]}


def test_a_new_number_replaces_the_one_on_file_and_the_log_says_only_that(
    client, login, mapped, own, session
):
    login(mapped.company_rep)
    client.post(url(mapped, own), data=form(phone="3209998877"))
    session.refresh(own)
    assert (own.phone, own.email) == ("+573209998877", "coop@example.org")
    update = session.scalars(
        select(AuditEntry).where(AuditEntry.action == "participant.update")
    ).one()
    assert update.details == {"participant_id": own.id, "changed": ["phone"]}


def test_remove_clears_the_number_on_file(client, login, mapped, own, session):
    login(mapped.company_rep)
    client.post(url(mapped, own), data=form(clear_phone="y"))
    session.refresh(own)
    assert (own.phone, own.phone_hash, own.email) == (None, None, "coop@example.org")


def test_a_refused_edit_never_answers_with_the_number_on_file(client, login, mapped, own):
    login(mapped.company_rep)
    data = form(interest="9")
    del data["phone"], data["email"]  # a crafted request that leaves the fields out
    response = client.post(url(mapped, own), data=data)
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "4567821" not in body
    assert "coop@example.org" not in body


def test_a_protected_participant_keeps_its_name_when_the_field_is_left_blank(
    client, login, mapped, add, session
):
    protected = add(name="Diana Marcela Ortiz", phone=PHONE, risk="high", kind="person")
    pseudonym = protected.display_name
    login(mapped.facilitator)
    response = client.post(
        url(mapped, protected),
        data=form(name="", kind="person", sector="individual", risk="high", influence="4"),
    )
    assert response.status_code == 302
    session.refresh(protected)
    assert (protected.protected_name, protected.display_name) == ("Diana Marcela Ortiz", pseudonym)
    assert (protected.phone, protected.influence) == ("+573104567821", 4)


def test_the_form_filled_on_a_look_saves_what_it_shows(client, login, mapped, add, session):
    protected = add(name="Diana Marcela Ortiz", phone=PHONE, risk="high", kind="person")
    login(mapped.facilitator)
    body = client.post(f"{url(mapped, protected)}/identity").get_data(as_text=True)
    assert 'name="shown" type="hidden" value="1"' in body
    client.post(
        url(mapped, protected),
        data=form(name="Diana M. Ortiz", kind="person", risk="high", phone="", shown="1"),
    )
    session.refresh(protected)
    assert (protected.protected_name, protected.phone) == ("Diana M. Ortiz", None)


def test_no_mapping_page_writes_to_the_audit_log_on_get(client, login, mapped, add, own, session):
    protected = add(name="Diana Marcela Ortiz", phone="3146667788", risk="high")
    base = f"/p/{mapped.partnership.id}/mapping"
    login(mapped.facilitator)
    before = session.scalar(select(func.count()).select_from(AuditEntry))
    for page in (
        base,
        f"{base}/{protected.id}",
        f"{base}/{protected.id}/edit",
        f"{base}/{own.id}/edit",
        f"{base}/new",
        f"{base}/duplicates",
        f"{base}/export",
    ):
        assert client.get(page).status_code == 200, page
    assert session.scalar(select(func.count()).select_from(AuditEntry)) == before


def test_a_representative_saves_an_edit_without_the_proposer_field(
    client, login, mapped, own, session
):
    login(mapped.company_rep)
    data = form(locality="Puerto Rico")
    del data["proposed_by_partner_id"]
    assert client.post(url(mapped, own), data=data).status_code == 302
    session.refresh(own)
    assert (own.locality, own.proposed_by_partner_id) == ("Puerto Rico", mapped.company.id)
