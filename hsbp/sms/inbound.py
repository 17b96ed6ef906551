"""Receiving a message: store it first (once per MessageSid), then route it."""

from __future__ import annotations

import logging
from datetime import timedelta

from huey import crontab
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from hsbp import db
from hsbp.db import utcnow
from hsbp.extensions import app_task, queue, queue_app
from hsbp.phones import e164
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

    Returns None for a MessageSid already stored and acted on (a repeated delivery). One
    stored but never routed (a fault between the two steps) is returned again to be routed.
    """
    session = db.session()
    raw_from = (params.get("From") or "").strip()
    phone = e164(raw_from) or ""
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
        earlier = router.inbound_by_sid(session, message.provider_sid)
        return earlier if earlier is not None and not earlier.route else None
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
    except SQLAlchemyError:
        raise  # the database itself failed: the caller defers the message
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
def route_later(message_id: int) -> None:
    """Route a stored message whose routing failed in the webhook; replies go by the queue."""
    message = db.session().get(InboundMessage, message_id)
    if message is None or message.route:
        return
    record_replies(message, act(message), via_queue=True)


@queue.periodic_task(crontab(minute="*"))
def route_stragglers() -> None:
    """Once a minute: messages stored but left unrouted (a crash, a lost database) for more
    than a minute are routed now, so nothing that reached us goes unanswered."""
    app = queue_app()
    with app.app_context():
        cutoff = utcnow() - timedelta(minutes=1)
        ids = (
            db.session()
            .scalars(
                select(InboundMessage.id).where(
                    InboundMessage.route == "", InboundMessage.received_at < cutoff
                )
            )
            .all()
        )
        db.finish(commit=False)
    for message_id in ids:
        route_later.call_local(message_id)


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
