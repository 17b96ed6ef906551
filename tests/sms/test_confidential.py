"""Messages of confidential flows in the channel: marked when they are written, blanked once
the feature has stored them or Twilio has the text, kept whole for the simulator's training
numbers, and never shown in a thread."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from hsbp import db
from hsbp.db import utcnow
from hsbp.sms import contacts, inbox, sending, sweeper
from hsbp.sms.handlers import confidential_texts, registry
from hsbp.sms.models import InboundMessage, OutboundMessage
from tests.sms.conftest import PHONE, SENDER, add_contact

TEXT = "Su queja 1234 5678 fue recibida"


def send(app, *, phone=PHONE, simulated=False, **fields) -> int:
    """Queue one message inside a request of `app`; the immediate queue sends at commit."""
    with app.test_request_context():
        session = db.session()
        contact = contacts.get_or_create_contact(session, phone)
        contact.simulated = simulated
        message_id = sending.queue_sms(
            session,
            contact=contact,
            body=TEXT,
            sender=SENDER,
            kind=fields.pop("kind", "notification"),
            **fields,
        ).id
        db.finish(commit=True)
    return message_id


def row(session, message_id) -> OutboundMessage:
    session.expire_all()
    return session.get(OutboundMessage, message_id)


def test_a_confidential_text_is_blanked_once_twilio_has_it(twilio_app, slow_fake, session):
    secret = send(twilio_app, confidential=True)
    plain = send(twilio_app, phone="+573009998877")
    assert [m["body"] for m in slow_fake.messages] == [TEXT, TEXT]
    sent = row(session, secret)
    assert (sent.status, sent.body, sent.confidential) == ("sent", "", True)
    assert (sent.segments, sent.encoding, sent.provider_sid) == (
        1,
        "GSM-7",
        slow_fake.messages[0]["sid"],
    )
    assert row(session, plain).body == TEXT


def test_a_training_number_keeps_its_confidential_texts(twilio_app, slow_fake, session):
    message_id = send(twilio_app, confidential=True, simulated=True)
    assert (row(session, message_id).status, row(session, message_id).body) == ("sent", TEXT)


def test_a_kind_registered_confidential_is_confidential(twilio_app, slow_fake, session):
    message_id = send(twilio_app, kind="grievance")  # a stage notice, sent unasked
    assert (row(session, message_id).confidential, row(session, message_id).body) == (True, "")


def test_a_confidential_text_never_sent_is_blanked_too(twilio_app, slow_fake, session):
    slow_fake.opt_out(PHONE)
    failed = send(twilio_app, confidential=True)
    assert (row(session, failed).status, row(session, failed).body) == ("failed", "")
    # The contact is opted out now: the next one is cancelled at send time.
    cancelled = send(twilio_app, confidential=True)
    assert (row(session, cancelled).status, row(session, cancelled).body) == ("cancelled", "")
    assert slow_fake.messages == []


def test_the_sweep_blanks_a_confidential_text_it_fails(twilio_app, slow_fake, session):
    contact = contacts.get_or_create_contact(session, PHONE)
    stuck = []
    for confidential in (True, False):
        message = sending.make_outbound(
            session,
            contact=contact,
            body=TEXT,
            sender=SENDER,
            kind="reply",
            status="sending",
            confidential=confidential,
        )
        # Its last attempt: the sweep asks Twilio, which never had it, and gives up.
        message.attempts = sending.MAX_ATTEMPTS
        message.updated_at = utcnow() - sweeper.SENDING_GRACE - timedelta(minutes=1)
        stuck.append(message.id)
    session.flush()
    with twilio_app.app_context():
        sweeper.sweep_outbound.call_local()
    assert [(row(session, i).status, row(session, i).body) for i in stuck] == [
        ("failed", ""),
        ("failed", TEXT),
    ]


@pytest.fixture
def partnership(make, session):
    partnership = make.partnership(locales=["es", "en"], default_locale="es")
    contacts.configure_sender(
        session, partnership_id=partnership.id, sender=SENDER, join_code="PAZ"
    )
    return partnership


@pytest.fixture
def plug(app, monkeypatch):
    """Register a conversation handler for one test, first in line."""

    def register(handler, *, confidential=False):
        handlers = registry(app)
        monkeypatch.setattr(handlers, "conversations", [("test", handler), *handlers.conversations])
        routes = handlers.confidential_routes | ({"test"} if confidential else set())
        monkeypatch.setattr(handlers, "confidential_routes", routes)

    return register


def routed(session) -> InboundMessage:
    session.expire_all()
    return session.scalar(select(InboundMessage).order_by(InboundMessage.id.desc()).limit(1))


def replies_of(session, message) -> list[tuple[str, bool]]:
    return session.execute(
        select(OutboundMessage.body, OutboundMessage.confidential)
        .where(OutboundMessage.reply_to_id == message.id)
        .order_by(OutboundMessage.id)
    ).all()


def test_a_route_registered_confidential_is_blanked_once_stored(session, sms, partnership, plug):
    add_contact(session, partnership, PHONE)
    stored = []

    def take(_session, incoming):
        stored.append(incoming.text)
        return ["Gracias"]

    plug(take, confidential=True)
    sms("mi respuesta secreta")
    message = routed(session)
    assert stored == ["mi respuesta secreta"]  # the handler read it before it was blanked
    assert (message.route, message.confidential, message.in_inbox, message.body) == (
        "test",
        True,
        False,
        "",
    )
    assert message.provider_sid and message.contact_id and message.received_at
    assert replies_of(session, message) == [("Gracias", True)]


def test_a_handler_marks_one_message_and_one_reply_confidential(session, sms, partnership, plug):
    add_contact(session, partnership, PHONE)

    def take(_session, incoming):
        if incoming.text == "secreto":
            incoming.mark_confidential()
            return ["Anotado"]
        # An ordinary answer, and the first question of an anonymous flow that starts now.
        return ["Listo", *confidential_texts(["1/3 ¿Confía en la empresa?"])]

    plug(take)
    sms("secreto")
    secret = routed(session)
    assert (secret.confidential, secret.body) == (True, "")
    assert replies_of(session, secret) == [("Anotado", True)]
    sms("hola")
    plain = routed(session)
    assert (plain.confidential, plain.body) == (False, "hola")
    assert replies_of(session, plain) == [("Listo", False), ("1/3 ¿Confía en la empresa?", True)]
    thread = inbox.conversation(session, partnership_id=partnership.id, sender=SENDER, phone=PHONE)
    assert [item.body for item in thread] == ["hola", "Listo"]


def test_a_message_whose_handler_failed_is_kept_whole_and_shown_nowhere(
    session, sms, partnership, plug
):
    add_contact(session, partnership, PHONE)

    def broken(_session, _incoming):
        raise RuntimeError("a bug")

    plug(broken)
    sms("REPORTE el guardia me amenazó")
    message = routed(session)
    assert (message.route, message.confidential, message.in_inbox, message.body) == (
        "error",
        True,
        False,
        "REPORTE el guardia me amenazó",
    )
    thread = inbox.conversation(session, partnership_id=partnership.id, sender=SENDER, phone=PHONE)
    assert thread == []


def test_confidential_bodies_of_a_training_number_are_kept(session, sms, partnership, plug):
    add_contact(session, partnership, PHONE).simulated = True
    session.flush()
    plug(lambda _session, _incoming: ["Gracias"], confidential=True)
    sms("mi respuesta")
    message = routed(session)
    assert (message.confidential, message.body) == (True, "mi respuesta")
