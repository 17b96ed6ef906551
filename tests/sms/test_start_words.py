"""START and its localised words (SI, OUI, DA, NDIYO, نعم) restart messages only for a number
that sent STOP; from anyone else they are an ordinary message: an answer, for the inbox."""

import pytest
from sqlalchemy import select

from hsbp.sms import texts
from hsbp.sms.encoding import normalise
from hsbp.sms.models import ConsentEvent, Contact, InboundMessage
from tests.sms.conftest import PHONE, add_contact

START_WORDS = ["START", "si", "Sí", "OUI", "DA", "NDIYO", "نعم"]


def last_message(session) -> InboundMessage:
    session.expire_all()
    return session.scalars(select(InboundMessage).order_by(InboundMessage.id.desc())).first()


def consent_events(session) -> list[str]:
    return list(session.scalars(select(ConsentEvent.event).order_by(ConsentEvent.id)))


@pytest.mark.parametrize("word", START_WORDS)
def test_a_start_word_reactivates_a_contact_who_sent_stop(sms, session, demo_partnership, word):
    add_contact(session, demo_partnership, PHONE, locale="es", opted_out=True)
    assert sms(word).replies == [normalise(texts.text("es", "started"))]
    session.expire_all()
    assert session.scalars(select(Contact.opted_out)).one() is False
    assert last_message(session).route == "start"
    assert consent_events(session)[-2:] == ["opt_out", "opt_in"]


@pytest.mark.parametrize("word", START_WORDS)
def test_a_start_word_from_a_subscribed_contact_reaches_the_inbox(
    sms, session, demo_partnership, word
):
    add_contact(session, demo_partnership, PHONE, locale="es")
    assert sms(word).replies == [normalise(texts.text("es", "received"))]
    message = last_message(session)
    assert (message.route, message.in_inbox, message.partnership_id, message.body) == (
        "inbox",
        True,
        demo_partnership.id,
        word,
    )
    assert session.scalars(select(Contact.opted_out)).one() is False
    assert "opt_in" not in consent_events(session)
