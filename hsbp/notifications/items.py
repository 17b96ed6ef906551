"""What needs a person: items, and the providers features register to list them.

A provider answers for one person across all their partnerships at once:

    provider(session, *, user, memberships, locale, now) -> list[Item]

`memberships` are the person's memberships (partnership and partner loaded), `locale` the
language to write the item's text in (the person's, not the request's: a digest is written
by a task), `now` an aware UTC datetime. A provider must run a fixed number of SQL statements
whatever the number of partnerships or items (one query over all `memberships`' partnership
ids, not one per partnership): "Needs me" and the digests call every provider for every
person, and `bench/` measures it with 20 partnerships against 10.

An item's `key` is stable for as long as the thing waits (the same endorsement awaited
tomorrow has the same key), so an immediate e-mail or SMS goes once per key, and a digest
can say what is new since the last one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, tzinfo
from typing import Any

from babel import dates as babel_dates
from flask import Flask, current_app
from flask_babel import force_locale
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from hsbp.i18n import UI_LOCALE_CODES
from hsbp.partnerships.models import Membership

PROVIDERS_KEY = "hsbp.notifications.providers"

Provider = Callable[..., list["Item"]]


@dataclass(frozen=True)
class Item:
    """One thing that waits for a person."""

    kind: str  # the registered kind ("charter_endorsement", "action_overdue"...)
    key: str  # stable while it waits: f"{kind}:{object id}" (plus a stage when it has one)
    partnership_id: int
    text: str  # one plain sentence in the person's language, no personal data of others
    url: str  # the page where the person acts, a path ("/p/3/charter")
    due: datetime | None = None  # aware UTC; what is overdue or due soonest comes first
    overdue: bool = False


@dataclass(frozen=True)
class Kind:
    name: str
    label: Any  # lazy string: the kind as the preferences page and the digest name it
    provider: Provider
    # Whether an immediate notification makes sense for it (a vote to cast before a meeting
    # ends, yes; "actions due this month", better in the digest).
    immediate: bool = True
    # Who can ever get items of it, so the settings page offers a person only their kinds:
    # members holding one of `roles` somewhere, or for whom `concerns(session, user_id)` is
    # true (a right that is not a role, such as grievance officer). Neither: every member.
    roles: frozenset[str] | None = None
    concerns: Callable[[Session, int], bool] | None = None


def add_provider(
    app: Flask,
    kind: str,
    *,
    label: Any,
    provider: Provider,
    immediate: bool = True,
    roles: Iterable[str] | None = None,
    concerns: Callable[[Session, int], bool] | None = None,
) -> None:
    """Register `provider` for items of `kind` (one provider per kind; registering a kind
    again replaces it, so create_app may run twice in a process, as tests do). `roles` and
    `concerns`: who may ever get such items (see Kind); the provider still decides."""
    app.extensions.setdefault(PROVIDERS_KEY, {})[kind] = Kind(
        kind,
        label,
        provider,
        immediate,
        frozenset(str(role) for role in roles) if roles is not None else None,
        concerns,
    )


def kinds(app: Flask | None = None) -> dict[str, Kind]:
    """{kind name: Kind}, in the order they were registered."""
    return dict((app or current_app).extensions.get(PROVIDERS_KEY, {}))


def kinds_for(session: Session, *, user_id: int, memberships) -> dict[str, Kind]:
    """The registered kinds that can concern a person with these memberships, in order."""
    held = {str(m.role) for m in memberships}
    return {
        name: kind
        for name, kind in kinds().items()
        if (kind.roles is None and kind.concerns is None)
        or (kind.roles is not None and bool(kind.roles & held))
        or (kind.concerns is not None and kind.concerns(session, user_id))
    }


def providers(app: Flask | None = None) -> list[Kind]:
    return list(kinds(app).values())


def path_for(endpoint: str, **values) -> str:
    """The path of `endpoint` ("/p/3/charter"), in a request or a task alike (url_for needs a
    request, or a SERVER_NAME, to build one)."""
    return current_app.url_map.bind("hsbp.invalid").build(endpoint, values)


def day_text(value: date | datetime, *, zone: tzinfo, locale: str) -> str:
    """A date, or the local date in `zone` of an aware datetime, as `locale` writes it."""
    if isinstance(value, datetime):
        value = value.astimezone(zone).date()
    return babel_dates.format_date(value, "medium", locale=locale)


def start_of(day: date, zone: tzinfo) -> datetime:
    """The UTC instant `day` begins in `zone`: an item's `due` for a due date."""
    return datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)


def memberships_of(session: Session, *, user_id: int) -> list[Membership]:
    """The person's memberships, partnership and partner loaded, in one statement, by
    partnership name: the `memberships` a provider is given."""
    return list(
        session.scalars(
            select(Membership)
            .options(joinedload(Membership.partnership), joinedload(Membership.partner))
            .where(Membership.user_id == user_id)
            .order_by(Membership.partnership_id)
        )
    )


def locale_of(user, memberships: list[Membership]) -> str:
    """The language to write to `user` in: theirs, else their first partnership's, else en."""
    codes = [user.locale, *(m.partnership.default_locale for m in memberships)]
    return next((code for code in codes if code in UI_LOCALE_CODES), "en")


def items_for(session, *, user, memberships, locale: str, now: datetime) -> list[Item]:
    """Every item waiting for `user` across `memberships`, overdue first, then by due date
    (none last), then by partnership and kind. Texts are written in `locale` (the providers'
    gettext runs under it, whatever the request's language)."""
    found: list[Item] = []
    if not memberships:
        return found
    with force_locale(locale):
        for kind in providers():
            found.extend(
                kind.provider(session, user=user, memberships=memberships, locale=locale, now=now)
            )
    return sorted(
        found,
        key=lambda i: (not i.overdue, i.due is None, i.due or now, i.partnership_id, i.key),
    )
