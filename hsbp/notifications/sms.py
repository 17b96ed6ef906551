"""Notification SMS: with an immediate e-mail, one SMS per partnership to the person's
verified phone, if they asked for it ("Also tell me by SMS").

The SMS goes from the SMS number of the partnership the items are in (a partnership
without one sends none), as a confidential message (the log keeps no readable body once
sent) to the number's global Contact, which is never added to any partnership's contact
list. A number that sent STOP gets nothing. At most TEXTS_PER_WINDOW in a TEXT_WINDOW per
person: immediate runs come every few minutes, an SMS interrupts, may cost the reader,
and sits on a phone others may read, while the e-mail already carries everything.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import update
from sqlalchemy.orm import Session

from hsbp.notifications import phones, preferences
from hsbp.notifications.items import Item
from hsbp.notifications.models import NotificationSeen
from hsbp.notifications.sms_texts import notice_text
from hsbp.paths import public_url
from hsbp.sms import contacts, sending

KIND = "notification"
# Three a day: one for each of up to three partnerships on a busy day, never a stream.
TEXTS_PER_WINDOW = 3
TEXT_WINDOW = timedelta(hours=24)


def _by_partnership(items: list[Item]) -> dict[int, list[Item]]:
    """Items by partnership, the partnership of the most urgent item first."""
    groups: dict[int, list[Item]] = {}
    for item in items:
        groups.setdefault(item.partnership_id, []).append(item)
    return groups


def text_immediate(session: Session, *, user, items: list[Item], locale: str, now: datetime) -> int:
    """Text `user` about `items` (just claimed for their immediate e-mail): one SMS per
    partnership with an SMS number, within the day's limit; how many.

    Side effects: an OutboundMessage per SMS (confidential, kind "notification"), queued
    after the commit; the items' notification_seen rows stamped `texted_at`; the person's
    SMS window counted; the number's global Contact found or made (no membership).
    """
    if not items or not preferences.settings_of(session, user_id=user.id).sms_immediate:
        return 0
    row = phones.phone_of(session, user_id=user.id)
    if row is None or row.verified_at is None or not row.phone:
        return 0
    groups = _by_partnership(items)
    senders = phones.senders_of(session, groups)
    if not senders:
        return 0
    contact = contacts.get_or_create_contact(session, row.phone)
    if contact.opted_out:
        return 0
    if row.texts_window_at is None or now - row.texts_window_at >= TEXT_WINDOW:
        row.texts_window_at, row.texts_in_window = now, 0
    sent = 0
    for partnership_id, found in groups.items():
        if partnership_id not in senders or row.texts_in_window >= TEXTS_PER_WINDOW:
            continue
        settings, name = senders[partnership_id]
        url = public_url("notifications.needs_me", p=partnership_id)
        sending.queue_sms(
            session,
            contact=contact,
            body=notice_text(locale, name=name, count=len(found), url=url),
            sender=settings.sender,
            kind=KIND,
            partnership_id=partnership_id,
            confidential=True,
        )
        session.execute(
            update(NotificationSeen)
            .where(
                NotificationSeen.user_id == user.id,
                NotificationSeen.key.in_([item.key for item in found]),
            )
            .values(texted_at=now)
            .execution_options(synchronize_session=False)
        )
        row.texts_in_window += 1
        sent += 1
    session.flush()
    return sent
