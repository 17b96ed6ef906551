"""Health probes and metrics, answered in front of Flask: /healthz (the process answers),
/readyz (database, queue, spool and schema fit to serve) and /metrics.

Like the SMS webhook (hsbp.sms.intake), these never reach Flask's page machinery: no
session, no cookie, no CSRF, no rate limit, no signed-in user, so a probe every few seconds
costs /healthz nothing and /readyz one small query, one queue call and one folder listing.
"""

from __future__ import annotations

import contextlib
import json

from flask import Flask

from hsbp import db, logs, migrate
from hsbp.extensions import queue
from hsbp.ops import metrics
from hsbp.sms import intake, spool

PATHS = {"/healthz": "ops.healthz", "/readyz": "ops.readyz", "/metrics": "ops.metrics"}
STATUS = {200: "200 OK", 401: "401 Unauthorized", 405: "405 Method Not Allowed"}
STATUS[503] = "503 Service Unavailable"
PLAIN = "text/plain; charset=utf-8"


def init_app(app: Flask) -> None:
    """Wrap the app, outermost: the probes and metrics, then every request's id, log line
    and latency (the SMS webhook's included)."""
    metrics.init_app(app)
    app.wsgi_app = logs.RequestLog(
        OpsEndpoints(app, app.wsgi_app),
        endpoints={intake.PATH: "sms.twilio_inbound"},
        quiet=set(PATHS.values()),
    )


class OpsEndpoints:
    """WSGI middleware: answers /healthz, /readyz and /metrics, hands the rest to `wsgi_app`.
    /metrics while it is off (or asked from elsewhere than allowed) goes on to Flask, which
    answers its 404 as for any unknown page."""

    def __init__(self, app: Flask, wsgi_app):
        self.app = app
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        endpoint = PATHS.get(environ.get("PATH_INFO", ""))
        if endpoint is None:
            return self.wsgi_app(environ, start_response)
        allowed = metrics.OPEN
        if endpoint == "ops.metrics":
            allowed = metrics.access(environ, self.app.config)
            if allowed == metrics.HIDDEN:
                return self.wsgi_app(environ, start_response)
        environ[logs.ENDPOINT] = endpoint
        headers = [("Cache-Control", "no-store"), ("X-Content-Type-Options", "nosniff")]
        if environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
            code, content_type, body = 405, PLAIN, b"GET only\n"
            headers.append(("Allow", "GET, HEAD"))
        elif endpoint == "ops.healthz":
            code, content_type, body = 200, PLAIN, b"ok"
        elif endpoint == "ops.readyz":
            report, ready = readiness(self.app)
            code, content_type = (200 if ready else 503), "application/json"
            body = json.dumps(report).encode()
        elif allowed == metrics.REFUSED:
            # 401, not 404: the project is open, so the page's existence is no secret, and
            # the operator whose Prometheus holds a stale token sees why it is refused.
            code, content_type, body = 401, PLAIN, b"Bearer token required\n"
            headers.append(("WWW-Authenticate", 'Bearer realm="metrics"'))
        else:
            code, content_type, body = 200, metrics.CONTENT_TYPE, metrics.render(self.app)
        headers += [("Content-Type", content_type), ("Content-Length", str(len(body)))]
        start_response(STATUS[code], headers)
        return [b"" if environ.get("REQUEST_METHOD") == "HEAD" else body]


def readiness(app: Flask) -> tuple[dict, bool]:
    """What /readyz reports, and whether it is fit to serve: the database answers and is at
    the head revision, the queue answers, and the spool holds no more than
    HSBP_READY_SPOOL_LIMIT messages. Names states only, never an error's text."""
    database, migrations = _schema(app)
    try:
        depth: int | str = len(spool.pending(app))
    except OSError:
        depth = "unreadable"
    report = {
        "database": database,
        "queue": _queue_state(),
        "spool": depth,
        "migrations": migrations,
    }
    ready = (
        database == "ok"
        and report["queue"] == "ok"
        and migrations == "current"
        and isinstance(depth, int)
        and depth <= app.config["READY_SPOOL_LIMIT"]
    )
    return report, ready


def _schema(app: Flask) -> tuple[str, str]:
    """(database, migrations) from one SELECT on a pooled connection. A plain DBAPI cursor:
    no transaction of the app's is begun (on SQLite, none takes the writer lock)."""
    engine = db.database(app).engine
    try:
        connection = engine.raw_connection()
    except Exception:
        return "unreachable", "unknown"
    cursor = None
    try:
        cursor = connection.cursor()
        cursor.execute("SELECT version_num FROM alembic_version")
        current = frozenset(row[0] for row in cursor.fetchall())
    except Exception as error:
        if engine.dialect.is_disconnect(error, connection.dbapi_connection, cursor):
            return "unreachable", "unknown"
        return "ok", "pending"  # no version table: a database never upgraded
    finally:
        with contextlib.suppress(Exception):  # a connection that just died: the pool's now
            if cursor is not None:
                cursor.close()
            connection.close()
    heads, known = migrate.known_revisions()
    if current == heads:
        return "ok", "current"
    return "ok", "pending" if current <= known else "newer"


def start_refusals(app: Flask) -> list[str]:
    """Why a worker should not start now, one sentence each (none: it may). It starts only
    against a reachable database at this code's schema and a reachable queue; outages
    after the start are ridden out (hsbp.sms.router_loop, hsbp.sms.sweeper)."""
    database, migrations = _schema(app)
    url = db.shown_url(app.config["DATABASE_URL"])
    refusals = []
    if database != "ok":
        refusals.append(f"cannot reach the database at {url}")
    elif migrations == "pending":
        refusals.append("the database schema is behind this hsbp: run `hsbp db upgrade`")
    elif migrations == "newer":
        refusals.append("the database schema is newer than this hsbp: install the newer one")
    if _queue_state() != "ok":
        queue_url = app.config["QUEUE_URL"]
        where = db.shown_url(queue_url) if "://" in queue_url else "HSBP_QUEUE_URL"
        refusals.append(f"cannot reach the task queue at {where}")
    return refusals


def _queue_state() -> str:
    try:
        queue.pending_count()
    except Exception:
        return "unreachable"
    return "ok"
