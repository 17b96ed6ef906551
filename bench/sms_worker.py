"""Benchmark: how many SMS a second ONE queue worker hands to Twilio (the project's fake).

    python bench/sms_worker.py                     # SQLite, then PostgreSQL
    python bench/sms_worker.py --no-postgres --messages 5000
    python bench/sms_worker.py --profile           # cProfile of the task loop, top functions
    python bench/sms_worker.py --redis             # also with the queue on Redis (db 15)

For each database (a fresh SQLite file; postgresql+psycopg://postgres@127.0.0.1:5432/
hsbp_bench_sms_worker, dropped and recreated) it migrates, creates a partnership with a
sender, N contacts and N queued OutboundMessage rows (sending.make_outbound), enqueues
`sending.send_outbound(id)` for each on a SQLite huey queue, then starts one huey consumer
with one worker thread in this process, as `hsbp worker --workers 1` would run it. The clock
runs from the first task starting to the last one finishing. The fake Twilio runs in this
process too (its own threads), with its status callbacks held back an hour so they never
compete with the sends; HSBP_SMS_RATE_PER_SECOND is 0 (no throttle).

Afterwards every row must be "sent" with a distinct provider SID and the fake must hold
exactly N messages, one per contact. Target: at least 200 messages a second. The first row,
measured in the same run, is the floor set by the Twilio client and the fake themselves: the
same client posting N messages in a loop with no database and no queue.

Run by hand; never collected by pytest.
"""

from __future__ import annotations

import argparse
import cProfile
import logging
import os
import pstats
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests
from common import recreate_postgres_database
from cryptography.fernet import Fernet
from huey.signals import SIGNAL_COMPLETE, SIGNAL_ERROR, SIGNAL_EXECUTING
from sqlalchemy import func, insert, select

from hsbp import create_app, db, migrate
from hsbp.extensions import queue
from hsbp.fake_twilio import FakeTwilio
from hsbp.partnerships.models import Partnership
from hsbp.sms import contacts, sending, transport
from hsbp.sms.models import Contact, OutboundMessage, OutboundStatus

ACCOUNT_SID = "AC" + "0" * 31 + "8"
AUTH_TOKEN = "hsbp-bench-worker-token"  # the fake Twilio's only; no real account
SENDER = "+15005550006"
BODY = (
    "Reunion de la alianza el jueves 14 a las 9:00 en la escuela de La Esperanza. "
    "Responda SI para confirmar o STOP para no recibir mas mensajes."
)
POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/hsbp_bench_sms_worker"


class RemoteFake:
    """The fake Twilio in a process of its own, as Twilio is on other machines: in this
    process it would compete with the worker for the interpreter lock."""

    def __init__(self):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        code = (
            # Twilio keeps no request log on our machine: neither does the fake here.
            "import logging; logging.getLogger('werkzeug').setLevel(logging.WARNING); "
            "from hsbp.fake_twilio import run; "
            f"run('127.0.0.1', {port}, {ACCOUNT_SID!r}, {AUTH_TOKEN!r}, callback_delay=3600)"
        )
        self.process = subprocess.Popen(
            [sys.executable, "-c", code], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        self.url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                requests.get(self.url + "/_fake/messages", timeout=1)
                return
            except requests.RequestException:
                time.sleep(0.1)
        raise RuntimeError("the fake Twilio did not start")

    @property
    def messages(self) -> list[dict]:
        return requests.get(self.url + "/_fake/messages", timeout=30).json()["messages"]

    def reset(self) -> None:
        requests.post(self.url + "/_fake/reset", timeout=10)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


def build_app(url: str, folder: Path, fake: FakeTwilio, queue_url: str | None = None):
    return create_app(
        {
            "ENV": "production",
            "MAIL_LOG": True,  # no mail server here; none is sent
            "SECRET_KEY": "bench-secret-key",
            "FIELD_KEY": Fernet.generate_key().decode(),
            "DATABASE_URL": url,
            "QUEUE_URL": queue_url or f"sqlite:///{folder / 'queue.sqlite3'}",
            "TWILIO_ACCOUNT_SID": ACCOUNT_SID,
            "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
            "TWILIO_API_BASE": fake.url,
            "SMS_RATE_PER_SECOND": 0,
            # Status callbacks would go here; the fake holds them back for the whole run.
            "PUBLIC_URL": "http://127.0.0.1:9",
            "SMS_SPOOL_DIR": str(folder / "sms-spool"),
        }
    )


def client_alone(app, fake: FakeTwilio, count: int) -> float:
    """The floor: the app's own Twilio client posting `count` messages to the fake in a loop,
    with no database and no queue. Returns seconds."""
    twilio = transport.client(app)
    callback = app.config["PUBLIC_URL"] + "/sms/twilio/status"

    def post(n: int) -> None:
        twilio.messages.create(
            to=f"+57319{n:07d}", from_=SENDER, body=BODY, status_callback=callback
        )

    for n in range(20):
        post(n)  # warm up the client and the fake
    start = time.perf_counter()
    for n in range(count):
        post(n)
    seconds = time.perf_counter() - start
    fake.reset()
    return seconds


def queue_messages(app, count: int) -> list[int]:
    """`count` contacts, one queued message each (committed), then one task per message."""
    with app.app_context():
        session = db.session()
        partnership = Partnership(name="Bench worker", country="CO", locales=["es"])
        session.add(partnership)
        session.flush()
        contacts.configure_sender(
            session, partnership_id=partnership.id, sender=SENDER, join_code="WORKER"
        )
        phones = [f"+57312{n:07d}" for n in range(count)]
        session.execute(
            insert(Contact),
            [{"phone": p, "phone_hash": contacts.phone_hash(p), "locale": "es"} for p in phones],
        )
        people = session.scalars(select(Contact).order_by(Contact.id)).all()
        ids = [
            sending.make_outbound(
                session,
                contact=contact,
                body=BODY,
                sender=SENDER,
                kind="broadcast",
                partnership_id=partnership.id,
            ).id
            for contact in people
        ]
        db.finish(commit=True)
    queue.flush()
    for message_id in ids:
        sending.send_outbound(message_id)
    return ids


def consume(count: int, time_limit: float, threads: int = 1) -> tuple[float, int]:
    """Run one consumer (one `hsbp worker` process) with `threads` worker threads until
    `count` tasks ended; (seconds, errors)."""
    first: list[float] = []
    ended: list[float] = []
    errors: list[str] = []
    done = threading.Event()

    def executing(_signal, _task, *_args):
        if not first:
            first.append(time.perf_counter())

    def finished(signal_name, task, *args):
        ended.append(time.perf_counter())
        if signal_name == SIGNAL_ERROR:
            errors.append(f"{task}: {args[0] if args else ''}")
        if len(ended) >= count:
            done.set()

    queue.signal(SIGNAL_EXECUTING)(executing)
    queue.signal(SIGNAL_COMPLETE, SIGNAL_ERROR)(finished)
    consumer = queue.create_consumer(workers=threads, worker_type="thread", periodic=False)
    # The consumer installs its own signal handlers; keep Ctrl-C able to stop this script.
    previous = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    consumer.start()
    for sig, handler in previous.items():
        signal.signal(sig, handler)
    try:
        if not done.wait(time_limit):
            raise RuntimeError(f"only {len(ended)} of {count} tasks ended in {time_limit:.0f} s")
    finally:
        consumer.stop(graceful=True)
        queue.disconnect_signal(executing)
        queue.disconnect_signal(finished)
    return ended[-1] - first[0], len(errors)


def profile(count: int, top: int) -> tuple[float, int]:
    """What one worker thread does (dequeue, execute), in this thread under cProfile."""
    profiler = cProfile.Profile()
    start = time.perf_counter()
    profiler.enable()
    for _ in range(count):
        task = queue.dequeue()
        if task is None:
            break
        queue.execute(task)
    profiler.disable()
    seconds = time.perf_counter() - start
    stats = pstats.Stats(profiler)
    stats.sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(top)
    return seconds, 0


def verify(app, fake: FakeTwilio, ids: list[int]) -> list[str]:
    """Every row sent once with its own SID, and the fake holding exactly those messages."""
    problems = []
    with app.app_context():
        session = db.session()
        statuses = dict(
            session.execute(
                select(OutboundMessage.status, func.count()).group_by(OutboundMessage.status)
            ).all()
        )
        sids = set(session.scalars(select(OutboundMessage.provider_sid)))
        attempts = session.scalar(select(func.max(OutboundMessage.attempts)))
        db.finish(commit=False)
    if statuses != {OutboundStatus.SENT: len(ids)}:
        problems.append(f"statuses {statuses}")
    if attempts != 1:
        problems.append(f"a message took {attempts} attempts")
    received = fake.messages
    if len(received) != len(ids):
        problems.append(f"the fake received {len(received)} messages, not {len(ids)}")
    if len({m["to"] for m in received}) != len(received):
        problems.append("a number received two messages")
    if {m["sid"] for m in received} != sids:
        problems.append("the fake's SIDs differ from the rows' provider SIDs")
    return problems


def run(
    label: str, url: str | None, args, fake: FakeTwilio, queue_url: str | None = None
) -> tuple[str, float, int, list]:
    """One database (`url`, or None for a SQLite file): prepare, consume, check."""
    folder = Path(tempfile.mkdtemp(prefix=f"hsbp-bench-worker-{label}-"))
    url = url or f"sqlite:///{folder / 'bench.sqlite3'}"
    app = None
    try:
        if url.startswith("postgresql"):
            recreate_postgres_database(url)
        migrate.upgrade(url)
        app = build_app(url, folder, fake, queue_url)
        fake.reset()
        ids = queue_messages(app, args.messages)
        if args.profile:
            seconds, errors = profile(len(ids), args.top)
        else:
            seconds, errors = consume(len(ids), args.time_limit, args.threads)
        return label, seconds, errors, verify(app, fake, ids)
    finally:
        if app is not None:
            db.database(app).engine.dispose()
        queue.storage.close()
        shutil.rmtree(folder, ignore_errors=True)
        if url.startswith("postgresql"):
            recreate_postgres_database(url, create=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument(
        "--threads", type=int, default=2, help="worker threads (hsbp worker's default: 2)"
    )
    parser.add_argument("--time-limit", type=float, default=120.0, help="seconds per database")
    parser.add_argument("--database-url", default=POSTGRES_URL, help="the PostgreSQL row")
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument(
        "--redis",
        nargs="?",
        const="redis://127.0.0.1:6379/15",
        help="also run with the queue on this Redis (the production queue; default db 15)",
    )
    parser.add_argument("--profile", action="store_true", help="cProfile, in the main thread")
    parser.add_argument("--top", type=int, default=30, help="functions shown by --profile")
    args = parser.parse_args()
    for name in [n for n in os.environ if n.startswith("HSBP_")]:
        del os.environ[name]  # only the settings below count
    # The fake's server would log every request it answers.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)

    load = os.getloadavg()[0]
    fake = RemoteFake()
    rows = []
    try:
        with tempfile.TemporaryDirectory(prefix="hsbp-bench-worker-") as folder:
            app = build_app(f"sqlite:///{folder}/unused.sqlite3", Path(folder), fake)
            floor = client_alone(app, fake, args.messages)
        rows.append(run("sqlite", None, args, fake))
        if not args.no_postgres:
            rows.append(run("postgres", args.database_url, args, fake))
        if args.redis:
            rows.append(run("sqlite+redis", None, args, fake, args.redis))
            if not args.no_postgres:
                rows.append(run("postgres+redis", args.database_url, args, fake, args.redis))
    finally:
        fake.stop()

    how = (
        "cProfile loop in the main thread"
        if args.profile
        else f"one worker process, {args.threads} threads"
    )
    print(
        f"{os.cpu_count()} cores; 1-min load average before/after {load:.2f}/"
        f"{os.getloadavg()[0]:.2f}; {args.messages} messages; {how}; fake Twilio in its "
        "own process; SMS_RATE_PER_SECOND=0"
    )
    print(
        f"{'run':<16}{'seconds':>9}{'msg/s':>9}{'ms/msg':>9}{'errors':>8}{'vs floor':>10}   check"
    )
    floor_rate = args.messages / floor
    print(
        f"{'client alone':<16}{floor:9.2f}{floor_rate:9.0f}{floor / args.messages * 1000:9.2f}"
        f"{'':8}{1:10.2f}   the Twilio client to the fake in a loop: no database, no queue"
    )
    for label, seconds, errors, problems in rows:
        check = "; ".join(problems) or "all sent once, fake holds exactly these"
        print(
            f"{'worker ' + label:<16}{seconds:9.2f}{args.messages / seconds:9.0f}"
            f"{seconds / args.messages * 1000:9.2f}{errors:8d}"
            f"{args.messages / seconds / floor_rate:10.2f}   {check}"
        )
    for label, seconds, _errors, _problems in rows:
        rate = args.messages / seconds
        verdict = "met" if rate >= 200 else "NOT met"
        print(f"target >= 200 messages/s, {label}: {rate:.0f} ({verdict})")


if __name__ == "__main__":
    main()
