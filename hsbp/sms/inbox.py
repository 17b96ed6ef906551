"""Facilitators' SMS inbox: which messages count, replying, a number's conversation (the
threads of the inbox page and marking them handled: hsbp.sms.threads).

A message of a confidential flow (a grievance, a pulse, an anonymous consultation) is never
in the inbox and is left out of every list, count and thread here: not even a placeholder
or its time shows that it exists. Only the phone simulator's own training numbers show their
whole thread."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session

from hsbp import audit
from hsbp.audit import ACTION_LABELS
from hsbp.auth.models import User
from hsbp.errors import ServiceError
from hsbp.partnerships.models import Partnership
from hsbp.sms import contacts, sending
from hsbp.sms.admin_common import MAX_BODY
from hsbp.sms.models import (
    Contact,
    InboundMessage,
    OutboundMessage,
)

ACTION_LABELS.update(
    {
        "sms_inbound.reply": _l("SMS message answered"),
        "sms_inbound.handle": _l("SMS message marked handled"),
    }
)


def visible(partnership_id: int) -> tuple:
    """The messages of a partnership its facilitators may read: routed, and of no
    confidential flow (not even as a placeholder). A message held until the person says
    which partnership they mean belongs to none yet."""
    return (
        InboundMessage.partnership_id == partnership_id,
        InboundMessage.confidential.is_(False),
        InboundMessage.contact_id.is_not(None),
        InboundMessage.route.not_in(("", "error", contacts.HELD)),
    )


def unhandled() -> ColumnElement[bool]:
    """A message a person must still read: one no keyword or feature took. A consultation
    answer the bot asked again for (in_inbox, route "consultation") was dealt with; in_inbox
    is never set on a confidential message, and `visible` checks that too."""
    return and_(
        InboundMessage.route == "inbox",
        InboundMessage.in_inbox.is_(True),
        InboundMessage.handled_at.is_(None),
    )


def is_unhandled(message: InboundMessage) -> bool:
    """`unhandled`, for a message loaded already."""
    return message.route == "inbox" and message.in_inbox and message.handled_at is None


def unhandled_count(session: Session, *, partnership_id: int) -> int:
    """How many messages of the partnership's inbox nobody has handled yet (confidential
    ones never count): the inbox's heading and the SMS menu badge. One statement."""
    return session.scalar(
        select(func.count())
        .select_from(InboundMessage)
        .where(*visible(partnership_id), unhandled())
    )


def reply(
    session: Session, *, actor: User, partnership: Partnership, message: InboundMessage, body: str
) -> OutboundMessage:
    """Answer an inbox message from the partnership's sender.

    Refused for a number that has not joined or that sent STOP. Side effects: a queued
    message (sent after the commit), an audit entry.
    """
    text = body.strip()
    if not text:
        raise ServiceError(_l("Write a reply."), field="body")
    if len(text) > MAX_BODY:
        raise ServiceError(
            _l("A message may have %(count)d characters at most.", count=MAX_BODY), field="body"
        )
    contact = message.contact
    if (
        contact is None
        or contacts.confirmed_membership(session, contact=contact, partnership_id=partnership.id)
        is None
    ):
        raise ServiceError(_l("This number has not joined the partnership: it cannot be answered."))
    if contact.opted_out:
        raise ServiceError(
            _l("This person sent STOP: nothing can be sent to them until they send START.")
        )
    settings = contacts.settings_of(session, partnership.id)
    if settings is None:
        raise ServiceError(_l("Set the partnership's SMS sender first."))
    outbound = sending.queue_sms(
        session,
        contact=contact,
        body=text,
        sender=settings.sender,
        kind="reply",
        partnership_id=partnership.id,
        reply_to_id=message.id,
    )
    audit.record(
        session,
        actor_id=actor.id,
        action="sms_inbound.reply",
        obj=message,
        partnership_id=partnership.id,
        details={"outbound_id": outbound.id, "segments": outbound.segments},
    )
    return outbound


# Conversations (the simulator's phone, a message's page)


@dataclass
class ThreadItem:
    incoming: bool  # written on the phone
    body: str
    at: datetime
    status: str = ""
    kind: str = ""
    id: int = 0  # of its InboundMessage or OutboundMessage row
    broadcast_id: int | None = None  # an outgoing message of a broadcast
    # Filled in for the facilitators' thread (hsbp.sms.threads): the stored message, what
    # it answered, whether someone must still read it, who marked it handled.
    message: InboundMessage | None = None
    context: object = None
    unhandled: bool = False
    handled_by: str | None = None


def conversation(
    session: Session,
    *,
    partnership_id: int,
    sender: str | None,
    phone: str,
    limit: int = 100,
    include_confidential: bool = False,
    confirmed: bool = True,
) -> list[ThreadItem]:
    """The last `limit` messages between `phone` and this partnership, oldest first:
    what it sent here and everything sent to it (replies, broadcasts). Messages tied to no
    partnership (STOP and its answer) count when they went through the partnership's sender.
    Messages of confidential flows are left out, unless `include_confidential` (the phone
    simulator's screen of one of its own training numbers).

    For a number that has not `confirmed` this partnership, only what it wrote here: what it
    said on a shared number to no partnership, and what was sent to it (or not, as to a
    number that sent STOP elsewhere), would tell of its life with other partnerships."""
    number_hashes = contacts.phone_hashes(phone)
    hidden_in = () if include_confidential else (InboundMessage.confidential.is_(False),)
    hidden_out = () if include_confidential else (OutboundMessage.confidential.is_(False),)
    ours = InboundMessage.partnership_id == partnership_id
    inbound = session.scalars(
        select(InboundMessage)
        .where(
            InboundMessage.from_hash.in_(number_hashes),
            or_(
                ours,
                and_(InboundMessage.partnership_id.is_(None), InboundMessage.to_number == sender),
            )
            if confirmed
            else ours,
            InboundMessage.route != contacts.HELD,  # waits for the person to say whose it is
            *hidden_in,
        )
        .order_by(InboundMessage.received_at.desc(), InboundMessage.id.desc())
        .limit(limit)
    ).all()
    outbound = (
        []
        if not confirmed
        else session.scalars(
            select(OutboundMessage)
            .join(Contact, Contact.id == OutboundMessage.contact_id)
            .where(
                Contact.phone_hash.in_(number_hashes),
                or_(
                    OutboundMessage.partnership_id == partnership_id,
                    and_(
                        OutboundMessage.partnership_id.is_(None), OutboundMessage.sender == sender
                    ),
                ),
                *hidden_out,
            )
            .order_by(OutboundMessage.created_at.desc(), OutboundMessage.id.desc())
            .limit(limit)
        ).all()
    )
    items = [
        (m.received_at, 0, m.id, ThreadItem(True, m.body, m.received_at, id=m.id, message=m))
        for m in inbound
    ]
    items += [
        (
            m.created_at,
            1,
            m.id,
            ThreadItem(False, m.body, m.created_at, m.status, m.kind, m.id, m.broadcast_id),
        )
        for m in outbound
    ]
    items.sort(key=lambda item: item[:3])
    return [item[3] for item in items[-limit:]]
