"""Outgoing SMS through real faults, exactly once: PostgreSQL cut off behind a TCP relay
(its pooled connections dropped, new ones refused) and a worker killed in the middle of a
send, with the real queue on Redis, a consumer and the sweeper thread as `hsbp worker`
runs them. These tests commit for real, in a database of their own."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import threading
import time

import pytest
from sqlalchemy import create_engine, event, select, text
from sqlalchemy.engine import make_url

from hsbp import db, migrate
from hsbp.config import DEV_TWILIO_SID, DEV_TWILIO_TOKEN
from hsbp.extensions import configure_queue, queue, start_consumer
from hsbp.fake_twilio import FakeTwilio
from hsbp.sms import contacts, sending
from hsbp.sms.models import OutboundMessage
from hsbp.sms.sweeper import OutboundSweeper
from tests.conftest import FIELD_KEY, fresh_database_url, make_test_app
from tests.sms.conftest import SENDER
from tests.sms.redis_process import RedisProcess

ON_POSTGRES = bool(os.environ.get("HSBP_TEST_DATABASE_URL"))
postgres_only = pytest.mark.skipif(
    not ON_POSTGRES, reason="a database outage is a PostgreSQL server's: SQLite has none"
)


class Relay:
    """A TCP relay to PostgreSQL that a test cuts, as when the server stops (every live
    connection dropped, new ones refused), and restores on the same port."""

    def __init__(self, host: str, port: int):
        self.target = (host, port)
        self._live: set[socket.socket] = set()
        self._lock = threading.Lock()
        probe = socket.socket()
        probe.bind(("127.0.0.1", 0))
        self.port = probe.getsockname()[1]
        probe.close()
        self._listener: socket.socket | None = None
        self.restore()

    def restore(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def cut(self) -> None:
        listener, self._listener = self._listener, None
        with contextlib.suppress(OSError):
            listener.shutdown(socket.SHUT_RDWR)  # wakes the thread blocked in accept()
        listener.close()
        with self._lock:
            live, self._live = self._live, set()
        for end in live:
            with contextlib.suppress(OSError):
                end.shutdown(socket.SHUT_RDWR)
            end.close()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _address = listener.accept()
            except OSError:
                return  # cut
            try:
                server = socket.create_connection(self.target)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._live |= {client, server}
            for source, sink in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, sink: socket.socket) -> None:
        with contextlib.suppress(OSError):
            while data := source.recv(65536):
                sink.sendall(data)
        for end in (source, sink):
            with contextlib.suppress(OSError):
                end.shutdown(socket.SHUT_RDWR)


@pytest.fixture(scope="module")
def own_database(tmp_path_factory):
    """A migrated database of this module's: the tests commit, and other workers' threads
    and processes must see what they commit."""
    url = fresh_database_url(tmp_path_factory, "recovery")
    migrate.upgrade(url)
    engine = create_engine(url)
    yield url, engine
    engine.dispose()


@pytest.fixture
def own(own_database, tmp_path):
    """The database's URL and engine (straight, not through a relay); emptied after."""
    url, engine = own_database
    yield url, engine
    configure_queue("immediate")
    queue.flush()
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM sms_outbound"))
        connection.execute(text("DELETE FROM sms_contacts"))


@pytest.fixture
def relay(own):
    url = make_url(own[0])
    running = Relay(url.host or "127.0.0.1", url.port or 5432)
    yield running
    running.cut()


def through(url: str, relay: Relay) -> str:
    return make_url(url).set(host="127.0.0.1", port=relay.port).render_as_string(False)


@pytest.fixture
def fake():
    with FakeTwilio(DEV_TWILIO_SID, DEV_TWILIO_TOKEN, callback_delay=0.01) as running:
        yield running


def queue_replies(app, phones: list[str], body: str = "Reunión el jueves") -> list[int]:
    """Queue one reply to each of `phones`, as the router does, and commit (the tasks go to
    the queue after the commit)."""
    with app.test_request_context():
        session = db.session()
        ids = [
            sending.queue_sms(
                session,
                contact=contacts.get_or_create_contact(session, phone),
                body=body,
                sender=SENDER,
                kind="reply",
            ).id
            for phone in phones
        ]
        db.finish(commit=True)
    return ids


def statuses(engine, ids: list[int]) -> list[tuple[str, str | None]]:
    with engine.connect() as connection:
        rows = connection.execute(
            select(OutboundMessage.id, OutboundMessage.status, OutboundMessage.provider_sid)
            .where(OutboundMessage.id.in_(ids))
            .order_by(OutboundMessage.id)
        ).all()
    return [(status, sid) for _id, status, sid in rows]


def wait_until(condition, timeout: float) -> float:
    """Wait for `condition`; returns the monotonic time it became true."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.02)
    return time.monotonic()


def run_scheduled(app) -> None:
    from datetime import UTC, datetime, timedelta

    later = datetime.now(UTC).replace(tzinfo=None) + timedelta(days=1)
    with app.app_context():
        for task in queue.read_schedule(later):
            queue.execute(task, timestamp=later)


@postgres_only
def test_a_pooled_connection_postgresql_dropped_is_replaced_before_use(own, relay, fake, tmp_path):
    url, engine = own
    app = make_test_app(
        through(url, relay), tmp_path, TWILIO_API_BASE=fake.url, SMS_RATE_PER_SECOND=0
    )
    opened = []
    event.listen(db.database(app).engine, "connect", lambda *_args: opened.append(1))
    [first] = queue_replies(app, ["+573104567801"])  # the pool now holds a connection
    assert len(opened) == 1
    relay.cut()  # PostgreSQL restarts: the pooled connection is dead
    relay.restore()
    [second] = queue_replies(app, ["+573104567802"])
    assert len(opened) == 2  # found dead before use, and replaced
    assert [status for status, _sid in statuses(engine, [first, second])] == ["sent", "sent"]
    assert sorted(m["to"] for m in fake.messages) == ["+573104567801", "+573104567802"]


@postgres_only
def test_a_send_meeting_postgresql_down_is_retried_by_the_queue_and_sent_once(
    own, relay, fake, tmp_path
):
    url, engine = own
    app = make_test_app(
        through(url, relay), tmp_path, TWILIO_API_BASE=fake.url, SMS_RATE_PER_SECOND=0
    )
    queue.flush()
    with app.app_context():
        session = db.session()
        message_id = sending.make_outbound(
            session,
            contact=contacts.get_or_create_contact(session, "+573104567803"),
            body="Reunión el jueves",
            sender=SENDER,
            kind="reply",
        ).id
        db.finish(commit=True)
    relay.cut()
    with app.app_context():
        sending.send_outbound(message_id, SENDER)  # the queue runs it: the database is down
    [retry] = queue.scheduled()
    assert (retry.name, retry.args, retry.retries) == ("send_outbound", (message_id, SENDER), 0)
    assert statuses(engine, [message_id]) == [("queued", None)]
    assert fake.messages == []
    relay.restore()
    run_scheduled(app)
    [(status, sid)] = statuses(engine, [message_id])
    assert (status, [m["sid"] for m in fake.messages]) == ("sent", [sid])


def start_worker(app):
    """A consumer on the Redis queue and the sweeper thread, as `hsbp worker` runs them."""
    consumer = start_consumer(workers=4, periodic=False)
    sweeper = OutboundSweeper(app)
    sweeper.start()
    return consumer, sweeper


@postgres_only
def test_replies_sent_through_a_postgresql_outage_all_go_once_within_30_s(
    own, relay, fake, tmp_path, capsys
):
    """30 replies at 5 a second; PostgreSQL goes away for 5 s in the middle of them, while
    four sends are at Twilio (it holds them 1.5 s): those are taken by Twilio and recorded
    once the database is back, every task that meets the outage is retried. Every reply
    goes out once, the last within 30 s of PostgreSQL's return."""
    url, engine = own
    server = RedisProcess().start()
    app = make_test_app(
        through(url, relay),
        tmp_path,
        QUEUE_URL=server.url,
        TWILIO_API_BASE=fake.url,
        SMS_RATE_PER_SECOND=5,
    )
    consumer, sweeper = start_worker(app)
    phones = [f"+5731045679{n:02d}" for n in range(30)]
    try:
        ids = queue_replies(app, phones)
        wait_until(lambda: len(fake.messages) >= 5, timeout=10)
        fake.fail_next(4, timeout=1.5)
        time.sleep(0.7)  # the next four sends are at Twilio now
        relay.cut()
        time.sleep(5)
        before = len(fake.messages)
        relay.restore()
        back = time.monotonic()
        first = wait_until(lambda: len(fake.messages) > before, timeout=60)
        delivered = wait_until(lambda: len(fake.messages) >= len(phones), timeout=60)
        recorded = wait_until(
            lambda: all(status != "queued" and sid for status, sid in statuses(engine, ids)),
            timeout=60,
        )
        time.sleep(2)  # anything sent twice would show by now
    finally:
        sweeper.stop()
        consumer.stop(graceful=True)
        configure_queue("immediate")
        server.stop()
    with capsys.disabled():
        print(
            f"\nPostgreSQL back after 5 s -> next reply at Twilio {first - back:.1f} s,"
            f" the last ({len(phones) - before} waiting, 5 a second) {delivered - back:.1f} s,"
            f" all recorded {recorded - back:.1f} s"
        )
    assert sorted(m["to"] for m in fake.messages) == phones  # each once
    final = statuses(engine, ids)
    assert {status for status, _sid in final} <= {"sent", "delivered"}
    assert sorted(sid for _status, sid in final) == sorted(m["sid"] for m in fake.messages)
    assert delivered - back <= 30
    assert recorded - back <= 30


KILLED_WORKER = """
import sys
from hsbp import db
from hsbp.sms import sending
from tests.conftest import make_test_app
app = make_test_app(sys.argv[1], sys.argv[2], TWILIO_API_BASE=sys.argv[3], FIELD_KEY=sys.argv[4])
with app.app_context():
    sending.send_outbound.call_local(int(sys.argv[5]))
"""


def test_a_worker_killed_while_twilio_takes_the_message_leaves_it_sent_once(own, fake, tmp_path):
    """The worker dies in the middle of the request; Twilio takes the message all the
    same. The sweep finds it in Twilio's list and records it: it is not sent again."""
    url, engine = own
    app = make_test_app(url, tmp_path, TWILIO_API_BASE=fake.url, SMS_RATE_PER_SECOND=0)
    with app.app_context():
        session = db.session()
        message_id = sending.make_outbound(
            session,
            contact=contacts.get_or_create_contact(session, "+573104567804"),
            body="Reunión el jueves",
            sender=SENDER,
            kind="reply",
        ).id
        db.finish(commit=True)
    fake.fail_next(1, timeout=2)  # Twilio holds the request 2 s, then takes the message
    arguments = [url, str(tmp_path), fake.url, FIELD_KEY, str(message_id)]
    worker = subprocess.Popen(  # noqa: S603  (this interpreter, our script)
        [sys.executable, "-c", KILLED_WORKER, *arguments], cwd=os.getcwd()
    )
    try:
        wait_until(lambda: statuses(engine, [message_id])[0][0] == "sending", timeout=30)
        time.sleep(0.5)  # the request is at Twilio
    finally:
        worker.kill()
        worker.wait()
    assert fake.messages == []  # not taken yet
    wait_until(lambda: fake.messages and fake.messages[0]["status"] == "delivered", timeout=10)
    with engine.begin() as connection:  # the grace passes (HSBP_SMS_SEND_TIMEOUT + 10 s)
        connection.execute(
            text("UPDATE sms_outbound SET updated_at = updated_at - interval '21 seconds'")
            if ON_POSTGRES
            else text("UPDATE sms_outbound SET updated_at = datetime(updated_at, '-21 seconds')")
        )
    OutboundSweeper(app).sweep_once()
    [(status, sid)] = statuses(engine, [message_id])
    assert (status, sid) == ("delivered", fake.messages[0]["sid"])
    assert len(fake.messages) == 1
