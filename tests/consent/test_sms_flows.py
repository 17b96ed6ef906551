"""Consent follows what people do by SMS: JOIN and YES give the joining purposes, NEWS and
NEWS OFF give and withdraw news, NO and STOP withdraw, START gives back what STOP took."""

from datetime import date

from sqlalchemy import select

from hsbp.audit import AuditEntry
from hsbp.consent import services
from hsbp.sms import confirmation, contacts
from tests.consent.conftest import PHONE, consents_of
from tests.sms.conftest import add_contact

OTHER_SENDER = "+15005550007"


def joined_by_sms(sms, session):
    sms("JOIN DEMO")
    sms("LANG en")
    return contacts.find_contact(session, PHONE)


def test_join_by_sms_gives_consultations_and_grievance_follow_up(sms, session, demo_partnership):
    contact = joined_by_sms(sms, session)
    pid = demo_partnership.id
    assert consents_of(session, contact_id=contact.id) == {
        (pid, "consultations"): (True, "sms", None),
        (pid, "grievance_follow_up"): (True, "sms", None),
    }
    entries = session.scalars(
        select(AuditEntry).where(AuditEntry.object_type == "Consent").order_by(AuditEntry.id)
    ).all()
    assert [(e.action, e.actor_id, e.partnership_id) for e in entries] == [
        ("consent.grant", None, pid),
        ("consent.grant", None, pid),
    ]
    assert [{k: v for k, v in e.details.items() if k != "given_on"} for e in entries] == [
        {"purpose": "consultations", "channel": "sms", "expires_on": None, "cause": "join"},
        {"purpose": "grievance_follow_up", "channel": "sms", "expires_on": None, "cause": "join"},
    ]
    assert PHONE[-7:] not in str([e.details for e in entries])


def test_yes_to_the_partnerships_question_gives_consent_and_no_gives_none(
    sms, session, demo_partnership
):
    pid = demo_partnership.id
    answers = {}
    for phone, answer in (("+573104567830", "YES"), ("+573104567831", "NO")):
        contact = add_contact(session, demo_partnership, phone, locale="en", pending=True)
        member = contacts.membership(session, contact=contact, partnership_id=pid)
        confirmation.ask(session, member=member, contact=contact, partnership=demo_partnership)
        session.flush()
        sms(answer, sender=phone)
        answers[answer] = consents_of(session, contact_id=contact.id)
    assert answers == {
        "YES": {
            (pid, "consultations"): (True, "sms", None),
            (pid, "grievance_follow_up"): (True, "sms", None),
        },
        "NO": {},
    }


def test_news_gives_news_and_news_off_withdraws_it(sms, session, demo_partnership):
    contact = joined_by_sms(sms, session)
    pid = demo_partnership.id
    sms("NEWS")
    assert consents_of(session, contact_id=contact.id)[(pid, "news")] == (True, "sms", None)
    sms("NEWS OFF")
    after = consents_of(session, contact_id=contact.id)
    assert after[(pid, "news")] == (False, "sms", None)
    assert after[(pid, "consultations")] == (True, "sms", None)


def test_stop_withdraws_every_purpose_everywhere_and_start_gives_back_what_it_took(
    sms, session, demo_partnership, make, facilitator
):
    other = make.partnership(name="Zenica")
    contacts.configure_sender(
        session, partnership_id=other.id, sender=OTHER_SENDER, join_code="ZENICA"
    )
    contact = joined_by_sms(sms, session)
    sms("NEWS")
    add_contact(session, other, PHONE, locale="en")
    # Research, withdrawn on paper before the STOP: START does not bring it back.
    services.record(
        session,
        actor=facilitator,
        partnership=demo_partnership,
        contact=contact,
        purpose="research",
        granted=False,
        channel="paper",
        given_on=date(2026, 1, 10),
    )
    pid = demo_partnership.id
    sms("STOP")
    stopped = consents_of(session, contact_id=contact.id)
    assert {key: value[:2] for key, value in stopped.items()} == {
        (pid, "consultations"): (False, "sms"),
        (pid, "grievance_follow_up"): (False, "sms"),
        (pid, "news"): (False, "sms"),
        (pid, "research"): (False, "paper"),
        (other.id, "consultations"): (False, "sms"),
        (other.id, "grievance_follow_up"): (False, "sms"),
    }
    sms("START")
    started = consents_of(session, contact_id=contact.id)
    assert {key: value[:2] for key, value in started.items()} == {
        (pid, "consultations"): (True, "sms"),
        (pid, "grievance_follow_up"): (True, "sms"),
        (pid, "news"): (True, "sms"),
        (pid, "research"): (False, "paper"),
        (other.id, "consultations"): (True, "sms"),
        (other.id, "grievance_follow_up"): (True, "sms"),
    }


def test_start_after_news_off_leaves_news_off(sms, session, demo_partnership):
    contact = joined_by_sms(sms, session)
    sms("NEWS")
    sms("NEWS OFF")
    sms("STOP")
    sms("START")
    assert consents_of(session, contact_id=contact.id)[(demo_partnership.id, "news")][0] is False


def test_joining_again_leaves_a_consent_given_for_a_time_as_it_was(
    sms, session, demo_partnership, facilitator
):
    contact = joined_by_sms(sms, session)
    services.record(
        session,
        actor=facilitator,
        partnership=demo_partnership,
        contact=contact,
        purpose="consultations",
        granted=True,
        channel="paper",
        given_on=services.today_in(demo_partnership),
        expires_on=date(2099, 12, 31),
    )
    sms("JOIN DEMO")
    assert consents_of(session, contact_id=contact.id)[(demo_partnership.id, "consultations")] == (
        True,
        "paper",
        date(2099, 12, 31),
    )
