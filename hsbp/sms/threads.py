"""The SMS inbox as conversations: one thread per contact who wrote to the partnership, its
messages and the system's interleaved, what each message answered, and marking handled.

A thread lists what its contact wrote here that a facilitator may read (hsbp.sms.inbox
`visible`: never a message of a confidential flow, not even its time) and what was sent to
them; only messages no keyword or feature took wait for someone (`unhandled`). Threads are
ordered by what their contact last wrote: a broadcast sent to everyone reorders nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session, joinedload

from hsbp import audit
from hsbp.auth.models import User
from hsbp.db import utcnow
from hsbp.mapping.models import Participant, Risk
from hsbp.sms import contexts
from hsbp.sms.admin_common import PER_PAGE, display_phone
from hsbp.sms.inbox import ThreadItem, conversation, is_unhandled, unhandled, visible
from hsbp.sms.models import (
    Contact,
    ContactMembership,
    InboundMessage,
    OutboundMessage,
    OutboundStatus,
)

CONFIRMED = "confirmed"
THREAD_PAGE = 40  # messages of a thread shown at once, the latest first


@dataclass
class Thread:
    """A contact's conversation with a partnership: a row of the inbox, a thread's head."""

    contact: Contact
    latest: InboundMessage  # what the contact last wrote here
    unhandled: int
    participant_id: int | None
    participant_name: str | None
    protected: bool
    # The contact confirmed this partnership: only then are its language and opt-out shown.
    joined: bool
    context: contexts.Context | None = None  # what the latest message answered
    # The reader may not see numbers (a co-facilitator from the community side).
    masked: bool = False

    @property
    def phone(self) -> str:
        return display_phone(self.contact.phone, hidden=self.protected or self.masked)


@dataclass
class Inbox:
    threads: list[Thread]
    total: int  # threads in the list (all, or those waiting)
    waiting: int  # threads with a message nobody handled
    unhandled: int  # messages nobody handled


def _ranked(partnership_id: int):
    """Each visible message with its place in its contact's thread (1: the latest) and the
    thread's count of unhandled messages."""
    thread = InboundMessage.contact_id
    return (
        select(
            InboundMessage.id,
            InboundMessage.received_at,
            func.row_number()
            .over(
                partition_by=thread,
                order_by=(InboundMessage.received_at.desc(), InboundMessage.id.desc()),
            )
            .label("place"),
            func.sum(case((unhandled(), 1), else_=0)).over(partition_by=thread).label("waiting"),
        )
        .where(*visible(partnership_id))
        .subquery()
    )


def _with_people(query, partnership_id: int):
    return (
        query.add_columns(Participant.id, Participant.display_name, Participant.risk)
        .add_columns(ContactMembership.status)
        .options(joinedload(InboundMessage.contact))
        .outerjoin(
            ContactMembership,
            and_(
                ContactMembership.contact_id == InboundMessage.contact_id,
                ContactMembership.partnership_id == partnership_id,
            ),
        )
        .outerjoin(Participant, Participant.id == ContactMembership.participant_id)
    )


def _thread(row) -> Thread:
    message, waiting, participant_id, name, risk, status = row
    return Thread(
        message.contact,
        message,
        int(waiting or 0),
        participant_id,
        name,
        risk == Risk.HIGH,
        status == CONFIRMED,
    )


def inbox(
    session: Session, *, partnership_id: int, locale: str, page: int = 1, waiting_only=False
) -> Inbox:
    """One page of threads, the latest written first (only those with a message nobody
    handled, if `waiting_only`), each with what its latest message answered. Three
    statements, and one per kind of reference the page's messages name."""
    threads, waiting, count = session.execute(
        select(
            func.count(func.distinct(InboundMessage.contact_id)),
            func.count(func.distinct(case((unhandled(), InboundMessage.contact_id)))),
            func.sum(case((unhandled(), 1), else_=0)),
        ).where(*visible(partnership_id))
    ).one()
    ranked = _ranked(partnership_id)
    query = _with_people(
        select(InboundMessage, ranked.c.waiting).join(ranked, ranked.c.id == InboundMessage.id),
        partnership_id,
    ).where(ranked.c.place == 1)
    if waiting_only:
        query = query.where(ranked.c.waiting > 0)
    rows = session.execute(
        query.order_by(ranked.c.received_at.desc(), InboundMessage.id.desc())
        .limit(PER_PAGE)
        .offset((max(page, 1) - 1) * PER_PAGE)
    ).all()
    found = [_thread(row) for row in rows]
    latest = [thread.latest for thread in found]
    described = contexts.describe(
        session,
        partnership_id=partnership_id,
        messages=latest,
        followed=_broadcasts_before(session, partnership_id=partnership_id, messages=latest),
        locale=locale,
    )
    for thread in found:
        thread.context = described.get(thread.latest.id)
    return Inbox(found, (waiting if waiting_only else threads) or 0, waiting or 0, int(count or 0))


def _broadcasts_before(
    session: Session, *, partnership_id: int, messages: list[InboundMessage]
) -> dict[int, OutboundMessage]:
    """{message id: the broadcast it came after}, for messages whose contact last got, of
    what the partnership sent unasked, a broadcast (replies answer the person, so they are
    passed over). Confidential messages count as never sent, and withheld ones were never
    sent. One statement."""
    ids = [m.id for m in messages if m.route == "inbox"]
    if not ids:
        return {}
    before = (
        select(OutboundMessage.id)
        .where(
            OutboundMessage.contact_id == InboundMessage.contact_id,
            OutboundMessage.partnership_id == partnership_id,
            OutboundMessage.kind != "reply",
            OutboundMessage.confidential.is_(False),
            OutboundMessage.status != OutboundStatus.WITHHELD,
            OutboundMessage.created_at <= InboundMessage.received_at,
        )
        .order_by(OutboundMessage.created_at.desc(), OutboundMessage.id.desc())
        .limit(1)
        .correlate(InboundMessage)
        .scalar_subquery()
    )
    rows = session.execute(
        select(InboundMessage.id, OutboundMessage)
        .join(OutboundMessage, OutboundMessage.id == before)
        .where(InboundMessage.id.in_(ids), OutboundMessage.broadcast_id.is_not(None))
    ).all()
    return dict(rows)


def get_thread(session: Session, *, partnership_id: int, contact_id: int) -> Thread | None:
    """The thread of a contact who wrote to the partnership (a message a facilitator may
    read), or None."""
    ranked = _ranked(partnership_id)
    row = session.execute(
        _with_people(
            select(InboundMessage, ranked.c.waiting).join(ranked, ranked.c.id == InboundMessage.id),
            partnership_id,
        ).where(ranked.c.place == 1, InboundMessage.contact_id == contact_id)
    ).first()
    return _thread(row) if row else None


def thread_of_message(session: Session, *, partnership_id: int, message_id: int) -> int | None:
    """The contact whose thread holds a message a facilitator may read (old links to one
    message lead there), or None."""
    return session.scalar(
        select(InboundMessage.contact_id).where(
            InboundMessage.id == message_id, *visible(partnership_id)
        )
    )


def messages(
    session: Session,
    *,
    partnership_id: int,
    thread: Thread,
    sender: str | None,
    locale: str,
    page: int = 1,
) -> tuple[list[ThreadItem], bool]:
    """One page of a thread, oldest first (page 1: the latest THREAD_PAGE messages both
    ways, interleaved by time), each message of the contact with what it answered; and
    whether older messages exist."""
    wanted = page * THREAD_PAGE
    items = conversation(
        session,
        partnership_id=partnership_id,
        sender=sender,
        phone=thread.contact.phone,
        limit=wanted + 1,
        confirmed=thread.joined,
    )
    older = len(items) > wanted
    shown = items[: max(len(items) - (page - 1) * THREAD_PAGE, 0)][-THREAD_PAGE:]
    _annotate(session, partnership_id=partnership_id, items=items, shown=shown, locale=locale)
    return shown, older


def _annotate(session, *, partnership_id: int, items, shown, locale: str) -> None:
    """Fill in the shown messages' context, whether they wait, and who handled them. The
    broadcast a message answered is read from the thread itself (`items`, which reach
    further back than `shown`)."""
    followed, last_unasked = {}, None
    for item in items:
        if not item.incoming:
            # A withheld message never reached the phone: nothing answers it.
            if item.kind != "reply" and item.status != OutboundStatus.WITHHELD:
                last_unasked = item
        elif last_unasked is not None and last_unasked.broadcast_id is not None:
            followed[item.id] = last_unasked
    mine = [item.message for item in shown if item.incoming]
    ours = [m for m in mine if m.partnership_id == partnership_id]
    described = contexts.describe(
        session,
        partnership_id=partnership_id,
        messages=mine,
        followed={m.id: followed[m.id] for m in ours if m.id in followed},
        locale=locale,
    )
    handlers = _names(session, {m.handled_by_id for m in ours if m.handled_by_id})
    for item in shown:
        if not item.incoming:
            continue
        message = item.message
        item.context = described.get(message.id)
        if message.partnership_id == partnership_id:
            item.unhandled = is_unhandled(message)
            item.handled_by = handlers.get(message.handled_by_id)


def _names(session: Session, user_ids: set[int]) -> dict[int, str]:
    if not user_ids:
        return {}
    return dict(session.execute(select(User.id, User.name).where(User.id.in_(user_ids))).all())


def mark_handled(
    session: Session,
    *,
    actor: User,
    partnership_id: int,
    contact_ids: list[int] = (),
    message_ids: list[int] = (),
) -> int:
    """Mark handled every message nobody handled yet of the threads of `contact_ids` and
    among `message_ids` (ids outside the partnership, handled or confidential are passed
    over); return how many. Side effects: the messages, an audit entry for each."""
    if not contact_ids and not message_ids:
        return 0
    picked = or_(
        InboundMessage.contact_id.in_(list(contact_ids)), InboundMessage.id.in_(list(message_ids))
    )
    found = session.scalars(
        select(InboundMessage)
        .where(*visible(partnership_id), unhandled(), picked)
        .order_by(InboundMessage.id)
    ).all()
    now = utcnow()
    for message in found:
        message.handled_at, message.handled_by_id = now, actor.id
        audit.record(
            session,
            actor_id=actor.id,
            action="sms_inbound.handle",
            obj=message,
            partnership_id=partnership_id,
        )
    return len(found)
