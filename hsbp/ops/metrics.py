"""Prometheus metrics: request latency and task runs counted in each process, and the queue,
the SMS spool and the database's figures read at scrape time.

Per-process figures follow prometheus_client's multiprocess mode when the environment names
a folder in PROMETHEUS_MULTIPROC_DIR (gunicorn's workers and `hsbp worker` on one host
writing to the same folder; empty it before they start): any process's /metrics then shows
them all. Figures read at scrape time (one cheap query each) are right whichever process
sent a message. No figure carries personal data or a partnership's name: labels are
endpoint names, task names, statuses and Twilio error codes.
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
import os
from collections.abc import Iterator, Mapping

from flask import Flask
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    ProcessCollector,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from sqlalchemy import func, select

from hsbp import db, logs
from hsbp.db import utcnow
from hsbp.extensions import queue
from hsbp.mail import OutboundEmail
from hsbp.sms import spool
from hsbp.sms.models import InboundMessage, OutboundMessage, OutboundStatus

log = logging.getLogger(__name__)
CONTENT_TYPE = CONTENT_TYPE_LATEST
# prometheus_client chooses its storage when first imported, from the same variable.
MULTIPROCESS = bool(os.environ.get("PROMETHEUS_MULTIPROC_DIR"))
OPEN, HIDDEN, REFUSED = "open", "hidden", "refused"
FAILED = (OutboundStatus.FAILED, OutboundStatus.UNDELIVERED)

_registry = CollectorRegistry()
if not MULTIPROCESS:
    ProcessCollector(registry=_registry)  # memory, CPU, open files: one process's own

REQUEST_SECONDS = Histogram(
    "hsbp_http_request_duration_seconds",
    "Time to answer a request, by Flask endpoint (never the path) and status class.",
    ["endpoint", "status_class"],
    registry=_registry,
)
TASK_RUNS = Counter(
    "hsbp_task_runs",
    "Background task runs by task name and outcome: ok, failed (no retry left), retrying...",
    ["task", "status"],
    registry=_registry,
)
TASK_SECONDS = Histogram(
    "hsbp_task_duration_seconds",
    "Time a background task ran, by task name.",
    ["task"],
    registry=_registry,
    buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300),
)
ROUTED_SECONDS = Histogram(
    "hsbp_sms_inbound_routed_lag_seconds",
    "Time from an inbound SMS stored to the router acting on it.",
    registry=_registry,
    buckets=(0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 900),
)


def observe_request(endpoint: str, status: int, seconds: float) -> None:
    REQUEST_SECONDS.labels(endpoint, f"{status // 100}xx").observe(seconds)


def observe_task(task: str, status: str, seconds: float) -> None:
    TASK_RUNS.labels(task, status).inc()
    TASK_SECONDS.labels(task).observe(seconds)


def init_app(app: Flask) -> None:
    logs.add_observer("request", observe_request)
    logs.add_observer("task", observe_task)
    logs.add_observer("routed", ROUTED_SECONDS.observe)


def access(environ: Mapping, config: Mapping) -> str:
    """Whether this request may read the metrics: OPEN; HIDDEN (the page does not exist
    for it: the endpoint is off, or the request is not local when it must be); REFUSED (a
    token is required and the request's is missing or wrong)."""
    token, local_only = config.get("METRICS_TOKEN"), config.get("METRICS_LOCAL_ONLY")
    if not token and not local_only:
        return HIDDEN
    if local_only and not is_local(environ):
        return HIDDEN
    if token:
        scheme, _, given = environ.get("HTTP_AUTHORIZATION", "").partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(
            given.strip().encode(), token.encode()
        ):
            return REFUSED
    return OPEN


FORWARDING_HEADERS = ("HTTP_X_FORWARDED_FOR", "HTTP_FORWARDED", "HTTP_X_REAL_IP")


def is_local(environ: Mapping) -> bool:
    """From this machine's loopback with no proxy in between: a proxy on the same machine
    adds X-Forwarded-For (or Forwarded), and then the request is someone else's."""
    if any(environ.get(name) for name in FORWARDING_HEADERS):
        return False
    original = environ.get("werkzeug.proxy_fix.orig") or environ
    try:
        return ipaddress.ip_address(original.get("REMOTE_ADDR") or "").is_loopback
    except ValueError:
        return False


def render(app: Flask) -> bytes:
    """The metrics in Prometheus's text format."""
    return generate_latest(_Scrape(app))


class _Scrape:
    """What one scrape collects: the per-process figures (this process's, or every
    process's from the multiprocess folder), then the figures read now."""

    def __init__(self, app: Flask):
        self.app = app

    def collect(self) -> Iterator[Metric]:
        source = MultiProcessCollector(None) if MULTIPROCESS else _registry
        yield from source.collect()
        yield from _queue_figures()
        yield from _spool_figures(self.app)
        yield from _database_figures(self.app)


def _gauge(name: str, documentation: str, value: float | None = None, labels=None):
    return GaugeMetricFamily(name, documentation, value=value, labels=labels)


def _queue_figures() -> Iterator[Metric]:
    try:
        pending, scheduled = queue.pending_count(), queue.scheduled_count()
    except Exception:  # Redis or the queue's SQLite file out of reach: say so, carry on
        yield _gauge("hsbp_queue_up", "1 when the task queue answered this scrape.", 0)
        return
    yield _gauge("hsbp_queue_up", "1 when the task queue answered this scrape.", 1)
    yield _gauge("hsbp_queue_pending_tasks", "Tasks waiting in the queue for a worker.", pending)
    yield _gauge(
        "hsbp_queue_scheduled_tasks", "Tasks waiting for their time (retries, delays).", scheduled
    )


def _spool_figures(app: Flask) -> Iterator[Metric]:
    try:
        depth = len(spool.pending(app))
    except OSError:
        return
    yield _gauge(
        "hsbp_sms_spool_messages",
        "Inbound messages waiting in this host's spool for the database.",
        depth,
    )


def _database_figures(app: Flask) -> Iterator[Metric]:
    up = "1 when the database answered this scrape."
    try:
        outbound, unrouted, oldest, emails = _read_database(app)
    except Exception as error:
        log.warning("metrics: the database did not answer (%s)", type(error).__name__)
        yield _gauge("hsbp_database_up", up, 0)
        return
    yield _gauge("hsbp_database_up", up, 1)
    by_status = _gauge(
        "hsbp_sms_outbound_messages", "Outgoing SMS by status, all time.", labels=["status"]
    )
    failed = _gauge(
        "hsbp_sms_failed_messages",
        "Outgoing SMS failed or undelivered, by Twilio error code ('none': no code).",
        labels=["error_code"],
    )
    statuses: dict[str, int] = {}
    codes: dict[str, int] = {}
    for status, code, count in outbound:
        statuses[status] = statuses.get(status, 0) + count
        if status in FAILED:
            key = str(code) if code is not None else "none"
            codes[key] = codes.get(key, 0) + count
    for status in OutboundStatus:
        by_status.add_metric([status.value], statuses.pop(status.value, 0))
    for status, count in sorted(statuses.items()):
        by_status.add_metric([status], count)
    for code, count in sorted(codes.items()):
        failed.add_metric([code], count)
    yield by_status
    yield failed
    yield _gauge(
        "hsbp_sms_inbound_unrouted_messages", "Inbound SMS stored and not routed yet.", unrouted
    )
    age = (utcnow() - oldest).total_seconds() if oldest is not None else 0
    yield _gauge(
        "hsbp_sms_inbound_unrouted_age_seconds",
        "Age of the oldest inbound SMS stored and not routed yet (0: none waits).",
        max(age, 0),
    )
    mail = _gauge("hsbp_email_messages", "Outgoing e-mails by status.", labels=["status"])
    counts = dict(emails)
    for status in ("queued", "sent", "failed"):
        mail.add_metric([status], counts.pop(status, 0))
    for status, count in sorted(counts.items()):
        mail.add_metric([status], count)
    yield mail


def _read_database(app: Flask):
    """Three queries. The router's partial index keeps the inbound one to the few waiting
    rows; the outgoing SMS are counted over the whole table (milliseconds for hundreds of
    thousands of rows, so a scrape every 15 s or more is nothing to the database)."""
    with db.database(app).sessions() as session:
        outbound = session.execute(
            select(OutboundMessage.status, OutboundMessage.error_code, func.count()).group_by(
                OutboundMessage.status, OutboundMessage.error_code
            )
        ).all()
        unrouted, oldest = session.execute(
            select(func.count(), func.min(InboundMessage.received_at)).where(
                InboundMessage.route == ""
            )
        ).one()
        emails = session.execute(
            select(OutboundEmail.status, func.count()).group_by(OutboundEmail.status)
        ).all()
    return outbound, unrouted, oldest, emails
