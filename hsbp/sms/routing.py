"""Which partnership a message to a sender is for, when several partnerships share it.

Among the partnerships using the number, the contact's confirmed memberships count, by the
person's own latest choice (`chosen_at`: a JOIN, a YES, a pick from a numbered list). A
pending membership never attracts a message. When the choices cannot tell two apart, the
router holds the message and asks which one the person means.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from hsbp.sms.contacts import INVITATION_KIND, confirmed, settings_for_sender
from hsbp.sms.models import (
    Contact,
    ContactMembership,
    MembershipStatus,
    OutboundMessage,
    OutboundStatus,
    SmsSettings,
)


@dataclass
class Resolution:
    """The partnership a message reaches, or, when the person's choices cannot tell which
    of several it is for, the partnerships to ask them about (in a stable order)."""

    partnership_id: int | None = None
    choices: list[int] = field(default_factory=list)


def latest_choice(members: list[ContactMembership]) -> Resolution:
    """Of memberships on one sender, the one the person chose last; when none or several
    carry that latest choice, no partnership and the tied ones as choices."""
    if len(members) == 1:
        return Resolution(members[0].partnership_id)
    dated = [m for m in members if m.chosen_at is not None]
    if dated:
        latest = max(m.chosen_at for m in dated)
        tied = [m for m in dated if m.chosen_at == latest]
    else:
        tied = list(members)
    if len(tied) == 1:
        return Resolution(tied[0].partnership_id)
    return Resolution(None, sorted(m.partnership_id for m in tied))


def resolve(session: Session, *, contact: Contact | None, senders: list[SmsSettings]) -> Resolution:
    """Which partnership a message to these senders (one number's settings) is for: among
    the partnerships using the number, the contact's confirmed ones, by their latest choice.
    A pending membership never attracts a message: a number that confirmed none of them is
    heard as a stranger, by the partnership if only one uses the number."""
    ids = sorted({s.partnership_id for s in senders})
    if contact is not None and ids:
        mine = session.scalars(
            select(ContactMembership).where(
                ContactMembership.contact_id == contact.id,
                ContactMembership.partnership_id.in_(ids),
                confirmed(),
            )
        ).all()
        if mine:
            return latest_choice(list(mine))
    return Resolution(ids[0] if len(ids) == 1 else None)


def partnership_for(
    session: Session, *, contact: Contact | None, to_number: str, senders=None
) -> int | None:
    """The partnership a message to `to_number` reaches (`resolve`), None when nobody's or
    when the person must say which (`senders`, if the caller already has them)."""
    senders = senders if senders is not None else settings_for_sender(session, to_number)
    return resolve(session, contact=contact, senders=senders).partnership_id


def open_invitations(
    session: Session, *, contact: Contact, partnership_ids: list[int]
) -> list[ContactMembership]:
    """Pending memberships of these partnerships whose question really went to the phone
    (a number that sent STOP is never sent one): those a YES or NO can answer."""
    if not partnership_ids:
        return []
    asked = exists().where(
        OutboundMessage.contact_id == ContactMembership.contact_id,
        OutboundMessage.partnership_id == ContactMembership.partnership_id,
        OutboundMessage.kind == INVITATION_KIND,
        OutboundMessage.status != OutboundStatus.CANCELLED,
    )
    return list(
        session.scalars(
            select(ContactMembership)
            .where(
                ContactMembership.contact_id == contact.id,
                ContactMembership.partnership_id.in_(partnership_ids),
                ContactMembership.status == MembershipStatus.PENDING,
                asked,
            )
            .order_by(ContactMembership.partnership_id)
        )
    )


def last_sent_kind(session: Session, *, contact: Contact, sender: str) -> str | None:
    """What the latest message from `sender` to the contact was (a question of ours, a
    feature's, a reply): a bare YES answers the latest question."""
    return session.scalar(
        select(OutboundMessage.kind)
        .where(OutboundMessage.contact_id == contact.id, OutboundMessage.sender == sender)
        .order_by(OutboundMessage.id.desc())
        .limit(1)
    )
