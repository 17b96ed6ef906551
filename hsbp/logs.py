"""Logging for web, worker and CLI: JSON or text lines, request ids, one line per request
and per task, and a filter that redacts personal data slipping into any record.

The rule is that log calls never pass a phone number, a name, an e-mail address, a message
body or a token: ids only. The redaction filter is the safety net under that rule, not the
rule. One kind of record carries personal data on purpose: the e-mails HSBP_MAIL_LOG writes
(logger `hsbp.mail`, level INFO), for the demo and development. Text lines show them whole
(the demo's sign-in links must work); JSON lines, made to be shipped and kept, withhold them.
"""

from __future__ import annotations

import contextvars
import json
import logging
import re
import sys
import time
import uuid
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime

from flask import Flask, g, request
from huey import signals as huey_signals
from sqlalchemy import inspect
from sqlalchemy.engine import make_url

from hsbp.extensions import queue

REQUEST_ID: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)
TASK_ID: contextvars.ContextVar[str | None] = contextvars.ContextVar("task_id", default=None)
# Fields a JSON line carries besides time, level, logger and message (`extra=` of a call).
FIELDS = ("request_id", "task_id", "method", "endpoint", "status", "duration_ms", "user_id", "task")
MAIL_LOGGER = "hsbp.mail"
MAIL_WITHHELD = "e-mail withheld: HSBP_MAIL_LOG writes e-mails only with HSBP_LOG_FORMAT=text"
HANDLER_MARK = "hsbp_handler"

# Shapes of personal data. International numbers (E.164 and written with spaces, also
# URL-encoded), national ones written in groups, and any run of 8 or more digits standing
# alone (not inside an id such as SM0123... or a UUID's group, nor after a decimal point);
# e-mail addresses, also URL-encoded.
INTERNATIONAL = r"(?:\+|%2[Bb])\d(?:[ ().-]{0,2}\d){6,14}"
NATIONAL = r"(?<![\w.-])\d{3}[ .-]\d{3,4}[ .-]\d{4}(?![\w-])"
DIGITS = r"(?<![\w.-])\d{8,}(?![\w-])"
PHONE = re.compile(f"{INTERNATIONAL}|{NATIONAL}|{DIGITS}")
EMAIL = re.compile(r"[\w.+-]+(?:@|%40)[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}(?!\w)")
URL_PASSWORD = re.compile(r"(://[^/\s:@]*):[^/\s@]+@")
# What a proxy may give as X-Request-ID (nginx's $request_id is 32 hex characters).
SAFE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{7,63}")


class Redactor:
    """Replaces phone numbers, e-mail addresses, passwords in URLs and the given secrets."""

    def __init__(self, secrets: Iterable[str] = ()):
        # Short values would cut ordinary words out of every line; no real secret is short.
        kept = sorted({s for s in secrets if s and len(s) >= 8}, key=len, reverse=True)
        self._secrets = re.compile("|".join(map(re.escape, kept))) if kept else None

    def __call__(self, text: str) -> str:
        if self._secrets is not None:
            text = self._secrets.sub("[secret]", text)
        text = URL_PASSWORD.sub(r"\1:[secret]@", text)
        text = EMAIL.sub("[email]", text)
        return PHONE.sub("[phone]", text)


def config_secrets(config: Mapping) -> list[str]:
    """The values of the settings that must never reach a log line."""
    found = [config.get(name) for name in ("SECRET_KEY", "TWILIO_AUTH_TOKEN", "MAIL_PASSWORD")]
    found += [config.get("METRICS_TOKEN"), *config.get("FIELD_KEYS", ())]
    for name in ("DATABASE_URL", "QUEUE_URL", "RATELIMIT_STORAGE_URI"):
        try:
            found.append(make_url(config.get(name) or "").password)
        except Exception:  # noqa: S112  (not a URL SQLAlchemy reads: nothing to take from it)
            continue
    return [str(value) for value in found if value]


def is_mail_log(record: logging.LogRecord) -> bool:
    """Whether `record` is an e-mail written to the log (HSBP_MAIL_LOG): hsbp.mail logs
    nothing else at INFO, and anything it adds there is withheld from JSON, never leaked."""
    return record.name == MAIL_LOGGER and record.levelno == logging.INFO


class ContextFilter(logging.Filter):
    """Puts the current request's and task's ids on every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "request_id", None) is None:
            record.request_id = REQUEST_ID.get()
        if getattr(record, "task_id", None) is None:
            record.task_id = TASK_ID.get()
        return True


class RedactFilter(logging.Filter):
    """The safety net: redacts personal data and secrets in a record's message, arguments
    and traceback, in place, before any formatter of the handler sees them."""

    def __init__(self, secrets: Iterable[str] = ()):
        super().__init__()
        self.redact = Redactor(secrets)

    def filter(self, record: logging.LogRecord) -> bool:
        if is_mail_log(record):
            return True
        record.msg = self.redact(str(record.msg))
        if isinstance(record.args, Mapping):
            record.args = {key: self._arg(value) for key, value in record.args.items()}
        elif record.args:
            record.args = tuple(self._arg(value) for value in record.args)
        if record.exc_info:
            record.exc_text = self.redact(logging.Formatter().formatException(record.exc_info))
        elif record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True

    def _arg(self, value):
        # Numbers are ids, counts and durations: %d must still format them.
        return value if isinstance(value, int | float) else self.redact(str(value))


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC), level, logger, message and the known fields."""

    def format(self, record: logging.LogRecord) -> str:
        when = datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds")
        entry = {
            "time": when.replace("+00:00", "Z"),
            "level": record.levelname,
            "logger": record.name,
            "message": MAIL_WITHHELD if is_mail_log(record) else record.getMessage(),
        }
        for name in FIELDS:
            value = getattr(record, name, None)
            if value is not None:
                entry[name] = value
        if record.exc_info and not record.exc_text and not is_mail_log(record):
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text and not is_mail_log(record):
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    """A line for people: time, level, logger, message, and the request id if any."""

    def __init__(self):
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        request_id = getattr(record, "request_id", None)
        return f"{line} [{request_id}]" if request_id else line


def make_handler(log_format: str, stream=None, *, secrets: Iterable[str] = ()) -> logging.Handler:
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.addFilter(ContextFilter())
    handler.addFilter(RedactFilter(secrets))
    handler.setFormatter(JsonFormatter() if log_format == "json" else TextFormatter())
    return handler


def configure(config: Mapping, stream=None, *, force: bool = False) -> logging.Handler | None:
    """Send every log record to one handler of ours on the root logger (replacing ours from
    an earlier call), at HSBP_LOG_LEVEL, as HSBP_LOG_FORMAT says.

    Like logging.basicConfig, it leaves alone a root logger someone else has given
    handlers (a test runner, gunicorn's --log-config), unless `force`. Returns the handler.
    """
    root = logging.getLogger()
    ours = [h for h in root.handlers if getattr(h, HANDLER_MARK, False)]
    if len(root.handlers) > len(ours) and not force:
        return None
    for handler in ours:
        root.removeHandler(handler)
    handler = make_handler(config["LOG_FORMAT"], stream, secrets=config_secrets(config))
    setattr(handler, HANDLER_MARK, True)
    root.addHandler(handler)
    level = logging.getLevelName(config["LOG_LEVEL"])
    root.setLevel(level)
    quiet_libraries(level, config["LOG_FORMAT"])
    return handler


def quiet_libraries(level: int, log_format: str) -> None:
    """Raise the loggers of libraries whose lines we replace or must not write (the tests'
    log scan sets the same, so it reads what production writes)."""
    quiet = max(level, logging.WARNING)
    # Our one line per task stands for huey's two; its consumer still says it started.
    logging.getLogger("huey").setLevel(quiet)
    logging.getLogger("huey.consumer").setLevel(level)
    # Ten lines per SMS sent, and a listing's query (a phone number: To=...) in the clear.
    logging.getLogger("twilio.http_client").setLevel(quiet)
    if log_format == "json":
        # The development server's access lines carry whole paths (tokens): ours do not.
        logging.getLogger("werkzeug").setLevel(quiet)


# Callables told of every request (endpoint, status, seconds), every task run (task
# name, status, seconds) and every inbound SMS routed (seconds since it was stored): the
# metrics (hsbp.ops.metrics) register here, so the code that acts imports no metrics.
_observers: dict[str, dict[Callable, None]] = {"request": {}, "task": {}, "routed": {}}


def add_observer(kind: str, observer: Callable) -> None:
    _observers[kind][observer] = None


def note_routed(seconds: float) -> None:
    """An inbound SMS was acted on `seconds` after it was stored (the router's lag)."""
    for observer in list(_observers["routed"]):
        observer(seconds)


request_log = logging.getLogger("hsbp.request")
task_log = logging.getLogger("hsbp.task")
ENDPOINT, USER_ID = "hsbp.endpoint", "hsbp.user_id"


def incoming_request_id(value: str | None) -> str | None:
    """The proxy's X-Request-ID if it is a short safe token shaped like no personal data."""
    if value and SAFE_ID.fullmatch(value) and _plain_redactor(value) == value:
        return value
    return None


_plain_redactor = Redactor()


class RequestLog:
    """WSGI middleware, outermost: gives each request an id (the proxy's X-Request-ID if it
    is safe, else a new one), echoes it in the response, puts it on every log line written
    meanwhile, and writes one line when the response is ready: method, endpoint (never the
    path: paths carry tokens), status, duration and the signed-in user's id.

    `endpoints` names requests Flask never sees, by path; `quiet` endpoints (probes every
    few seconds) are logged at DEBUG while they succeed.
    """

    def __init__(self, wsgi_app, *, endpoints: Mapping[str, str] | None = None, quiet=()):
        self.wsgi_app = wsgi_app
        self.endpoints = dict(endpoints or {})
        self.quiet = frozenset(quiet)

    def __call__(self, environ, start_response):
        request_id = incoming_request_id(environ.get("HTTP_X_REQUEST_ID")) or uuid.uuid4().hex
        token = REQUEST_ID.set(request_id)
        started = time.perf_counter()
        seen: dict[str, int] = {}

        def start(status: str, headers: list, exc_info=None):
            seen["status"] = int(status.split(" ", 1)[0])
            headers = [(k, v) for k, v in headers if k.lower() != "x-request-id"]
            return start_response(status, [*headers, ("X-Request-ID", request_id)], exc_info)

        try:
            body = self.wsgi_app(environ, start)
        except BaseException:
            self._done(environ, request_id, 500, started)
            raise
        finally:
            REQUEST_ID.reset(token)
        self._done(environ, request_id, seen.get("status"), started)
        return body

    def _done(self, environ, request_id: str, status: int | None, started: float) -> None:
        seconds = time.perf_counter() - started
        endpoint = (
            environ.get(ENDPOINT) or self.endpoints.get(environ.get("PATH_INFO", "")) or "none"
        )
        method = environ.get("REQUEST_METHOD", "")
        fields = {
            "request_id": request_id,
            "method": method,
            "endpoint": endpoint,
            "status": status,
            "duration_ms": round(seconds * 1000, 2),
            "user_id": environ.get(USER_ID),
        }
        quiet = endpoint in self.quiet and (status or 500) < 400
        request_log.log(
            logging.DEBUG if quiet else logging.INFO,
            "%s %s %s %.1f ms",
            method,
            endpoint,
            status,
            seconds * 1000,
            extra=fields,
        )
        for observer in list(_observers["request"]):
            observer(endpoint, status or 500, seconds)


def _log_exception(app: Flask, exc_info) -> None:
    # Flask's own says "Exception on <path>": paths carry tokens, the endpoint does not.
    app.logger.error(
        "Exception on %s [%s]", request.endpoint or "none", request.method, exc_info=exc_info
    )


def init_app(app: Flask) -> None:
    """Configure logging for this process (see `configure`) and note each request's
    endpoint and user for its log line."""
    configure(app.config)
    app.log_exception = lambda exc_info: _log_exception(app, exc_info)

    @app.teardown_request
    def _note_request(_error):
        if request.url_rule is not None:
            request.environ[ENDPOINT] = request.url_rule.endpoint
        # The user Flask-Login already loaded, if any, by its identity: never a query (a
        # rolled-back request has expired the row's attributes, and its session is closed).
        state = inspect(g.get("_login_user"), raiseerr=False)  # None: anonymous
        if state is not None and state.identity and not _public(request.endpoint):
            request.environ[USER_ID] = state.identity[0]


def _public(endpoint: str | None) -> bool:
    """The pages anyone reaches without signing in, such as the public grievance form and
    consultation (named `public_*` in every feature): a member who happens to be signed in
    while filing a grievance or answering anonymously must not be named beside it."""
    return (endpoint or "").rpartition(".")[2].startswith("public_")


TASK_OUTCOMES = {
    huey_signals.SIGNAL_COMPLETE: "ok",
    huey_signals.SIGNAL_ERROR: "failed",
    huey_signals.SIGNAL_TIMEOUT: "failed",
    # Alone after a RetryTask (a database outage, hsbp.extensions); after an error or a
    # time-out, the run was told already.
    huey_signals.SIGNAL_RETRYING: "retrying",
    huey_signals.SIGNAL_CANCELED: "cancelled",
    huey_signals.SIGNAL_LOCKED: "locked",
    huey_signals.SIGNAL_INTERRUPTED: "interrupted",
    huey_signals.SIGNAL_RATE_LIMITED: "rate_limited",
}
TASK_LEVELS = {"ok": logging.INFO, "failed": logging.ERROR}


@queue.signal()
def _task_signal(signal: str, task, *_args) -> None:
    """One line per task run (name, id, status, duration): huey sends `executing`, then
    its outcome (and `retrying` when it will run again). A failure with retries left is
    `retrying`, the last one `failed`."""
    if signal == huey_signals.SIGNAL_EXECUTING:
        task.hsbp_started = time.perf_counter()
        task.hsbp_token = TASK_ID.set(task.id)
        task.hsbp_told = False
        return
    status = TASK_OUTCOMES.get(signal)
    if status is None or getattr(task, "hsbp_told", True):
        return
    task.hsbp_told = True
    if status == "failed" and task.retries:
        status = "retrying"
    seconds = time.perf_counter() - task.hsbp_started
    fields = {"task": task.name, "task_id": task.id, "status": status}
    fields["duration_ms"] = round(seconds * 1000, 2)
    level = TASK_LEVELS.get(status, logging.WARNING)
    task_log.log(level, "task %s %s", task.name, status, extra=fields)
    try:
        TASK_ID.reset(task.hsbp_token)
    except ValueError:  # ended in another context than it began: nothing to restore
        TASK_ID.set(None)
    for observer in list(_observers["task"]):
        observer(task.name, status, seconds)
