"""Outbound SMS: a row first, then the queue, then Twilio; retried when Twilio falters.

Transient failures (429, 5xx, time-outs) are retried with growing delays for about half an
hour, which outlasts a ten-minute Twilio outage; permanent ones are recorded with Twilio's
error code. Opt-out is checked again at the moment of sending, so a STOP that arrives in the
middle of a broadcast stops the rest of it.

A row is "sending" only while Twilio is asked (the throttle's wait comes before). A request
that never left (Twilio's address refused the connection or did not resolve, its certificate
was refused) puts the row back to "queued", uncounted, and it is tried again for as long as
it takes. A request that may have reached Twilio without its answer coming back (a time-out,
a dropped connection, a worker killed mid-way) leaves the row "sending": it is neither sent
again blindly (a second SMS) nor failed (a lost one); hsbp.sms.outcome asks Twilio. A
database that fails after Twilio took the message leaves the sid to a task that records it.

`updated_at` of a queued row says when its task is due: now, or when its retry comes round.
The sweep (hsbp.sms.sweeper) hands over a row whose task is overdue, and only those.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from datetime import timedelta

import requests
from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session
from twilio.base.exceptions import TwilioRestException

from hsbp import db
from hsbp.db import utcnow
from hsbp.extensions import DATABASE_OUTAGE, Outage, app_task, is_transient_database_error
from hsbp.sms import encoding, outcome, send_rows
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
    OutboundStatus.WITHHELD: 3,
}
# Twilio out of reach: a message waits 2 s, then longer the longer it lasts, 30 s at most.
TWILIO_OUTAGE = Outage(first=2.0, cap=30.0)


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
    shown on no page, and its text blanked once it is sent (or will never be).

    A message to be sent that a registered check refuses (no consent to what its kind is
    for) is "withheld": kept as a row for the record, never handed to Twilio, its text
    blanked when confidential, as a cancelled one's is."""
    text = encoding.normalise(body)
    size = encoding.measure(text)
    confidential = confidential or kind in registry().confidential_kinds
    withheld = None
    if status == OutboundStatus.QUEUED:
        withheld = registry().withheld(
            session, contact=contact, partnership_id=partnership_id, kind=kind
        )
    if withheld is not None:
        status = OutboundStatus.WITHHELD
        text = "" if confidential and not contact.simulated else text
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
        confidential=confidential,
        error_message=withheld or "",
    )
    session.add(message)
    session.flush()
    return message


def queue_sms(session: Session, **fields) -> OutboundMessage:
    """Save a message and hand it to the queue once the transaction commits (the fields of
    `make_outbound`; `confidential=True` for a text of a confidential flow)."""
    message = make_outbound(session, **fields)
    if message.status != OutboundStatus.QUEUED:
        return message  # withheld: nothing to send
    message_id, sender = message.id, message.sender
    db.after_commit(lambda: hand_over(send_outbound, (message_id, sender)))
    return message


def hand_over(task, args: tuple, delay: float | None = None) -> None:
    """Give the queue a task of a message (at once, or after `delay` seconds). A queue out
    of reach loses nothing: the row is saved, and the sweep hands it over once it is back."""
    try:
        if delay:
            task.schedule(args, delay=delay)
        else:
            task(*args)
    except Exception as error:
        log.warning(
            "SMS %s: not handed to the queue (%s); the sweep will", args[0], type(error).__name__
        )


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
def send_outbound(message_id: int, sender: str | None = None) -> None:
    """Send one queued message through Twilio (the task the worker runs); `sender`, when the
    queue was given it, saves reading it for the throttle.

    Claim, send, record, and no transaction is open while Twilio is asked: on SQLite an
    open one would hold the database's write lock for the whole request (against the real
    Twilio, a tenth of a second or more), stopping every other send and every page that
    writes. The claim is one conditional UPDATE, so a message handed over twice (a sweep,
    a restart) is sent once. A database error before the request is the queue's to retry.
    """
    twilio = client()  # a settings fault shows here, before anything is claimed
    rate = current_app.config["SMS_RATE_PER_SECOND"]
    if rate > 0:
        sender = sender or send_rows.waiting_sender(message_id)
        if sender is None:
            return  # already sent, cancelled or being sent
        # Before the claim: a message held back by the throttle is still "queued", so the
        # sweep never takes a wait for a lost send.
        throttle.wait(sender, rate)
    claimed = send_rows.claim(message_id)
    db.finish(commit=True)
    if claimed is None:
        return  # already sent, cancelled, being sent, or the number opted out
    sender, params, blank = claimed
    started = time.monotonic()
    try:
        sent = twilio.messages.create(**params)
    except TwilioRestException as error:
        TWILIO_OUTAGE.ended()  # it answered: nothing was sent, and it says why
        session = db.session()
        message = session.get(OutboundMessage, message_id)
        _failed(session, message, status=error.status, code=error.code, text=error.msg)
        return
    except Exception as error:
        if isinstance(error, requests.RequestException) and outcome.never_left(error):
            _put_back(message_id, sender, error)
        else:
            _unsure(message_id, error, started)
        return
    TWILIO_OUTAGE.ended()
    _record_sent(message_id, sent.sid, blank)


@app_task()
def record_sent(message_id: int, sid: str, blank: bool) -> None:
    """Record Twilio's sid of a message it took while the database was out of reach."""
    send_rows.write_sent(message_id, sid, blank)


@app_task()
def resolve_outbound(message_id: int) -> None:
    """Settle a message whose send had no answer, by asking Twilio (hsbp.sms.outcome)."""
    settle(message_id)


def settle(message_id: int, **options) -> outcome.Verdict:
    """Ask Twilio about a message left "sending" (`outcome.resolve`) and hand it back to the
    queue if Twilio does not have it."""
    verdict = outcome.resolve(message_id, max_attempts=MAX_ATTEMPTS, **options)
    if verdict == outcome.Verdict.QUEUED:
        hand_over(send_outbound, (message_id,))
    return verdict


def _record_sent(message_id: int, sid: str, blank: bool) -> None:
    """Twilio took the message: record its sid now or, the database being out of reach, by
    a task of its own once it is back (the sweep would find it at Twilio otherwise)."""
    try:
        send_rows.write_sent(message_id, sid, blank)
        db.finish(commit=True)
    except SQLAlchemyError as error:
        with contextlib.suppress(SQLAlchemyError):
            db.finish(commit=False)
        if not is_transient_database_error(error):
            raise
        log.warning(
            "SMS %s: taken by Twilio as %s, recorded once the database is back", message_id, sid
        )
        hand_over(record_sent, (message_id, sid, blank), delay=DATABASE_OUTAGE.failed())


def _put_back(message_id: int, sender: str, error: BaseException) -> None:
    """The request never reached Twilio: the message is queued again, the attempt uncounted,
    and its task comes round after a pause that grows with the outage."""
    delay = TWILIO_OUTAGE.failed()
    session = send_rows.one_statement_session()
    back = session.execute(
        update(OutboundMessage)
        .where(OutboundMessage.id == message_id, OutboundMessage.status == OutboundStatus.SENDING)
        .values(
            status=OutboundStatus.QUEUED,
            attempts=OutboundMessage.attempts - 1,
            sent_at=None,
            error_code=None,
            error_message=f"Twilio not reached, sending again: {outcome.describe(error)}",
            updated_at=utcnow() + timedelta(seconds=delay),
        ),
        execution_options=CORE,
    ).rowcount
    reason = outcome.describe(error)
    log.warning("SMS %s: Twilio not reached (%s), again in %.1f s", message_id, reason, delay)
    if back:
        db.after_commit(lambda: hand_over(send_outbound, (message_id, sender), delay))


def _unsure(message_id: int, error: BaseException, started: float) -> None:
    """The request may have reached Twilio: the message stays "sending", and Twilio is asked
    once a live send would have had its answer. `updated_at` keeps the attempt's time."""
    session = send_rows.one_statement_session()
    session.execute(
        update(OutboundMessage)
        .where(OutboundMessage.id == message_id, OutboundMessage.status == OutboundStatus.SENDING)
        .values(
            error_code=None,
            error_message=f"no answer from Twilio, asking it: {outcome.describe(error)}",
            updated_at=OutboundMessage.updated_at,
        ),
        execution_options=CORE,
    )
    grace = outcome.sending_grace(current_app.config).total_seconds()
    delay = max(grace - (time.monotonic() - started), 0.0) + 1.0
    reason = outcome.describe(error)
    log.warning(
        "SMS %s: no answer from Twilio (%s), asking it in %.0f s", message_id, reason, delay
    )
    db.after_commit(lambda: hand_over(resolve_outbound, (message_id,), delay))


def _failed(session: Session, message: OutboundMessage, *, status, code, text: str) -> None:
    """Twilio answered with an error, so it sent nothing: a transient one is retried later,
    a permanent one is final."""
    message.error_code, message.error_message = code, text or ""
    message.sent_at = None
    transient = status is None or status == 429 or status >= 500
    if code == OPTED_OUT_CODE:
        opt_out(session, contact=message.contact, channel="provider", note="Twilio 21610")
    if transient and message.attempts < MAX_ATTEMPTS:
        message.status = OutboundStatus.QUEUED
        delay = retry_delay(message.attempts)
        message.updated_at = utcnow() + timedelta(seconds=delay)  # when its task is due
        message_id, sender = message.id, message.sender
        log.warning("SMS %s: retry in %ss after %s %s", message_id, delay, status, code)
        db.after_commit(lambda: hand_over(send_outbound, (message_id, sender), delay))
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
