"""Benchmark: how many stored inbound SMS a second the worker's routers act on, with 1, 2 and
4 router threads in one worker and with 2 and 4 worker processes.

    python bench/sms_router.py                          # SQLite, then PostgreSQL
    python bench/sms_router.py --no-postgres --numbers 200
    python bench/sms_router.py --threads 1,2,4 --processes 2,4
    python bench/sms_router.py --no-sqlite --profile    # cProfile of one router, top functions

For each database (a fresh SQLite file; postgresql+psycopg://postgres@127.0.0.1:5432/
hsbp_bench_sms_router, dropped and recreated for every row) and each row it migrates,
creates a partnership (Spanish and English) with a sender and the join code BENCH, and
stores the messages as the webhook does (hsbp.sms.inbound.store): each of N numbers writes
JOIN BENCH, then 2 (English, from the language menu JOIN asked), free text, and STOP, and
everyone's messages are interleaved in time, so the oldest-first work list mixes all the
numbers. Then the routers start (`hsbp worker --routers T` runs T threads as the rows with
threads do; each process row is P such workers, one router thread each) and the clock runs
until no stored message is left unrouted. Replies go to a huey queue on an SQLite file in
the run's temporary folder, as on one machine, or to `--queue-url` (Redis, as when scaled
out; its queue is emptied after each row); nothing sends them.

Afterwards every row is checked: every message routed once and each number's in the order
written (JOIN first, or "2" would not be the language answer and STOP would not come last),
exactly the expected replies (2, 1, 1, 1 per number) created in that same order. The
baseline is the first row, one router thread, measured in the same run. Target: at least
200 messages a second with 4 routers on PostgreSQL.

Run by hand; never collected by pytest.
"""

from __future__ import annotations

import argparse
import cProfile
import logging
import multiprocessing
import os
import pstats
import shutil
import tempfile
import time
from collections import defaultdict
from datetime import timedelta

from common import recreate_postgres_database
from cryptography.fernet import Fernet
from sqlalchemy import func, select

from hsbp import create_app, db, migrate
from hsbp.db import utcnow
from hsbp.extensions import queue
from hsbp.partnerships.models import Partnership
from hsbp.sms import contacts, inbound, router_loop
from hsbp.sms.models import InboundMessage, OutboundMessage

SENDER = "+15005550006"
FREE_TEXT = "The trucks raise dust on the school road every morning, please tell the company"
BODIES = ("JOIN BENCH", "2", FREE_TEXT, "STOP")
EXPECTED_ROUTES = ["join", "lang", "inbox", "stop"]
EXPECTED_REPLIES = [2, 1, 1, 1]  # joined + language menu; language set; received; stopped
POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/hsbp_bench_sms_router"


def settings(url: str, folder: str, field_key: str, queue_url: str | None) -> dict:
    return {
        "ENV": "production",
        "MAIL_LOG": True,  # no mail server here; none is sent
        "SECRET_KEY": "bench-secret-key",
        "FIELD_KEY": field_key,
        "DATABASE_URL": url,
        "QUEUE_URL": queue_url or f"sqlite:///{folder}/queue.sqlite3",
        "TWILIO_ACCOUNT_SID": "AC" + "0" * 31 + "9",
        "TWILIO_AUTH_TOKEN": "hsbp-bench-router-token",  # nothing is sent; no real account
        "PUBLIC_URL": "http://127.0.0.1:9",
        "SMS_SPOOL_DIR": f"{folder}/sms-spool",
    }


def prepare(config: dict, numbers: int) -> None:
    """A fresh database holding the partnership and every number's four messages, stored."""
    url = config["DATABASE_URL"]
    if url.startswith("postgresql"):
        recreate_postgres_database(url)
    migrate.upgrade(url)
    app = create_app(config)
    with app.app_context():
        session = db.session()
        partnership = Partnership(
            name="Bench router", country="CO", default_locale="es", locales=["es", "en"]
        )
        session.add(partnership)
        session.flush()
        contacts.configure_sender(
            session, partnership_id=partnership.id, sender=SENDER, join_code="BENCH"
        )
        db.finish(commit=True)
    start = utcnow() - timedelta(hours=1)
    for k, body in enumerate(BODIES):
        for n in range(numbers):
            order = k * numbers + n
            params = {
                "MessageSid": f"SM{order:032x}",
                "From": f"+57310{n:07d}",
                "To": SENDER,
                "Body": body,
            }
            inbound.store(app, params, received_at=start + timedelta(milliseconds=order))
    dispose(app)


def dispose(app) -> None:
    db.database(app).engine.dispose()
    db.database(app).intake_engine.dispose()


def unrouted_count(app) -> int:
    with app.app_context():
        count = db.session().scalar(
            select(func.count()).select_from(InboundMessage).where(InboundMessage.route == "")
        )
        db.finish(commit=False)
    return count


def wait_until_routed(app, time_limit: float) -> float:
    """Seconds from now until no message is left unrouted."""
    start = time.perf_counter()
    while unrouted_count(app):
        if time.perf_counter() - start > time_limit:
            raise RuntimeError(f"{unrouted_count(app)} messages unrouted after {time_limit} s")
        # Not more often: on SQLite even this count takes the write lock for a moment.
        time.sleep(0.05)
    return time.perf_counter() - start


def with_threads(config: dict, threads: int, time_limit: float) -> tuple[float, float]:
    """(seconds, CPU seconds this process spent meanwhile) with `threads` routers here."""
    app = create_app(config)
    cpu = time.process_time()
    routers = inbound.start_routers(app, threads)
    try:
        return wait_until_routed(app, time_limit), time.process_time() - cpu
    finally:
        for router in routers:
            router.stop()
        for router in routers:
            router.join(10)
        dispose(app)


def worker_process(config: dict, ready, go, done, cpu) -> None:
    """One `hsbp worker --routers 1`, as far as routing goes: started, then told to go;
    adds the CPU seconds it spent routing to `cpu`."""
    logging.basicConfig(level=logging.WARNING)
    app = create_app(config)
    ready.set()
    go.wait()
    started = time.process_time()
    routers = inbound.start_routers(app, 1)
    done.wait()
    routers[0].stop()
    routers[0].join(10)
    with cpu.get_lock():
        cpu.value += time.process_time() - started
    dispose(app)


def with_processes(config: dict, processes: int, time_limit: float) -> tuple[float, float]:
    """(seconds, CPU seconds the processes spent routing) with `processes` workers."""
    spawn = multiprocessing.get_context("spawn")
    go, done, cpu = spawn.Event(), spawn.Event(), spawn.Value("d", 0.0)
    readies = [spawn.Event() for _ in range(processes)]
    workers = [
        spawn.Process(target=worker_process, args=(config, ready, go, done, cpu))
        for ready in readies
    ]
    for worker in workers:
        worker.start()
    app = create_app(config)
    try:
        for ready in readies:
            if not ready.wait(60):
                raise RuntimeError("a worker process did not start")
        go.set()
        seconds = wait_until_routed(app, time_limit)
    finally:
        done.set()
        for worker in workers:
            worker.join(30)
            if worker.is_alive():
                worker.terminate()
        dispose(app)
    return seconds, cpu.value


def profiled(config: dict, top: int) -> tuple[float, float]:
    """One router's passes in this thread, under cProfile."""
    app = create_app(config)
    router = inbound.Router(app)
    profiler = cProfile.Profile()
    start, cpu = time.perf_counter(), time.process_time()
    profiler.enable()
    while router.work_once():
        pass
    profiler.disable()
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    stats = pstats.Stats(profiler)
    stats.sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(top)
    dispose(app)
    return seconds, cpu


def check(config: dict, numbers: int) -> list[str]:
    """Every message routed once, each number's in order, their replies made in order."""
    app = create_app(config)
    with app.app_context():
        session = db.session()
        messages = session.execute(
            select(InboundMessage.id, InboundMessage.from_hash, InboundMessage.route).order_by(
                InboundMessage.received_at, InboundMessage.id
            )
        ).all()
        replies = session.execute(
            select(OutboundMessage.reply_to_id, OutboundMessage.contact_id).order_by(
                OutboundMessage.id
            )
        ).all()
        db.finish(commit=False)
    dispose(app)
    problems = []
    routes, position = defaultdict(list), {}
    for message in messages:
        position[message.id] = (message.from_hash, len(routes[message.from_hash]))
        routes[message.from_hash].append(message.route)
    wrong = sum(1 for found in routes.values() if found != EXPECTED_ROUTES)
    if len(messages) != numbers * len(BODIES) or len(routes) != numbers:
        problems.append(f"{len(messages)} messages from {len(routes)} numbers stored")
    if wrong:
        problems.append(f"{wrong} numbers' messages routed otherwise than in order")
    counts = defaultdict(int)
    made = defaultdict(list)  # number -> the position of the message each reply answers
    for reply in replies:
        counts[reply.reply_to_id] += 1
        number, index = position[reply.reply_to_id]
        made[number].append(index)
    expected = {m.id: EXPECTED_REPLIES[position[m.id][1]] for m in messages}
    extra = sum(1 for i, n in expected.items() if counts[i] != n)
    if extra:
        problems.append(f"{extra} messages with other replies than expected")
    if any(order != sorted(order) for order in made.values()):
        problems.append("a number's replies were made out of order")
    return problems


def run_database(label: str, url: str, args) -> list[tuple]:
    rows = []
    plan = [("thread", n) for n in args.threads] + [("process", n) for n in args.processes]
    if args.profile:
        plan = [("profile", 1)]
    key = Fernet.generate_key().decode()
    for kind, count in plan:
        folder = tempfile.mkdtemp(prefix=f"hsbp-bench-router-{label}-")
        database_url = url or f"sqlite:///{folder}/bench.sqlite3"
        config = settings(database_url, folder, key, args.queue_url)
        try:
            prepare(config, args.numbers)
            load = os.getloadavg()[0]
            if kind == "thread":
                seconds, cpu = with_threads(config, count, args.time_limit)
            elif kind == "process":
                seconds, cpu = with_processes(config, count, args.time_limit)
            else:
                seconds, cpu = profiled(config, args.top)
            rows.append((label, kind, count, seconds, cpu, load, check(config, args.numbers)))
        finally:
            if args.queue_url:
                queue.flush()  # the replies' tasks, never to be run
            shutil.rmtree(folder, ignore_errors=True)
            if database_url.startswith("postgresql"):
                recreate_postgres_database(database_url, create=False)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--numbers", type=int, default=500, help="senders, 4 messages each")
    parser.add_argument("--threads", default="1,2,4", help="router threads of one worker")
    parser.add_argument("--processes", default="2,4", help="worker processes, 1 router each")
    parser.add_argument("--database-url", default=POSTGRES_URL, help="the PostgreSQL rows")
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--no-sqlite", action="store_true")
    parser.add_argument("--queue-url", help="the replies' queue (default: SQLite file)")
    parser.add_argument("--time-limit", type=float, default=300.0, help="seconds per row")
    parser.add_argument("--profile", action="store_true", help="cProfile, one router")
    parser.add_argument("--top", type=int, default=30, help="functions shown by --profile")
    args = parser.parse_args()
    args.threads = [int(n) for n in args.threads.split(",") if n]
    args.processes = [int(n) for n in args.processes.split(",") if n]
    for name in [n for n in os.environ if n.startswith("HSBP_")]:
        del os.environ[name]  # only the settings above count
    logging.basicConfig(level=logging.WARNING)

    load = os.getloadavg()[0]
    rows = []
    if not args.no_sqlite:
        rows += run_database("sqlite", "", args)
    if not args.no_postgres:
        rows += run_database("postgres", args.database_url, args)
    messages = args.numbers * len(BODIES)
    print(
        f"{os.cpu_count()} cores; 1-min load average before/after {load:.2f}/"
        f"{os.getloadavg()[0]:.2f}; {messages} messages from {args.numbers} numbers; "
        f"{router_loop.PEOPLE_PER_BATCH} people claimed per transaction"
    )
    print(
        f"{'database':<10}{'routers':<13}{'seconds':>8}{'msg/s':>7}{'vs 1':>6}"
        f"{'CPU ms/msg':>11}{'load':>6}   check"
    )
    baseline = {}
    for label, kind, count, seconds, cpu, row_load, problems in rows:
        rate = messages / seconds
        baseline.setdefault(label, rate)
        plural = ("es" if kind == "process" else "s") if count > 1 else ""
        verdict = "; ".join(problems) or "all routed once, in order, replies in order"
        print(
            f"{label:<10}{f'{count} {kind}{plural}':<13}{seconds:8.2f}{rate:7.0f}"
            f"{rate / baseline[label]:6.2f}{cpu / messages * 1000:11.2f}{row_load:6.2f}"
            f"   {verdict}"
        )
    for label, kind, count, seconds, *_rest in rows:
        if label == "postgres" and count == 4:
            rate = messages / seconds
            verdict = "met" if rate >= 200 else "NOT met"
            plural = "es" if kind == "process" else "s"
            name = f"4 router {kind}{plural}"
            print(f"target >= 200 messages/s, postgres, {name}: {rate:.0f} ({verdict})")


if __name__ == "__main__":
    main()
