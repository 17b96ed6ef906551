"""DELETE by SMS through the signed webhook and the router: the question, the confirmation,
the last SMS sent through the fake Twilio before the number goes, and the refusals."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from hsbp.audit import AuditEntry
from hsbp.config import DEV_TWILIO_SID, DEV_TWILIO_TOKEN
from hsbp.db import utcnow
from hsbp.fake_twilio import FakeTwilio
from hsbp.i18n import UI_LOCALE_CODES
from hsbp.privacy import erasure_sms
from hsbp.privacy.models import Erasure
from hsbp.sms import contacts, texts
from hsbp.sms.encoding import measure, normalise
from hsbp.sms.handlers import registry
from hsbp.sms.models import (
    Contact,
    ContactMembership,
    InboundMessage,
    OutboundMessage,
    OutboundStatus,
)
from tests.privacy.conftest import NAME, WORDS, build_person, text_in
from tests.sms.conftest import PHONE, add_contact

STRANGER = "+573001112233"


def said(key: str, locale: str = "es") -> str:
    return normalise(erasure_sms.text(locale, key))


@pytest.fixture
def fake():
    with FakeTwilio(DEV_TWILIO_SID, DEV_TWILIO_TOKEN, callback_delay=0.01) as running:
        yield running


@pytest.fixture
def phone(app_with, fake):
    """A client whose app sends through the fake Twilio: the phone's side of the talk."""
    return app_with(TWILIO_API_BASE=fake.url, SMS_RATE_PER_SECOND=0).test_client()


def test_delete_then_yes_erases_the_number_everywhere_after_the_last_sms_left(
    session, make, partnership, lead, phone, fake
):
    person = build_person(session, partnership, lead)
    elsewhere = make.partnership(name="Zenica")
    contacts.configure_sender(
        session, partnership_id=elsewhere.id, sender="+15005550007", join_code="ZEN"
    )
    add_contact(session, elsewhere, PHONE)
    session.flush()

    text_in(phone, session, "DELETE")  # its reply is confidential: blanked once sent
    assert [m["body"] for m in fake.messages if m["to"] == PHONE] == [said("confirm")]
    assert session.scalar(select(func.count()).select_from(Erasure)) == 0
    # The last SMS answers it, and keeps no text once sent.
    assert text_in(phone, session, "delete yes") == [""]

    session.expire_all()
    contact = session.get(Contact, person.contact.id)
    assert contact.erased_at is not None and contact.phone == ""
    assert contact.phone_hash.startswith("erased:")
    assert contacts.find_contact(session, PHONE) is None
    assert session.scalars(select(ContactMembership)).all() == []
    # The last SMS reached the phone, and its text is not kept.
    assert [m["body"] for m in fake.messages if m["to"] == PHONE][-1] == said("erased")
    last = session.scalar(select(OutboundMessage).where(OutboundMessage.kind == "privacy_erased"))
    assert last.status in (OutboundStatus.SENT, OutboundStatus.DELIVERED)
    assert last.body == "" and last.body_removed_at is not None
    # Every message of the number, the DELETE ones too, has lost its body and the number.
    for message in session.scalars(select(InboundMessage)):
        assert (message.body, message.from_phone) == ("", ""), message.route
        assert message.from_hash.startswith("erased:")
    erasure = session.scalar(select(Erasure))
    assert (erasure.partnership_id, erasure.requested_via, erasure.grounds) == (
        None,
        "sms",
        "sms_request",
    )
    # Each partnership's log says so, with its own counts, and names nobody.
    entries = session.scalars(select(AuditEntry).where(AuditEntry.action == "privacy.erase")).all()
    assert sorted(e.partnership_id for e in entries) == sorted([partnership.id, elsewhere.id])
    for entry in entries:
        flat = repr(entry.details)
        assert PHONE not in flat and NAME not in flat and PHONE[3:] not in flat
    # The number may join again, as a new person.
    assert text_in(phone, session, "JOIN DEMO")[0].startswith(
        texts.text("es", "joined", code="DEMO")[:8]
    )
    assert contacts.find_contact(session, PHONE).id != contact.id


def test_delete_without_its_confirmation_removes_nothing(session, partnership, lead, client):
    person = build_person(session, partnership, lead)
    assert text_in(client, session, "BORRAR") == [said("confirm")]
    assert text_in(client, session, "hola otra vez") != []
    session.expire_all()
    contact = session.get(Contact, person.contact.id)
    assert contact.erased_at is None and contact.phone == PHONE
    assert session.scalar(select(func.count()).select_from(Erasure)) == 0
    assert session.scalar(select(ContactMembership.id)) is not None
    inbox = session.scalars(select(InboundMessage.body).where(InboundMessage.route == "inbox"))
    assert WORDS["inbox"] in inbox.all()


def test_a_confirmation_past_the_window_asks_again(session, partnership, lead, client):
    build_person(session, partnership, lead)
    text_in(client, session, "DELETE")
    asked = session.scalar(select(InboundMessage).where(InboundMessage.route == "privacy_delete"))
    asked.received_at = utcnow() - erasure_sms.WINDOW - timedelta(minutes=1)
    session.flush()
    assert text_in(client, session, "DELETE YES") == [said("confirm")]
    assert session.scalar(select(func.count()).select_from(Erasure)) == 0


def test_a_second_delete_alone_never_erases(session, partnership, lead, client):
    build_person(session, partnership, lead)
    assert text_in(client, session, "DELETE") == [said("confirm")]
    assert text_in(client, session, "DELETE") == [said("confirm")]
    assert session.scalar(select(func.count()).select_from(Erasure)) == 0


def test_delete_from_a_number_that_is_no_contact_deletes_nothing(
    session, partnership, lead, client
):
    build_person(session, partnership, lead)
    before = session.scalar(select(func.count()).select_from(InboundMessage))
    assert text_in(client, session, "DELETE", sender=STRANGER) == [said("unknown", "en")]
    assert text_in(client, session, "DELETE YES", sender=STRANGER) != []
    assert session.scalar(select(func.count()).select_from(Erasure)) == 0
    assert session.scalar(select(func.count()).select_from(InboundMessage)) == before + 2
    assert contacts.find_contact(session, PHONE).erased_at is None


def test_the_flow_is_confidential_and_shown_on_no_page(session, partnership, lead, client):
    build_person(session, partnership, lead)
    text_in(client, session, "DELETE")
    request = session.scalar(select(InboundMessage).where(InboundMessage.route == "privacy_delete"))
    assert request.confidential and request.body == "" and not request.in_inbox
    question = session.scalar(
        select(OutboundMessage).where(OutboundMessage.reply_to_id == request.id)
    )
    assert question.confidential


def test_until_the_last_sms_leaves_the_number_stays_then_goes_all_the_same(
    session, partnership, lead, client
):
    """Twilio out of reach: everything else is erased at once; the number waits for the
    last SMS, and past FINISH_WAIT goes without it (the SMS is cancelled)."""
    person = build_person(session, partnership, lead)
    text_in(client, session, "DELETE")
    text_in(client, session, "DELETE SI")
    session.expire_all()
    contact = session.get(Contact, person.contact.id)
    assert contact.erased_at is None and contact.phone == PHONE
    assert session.scalar(select(func.count()).select_from(ContactMembership)) == 0
    assert erasure_sms.finish_pending(session) == 0
    later = utcnow() + erasure_sms.FINISH_WAIT + timedelta(minutes=1)
    assert erasure_sms.finish_pending(session, now=later) == 1
    assert contact.phone == "" and contact.erased_at is not None
    last = session.scalar(select(OutboundMessage).where(OutboundMessage.kind == "privacy_erased"))
    assert last.status == OutboundStatus.CANCELLED and last.body == ""
    assert erasure_sms.finish_pending(session, now=later) == 0


def test_delete_from_a_number_that_sent_stop_reaches_the_inbox(session, partnership, lead, client):
    person = build_person(session, partnership, lead)
    contacts.opt_out(session, contact=person.contact, channel="sms")
    session.flush()
    assert text_in(client, session, "DELETE") == []
    message = session.scalar(
        select(InboundMessage)
        .where(InboundMessage.route == "inbox")
        .order_by(InboundMessage.id.desc())
    )
    assert message.body == "DELETE" and message.in_inbox and not message.confidential


def test_the_words_of_delete_collide_with_no_other_keyword(app):
    with app.app_context():
        mine = erasure_sms.words("delete")
        assert {"DELETE", "BORRAR", "SUPPRIMER", "OBRISI", "حذف", "FUTA"} <= mine
        channel = set(texts.keyword_table())
        others = {
            w for w, (name, _h) in registry().keywords.items() if name != erasure_sms.KEYWORD_NAME
        }
        assert mine & channel == set() and mine & others == set()


@pytest.mark.parametrize("locale", UI_LOCALE_CODES)
@pytest.mark.parametrize("key", sorted(erasure_sms.TEXTS))
def test_every_erasure_text_fits_one_segment(app, locale, key):
    with app.app_context():
        assert measure(normalise(erasure_sms.text(locale, key))).segments == 1


def test_a_sentence_that_starts_with_the_word_is_an_ordinary_message(
    session, partnership, lead, client
):
    add_contact(session, partnership, PHONE)  # no conversation under way to take it
    text_in(client, session, "Delete the photos of the meeting, please")
    message = session.scalar(select(InboundMessage).order_by(InboundMessage.id.desc()).limit(1))
    assert (message.route, message.in_inbox, message.confidential) == ("inbox", True, False)
    assert message.body == "Delete the photos of the meeting, please"
