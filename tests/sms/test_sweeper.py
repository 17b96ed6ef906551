"""The sweep of outgoing SMS: a queued message whose task was lost is sent once; a message
left "sending" by a dead worker is settled by asking Twilio: recorded as sent if Twilio has
it, sent once more if not; recent ones, and retries waiting for their turn, are left alone."""

import os
import subprocess
import sys
import time
from datetime import timedelta

import pytest
from sqlalchemy import update
from twilio.rest.api.v2010.account.message import MessageList

from hsbp import db
from hsbp.config import DEV_TWILIO_SID, DEV_TWILIO_TOKEN
from hsbp.db import utcnow
from hsbp.extensions import configure_queue, queue
from hsbp.fake_twilio import FakeTwilio
from hsbp.sms import broadcasts, contacts, outcome, sending, sweeper, transport
from hsbp.sms.models import Broadcast, OutboundMessage
from tests.sms.conftest import PHONE, SENDER
from tests.sms.redis_process import RedisProcess

MINUTE = timedelta(minutes=1)
SECOND = timedelta(seconds=1)


def wait_until(condition, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.02)


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


@pytest.fixture
def fast_app(app_with, fake):
    """An app sending through `fake`, whose status callbacks come within 10 ms."""
    return app_with(TWILIO_API_BASE=fake.url, SMS_RATE_PER_SECOND=0, SMS_SEND_TIMEOUT=0.5)


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


def test_a_retry_waiting_for_its_turn_is_left_alone(twilio_app, slow_fake, session):
    """A queued row's updated_at is when its task is due: the sweep does not run a retry
    early (which would cut the back-off short), only one overdue by the grace."""
    slow_fake.fail_next(1, status=503)
    with twilio_app.test_request_context():
        contact = contacts.get_or_create_contact(db.session(), PHONE)
        message_id = sending.queue_sms(
            db.session(), contact=contact, body="Hola", sender=SENDER, kind="notification"
        ).id
        db.finish(commit=True)
    waiting = row(session, message_id)
    assert (waiting.status, waiting.attempts, waiting.error_code) == ("queued", 1, 20500)
    assert waiting.updated_at > utcnow() + timedelta(seconds=4)  # due in 5 s
    sweep(twilio_app)
    assert (row(session, message_id).status, slow_fake.messages) == ("queued", [])
    waiting.updated_at = utcnow() - sweeper.QUEUED_GRACE - timedelta(seconds=1)  # overdue
    session.flush()
    sweep(twilio_app)
    sent = row(session, message_id)
    assert (sent.status, sent.attempts) == ("sent", 2)
    assert [m["sid"] for m in slow_fake.messages] == [sent.provider_sid]


def test_a_send_a_dead_worker_left_before_twilio_had_it_goes_once(fast_app, fake, session):
    grace = outcome.sending_grace(fast_app.config)
    message_id = left(
        session, "sending", idle=grace + SECOND, attempts=2, error_code=20429, sent_at=utcnow()
    )
    sweep(fast_app)
    message = row(session, message_id)
    assert (message.status, message.attempts, message.error_code) == ("sent", 3, None)
    assert [(m["sid"], m["to"], m["body"]) for m in fake.messages] == [
        (message.provider_sid, PHONE, "Reunión el jueves")
    ]


def test_a_send_a_dead_worker_left_after_twilio_took_it_is_recorded_not_resent(
    fast_app, fake, session
):
    """Twilio took the message before the worker died: it is found in Twilio's list (to
    the number, from the sender, since the attempt's day, same text) and recorded with its
    sid and status; nothing is sent again."""
    grace = outcome.sending_grace(fast_app.config)
    message_id = left(session, "sending", idle=grace + SECOND, attempts=1, sent_at=utcnow())
    took = transport.client(fast_app).messages.create(
        to=PHONE, from_=SENDER, body="Reunión el jueves"
    )
    wait_until(lambda: fake.messages[0]["status"] == "delivered")
    sweep(fast_app)
    message = row(session, message_id)
    assert (message.status, message.provider_sid, message.attempts) == (
        "delivered",
        took.sid,
        1,
    )
    assert (message.error_message, len(fake.messages)) == ("", 1)


def test_an_identical_text_recorded_on_another_row_is_not_taken_for_it(fast_app, fake, session):
    """The same text to the same number, sent and recorded earlier: it is that row's, so
    the interrupted one was not sent, and goes now."""
    grace = outcome.sending_grace(fast_app.config)
    earlier = transport.client(fast_app).messages.create(
        to=PHONE, from_=SENDER, body="Reunión el jueves"
    )
    left(session, "sent", idle=grace, provider_sid=earlier.sid)
    message_id = left(session, "sending", idle=grace + SECOND, attempts=1, sent_at=utcnow())
    wait_until(lambda: fake.messages[0]["status"] == "delivered")
    sweep(fast_app)
    message = row(session, message_id)
    assert message.status == "sent"
    assert [m["sid"] for m in fake.messages] == [earlier.sid, message.provider_sid]


def test_twilio_out_of_reach_leaves_an_interrupted_send_for_the_next_sweep(app_with, session):
    with FakeTwilio(DEV_TWILIO_SID, DEV_TWILIO_TOKEN) as gone:
        port = gone.port
    app = app_with(TWILIO_API_BASE=f"http://127.0.0.1:{port}", SMS_RATE_PER_SECOND=0)
    grace = outcome.sending_grace(app.config)
    message_id = left(session, "sending", idle=grace + SECOND, attempts=1, sent_at=utcnow())
    before = utcnow()
    sweep(app)
    message = row(session, message_id)
    assert (message.status, message.attempts, message.provider_sid) == ("sending", 1, None)
    assert message.updated_at >= before  # looked into now: the next look after the grace
    message.updated_at = utcnow() - grace - SECOND
    session.flush()
    with FakeTwilio(DEV_TWILIO_SID, DEV_TWILIO_TOKEN, port=port) as back:
        sweep(app)
        message = row(session, message_id)
        assert (message.status, message.attempts) == ("sent", 2)
        assert [m["sid"] for m in back.messages] == [message.provider_sid]


def test_a_confidential_text_settled_as_sent_is_blanked(fast_app, fake, session):
    grace = outcome.sending_grace(fast_app.config)
    message_id = left(
        session, "sending", idle=grace + SECOND, attempts=1, sent_at=utcnow(), confidential=True
    )
    transport.client(fast_app).messages.create(to=PHONE, from_=SENDER, body="Reunión el jueves")
    wait_until(lambda: fake.messages[0]["status"] == "delivered")
    sweep(fast_app)
    message = row(session, message_id)
    assert (message.status, message.body, len(fake.messages)) == ("delivered", "", 1)


def test_a_message_sending_within_the_grace_is_left_alone(twilio_app, slow_fake, session):
    grace = outcome.sending_grace(twilio_app.config)
    message_id = left(session, "sending", idle=grace - 2 * SECOND, attempts=1)
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
    grace = outcome.sending_grace(twilio_app.config)
    stuck, lost, busy, done = (
        left(session, status, idle=idle, phone=phone, broadcast_id=broadcast.id, attempts=n)
        for status, idle, phone, n in (
            ("sending", grace + MINUTE, "+573104567801", 1),
            ("queued", sweeper.QUEUED_GRACE + MINUTE, "+573104567802", 0),
            ("sending", SECOND, "+573104567803", 1),
            ("sent", grace * 4, "+573104567804", 1),
        )
    )
    before = broadcasts.progress(session, broadcast_ids=[broadcast.id])[broadcast.id]
    assert (before.done, before.total) == (1, 4)

    sweep(twilio_app)
    session.expire_all()
    after = broadcasts.progress(session, broadcast_ids=[broadcast.id])[broadcast.id]
    assert {status: n for status, n in after.counts.items() if n} == {"sending": 1, "sent": 3}
    assert (after.done, after.total, after.active) == (3, 4, True)
    assert [row(session, i).status for i in (stuck, lost, busy, done)] == [
        "sent",
        "sent",
        "sending",
        "sent",
    ]
    # The lost task first, then the interrupted send that Twilio did not have.
    assert [m["to"] for m in slow_fake.messages] == ["+573104567802", "+573104567801"]


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


def test_a_redis_restarted_empty_loses_no_message_and_sends_each_once(
    app_with, fake, session, make
):
    """Three messages wait in a Redis queue that restarts without its data: once their tasks
    are overdue, the sweep hands them over again; a late duplicate task changes nothing."""
    server = RedisProcess().start()
    phones = ["+573104567811", "+573104567812", "+573104567813"]
    try:
        app = app_with(QUEUE_URL=server.url, TWILIO_API_BASE=fake.url, SMS_RATE_PER_SECOND=0)
        with app.test_request_context():
            ids = [
                sending.queue_sms(
                    db.session(),
                    contact=contacts.get_or_create_contact(db.session(), phone),
                    body="Reunión el jueves",
                    sender=SENDER,
                    kind="reply",
                ).id
                for phone in phones
            ]
            db.finish(commit=True)
        assert queue.pending_count() == 3
        server.restart()  # Redis restarted empty
        sweep(app)
        assert queue.pending_count() == 0  # not overdue yet: their tasks may still come
        session.execute(
            update(OutboundMessage)
            .where(OutboundMessage.id.in_(ids))
            .values(updated_at=utcnow() - sweeper.QUEUED_GRACE - SECOND)
        )
        sweep(app)
        sweep(app)  # a second sweeper, or the next sweep: nothing handed over twice
        assert queue.pending_count() == 3
        sending.send_outbound(ids[0])  # the lost task turns up after all
        with app.app_context():  # as the worker process
            while (task := queue.dequeue()) is not None:
                queue.execute(task)
    finally:
        configure_queue("immediate")
        server.stop()
    assert [row(session, i).status for i in ids] == ["sent"] * 3
    assert sorted(m["to"] for m in fake.messages) == phones
    assert {m["sid"] for m in fake.messages} == {row(session, i).provider_sid for i in ids}


def test_a_backlog_waiting_in_the_queue_is_not_handed_over_twice(app_with, fake, session, tmp_path):
    """Overdue messages whose tasks still wait behind a long broadcast keep their tasks;
    only as many as the queue lacks are handed over: here the one whose task was lost."""
    app = app_with(
        QUEUE_URL=f"sqlite:///{tmp_path / 'queue.sqlite3'}",
        TWILIO_API_BASE=fake.url,
        SMS_RATE_PER_SECOND=0,
    )
    phones = ["+573104567821", "+573104567822", "+573104567823"]
    try:
        with app.test_request_context():
            ids = [
                sending.queue_sms(
                    db.session(),
                    contact=contacts.get_or_create_contact(db.session(), phone),
                    body="Reunión el jueves",
                    sender=SENDER,
                    kind="broadcast",
                ).id
                for phone in phones
            ]
            db.finish(commit=True)
        session.execute(
            update(OutboundMessage)
            .where(OutboundMessage.id.in_(ids))
            .values(updated_at=utcnow() - sweeper.QUEUED_GRACE - SECOND)
        )
        sweep(app)
        assert queue.pending_count() == 3  # each has its task: nothing added
        lost = queue.dequeue()  # a worker killed after taking a task: it is gone
        assert lost.args == (ids[0], SENDER)
        sweep(app)
        assert queue.pending_count() == 3
        with app.app_context():  # as the worker process
            while (task := queue.dequeue()) is not None:
                queue.execute(task)
    finally:
        configure_queue("immediate")
    assert [row(session, i).status for i in ids] == ["sent"] * 3
    assert sorted(m["to"] for m in fake.messages) == phones
