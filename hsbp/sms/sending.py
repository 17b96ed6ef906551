"""Outbound SMS: a row first, then the queue, then Twilio; retried when Twilio falters.

Transient failures (429, 5xx, network, time-outs) are retried with growing delays for
about half an hour, which outlasts a ten-minute Twilio outage; permanent ones are recorded
with Twilio's error code. Opt-out is checked again at the moment of sending, so a STOP that
arrives in the middle of a broadcast stops the rest of it.
"""

from __future__ import annotations

import logging
import threading
import time

import requests
from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload
from twilio.base.exceptions import TwilioRestException

from hsbp import db
from hsbp.db import utcnow
from hsbp.extensions import app_task
from hsbp.paths import public_url
from hsbp.sms import encoding
from hsbp.sms.models import Contact, OutboundMessage, OutboundStatus
from hsbp.sms.transport import client

log = logging.getLogger("hsbp.sms")
MAX_ATTEMPTS = 12
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
) -> OutboundMessage:
    """A message row, its text cleaned of look-alike characters and measured."""
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
    )
    session.add(message)
    session.flush()
    return message


def queue_sms(session: Session, **fields) -> OutboundMessage:
    """Save a message and hand it to the queue once the transaction commits."""
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

    One unit of work per message: a crash between Twilio's answer and our commit leaves the
    row queued, and the retry may then send it a second time; Twilio's API offers no key
    to prevent that, so the window is kept as short as one request.
    """
    session = db.session()
    message = session.scalar(
        select(OutboundMessage)
        .options(joinedload(OutboundMessage.contact))
        .where(OutboundMessage.id == message_id)
    )
    if message is None or message.status not in (OutboundStatus.QUEUED, OutboundStatus.SENDING):
        return  # already sent, or cancelled: never send twice
    if message.contact.opted_out and message.kind != "stop_confirmation":
        message.status, message.error_message = OutboundStatus.CANCELLED, "opted out"
        return
    message.status = OutboundStatus.SENDING
    message.attempts += 1
    throttle.wait(message.sender, current_app.config["SMS_RATE_PER_SECOND"])
    sender = message.sender
    params = {
        "to": message.contact.phone,
        "body": message.body,
        "status_callback": public_url("sms.status_callback"),
    }
    if sender.startswith("MG"):
        params["messaging_service_sid"] = sender
    else:
        params["from_"] = sender
    try:
        sent = client().messages.create(**params)
    except TwilioRestException as error:
        _failed(session, message, status=error.status, code=error.code, text=error.msg)
        return
    except requests.RequestException as error:
        _failed(session, message, status=None, code=None, text=str(error)[:500])
        return
    message.provider_sid = sent.sid
    message.status = OutboundStatus.SENT
    message.sent_at = utcnow()
    message.error_code, message.error_message = None, ""


def _failed(session: Session, message: OutboundMessage, *, status, code, text: str) -> None:
    message.error_code, message.error_message = code, text or ""
    transient = status is None or status == 429 or status >= 500
    if code == OPTED_OUT_CODE:
        from hsbp.sms.contacts import opt_out

        opt_out(session, contact=message.contact, channel="provider", note="Twilio 21610")
    if transient and message.attempts < MAX_ATTEMPTS:
        message.status = OutboundStatus.QUEUED
        delay = retry_delay(message.attempts)
        message_id = message.id
        log.warning("SMS %s: retry in %ss after %s %s", message_id, delay, status, code)
        db.after_commit(lambda: send_outbound.schedule((message_id,), delay=delay))
        return
    message.status = OutboundStatus.FAILED


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
        from hsbp.sms.contacts import opt_out

        opt_out(session, contact=message.contact, channel="provider", note="Twilio 21610")
    return True
