"""Contacts: finding them by a keyed hash of the number, consent, partnerships, language."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from hsbp.db import field_cipher, utcnow
from hsbp.errors import ServiceError
from hsbp.phones import e164
from hsbp.sms.models import ConsentEvent, Contact, ContactMembership, SmsSettings

JOIN_CODE = re.compile(r"^[A-Z0-9]{3,20}$")


def phone_hash(phone: str) -> str:
    return field_cipher().lookup_hash(phone)


def find_contact(session: Session, phone: str) -> Contact | None:
    return session.scalar(select(Contact).where(Contact.phone_hash == phone_hash(phone)))


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
    session.add(
        ConsentEvent(
            contact_id=contact.id,
            partnership_id=partnership_id,
            event=event,
            channel=channel,
            inbound_id=inbound_id,
            recorded_by_id=user_id,
            note=note,
        )
    )


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


def membership(session: Session, *, contact: Contact, partnership_id: int):
    return session.scalar(
        select(ContactMembership).where(
            ContactMembership.contact_id == contact.id,
            ContactMembership.partnership_id == partnership_id,
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
    """Make `contact` part of a partnership (joining also opts back in)."""
    found = membership(session, contact=contact, partnership_id=partnership_id)
    if found is None:
        found = ContactMembership(
            contact_id=contact.id, partnership_id=partnership_id, participant_id=participant_id
        )
        session.add(found)
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
    return found


def partnership_for(
    session: Session, *, contact: Contact | None, to_number: str, senders=None
) -> int | None:
    """Which partnership a message to `to_number` concerns: of the partnerships using that
    sender (`senders`, if the caller already has them), the one the contact joined last."""
    senders = senders if senders is not None else settings_for_sender(session, to_number)
    sender_partnerships = {s.partnership_id for s in senders}
    if contact is None or not sender_partnerships:
        # A stranger writing to a number only one partnership uses is heard by that one.
        return next(iter(sender_partnerships)) if len(sender_partnerships) == 1 else None
    joined = session.scalars(
        select(ContactMembership)
        .where(
            ContactMembership.contact_id == contact.id,
            ContactMembership.partnership_id.in_(sender_partnerships),
        )
        .order_by(ContactMembership.joined_at.desc(), ContactMembership.id.desc())
    ).first()
    return joined.partnership_id if joined else None


def configure_sender(session: Session, *, partnership_id: int, sender: str, join_code: str):
    """Set a partnership's sender (E.164 number or Messaging Service SID) and join code."""
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
    taken = settings_for_code(session, code)
    if taken is not None and taken.partnership_id != partnership_id:
        raise ServiceError(_l("Another partnership uses this join code."), field="join_code")
    settings = settings_of(session, partnership_id) or SmsSettings(partnership_id=partnership_id)
    settings.sender = e164(sender) or sender
    settings.join_code = code
    session.add(settings)
    session.flush()
    return settings


def touch_options_reply(contact: Contact) -> bool:
    """True (and remembered) if the daily "what you can send" reply may go out now."""
    now = utcnow()
    last = contact.last_options_reply_at
    if last is not None and (now - last).total_seconds() < 24 * 3600:
        return False
    contact.last_options_reply_at = now
    return True
