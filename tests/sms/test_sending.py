"""Sending through the official twilio client to the fake Twilio over HTTP: rows first,
retries on transient failures, permanent errors recorded, opt-out checked at send time."""

import time
from datetime import UTC, datetime, timedelta

from flask import g
from sqlalchemy import select, update
from twilio.rest.api.v2010.account.message import MessageList

from hsbp import db
from hsbp.config import DEV_TWILIO_SID, DEV_TWILIO_TOKEN
from hsbp.db import utcnow
from hsbp.extensions import configure_queue, queue
from hsbp.fake_twilio import FakeTwilio
from hsbp.sms import contacts, sending, updates
from hsbp.sms.models import Contact, OutboundMessage
from tests.sms.conftest import PHONE, SENDER, signed_post


def send(app, phone=PHONE, body="Reunión el jueves"):
    """Queue one message inside a request of `app`; the immediate queue sends at commit."""
    with app.test_request_context():
        session = db.session()
        contact = contacts.get_or_create_contact(session, phone)
        message_id = sending.queue_sms(
            session, contact=contact, body=body, sender=SENDER, kind="notification"
        ).id
        db.finish(commit=True)
    return message_id


def row(session, message_id) -> OutboundMessage:
    session.expire_all()
    return session.get(OutboundMessage, message_id)


def wait_until(condition, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.02)


def run_scheduled(app):
    """Run the retries huey scheduled, as the consumer would once their time comes."""
    later = datetime.now(UTC).replace(tzinfo=None) + timedelta(days=1)
    with app.app_context():
        for task in queue.read_schedule(later):
            queue.execute(task, timestamp=later)


def test_a_message_is_a_row_then_a_request_with_a_sid(twilio_app, slow_fake, session):
    message_id = send(twilio_app, body="“Hola” – nos vemos el jueves…")  # noqa: RUF001
    message = row(session, message_id)
    assert message.status == "sent"
    assert message.body == '"Hola" - nos vemos el jueves...'
    assert message.attempts == 1
    assert [m["sid"] for m in slow_fake.messages] == [message.provider_sid]
    assert slow_fake.messages[0]["body"] == '"Hola" - nos vemos el jueves...'
    assert slow_fake.messages[0]["status_callback"] == "http://hsbp.test/sms/twilio/status"


def test_a_message_already_claimed_or_sent_is_never_sent_again(twilio_app, slow_fake, session):
    """A task handed twice (a restart, a second worker): the claim lets one send it."""
    message_id = send(twilio_app)
    assert len(slow_fake.messages) == 1
    with twilio_app.app_context():
        sending.send_outbound.call_local(message_id)  # sent already
    claimed = send(twilio_app, phone="+573009998877")
    session.execute(
        update(OutboundMessage).where(OutboundMessage.id == claimed).values(status="sending")
    )
    with twilio_app.app_context():
        sending.send_outbound.call_local(claimed)  # another worker is sending it
    assert len(slow_fake.messages) == 2
    assert row(session, claimed).status == "sending"


def test_no_transaction_is_open_while_twilio_is_asked(twilio_app, slow_fake, session, monkeypatch):
    """On SQLite an open transaction would hold the write lock for the whole request."""
    seen = []
    create = MessageList.create

    def watching(self, **params):
        seen.append("db_session" in g)
        return create(self, **params)

    monkeypatch.setattr(MessageList, "create", watching)
    send(twilio_app)
    assert seen == [False]
    assert len(slow_fake.messages) == 1


def test_429_is_retried_and_sent_once(twilio_app, slow_fake, session):
    slow_fake.fail_next(2, status=429)
    message_id = send(twilio_app)
    first = row(session, message_id)
    assert (first.status, first.attempts, first.error_code) == ("queued", 1, 20429)
    run_scheduled(twilio_app)
    run_scheduled(twilio_app)
    done = row(session, message_id)
    assert (done.status, done.attempts, done.error_code) == ("sent", 3, None)
    assert len(slow_fake.messages) == 1


def test_twilio_down_longer_than_the_retries_ends_failed(twilio_app, slow_fake, session):
    slow_fake.fail_for(3600, status=503)
    message_id = send(twilio_app)
    for _ in range(sending.MAX_ATTEMPTS):
        run_scheduled(twilio_app)
    failed = row(session, message_id)
    assert (failed.status, failed.attempts, failed.error_code) == (
        "failed",
        sending.MAX_ATTEMPTS,
        20500,
    )
    assert slow_fake.messages == []


def test_retry_delays_outlast_a_ten_minute_outage():
    delays = [sending.retry_delay(n) for n in range(1, sending.MAX_ATTEMPTS)]
    assert delays[:4] == [5, 10, 20, 40]
    assert sum(delays) > 20 * 60


def test_a_timeout_leaves_the_message_sending_until_twilio_is_asked(twilio_app, slow_fake, session):
    """The request left: Twilio may have the message (the fake takes it after our 0.5 s),
    so it is neither sent again nor failed; a task asks Twilio once a live send would have
    had its answer (HSBP_SMS_SEND_TIMEOUT + 10 s)."""
    queue.flush()
    slow_fake.fail_next(1, timeout=1.5)
    message_id = send(twilio_app)
    message = row(session, message_id)
    assert (message.status, message.attempts, message.provider_sid) == ("sending", 1, None)
    assert message.error_message.startswith("no answer from Twilio, asking it: ")
    assert "timed out" in message.error_message
    [task] = queue.scheduled()
    assert (task.name, task.args) == ("resolve_outbound", (message_id,))
    due_in = task.eta - datetime.now(UTC).replace(tzinfo=None)
    assert timedelta(seconds=10.5) < due_in <= timedelta(seconds=11.5)
    wait_until(lambda: len(slow_fake.messages) == 1)  # it did reach Twilio
    assert row(session, message_id).status == "sending"


def test_twilio_out_of_reach_puts_the_message_back_then_it_goes_once(app_with, session):
    """Connection refused: the request never left, so the message is queued again (the
    attempt uncounted, never failed) and goes once when Twilio is back on its address."""
    queue.flush()
    sending.TWILIO_OUTAGE.ended()  # an outage left over by another test would lengthen the wait
    with FakeTwilio(DEV_TWILIO_SID, DEV_TWILIO_TOKEN) as gone:
        port = gone.port
    app = app_with(TWILIO_API_BASE=f"http://127.0.0.1:{port}", SMS_RATE_PER_SECOND=0)
    before = utcnow()
    message_id = send(app)
    waiting = row(session, message_id)
    assert (waiting.status, waiting.attempts, waiting.provider_sid) == ("queued", 0, None)
    assert waiting.error_message.startswith("Twilio not reached, sending again: ")
    # Its retry is due 1.5 to 2 s later (2 s less jitter), and the sweep waits for it.
    assert timedelta(seconds=1.4) < waiting.updated_at - before < timedelta(seconds=2.5)
    assert [task.name for task in queue.scheduled()] == ["send_outbound"]
    with FakeTwilio(DEV_TWILIO_SID, DEV_TWILIO_TOKEN, port=port) as back:
        run_scheduled(app)
        sent = row(session, message_id)
        assert (sent.status, sent.attempts, sent.error_message) == ("sent", 1, "")
        assert [m["sid"] for m in back.messages] == [sent.provider_sid]


def test_21610_is_permanent_and_opts_the_contact_out(twilio_app, slow_fake, session):
    slow_fake.opt_out(PHONE)
    message_id = send(twilio_app)
    failed = row(session, message_id)
    assert (failed.status, failed.error_code) == ("failed", 21610)
    assert failed.contact.opted_out is True
    assert slow_fake.messages == []


def test_nothing_is_sent_to_an_opted_out_contact(twilio_app, slow_fake, session):
    with twilio_app.test_request_context():
        s = db.session()
        contact = contacts.get_or_create_contact(s, PHONE)
        contacts.opt_out(s, contact=contact, channel="sms")
        db.finish(commit=True)
    message_id = send(twilio_app)
    assert row(session, message_id).status == "cancelled"
    assert slow_fake.messages == []


def test_stop_in_the_middle_of_a_broadcast_stops_the_rest(twilio_app, slow_fake, session, tmp_path):
    """With a real queue: two messages wait; STOP arrives; the second is never sent."""
    # A number no other test of this file texts: a late retry of an earlier test's message
    # to PHONE, reaching this fake on a reused port, cannot be mistaken for one of these.
    phone = "+573001112233"
    configure_queue(f"sqlite:///{tmp_path / 'queue.sqlite3'}")
    try:
        first = send(twilio_app, phone=phone, body="uno")
        second = send(twilio_app, phone=phone, body="dos")
        with twilio_app.app_context():  # as the worker process, which runs this app
            queue.execute(queue.dequeue())
        with twilio_app.test_request_context():
            s = db.session()
            contacts.opt_out(s, contact=contacts.find_contact(s, phone), channel="sms")
            db.finish(commit=True)
        with twilio_app.app_context():
            queue.execute(queue.dequeue())
    finally:
        configure_queue("immediate")
    assert (row(session, first).status, row(session, second).status) == ("sent", "cancelled")
    assert [m["body"] for m in slow_fake.messages if m["to"] == phone] == ["uno"]


def test_status_callbacks_move_the_status_forward_only(twilio_app, slow_fake, session, client):
    message_id = send(twilio_app)
    sid = row(session, message_id).provider_sid
    for status in ("delivered", "sent"):
        response = signed_post(
            client, "/sms/twilio/status", {"MessageSid": sid, "MessageStatus": status}
        )
        assert response.status_code == 204
    assert row(session, message_id).status == "delivered"


def test_undelivered_callback_records_the_error_and_21610_opts_out(twilio_app, session, client):
    message_id = send(twilio_app)
    sid = row(session, message_id).provider_sid
    signed_post(
        client,
        "/sms/twilio/status",
        {"MessageSid": sid, "MessageStatus": "undelivered", "ErrorCode": "21610"},
    )
    message = row(session, message_id)
    assert (message.status, message.error_code) == ("undelivered", 21610)
    assert session.scalars(select(Contact.opted_out)).one() is True


def test_status_callback_needs_a_valid_signature(client):
    response = client.post(
        "/sms/twilio/status", data={"MessageSid": "SMx", "MessageStatus": "delivered"}
    )
    assert response.status_code == 403


def test_training_page_makes_the_fake_twilio_fail_and_the_broadcast_shows_retries(
    twilio_app, slow_fake, session, make, login
):
    from hsbp.security import Role
    from hsbp.sms import broadcasts

    partnership = make.partnership(locales=["es"], default_locale="es")
    user = make.member(partnership, Role.FACILITATOR)
    client = login(user, target=twilio_app.test_client())
    contacts.configure_sender(
        session, partnership_id=partnership.id, sender=SENDER, join_code="TRAIN"
    )
    contact = contacts.get_or_create_contact(session, PHONE)
    contacts.join(session, contact=contact, partnership_id=partnership.id, channel="web")
    updates.set_updates(  # news consent: a broadcast goes to those who asked for news
        session, contact=contact, partnership_id=partnership.id, wanted=True, channel="sms"
    )
    response = client.post(f"/p/{partnership.id}/sms/simulator/faults", data={"fault": "429"})
    assert response.status_code == 302
    with twilio_app.test_request_context():
        s = db.session()
        created = broadcasts.create_broadcast(
            s,
            actor=s.merge(user),
            partnership=s.merge(partnership),
            bodies={"es": "Reunion el jueves"},
            audience=broadcasts.Audience("all", ""),
        )
        broadcast_id = created.id
        db.finish(commit=True)
    page = client.get(f"/p/{partnership.id}/sms/broadcasts/{broadcast_id}").get_data(as_text=True)
    assert "Retries and refusals" in page
    assert ">20429</a>" in page
