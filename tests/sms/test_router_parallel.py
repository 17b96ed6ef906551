"""Several routers at once, in threads and in processes, on a database of their own: every
message routed once, each person's in the order written, their replies made in that order."""

import contextlib
import multiprocessing
import os
import signal
import threading
import time
from collections import defaultdict
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from hsbp import db, migrate
from hsbp.db import utcnow
from hsbp.extensions import configure_queue
from hsbp.partnerships.models import Partnership
from hsbp.sms import contacts, inbound, router_loop
from hsbp.sms.models import ConsentEvent, Contact, InboundMessage, OutboundMessage
from tests.conftest import FIELD_KEY, fresh_database_url, make_test_app

# A conversation whose meaning depends on its order: "2" answers the language menu JOIN
# asks only after JOIN, the text reaches the inbox of a contact who joined, and STOP is
# last. Out of order, the routes and the replies differ.
CONVERSATION = ("JOIN {code}", "2", "the road to the school is closed", "STOP")
ROUTES = ["join", "lang", "inbox", "stop"]
REPLIES = [2, 1, 1, 1]  # joined + language menu; language set; received; stopped


@pytest.fixture(scope="module")
def database(tmp_path_factory):
    url = fresh_database_url(tmp_path_factory, "routers")
    migrate.upgrade(url)
    return url


@pytest.fixture
def make_app(database, tmp_path):
    """Apps on the module's database with a queue that is not immediate, as in a worker."""
    made = []

    def build(url=None, **overrides):
        settings = {"QUEUE_URL": f"sqlite:///{tmp_path / 'queue.sqlite3'}", **overrides}
        app = make_test_app(url or database, tmp_path, **settings)
        made.append(app)
        return app

    yield build
    configure_queue("immediate")
    for app in made:
        db.database(app).engine.dispose()
        db.database(app).intake_engine.dispose()


def add_partnership(app, *, sender: str, code: str) -> None:
    with app.app_context():
        partnership = Partnership(
            name=f"Router {code}", country="CO", default_locale="es", locales=["es", "en"]
        )
        db.session().add(partnership)
        db.session().flush()
        contacts.configure_sender(
            db.session(), partnership_id=partnership.id, sender=sender, join_code=code
        )
        db.finish(commit=True)


@contextlib.contextmanager
def routing(app, count: int):
    """`count` router threads for the time of the block, stopped and joined after it."""
    routers = inbound.start_routers(app, count)
    try:
        yield routers
    finally:
        for router in routers:
            router.stop()
        for router in routers:
            router.join(10)


def numbers(prefix: str, count: int) -> list[str]:
    return [f"+57{prefix}{n:07d}" for n in range(count)]


def store(app, *, sender: str, phone: str, body: str, at) -> int:
    params = {"MessageSid": f"SM{phone[1:]}{at.timestamp():.6f}", "From": phone, "To": sender}
    return inbound.store(app, {**params, "Body": body}, received_at=at)


def store_conversations(app, *, sender, code, phones, steps=range(4), start=None) -> None:
    """Each phone's conversation, interleaved: everyone's first message, then the second..."""
    start = start or utcnow() - timedelta(minutes=10)
    for step in steps:
        for n, phone in enumerate(phones):
            at = start + timedelta(milliseconds=step * len(phones) + n)
            store(app, sender=sender, phone=phone, body=CONVERSATION[step].format(code=code), at=at)


def unrouted(app, sender: str) -> int:
    with app.app_context():
        count = db.session().scalar(
            select(func.count())
            .select_from(InboundMessage)
            .where(InboundMessage.to_number == sender, InboundMessage.route == "")
        )
        db.finish(commit=False)
    return count


def wait_until_routed(app, sender: str, seconds: float = 60) -> float:
    start = time.monotonic()
    while unrouted(app, sender):
        assert time.monotonic() - start < seconds, f"{unrouted(app, sender)} left unrouted"
        time.sleep(0.05)
    return time.monotonic() - start


def outcome(app, sender: str) -> dict:
    """Per phone: the routes of its messages in the order written, the number of replies
    to each, whether the replies were made in that order, and its consent events."""
    with app.app_context():
        session = db.session()
        messages = session.execute(
            select(InboundMessage.id, InboundMessage.from_phone, InboundMessage.route)
            .where(InboundMessage.to_number == sender)
            .order_by(InboundMessage.received_at, InboundMessage.id)
        ).all()
        replies = session.execute(
            select(OutboundMessage.reply_to_id)
            .join(InboundMessage, InboundMessage.id == OutboundMessage.reply_to_id)
            .where(InboundMessage.to_number == sender)
            .order_by(OutboundMessage.id)
        ).all()
        events = session.execute(
            select(Contact.phone, ConsentEvent.event).join(
                ConsentEvent, ConsentEvent.contact_id == Contact.id
            )
        ).all()
        db.finish(commit=False)
    found = defaultdict(lambda: {"routes": [], "replies": [], "order": [], "events": []})
    position = {}
    for message in messages:
        mine = found[message.from_phone]
        position[message.id] = (message.from_phone, len(mine["routes"]))
        mine["routes"].append(message.route)
        mine["replies"].append(0)
    for (reply_to,) in replies:
        phone, index = position[reply_to]
        found[phone]["replies"][index] += 1
        found[phone]["order"].append(index)
    for phone, event in events:
        if phone in found:
            found[phone]["events"].append(event)
    return dict(found)


def assert_all_once_in_order(app, sender: str, phones: list[str]) -> None:
    found = outcome(app, sender)
    assert sorted(found) == sorted(phones)
    for phone in phones:
        mine = found[phone]
        assert mine["routes"] == ROUTES, phone
        assert mine["replies"] == REPLIES, phone
        assert mine["order"] == sorted(mine["order"]), phone
        assert sorted(mine["events"]) == ["join", "opt_out"], phone


@pytest.mark.parametrize("count", [2, 4])
def test_routers_in_threads_route_each_message_once_and_each_persons_in_order(make_app, count):
    app = make_app()
    sender = f"+1500555{count:04d}"
    add_partnership(app, sender=sender, code=f"THREADS{count}")
    phones = numbers(f"31{count}", 30)
    # JOIN for everyone is waiting; the rest arrives while the routers work, as from the
    # webhook, so a router often finds a person's next message just after another one
    # routed the previous.
    start = utcnow() - timedelta(minutes=10)
    store_conversations(app, sender=sender, code=f"THREADS{count}", phones=phones, steps=[0])
    with routing(app, count) as routers:
        store_conversations(
            app, sender=sender, code=f"THREADS{count}", phones=phones, steps=[1, 2, 3], start=start
        )
        wait_until_routed(app, sender)
    assert [router.is_alive() for router in routers] == [False] * count
    assert_all_once_in_order(app, sender, phones)


def run_worker(url: str, folder: str, key: str, ready, stop, routers: int) -> None:
    """A worker process's routers (as `hsbp worker --routers N` starts them), with the
    test's field key (this process made a key of its own when it imported the tests)."""
    app = make_test_app(url, folder, FIELD_KEY=key, QUEUE_URL=f"sqlite:///{folder}/q.db")
    with routing(app, routers):
        ready.set()
        stop.wait()


def start_workers(database: str, tmp_path, count: int, routers: int):
    spawn = multiprocessing.get_context("spawn")
    stop = spawn.Event()
    workers = []
    for n in range(count):
        folder = tmp_path / f"worker{n}"
        folder.mkdir()
        ready = spawn.Event()
        process = spawn.Process(
            target=run_worker,
            args=(database, str(folder), FIELD_KEY, ready, stop, routers),
            daemon=True,
        )
        process.start()
        workers.append((process, ready))
    for _process, ready in workers:
        assert ready.wait(60), "a worker process did not start"
    return stop, [process for process, _ready in workers]


def test_routers_in_two_worker_processes_route_each_message_once_and_in_order(
    make_app, database, tmp_path
):
    app = make_app()
    sender = "+15005551002"
    add_partnership(app, sender=sender, code="PROCESSES")
    phones = numbers("315", 40)
    store_conversations(app, sender=sender, code="PROCESSES", phones=phones)
    stop, processes = start_workers(database, tmp_path, count=2, routers=2)
    try:
        wait_until_routed(app, sender)
    finally:
        stop.set()
        for process in processes:
            process.join(30)
    assert [process.exitcode for process in processes] == [0, 0]
    assert_all_once_in_order(app, sender, phones)


def test_a_worker_killed_in_the_middle_leaves_nothing_half_done(make_app, database, tmp_path):
    """A worker process killed outright while routing: its transaction dies with it, and a
    worker started again routes everything left, once, in order."""
    app = make_app()
    sender = "+15005551003"
    add_partnership(app, sender=sender, code="KILLED")
    phones = numbers("316", 60)
    store_conversations(app, sender=sender, code="KILLED", phones=phones)
    _stop, processes = start_workers(database, tmp_path, count=1, routers=2)
    deadline = time.monotonic() + 60
    while unrouted(app, sender) > len(phones) * 2:
        assert time.monotonic() < deadline, "the worker routed nothing"
        time.sleep(0.01)
    os.kill(processes[0].pid, signal.SIGKILL)
    processes[0].join(10)
    left = unrouted(app, sender)
    assert 0 < left < len(phones) * 4
    with routing(app, 2):
        wait_until_routed(app, sender)
    assert_all_once_in_order(app, sender, phones)


def test_two_routers_never_claim_the_same_person(make_app):
    app = make_app()
    if db.database(app).engine.dialect.name != "postgresql":
        pytest.skip("on SQLite each transaction holds the one write lock: it is the claim")
    sender = "+15005551004"
    add_partnership(app, sender=sender, code="CLAIMS")
    phones = numbers("317", 3)
    store_conversations(app, sender=sender, code="CLAIMS", phones=phones, steps=[0, 1])
    with app.app_context():
        hashes = [contacts.phone_hash(phone) for phone in phones]
        first, second, third = (db.database(app).sessions() for _ in range(3))
        try:
            assert list(router_loop.claim_people(first, want=2, skip=set())) == hashes[:2]
            # The oldest two are held: the next router gets the third, and only it.
            assert list(router_loop.claim_people(second, want=2, skip=set())) == hashes[2:]
            assert list(router_loop.claim_people(third, want=3, skip=set())) == []
            first.rollback()
            assert list(router_loop.claim_people(third, want=3, skip=set())) == hashes[:2]
            # A person waiting after a failed message is left for later.
            second.rollback()
            assert list(router_loop.claim_people(second, want=3, skip={hashes[2]})) == []
        finally:
            for session in (first, second, third):
                session.close()
        db.finish(commit=False)
    with routing(app, 1):
        wait_until_routed(app, sender)


def test_messages_stored_while_a_person_is_being_routed_wait_for_the_next_claim(make_app):
    """A router routes what it found of a person; what arrives meanwhile is routed by the
    next claim, after the first commit, never beside it."""
    app = make_app()
    sender = "+15005551005"
    add_partnership(app, sender=sender, code="LATER")
    phones = numbers("318", 20)
    start = utcnow() - timedelta(minutes=10)
    feeding = threading.Thread(
        target=store_conversations,
        kwargs={"app": app, "sender": sender, "code": "LATER", "phones": phones, "start": start},
    )
    with routing(app, 4):
        feeding.start()
        feeding.join(60)
        wait_until_routed(app, sender)
    assert_all_once_in_order(app, sender, phones)


def test_a_person_with_more_messages_than_a_transaction_takes_keeps_their_order(make_app):
    """210 messages from one number (more than a transaction routes on either database):
    routed over several transactions, the oldest first, each once."""
    app = make_app()
    sender = "+15005551006"
    add_partnership(app, sender=sender, code="MANY")
    phone = numbers("323", 1)[0]
    bodies = ["JOIN MANY", *(f"the road, part {n}" for n in range(208)), "STOP"]
    start = utcnow() - timedelta(minutes=10)
    for n, body in enumerate(bodies):
        store(app, sender=sender, phone=phone, body=body, at=start + timedelta(milliseconds=n))
    with routing(app, 2):
        wait_until_routed(app, sender)
    found = outcome(app, sender)[phone]
    assert found["routes"] == ["join", *["inbox"] * 208, "stop"]
    # joined + language menu; "received" once a day; stopped
    assert found["replies"] == [2, 1, *[0] * 207, 1]
    assert found["order"] == sorted(found["order"])


def test_the_router_reports_how_long_each_message_waited_to_the_metrics(make_app):
    from hsbp.ops import metrics

    def lag(bucket: str) -> float:
        name = "hsbp_sms_inbound_routed_lag_seconds_bucket"
        return metrics._registry.get_sample_value(name, {"le": bucket}) or 0.0

    app = make_app()
    sender = "+15005551007"
    add_partnership(app, sender=sender, code="LAG")
    before = (lag("60.0"), lag("120.0"))
    store_conversations(
        app,
        sender=sender,
        code="LAG",
        phones=numbers("319", 3),
        steps=range(1),
        start=utcnow() - timedelta(seconds=90),
    )
    while router_loop.route_people(app, router_loop.Faults()):
        pass
    assert (lag("60.0") - before[0], lag("120.0") - before[1]) == (0, 3)
