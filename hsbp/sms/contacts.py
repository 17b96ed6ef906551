"""Contacts: finding them by a keyed hash of the number, consent, partnerships, language,
and which partnership a message to a sender several partnerships share is for.

A membership is confirmed only by the person, from their own phone: a JOIN, or YES to the
one question a partnership sends when a facilitator adds them. Until then it is pending
and receives nothing (`confirmed()` is the clause of every audience). On a shared sender a
message goes to the confirmed partnership the person chose last (`chosen_at`); when their
choices cannot tell two apart, the message is held and they are asked which one they mean.
"""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from hsbp.db import field_cipher, utcnow
from hsbp.errors import ServiceError
from hsbp.phones import e164
from hsbp.sms.handlers import registry
from hsbp.sms.models import (
    ConsentEvent,
    Contact,
    ContactMembership,
    InboundMessage,
    MembershipStatus,
    SmsSettings,
)

JOIN_CODE = re.compile(r"^[A-Z0-9]{3,20}$")
# The outgoing rows of the confirmation question (hsbp.sms.confirmation).
INVITATION_KIND = "invitation"
# The route of a message waiting for the person to say which partnership it is for.
HELD = "held"
# Set on the session when a choice released held messages, so the router looks again.
RELEASED = "hsbp.sms.released"
# `Contact.awaiting` while a numbered list of partnerships waits for an answer: for held
# messages, or for a YES or NO that could answer several invitations.
CHOOSE_PARTNERSHIP, CHOOSE_INVITATION = "partnership", "invitation"
CHOICES = (CHOOSE_PARTNERSHIP, CHOOSE_INVITATION)


def phone_hash(phone: str) -> str:
    """The hash a number is stored under: the newest field key's."""
    return field_cipher().lookup_hash(phone)


def phone_hashes(phone: str) -> list[str]:
    """Every field key's hash of a number: a look-up matches any, as rows written before a
    key rotation carry an older key's hash until `hsbp keys rotate` has passed."""
    return field_cipher().lookup_hashes(phone)


def find_contact(session: Session, phone: str) -> Contact | None:
    return session.scalar(
        select(Contact).where(Contact.phone_hash.in_(phone_hashes(phone))).order_by(Contact.id)
    )


def get_or_create_contact(session: Session, phone: str) -> Contact:
    contact = find_contact(session, phone)
    if contact is None:
        contact = Contact(phone=phone, phone_hash=phone_hash(phone))
        session.add(contact)
        session.flush()
    return contact


def record_consent(
    session: Session,
    *,
    contact: Contact,
    event: str,
    channel: str,
    partnership_id=None,
    inbound_id=None,
    user_id=None,
    note: str = "",
) -> None:
    """Add an event to the contact's opt-in history, and tell the registered consent
    listeners (consent per purpose follows what the person did)."""
    row = ConsentEvent(
        contact_id=contact.id,
        partnership_id=partnership_id,
        event=event,
        channel=channel,
        inbound_id=inbound_id,
        recorded_by_id=user_id,
        note=note,
    )
    session.add(row)
    for listener in registry().consent_listeners:
        listener(session, contact=contact, event=row)


def opt_out(session: Session, *, contact: Contact, channel: str, inbound_id=None, note="") -> bool:
    """Stop every message to `contact`. Returns False if it had already opted out."""
    if contact.opted_out:
        return False
    contact.opted_out = True
    contact.awaiting = ""
    record_consent(
        session, contact=contact, event="opt_out", channel=channel, inbound_id=inbound_id, note=note
    )
    return True


def opt_in(
    session: Session, *, contact: Contact, channel: str, inbound_id=None, user_id=None, note=""
) -> None:
    contact.opted_out = False
    record_consent(
        session,
        contact=contact,
        event="opt_in",
        channel=channel,
        inbound_id=inbound_id,
        user_id=user_id,
        note=note,
    )


def settings_for_code(session: Session, code: str) -> SmsSettings | None:
    return session.scalar(select(SmsSettings).where(SmsSettings.join_code == code.upper()))


def settings_for_sender(session: Session, sender: str) -> list[SmsSettings]:
    return list(session.scalars(select(SmsSettings).where(SmsSettings.sender == sender)))


def settings_of(session: Session, partnership_id: int) -> SmsSettings | None:
    return session.scalar(select(SmsSettings).where(SmsSettings.partnership_id == partnership_id))


# Memberships


def confirmed():
    """The clause of every audience that sends to contacts: memberships the person confirmed
    from their own phone. Pending and declined ones receive nothing."""
    return ContactMembership.status == MembershipStatus.CONFIRMED


def membership(session: Session, *, contact: Contact, partnership_id: int):
    """The contact's membership of a partnership, whatever its state."""
    return session.scalar(
        select(ContactMembership).where(
            ContactMembership.contact_id == contact.id,
            ContactMembership.partnership_id == partnership_id,
        )
    )


def confirmed_membership(session: Session, *, contact: Contact, partnership_id: int):
    """The contact's membership of a partnership if the person confirmed it, else None."""
    return session.scalar(
        select(ContactMembership).where(
            ContactMembership.contact_id == contact.id,
            ContactMembership.partnership_id == partnership_id,
            confirmed(),
        )
    )


def join(
    session: Session,
    *,
    contact: Contact,
    partnership_id: int,
    channel: str,
    inbound_id=None,
    user_id=None,
    participant_id=None,
    note="",
) -> ContactMembership:
    """The person chose this partnership from their own phone (a JOIN; the demo and tests
    stand in for them): the membership is confirmed, even one they declined, and becomes
    their latest choice. Joining also opts back in.

    Side effects: the membership, a "join" consent event when it was not confirmed yet,
    `chosen_at`, messages held for a choice released (`choose`), opt-in.
    """
    found = membership(session, contact=contact, partnership_id=partnership_id)
    if found is None:
        found = ContactMembership(
            contact_id=contact.id, partnership_id=partnership_id, participant_id=participant_id
        )
        session.add(found)
    if found.status != MembershipStatus.CONFIRMED:
        found.status = MembershipStatus.CONFIRMED
        found.confirmed_at = utcnow()
        record_consent(
            session,
            contact=contact,
            event="join",
            channel=channel,
            partnership_id=partnership_id,
            inbound_id=inbound_id,
            user_id=user_id,
            note=note,
        )
    if contact.opted_out:
        opt_in(session, contact=contact, channel=channel, inbound_id=inbound_id, user_id=user_id)
    session.flush()
    choose(session, contact=contact, member=found)
    return found


def add_pending(
    session: Session,
    *,
    contact: Contact,
    partnership_id: int,
    channel: str,
    user_id=None,
    participant_id=None,
    note="",
) -> ContactMembership:
    """A membership a facilitator recorded (by hand or from the register), waiting for the
    person's own YES. The caller checks that the contact is not a member yet.

    Side effects: the membership (pending), an "added" consent event with the note.
    """
    found = ContactMembership(
        contact_id=contact.id,
        partnership_id=partnership_id,
        participant_id=participant_id,
        status=MembershipStatus.PENDING,
    )
    session.add(found)
    record_consent(
        session,
        contact=contact,
        event="added",
        channel=channel,
        partnership_id=partnership_id,
        user_id=user_id,
        note=note,
    )
    session.flush()
    return found


def answer_invitation(
    session: Session, *, contact: Contact, member: ContactMembership, yes: bool, inbound_id=None
) -> None:
    """The person's YES or NO to a partnership's question. YES confirms the membership and
    makes it their latest choice; NO declines it (only their own JOIN brings it back).

    Side effects: the membership's state, a "confirm" or "decline" consent event (SMS),
    `chosen_at` and released messages on YES.
    """
    now = utcnow()
    member.status = MembershipStatus.CONFIRMED if yes else MembershipStatus.DECLINED
    if yes:
        member.confirmed_at = now
    record_consent(
        session,
        contact=contact,
        event="confirm" if yes else "decline",
        channel="sms",
        partnership_id=member.partnership_id,
        inbound_id=inbound_id,
    )
    if yes:
        choose(session, contact=contact, member=member, now=now)
    elif contact.awaiting in CHOICES:
        contact.awaiting = ""
    session.flush()


def choose(session: Session, *, contact: Contact, member: ContactMembership, now=None) -> None:
    """Make `member` the person's latest choice: messages to its sender go there from now on.

    Side effects: `chosen_at`; a pending numbered question is forgotten; messages held on
    that sender for a choice become unrouted again, so the router routes them as if they
    had reached this partnership in the first place.
    """
    member.chosen_at = now or utcnow()
    if contact.awaiting in CHOICES:
        contact.awaiting = ""
    settings = settings_of(session, member.partnership_id)
    if settings is None:
        return
    held = session.scalars(
        select(InboundMessage).where(
            InboundMessage.contact_id == contact.id,
            InboundMessage.route == HELD,
            InboundMessage.to_number == settings.sender,
        )
    ).all()
    for message in held:
        message.route = ""
    if held:
        # The router routes them in the same pass (hsbp.sms.inbound.route_message).
        session.info[RELEASED] = True


# The sender


def configure_sender(
    session: Session, *, partnership_id: int, sender: str, join_code: str, may_share: bool = False
):
    """Set a partnership's sender (E.164 number or Messaging Service SID) and join code.

    A sender another partnership uses is given only with `may_share` (a site administrator):
    on a shared number the partnerships' contacts write to the same place. A partnership
    keeps a shared sender it already has. The refusal names no other partnership.
    """
    code = join_code.strip().upper()
    if not JOIN_CODE.match(code):
        raise ServiceError(
            _l("Use 3 to 20 letters or digits for the join code."), field="join_code"
        )
    sender = sender.strip()
    if not (sender.startswith("MG") and len(sender) == 34) and e164(sender) is None:
        raise ServiceError(
            _l("The sender must be a phone number (+...) or a Messaging Service SID (MG...)."),
            field="sender",
        )
    sender = e164(sender) or sender
    taken = settings_for_code(session, code)
    if taken is not None and taken.partnership_id != partnership_id:
        raise ServiceError(_l("Another partnership uses this join code."), field="join_code")
    settings = settings_of(session, partnership_id) or SmsSettings(partnership_id=partnership_id)
    if not may_share and settings.sender != sender and shared_with(session, sender, partnership_id):
        raise ServiceError(
            _l("This sender cannot be used here: ask a site administrator."), field="sender"
        )
    settings.sender = sender
    settings.join_code = code
    session.add(settings)
    session.flush()
    return settings


def shared_with(session: Session, sender: str, partnership_id: int) -> list[int]:
    """The other partnerships that use `sender`, for site administrators' eyes only."""
    return sorted(
        s.partnership_id
        for s in settings_for_sender(session, sender)
        if s.partnership_id != partnership_id
    )


def touch_options_reply(contact: Contact) -> bool:
    """True (and remembered) if the daily "what you can send" reply may go out now."""
    now = utcnow()
    last = contact.last_options_reply_at
    if last is not None and (now - last).total_seconds() < 24 * 3600:
        return False
    contact.last_options_reply_at = now
    return True
