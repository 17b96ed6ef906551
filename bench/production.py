"""Benchmark: the production layout under a mixed load, beside the demo layout under the same
load in the same run.

    .venv/bin/python bench/production.py
    .venv/bin/python bench/production.py --numbers 100 --no-demo      # a quick look

Production layout (deploy/smoke_layout.py, as deploy/smoke starts it): PostgreSQL, Redis, two
gunicorns (3 sync workers each) behind nginx over HTTPS, two `hsbp worker` processes, the fake
Twilio. Demo layout: `hsbp demo` alone (SQLite, Werkzeug's threaded server, the queue and the
SMS router in threads of the same process, no nginx), pointed at the same kind of fake.

The load, the same on both: 6 facilitators sign in and fetch pages of the demo partnership in
a loop (dashboard, SMS inbox, contacts, actions, grievances, monitoring), alone for 8 s, then
while 300 numbers each send four signed messages to the webhook, in order (JOIN DEMO, then
three texts for the inbox), 12 numbers at a time. It reports page p50/p95 alone and under the
SMS load, webhook p50/p95, errors (an answer other than 200, or no answer), how long the burst
took, and the time from the end of the burst until every number is answered: each has its
replies at the fake Twilio, nothing is left unrouted and no reply is left queued or sending.
Replies sent twice to one number are counted.

Target: no error, and every number answered within 30 s of the burst's end with two workers.
The sending rate is capped per sender in each worker (HSBP_SMS_RATE_PER_SECOND, 10 by
default), so the replies alone need replies / (10 x workers) seconds: printed as the floor.

Run by hand as root (PostgreSQL runs as its own user), with nginx, PostgreSQL's server and
redis-server installed; never collected by pytest. Everything it starts is stopped at the end.
"""

from __future__ import annotations

import argparse
import collections
import os
import re
import shutil
import statistics
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import requests
from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "deploy"))

from smoke_layout import (  # noqa: E402  (deploy/ is put on the path just above)
    FACILITATOR,
    HOST,
    INBOUND,
    JOIN_CODE,
    Layout,
    Processes,
    clean_environment,
    client,
    free_ports,
    http_ok,
    missing_programs,
    partnership_of,
    say,
    signed_sms,
    wait_until,
)

TEXTS = (
    "The trucks raise dust on the school road every morning",
    "Water from the river smells since the new pipe",
    "Thank you for the meeting in the vereda",
)
PAGES = ("", "sms", "sms/contacts", "actions", "grievances", "monitoring")
ANSWER_LIMIT = 180.0  # give up waiting for the replies after this long
IDLE_SECONDS = 8.0


@dataclass
class Result:
    name: str
    pages: list[float] = field(default_factory=list)  # while the SMS load runs
    idle_pages: list[float] = field(default_factory=list)  # before it starts
    webhooks: list[float] = field(default_factory=list)
    errors: collections.Counter = field(default_factory=collections.Counter)
    burst_seconds: float = 0.0
    answered_after: float | None = None
    numbers: int = 0
    stored: int = 0
    replies: int = 0
    doubled: int = 0
    failed_sends: int = 0
    workers: int = 1


def percentile(values: list[float], p: int) -> str:
    if len(values) < 2:
        return "-"
    return f"{statistics.quantiles(values, n=100, method='inclusive')[p - 1] * 1000:.0f}"


class DemoLayout:
    """`hsbp demo` on a free port, its SMS to a fake Twilio of its own started beside it."""

    def __init__(self, folder: Path, bin_dir: Path):
        self.folder = folder
        self.bin = bin_dir
        self.processes = Processes(folder)
        web, fake = free_ports(2)
        self.public_url = f"http://{HOST}:{web}"
        self.fake_url = f"http://{HOST}:{fake}"
        self.port, self.fake_port = web, fake
        self.database_url = f"sqlite:///{folder / 'instance' / 'hsbp.sqlite3'}"
        self.verify = True

    def start(self) -> None:
        env = clean_environment(self.folder)
        self.processes.spawn(
            "fake-twilio",
            [self.bin / "hsbp", "fake-twilio", "--host", HOST, "--port", self.fake_port],
            env=env,
        )
        wait_until("fake Twilio", lambda: http_ok(self.fake_url + "/_fake/messages"))
        env.update(
            HSBP_INSTANCE_PATH=str(self.folder / "instance"),
            HSBP_TWILIO_API_BASE=self.fake_url,
        )
        self.processes.spawn(
            "demo", [self.bin / "hsbp", "demo", "--host", HOST, "--port", self.port], env=env
        )
        wait_until("hsbp demo", lambda: http_ok(self.public_url + "/login"), timeout=120)

    def stop(self) -> None:
        self.processes.stop_all(["demo", "fake-twilio"])

    def fake_messages(self) -> list[dict]:
        return client().get(self.fake_url + "/_fake/messages", timeout=10).json()["messages"]


class MixedLoad:
    def __init__(self, layout, result: Result, args):
        self.layout = layout
        self.result = result
        self.args = args
        self.base = layout.public_url
        self.verify = str(layout.ca) if isinstance(layout, Layout) else True
        self.stop = threading.Event()
        self.loaded = threading.Event()  # set when the first message is posted
        self.lock = threading.Lock()
        self.tag = uuid.uuid4().hex[:8]
        # Colombian mobile numbers in a block the demo's own contacts do not use.
        self.numbers = [f"+573119{n:06d}" for n in range(1, args.numbers + 1)]

    def error(self, what: str) -> None:
        with self.lock:
            self.result.errors[what] += 1

    # -- facilitators ---------------------------------------------------------------------

    def sign_in(self) -> tuple[requests.Session, str]:
        web = client(self.verify)
        form = web.get(self.base + "/login", timeout=30).text
        token = re.search(r'<input[^>]*name="csrf_token"[^>]*value="([^"]+)"', form).group(1)
        email, password = FACILITATOR
        answer = web.post(
            self.base + "/login",
            data={"csrf_token": token, "email": email, "password": password},
            headers={"Referer": self.base + "/login"},
            timeout=30,
            allow_redirects=False,
        )
        if answer.status_code != 302:
            raise RuntimeError(f"sign-in refused: {answer.status_code}")
        return web, partnership_of(web, self.base)

    def browse(self, web: requests.Session, pid: str) -> None:
        index = 0
        while not self.stop.is_set():
            path = f"/p/{pid}/{PAGES[index % len(PAGES)]}"
            index += 1
            began = time.perf_counter()
            try:
                answer = web.get(self.base + path, timeout=60, allow_redirects=False)
            except requests.RequestException as error:
                self.error(f"page {type(error).__name__}")
                continue
            took = time.perf_counter() - began
            if answer.status_code != 200:
                self.error(f"page {answer.status_code}")
                continue
            with self.lock:
                (self.result.pages if self.loaded.is_set() else self.result.idle_pages).append(took)

    # -- Twilio ---------------------------------------------------------------------------

    def post(self, session: requests.Session, number: str, body: str, sequence: int) -> None:
        params, headers = signed_sms(
            self.base, sid=f"SM{self.tag}{sequence:024x}", number=number, body=body
        )
        began = time.perf_counter()
        try:
            answer = session.post(self.base + INBOUND, data=params, headers=headers, timeout=60)
        except requests.RequestException as error:
            self.error(f"webhook {type(error).__name__}")
            return
        took = time.perf_counter() - began
        if answer.status_code != 200:
            self.error(f"webhook {answer.status_code}")
            return
        with self.lock:
            self.result.webhooks.append(took)

    def conversation(self, index: int) -> None:
        """One number's four messages, in the order a person writes them."""
        session = client(self.verify)
        number = self.numbers[index]
        for turn, body in enumerate((f"JOIN {JOIN_CODE}", *TEXTS)):
            self.post(session, number, body, index * 4 + turn)

    # -- the run --------------------------------------------------------------------------

    def run(self) -> None:
        facilitators = [self.sign_in() for _ in range(self.args.facilitators)]
        browsers = [
            threading.Thread(target=self.browse, args=facilitator, daemon=True)
            for facilitator in facilitators
        ]
        for browser in browsers:
            browser.start()
        time.sleep(IDLE_SECONDS)  # pages alone first: the baseline of the same layout
        self.loaded.set()
        began = time.monotonic()
        with ThreadPoolExecutor(self.args.concurrency) as pool:
            list(pool.map(self.conversation, range(len(self.numbers))))
        ended = time.monotonic()
        self.result.burst_seconds = ended - began
        self.result.numbers = len(self.numbers)
        say(f"{self.result.name}: burst of {4 * len(self.numbers)} posts in {ended - began:.1f} s")
        self.result.answered_after = self.await_answers(ended)
        self.stop.set()
        for browser in browsers:
            browser.join(70)
        self.count_outcome()

    def await_answers(self, since: float) -> float | None:
        engine = create_engine(self.layout.database_url)
        try:
            while time.monotonic() - since < ANSWER_LIMIT:
                replies = collections.Counter(m["to"] for m in self.layout.fake_messages())
                if all(replies[n] for n in self.numbers) and self.settled(engine):
                    took = time.monotonic() - since
                    say(f"{self.result.name}: every number answered {took:.1f} s after the burst")
                    return took
                time.sleep(0.5)
        finally:
            engine.dispose()
        say(f"{self.result.name}: NOT every number answered {ANSWER_LIMIT:.0f} s after the burst")
        return None

    @staticmethod
    def settled(engine) -> bool:
        with engine.connect() as connection:
            unrouted = connection.scalar(text("SELECT count(*) FROM sms_inbound WHERE route = ''"))
            unsent = connection.scalar(
                text("SELECT count(*) FROM sms_outbound WHERE status IN ('queued', 'sending')")
            )
        return unrouted == 0 and unsent == 0

    def count_outcome(self) -> None:
        ours = set(self.numbers)
        sent = [(m["to"], m["body"]) for m in self.layout.fake_messages() if m["to"] in ours]
        self.result.replies = len(sent)
        self.result.doubled = sum(n - 1 for n in collections.Counter(sent).values() if n > 1)
        engine = create_engine(self.layout.database_url)
        with engine.connect() as connection:
            self.result.stored = connection.scalar(
                text("SELECT count(*) FROM sms_inbound WHERE provider_sid LIKE :tag"),
                {"tag": f"SM{self.tag}%"},
            )
            self.result.failed_sends = connection.scalar(
                text("SELECT count(*) FROM sms_outbound WHERE status = 'failed'")
            )
        engine.dispose()


def report(results: list[Result], args) -> None:
    def row(label: str, cell) -> None:
        print(f"{label:<40}" + "".join(f"{cell(r):>26}" for r in results))

    print()
    row("", lambda r: r.name)
    row(
        "pages alone: p50 / p95 (ms)",
        lambda r: f"{percentile(r.idle_pages, 50)} / {percentile(r.idle_pages, 95)}",
    )
    row("pages under SMS load: fetched", lambda r: str(len(r.pages)))
    row(
        "pages under SMS load: p50 / p95 (ms)",
        lambda r: f"{percentile(r.pages, 50)} / {percentile(r.pages, 95)}",
    )
    row(
        "webhook p50 / p95 (ms)",
        lambda r: f"{percentile(r.webhooks, 50)} / {percentile(r.webhooks, 95)}",
    )
    row("burst (s)", lambda r: f"{r.burst_seconds:.1f} ({4 * r.numbers} posts)")
    row("errors", lambda r: str(sum(r.errors.values())))
    row("messages stored", lambda r: f"{r.stored} of {4 * r.numbers}")
    row("replies at the fake Twilio", lambda r: str(r.replies))
    row("replies sent twice", lambda r: str(r.doubled))
    row("sends failed", lambda r: str(r.failed_sends))
    row(
        "send-rate floor (s)",
        lambda r: f"{r.replies / (args.sms_rate * r.workers):.1f}",
    )
    row(
        "all answered after the burst (s)",
        lambda r: f"{r.answered_after:.1f}" if r.answered_after is not None else "not all",
    )
    for result in results:
        for what, count in result.errors.most_common():
            print(f"  {result.name}: {count} x {what}")
    ok = all(
        not r.errors and r.answered_after is not None and r.answered_after <= 30 and not r.doubled
        for r in results[:1]
    )
    print(f"\ntarget (production: no error, all answered within 30 s): {'met' if ok else 'MISSED'}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--numbers", type=int, default=300)
    parser.add_argument("--facilitators", type=int, default=6)
    parser.add_argument("--concurrency", type=int, default=12, help="numbers writing at once")
    parser.add_argument("--web-workers", type=int, default=3, help="per gunicorn")
    parser.add_argument("--workers", type=int, default=2, help="hsbp worker processes")
    parser.add_argument("--sms-rate", type=float, default=10.0, help="HSBP_SMS_RATE_PER_SECOND")
    parser.add_argument("--no-demo", action="store_true", help="the production layout only")
    parser.add_argument("--keep", action="store_true", help="keep the folder with the logs")
    args = parser.parse_args()
    missing = missing_programs()
    if missing:
        print("needs: " + "; ".join(missing), file=sys.stderr)
        return 1
    bin_dir = Path(sys.executable).parent
    load = os.getloadavg()[0]
    results = []
    folder = Path(tempfile.mkdtemp(prefix="hsbp-bench-production-"))
    folder.chmod(0o711)  # PostgreSQL, run as its own user, passes through to its data
    kept = False
    try:
        layout = Layout(
            folder / "production",
            bin_dir,
            web_processes=2,
            web_workers=args.web_workers,
            workers=args.workers,
            sms_rate=args.sms_rate,
        )
        result = Result(f"production ({args.workers} workers)", workers=args.workers)
        try:
            layout.start()
            MixedLoad(layout, result, args).run()
        finally:
            layout.stop()
        results.append(result)
        if not args.no_demo:
            demo = DemoLayout(folder / "demo", bin_dir)
            result = Result("demo (one process)")
            try:
                demo.start()
                say("demo layout up")
                MixedLoad(demo, result, args).run()
            finally:
                demo.stop()
            results.append(result)
    except BaseException:
        kept = True
        raise
    finally:
        if kept or args.keep:
            print(f"logs in {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)
    print(
        f"\n{os.cpu_count()} cores (shared with the load generator); 1-min load average "
        f"before/after {load:.2f}/{os.getloadavg()[0]:.2f}; {args.numbers} numbers x 4 "
        f"messages, {args.concurrency} at a time; {args.facilitators} facilitators browsing; "
        f"HSBP_SMS_RATE_PER_SECOND={args.sms_rate:g}"
    )
    report(results, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
