"""The checklist's settings (reminders, "due soon", the public page) and the public
transparency page itself.

The public page is off until a facilitator switches it on; its address holds a random token.
Switching it off keeps the token, so a poster's link works again once it is back on; a
facilitator can give it a new address, and the old one stops working. The page is built from
`PublicAction` rows that carry only what may be public: titles, goals, partner names, status,
progress and dates. No person, comment, reason, evidence or money leaves through it.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from hsbp import audit
from hsbp.actions import extras
from hsbp.actions.checks import goals
from hsbp.actions.models import Action, ChecklistSettings
from hsbp.auth.models import User
from hsbp.errors import ServiceError
from hsbp.i18n import translated
from hsbp.partnerships.models import Partnership

DEFAULT_REMIND_DAYS, DEFAULT_DUE_SOON_DAYS = 7, 14
REMIND_DAYS_MAX, DUE_SOON_DAYS_MAX = 60, 90
TOKEN_MAX = 64

audit.ACTION_LABELS.update({"action_settings.save": _l("Checklist settings changed")})


def settings_of(session: Session, partnership_id: int) -> ChecklistSettings:
    """The partnership's settings, or the defaults (not saved) when it has none yet."""
    found = session.scalar(
        select(ChecklistSettings).where(ChecklistSettings.partnership_id == partnership_id)
    )
    return found or ChecklistSettings(
        partnership_id=partnership_id,
        public_page=False,
        public_token=None,
        remind_days_before=DEFAULT_REMIND_DAYS,
        due_soon_days=DEFAULT_DUE_SOON_DAYS,
    )


def _days(value, *, low: int, high: int, field: str, message) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = None
    if number is None or not low <= number <= high:
        raise ServiceError(message, field=field)
    return number


def save_settings(
    session: Session,
    *,
    actor: User,
    partnership: Partnership,
    public_page: bool,
    remind_days_before,
    due_soon_days,
    new_address: bool = False,
) -> ChecklistSettings:
    """Change the partnership's checklist settings; every value is checked first.

    Side effects: the settings row (created on first save); a public token made when the
    page is first switched on, or replaced when `new_address`; an audit entry.
    """
    remind = _days(
        remind_days_before,
        low=0,
        high=REMIND_DAYS_MAX,
        field="remind_days_before",
        message=_l("Choose from 0 to %(max)d days.", max=REMIND_DAYS_MAX),
    )
    soon = _days(
        due_soon_days,
        low=1,
        high=DUE_SOON_DAYS_MAX,
        field="due_soon_days",
        message=_l("Choose from 1 to %(max)d days.", max=DUE_SOON_DAYS_MAX),
    )
    settings = settings_of(session, partnership.id)
    before = {
        "public_page": bool(settings.public_page),
        "remind_days_before": settings.remind_days_before,
        "due_soon_days": settings.due_soon_days,
    }
    settings.public_page = bool(public_page)
    settings.remind_days_before, settings.due_soon_days = remind, soon
    renewed = bool(new_address and settings.public_token)
    if (settings.public_page and not settings.public_token) or renewed:
        settings.public_token = secrets.token_urlsafe(32)
    session.add(settings)
    session.flush()
    after = {
        "public_page": settings.public_page,
        "remind_days_before": remind,
        "due_soon_days": soon,
    }
    details = {key: [before[key], value] for key, value in after.items() if before[key] != value}
    if renewed:
        details["public_address"] = "renewed"
    audit.record(
        session,
        actor_id=actor.id,
        action="action_settings.save",
        obj=settings,
        partnership_id=partnership.id,
        details=details,
    )
    return settings


# The public page ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PublicAction:
    """One action as the public may see it: nothing names a person."""

    title: str
    goal: str
    lead: str
    supporters: tuple[str, ...]
    status: str
    progress: int
    start_on: date | None
    due_on: date | None
    overdue: bool
    # What other features say of it for the public (a community check's totals).
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class PublicChecklist:
    partnership_name: str
    actions: list[PublicAction]
    today: date

    def count(self, status: str) -> int:
        return sum(1 for action in self.actions if action.status == status)

    @property
    def overdue(self) -> int:
        return sum(1 for action in self.actions if action.overdue)


def published_partnership(session: Session, token: str) -> Partnership | None:
    """The partnership whose public page has this address and is switched on."""
    if not token or len(token) > TOKEN_MAX:
        return None
    return session.scalar(
        select(Partnership)
        .join(ChecklistSettings, ChecklistSettings.partnership_id == Partnership.id)
        .where(ChecklistSettings.public_token == token, ChecklistSettings.public_page.is_(True))
    )


def local_time(partnership: Partnership, now: datetime) -> datetime:
    """`now` on the partnership's clocks (UTC when its time zone is unknown)."""
    return now.astimezone(partnership.zone)


def public_checklist(
    session: Session, *, partnership: Partnership, locale: str, now: datetime
) -> PublicChecklist:
    """The partnership's actions for the public page, in `locale` where written (else the
    partnership's default language), by due date, with the public notes other features give
    (hsbp.actions.extras); a fixed number of queries however many actions."""
    fallback = partnership.default_locale
    goal_titles = goals(session, partnership_id=partnership.id)
    today = local_time(partnership, now).date()
    rows = session.scalars(
        select(Action)
        .options(selectinload(Action.lead_partner), selectinload(Action.supporters))
        .where(Action.partnership_id == partnership.id)
        .order_by(Action.due_on.is_(None), Action.due_on, Action.id)
    ).all()
    notes = extras.notes(session, partnership_id=partnership.id, public=True)
    actions = [
        PublicAction(
            title=translated(row.title, locale=locale, fallback=fallback),
            goal=translated(goal_titles.get(row.goal_key), locale=locale, fallback=fallback)
            if row.goal_key
            else "",
            lead=row.lead_partner.name,
            supporters=tuple(p.name for p in row.supporters),
            status=row.status,
            progress=row.progress,
            start_on=row.start_on,
            due_on=row.due_on,
            overdue=row.is_overdue(today),
            notes=tuple(note.text for note in notes.get(row.id, ())),
        )
        for row in rows
    ]
    return PublicChecklist(partnership_name=partnership.name, actions=actions, today=today)
