"""The one question a partnership puts to a number a facilitator added by hand or imported:
"Get messages from <partnership>? Reply YES or NO. STOP ends all."

Until the person answers YES from their own phone the membership is pending and receives
nothing. The question is never nagged: a facilitator may ask again at most `MAX_ASKS` times
in all, `ASK_INTERVAL` apart. A number that sent STOP is sent nothing, yet counts as asked,
so the facilitator's page says exactly what it says for anyone else who has not answered.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hsbp import audit
from hsbp.audit import ACTION_LABELS
from hsbp.auth.models import User
from hsbp.db import utcnow
from hsbp.errors import ServiceError
from hsbp.i18n import UI_LOCALE_CODES
from hsbp.partnerships.models import Partnership
from hsbp.sms import contacts, local_texts, sending, texts
from hsbp.sms.models import Contact, ContactMembership, MembershipStatus

MAX_ASKS = 3
ASK_INTERVAL = timedelta(days=7)

ACTION_LABELS.update(
    {
        "sms_contact.ask": _l("SMS contact asked again to confirm"),
        "sms_contact.ask_all": _l("SMS contacts not asked yet asked to confirm"),
    }
)


@dataclass(frozen=True)
class AskState:
    """Where a pending contact stands with the question, as the contact list shows it."""

    asks: int
    asked_at: datetime | None

    limit = MAX_ASKS

    @property
    def exhausted(self) -> bool:
        return self.asks >= MAX_ASKS

    @property
    def next_at(self) -> datetime | None:
        """The earliest time it may be asked again (None: at once, or never once exhausted)."""
        if self.exhausted or self.asked_at is None:
            return None
        return self.asked_at + ASK_INTERVAL

    def may_ask(self, now: datetime | None = None) -> bool:
        if self.exhausted:
            return False
        return self.next_at is None or self.next_at <= (now or utcnow())


def ask_state(member: ContactMembership) -> AskState:
    return AskState(member.asks, member.asked_at)


def language_for(
    session: Session, contact: Contact, partnership: Partnership, chosen: str | None = None
) -> str:
    """The question's language: the person's own, else the one the facilitator chose (the
    form, the register), else the partnership's default; a local one with the partnership's
    translation (hsbp.sms.local_texts)."""
    local = local_texts.local_locales(partnership)
    for code in (contact.locale, chosen, partnership.default_locale):
        if code in UI_LOCALE_CODES or (code and code in local):
            return local_texts.language(session, partnership=partnership, code=code)
    return "en"


def ask(
    session: Session,
    *,
    member: ContactMembership,
    contact: Contact,
    partnership: Partnership,
    locale: str | None = None,
) -> bool:
    """Put the question to a pending contact from the partnership's sender. Returns False
    when it cannot go (no sender yet, or not pending), and changes nothing then.

    Side effects: `asks` and `asked_at`; a queued message (sent after the commit), except to
    a number that sent STOP.
    """
    settings = contacts.settings_of(session, partnership.id)
    if settings is None or member.status != MembershipStatus.PENDING:
        return False
    member.asks += 1
    member.asked_at = utcnow()
    if not contact.opted_out:
        sending.queue_sms(
            session,
            contact=contact,
            body=texts.with_name(
                language_for(session, contact, partnership, locale),
                "invitation",
                partnership.name,
            ),
            sender=settings.sender,
            kind=contacts.INVITATION_KIND,
            partnership_id=partnership.id,
        )
    return True


def ask_again(
    session: Session, *, actor: User, partnership: Partnership, membership_id: int
) -> ContactMembership | None:
    """Send the question again to one pending contact, within the limits. Returns None for
    a membership of no contact of this partnership.

    Side effects: as `ask`; an audit entry.
    """
    member = session.scalar(
        select(ContactMembership).where(
            ContactMembership.id == membership_id,
            ContactMembership.partnership_id == partnership.id,
        )
    )
    if member is None:
        return None
    if member.status != MembershipStatus.PENDING:
        raise ServiceError(_l("Only a contact who has not answered yet can be asked."))
    state = ask_state(member)
    if state.exhausted:
        raise ServiceError(
            _l(
                "This contact was asked %(count)d times: the question is not sent again.",
                count=MAX_ASKS,
            )
        )
    if not state.may_ask():
        raise ServiceError(
            _l(
                "This contact was asked less than %(days)d days ago.",
                days=ASK_INTERVAL.days,
            )
        )
    if contacts.settings_of(session, partnership.id) is None:
        raise ServiceError(_l("Set the partnership's SMS sender first."))
    ask(
        session,
        member=member,
        contact=session.get(Contact, member.contact_id),
        partnership=partnership,
    )
    audit.record(
        session,
        actor_id=actor.id,
        action="sms_contact.ask",
        obj=member,
        partnership_id=partnership.id,
        details={"asks": member.asks},
    )
    return member


def never_asked(session: Session, *, partnership_id: int) -> int:
    """How many pending contacts were never asked (added before the sender was set, or
    pending since the upgrade that introduced confirmation)."""
    return session.scalar(
        select(func.count()).select_from(ContactMembership).where(*_never_asked(partnership_id))
    )


def _never_asked(partnership_id: int) -> tuple:
    return (
        ContactMembership.partnership_id == partnership_id,
        ContactMembership.status == MembershipStatus.PENDING,
        ContactMembership.asks == 0,
    )


def ask_all_pending(session: Session, *, actor: User, partnership: Partnership) -> int:
    """Ask every pending contact who was never asked. Returns how many were asked.

    Side effects: as `ask` for each; an audit entry.
    """
    if contacts.settings_of(session, partnership.id) is None:
        raise ServiceError(_l("Set the partnership's SMS sender first."))
    waiting = session.execute(
        select(ContactMembership, Contact)
        .join(Contact, Contact.id == ContactMembership.contact_id)
        .where(*_never_asked(partnership.id))
        .order_by(ContactMembership.id)
    ).all()
    asked = sum(
        ask(session, member=member, contact=contact, partnership=partnership)
        for member, contact in waiting
    )
    audit.record(
        session,
        actor_id=actor.id,
        action="sms_contact.ask_all",
        obj=partnership,
        partnership_id=partnership.id,
        details={"asked": asked},
    )
    return asked
