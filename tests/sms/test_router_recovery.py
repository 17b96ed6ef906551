"""The router through outages: the database cut off while messages arrive (the spool), a
queue that refuses replies, and messages whose own routing fails, on SQLite and PostgreSQL.

PostgreSQL is cut off by a TCP proxy of the test's, between the app and the server: while
cut it has closed every open connection and closes each new one at once (noting when:
those are the router's attempts). SQLite is cut off by taking its file's folder away and
dropping the app's connections, as when the disk it lives on is gone."""

import contextlib
import itertools
import logging
import socket
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import select, text, update
from sqlalchemy.engine import make_url

from hsbp import db, migrate
from hsbp.db import Sealed, utcnow
from hsbp.extensions import configure_queue
from hsbp.sms import spool
from hsbp.sms.handlers import registry
from hsbp.sms.inbound import Backoff, Router
from hsbp.sms.models import InboundMessage, OutboundMessage
from hsbp.sms.router_loop import Faults
from tests.conftest import fresh_database_url, make_test_app
from tests.sms.conftest import signed_post
from tests.sms.test_router_parallel import (
    CONVERSATION,
    add_partnership,
    assert_all_once_in_order,
    numbers,
    outcome,
    store,
    store_conversations,
    unrouted,
    wait_until_routed,
)

LONGEST_PAUSE = 1.0


class Proxy:
    """A TCP proxy to a database server that the test can cut off and bring back."""

    def __init__(self, host: str, port: int):
        self.target = (host, port)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.attempts: list[float] = []  # when a connection was refused while cut
        self._lock = threading.Lock()
        self._cut = False
        self._open: set[socket.socket] = set()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _address = self.listener.accept()
            except OSError:
                return  # closed
            with self._lock:
                if self._cut:
                    self.attempts.append(time.monotonic())
                    client.close()
                    continue
                try:
                    server = socket.create_connection(self.target)
                except OSError:
                    client.close()
                    continue
                self._open |= {client, server}
            for source, sink in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        for end in (source, sink):
            with contextlib.suppress(OSError):
                end.shutdown(socket.SHUT_RDWR)
        with self._lock:
            self._open -= {source, sink}

    def cut(self) -> None:
        with self._lock:
            self._cut = True
            for end in self._open:
                with contextlib.suppress(OSError):
                    end.shutdown(socket.SHUT_RDWR)

    def restore(self) -> None:
        with self._lock:
            self._cut = False

    def close(self) -> None:
        self.cut()
        self.listener.close()


class Outage:
    """The database of `url`, reached at `self.url`, which `cut()` makes unreachable."""

    def __init__(self, url: str):
        parsed = make_url(url)
        self.proxy = None
        self.folder = None
        if parsed.get_backend_name() == "postgresql":
            self.proxy = Proxy(parsed.host or "127.0.0.1", parsed.port or 5432)
            parsed = parsed.set(host="127.0.0.1", port=self.proxy.port)
        else:
            self.folder = Path(parsed.database).parent
        self.url = parsed.render_as_string(hide_password=False)
        self.apps = []

    def cut(self) -> None:
        if self.proxy is not None:
            self.proxy.cut()
        else:
            self.folder.rename(self.folder.with_name(self.folder.name + "-away"))
        for app in self.apps:  # connections kept open would outlive the cut
            db.database(app).engine.dispose()
            db.database(app).intake_engine.dispose()

    def restore(self) -> None:
        if self.proxy is not None:
            self.proxy.restore()
        else:
            self.folder.with_name(self.folder.name + "-away").rename(self.folder)

    def close(self) -> None:
        if self.proxy is not None:
            self.proxy.close()


@pytest.fixture(scope="module")
def database(tmp_path_factory):
    url = fresh_database_url(tmp_path_factory, "recovery")
    migrate.upgrade(url)
    return url


@pytest.fixture
def outage(database):
    cut_off = Outage(database)
    yield cut_off
    cut_off.close()


@pytest.fixture
def make_app(outage, tmp_path):
    """Apps reaching the database through `outage`, with a spool folder and a queue that is
    not immediate, as in a worker."""
    made = []

    def build(**overrides):
        settings = {
            "QUEUE_URL": f"sqlite:///{tmp_path / 'queue.sqlite3'}",
            "SMS_SPOOL_DIR": str(tmp_path / "spool"),
            **overrides,
        }
        app = make_test_app(outage.url, tmp_path, **settings)
        made.append(app)
        outage.apps.append(app)
        return app

    yield build
    configure_queue("immediate")
    for app in made:
        db.database(app).engine.dispose()
        db.database(app).intake_engine.dispose()


@contextlib.contextmanager
def running(router: Router):
    """`router` started, and stopped when the block ends."""
    router.start()
    try:
        yield router
    finally:
        router.stop()
        router.join(10)
        assert not router.is_alive()


def test_backoff_doubles_up_to_its_longest_pause_and_starts_again_after_a_success():
    backoff = Backoff(first=0.25, cap=2.0)
    assert backoff.reset() is None  # nothing had failed
    assert [backoff.next() for _ in range(6)] == [0.25, 0.5, 1.0, 2.0, 2.0, 2.0]
    assert backoff.reset() >= 0
    assert [backoff.next() for _ in range(2)] == [0.25, 0.5]


def test_after_an_outage_the_router_is_back_within_its_longest_pause_and_routes_all(
    make_app, outage, caplog
):
    """JOIN and the language answer were stored; the database goes; the text and STOP
    arrive meanwhile and wait in the spool; the router tries again every second at most
    and, once the database is back, routes all of it once, in the order written."""
    caplog.set_level(logging.WARNING, logger="hsbp.sms")
    app = make_app()
    sender, code = "+15005552001", "OUTAGE"
    add_partnership(app, sender=sender, code=code)
    phones = numbers("319", 10)
    store_conversations(app, sender=sender, code=code, phones=phones, steps=[0, 1])
    outage.cut()
    router = Router(app, max_pause=LONGEST_PAUSE)
    with running(router):
        client = app.test_client()
        for step in (2, 3):
            for n, phone in enumerate(phones):
                params = {"MessageSid": f"SM{step}{n:031d}", "From": phone, "To": sender}
                answer = signed_post(
                    client, "/sms/twilio/inbound", {**params, "Body": CONVERSATION[step]}
                )
                assert answer.status_code == 200
        assert len(spool.pending(app)) == 2 * len(phones)
        time.sleep(3 * LONGEST_PAUSE)  # the router keeps trying meanwhile
        outage.restore()
        took = wait_until_routed(app, sender, seconds=30)
    assert took < LONGEST_PAUSE + 4
    assert spool.pending(app) == []
    assert_all_once_in_order(app, sender, phones)
    pauses = [r.args[1] for r in caplog.records if r.msg.startswith("SMS router: still no")]
    assert len(pauses) >= 3
    assert max(pauses) == LONGEST_PAUSE
    assert len([r for r in caplog.records if "answers again" in r.msg]) == 1
    if outage.proxy is not None:
        tries = outage.proxy.attempts
        gaps = [later - earlier for earlier, later in itertools.pairwise(tries)]
        assert len(tries) >= 3
        assert max(gaps) < LONGEST_PAUSE + 1.0


def test_the_database_lost_in_the_middle_of_routing_holds_nobody_back_once_it_returns(
    make_app, outage, caplog
):
    """The outage of the issue: the database goes while the router works through a backlog,
    so every message it tries fails. No message is kept waiting on its own growing pause:
    once the database is back the router is too, within its longest pause, and routes all
    that is left once, in order."""
    caplog.set_level(logging.WARNING, logger="hsbp.sms")
    app = make_app()
    sender, code = "+15005552005", "MIDWAY"
    add_partnership(app, sender=sender, code=code)
    phones = numbers("350", 60)
    store_conversations(app, sender=sender, code=code, phones=phones)
    with running(Router(app, max_pause=LONGEST_PAUSE)):
        deadline = time.monotonic() + 60
        while unrouted(app, sender) > len(phones) * 3:
            assert time.monotonic() < deadline, "the router routed nothing"
            time.sleep(0.01)
        outage.cut()
        time.sleep(3 * LONGEST_PAUSE)
        outage.restore()
        took = wait_until_routed(app, sender, seconds=30)
    assert took < LONGEST_PAUSE + 6
    assert_all_once_in_order(app, sender, phones)
    said = [r.msg for r in caplog.records if r.name == "hsbp.sms" and "database" in r.msg]
    assert said[0] == "SMS router: the database does not answer; trying again"
    assert said[-1] == "SMS router: the database answers again after %.0f s"


def failing_keyword(app, kind: str) -> list[int]:
    """BOOM: a keyword whose handler raises, or runs a statement the database refuses.
    Returns the list its calls are counted in."""
    calls = []

    def boom(session, _incoming):
        calls.append(1)
        if kind == "raises":
            raise RuntimeError("a bug in a handler")
        session.execute(text("SELECT * FROM no_such_table"))
        return ["never"]

    registry(app).keyword("boom", ["BOOM"], boom)
    return calls


@pytest.mark.parametrize("kind", ["raises", "refused statement"])
def test_a_message_whose_routing_fails_is_tried_three_times_then_set_aside_alone(
    make_app, caplog, kind
):
    """Its sender's next message waits behind it and is routed once it is set aside; other
    people's are routed at once; the router never takes it for an outage."""
    caplog.set_level(logging.WARNING, logger="hsbp.sms")
    app = make_app()
    calls = failing_keyword(app, kind)
    raises = kind == "raises"
    sender, code = ("+15005552002", "RAISES") if raises else ("+15005552003", "REFUSED")
    add_partnership(app, sender=sender, code=code)
    faulty, other = numbers("320" if raises else "321", 2)
    store_conversations(app, sender=sender, code=code, phones=[faulty, other], steps=[0])
    now = utcnow()
    store(app, sender=sender, phone=faulty, body="BOOM", at=now)
    store(app, sender=sender, phone=faulty, body="HELP", at=now + timedelta(milliseconds=1))
    store(app, sender=sender, phone=other, body="HELP", at=now + timedelta(milliseconds=2))
    router = Router(app, faults=Faults(pauses=(0.5, 0.5)))
    with running(router):
        wait_until_routed(app, sender, seconds=30)
    found = outcome(app, sender)
    assert found[faulty]["routes"] == ["join", "error", "help"]
    assert found[other]["routes"] == ["join", "help"]
    assert len(calls) == 3
    with app.app_context():
        made = dict(
            db.session()
            .execute(
                select(InboundMessage.from_phone, OutboundMessage.created_at)
                .join(OutboundMessage, OutboundMessage.reply_to_id == InboundMessage.id)
                .where(InboundMessage.to_number == sender, InboundMessage.route == "help")
            )
            .all()
        )
        aside = (
            db.session()
            .execute(
                select(
                    InboundMessage.body, InboundMessage.confidential, InboundMessage.in_inbox
                ).where(InboundMessage.to_number == sender, InboundMessage.route == "error")
            )
            .all()
        )
        db.finish(commit=False)
    # Set aside as a handler's fault always was: kept whole, on no page.
    assert aside == [("BOOM", True, False)]
    # The other person's HELP did not wait for the two pauses of the failed message.
    assert (made[faulty] - made[other]).total_seconds() > 0.5
    assert not [r for r in caplog.records if "does not answer" in r.msg]


def test_a_queue_that_refuses_replies_does_not_stop_the_routing(make_app, caplog):
    """Nothing listens where the queue is: every message is routed all the same and its
    replies wait as rows, "queued", for the sweeper to hand over."""
    caplog.set_level(logging.WARNING, logger="hsbp.sms")
    app = make_app(QUEUE_URL="redis://127.0.0.1:9/0")
    sender, code = "+15005552004", "NOQUEUE"
    add_partnership(app, sender=sender, code=code)
    phones = numbers("322", 5)
    store_conversations(app, sender=sender, code=code, phones=phones)
    with running(Router(app)):
        wait_until_routed(app, sender, seconds=30)
    assert_all_once_in_order(app, sender, phones)
    with app.app_context():
        statuses = (
            db.session()
            .scalars(
                select(OutboundMessage.status)
                .join(InboundMessage, InboundMessage.id == OutboundMessage.reply_to_id)
                .where(InboundMessage.to_number == sender)
            )
            .all()
        )
        db.finish(commit=False)
    assert statuses == ["queued"] * 25
    # A queue out of reach is no database outage: the router never paused.
    assert not [r for r in caplog.records if "database does not answer" in r.msg]


def test_a_message_no_field_key_reads_is_set_aside_and_the_rest_routed(make_app):
    """Its key removed before a rotation ended: it would fail every batch it is in."""
    app = make_app()
    sender, code = "+15005552006", "UNREAD"
    add_partnership(app, sender=sender, code=code)
    phones = numbers("323", 2)
    store_conversations(app, sender=sender, code=code, phones=phones, steps=[0, 1])
    unreadable = store(app, sender=sender, phone=phones[0], body="HELP", at=utcnow())
    other_key = Fernet(Fernet.generate_key())
    with app.app_context():
        db.session().execute(
            update(InboundMessage)
            .where(InboundMessage.id == unreadable)
            .values(body=Sealed(other_key.encrypt(b"HELP").decode()))
        )
        db.finish(commit=True)
    with running(Router(app)):
        wait_until_routed(app, sender, seconds=30)
    with app.app_context():
        routes = db.session().execute(
            select(InboundMessage.id, InboundMessage.route)
            .where(InboundMessage.to_number == sender)
            .order_by(InboundMessage.received_at, InboundMessage.id)
        )
        found = [(message_id == unreadable, route) for message_id, route in routes]
        db.finish(commit=False)
    routed = [(False, "join"), (False, "join"), (False, "lang"), (False, "lang")]
    assert found == [*routed, (True, "error")]
