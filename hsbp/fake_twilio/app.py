"""The fake Twilio's state and its WSGI app: the Messages API hsbp uses, plus /_fake controls."""

from __future__ import annotations

import re
import secrets
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from typing import Any

from flask import Flask, Response, jsonify, request

API_VERSION = "2010-04-01"
MAX_BODY = 1600
E164 = re.compile(r"\+[1-9]\d{6,14}")
# A Messaging Service picks the sender itself; the fake always picks Twilio's test number.
SERVICE_SENDER = "+15005550006"

# The status codes a test may inject, with the Twilio error code and message each carries.
FAILURES = {
    429: (20429, "Too Many Requests"),
    500: (20500, "Internal Server Error"),
    503: (20500, "Service Unavailable"),
}

# GSM 03.38: texts made only of these travel 7 bits a character (160 per SMS); anything else
# makes the whole message UCS-2 (70). Extension characters take two septets.
GSM_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM_EXTENDED = frozenset("^{}\\[~]|€\f")


def count_segments(body: str) -> int:
    """How many SMS a body is split into, the way carriers (and Twilio's bill) count them."""
    if all(char in GSM_BASIC or char in GSM_EXTENDED for char in body):
        sizes = [2 if char in GSM_EXTENDED else 1 for char in body]
        single, part = 160, 153
    else:
        sizes = [len(char.encode("utf-16-le")) // 2 for char in body]
        single, part = 70, 67
    if sum(sizes) <= single:
        return 1
    # An escape pair or a surrogate pair never straddles two segments: it moves to the next.
    segments, used = 1, 0
    for size in sizes:
        if used + size > part:
            segments, used = segments + 1, 0
        used += size
    return segments


@dataclass(frozen=True)
class Failure:
    """One injected failure: wait `delay` seconds, then answer `status` (None: answer normally)."""

    status: int | None
    delay: float = 0.0


class FakeState:
    """Everything the fake remembers, behind one lock: request threads and tests share it."""

    def __init__(
        self,
        account_sid: str,
        auth_token: str,
        on_accept: Callable[[dict[str, Any]], None] | None = None,
    ) -> None:
        self.account_sid = account_sid
        self.auth_token = auth_token
        self.on_accept = on_accept
        self._lock = threading.Lock()
        self._closed = threading.Event()
        self._messages: list[dict[str, Any]] = []
        self._failures: deque[Failure] = deque()
        self._down_until = 0.0
        self._down_status = 503
        self._opted_out: set[str] = set()
        self._undeliverable: dict[str, int] = {}
        # What GET Accounts/<sid> says: a test makes it "suspended" or "closed".
        self.account_status = "active"

    def messages(self) -> list[dict[str, Any]]:
        with self._lock:
            return [dict(message) for message in self._messages]

    def find(self, sid: str) -> dict[str, Any] | None:
        with self._lock:
            return next((dict(m) for m in self._messages if m["sid"] == sid), None)

    def opt_out(self, number: str) -> None:
        with self._lock:
            self._opted_out.add(number)

    def undeliverable(self, number: str, code: int = 30003) -> None:
        with self._lock:
            self._undeliverable[number] = code

    def undeliverable_code(self, number: str) -> int | None:
        with self._lock:
            return self._undeliverable.get(number)

    def fail_next(
        self, count: int = 1, *, status: int | None = None, timeout: float | None = None
    ) -> None:
        """Make the next `count` API requests fail with `status`, or answer `timeout` s late."""
        if status is None and timeout is None:
            raise ValueError("fail_next needs a status or a timeout")
        if status is not None and status not in FAILURES:
            raise ValueError(f"status must be one of {sorted(FAILURES)}")
        if count < 1 or (timeout is not None and timeout <= 0):
            raise ValueError("count and timeout must be positive")
        with self._lock:
            self._failures.extend([Failure(status, timeout or 0.0)] * count)

    def fail_for(self, seconds: float, status: int = 503) -> None:
        """Fail every API request for the next `seconds`: Twilio being down for a while."""
        if status not in FAILURES:
            raise ValueError(f"status must be one of {sorted(FAILURES)}")
        with self._lock:
            self._down_until = time.monotonic() + seconds
            self._down_status = status

    def take_failure(self) -> Failure | None:
        """The failure the current request must suffer, if any (an outage first, then the queue)."""
        with self._lock:
            if time.monotonic() < self._down_until:
                return Failure(self._down_status)
            return self._failures.popleft() if self._failures else None

    def failures(self) -> dict[str, Any]:
        with self._lock:
            down_for = max(0.0, self._down_until - time.monotonic())
            return {
                "pending": [{"status": f.status, "timeout": f.delay} for f in self._failures],
                "down_for": round(down_for, 3),
                "down_status": self._down_status if down_for else None,
            }

    def reset(self) -> None:
        with self._lock:
            self._messages.clear()
            self._failures.clear()
            self._down_until = 0.0
            self._opted_out.clear()
            self._undeliverable.clear()

    def pause(self, seconds: float) -> None:
        """Sleep, but wake at once when the server stops, so stopping never waits on a test."""
        self._closed.wait(seconds)

    def close(self) -> None:
        self._closed.set()

    @property
    def closed(self) -> bool:
        return self._closed.is_set()

    def accept(
        self,
        *,
        to: str,
        from_: str | None,
        service_sid: str | None,
        body: str,
        status_callback: str | None,
    ) -> dict[str, Any] | None:
        """Store a message to send; None when its recipient has opted out."""
        message = {
            "sid": "SM" + uuid.uuid4().hex,
            "to": to,
            "from": from_ or SERVICE_SENDER,
            "messaging_service_sid": service_sid,
            "body": body,
            # Twilio says "accepted" while a Messaging Service still has to choose the sender.
            "status": "queued" if from_ else "accepted",
            "status_callback": status_callback,
            "num_segments": count_segments(body),
            "error_code": None,
            "created": datetime.now(UTC).replace(microsecond=0).isoformat(),
        }
        with self._lock:
            if to in self._opted_out:
                return None
            self._messages.append(message)
        if self.on_accept is not None:
            self.on_accept(dict(message))
        return dict(message)

    def update_status(self, sid: str, status: str, error_code: int | None = None) -> None:
        with self._lock:
            for message in self._messages:
                if message["sid"] == sid:
                    message.update(status=status, error_code=error_code)
                    if status == "sent" and not message.get("date_sent"):
                        # Twilio's DateSent: when it handed the message on, not when it took it.
                        message["date_sent"] = datetime.now(UTC).replace(microsecond=0).isoformat()


def twilio_error(status: int, code: int, message: str) -> tuple[Response, int]:
    """An error body in Twilio's shape, which the client turns into TwilioRestException."""
    more_info = f"https://www.twilio.com/docs/errors/{code}"
    body = {"code": code, "message": message, "more_info": more_info, "status": status}
    return jsonify(body), status


def resource(message: dict[str, Any], account_sid: str, *, fresh: bool = False) -> dict:
    """A message as Twilio's API shows it; `fresh` for the create answer (sender not chosen)."""
    uri = f"/{API_VERSION}/Accounts/{account_sid}/Messages/{message['sid']}"
    created = format_datetime(datetime.fromisoformat(message["created"]))
    service_unresolved = fresh and message["status"] == "accepted"
    return {
        "account_sid": account_sid,
        "api_version": API_VERSION,
        "body": message["body"],
        "date_created": created,
        "date_sent": (
            format_datetime(datetime.fromisoformat(message["date_sent"]))
            if message.get("date_sent")
            else None
        ),
        "date_updated": created,
        "direction": "outbound-api",
        "error_code": message["error_code"],
        "error_message": None,
        "from": None if service_unresolved else message["from"],
        "messaging_service_sid": message["messaging_service_sid"],
        "num_media": "0",
        "num_segments": str(message["num_segments"]),
        "price": None,
        "price_unit": "USD",
        "sid": message["sid"],
        "status": message["status"],
        "subresource_uris": {"media": f"{uri}/Media.json"},
        "to": message["to"],
        "uri": f"{uri}.json",
    }


def check_account(state: FakeState, account_sid: str) -> tuple[Response, int] | None:
    auth = request.authorization
    expected = f"{state.account_sid}:{state.auth_token}"
    given = f"{auth.username}:{auth.password}" if auth and auth.type == "basic" else ""
    if not secrets.compare_digest(given.encode(), expected.encode()):
        return twilio_error(401, 20003, "Authenticate")
    if account_sid != state.account_sid:
        return twilio_error(404, 20404, f"The requested resource {request.path} was not found")
    return None


def validate_message(form: dict[str, str]) -> tuple[int, str] | None:
    """The first reason Twilio would refuse this send, as (error code, message)."""
    to, body = form.get("To", ""), form.get("Body", "")
    if not to:
        return 21604, "A 'To' phone number is required."
    if not E164.fullmatch(to):
        return 21211, f"The 'To' number {to} is not a valid phone number."
    if not form.get("From") and not form.get("MessagingServiceSid"):
        return 21603, "A 'From' phone number is required."
    if not body:
        return 21602, "Message body is required."
    if len(body) > MAX_BODY:
        return 21617, "The concatenated message body exceeds the 1600 character limit."
    return None


def create_app(state: FakeState) -> Flask:
    """The fake's WSGI app. It imports nothing of hsbp: it stands in for a service outside it."""
    app = Flask(__name__)
    messages_path = f"/{API_VERSION}/Accounts/<account_sid>/Messages"

    @app.before_request
    def inject_failure():
        if request.path.startswith("/_fake"):
            return None
        failure = state.take_failure()
        if failure is None:
            return None
        state.pause(failure.delay)
        if state.closed:
            # Woken by stop(): a stopped Twilio accepts nothing, even a request it was holding.
            return twilio_error(503, *FAILURES[503])
        if failure.status is None:
            return None
        return twilio_error(failure.status, *FAILURES[failure.status])

    @app.post(f"{messages_path}.json")
    def create_message(account_sid: str):
        refused = check_account(state, account_sid)
        if refused:
            return refused
        form = request.form.to_dict()
        invalid = validate_message(form)
        if invalid:
            return twilio_error(400, *invalid)
        message = state.accept(
            to=form["To"],
            from_=form.get("From") or None,
            service_sid=form.get("MessagingServiceSid") or None,
            body=form["Body"],
            status_callback=form.get("StatusCallback") or None,
        )
        if message is None:
            return twilio_error(400, 21610, "Attempt to send to unsubscribed recipient")
        return jsonify(resource(message, account_sid, fresh=True)), 201

    @app.get(f"{messages_path}/<sid>.json")
    def fetch_message(account_sid: str, sid: str):
        refused = check_account(state, account_sid)
        if refused:
            return refused
        message = state.find(sid)
        if message is None:
            return twilio_error(404, 20404, f"The requested resource {request.path} was not found")
        return jsonify(resource(message, account_sid))

    @app.get(f"/{API_VERSION}/Accounts/<account_sid>.json")
    def fetch_account(account_sid: str):
        # What `hsbp check` asks. Twilio's answer also holds the auth token: the fake's not.
        refused = check_account(state, account_sid)
        if refused:
            return refused
        uri = f"/{API_VERSION}/Accounts/{account_sid}.json"
        account = {"sid": account_sid, "friendly_name": "hsbp fake", "status": state.account_status}
        return jsonify({**account, "type": "Full", "owner_account_sid": account_sid, "uri": uri})

    register_controls(app, state)
    from hsbp.fake_twilio.listing import register_listing  # it builds on this module

    register_listing(app, state)

    @app.errorhandler(404)
    @app.errorhandler(405)
    def not_found(error):
        return twilio_error(
            error.code, 20404, f"The requested resource {request.path} was not found"
        )

    return app


def form_number(name: str, kind: type[int] | type[float]) -> Any:
    raw = request.form.get(name, "").strip()
    if not raw:
        return None
    try:
        return kind(raw)
    except ValueError:
        raise ValueError(f"{name} must be a number") from None


def register_controls(app: Flask, state: FakeState) -> None:
    """/_fake: the demo's training page drives the fake through these. They carry no auth
    because the fake binds to 127.0.0.1 only: nothing off this machine can reach them."""

    @app.get("/_fake/messages")
    def list_messages():
        return jsonify({"messages": state.messages()})

    @app.post("/_fake/reset")
    def reset():
        state.reset()
        return "", 204

    @app.get("/_fake/failures")
    def show_failures():
        return jsonify(state.failures())

    @app.post("/_fake/failures")
    def add_failures():
        try:
            status = form_number("status", int)
            seconds = form_number("seconds", float)
            if seconds is not None:
                state.fail_for(seconds, status=status or 503)
            else:
                count = form_number("count", int) or 1
                state.fail_next(count, status=status, timeout=form_number("timeout", float))
        except ValueError as error:
            return jsonify({"error": str(error)}), 400
        return jsonify(state.failures())
