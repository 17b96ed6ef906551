"""Receiving a message: store it at once (once per MessageSid), route it in the worker.

The webhook (hsbp.sms.intake) does the least that keeps a message safe: one INSERT and a
commit, or a file in the local spool when the database is down. The table of stored
messages is itself the work list: the workers' routers, any number of them, pick up every
message not routed yet, oldest first and each person's in order (hsbp.sms.router_loop), and
route it (keywords, feature handlers, the inbox); the replies are outgoing rows sent
through the REST API like every other message, so they are retried and tracked. As with
RapidPro's courier, a burst of answers to a broadcast is accepted as fast as Twilio delivers
it, a slow handler can never make Twilio time out, and the webhook keeps working while the
queue is down.
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
from sqlalchemy.exc import DBAPIError

from hsbp import db
from hsbp.db import Sealed, field_cipher, utcnow
from hsbp.extensions import app_task, queue
from hsbp.phones import e164
from hsbp.sms import contacts, router_loop, spool
from hsbp.sms.models import InboundMessage
from hsbp.sms.router_loop import act, record_replies

log = logging.getLogger("hsbp.sms")
MAX_BODY = 1600
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # C0 and C1, but \t and \n
E164_SHAPE = re.compile(r"\+[1-9][0-9]{6,14}")
POLL_SECONDS = 0.2  # how often an idle router looks for new messages
BATCH = 200  # messages a pass routes at most: the spool is looked at between passes
# Pauses while the database is down: the first, and the longest, so that a router is back
# at work within that long of the recovery.
FIRST_PAUSE, MAX_PAUSE = 0.25, 5.0
# SQLSTATEs of a transaction that lost a race with another (deadlock, serialization,
# lock not available): worth another go at once, and no fault of the message.
RACES = {"40P01", "40001", "55P03"}


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


@app_task()
def route_message(message_id: int) -> None:
    """Route a stored message, and before it any earlier unrouted one from the same number,
    in the order they arrived, so a conversation is answered in the order it was written
    (messages drained from the spool keep their arrival time). The rows are locked
    (PostgreSQL; SQLite's write lock does the same), so two routers never route one
    message twice or a person's messages out of order."""
    session = db.session()
    target = session.execute(
        select(
            InboundMessage.from_hash, InboundMessage.from_phone, InboundMessage.received_at
        ).where(InboundMessage.id == message_id, InboundMessage.route == "")
    ).one_or_none()
    if target is None:
        return  # routed already
    # While the field key is rotated, the number's earlier messages may carry an older
    # key's hash (hsbp keys rotate).
    same_number = sorted({target.from_hash, *contacts.phone_hashes(target.from_phone)})
    # A second pass routes what the first released, if it did: messages held until the
    # person said which partnership they meant (hsbp.sms.router), older than that answer.
    for _pass in range(2):
        session.info.pop(contacts.RELEASED, None)
        pending = session.scalars(
            select(InboundMessage)
            .where(
                InboundMessage.from_hash.in_(same_number),
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


class Backoff:
    """The pause before the next attempt while the database is down: doubling from `first`
    up to `cap`, and back to `first` once an attempt succeeds, so a router never sleeps
    through the recovery for longer than `cap`."""

    def __init__(self, first: float = FIRST_PAUSE, cap: float = MAX_PAUSE):
        self.first, self.cap = first, cap
        self._next = first
        self.failing_since: float | None = None

    def next(self) -> float:
        """The pause after one more failed attempt."""
        if self.failing_since is None:
            self.failing_since = time.monotonic()
        pause, self._next = self._next, min(self._next * 2, self.cap)
        return pause

    def reset(self) -> float | None:
        """An attempt succeeded; returns how long the failures lasted, if there were any."""
        since, self.failing_since, self._next = self.failing_since, None, self.first
        return None if since is None else time.monotonic() - since


# One router of a process drains the spool at a time; the others wait for it, as no
# message may be routed before an older one still in the spool.
_draining = threading.Lock()


class Router(threading.Thread):
    """A worker's thread that routes what the webhook stored: the spool first (messages
    from a database outage are older), then every unrouted message, each person's in the
    order written, claimed per person (hsbp.sms.router_loop), so any number of routers in
    any number of processes share the work.

    While the database is down it tries again after a pause that doubles up to
    `max_pause`, and goes back to work at full speed as soon as one attempt succeeds. A
    message whose own routing fails is no outage: it is tried again a few times, its
    sender's later messages waiting behind it, then set aside (`faults`, shared by the
    routers of a process)."""

    def __init__(
        self,
        app: Flask,
        *,
        name: str = "hsbp-sms-router",
        faults: router_loop.Faults | None = None,
        max_pause: float = MAX_PAUSE,
        people: int | None = None,
    ):
        super().__init__(name=name, daemon=True)
        self.app = app
        self.faults = faults or router_loop.Faults()
        self.backoff = Backoff(cap=max_pause)
        self.people = people  # claimed per transaction; None: the database's default
        self._stopping = threading.Event()

    def stop(self) -> None:
        self._stopping.set()

    def run(self) -> None:
        while not self._stopping.is_set():
            try:
                busy = self.work_once()
            except Exception as error:
                pause = self._failed(error)
            else:
                down_for = self.backoff.reset()
                if down_for is not None:
                    log.warning("SMS router: the database answers again after %.0f s", down_for)
                pause = 0.0 if busy else POLL_SECONDS
            if pause:
                self._stopping.wait(pause)

    def work_once(self) -> bool:
        """One pass: drain the spool, then route up to BATCH messages; True if it found
        work (so the next pass starts at once). Raises what the database raised."""
        with _draining:
            drained = drain_spool(self.app)
        acted = 0
        while acted < BATCH:
            done = router_loop.route_people(self.app, self.faults, want=self.people)
            if not done:
                break
            acted += done
        return bool(drained or acted)

    def _failed(self, error: Exception) -> float:
        """The pause after a failed pass: none when a message was to blame (counted against
        it) or a transaction lost a race, the back-off's otherwise."""
        if lost_a_race(error):
            return 0.0
        answers = database_answers(self.app, error)
        if answers and isinstance(error, router_loop.MessageFailed):
            count = self.faults.failed(error.message_id, error.person)
            log.error(
                "SMS %s: routing failed (try %d of %d)",
                error.message_id,
                count,
                self.faults.tries,
                exc_info=error.__cause__,
            )
            return 0.0
        first = self.backoff.failing_since is None
        pause = self.backoff.next()
        if answers:  # not the database's fault, nor a message's: a fault of ours
            log.exception("SMS router: a pass failed; again in %.1f s", pause)
        elif first:
            log.exception("SMS router: the database does not answer; trying again")
        else:
            log.warning(
                "SMS router: still no database (%s); again in %.1f s", _first_line(error), pause
            )
        return pause


def lost_a_race(error: BaseException) -> bool:
    """A deadlock, serialization failure or busy lock: the database is fine, try again."""
    cause = error.__cause__ if isinstance(error, router_loop.MessageFailed) else error
    if not isinstance(cause, DBAPIError):
        return False
    code = getattr(cause.orig, "sqlstate", None)
    return code in RACES or "database is locked" in str(cause.orig)


def database_answers(app: Flask, error: BaseException) -> bool:
    """Whether the database is reachable, after `error`: a connection found dead is an
    outage whatever a fresh one says, else a fresh connection is asked."""
    cause = error.__cause__ if isinstance(error, router_loop.MessageFailed) else error
    if isinstance(cause, DBAPIError) and cause.connection_invalidated:
        return False
    try:
        with db.database(app).engine.connect() as connection:
            connection.exec_driver_sql("SELECT 1")
    except Exception:  # not only the driver's errors: SQLite's folder may be gone
        return False
    return True


def start_routers(app: Flask, count: int) -> list[Router]:
    """Start `count` router threads sharing one count of failed messages."""
    faults = router_loop.Faults()
    routers = [Router(app, name=f"hsbp-sms-router-{n}", faults=faults) for n in range(1, count + 1)]
    for one in routers:
        one.start()
    return routers


def _first_line(error: BaseException) -> str:
    cause = error.__cause__ or error
    return f"{type(cause).__name__}: {str(cause).splitlines()[0] if str(cause) else ''}"[:200]
