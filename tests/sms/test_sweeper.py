"""The sweep of outgoing SMS: a queued message whose task was lost is sent once, a message
a dead worker left "sending" ends failed and is never sent again, recent ones are left alone."""

import os
import subprocess
import sys
from datetime import timedelta

from twilio.rest.api.v2010.account.message import MessageList

from hsbp.db import utcnow
from hsbp.extensions import configure_queue, queue
from hsbp.sms import broadcasts, contacts, sending, sweeper
from hsbp.sms.models import Broadcast, OutboundMessage
from tests.sms.conftest import PHONE, SENDER

MINUTE = timedelta(minutes=1)


def left(session, status, *, idle, phone=PHONE, broadcast_id=None, **fields) -> int:
    """A message row in `status`, untouched for `idle`, as a lost task or a dead worker
    leaves it: nothing is queued for it."""
    contact = contacts.get_or_create_contact(session, phone)
    message = sending.make_outbound(
        session,
        contact=contact,
        body="Reunión el jueves",
        sender=SENDER,
        kind="broadcast" if broadcast_id else "notification",
        broadcast_id=broadcast_id,
        status=status,
    )
    for name, value in fields.items():
        setattr(message, name, value)
    message.updated_at = utcnow() - idle
    session.flush()
    return message.id


def sweep(app, **options) -> None:
    with app.app_context():  # as the worker runs the periodic task
        sweeper.sweep_outbound.call_local(**options)


def row(session, message_id) -> OutboundMessage:
    session.expire_all()
    return session.get(OutboundMessage, message_id)


def test_a_queued_message_past_the_grace_is_sent_once(twilio_app, slow_fake, session):
    message_id = left(session, "queued", idle=sweeper.QUEUED_GRACE + MINUTE)
    sweep(twilio_app)
    message = row(session, message_id)
    assert (message.status, message.attempts) == ("sent", 1)
    assert [m["sid"] for m in slow_fake.messages] == [message.provider_sid]
    assert slow_fake.messages[0]["body"] == "Reunión el jueves"
    # The first task was only late, not lost: it turns up now and finds nothing to claim.
    with twilio_app.app_context():
        sending.send_outbound.call_local(message_id)
    sweep(twilio_app)
    assert len(slow_fake.messages) == 1
    assert row(session, message_id).attempts == 1


def test_a_queued_message_within_the_grace_is_left_alone(twilio_app, slow_fake, session):
    message_id = left(session, "queued", idle=sweeper.QUEUED_GRACE - MINUTE)
    sweep(twilio_app)
    message = row(session, message_id)
    assert (message.status, message.attempts) == ("queued", 0)
    assert slow_fake.messages == []


def test_the_grace_outlasts_the_longest_retry_delay():
    longest = timedelta(seconds=sending.retry_delay(sending.MAX_ATTEMPTS))
    assert (longest, sweeper.QUEUED_GRACE) == (timedelta(minutes=5), timedelta(minutes=10))


def test_a_message_stuck_sending_ends_failed_and_is_not_sent(twilio_app, slow_fake, session):
    message_id = left(
        session, "sending", idle=sweeper.SENDING_GRACE + MINUTE, attempts=2, error_code=20429
    )
    sweep(twilio_app)
    message = row(session, message_id)
    assert (message.status, message.attempts, message.error_code) == ("failed", 2, None)
    assert message.error_message == (
        "interrupted: the worker stopped before Twilio answered; it is not known whether "
        "the message went out, so it was not sent again"
    )
    assert message.provider_sid is None
    assert slow_fake.messages == []


def test_a_message_sending_within_the_grace_is_left_alone(twilio_app, slow_fake, session):
    message_id = left(session, "sending", idle=sweeper.SENDING_GRACE - MINUTE, attempts=1)
    sweep(twilio_app)
    message = row(session, message_id)
    assert (message.status, message.error_message) == ("sending", "")
    assert slow_fake.messages == []


def test_a_message_long_queued_and_being_sent_now_is_not_failed(
    twilio_app, slow_fake, session, monkeypatch
):
    """The claim restarts the clock: a sweep while Twilio is asked leaves the send alone."""
    message_id = left(session, "queued", idle=sweeper.SENDING_GRACE * 2)
    create = MessageList.create

    def sweeping_meanwhile(self, **params):
        sweep(twilio_app)
        return create(self, **params)

    monkeypatch.setattr(MessageList, "create", sweeping_meanwhile)
    with twilio_app.app_context():
        sending.send_outbound.call_local(message_id)
    message = row(session, message_id)
    assert (message.status, message.attempts, message.error_message) == ("sent", 1, "")
    assert len(slow_fake.messages) == 1


def test_a_stale_message_to_a_contact_who_opted_out_is_cancelled(twilio_app, slow_fake, session):
    message_id = left(session, "queued", idle=sweeper.QUEUED_GRACE + MINUTE)
    contacts.opt_out(session, contact=contacts.find_contact(session, PHONE), channel="sms")
    session.flush()
    sweep(twilio_app)
    assert row(session, message_id).status == "cancelled"
    assert slow_fake.messages == []


def test_a_broadcast_counts_each_swept_message_once(twilio_app, slow_fake, session, make):
    partnership = make.partnership()
    broadcast = Broadcast(partnership_id=partnership.id, bodies={"es": "Hola"})
    session.add(broadcast)
    session.flush()
    stuck, lost, busy, done = (
        left(session, status, idle=idle, phone=phone, broadcast_id=broadcast.id, attempts=n)
        for status, idle, phone, n in (
            ("sending", sweeper.SENDING_GRACE + MINUTE, "+573104567801", 1),
            ("queued", sweeper.QUEUED_GRACE + MINUTE, "+573104567802", 0),
            ("sending", MINUTE, "+573104567803", 1),
            ("sent", sweeper.SENDING_GRACE * 4, "+573104567804", 1),
        )
    )
    before = broadcasts.progress(session, broadcast_ids=[broadcast.id])[broadcast.id]
    assert (before.done, before.total) == (1, 4)

    sweep(twilio_app)
    session.expire_all()
    after = broadcasts.progress(session, broadcast_ids=[broadcast.id])[broadcast.id]
    assert {status: n for status, n in after.counts.items() if n} == {
        "sending": 1,
        "sent": 2,
        "failed": 1,
    }
    assert (after.done, after.total, after.active) == (3, 4, True)
    assert [row(session, i).status for i in (stuck, lost, busy, done)] == [
        "failed",
        "sent",
        "sending",
        "sent",
    ]
    assert [m["to"] for m in slow_fake.messages] == ["+573104567802"]


def test_two_sweeps_hand_a_lost_message_to_the_queue_once(twilio_app, slow_fake, session, tmp_path):
    """With a real queue: a second sweeper at the same time (or the next sweep) finds the
    message handed over already and adds no second task."""
    message_id = left(session, "queued", idle=sweeper.QUEUED_GRACE + MINUTE)
    configure_queue(f"sqlite:///{tmp_path / 'queue.sqlite3'}")
    try:
        sweep(twilio_app)
        sweep(twilio_app)
        assert queue.pending_count() == 1
        assert row(session, message_id).status == "queued"
        with twilio_app.app_context():  # as the worker process
            queue.execute(queue.dequeue())
    finally:
        configure_queue("immediate")
    assert row(session, message_id).status == "sent"
    assert len(slow_fake.messages) == 1


def test_a_large_recovery_is_handed_over_in_batches(twilio_app, slow_fake, session):
    ids = [
        left(session, "queued", idle=sweeper.QUEUED_GRACE + MINUTE, phone=f"+57310456781{n}")
        for n in range(5)
    ]
    sweep(twilio_app, batch=2)
    assert [row(session, i).status for i in ids] == ["sent"] * 5
    assert sorted(m["to"] for m in slow_fake.messages) == [f"+57310456781{n}" for n in range(5)]


def test_the_worker_app_declares_the_sweep_every_five_minutes(tmp_path):
    """In a fresh process, as `hsbp worker` starts: create_app() alone declares the task."""
    script = (
        "from datetime import datetime\n"
        "from hsbp import create_app\n"
        "from hsbp.extensions import queue\n"
        "create_app({'ENV': 'testing', 'QUEUE_URL': 'immediate'})\n"
        "for minute in (0, 5, 7, 55):\n"
        "    due = queue.read_periodic(datetime(2026, 1, 1, 3, minute))\n"
        "    print(minute, 'sms_outbound_sweep' in [task.name for task in due])\n"
    )
    environment = {**os.environ, "HSBP_INSTANCE_PATH": str(tmp_path)}
    result = subprocess.run(  # noqa: S603  (this interpreter, our script)
        [sys.executable, "-c", script], env=environment, capture_output=True, text=True, check=True
    )
    assert result.stdout.splitlines() == ["0 True", "5 True", "7 False", "55 True"]
