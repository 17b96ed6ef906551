"""Run the fake Twilio: its HTTP server in a thread (tests, demo) or in the foreground (CLI),
and the worker that plays Twilio's delivery status callbacks."""

from __future__ import annotations

import heapq
import ipaddress
import itertools
import logging
import threading
import time
from dataclasses import dataclass, replace
from typing import Any

import requests
from twilio.request_validator import RequestValidator
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from hsbp.fake_twilio.app import API_VERSION, FakeState, create_app

logger = logging.getLogger(__name__)


class KeepAliveHandler(WSGIRequestHandler):
    """HTTP/1.1 with keep-alive, as Twilio's API speaks it: without it every send would pay
    for a new connection that the real service does not charge."""

    protocol_version = "HTTP/1.1"


# A callback whose receiver cannot be reached is tried this many times in all, then dropped.
CALLBACK_ATTEMPTS = 4
CALLBACK_TIMEOUT = 5.0


@dataclass(frozen=True)
class Callback:
    """One status a message reaches, to record and to post to its StatusCallback URL."""

    message: dict[str, Any]
    status: str
    error_code: int | None = None
    attempt: int = 0


class CallbackWorker:
    """One daemon thread that moves accepted messages to sent, then delivered or undelivered.

    Jobs wait in a heap ordered by due time, so a receiver that is down (and retried later)
    never holds up the callbacks of other messages.
    """

    def __init__(self, state: FakeState, delay: float) -> None:
        self.state = state
        self.delay = delay
        self._validator = RequestValidator(state.auth_token)
        self._jobs: list[tuple[float, int, Callback]] = []
        self._order = itertools.count()
        self._wakeup = threading.Condition()
        self._stopped = False
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="fake-twilio-callbacks", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        with self._wakeup:
            self._stopped = True
            self._wakeup.notify()
        if self._thread is not None:
            self._thread.join(timeout=CALLBACK_TIMEOUT)

    def schedule(self, message: dict[str, Any]) -> None:
        self._push(Callback(message, "sent"), self.delay)

    def _push(self, job: Callback, after: float) -> None:
        with self._wakeup:
            heapq.heappush(self._jobs, (time.monotonic() + after, next(self._order), job))
            self._wakeup.notify()

    def _next_job(self) -> Callback | None:
        with self._wakeup:
            while not self._stopped:
                now = time.monotonic()
                if self._jobs and self._jobs[0][0] <= now:
                    return heapq.heappop(self._jobs)[2]
                self._wakeup.wait(self._jobs[0][0] - now if self._jobs else None)
            return None

    def _run(self) -> None:
        while (job := self._next_job()) is not None:
            try:
                self._process(job)
            except Exception:
                # The worker outlives any one bad callback, or every later message would hang.
                logger.exception("fake Twilio: status callback %s failed", job.status)

    def _process(self, job: Callback) -> None:
        message = job.message
        if job.attempt == 0:
            self.state.update_status(message["sid"], job.status, job.error_code)
        if message["status_callback"] and not self._post(job):
            return
        if job.status == "sent":
            code = self.state.undeliverable_code(message["to"])
            final = Callback(message, "undelivered" if code else "delivered", error_code=code)
            self._push(final, self.delay)

    def _post(self, job: Callback) -> bool:
        """Post the callback; False when it was put back to be retried later."""
        message, url = job.message, job.message["status_callback"]
        params = {
            "AccountSid": self.state.account_sid,
            "ApiVersion": API_VERSION,
            "From": message["from"],
            "MessageSid": message["sid"],
            "MessageStatus": job.status,
            "SmsSid": message["sid"],
            "SmsStatus": job.status,
            "To": message["to"],
        }
        if message["messaging_service_sid"]:
            params["MessagingServiceSid"] = message["messaging_service_sid"]
        if job.error_code is not None:
            params["ErrorCode"] = str(job.error_code)
        headers = {
            "X-Twilio-Signature": self._validator.compute_signature(url, params),
            "User-Agent": "TwilioProxy/1.1",
        }
        try:
            response = requests.post(url, data=params, headers=headers, timeout=CALLBACK_TIMEOUT)
        except (requests.ConnectionError, requests.Timeout) as error:
            if job.attempt + 1 < CALLBACK_ATTEMPTS:
                # Back off like Twilio does, scaled to the configured delay so tests stay quick.
                self._push(replace(job, attempt=job.attempt + 1), self.delay * 2**job.attempt)
                return False
            logger.warning("fake Twilio: dropped %s callback to %s: %s", job.status, url, error)
            return True
        if response.status_code >= 400:
            logger.warning(
                "fake Twilio: %s answered %s callback with %s",
                url,
                job.status,
                response.status_code,
            )
        return True


class FakeTwilio:
    """The fake Twilio on a local port: `with FakeTwilio(sid, token) as fake: ... fake.url`."""

    def __init__(
        self,
        account_sid: str,
        auth_token: str,
        host: str = "127.0.0.1",
        port: int = 0,
        callback_delay: float = 0.05,
    ) -> None:
        self.account_sid = account_sid
        self.auth_token = auth_token
        self.host = host
        self.port = port
        self.state = FakeState(account_sid, auth_token)
        self.worker = CallbackWorker(self.state, callback_delay)
        self.state.on_accept = self.worker.schedule
        self.app = create_app(self.state)
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("the fake Twilio is not started")
        return f"http://{self.host}:{self.port}"

    @property
    def callback_delay(self) -> float:
        return self.worker.delay

    @property
    def messages(self) -> list[dict[str, Any]]:
        """Accepted messages, oldest first (copies: changing them changes nothing)."""
        return self.state.messages()

    def start(self) -> FakeTwilio:
        self._server = make_server(
            self.host, self.port, self.app, threaded=True, request_handler=KeepAliveHandler
        )
        self.port = self._server.server_port
        self.worker.start()
        # A short poll interval lets stop() return quickly; the default would add 0.5 s.
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="fake-twilio",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is None:
            return
        self.state.close()
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join()
        self.worker.stop()

    def serve_forever(self) -> None:
        """Serve in the foreground (starting if need be) until Ctrl-C."""
        if self._server is None:
            self.start()
        try:
            while self._thread is not None and self._thread.is_alive():
                self._thread.join(0.5)  # a timed join lets Ctrl-C through
        except KeyboardInterrupt:
            pass
        finally:
            self.stop()

    def __enter__(self) -> FakeTwilio:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def opt_out(self, number: str) -> None:
        """Sends to `number` now fail with 21610, as after the recipient texted STOP."""
        self.state.opt_out(number)

    def undeliverable(self, number: str, code: int = 30003) -> None:
        """Messages to `number` end `undelivered` with ErrorCode `code` (30003: unreachable)."""
        self.state.undeliverable(number, code)

    def fail_next(
        self, count: int = 1, *, status: int | None = None, timeout: float | None = None
    ) -> None:
        """The next `count` API requests answer `status` (429, 500, 503), or `timeout` s late."""
        self.state.fail_next(count, status=status, timeout=timeout)

    def fail_for(self, seconds: float, status: int = 503) -> None:
        """Every API request fails with `status` for the next `seconds`."""
        self.state.fail_for(seconds, status)

    def reset(self) -> None:
        """Forget messages, pending failures, outages, opt-outs and undeliverable numbers."""
        self.state.reset()


def is_loopback(host: str) -> bool:
    try:
        return host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def run(
    host: str, port: int, account_sid: str, auth_token: str, *, callback_delay: float = 0.05
) -> None:
    """Serve the fake Twilio in the foreground (the `hsbp fake-twilio` command)."""
    if not is_loopback(host):
        logger.warning("fake Twilio on %s: its /_fake controls have no auth", host)
    fake = FakeTwilio(account_sid, auth_token, host=host, port=port, callback_delay=callback_delay)
    fake.start()
    print(f"Fake Twilio for {account_sid} on {fake.url} (Ctrl-C to stop)", flush=True)
    fake.serve_forever()
