"""Outbound SMS: a row first, then the queue, then Twilio; retried when Twilio falters.

Transient failures (429, 5xx, network, time-outs) are retried with growing delays for
about half an hour, which outlasts a ten-minute Twilio outage; permanent ones are recorded
with Twilio's error code. Opt-out is checked again at the moment of sending, so a STOP that
arrives in the middle of a broadcast stops the rest of it.
"""

from __future__ import annotations

import functools
import logging
import threading
import time

import requests
from flask import current_app
from sqlalchemy import Engine, bindparam, select, update
from sqlalchemy.orm import Session
from twilio.base.exceptions import TwilioRestException

from hsbp import db
from hsbp.db import utcnow
from hsbp.extensions import app_task
from hsbp.paths import public_url
from hsbp.sms import encoding
from hsbp.sms.contacts import opt_out
from hsbp.sms.handlers import registry
from hsbp.sms.models import Contact, OutboundMessage, OutboundStatus
from hsbp.sms.transport import client

log = logging.getLogger("hsbp.sms")
MAX_ATTEMPTS = 12
# UPDATEs that leave the session's objects alone: the worker holds none of those rows.
CORE = {"synchronize_session": False}
OPTED_OUT_CODE = 21610
# Status only moves forward: a late "sent" callback must not undo "delivered".
STATUS_RANK = {
    OutboundStatus.QUEUED: 0,
    OutboundStatus.SENDING: 1,
    OutboundStatus.SENT: 2,
    OutboundStatus.DELIVERED: 3,
    OutboundStatus.UNDELIVERED: 3,
    OutboundStatus.FAILED: 3,
    OutboundStatus.CANCELLED: 3,
}


def retry_delay(attempts: int) -> float:
    """5 s, 10 s, 20 s ... capped at 5 minutes: 12 attempts span about 32 minutes."""
    return min(5 * 2 ** max(attempts - 1, 0), 300)


def make_outbound(
    session: Session,
    *,
    contact: Contact,
    body: str,
    sender: str,
    kind: str,
    partnership_id: int | None = None,
    broadcast_id: int | None = None,
    reply_to_id: int | None = None,
    status: str = OutboundStatus.QUEUED,
    confidential: bool = False,
) -> OutboundMessage:
    """A message row, its text cleaned of look-alike characters and measured. It is
    confidential when asked, or when its kind is one a feature registered as confidential:
    shown on no page, and its text blanked once it is sent (or will never be)."""
    text = encoding.normalise(body)
    size = encoding.measure(text)
    message = OutboundMessage(
        partnership_id=partnership_id,
        contact_id=contact.id,
        sender=sender,
        body=text,
        encoding=size.encoding,
        segments=size.segments,
        kind=kind,
        status=status,
        broadcast_id=broadcast_id,
        reply_to_id=reply_to_id,
        confidential=confidential or kind in registry().confidential_kinds,
    )
    session.add(message)
    session.flush()
    return message


def queue_sms(session: Session, **fields) -> OutboundMessage:
    """Save a message and hand it to the queue once the transaction commits (the fields of
    `make_outbound`; `confidential=True` for a text of a confidential flow)."""
    message = make_outbound(session, **fields)
    message_id = message.id
    db.after_commit(lambda: send_outbound(message_id))
    return message


class Throttle:
    """At most `rate` sends a second per sender, in this worker process."""

    def __init__(self):
        self._lock = threading.Lock()
        self._next: dict[str, float] = {}

    def wait(self, sender: str, rate: float) -> None:
        if rate <= 0:
            return
        with self._lock:
            now = time.monotonic()
            slot = max(now, self._next.get(sender, now))
            self._next[sender] = slot + 1 / rate
        if slot > now:
            time.sleep(slot - now)


throttle = Throttle()


@app_task()
def send_outbound(message_id: int) -> None:
    """Send one queued message through Twilio (the task the worker runs).

    Claim, send, record, and no transaction is open while Twilio is asked: on SQLite an
    open one would hold the database's write lock for the whole request (against the real
    Twilio, a tenth of a second or more), stopping every other send and every page that
    writes. A crash between the claim and the record leaves the row "sending", and it is
    not sent again by itself: Twilio's API offers no key to tell whether it went, and a
    message twice is worse than a message shown as stuck.
    """
    claimed = _claim(message_id)
    db.finish(commit=True)
    if claimed is None:
        return  # already sent, cancelled, or the number opted out
    sender, params, blank = claimed
    throttle.wait(sender, current_app.config["SMS_RATE_PER_SECOND"])
    try:
        sent = client().messages.create(**params)
    except TwilioRestException as error:
        outcome = dict(status=error.status, code=error.code, text=error.msg)
    except requests.RequestException as error:
        outcome = dict(status=None, code=None, text=str(error)[:500])
    else:
        outcome = None
    if outcome is not None:
        session = db.session()
        _failed(session, session.get(OutboundMessage, message_id), **outcome)
        return
    session = _one_statement_session()
    # A confidential text is Twilio's to deliver now: the log keeps no copy of it.
    values = {"message_id": message_id, "sid": sent.sid, "now": utcnow()}
    session.execute(
        _statements(session.get_bind().dialect.name)["sent_blank" if blank else "sent"],
        {**values, "blank": ""} if blank else values,
        execution_options=CORE,
    )


def _one_statement_session() -> Session:
    """A session for work that is one statement at a time: on PostgreSQL it runs them in
    autocommit, one round trip each instead of three (BEGIN, the statement, COMMIT)."""
    session = db.session()
    bind = session.get_bind()
    if isinstance(bind, Engine) and bind.dialect.name == "postgresql":
        session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
    return session


@functools.cache
def _statements(dialect: str) -> dict:
    """The statements of every send, built once (building them cost more than running)."""
    message = OutboundMessage
    claim = (
        update(message)
        .where(message.id == bindparam("message_id"), message.status == OutboundStatus.QUEUED)
        .values(status=OutboundStatus.SENDING, attempts=message.attempts + 1)
        .returning(
            message.sender, message.body, message.kind, message.contact_id, message.confidential
        )
    )
    contact = select(Contact.phone, Contact.opted_out, Contact.simulated).where(
        Contact.id == bindparam("contact_id")
    )
    if dialect == "postgresql":
        # One round trip instead of two: the claim and the contact's number together.
        claimed = claim.cte("claimed")
        claim = select(
            claimed.c.sender,
            claimed.c.body,
            claimed.c.kind,
            claimed.c.confidential,
            Contact.phone,
            Contact.opted_out,
            Contact.simulated,
        ).join(Contact, Contact.id == claimed.c.contact_id)
        contact = None
    sent = (
        update(message)
        .where(message.id == bindparam("message_id"))
        .values(
            provider_sid=bindparam("sid"),
            status=OutboundStatus.SENT,
            sent_at=bindparam("now"),
            error_code=None,
            error_message="",
        )
    )
    return {
        "claim": claim,
        "contact": contact,
        "sent": sent,
        "sent_blank": sent.values(body=bindparam("blank")),
    }


def _claim(message_id: int) -> tuple[str, dict, bool] | None:
    """Mark a queued message "sending" and return its sender, Twilio's parameters and whether
    its text is blanked once sent; None when it must not go: not queued (sent, being sent,
    cancelled), or its number opted out (checked now, at send time). The claim is one
    conditional UPDATE, so two workers handed the same message never both send it."""
    session = _one_statement_session()
    statements = _statements(session.get_bind().dialect.name)
    claimed = session.execute(
        statements["claim"], {"message_id": message_id}, execution_options=CORE
    ).one_or_none()
    if claimed is None:
        return None
    if statements["contact"] is None:
        phone, opted_out, simulated = claimed.phone, claimed.opted_out, claimed.simulated
    else:
        phone, opted_out, simulated = session.execute(
            statements["contact"], {"contact_id": claimed.contact_id}
        ).one()
    # A training number of the phone simulator keeps its texts, for its screen.
    blank = claimed.confidential and not simulated
    if opted_out and claimed.kind != "stop_confirmation":
        cancelled = {"status": OutboundStatus.CANCELLED, "error_message": "opted out"}
        session.execute(
            update(OutboundMessage)
            .where(OutboundMessage.id == message_id)
            .values(**cancelled, **({"body": ""} if blank else {})),
            execution_options=CORE,
        )
        return None
    params = {
        "to": phone,
        "body": claimed.body,
        "status_callback": public_url("sms.status_callback"),
    }
    if claimed.sender.startswith("MG"):
        params["messaging_service_sid"] = claimed.sender
    else:
        params["from_"] = claimed.sender
    return claimed.sender, params, blank


def _failed(session: Session, message: OutboundMessage, *, status, code, text: str) -> None:
    message.error_code, message.error_message = code, text or ""
    transient = status is None or status == 429 or status >= 500
    if code == OPTED_OUT_CODE:
        opt_out(session, contact=message.contact, channel="provider", note="Twilio 21610")
    if transient and message.attempts < MAX_ATTEMPTS:
        message.status = OutboundStatus.QUEUED
        delay = retry_delay(message.attempts)
        message_id = message.id
        log.warning("SMS %s: retry in %ss after %s %s", message_id, delay, status, code)
        db.after_commit(lambda: send_outbound.schedule((message_id,), delay=delay))
        return
    message.status = OutboundStatus.FAILED
    if message.confidential and not message.contact.simulated:
        message.body = ""  # never sent again: the log keeps no copy of a confidential text


def apply_status(session: Session, *, sid: str, status: str, error_code: str | None) -> bool:
    """Record a delivery report from Twilio. Returns False for an unknown message."""
    message = session.scalar(select(OutboundMessage).where(OutboundMessage.provider_sid == sid))
    if message is None:
        return False
    try:
        new = OutboundStatus(status)
    except ValueError:
        return True  # statuses we do not track (accepted, scheduled, read...)
    if STATUS_RANK[new] >= STATUS_RANK[OutboundStatus(message.status)] and new != message.status:
        message.status = new
        if error_code and error_code.isdigit():
            message.error_code = int(error_code)
    if error_code == str(OPTED_OUT_CODE):
        opt_out(session, contact=message.contact, channel="provider", note="Twilio 21610")
    return True
