"""An ended consent is asked again by SMS once; YES renews it for a year, anything else or
silence leaves it ended and it is never asked again."""

from datetime import timedelta
from itertools import combinations

import pytest
from sqlalchemy import select

from hsbp.consent import renewal, rules, sms_texts
from hsbp.consent.models import Consent
from hsbp.consent.tasks import ask_expired_consents
from hsbp.db import utcnow
from hsbp.i18n import UI_LOCALE_CODES
from hsbp.sms import contacts
from hsbp.sms.encoding import measure, normalise
from hsbp.sms.models import InboundMessage, OutboundMessage
from tests.consent.conftest import PHONE
from tests.sms.conftest import add_contact

ASKED = (
    "Your consent to receive consultation questions from Caguán has ended. Reply YES to "
    "renew for another year, or ignore to stop."
)
RENEWED = "Thank you. You will get consultation questions from Caguán for another year."
LONG_NAME = "Alianza para la Seguridad Humana del Caguán y sus veredas, Caquetá, Colombia"


@pytest.fixture
def ended(session, demo_partnership):
    """A contact who joined, whose consent to consultations ended yesterday."""
    contact = add_contact(session, demo_partnership, PHONE, locale="en")
    row = consent(session, contact, "consultations")
    row.expires_on = utcnow().date() - timedelta(days=1)
    session.flush()
    return contact


def consent(session, contact, purpose) -> Consent:
    return session.scalars(
        select(Consent).where(Consent.contact_id == contact.id, Consent.purpose == purpose)
    ).one()


def asked(session, contact) -> list[str]:
    return list(
        session.scalars(
            select(OutboundMessage.body)
            .where(OutboundMessage.contact_id == contact.id, OutboundMessage.kind == "consent")
            .order_by(OutboundMessage.id)
        )
    )


def test_an_ended_consent_is_asked_once_and_yes_renews_it_for_a_year(
    sms, session, demo_partnership, ended
):
    assert renewal.ask_expired(session, now=utcnow()) == 1
    assert asked(session, ended) == [ASKED]
    assert ended.awaiting == f"consent:{demo_partnership.id}"
    assert consent(session, ended, "consultations").reasked_at is not None
    ask_expired_consents.call_local()  # the daily task, the next day: nothing new
    assert asked(session, ended) == [ASKED]

    assert sms("YES").replies == [RENEWED]
    session.expire_all()
    row = consent(session, ended, "consultations")
    today = utcnow().date()
    assert (row.granted, row.channel, row.expires_on, row.reasked_at) == (
        True,
        "sms",
        rules.years_after(today),
        None,
    )
    assert row.given_at.date() == today
    assert ended.awaiting == ""
    assert session.scalar(select(InboundMessage.route).order_by(InboundMessage.id.desc())) == (
        "consent_renewal"
    )


def test_anything_else_ends_the_question_and_it_is_never_asked_again(
    sms, session, demo_partnership, ended
):
    renewal.ask_expired(session, now=utcnow())
    sms("¿Cuándo es la reunión?")
    session.expire_all()
    assert session.scalar(select(InboundMessage.route).order_by(InboundMessage.id.desc())) == (
        "inbox"
    )
    assert ended.awaiting == ""
    assert renewal.ask_expired(session, now=utcnow() + timedelta(days=1)) == 0
    sms("YES")  # too late: an ordinary message now
    row = consent(session, ended, "consultations")
    assert (row.expires_on < utcnow().date(), row.reasked_at is not None) == (True, True)
    assert asked(session, ended) == [ASKED]


def test_silence_changes_nothing(session, demo_partnership, ended):
    renewal.ask_expired(session, now=utcnow())
    for days in (1, 30, 400):
        assert renewal.ask_expired(session, now=utcnow() + timedelta(days=days)) == 0
    row = consent(session, ended, "consultations")
    assert (row.granted, row.expires_on < utcnow().date()) == (True, True)


def test_one_question_names_every_ended_purpose_of_a_partnership(session, demo_partnership, ended):
    consent(session, ended, "grievance_follow_up").expires_on = utcnow().date() - timedelta(days=3)
    assert renewal.ask_expired(session, now=utcnow()) == 1
    assert asked(session, ended) == [
        "Your consent to receive consultation questions and grievance updates from Caguán has "
        "ended. Reply YES to renew for another year, or ignore to stop."
    ]


def test_who_sent_stop_is_never_asked_and_who_awaits_an_answer_is_asked_later(
    session, demo_partnership, ended
):
    ended.awaiting = "language"
    assert renewal.ask_expired(session, now=utcnow()) == 0
    ended.awaiting = ""
    stopped = add_contact(session, demo_partnership, "+573104567850", locale="en")
    consent(session, stopped, "consultations").expires_on = utcnow().date() - timedelta(days=1)
    contacts.opt_out(session, contact=stopped, channel="sms")
    assert renewal.ask_expired(session, now=utcnow()) == 1
    assert (asked(session, ended), asked(session, stopped)) == ([ASKED], [])


def test_research_is_never_asked_by_sms(session, demo_partnership, facilitator, ended):
    consent(session, ended, "consultations").expires_on = None
    session.add(
        Consent(
            partnership_id=demo_partnership.id,
            contact_id=ended.id,
            purpose="research",
            granted=True,
            channel="paper",
            expires_on=utcnow().date() - timedelta(days=1),
        )
    )
    session.flush()
    assert renewal.ask_expired(session, now=utcnow()) == 0


@pytest.mark.parametrize("locale", ["en", *UI_LOCALE_CODES])
@pytest.mark.parametrize("key", sorted(sms_texts.TEXTS))
@pytest.mark.parametrize(
    "purposes",
    [[p] for p in sms_texts.PURPOSE_WORDS]
    + [list(c) for c in combinations(sms_texts.PURPOSE_WORDS, 2)],
)
def test_every_consent_text_fits_one_segment(locale, key, purposes):
    written = normalise(sms_texts.text(locale, key, purposes=purposes, name=LONG_NAME))
    assert measure(written).segments == 1, (locale, key, written)
    assert "Alianza" in written
