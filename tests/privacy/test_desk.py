"""The privacy desk: a lead facilitator finds a person of this partnership by number (or from
a participant), sees what is held about them, and nothing about other partnerships."""

from __future__ import annotations

import re

import pytest
from flask import url_for
from sqlalchemy import func, select

from hsbp.audit import AuditEntry
from hsbp.consent.models import Consent
from hsbp.grievances.models import GrievanceOfficer
from hsbp.partnerships.models import Membership
from hsbp.partnerships.profile_models import FacilitatorProfile
from hsbp.security import Role
from hsbp.sms import contacts
from hsbp.sms.models import ConsentEvent
from tests.privacy import export_world
from tests.privacy.export_world import ANA_NATIONAL, ANA_PHONE

NOBODY = "No one with this number in this partnership."


@pytest.fixture
def world(session, make):
    return export_world.build(session, make)


def desk(world) -> str:
    return f"/p/{world.partnership.id}/privacy"


def look_up(client, world, phone: str):
    return client.post(desk(world), data={"phone": phone}, follow_redirects=True)


def counts_of(page: str) -> dict[str, str]:
    rows = re.findall(r'<th scope="row">([^<]+)</th>\s*<td>(?:<bdi>)?([^<]+)', page)
    return {label.replace("&#39;", "'"): value for label, value in rows}


def consent_records(world) -> int:
    """Her consent events and consents here, as stored (joining gives consents too)."""
    events = world.session.scalar(
        select(func.count())
        .select_from(ConsentEvent)
        .where(
            ConsentEvent.contact_id == world.ana.id,
            ConsentEvent.partnership_id == world.partnership.id,
        )
    )
    consents = world.session.scalar(
        select(func.count())
        .select_from(Consent)
        .where(Consent.contact_id == world.ana.id, Consent.partnership_id == world.partnership.id)
    )
    return events + consents


def test_a_number_finds_the_contact_and_counts_what_is_held(client, login, world):
    login(world.facilitator)
    response = look_up(client, world, ANA_NATIONAL)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert NOBODY not in page
    assert counts_of(page) == {
        "Messages to and from them": "3",
        "Answers to consultations (not anonymous)": "1",
        "Consultations they were asked to answer": "1",
        "Grievances they filed (not anonymous)": "1",
        "Votes": "1",
        "Answers to checks of the partnership's work": "1",
        "Partnership health rounds": "1",
        "Replies to SMS polls": "1",
        "Consent records": str(consent_records(world)),
        "Record in the participant mapping": "1",
    }
    pid, cid = world.partnership.id, world.ana.id
    # Found, the person is shown at an address that names them by id, never by number.
    assert response.request.path == desk(world)
    assert response.request.args.to_dict() == {"contact": str(cid)}
    assert f'<form method="post" action="/p/{pid}/privacy/contacts/{cid}/export">' in page
    assert f'formaction="/p/{pid}/privacy/contacts/{cid}/export.pdf"' in page
    assert f'formaction="/p/{pid}/privacy/contacts/{cid}/export.json"' in page
    # Her own language is offered first for her copy.
    assert '<option selected value="es">' in page
    assert response.headers["Cache-Control"] == "no-store"


def test_the_international_form_finds_her_too(client, login, world):
    login(world.facilitator)
    page = look_up(client, world, ANA_PHONE).get_data(as_text=True)
    assert "<bdi>+57 310 4567821</bdi>" in page


def _answer_for(client, world, phone: str) -> str:
    page = look_up(client, world, phone).get_data(as_text=True)
    # The number typed is shown back in its field; the rest must be the same.
    return re.sub(r'name="phone" required type="tel" value="[^"]*"', "", page)


def test_a_number_of_another_partnership_answers_as_a_number_never_seen(
    client, login, session, world
):
    elsewhere = contacts.get_or_create_contact(session, "+573151112233")
    contacts.join(session, contact=elsewhere, partnership_id=world.other.id, channel="sms")
    login(world.facilitator)
    known_elsewhere = _answer_for(client, world, "315 111 2233")
    never_seen = _answer_for(client, world, "315 999 0000")
    assert NOBODY in known_elsewhere
    assert known_elsewhere == never_seen


def test_a_mapped_participant_without_a_contact_is_found_by_number(client, login, session, world):
    export_world._participant(
        session,
        world.partnership,
        name="Carmen Rojas",
        phone="+573209876543",
        phone_hash=contacts.phone_hash("+573209876543"),
    )
    login(world.facilitator)
    page = look_up(client, world, "320 987 6543").get_data(as_text=True)
    assert "<bdi>Carmen Rojas</bdi>" in page
    assert "<bdi>+57 320 9876543</bdi>" in page
    assert counts_of(page)["Record in the participant mapping"] == "1"
    assert counts_of(page)["Messages to and from them"] == "0"


def test_what_is_not_a_number_is_refused_beside_the_field(client, login, world):
    login(world.facilitator)
    response = look_up(client, world, "hola")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "This is not a phone number: hola" in page
    assert NOBODY not in page


def test_a_participant_opens_from_its_id(client, login, world):
    login(world.facilitator)
    response = client.get(f"{desk(world)}?participant={world.participant.id}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert counts_of(page)["Messages to and from them"] == "3"
    assert f"/privacy/participants/{world.participant.id}/export" in page


def test_ids_of_other_partnerships_are_not_found(client, login, session, world):
    stranger = export_world._participant(session, world.other, name="Fuera")
    login(world.facilitator)
    assert client.get(f"{desk(world)}?participant={stranger.id}").status_code == 404
    elsewhere = contacts.get_or_create_contact(session, "+573151112233")
    contacts.join(session, contact=elsewhere, partnership_id=world.other.id, channel="sms")
    assert client.get(f"{desk(world)}?contact={elsewhere.id}").status_code == 404


def test_a_protected_persons_number_stays_masked_on_the_desk(client, login, session, world):
    world.participant.risk = "high"
    session.flush()
    login(world.facilitator)
    page = look_up(client, world, ANA_NATIONAL).get_data(as_text=True)
    assert "4567821" not in page.replace(ANA_NATIONAL, "")
    assert "<bdi>••• 21</bdi>" in page


def test_grievances_are_counted_only_for_a_grievance_officer(client, login, session, world):
    session.execute(GrievanceOfficer.__table__.delete())
    login(world.facilitator)
    page = look_up(client, world, ANA_NATIONAL).get_data(as_text=True)
    assert counts_of(page)["Grievances they filed (not anonymous)"] == (
        "Only grievance officers see this"
    )


def test_looking_up_writes_nothing_to_the_audit_log(client, login, session, world):
    login(world.facilitator)
    look_up(client, world, ANA_NATIONAL)
    assert session.scalar(select(AuditEntry.id).where(AuditEntry.action.like("privacy%"))) is None


@pytest.mark.parametrize("role", [Role.REPRESENTATIVE, Role.OBSERVER])
def test_members_other_than_facilitators_get_not_found(client, login, make, world, role):
    login(make.member(world.partnership, role))
    assert client.get(desk(world)).status_code == 404
    assert look_up(client, world, ANA_NATIONAL).status_code == 404


def test_a_co_facilitator_from_the_community_side_gets_not_found(
    client, login, make, session, world
):
    user = make.member(world.partnership, Role.FACILITATOR)
    membership = session.scalar(
        select(Membership).where(
            Membership.user_id == user.id, Membership.partnership_id == world.partnership.id
        )
    )
    community = make.partner(world.partnership, sector="community_group")
    session.add(
        FacilitatorProfile(
            partnership_id=world.partnership.id,
            membership_id=membership.id,
            community_partner_id=community.id,
        )
    )
    login(user)
    assert client.get(desk(world)).status_code == 404


def test_a_facilitator_of_another_partnership_gets_not_found(client, login, make, world):
    login(make.member(world.other, Role.FACILITATOR))
    assert client.get(desk(world)).status_code == 404
    assert client.get(f"{desk(world)}?participant={world.participant.id}").status_code == 404


def test_the_desk_starts_empty(client, login, world):
    login(world.facilitator)
    response = client.get(desk(world))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert NOBODY not in page
    assert "What is held" not in page


def test_the_desk_links_to_the_persons_erasure_when_it_exists(app, client, login, world):
    login(world.facilitator)
    page = look_up(client, world, ANA_NATIONAL).get_data(as_text=True)
    if "privacy.erase_contact" in app.view_functions:
        with app.test_request_context():
            erase = url_for(
                "privacy.erase_contact",
                partnership_id=world.partnership.id,
                contact_id=world.ana.id,
            )
        assert f'href="{erase}"' in page
    else:
        assert "/erase" not in page
