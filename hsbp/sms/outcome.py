"""Sends whose outcome is unknown: Twilio is asked whether it took the message, which is
then recorded as sent (with Twilio's sid) or queued to go again, never both.

A request to Twilio either surely never left (the connection failed: see `never_left`) or
may have reached it: a time-out waiting for the answer, a connection dropped half-way, a
worker killed in the middle. The row of the second kind stays "sending". Once a live send
would have had its answer (`sending_grace`), `resolve` lists the messages Twilio holds to
that number from that sender since the attempt's day (Twilio's DateSent filter) and looks
for the text: found, it is recorded as sent with that sid; not found, it is queued again;
Twilio out of reach, it is left for the next look.

The search cannot mistake an earlier identical text for this one: a sid already recorded on
another row is not taken, and provider_sid is unique, so two rows never share one.
"""

from __future__ import annotations

import enum
import logging
import ssl
import traceback
from collections.abc import Iterator
from datetime import datetime, timedelta

import requests
from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from twilio.base.exceptions import TwilioException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client
from urllib3.exceptions import ConnectTimeoutError, ProxyError

from hsbp import db
from hsbp.db import utcnow
from hsbp.sms import encoding
from hsbp.sms.models import Contact, OutboundMessage, OutboundStatus
from hsbp.sms.transport import client

log = logging.getLogger("hsbp.sms")
# The official client logs every request's URL at INFO; a search's URL names the phone
# number, so searches go through a client of their own whose logger says nothing below
# WARNING.
SEARCH_LOG = logging.getLogger("hsbp.sms.twilio_search")
SEARCH_LOG.setLevel(logging.WARNING)
# After a send's time-out, how long Twilio may still take to finish a request that reached
# it late, before its list is trusted to show the message.
MARGIN = timedelta(seconds=10)
# How far our clock may be from Twilio's: the search starts this much before the attempt.
SKEW = timedelta(minutes=2)
# The most messages read from the day's list to one number from one sender.
LISTED = 200
CORE = {"synchronize_session": False}
# Twilio's statuses that are final, kept as they are; any other means it took the message.
FINAL = {OutboundStatus.DELIVERED, OutboundStatus.UNDELIVERED, OutboundStatus.FAILED}
# Stored raw, as Twilio's own error texts are: the outbox shows statuses and codes.
NOT_AT_TWILIO = "Twilio had not received it: queued again"
GAVE_UP = "Twilio had not received it after {attempts} attempts: not sent again"


class Verdict(enum.StrEnum):
    SENT = "sent"  # Twilio has it: recorded with its sid
    QUEUED = "queued"  # Twilio does not: queued to be sent again
    FAILED = "failed"  # Twilio does not, and it was tried too often
    UNKNOWN = "unknown"  # Twilio could not be asked: left for the next look
    SKIPPED = "skipped"  # not sending any more, too recent, or being looked into elsewhere


def sending_grace(config) -> timedelta:
    """How long a message may stay "sending" before its outcome is looked into: a live send
    has Twilio's answer, or gives up, within HSBP_SMS_SEND_TIMEOUT."""
    return timedelta(seconds=float(config["SMS_SEND_TIMEOUT"])) + MARGIN


def _causes(error: BaseException) -> Iterator[BaseException]:
    """The error and what it wraps: requests' and urllib3's own (args, reason), and Python's."""
    seen: set[int] = set()
    stack = [error]
    while stack:
        current = stack.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        wrapped = [getattr(current, "reason", None), current.__cause__, current.__context__]
        wrapped += [arg for arg in getattr(current, "args", ()) if isinstance(arg, BaseException)]
        stack.extend(item for item in wrapped if isinstance(item, BaseException))


def describe(error: BaseException) -> str:
    """What went wrong with a request to Twilio, for the log and the outbox: the kinds of
    error and the system's words ("Connection refused"), never the error's own text, which
    quotes the URL (a list's names the phone number) or Twilio's answer."""
    causes = list(_causes(error))
    names = dict.fromkeys(type(cause).__name__ for cause in causes if cause is not error)
    detail = next(
        (cause.strerror for cause in causes if isinstance(cause, OSError) and cause.strerror),
        "",
    )
    if not detail and any(isinstance(cause, TimeoutError | requests.Timeout) for cause in causes):
        detail = "timed out"
    if not detail:
        detail = next((c.reason for c in causes if isinstance(c, ssl.SSLError) and c.reason), "")
    inside = f" ({', '.join(names)})" if names else ""
    return f"{type(error).__name__}{inside}" + (f": {detail}" if detail else "")


def never_left(error: BaseException) -> bool:
    """Whether a failed request surely never reached Twilio: it failed while connecting (the
    address refused it or did not resolve, no route, a proxy refused the tunnel) or in the
    TLS handshake (a certificate refused), before a byte of the request was written. Any
    other failure, a time-out waiting for the answer or a connection dropped while it was
    read, may come after Twilio took the message."""
    if isinstance(error, requests.ConnectTimeout):
        return True
    if not isinstance(error, requests.ConnectionError):
        return False
    for cause in _causes(error):
        if isinstance(cause, ConnectTimeoutError | ProxyError):  # NewConnectionError, DNS too
            return True
        if isinstance(cause, ssl.SSLError):
            frames = traceback.walk_tb(cause.__traceback__)
            return any(frame.f_code.co_name == "do_handshake" for frame, _line in frames)
    return False


def resolve(message_id: int, *, max_attempts: int, now: datetime | None = None) -> Verdict:
    """Settle a message left "sending" for longer than `sending_grace` by asking Twilio.

    Side effects: the row is leased first (`updated_at` now), so a second sweeper leaves it
    alone; then it becomes "sent" (Twilio's sid, status and time; a confidential text
    blanked), "queued" again (`updated_at` now; the caller hands it to the queue), or
    "failed" once tried `max_attempts` times. Every write names the attempt it settles, so
    a newer attempt of the same message is never touched. Commits its own units of work;
    no transaction is open while Twilio is asked.
    """
    now = now or utcnow()
    grace = sending_grace(current_app.config)
    row = _lease(message_id, now=now, grace=grace)
    if row is None:
        return Verdict.SKIPPED
    try:
        found = _at_twilio(row)
    except (TwilioException, requests.RequestException) as error:
        log.warning("SMS %s: Twilio could not be asked (%s), later", message_id, describe(error))
        return Verdict.UNKNOWN
    return _settle(message_id, row, found, max_attempts=max_attempts, now=now)


def _lease(message_id: int, *, now: datetime, grace: timedelta):
    """Take the message to look into, if it is still "sending" and untouched for `grace`,
    and read what the search needs."""
    session = db.session()
    leased = session.execute(
        update(OutboundMessage)
        .where(
            OutboundMessage.id == message_id,
            OutboundMessage.status == OutboundStatus.SENDING,
            OutboundMessage.updated_at < now - grace,
        )
        .values(updated_at=now),
        execution_options=CORE,
    )
    row = None
    if leased.rowcount:
        row = session.execute(
            select(
                OutboundMessage.sender,
                OutboundMessage.body,
                OutboundMessage.attempts,
                OutboundMessage.confidential,
                OutboundMessage.sent_at,
                OutboundMessage.created_at,
                Contact.phone,
                Contact.simulated,
            )
            .join(Contact, Contact.id == OutboundMessage.contact_id)
            .where(OutboundMessage.id == message_id)
        ).one()
    db.finish(commit=True)
    return row


def _search_client() -> Client:
    """A client like the sender's (hsbp.sms.transport: credentials, API base, time-out)
    that logs no request."""
    app = current_app
    cached = app.extensions.get("hsbp.twilio.search")
    if cached is None:
        sender = client(app)
        http = TwilioHttpClient(timeout=app.config["SMS_SEND_TIMEOUT"], logger=SEARCH_LOG)
        http.session.trust_env = sender.http_client.session.trust_env
        cached = Client(sender.username, sender.password, http_client=http)
        cached.api.base_url = sender.api.base_url
        app.extensions["hsbp.twilio.search"] = cached
    return cached


def _at_twilio(row):
    """Twilio's record of this message, or None: the oldest message it holds to the number
    from the sender, with this text, created since the attempt, whose sid no row has."""
    since = (row.sent_at or row.created_at) - SKEW
    query = {"to": row.phone, "date_sent_after": since.date().isoformat(), "limit": LISTED}
    by_service = row.sender.startswith("MG")
    if not by_service:
        query["from_"] = row.sender
    text = encoding.normalise(row.body)
    candidates = [
        message
        for message in _search_client().messages.list(**query)
        if (message.messaging_service_sid if by_service else message.from_) == row.sender
        and message.date_created is not None
        and message.date_created >= since
        and (message.body == row.body or encoding.normalise(message.body or "") == text)
    ]
    if not candidates:
        return None
    sids = [message.sid for message in candidates]
    session = db.session()
    recorded = set(
        session.scalars(
            select(OutboundMessage.provider_sid).where(OutboundMessage.provider_sid.in_(sids))
        )
    )
    db.finish(commit=False)
    free = [message for message in candidates if message.sid not in recorded]
    return min(free, key=lambda message: message.date_created) if free else None


def _settle(message_id: int, row, found, *, max_attempts: int, now: datetime) -> Verdict:
    this_attempt = (
        OutboundMessage.id == message_id,
        OutboundMessage.status == OutboundStatus.SENDING,
        OutboundMessage.attempts == row.attempts,
    )
    blank = row.confidential and not row.simulated
    if found is not None:
        status = OutboundStatus(found.status) if found.status in FINAL else OutboundStatus.SENT
        values = {
            "status": status,
            "provider_sid": found.sid,
            "sent_at": found.date_sent or found.date_created,
            "error_code": found.error_code,
            "error_message": "",
        }
        verdict = Verdict.SENT
    elif row.attempts >= max_attempts:
        values = {"status": OutboundStatus.FAILED, "error_code": None}
        values["error_message"] = GAVE_UP.format(attempts=row.attempts)
        verdict = Verdict.FAILED
    else:
        values = {"status": OutboundStatus.QUEUED, "sent_at": None, "error_code": None}
        values.update(error_message=NOT_AT_TWILIO, updated_at=now)
        verdict, blank = Verdict.QUEUED, False
    if blank:
        values["body"] = ""  # sent, or never to be: the log keeps no copy of a confidential text
    session = db.session()
    try:
        changed = session.execute(
            update(OutboundMessage).where(*this_attempt).values(**values), execution_options=CORE
        ).rowcount
        db.finish(commit=True)
    except IntegrityError:
        # Another row took that sid in the meantime: the next look searches again.
        db.finish(commit=False)
        return Verdict.UNKNOWN
    if not changed:
        return Verdict.SKIPPED
    log.warning("SMS %s: outcome unknown, settled by asking Twilio: %s", message_id, verdict)
    return verdict
