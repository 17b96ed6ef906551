"""Acting on stored inbound messages, a few people per transaction, each person's in order.

The worker's routers (hsbp.sms.inbound.Router), in any number of threads, processes and
machines, claim people, not messages: a router takes the people whose unrouted messages
waited longest, claims each one for its transaction and routes all of that person's
unrouted messages, oldest first, in the same transaction. On PostgreSQL the claim is a
transaction-level advisory lock keyed by the number's hash, tried without waiting, so
routers share the work and no two hold one person; on SQLite every transaction holds the
one write lock from its start, so the transaction itself is the claim. Either way a message
is routed once and a person's messages (and so their replies' rows) in the order written.

A message whose own routing fails (a handler raising) rolls the transaction back and is
tried again a few times, its sender's later messages waiting behind it and everyone else
going on, then set aside as "error", kept whole and shown on no page.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import threading
import time
from collections import deque

from flask import Flask
from sqlalchemy import String, bindparam, event, select, text, type_coerce, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from hsbp import db, logs
from hsbp.db import field_cipher, utcnow
from hsbp.sms import contacts, router, sending
from hsbp.sms.handlers import is_confidential_text, registry
from hsbp.sms.models import Contact, InboundMessage

log = logging.getLogger("hsbp.sms")
# People claimed per transaction, and the most messages it routes (a person with more
# has the oldest routed, the rest in the next). PostgreSQL: several, as each commit waits
# for the disk. SQLite: few, as the transaction holds the write lock the webhook waits for.
PEOPLE_PER_BATCH = {"postgresql": 8, "sqlite": 2}
MESSAGES_PER_BATCH = {"postgresql": 200, "sqlite": 20}
# Unrouted rows read to find people to claim; a backlog of one person's messages longer
# than this, all claimed by others, makes the router read further once.
SCAN = 256
# Tries of a message whose own routing fails, and the pauses of its sender between them.
TRIES = 3
RETRY_PAUSES = (1.0, 4.0)
# The first key of the router's advisory locks ("HSBP" in ASCII), so they never meet
# another application's locks on the same database.
LOCK_SPACE = 0x48534250


class MessageFailed(Exception):
    """Routing one message failed: the whole transaction is rolled back. Whether the message
    or the database is to blame, the router tells by asking the database
    (`database_answers`)."""

    def __init__(self, message_id: int, person: str):
        super().__init__(f"SMS {message_id} could not be routed")
        self.message_id = message_id
        self.person = person


def act(message: InboundMessage, *, retry: bool = False) -> list[str]:
    """Route a stored message; a fault in a handler is logged, never lost.

    A database error is raised (the caller tries again). A handler's own fault sets the
    message aside as "error", its work undone by a savepoint. With `retry` (the router)
    every fault is raised instead: the router rolls its whole transaction back and tries the
    message again, a few times, before setting it aside, so no savepoint (two statements
    a message) is needed."""
    session = db.session()
    if retry:
        replies = router.route(session, message)
    else:
        try:
            with session.begin_nested():
                replies = router.route(session, message)
        except SQLAlchemyError:
            raise
        except Exception:
            log.exception("SMS %s could not be routed", message.provider_sid)
            set_aside(message)
            replies = []
    seal(message)
    return replies


def set_aside(message: InboundMessage) -> None:
    """A message nobody could route: route "error". Whether it belonged to a confidential
    flow is unknown, so it is kept whole (nothing stored it yet) for whoever looks into the
    fault, and shown on no page."""
    message.route = "error"
    message.confidential = True


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
        contact = message.contact
    else:
        # The router loaded the contact already: the session's copy, not a query.
        contact = session.get(Contact, message.contact_id)
    kind = "stop_confirmation" if message.route == "stop" else "reply"
    for body in replies:
        sending.queue_sms(
            session,
            contact=contact,
            body=body,
            sender=message.to_number,
            kind=kind,
            partnership_id=message.partnership_id,
            reply_to_id=message.id,
            confidential=message.confidential or is_confidential_text(body),
        )


class Faults:
    """Messages whose own routing failed, shared by the routers of one process: each is
    tried again after a pause, TRIES times in all, then set aside. Its sender waits
    meanwhile, so their later messages keep their order; nobody else waits."""

    def __init__(self, tries: int = TRIES, pauses: tuple[float, ...] = RETRY_PAUSES):
        self.tries, self.pauses = tries, pauses
        self._lock = threading.Lock()
        self._failed: dict[int, tuple[int, float, str]] = {}  # id -> (failures, until, person)

    def failed(self, message_id: int, person: str) -> int:
        """Count a failure of the message; returns how many it has had."""
        now = time.monotonic()
        with self._lock:
            count = self._failed.get(message_id, (0, 0.0, person))[0] + 1
            pause = self.pauses[min(count, len(self.pauses)) - 1] if count < self.tries else 0
            self._failed[message_id] = (count, now + pause, person)
            # Another process may have set a message aside: its count is no longer needed.
            for stale in [i for i, (_n, until, _p) in self._failed.items() if until < now - 600]:
                del self._failed[stale]
        return count

    def exhausted(self, message_id: int) -> bool:
        if not self._failed:
            return False
        with self._lock:
            return self._failed.get(message_id, (0,))[0] >= self.tries

    def forget(self, message_id: int) -> None:
        if message_id in self._failed:
            with self._lock:
                self._failed.pop(message_id, None)

    def waiting(self) -> set[str]:
        """The people whose failed message must not be tried yet."""
        now = time.monotonic()
        with self._lock:
            return {person for _n, until, person in self._failed.values() if until > now}


@functools.cache
def _statements() -> dict:
    """The claim's statements, built once (building them costs more than running them)."""
    message = InboundMessage
    return {
        # The oldest unrouted rows, by the partial index ix_sms_inbound_unrouted. The number
        # comes encrypted: only one row per person is decrypted, and only with several keys.
        "scan": select(message.from_hash, type_coerce(message.from_phone, String))
        .where(message.route == "")
        .order_by(message.received_at, message.id)
        .limit(bindparam("scan")),
        # Tried in the order given; LIMIT stops trying once `want` are held, so no lock is
        # taken for nothing.
        "try_locks": text(
            "SELECT c.person FROM unnest(CAST(:people AS varchar[])) AS c(person)"
            " WHERE pg_try_advisory_xact_lock(CAST(:space AS integer), hashtext(c.person))"
            " LIMIT :want"
        ),
        # Row locks too: a route_message task of an older worker locks these rows, not ours.
        # The oldest first: cut short, each person keeps the oldest of theirs, in order.
        "pending": select(message)
        .where(message.from_hash.in_(bindparam("hashes", expanding=True)), message.route == "")
        .order_by(message.received_at, message.id)
        .limit(bindparam("most"))
        .with_for_update(),
    }


def claim_people(session: Session, *, want: int, skip: set[str]) -> dict[str, list[str]]:
    """Up to `want` people with unrouted messages, those waiting longest first, claimed for
    this transaction and none in `skip`: {their number's hash: every field key's hash of it}.

    While the field key is rotated a number's messages carry one key's hash or another's:
    a person is named by the newest key's hash and their messages found by all of them."""
    statements = _statements()
    cipher = field_cipher()
    postgres = session.get_bind().dialect.name == "postgresql"
    for scan in (SCAN, SCAN * 16):
        rows = session.execute(statements["scan"], {"scan": scan}).all()
        found: dict[str, list[str]] = {}
        seen: set[str] = set()
        for from_hash, sealed_phone in rows:
            if from_hash in seen:
                continue
            seen.add(from_hash)
            hashes = [from_hash]
            if cipher.key_count > 1:
                # A number no key reads keeps its own hash (its message is set aside).
                with contextlib.suppress(ValueError):
                    hashes = cipher.lookup_hashes(cipher.decrypt(sealed_phone))
            if hashes[0] not in skip:
                found.setdefault(hashes[0], hashes)
        if not postgres:
            return dict(list(found.items())[:want])
        held = session.scalars(
            statements["try_locks"], {"people": list(found), "space": LOCK_SPACE, "want": want}
        ).all()
        if held or len(rows) < scan:
            return {person: found[person] for person in held}
    return {}


def pending_of(session: Session, hashes: list[str]) -> list[InboundMessage]:
    """The unrouted messages of the numbers with these hashes, oldest first, row-locked (as
    many as a transaction routes)."""
    most = MESSAGES_PER_BATCH.get(session.get_bind().dialect.name, 20)
    return list(session.scalars(_statements()["pending"], {"hashes": hashes, "most": most}))


def route_people(app: Flask, faults: Faults, *, want: int | None = None) -> int:
    """Claim people with unrouted messages and route all of theirs, in order, in one
    transaction; returns how many messages were acted on (0: nobody to claim).

    Side effects: what routing each message does (hsbp.sms.router), reply rows, handed to
    the queue after the commit. Raises MessageFailed when routing a message fails, and
    SQLAlchemyError when the database fails otherwise; the transaction is then rolled
    back, and nothing of it is handed to the queue."""
    with app.app_context():
        session = db.session()
        try:
            dialect = session.get_bind().dialect.name
            people = claim_people(
                session, want=want or PEOPLE_PER_BATCH.get(dialect, 1), skip=faults.waiting()
            )
            if not people:
                db.finish(commit=False)
                return 0
            _keep_contacts(session)
            theirs = _messages_of(session, people)
            acted = sum(
                _route_person(session, person, people[person], theirs[person], faults)
                for person in people
            )
            # Committed here, so that a failure handing replies to the queue after it is
            # known to be the queue's, not the routing's.
            session.commit()
        except BaseException:
            db.finish(commit=False)
            raise
        _hand_over_replies()
    return acted


def _keep_contacts(session: Session) -> None:
    """Hold every contact the batch loads or creates until it ends: the session keeps only
    weak references, so the contact a handler found would be gone, and read again, by the
    time its replies are written (a statement per message)."""
    kept = session.info.setdefault("hsbp.router.contacts", [])

    def keep(_session, instance) -> None:
        if isinstance(instance, Contact):
            kept.append(instance)

    event.listen(session, "loaded_as_persistent", keep)
    event.listen(session, "pending_to_persistent", keep)


def _messages_of(session: Session, people: dict[str, list[str]]) -> dict[str, list]:
    """The claimed people's unrouted messages, in one statement. A message no field key
    reads (its key removed before a rotation ended) would fail every batch it is in: it
    is set aside, its person's others routed as usual."""
    owner = {h: person for person, hashes in people.items() for h in hashes}
    theirs: dict[str, list[InboundMessage]] = {person: [] for person in people}
    try:
        found = pending_of(session, list(owner))
    except ValueError:
        _set_aside_unreadable(session, list(owner))
        found = pending_of(session, list(owner))
    for message in found:
        theirs[owner[message.from_hash]].append(message)
    return theirs


def _set_aside_unreadable(session: Session, hashes: list[str]) -> None:
    cipher = field_cipher()
    rows = session.execute(
        select(
            InboundMessage.id,
            type_coerce(InboundMessage.from_phone, String),
            type_coerce(InboundMessage.body, String),
        ).where(InboundMessage.from_hash.in_(hashes), InboundMessage.route == "")
    )
    unreadable = []
    for message_id, *sealed in rows:
        try:
            [cipher.decrypt(value) for value in sealed if value]
        except ValueError:
            unreadable.append(message_id)
    log.error("SMS %s: no field key reads it, set aside", unreadable)
    session.execute(
        update(InboundMessage)
        .where(InboundMessage.id.in_(unreadable))
        .values(route="error", confidential=True),
        execution_options={"synchronize_session": False},
    )


def _route_person(session, person: str, hashes, messages, faults: Faults) -> int:
    """Route one person's messages in order; returns how many were acted on. Raises
    MessageFailed for the first that fails (the transaction must be rolled back)."""
    waiting = deque(messages)
    acted = 0
    while waiting:
        message = waiting.popleft()
        try:
            if faults.exhausted(message.id):
                log.error("SMS %s: routing failed %d times, set aside", message.id, faults.tries)
                set_aside(message)
                seal(message)
            else:
                record_replies(message, act(message, retry=True))
                logs.note_routed((utcnow() - message.received_at).total_seconds())
        except Exception as error:
            raise MessageFailed(message.id, person) from error
        faults.forget(message.id)
        acted += 1
        if session.info.pop(contacts.RELEASED, False):
            # Messages held until the person chose a partnership are unrouted again: they
            # are older, so they go next, then what is left.
            waiting = deque(pending_of(session, hashes))
    return acted


def _hand_over_replies() -> None:
    """Run the commit's callbacks (replies handed to the queue). The routing is committed
    and stays done whatever they raise: a reply not handed over waits as a row, "queued",
    for the sweep (hsbp.sms.sweeper)."""
    try:
        db.finish(commit=True)
    except Exception:
        log.exception("SMS router: handing replies to the queue failed; they wait as rows")
