"""Receiving a message: store it first (once per MessageSid), then route it."""

from __future__ import annotations

import logging

from sqlalchemy.exc import IntegrityError

from hsbp import db
from hsbp.extensions import app_task
from hsbp.sms import contacts, router, sending, spool
from hsbp.sms.models import InboundMessage, OutboundStatus

log = logging.getLogger("hsbp.sms")
MAX_BODY = 1600


def clean_body(body: str) -> str:
    """Keep what a person wrote, minus control characters that no phone shows."""
    kept = "".join(ch for ch in body if ch in "\n\t" or ch.isprintable())
    return kept[:MAX_BODY]


def store(params: dict) -> InboundMessage | None:
    """Save a posted message and commit at once, so it is never lost whatever happens next.
    Returns None for a MessageSid already stored (a repeated delivery)."""
    session = db.session()
    raw_from = (params.get("From") or "").strip()
    phone = contacts.e164(raw_from) or ""
    message = InboundMessage(
        provider_sid=params["MessageSid"][:64],
        from_phone=phone or raw_from[:40],
        from_hash=contacts.phone_hash(phone or raw_from[:40]),
        to_number=(params.get("To") or "").strip()[:40],
        body=clean_body(params.get("Body") or ""),
    )
    session.add(message)
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        return None
    if not phone:
        message.route = "invalid_sender"
    return message


def act(message: InboundMessage) -> list[str]:
    """Route a stored message; a fault in a handler is logged, never lost or a 500."""
    session = db.session()
    if message.route == "invalid_sender":
        session.commit()
        return []
    try:
        with session.begin_nested():
            replies = router.route(session, message)
    except Exception:
        log.exception("SMS %s could not be routed", message.provider_sid)
        message.route = "error"
        replies = []
    return replies


def record_replies(message: InboundMessage, replies: list[str], *, via_queue: bool) -> None:
    """Replies are rows like every other outgoing message: sent in the TwiML answer, or
    through the queue when the answer already went (messages drained from the spool)."""
    session = db.session()
    if not replies or message.contact_id is None:
        return
    contact = message.contact
    for body in replies:
        fields = dict(
            contact=contact,
            body=body,
            sender=message.to_number,
            kind="reply",
            partnership_id=message.partnership_id,
            reply_to_id=message.id,
        )
        if via_queue:
            sending.queue_sms(session, **fields)
        else:
            sending.make_outbound(session, status=OutboundStatus.SENT, **fields)


@app_task()
def drain_spool() -> int:
    """Store and route every spooled message, oldest first; replies go through the queue."""
    done = 0
    for path in spool.pending():
        params = spool.read(path)
        message = store(params)
        if message is not None:
            replies = act(message)
            record_replies(message, replies, via_queue=True)
            db.finish(commit=True)
        path.unlink()
        done += 1
    return done
