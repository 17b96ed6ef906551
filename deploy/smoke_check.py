"""The deploy smoke's proof: start the production layout (deploy/smoke_layout.py) and use it as
a facilitator and as Twilio would, through nginx over HTTPS, then break it (a worker killed,
PostgreSQL stopped, Redis restarted) in the middle of bursts of inbound SMS and check that
every number gets its replies exactly once within 30 s of the recovery.

Run by deploy/smoke with the Python of the virtualenv the fresh wheel was installed in:
    python deploy/smoke_check.py --folder DIR --bin-dir VENV/bin
Exit status 0 when everything held, 1 otherwise (with the tails of every log).
"""

from __future__ import annotations

import argparse
import base64
import collections
import hashlib
import hmac
import re
import signal
import struct
import sys
import threading
import time
import traceback
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests
from smoke_layout import (
    FACILITATOR,
    INBOUND,
    JOIN_CODE,
    Layout,
    client,
    missing_programs,
    partnership_of,
    say,
    signed_sms,
)

# A new number's JOIN to the demo's partnership is answered twice: the welcome and, as the
# partnership speaks two languages, the question which one.
REPLIES_PER_JOIN = 2
RECOVERY_SECONDS = 30.0  # every reply within this long after the layout is whole again
SETTLE_SECONDS = 3.0  # then this long without a second copy of any of them
POSTGRES_DOWN_SECONDS = 10.0
CONCURRENCY = 8
ERROR_MARKERS = ("Internal Server Error", "Traceback (most recent call last)")


def totp(key: str, at: float | None = None) -> str:
    """The 6-digit code of RFC 6238 (SHA-1, 30 s) for a base32 `key`, as an app shows it."""
    counter = int((time.time() if at is None else at) // 30)
    digest = hmac.new(base64.b32decode(key), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{number % 1_000_000:06d}"


class SmokeFailure(AssertionError):
    """A check that did not hold; the message says what was expected and what came."""


class Smoke:
    def __init__(self, layout: Layout):
        self.layout = layout
        self.base = layout.public_url
        self.next_number = 0
        self.failures: list[str] = []
        self.notes: list[str] = []
        self.all_numbers: set[str] = set()
        self.local = threading.local()

    # -- helpers ------------------------------------------------------------------------

    @property
    def verify(self) -> str:
        """The test CA that signed nginx's certificate (made when the layout starts)."""
        return str(self.layout.ca)

    def session(self) -> requests.Session:
        """One keep-alive connection to nginx per sending thread, as Twilio keeps its own."""
        if not hasattr(self.local, "session"):
            self.local.session = client(self.verify)
        return self.local.session

    def numbers(self, count: int) -> list[str]:
        first, self.next_number = self.next_number, self.next_number + count
        # Colombian mobile numbers in a block the demo's own contacts do not use.
        made = [f"+573109{n:06d}" for n in range(first + 1, first + count + 1)]
        self.all_numbers.update(made)
        return made

    def post_sms(self, number: str, body: str) -> int:
        params, headers = signed_sms(
            self.base, sid=f"SM{uuid.uuid4().hex}", number=number, body=body
        )
        try:
            response = self.session().post(
                self.base + INBOUND, data=params, headers=headers, timeout=30
            )
        except requests.RequestException as error:
            self.failures.append(f"webhook post from {number} raised {error!r}")
            return 0
        if response.status_code != 200:
            self.failures.append(f"webhook answered {response.status_code} for {number}")
        return response.status_code

    def send_joins(self, numbers: list[str], *, spread: float = 0.0) -> None:
        """JOIN from each number, CONCURRENTLY at a time; `spread` s in all when asked."""
        pause = spread / max(len(numbers), 1)

        def one(number: str) -> None:
            self.post_sms(number, f"JOIN {JOIN_CODE}")
            if pause:
                time.sleep(pause * CONCURRENCY)

        with ThreadPoolExecutor(CONCURRENCY) as pool:
            list(pool.map(one, numbers))

    def replies(self) -> collections.Counter:
        counts: collections.Counter = collections.Counter()
        for message in self.layout.fake_messages():
            counts[message["to"]] += 1
        return counts

    def await_replies(self, phase: str, numbers: list[str], since: float) -> None:
        """Every number answered REPLIES_PER_JOIN times within RECOVERY_SECONDS of `since`,
        and still that many once SETTLE_SECONDS have passed."""
        deadline = since + RECOVERY_SECONDS
        while True:
            counts = self.replies()
            short = [n for n in numbers if counts[n] < REPLIES_PER_JOIN]
            if not short or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        took = time.monotonic() - since
        if short:
            try:
                outbox = self.layout.outbox()
            except Exception as error:  # the database itself may be what failed
                outbox = f"unreadable ({type(error).__name__})"
            self.failures.append(
                f"{phase}: {len(short)} of {len(numbers)} numbers not answered within "
                f"{RECOVERY_SECONDS:.0f} s (e.g. {short[0]} got {counts[short[0]]} of "
                f"{REPLIES_PER_JOIN} replies); outbox: {outbox}"
            )
            say(f"{phase}: FAILED, {len(short)} of {len(numbers)} numbers still waiting")
            return
        time.sleep(SETTLE_SECONDS)
        counts = self.replies()
        doubled = [n for n in numbers if counts[n] > REPLIES_PER_JOIN]
        if doubled:
            self.failures.append(
                f"{phase}: {len(doubled)} numbers got a reply twice (e.g. {doubled[0]}: "
                f"{counts[doubled[0]]} replies, {REPLIES_PER_JOIN} expected)"
            )
        say(
            f"{phase}: all {len(numbers)} numbers answered {took:.1f} s after "
            f"{'the recovery' if phase != 'steady burst' else 'the burst'}"
            + (f"; {len(doubled)} DOUBLED" if doubled else ", each exactly once")
        )

    def get(self, session: requests.Session, path: str, expect: int = 200) -> requests.Response:
        response = session.get(self.base + path, timeout=30, allow_redirects=False)
        if response.status_code != expect:
            raise SmokeFailure(f"GET {path}: {response.status_code}, expected {expect}")
        if any(marker in response.text for marker in ERROR_MARKERS):
            raise SmokeFailure(f"GET {path}: the page shows an error")
        return response

    # -- the phases ---------------------------------------------------------------------

    def run(self) -> None:
        self.check_tls_and_pages()
        self.check_probes()
        self.steady_burst()
        self.worker_killed()
        self.postgres_stopped()
        self.redis_restarted()
        self.nothing_doubled_at_the_end()

    def set_up_second_factor(self, web) -> None:
        """In production a facilitator must have a second factor: the first page after
        signing in is its set-up, which takes a code computed here from the key it shows."""
        landing = web.get(self.base + "/partnerships", timeout=30, allow_redirects=False)
        if "/account/two-factor" not in landing.headers.get("Location", ""):
            raise SmokeFailure(f"no second factor asked of a facilitator: {landing.status_code}")
        page = self.get(web, "/account/two-factor").text
        key = re.search(r'<code id="totp-secret">([A-Z2-7 ]+)</code>', page)
        token = re.search(r'<input[^>]*name="csrf_token"[^>]*value="([^"]+)"', page)
        if key is None or token is None:
            raise SmokeFailure("the second factor's set-up page shows no key or no CSRF token")
        confirmed = web.post(
            self.base + "/account/two-factor",
            data={"csrf_token": token.group(1), "code": totp(key.group(1).replace(" ", ""))},
            headers={"Referer": self.base + "/account/two-factor"},
            timeout=30,
            allow_redirects=False,
        )
        if confirmed.status_code != 200 or 'class="recovery-codes"' not in confirmed.text:
            raise SmokeFailure(f"the second factor was not set up: {confirmed.status_code}")

    def check_tls_and_pages(self) -> None:
        plain = client().get(
            f"http://127.0.0.1:{self.layout.http_port}/login", timeout=10, allow_redirects=False
        )
        if plain.status_code != 301 or not plain.headers.get("Location", "").startswith("https:"):
            raise SmokeFailure(f"HTTP is not sent to HTTPS: {plain.status_code} {plain.headers}")
        web = client(self.verify)
        form = self.get(web, "/login").text
        token = re.search(r'<input[^>]*name="csrf_token"[^>]*value="([^"]+)"', form)
        if token is None:
            raise SmokeFailure("the sign-in form has no CSRF token")
        email, password = FACILITATOR
        signed_in = web.post(
            self.base + "/login",
            data={"csrf_token": token.group(1), "email": email, "password": password},
            # Flask-WTF compares the Referer with the host of every HTTPS form post.
            headers={"Referer": self.base + "/login"},
            timeout=30,
            allow_redirects=False,
        )
        if signed_in.status_code != 302 or "/login" in signed_in.headers.get("Location", ""):
            raise SmokeFailure(f"sign-in refused: {signed_in.status_code}")
        cookie = signed_in.headers.get("Set-Cookie", "")
        if "Secure" not in cookie:
            raise SmokeFailure(f"the session cookie is not Secure behind HTTPS: {cookie}")
        self.set_up_second_factor(web)
        pid = partnership_of(web, self.base)
        pages = [f"/p/{pid}/", f"/p/{pid}/sms", f"/p/{pid}/sms/contacts", f"/p/{pid}/actions"]
        for path in pages:
            page = self.get(web, path)
        if "max-age" not in page.headers.get("Strict-Transport-Security", ""):
            raise SmokeFailure("pages behind HTTPS carry no Strict-Transport-Security")
        say(f"signed in as the facilitator over HTTPS; {', '.join(pages)}: 200")

    def check_probes(self) -> None:
        """/healthz, /readyz (JSON) and /metrics (a Bearer token) through nginx; a probe this
        version does not have yet (404) is noted and skipped."""
        session = client(self.verify)
        seen = []
        bearer = {"Authorization": f"Bearer {self.layout.metrics_token}"}
        for path, headers, wanted in (
            ("/healthz", {}, 200),
            ("/readyz", {}, 200),
            ("/metrics", {}, 401),
            ("/metrics", bearer, 200),
        ):
            response = session.get(self.base + path, headers=headers, timeout=10)
            label = f"{path}{' with the token' if headers else ''}"
            seen.append(f"{label} {response.status_code}")
            if response.status_code == 404:
                self.notes.append(f"{label} answers 404: not in this version, skipped")
            elif response.status_code != wanted:
                self.failures.append(f"{label}: {response.status_code}, expected {wanted}")
            elif path == "/readyz" and "database" not in response.json():
                self.failures.append(f"/readyz says nothing of the database: {response.text}")
            elif headers and "hsbp_" not in response.text:
                self.failures.append("/metrics with the token shows no hsbp_ figure")
        say("probes through nginx: " + ", ".join(seen))

    def steady_burst(self) -> None:
        numbers = self.numbers(50)
        start = time.monotonic()
        self.send_joins(numbers)
        end = time.monotonic()
        say(f"steady burst: 50 signed JOINs through nginx in {end - start:.1f} s")
        self.await_replies("steady burst", numbers, end)

    def worker_killed(self) -> None:
        numbers = self.numbers(50)
        self.send_joins(numbers[:20])
        self.wait_for_sends(numbers[:20])
        self.layout.kill_worker(0)
        say("worker 0 killed with SIGKILL while it was sending")
        self.send_joins(numbers[20:])
        time.sleep(1.0)
        self.layout.start_worker(0)
        recovered = time.monotonic()
        say("worker 0 started again")
        self.await_replies("worker killed", numbers, recovered)

    def postgres_stopped(self) -> None:
        numbers = self.numbers(50)
        self.send_joins(numbers[:15])
        self.layout.stop_postgres()
        down = time.monotonic()
        say("PostgreSQL stopped mid-burst")
        self.check_not_ready()
        self.send_joins(numbers[15:35], spread=POSTGRES_DOWN_SECONDS / 2)
        time.sleep(max(0.0, down + POSTGRES_DOWN_SECONDS - time.monotonic()))
        self.layout.start_postgres()
        recovered = time.monotonic()
        say(f"PostgreSQL started again after {recovered - down:.1f} s")
        self.send_joins(numbers[35:])
        self.await_replies("PostgreSQL stopped", numbers, recovered)

    def redis_restarted(self) -> None:
        numbers = self.numbers(50)
        self.send_joins(numbers[:20])
        self.wait_for_sends(numbers[:20], at_least=1)
        self.layout.restart_redis()
        recovered = time.monotonic()
        say("Redis restarted mid-burst")
        self.send_joins(numbers[20:])
        self.await_replies("Redis restarted", numbers, recovered)

    def nothing_doubled_at_the_end(self) -> None:
        counts = self.replies()
        doubled = sorted(n for n in self.all_numbers if counts[n] > REPLIES_PER_JOIN)
        if doubled:
            self.failures.append(f"at the end, {len(doubled)} numbers hold a doubled reply")

    def wait_for_sends(self, numbers: list[str], at_least: int = 2, timeout: float = 15) -> None:
        """Until `at_least` replies reached the fake Twilio: the workers are busy sending."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if sum(self.replies()[n] for n in numbers) >= at_least:
                return
            time.sleep(0.1)

    def check_not_ready(self) -> None:
        response = client(self.verify).get(self.base + "/readyz", timeout=10)
        if response.status_code == 404:
            return
        if response.status_code != 503:
            self.failures.append(
                f"/readyz answered {response.status_code} with PostgreSQL down, expected 503"
            )


def stop_on_signals() -> None:
    """SIGTERM and SIGHUP end the run like Ctrl-C: through the clean-up, not around it."""

    def interrupted(signum, _frame):
        raise KeyboardInterrupt(signal.Signals(signum).name)

    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, interrupted)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folder", type=Path, required=True, help="an empty folder to work in")
    parser.add_argument("--bin-dir", type=Path, required=True, help="the venv's bin folder")
    args = parser.parse_args(argv)
    missing = missing_programs()
    if missing:
        print("deploy smoke needs: " + "; ".join(missing), file=sys.stderr)
        return 1
    stop_on_signals()
    layout = Layout(args.folder, args.bin_dir, web_processes=2, web_workers=2, workers=2)
    smoke = Smoke(layout)
    outcome = 1
    try:
        layout.start()
        smoke.run()
        outcome = 0 if not smoke.failures else 1
    except KeyboardInterrupt:
        say("interrupted")
        outcome = 130
    except SmokeFailure as error:
        smoke.failures.append(str(error))
    except Exception:  # a fault of any kind is reported, with the logs below
        smoke.failures.append(traceback.format_exc())
    finally:
        say("stopping the layout")
        layout.stop()
    for note in smoke.notes:
        say(f"note: {note}")
    if outcome == 0:
        say("deploy smoke passed")
        return 0
    if smoke.failures:
        print("\n".join(["", "deploy smoke FAILED:", *(f"  - {f}" for f in smoke.failures)]))
    print("\n" + layout.processes.tails(), flush=True)
    print(f"\nlogs: {layout.processes.logs}", flush=True)
    return outcome


if __name__ == "__main__":
    sys.exit(main())
