"""The mobile number a person gives for notification SMS, verified by a code before any
notification goes to it.

A code is six digits, sent by SMS from the SMS number of the person's first partnership
that has one, in their language. Only a keyed hash of it is kept, bound to the person and
the number, so a code is worth nothing for another person or another number. It lasts
CODE_LIFETIME and MAX_ATTEMPTS wrong guesses; at most CODES_PER_WINDOW codes go out in a
CODE_WINDOW, so the page cannot be used to send texts to someone's phone at will.

The number is personal data: encrypted at rest, shown to its owner alone, written to no
audit entry and no log. Refusals say nothing about the number's owner or its state (a
number that sent STOP gets no code, and the page says what to do, not that it did).
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from hsbp.db import field_cipher
from hsbp.errors import ServiceError
from hsbp.notifications import preferences
from hsbp.notifications.items import locale_of
from hsbp.notifications.models import NotificationPhone
from hsbp.notifications.sms_texts import code_text
from hsbp.partnerships.models import Membership, Partnership
from hsbp.partnerships.models import Stage as PartnershipStage
from hsbp.phones import e164
from hsbp.sms import contacts, sending
from hsbp.sms.models import SmsSettings

CODE_LIFETIME = timedelta(minutes=15)
MAX_ATTEMPTS = 5
CODES_PER_WINDOW = 3
CODE_WINDOW = timedelta(hours=1)
CODE_KIND = "notification_code"


class WrongCode(ServiceError):
    """A guess that counts: the view keeps the attempt even though it answers 422."""


def phone_of(session: Session, *, user_id: int) -> NotificationPhone | None:
    return session.scalar(select(NotificationPhone).where(NotificationPhone.user_id == user_id))


def verified_phone(session: Session, *, user_id: int) -> str:
    """The person's verified number, or ""."""
    row = phone_of(session, user_id=user_id)
    return row.phone if row is not None and row.verified_at is not None else ""


def senders_of(session: Session, partnership_ids) -> dict[int, tuple[SmsSettings, str]]:
    """{partnership id: (its SMS settings, its name)} of those that have a sender; one
    statement."""
    ids = list(partnership_ids)
    if not ids:
        return {}
    rows = session.execute(
        select(SmsSettings, Partnership.name)
        .join(Partnership, Partnership.id == SmsSettings.partnership_id)
        .where(SmsSettings.partnership_id.in_(ids), SmsSettings.sender != "")
    )
    return {settings.partnership_id: (settings, name) for settings, name in rows}


def open_memberships(memberships: list[Membership]) -> list[Membership]:
    return [m for m in memberships if m.partnership.stage != PartnershipStage.CLOSED]


def code_sender(session: Session, memberships: list[Membership]):
    """(SMS settings, partnership name) of the person's first partnership with an SMS
    number, which sends their codes; None when none has one."""
    found = senders_of(session, [m.partnership_id for m in open_memberships(memberships)])
    first = next((m.partnership_id for m in memberships if m.partnership_id in found), None)
    return found[first] if first is not None else None


def hash_code(user_id: int, phone: str, code: str) -> str:
    return code_hashes(user_id, phone, code)[0]


def code_hashes(user_id: int, phone: str, code: str) -> list[str]:
    """Every field key's hash of a code, newest first: one sent before a key rotation
    still counts (a rotation cannot rehash it, and it expires within CODE_LIFETIME)."""
    return field_cipher().lookup_hashes(f"notification-code\x00{user_id}\x00{phone}\x00{code}")


def request_code(
    session: Session, *, user, memberships: list[Membership], raw_phone: str, now: datetime
) -> NotificationPhone:
    """Send a code to the number typed in `raw_phone` (international form, "+...").

    Side effects: the person's phone row (the number pending, the code's hash, the window
    counted), the global Contact of the number found or made (never a membership of any
    partnership's contact list) and a confidential SMS queued from the first partnership's
    sender. Raises ServiceError (field "phone"): a malformed number, no partnership with an
    SMS number, too many codes this hour, or the number already verified.
    """
    text = (raw_phone or "").strip()
    phone = e164(text) if text.startswith("+") and len(text) <= 32 else None
    if phone is None:
        raise ServiceError(
            _l(
                "Enter a mobile number in international form, starting with + and the country code."
            ),
            field="phone",
        )
    row = phone_of(session, user_id=user.id) or NotificationPhone(user_id=user.id)
    if row.verified_at is not None and row.phone == phone:
        raise ServiceError(_l("This number is already verified."), field="phone")
    return _send_code(session, user=user, memberships=memberships, row=row, phone=phone, now=now)


def resend_code(
    session: Session, *, user, memberships: list[Membership], now: datetime
) -> NotificationPhone:
    """A new code for the number waiting for one. Side effects and refusals as request_code."""
    row = phone_of(session, user_id=user.id)
    if row is None or not row.pending_phone:
        raise ServiceError(_l("Enter your mobile number first."), field="phone")
    return _send_code(
        session, user=user, memberships=memberships, row=row, phone=row.pending_phone, now=now
    )


def _send_code(session, *, user, memberships, row: NotificationPhone, phone: str, now: datetime):
    sender = code_sender(session, memberships)
    if sender is None:
        raise ServiceError(
            _l("None of your partnerships has an SMS number, so no SMS can be sent yet."),
            field="phone",
        )
    if row.codes_window_at is None or now - row.codes_window_at >= CODE_WINDOW:
        row.codes_window_at, row.codes_in_window = now, 0
    if row.codes_in_window >= CODES_PER_WINDOW:
        raise ServiceError(
            _l("Too many codes were sent in the last hour. Try again later."), field="phone"
        )
    code = f"{secrets.randbelow(10**6):06d}"
    row.pending_phone = phone
    row.code_hash = hash_code(user.id, phone, code)
    row.code_sent_at, row.attempts = now, 0
    row.codes_in_window += 1
    session.add(row)
    settings, _name = sender
    contact = contacts.get_or_create_contact(session, phone)
    sending.queue_sms(
        session,
        contact=contact,
        body=code_text(locale_of(user, memberships), code),
        sender=settings.sender,
        kind=CODE_KIND,
        partnership_id=settings.partnership_id,
        confidential=True,
    )
    session.flush()
    return row


def confirm(session: Session, *, user_id: int, code: str, now: datetime) -> NotificationPhone:
    """Check the code the person typed; right, the pending number becomes their verified one.

    Side effects: the attempt counted; on success the number moved to `phone`, the code
    forgotten. Raises ServiceError (field "code") for no code asked, a malformed code, an
    expired code or too many attempts, and WrongCode for a wrong one (the attempt counts).
    """
    row = phone_of(session, user_id=user_id)
    if row is None or not row.pending_phone or not row.code_hash:
        raise ServiceError(_l("Ask for a code first."), field="code")
    typed = "".join((code or "").split())
    if not (typed.isascii() and typed.isdigit() and len(typed) == 6):
        raise ServiceError(_l("The code is the 6 digits of the SMS."), field="code")
    if row.code_sent_at is None or now - row.code_sent_at > CODE_LIFETIME:
        raise ServiceError(_l("This code has expired. Ask for a new one."), field="code")
    if row.attempts >= MAX_ATTEMPTS:
        raise ServiceError(_l("Too many wrong codes. Ask for a new one."), field="code")
    row.attempts += 1
    hashes = code_hashes(user_id, row.pending_phone, typed)
    if not any(hmac.compare_digest(row.code_hash, one) for one in hashes):
        session.flush()
        left = MAX_ATTEMPTS - row.attempts
        if left <= 0:
            raise WrongCode(_l("This code is not right. Ask for a new one."), field="code")
        raise WrongCode(
            _l("This code is not right. Tries left: %(left)d.", left=left), field="code"
        )
    row.phone, row.verified_at = row.pending_phone, now
    row.pending_phone, row.code_hash, row.code_sent_at, row.attempts = "", "", None, 0
    session.flush()
    return row


def cancel_pending(session: Session, *, user_id: int) -> None:
    """Forget a number waiting for its code (the verified one, if any, stays)."""
    row = phone_of(session, user_id=user_id)
    if row is not None:
        row.pending_phone, row.code_hash, row.code_sent_at, row.attempts = "", "", None, 0
        session.flush()


def remove(session: Session, *, user_id: int) -> None:
    """Forget the person's number(s) and stop their notification SMS. Side effects: the
    numbers and code blanked on their phone row (the row and its windows stay, so removing
    a number does not reset the limits), "Also tell me by SMS" switched off so a later
    number starts quiet."""
    row = phone_of(session, user_id=user_id)
    if row is not None:
        row.phone, row.verified_at = "", None
        row.pending_phone, row.code_hash, row.code_sent_at, row.attempts = "", "", None, 0
    own = preferences.settings_of(session, user_id=user_id)
    if own.id is not None:
        own.sms_immediate = False
    session.flush()


@dataclass
class PhoneState:
    """What the settings page shows its owner of their phone."""

    phone: str  # verified, or ""
    pending: str  # waiting for its code, or ""
    code_sender: str  # the number codes come from ("" for a Messaging Service)
    code_partnership: str  # the name of the partnership that sends the codes, or ""
    with_sms: list[str]  # names of the person's partnerships that have an SMS number
    stopped: bool  # the verified number sent STOP: nothing goes to it until START


def state(session: Session, *, user_id: int, memberships: list[Membership]) -> PhoneState:
    """The person's phone as the settings page shows it to them. Reads only (never makes a
    Contact: looking at the page sends nothing and stores nothing)."""
    row = phone_of(session, user_id=user_id)
    verified = row.phone if row is not None and row.verified_at is not None else ""
    senders = senders_of(session, [m.partnership_id for m in open_memberships(memberships)])
    first_id = next((m.partnership_id for m in memberships if m.partnership_id in senders), None)
    first = senders[first_id] if first_id is not None else None
    contact = contacts.find_contact(session, verified) if verified else None
    number = first[0].sender if first else ""
    return PhoneState(
        phone=verified,
        pending=row.pending_phone if row is not None else "",
        code_sender=number if number.startswith("+") else "",
        code_partnership=first[1] if first else "",
        with_sms=[name for _settings, name in senders.values()],
        stopped=bool(contact is not None and contact.opted_out),
    )
