"""Facilitators' SMS inbox: listing messages, replying, marking handled, a number's conversation.

A message of a confidential flow (a grievance, a pulse, an anonymous consultation) is never
in the inbox and is left out of every list, count and thread here: not even a placeholder
or its time shows that it exists. Only the phone simulator's own training numbers show their
whole thread."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session, aliased, joinedload

from hsbp import audit
from hsbp.audit import ACTION_LABELS
from hsbp.auth.models import User
from hsbp.db import utcnow
from hsbp.errors import ServiceError
from hsbp.mapping.models import Participant, Risk
from hsbp.partnerships.models import Partnership
from hsbp.sms import contacts, sending
from hsbp.sms.admin_common import MAX_BODY, PER_PAGE, display_phone
from hsbp.sms.models import (
    Contact,
    ContactMembership,
    InboundMessage,
    MembershipStatus,
    OutboundMessage,
)

ACTION_LABELS.update(
    {
        "sms_inbound.reply": _l("SMS message answered"),
        "sms_inbound.handle": _l("SMS message marked handled"),
    }
)


CONFIRMED = MembershipStatus.CONFIRMED


@dataclass
class InboxRow:
    message: InboundMessage
    participant_id: int | None
    participant_name: str | None
    protected: bool
    handled_by: str | None
    # The sender confirmed this partnership (not only a number we know, or one a facilitator
    # added who has not answered): only then are its language and opt-out shown.
    joined: bool
    # The reader may not see numbers (a co-facilitator from the community side).
    masked: bool = False

    @property
    def phone(self) -> str:
        return display_phone(self.message.from_phone, hidden=self.protected or self.masked)


def _inbox_query(partnership_id: int):
    handler = aliased(User)
    return (
        select(
            InboundMessage,
            Participant.id,
            Participant.display_name,
            Participant.risk,
            handler.name,
            ContactMembership.status,
        )
        .options(joinedload(InboundMessage.contact))
        .outerjoin(
            ContactMembership,
            and_(
                ContactMembership.contact_id == InboundMessage.contact_id,
                ContactMembership.partnership_id == partnership_id,
            ),
        )
        .outerjoin(Participant, Participant.id == ContactMembership.participant_id)
        .outerjoin(handler, handler.id == InboundMessage.handled_by_id)
        .where(*_in_inbox(partnership_id))
    )


def _in_inbox(partnership_id: int) -> tuple:
    # in_inbox is never set on a confidential message; the second condition holds should a
    # feature set it by mistake.
    return (
        InboundMessage.partnership_id == partnership_id,
        InboundMessage.in_inbox.is_(True),
        InboundMessage.confidential.is_(False),
    )


def _inbox_row(row) -> InboxRow:
    message, participant_id, name, risk, handled_by, status = row
    return InboxRow(
        message, participant_id, name, risk == Risk.HIGH, handled_by, status == CONFIRMED
    )


def inbox(
    session: Session, *, partnership_id: int, page: int = 1
) -> tuple[list[InboxRow], int, int]:
    """One page of the inbox (unhandled first, then newest first), the total and how many
    are unhandled."""
    total, unhandled = session.execute(
        select(func.count(), func.sum(case((InboundMessage.handled_at.is_(None), 1), else_=0)))
        .select_from(InboundMessage)
        .where(*_in_inbox(partnership_id))
    ).one()
    rows = session.execute(
        _inbox_query(partnership_id)
        .order_by(
            case((InboundMessage.handled_at.is_(None), 0), else_=1),
            InboundMessage.received_at.desc(),
            InboundMessage.id.desc(),
        )
        .limit(PER_PAGE)
        .offset((max(page, 1) - 1) * PER_PAGE)
    ).all()
    return [_inbox_row(row) for row in rows], total or 0, int(unhandled or 0)


def get_inbox_message(session: Session, *, partnership_id: int, message_id: int):
    row = session.execute(
        _inbox_query(partnership_id).where(InboundMessage.id == message_id)
    ).first()
    return _inbox_row(row) if row else None


def mark_handled(session: Session, *, actor: User, message: InboundMessage) -> None:
    """Mark an inbox message as dealt with. Side effects: the message row, an audit entry."""
    if message.handled_at is not None:
        return
    message.handled_at, message.handled_by_id = utcnow(), actor.id
    audit.record(
        session,
        actor_id=actor.id,
        action="sms_inbound.handle",
        obj=message,
        partnership_id=message.partnership_id,
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
    number_hash = contacts.phone_hash(phone)
    hidden_in = () if include_confidential else (InboundMessage.confidential.is_(False),)
    hidden_out = () if include_confidential else (OutboundMessage.confidential.is_(False),)
    ours = InboundMessage.partnership_id == partnership_id
    inbound = session.scalars(
        select(InboundMessage)
        .where(
            InboundMessage.from_hash == number_hash,
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
                Contact.phone_hash == number_hash,
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
    items = [(m.received_at, 0, m.id, ThreadItem(True, m.body, m.received_at)) for m in inbound]
    items += [
        (m.created_at, 1, m.id, ThreadItem(False, m.body, m.created_at, m.status, m.kind))
        for m in outbound
    ]
    items.sort(key=lambda item: item[:3])
    return [item[3] for item in items[-limit:]]
