"""Receiving a message: store it at once (once per MessageSid), route it in the worker.

The webhook (hsbp.sms.intake) does the least that keeps a message safe: one INSERT and a
commit, or a file in the local spool when the database is down. The table of stored
messages is itself the work list: the worker's router picks up every message not routed
yet, oldest first, and routes it (keywords, feature handlers, the inbox); the replies are
outgoing rows sent through the REST API like every other message, so they are retried and
tracked. As with RapidPro's courier, a burst of answers to a broadcast is accepted as fast
as Twilio delivers it, a slow handler can never make Twilio time out, and the webhook keeps
working while the queue is down.
"""

from __future__ import annotations

import functools
import logging
import re
import threading
import time
from datetime import datetime

from flask import Flask
from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError

from hsbp import db
from hsbp.db import Sealed, field_cipher, utcnow
from hsbp.extensions import app_task, queue
from hsbp.phones import e164
from hsbp.sms import contacts, router, sending, spool
from hsbp.sms.handlers import is_confidential_text, registry
from hsbp.sms.models import Contact, InboundMessage

log = logging.getLogger("hsbp.sms")
MAX_BODY = 1600
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # C0 and C1, but \t and \n
E164_SHAPE = re.compile(r"\+[1-9][0-9]{6,14}")
POLL_SECONDS = 0.2  # how often an idle router looks for new messages
BATCH = 200


def clean_body(body: str) -> str:
    """Keep what a person wrote, minus control characters that no phone shows. Format
    characters stay: the joiners inside emoji and the direction marks of Arabic text."""
    return CONTROL.sub("", body)[:MAX_BODY]


@functools.cache
def _insert(dialect: str):
    """INSERT ... ON CONFLICT (provider_sid) DO NOTHING RETURNING id, built once."""
    build = {"sqlite": sqlite.insert, "postgresql": postgresql.insert}[dialect]
    return (
        build(InboundMessage.__table__)
        .on_conflict_do_nothing(index_elements=["provider_sid"])
        .returning(InboundMessage.__table__.c.id)
    )


def store(app: Flask, params: dict, received_at: datetime | None = None) -> int | None:
    """Save a posted message and commit at once, so it is never lost whatever happens next.

    Returns the new row's id, or None for a MessageSid stored before: a repeated delivery
    is acknowledged and acted on once (the first copy is routed). Needs no app context: the
    webhook calls it in front of Flask, on the database's intake engine.
    """
    raw_from = (params.get("From") or "").strip()
    # Twilio sends E.164; anything else is read by phonenumbers. The router checks that the
    # number is a valid one before answering it (the parse costs more than the INSERT).
    phone = raw_from if E164_SHAPE.fullmatch(raw_from) else (e164(raw_from) or "")
    sender = phone or raw_from[:40]
    cipher = field_cipher(app)
    # Everything is computed and encrypted before the transaction starts: on SQLite the
    # write lock is then held for the INSERT and its commit only.
    values = {
        "provider_sid": params["MessageSid"][:64],
        "from_phone": Sealed(cipher.encrypt(sender)),
        "from_hash": cipher.lookup_hash(sender),
        "to_number": (params.get("To") or "").strip()[:40],
        "body": Sealed(cipher.encrypt(clean_body(params.get("Body") or ""))),
        "received_at": received_at or utcnow(),
        # A sender that is no phone number is kept for the record and never answered.
        "route": "" if phone else "invalid_sender",
        "in_inbox": False,
    }
    with db.database(app).intake_sessions() as session:
        connection = session.connection()
        message_id = connection.execute(_insert(connection.dialect.name), values).scalar()
        session.commit()
    return message_id


def accept(app: Flask, params: dict) -> None:
    """Store a message from the webhook; if the database cannot take it, spool it to local
    disk (drained by the router once the database is back). Never raises."""
    try:
        message_id = store(app, params)
    except Exception:
        log.exception("SMS %s: not stored, spooled", str(params.get("MessageSid"))[:64])
        spool.write(params, app)
        return
    if message_id is not None and queue.immediate:
        # Tests and scripts run tasks at once; there is no router thread to wait for.
        with app.app_context():
            route_message(message_id)


def act(message: InboundMessage) -> list[str]:
    """Route a stored message; a fault in a handler is logged, never lost."""
    session = db.session()
    try:
        with session.begin_nested():
            replies = router.route(session, message)
    except SQLAlchemyError:
        raise  # the database itself failed: the router tries again later
    except Exception:
        log.exception("SMS %s could not be routed", message.provider_sid)
        message.route = "error"
        # Whether it belonged to a confidential flow is unknown: it is kept whole (nothing
        # stored it yet) for whoever looks into the fault, and shown on no page.
        message.confidential = True
        replies = []
    seal(message)
    return replies


def seal(message: InboundMessage) -> None:
    """Once a message is routed: a message of a confidential flow leaves every inbox and, its
    handler having stored what it needs in this same transaction, loses its body (the row
    stays, for its provider id, route, contact and time: STOP, ordering and rate limits).

    A confidential keyword (REPORT ...) is confidential whoever sent it: a number that has
    not joined is heard by the inbox before any handler sees it, and must not be there. A
    training number of the phone simulator keeps its texts, so its screen shows them."""
    handlers = registry()
    keyword_route = handlers.confidential_keyword(message.body or "")
    if message.route in handlers.confidential_routes or (message.in_inbox and keyword_route):
        message.confidential = True
    if not message.confidential:
        return
    if message.route == "inbox" and keyword_route:
        message.route = keyword_route
    message.in_inbox = False
    contact = db.session().get(Contact, message.contact_id) if message.contact_id else None
    if message.route != "error" and not (contact is not None and contact.simulated):
        message.body = ""


def record_replies(message: InboundMessage, replies: list[str]) -> None:
    """Replies are outgoing rows like every other message, sent through the queue. The one
    confirmation of a STOP is marked so, as it is the only text an opted-out number gets.
    A reply to a confidential message is confidential, as is a text its handler marked so."""
    session = db.session()
    if not replies:
        return
    if message.contact_id is None:
        # A number we never heard from (a JOIN with a wrong code, say): it becomes a contact
        # with no partnership, so the reply is tracked and its opt-out honoured like any.
        message.contact = contacts.get_or_create_contact(session, message.from_phone)
    kind = "stop_confirmation" if message.route == "stop" else "reply"
    for body in replies:
        sending.queue_sms(
            session,
            contact=message.contact,
            body=body,
            sender=message.to_number,
            kind=kind,
            partnership_id=message.partnership_id,
            reply_to_id=message.id,
            confidential=message.confidential or is_confidential_text(body),
        )


@app_task()
def route_message(message_id: int) -> None:
    """Route a stored message, and before it any earlier unrouted one from the same number,
    in the order they arrived, so a conversation is answered in the order it was written
    (messages drained from the spool keep their arrival time). The rows are locked
    (PostgreSQL; SQLite's write lock does the same), so two routers never route one
    message twice or a person's messages out of order."""
    session = db.session()
    target = session.execute(
        select(InboundMessage.from_hash, InboundMessage.received_at).where(
            InboundMessage.id == message_id, InboundMessage.route == ""
        )
    ).one_or_none()
    if target is None:
        return  # routed already
    # A second pass routes what the first released, if it did: messages held until the
    # person said which partnership they meant (hsbp.sms.router), older than that answer.
    for _pass in range(2):
        session.info.pop(contacts.RELEASED, None)
        pending = session.scalars(
            select(InboundMessage)
            .where(
                InboundMessage.from_hash == target.from_hash,
                InboundMessage.route == "",
                InboundMessage.received_at <= target.received_at,
            )
            .order_by(InboundMessage.received_at, InboundMessage.id)
            .with_for_update()
        ).all()
        for message in pending:
            record_replies(message, act(message))
        if not session.info.pop(contacts.RELEASED, False):
            break


def unrouted(app: Flask, limit: int = BATCH) -> list[int]:
    """The oldest messages stored and not routed yet."""
    with app.app_context():
        ids = db.session().scalars(
            select(InboundMessage.id)
            .where(InboundMessage.route == "")
            .order_by(InboundMessage.received_at, InboundMessage.id)
            .limit(limit)
        )
        found = list(ids)
        db.finish(commit=False)
    return found


def drain_spool(app: Flask) -> int:
    """Store every spooled message, oldest first; the router then routes them like any."""
    done = 0
    for path in spool.pending(app):
        try:
            params = spool.read(path, app)
        except FileNotFoundError:
            continue  # another router drained it first
        store(app, params, received_at=spool.received_at(path))
        path.unlink(missing_ok=True)
        done += 1
    return done


class Router(threading.Thread):
    """The worker's thread that routes what the webhook stored: the spool first (messages
    from a database outage are older), then every unrouted message, oldest first. A
    message whose routing fails on a database error is tried again later, with a growing
    pause, without holding up the others."""

    def __init__(self, app: Flask):
        super().__init__(name="hsbp-sms-router", daemon=True)
        self.app = app
        self._stopping = threading.Event()
        self._retry_at: dict[int, tuple[float, float]] = {}  # id -> (when, pause)

    def stop(self) -> None:
        self._stopping.set()

    def run(self) -> None:
        while not self._stopping.is_set():
            try:
                busy = self.work_once()
            except Exception:  # the database is down: look again after a pause
                log.exception("SMS router: will try again")
                busy = False
            if not busy:
                self._stopping.wait(POLL_SECONDS)

    def work_once(self) -> bool:
        """One pass; True if it found work (so the next pass starts at once)."""
        drained = drain_spool(self.app)
        now = time.monotonic()
        ids = [i for i in unrouted(self.app) if self._retry_at.get(i, (0.0, 0.0))[0] <= now]
        for message_id in ids:
            try:
                with self.app.app_context():
                    route_message.call_local(message_id)
                self._retry_at.pop(message_id, None)
            except Exception:
                pause = min(self._retry_at.get(message_id, (0.0, 1.0))[1] * 2, 300.0)
                self._retry_at[message_id] = (time.monotonic() + pause, pause)
                log.exception("SMS %s: routing failed, again in %.0f s", message_id, pause)
        return bool(drained or ids)
