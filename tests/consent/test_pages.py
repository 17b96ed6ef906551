"""The consent pages: facilitators record and withdraw each purpose with its day, channel and
end; bad days re-render with the reason; the history comes from the audit log; nobody else
opens them, and another partnership's people are not found."""

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from hsbp.audit import AuditEntry
from hsbp.consent import services
from hsbp.consent.models import Consent
from hsbp.db import utcnow
from hsbp.partnerships.models import Membership
from hsbp.partnerships.profile_models import FacilitatorProfile
from hsbp.security import Role
from hsbp.sms import contacts
from tests.consent.conftest import PHONE, consents_of
from tests.sms.conftest import add_contact, map_participant, page_text


@pytest.fixture
def joined(session, demo_partnership):
    return add_contact(session, demo_partnership, PHONE, locale="en")


def answers(response) -> dict[str, str]:
    """{purpose: its answer} as the page's table of purposes shows them."""
    body = response.get_data(as_text=True)
    rows = re.findall(r'<th scope="row"[^>]*>([^<]+)<br>.*?<td[^>]*>(.*?)</td>', body, re.S)
    return {label.strip(): re.sub(r"<[^>]+>", "", state).strip() for label, state in rows}


def contact_page(partnership, contact) -> str:
    return f"/p/{partnership.id}/consent/contact/{contact.id}"


def answer(**fields) -> dict:
    return {
        "purpose": "news",
        "answer": "granted",
        "channel": "paper",
        "given_on": "2026-02-03",
        "expires_on": "",
        **fields,
    }


def test_a_facilitator_records_news_given_on_paper_until_a_day(
    client, session, demo_partnership, facilitator, joined
):
    page = contact_page(demo_partnership, joined)
    assert answers(client.get(page)) == {
        "Consultations": "Given",
        "News": "Not recorded",
        "Grievance follow-up": "Given",
        "Research": "Not recorded",
    }
    response = client.post(page, data=answer(expires_on="2099-06-30"))
    assert (response.status_code, response.location) == (302, page)
    assert consents_of(session, contact_id=joined.id)[(demo_partnership.id, "news")] == (
        True,
        "paper",
        date(2099, 6, 30),
    )
    # News given is news wanted: the subscription follows.
    assert contacts.membership(
        session, contact=joined, partnership_id=demo_partnership.id
    ).wants_updates
    response = client.get(page)
    assert answers(response)["News"] == "Given"
    text = page_text(response)
    assert "The answer is recorded." in text
    assert f"Recorded by {facilitator.name}" in text
    assert "News: Given (On paper, Feb 3, 2026, until Jun 30, 2099)" in text


def test_a_withdrawal_is_recorded_and_shown_in_the_history(
    client, session, demo_partnership, facilitator, joined
):
    page = contact_page(demo_partnership, joined)
    client.post(page, data=answer(purpose="consultations", answer="withdrawn", channel="verbal"))
    assert consents_of(session, contact_id=joined.id)[(demo_partnership.id, "consultations")] == (
        False,
        "verbal",
        None,
    )
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "consent.withdraw")).one()
    assert (entry.actor_id, entry.details) == (
        facilitator.id,
        {
            "purpose": "consultations",
            "channel": "verbal",
            "given_on": "2026-02-03",
            "expires_on": None,
            "cause": "form",
        },
    )
    text = page_text(client.get(page))
    assert "Consultations: Withdrawn (Verbally, Feb 3, 2026)" in text
    assert "Consultations: Given (On the web" in text  # the JOIN before it (a stand-in)
    assert "joined by SMS" in text


@pytest.mark.parametrize(
    ("fields", "field_error"),
    [
        (
            {"expires_on": "2026-02-01"},
            "The last day must come after the day the consent was given.",
        ),
        (
            {"expires_on": "2026-02-03"},
            "The last day must come after the day the consent was given.",
        ),
        ({"given_on": "2026-02-03", "expires_on": "2026-03-01"}, "This day has passed"),
        ({"answer": "withdrawn", "expires_on": "2099-01-01"}, "A withdrawal does not end"),
        ({"given_on": (date.today() + timedelta(days=3)).isoformat()}, "cannot be in the future"),
        ({"given_on": "not a day"}, "Not a valid date value."),
        ({"given_on": ""}, "Give the day of the answer."),
        ({"purpose": "marketing"}, "Not a valid choice."),
    ],
)
def test_bad_days_and_choices_re_render_the_form_with_the_reason(
    client, session, demo_partnership, facilitator, joined, fields, field_error
):
    page = contact_page(demo_partnership, joined)
    response = client.post(page, data=answer(**fields))
    assert response.status_code == 422
    assert field_error in page_text(response)
    assert (demo_partnership.id, "news") not in consents_of(session, contact_id=joined.id)
    assert (
        session.scalar(
            select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "consent.grant")
        )
        == 2
    )  # the JOIN's only


def test_only_facilitators_of_the_partnership_open_a_contacts_consent(
    client, session, make, login, demo_partnership, joined
):
    page = contact_page(demo_partnership, joined)
    for role in (Role.REPRESENTATIVE, Role.OBSERVER):
        login(make.member(demo_partnership, role))
        assert client.get(page).status_code == 404
        assert client.post(page, data=answer()).status_code == 404
    other = make.partnership()
    login(make.member(other, Role.FACILITATOR))
    assert client.get(page).status_code == 404
    # A contact of another partnership only is no contact here.
    stranger = add_contact(session, other, "+573104567860")
    login(make.member(demo_partnership, Role.FACILITATOR))
    assert client.get(contact_page(demo_partnership, stranger)).status_code == 404
    assert client.get(f"/p/{demo_partnership.id}/consent/contact/999999").status_code == 404
    assert (demo_partnership.id, "news") not in consents_of(session, contact_id=joined.id)


def test_a_co_facilitator_sees_the_number_masked(
    client, session, make, login, demo_partnership, joined
):
    user = make.member(demo_partnership, Role.FACILITATOR)
    membership = session.scalars(select(Membership).where(Membership.user_id == user.id)).one()
    community = make.partner(demo_partnership, sector="community_group")
    session.add(
        FacilitatorProfile(
            partnership_id=demo_partnership.id,
            membership_id=membership.id,
            community_partner_id=community.id,
        )
    )
    login(user)
    text = page_text(client.get(contact_page(demo_partnership, joined)))
    assert "SMS contact ••• 21" in text
    assert "310 456" not in text


def test_a_participants_consent_is_recorded_on_their_page(
    client, session, demo_partnership, facilitator
):
    participant = map_participant(
        session, demo_partnership, facilitator, consent_on=date(2026, 3, 2), consent_method="verbal"
    )
    services.from_register(session, participant=participant)
    page = f"/p/{demo_partnership.id}/mapping/{participant.id}"
    text = page_text(client.get(page))
    assert "Consent per purpose Consultations: Given (Mar 2, 2026)" in text
    assert "Research: Not recorded" in text
    consent_page = f"/p/{demo_partnership.id}/consent/participant/{participant.id}"
    response = client.post(consent_page, data=answer(purpose="research", channel="paper"))
    assert response.status_code == 302
    assert consents_of(session, participant_id=participant.id) == {
        (demo_partnership.id, "consultations"): (True, "verbal", None),
        (demo_partnership.id, "research"): (True, "paper", None),
    }
    text = page_text(client.get(consent_page))
    assert "Nothing is sent by SMS for research" in text
    assert "from the mapping register" in text


def test_representatives_see_no_consent_on_a_participants_page(
    client, session, make, login, demo_partnership, facilitator
):
    participant = map_participant(session, demo_partnership, facilitator)
    login(make.member(demo_partnership, Role.REPRESENTATIVE))
    response = client.get(f"/p/{demo_partnership.id}/mapping/{participant.id}")
    assert response.status_code == 200
    assert "Consent per purpose" not in page_text(response)
    page = f"/p/{demo_partnership.id}/consent/participant/{participant.id}"
    assert client.get(page).status_code == 404


def test_the_contact_list_links_each_contact_to_its_consent(
    client, session, demo_partnership, facilitator, joined
):
    body = client.get(f"/p/{demo_partnership.id}/sms/contacts").get_data(as_text=True)
    assert f'href="{contact_page(demo_partnership, joined)}"' in body


def test_the_activity_log_links_a_consent_to_its_person(
    client, session, demo_partnership, facilitator, joined
):
    consent = session.scalars(select(Consent).where(Consent.contact_id == joined.id)).first()
    response = client.get(f"/p/{demo_partnership.id}/consent/{consent.id}")
    assert response.location.endswith(contact_page(demo_partnership, joined))


def test_an_erased_contact_takes_no_new_answer(
    client, session, demo_partnership, facilitator, joined
):
    joined.erased_at = utcnow()
    session.flush()
    page = contact_page(demo_partnership, joined)
    response = client.post(page, data=answer())
    assert response.status_code == 422
    assert "This person was erased" in page_text(response)


def test_the_audit_log_tells_a_consent_to_facilitators_only(
    client, session, make, login, demo_partnership, facilitator, joined
):
    client.post(contact_page(demo_partnership, joined), data=answer())
    text = page_text(client.get(f"/p/{demo_partnership.id}/audit"))
    # (Names and numbers sit in <bdi>, hence the spaces of the page's text.)
    assert f"{facilitator.name} recorded the consent ( News · SMS contact #{joined.id} )" in text
    assert f"The system recorded the consent ( Consultations · SMS contact #{joined.id} )" in text
    assert PHONE[-7:] not in text
    login(make.member(demo_partnership, Role.REPRESENTATIVE))
    shared = page_text(client.get(f"/p/{demo_partnership.id}/audit"))
    assert "consent" not in shared.lower()
