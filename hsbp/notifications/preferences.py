"""A person's notification preferences: per kind off, immediate or daily digest; the hour of
the digest in their time zone.

Preferences belong to the person across all their partnerships (they are no partnership's
data, so no partnership's audit log records them). A kind without a row follows
DEFAULT_MODE, so a kind a feature registers later reaches people without anyone saving.
"""

from __future__ import annotations

import zoneinfo
from functools import cache

from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from hsbp.auth.models import User
from hsbp.errors import ServiceError
from hsbp.notifications.items import Kind, kinds
from hsbp.notifications.models import (
    DEFAULT_DIGEST_HOUR,
    DEFAULT_MODE,
    Mode,
    NotificationPreference,
    NotificationSettings,
)
from hsbp.partnerships.models import Membership, zone_of

# The regions people live in: IANA's "Etc/GMT+5" and the legacy aliases would only make the
# list longer to scroll on a phone.
REGIONS = ("Africa", "America", "Antarctica", "Asia", "Atlantic", "Australia", "Europe")
REGIONS += ("Indian", "Pacific")


@cache
def time_zones() -> tuple[str, ...]:
    """The time zones a person may choose, sorted, UTC first."""
    found = sorted(z for z in zoneinfo.available_timezones() if z.split("/")[0] in REGIONS)
    return ("UTC", *found)


def modes_for(kind: Kind) -> tuple[Mode, ...]:
    """What a person may choose for `kind`: an immediate e-mail only where it makes sense."""
    if kind.immediate:
        return (Mode.OFF, Mode.IMMEDIATE, Mode.DIGEST)
    return (Mode.OFF, Mode.DIGEST)


def modes_of(session: Session, *, user_id: int) -> dict[str, Mode]:
    """{kind: mode} for every registered kind, in their order; one statement."""
    stored = dict(
        session.execute(
            select(NotificationPreference.kind, NotificationPreference.mode).where(
                NotificationPreference.user_id == user_id
            )
        ).all()
    )
    return {name: _effective(kind, stored.get(name)) for name, kind in kinds().items()}


def _effective(kind: Kind, stored: str | None) -> Mode:
    if stored not in set(Mode):
        return DEFAULT_MODE
    if stored == Mode.IMMEDIATE and not kind.immediate:
        return Mode.DIGEST  # the kind no longer offers immediate e-mails
    return Mode(stored)


def modes_of_users(session: Session, *, user_ids) -> dict[int, dict[str, Mode]]:
    """modes_of for many people in one statement (the tasks' candidates)."""
    registered = kinds()
    stored: dict[int, dict[str, str]] = {user_id: {} for user_id in user_ids}
    if stored:
        rows = session.execute(
            select(
                NotificationPreference.user_id,
                NotificationPreference.kind,
                NotificationPreference.mode,
            ).where(NotificationPreference.user_id.in_(stored))
        )
        for user_id, kind, mode in rows:
            stored[user_id][kind] = mode
    return {
        user_id: {name: _effective(kind, own.get(name)) for name, kind in registered.items()}
        for user_id, own in stored.items()
    }


def immediate_users(session: Session, *, kind_names) -> list[User]:
    """Active members who chose immediate e-mails for any of `kind_names`; one statement."""
    chose = exists().where(
        NotificationPreference.user_id == User.id,
        NotificationPreference.kind.in_(kind_names),
        NotificationPreference.mode == Mode.IMMEDIATE,
    )
    member = exists().where(Membership.user_id == User.id)
    return list(
        session.scalars(select(User).where(User.active.is_(True), chose, member).order_by(User.id))
    )


def settings_of(session: Session, *, user_id: int) -> NotificationSettings:
    """The person's settings, or the defaults (not saved) when they never chose."""
    found = session.scalar(
        select(NotificationSettings).where(NotificationSettings.user_id == user_id)
    )
    if found is None:
        found = NotificationSettings(user_id=user_id, digest_hour=DEFAULT_DIGEST_HOUR, timezone="")
    return found


def zone_for(settings: NotificationSettings, memberships):
    """The person's time zone: the one they chose, else their first partnership's."""
    if settings.timezone:
        return zone_of(settings.timezone)
    return memberships[0].partnership.zone if memberships else zone_of("UTC")


def save(
    session: Session,
    *,
    user_id: int,
    modes: dict[str, str],
    digest_hour,
    timezone: str,
    sms_immediate: bool | None = None,
) -> None:
    """Save what the person wants for each registered kind (a kind left out keeps its
    mode), the digest's hour (0-23) and time zone ("" for their partnership's), and, unless
    None, whether an SMS comes with each immediate e-mail.

    Side effects: upserts their notification_preferences rows and notification_settings
    row. Raises ServiceError (field `mode_<kind>`, `digest_hour` or `timezone`).
    """
    registered = kinds()
    for name, mode in modes.items():
        if name not in registered:
            raise ServiceError(_l("This kind of notification does not exist."))
        if mode not in modes_for(registered[name]):
            raise ServiceError(_l("Choose one of the options."), field=f"mode_{name}")
    text = str(digest_hour if digest_hour is not None else "").strip()
    hour = int(text) if text.isascii() and text.isdigit() and len(text) <= 2 else None
    if hour is None or hour > 23:
        raise ServiceError(_l("Choose an hour from 0 to 23."), field="digest_hour")
    timezone = (timezone or "").strip()
    if timezone and timezone not in time_zones():
        raise ServiceError(_l("Choose a time zone from the list."), field="timezone")
    rows = {
        row.kind: row
        for row in session.scalars(
            select(NotificationPreference).where(NotificationPreference.user_id == user_id)
        )
    }
    for name, mode in modes.items():
        row = rows.get(name)
        if row is None:
            session.add(NotificationPreference(user_id=user_id, kind=name, mode=mode))
        elif row.mode != mode:
            row.mode = mode
    settings = settings_of(session, user_id=user_id)
    settings.digest_hour, settings.timezone = hour, timezone
    if sms_immediate is not None:
        settings.sms_immediate = bool(sms_immediate)
    session.add(settings)
    session.flush()


def set_mode(session: Session, *, user_id: int, kind: str, mode: Mode) -> None:
    """Set one kind's mode (an unsubscribe link). Side effect: upserts one preference row."""
    row = session.scalar(
        select(NotificationPreference).where(
            NotificationPreference.user_id == user_id, NotificationPreference.kind == kind
        )
    )
    if row is None:
        session.add(NotificationPreference(user_id=user_id, kind=kind, mode=mode))
    else:
        row.mode = mode
    session.flush()
