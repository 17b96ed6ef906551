"""Benchmark: throughput and latency of the inbound SMS webhook (POST /sms/twilio/inbound)
served by gunicorn, against a bare Flask endpoint served the same way in the same run.

    python bench/sms_webhook.py                        # bare, SQLite and PostgreSQL
    python bench/sms_webhook.py --no-postgres          # bare and SQLite only
    python bench/sms_webhook.py --requests 4000 --concurrency 16
    python bench/sms_webhook.py --durable              # also with HSBP_SMS_DURABLE_INTAKE=true

Each target runs under `gunicorn -w 2` (sync workers; --threads N for gthread) on 127.0.0.1:
first bench/bare_app.py
(a fixed TwiML answer), then the real app (`hsbp:create_app()`, HSBP_ENV=production) on a
fresh SQLite file and on a recreated PostgreSQL database (default
postgresql+psycopg://postgres@127.0.0.1:5432/hsbp_bench_sms, dropped and recreated). The
partnership has a sender and the join code BENCH; half the messages are "JOIN BENCH" from new
numbers, half free text from already joined contacts (routed to the inbox); every message has
a new MessageSid. All requests are signed before the clock starts.

The load generator is this process: N threads, each with its own HTTP connection, sending a
fixed number of requests (bounded by a time limit too) after a warm-up. It shares the
machine's cores with gunicorn, so figures are comparable only within one run: the ratio
webhook / bare is the result. Every answer must be 200 with TwiML; the stored rows are
counted afterwards. Target: the webhook keeps at least half the bare endpoint's throughput.

The webhook stores; the worker's router routes (hsbp.sms.inbound). After each webhook run the
router is run here, in one thread, over everything that was stored, and its rate printed:
that is how fast inbound messages are acted on, replies included (handed to the queue).

Run by hand; never collected by pytest.
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

from common import recreate_postgres_database
from cryptography.fernet import Fernet
from sqlalchemy import func, select
from twilio.request_validator import RequestValidator

from hsbp import create_app, db, migrate
from hsbp.partnerships.models import Partnership
from hsbp.sms import contacts, spool
from hsbp.sms.inbound import Router, unrouted
from hsbp.sms.models import InboundMessage

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).parent / "gunicorn"
PATH = "/sms/twilio/inbound"
ACCOUNT_SID = "AC" + "0" * 31 + "7"
AUTH_TOKEN = "hsbp-bench-auth-token"  # the gunicorn under test only; no real account
SENDER = "+15005550006"
JOIN_CODE = "BENCH"
FREE_TEXT = "The trucks raise dust on the school road every morning, please tell the company"
POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/hsbp_bench_sms"


@dataclass
class Result:
    name: str
    sent: int
    completed: int
    errors: list[str]
    seconds: float
    latencies: list[float]
    warmup_errors: int = 0
    server_errors: dict[str, int] | None = None

    @property
    def rate(self) -> float:
        return self.completed / self.seconds

    def percentile(self, p: int) -> float:
        return statistics.quantiles(self.latencies, n=100, method="inclusive")[p - 1] * 1000


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def use_environment(settings: dict[str, str]) -> None:
    """Make this process's HSBP_* exactly `settings`: gunicorn inherits them, and the app this
    process builds to prepare the database reads the same configuration."""
    for name in [n for n in os.environ if n.startswith("HSBP_")]:
        del os.environ[name]
    os.environ.update(settings)


def sign_requests(public_url: str, first: int, count: int, joined: int) -> list:
    """`count` signed posts: even ones JOIN from a new number, odd ones free text from a
    joined contact. Numbers and MessageSids never repeat within a run."""
    validator = RequestValidator(AUTH_TOKEN)
    prepared = []
    for i in range(first, first + count):
        if i % 2 == 0:
            phone, body = f"+57310{i:07d}", f"JOIN {JOIN_CODE}"
        else:
            phone, body = f"+57311{(i // 2) % joined:07d}", FREE_TEXT
        params = {
            "MessageSid": f"SM{i:032x}",
            "AccountSid": ACCOUNT_SID,
            "From": phone,
            "To": SENDER,
            "Body": body,
            "NumMedia": "0",
        }
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Twilio-Signature": validator.compute_signature(public_url + PATH, params),
        }
        prepared.append((urlencode(params).encode(), headers))
    return prepared


def fire(name: str, port: int, prepared: list, concurrency: int, time_limit: float) -> Result:
    """Send `prepared` with `concurrency` connections; stop early after `time_limit` s."""
    latencies: list[float | None] = [None] * len(prepared)
    errors: list[str] = []
    order = itertools.count()
    lock = threading.Lock()
    deadline = time.monotonic() + time_limit

    def client() -> None:
        # gunicorn's sync workers close after each answer; http.client reconnects by itself.
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            while time.monotonic() < deadline:
                with lock:
                    i = next(order)
                if i >= len(prepared):
                    return
                body, headers = prepared[i]
                start = time.perf_counter()
                try:
                    connection.request("POST", PATH, body, headers)
                    response = connection.getresponse()
                    payload = response.read()
                except (OSError, http.client.HTTPException) as error:
                    connection.close()
                    errors.append(f"{type(error).__name__}: {error}")
                    continue
                latencies[i] = time.perf_counter() - start
                if (
                    response.status != 200
                    or not payload.startswith(b"<?xml")
                    or b"<Response" not in payload
                ):
                    errors.append(f"HTTP {response.status}: {payload[:100]!r}")
        finally:
            connection.close()

    threads = [threading.Thread(target=client, daemon=True) for _ in range(concurrency)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - start
    done = [t for t in latencies if t is not None]
    sent = min(next(order), len(prepared))
    return Result(name, sent, len(done), errors, seconds, done)


@contextmanager
def gunicorn(app_spec: str, port: int, workers: int, threads: int, folder: Path, extra: tuple = ()):
    """Serve `app_spec` with gunicorn on `port` until the block ends; always stopped."""
    log = folder / f"gunicorn-{port}.log"
    command = [
        str(GUNICORN),
        "--workers",
        str(workers),
        "--worker-class",
        "gthread" if threads > 1 else "sync",
        "--threads",
        str(threads),
        "--bind",
        f"127.0.0.1:{port}",
        "--error-logfile",
        str(log),
        *extra,
        *(
            ["--config", os.environ["BENCH_GUNICORN_CONFIG"]]
            if os.environ.get("BENCH_GUNICORN_CONFIG") and "hsbp" in app_spec
            else []
        ),
        app_spec,
    ]
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        env=os.environ.copy(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        wait_until_serving(port, process, log)
        yield log
    finally:
        stop(process)


def wait_until_serving(port: int, process: subprocess.Popen, log: Path, timeout=60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}:\n{tail(log)}")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", PATH)
            status = connection.getresponse().status
            connection.close()
        except OSError:
            time.sleep(0.2)
            continue
        if status == 405:  # the route exists and only takes POST: the app is loaded
            return
        raise RuntimeError(f"gunicorn answered GET {PATH} with {status}:\n{tail(log)}")
    raise RuntimeError(f"gunicorn did not serve within {timeout:.0f} s:\n{tail(log)}")


def stop(process: subprocess.Popen) -> None:
    """TERM (gunicorn's graceful stop), then KILL the process group it leads if it lingers."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def tail(log: Path, lines: int = 30) -> str:
    if not log.exists():
        return "(no log)"
    return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])


def prepare_database(url: str, joined: int) -> None:
    """Migrate, then one partnership with a sender, a join code and `joined` contacts."""
    if url.startswith("postgresql"):
        recreate_postgres_database(url)
    migrate.upgrade(url)
    app = create_app()
    with app.app_context():
        session = db.session()
        partnership = Partnership(
            name="Bench SMS", country="CO", default_locale="en", locales=["en"], timezone="UTC"
        )
        session.add(partnership)
        session.flush()
        contacts.configure_sender(
            session, partnership_id=partnership.id, sender=SENDER, join_code=JOIN_CODE
        )
        for n in range(joined):
            contact = contacts.get_or_create_contact(session, f"+57311{n:07d}")
            contact.locale = "en"
            contacts.join(session, contact=contact, partnership_id=partnership.id, channel="web")
        db.finish(commit=True)
    db.database(app).engine.dispose()


def stored_messages() -> tuple[int, dict[str, int], int]:
    """Rows stored by the webhook, by route, and messages left in the spool."""
    app = create_app()
    with app.app_context():
        session = db.session()
        count = session.scalar(select(func.count()).select_from(InboundMessage))
        routes = dict(
            session.execute(
                select(InboundMessage.route, func.count()).group_by(InboundMessage.route)
            ).all()
        )
        db.finish(commit=False)
    db.database(app).engine.dispose()
    return count, routes, len(spool.pending(app))


def route_everything() -> tuple[int, float]:
    """Run the worker's router in this process until every stored message is routed:
    how many it routed and how long it took."""
    app = create_app()
    router = Router(app)
    start = time.perf_counter()
    routed = 0
    while True:
        batch = len(unrouted(app))
        if not batch or not router.work_once():
            break
        routed += batch
    seconds = time.perf_counter() - start
    db.database(app).engine.dispose()
    db.database(app).intake_engine.dispose()
    return routed, seconds


def run_target(name, app_spec, port, args, folder, *, extra=(), first=0) -> Result:
    public_url = f"http://127.0.0.1:{port}"
    os.environ["HSBP_PUBLIC_URL"] = public_url
    warm = sign_requests(public_url, first, args.warmup, args.joined)
    measured = sign_requests(public_url, first + args.warmup, args.requests, args.joined)
    with gunicorn(app_spec, port, args.workers, args.threads, folder, extra) as log:
        warm_result = fire(name, port, warm, args.concurrency, args.time_limit)
        if len(warm_result.errors) == len(warm):
            raise RuntimeError(f"{name}: every warm-up request failed: {warm_result.errors[:3]}")
        result = fire(name, port, measured, args.concurrency, args.time_limit)
    result.warmup_errors = len(warm_result.errors)
    result.server_errors = server_errors(log)
    return result


def server_errors(log: Path) -> dict[str, int]:
    """The exceptions gunicorn's workers logged, by their last line and SQL statement."""
    counts: dict[str, int] = {}
    lines = log.read_text(errors="replace").splitlines() if log.exists() else []
    for n, line in enumerate(lines):
        first_word = line.split(" ")[0]
        # The driver's own exception (sqlite3..., psycopg...) is logged again, wrapped by
        # SQLAlchemy: count the wrapper only.
        if line.startswith("sqlalchemy.exc.") or (
            first_word.endswith("Error:") and not first_word.startswith(("sqlite3.", "psycopg."))
        ):
            sql = next((s for s in lines[n + 1 : n + 3] if s.startswith("[SQL:")), "")
            key = f"{line[:120]} {sql[:80]}".strip()
            counts[key] = counts.get(key, 0) + 1
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=2000, help="measured requests")
    parser.add_argument("--warmup", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument(
        "--threads", type=int, default=1, help="threads per worker (gthread when over 1)"
    )
    parser.add_argument("--time-limit", type=float, default=60.0, help="seconds per phase")
    parser.add_argument("--joined", type=int, default=500, help="contacts joined beforehand")
    parser.add_argument("--database-url", default=POSTGRES_URL, help="the PostgreSQL row")
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument(
        "--durable",
        action="store_true",
        help="also measure with HSBP_SMS_DURABLE_INTAKE=true (every commit waits for the disk)",
    )
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="hsbp-bench-sms-"))
    saved = {n: v for n, v in os.environ.items() if n.startswith("HSBP_")}
    load = os.getloadavg()[0]
    databases = [("sqlite", f"sqlite:///{folder / 'bench.sqlite3'}")]
    if not args.no_postgres:
        databases.append(("postgres", args.database_url))
    targets = [(label, url, False) for label, url in databases]
    if args.durable:
        targets += [
            (f"{label} durable", url.replace(".sqlite3", "-durable.sqlite3"), True)
            for label, url in databases
        ]
    results: list[tuple[Result, tuple]] = []
    routing: list[tuple[str, int, float]] = []
    try:
        extra = ("--pythonpath", str(ROOT / "bench"))
        bare = run_target("bare Flask", "bare_app:app", free_port(), args, folder, extra=extra)
        results.append((bare, ()))
        for label, url, durable in targets:
            instance = folder / label.replace(" ", "-")
            use_environment(
                {
                    "HSBP_ENV": "production",
                    # No mail server here: e-mails (none are sent) would go to the log.
                    "HSBP_MAIL_LOG": "1",
                    "HSBP_SECRET_KEY": "bench-secret-key",
                    "HSBP_FIELD_KEY": Fernet.generate_key().decode(),
                    "HSBP_DATABASE_URL": url,
                    "HSBP_QUEUE_URL": f"sqlite:///{folder / f'queue-{label}.sqlite3'}",
                    "HSBP_INSTANCE_PATH": str(instance),
                    "HSBP_SMS_SPOOL_DIR": str(instance / "sms-spool"),
                    "HSBP_TWILIO_ACCOUNT_SID": ACCOUNT_SID,
                    "HSBP_TWILIO_AUTH_TOKEN": AUTH_TOKEN,
                    "HSBP_PUBLIC_URL": "http://127.0.0.1",
                    "HSBP_SMS_DURABLE_INTAKE": "true" if durable else "false",
                }
            )
            prepare_database(url, args.joined)
            result = run_target(f"webhook {label}", "hsbp:create_app()", free_port(), args, folder)
            results.append((result, stored_messages()))
            if not durable:
                routing.append((label, *route_everything()))
    finally:
        use_environment(saved)
        shutil.rmtree(folder, ignore_errors=True)
        if not args.no_postgres:
            try:
                recreate_postgres_database(args.database_url, create=False)
            except Exception as error:  # the database may never have been reached
                print(f"could not drop {args.database_url}: {error}")

    print(
        f"{os.cpu_count()} cores (shared with the load generator); 1-min load average "
        f"before/after {load:.2f}/{os.getloadavg()[0]:.2f}; gunicorn {args.workers} workers"
        f" ({'sync' if args.threads == 1 else f'gthread x {args.threads}'});"
        f" {args.requests} requests at concurrency {args.concurrency} after {args.warmup} warm-up"
    )
    header = ("req/s", "p50 ms", "p95 ms", "max ms", "errors", "warm-up", "vs bare")
    print(f"{'target':<18}" + "".join(f"{h:>9}" for h in header) + "   stored rows")
    for result, stored in results:
        ratio = result.rate / bare.rate
        row = (
            f"{result.rate:9.0f}{result.percentile(50):9.1f}{result.percentile(95):9.1f}"
            f"{max(result.latencies) * 1000:9.1f}{len(result.errors):9d}{result.warmup_errors:9d}"
            f"{ratio:9.2f}"
        )
        note = ""
        if stored:
            count, routes, spooled = stored
            expected = args.warmup + args.requests
            routes_text = ", ".join(f"{k or 'unrouted'} {v}" for k, v in sorted(routes.items()))
            note = f"   {count}/{expected} ({routes_text}; spooled {spooled})"
        if result.sent < args.requests:
            note += f"   stopped by the time limit after {result.sent}"
        print(f"{result.name:<18}{row}{note}")
    for label, routed, seconds in routing:
        print(
            f"router on {label}: {routed} stored messages routed in {seconds:.1f} s, "
            f"{routed / seconds:.0f} msg/s (one thread; replies handed to the queue)"
        )
    for result, _stored in results:
        for line, count in (result.server_errors or {}).items():
            print(f"  {result.name} server log, {count} x {line}")
    for result, _stored in results[1:]:
        ratio = result.rate / bare.rate
        verdict = "met" if ratio >= 0.5 else "NOT met"
        print(f"target webhook >= 0.5 x bare throughput, {result.name}: {ratio:.2f} ({verdict})")


if __name__ == "__main__":
    main()
