"""The partnership's activity: its audit log read as sentences, narrowed by person, kind and
dates (issue 17, "people, not diffs").

Each entry reads as one sentence (hsbp.audit_text, filled in by the features), its object
linked when it still exists and the reader may open it; the raw entry stays available behind
a disclosure, as each reader was already allowed to read it (hsbp.partnerships.shared_record).
A page costs the same number of statements however many entries it shows: one look-up per
type of object named, never one per entry.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import Session

from hsbp import audit, audit_text
from hsbp.auth.models import User
from hsbp.partnerships import shared_record
from hsbp.partnerships.models import Membership, Partnership, zone_of
from hsbp.security import Role

PER_PAGE = 50
EARLIEST, LATEST = date(2000, 1, 1), date(2199, 12, 31)


@dataclass(frozen=True)
class Line:
    """One entry as the log shows it: its sentence, and the entry for the disclosure."""

    entry: object
    sentence: Markup


@dataclass(frozen=True)
class Choices:
    """What the filters offer: the people who appear in the log, and its kinds of action."""

    people: list[tuple[int, str]]  # (user id, name), by name
    kinds: list[tuple[str, str, tuple[str, ...]]]  # (value, label, families), by label


@dataclass(frozen=True)
class Filters:
    person: int | None = None
    kind: str | None = None
    since: date | None = None
    until: date | None = None
    families: tuple[str, ...] = field(default=(), compare=False)

    def query_args(self) -> dict[str, str]:
        """The filters as URL arguments, for the pages' links."""
        args = {
            "person": self.person,
            "kind": self.kind,
            "from": self.since.isoformat() if self.since else None,
            "to": self.until.isoformat() if self.until else None,
        }
        return {key: str(value) for key, value in args.items() if value is not None}


def choices(session: Session, *, partnership_id: int, full: bool) -> Choices:
    """The people and kinds of action found in the log as the reader sees it (two
    statements): a member other than a facilitator is not offered someone who appears only
    in entries left out for them."""
    scope = [audit.AuditEntry.partnership_id == partnership_id]
    if not full:
        scope.append(shared_record.shown_clause())
    people = session.execute(
        select(User.id, User.name)
        .where(User.id.in_(select(audit.AuditEntry.actor_id).where(*scope)))
        .order_by(User.name, User.id)
    ).all()
    actions = session.scalars(select(audit.AuditEntry.action).where(*scope).distinct())
    grouped: dict[str, set[str]] = {}
    for action in actions:
        family = audit_text.family_of(action)
        grouped.setdefault(str(audit_text.family_label(family)), set()).add(family)
    kinds = [
        (min(families), label, tuple(sorted(families)))
        for label, families in sorted(grouped.items(), key=lambda item: item[0].casefold())
    ]
    return Choices(people=[(i, name) for i, name in people], kinds=kinds)


def parse_filters(args: Mapping[str, str], *, offered: Choices) -> tuple[Filters, list[str]]:
    """The filters asked for in `args` (?person=&kind=&from=&to=), and what was wrong with
    them: a value the page does not offer, or a date that is no date, is ignored and said."""
    problems: list[str] = []
    person = _offered_person(args.get("person", ""), offered)
    if person is False:
        problems.append(_("The person asked for is not in this log: everyone is shown."))
        person = None
    kind, families = None, ()
    wanted = args.get("kind", "").strip()
    if wanted:
        found = [k for k in offered.kinds if k[0] == wanted]
        if found:
            kind, families = wanted, found[0][2]
        else:
            problems.append(_("The kind asked for is not in this log: every kind is shown."))
    since = _date(args.get("from", ""), problems, _("The start date is not a date (YYYY-MM-DD)."))
    until = _date(args.get("to", ""), problems, _("The end date is not a date (YYYY-MM-DD)."))
    if since and until and since > until:
        problems.append(_("The start date is after the end date: the end date is ignored."))
        until = None
    return Filters(person, kind, since, until, families), problems


def page(
    session: Session,
    *,
    partnership: Partnership,
    membership: Membership,
    filters: Filters,
    page_number: int = 1,
    locale: str,
) -> tuple[list[Line], int]:
    """One page of the log as `membership` reads it, narrowed by `filters`, newest first, and
    the count of entries that match."""
    zone = zone_of(partnership.timezone)
    entries, total = shared_record.entries(
        session,
        partnership_id=partnership.id,
        full=membership.role == Role.FACILITATOR,
        page=page_number,
        per_page=PER_PAGE,
        actor_id=filters.person,
        families=filters.families,
        since=_start_of(filters.since, zone),
        until=_start_of(filters.until + timedelta(days=1), zone) if filters.until else None,
    )
    return lines(
        session, partnership=partnership, membership=membership, entries=entries, locale=locale
    ), total


def lines(
    session: Session,
    *,
    partnership: Partnership,
    membership: Membership | None,
    entries: list,
    locale: str,
) -> list[Line]:
    """`entries` (audit entries, or shared ones) as sentences for `membership`, with one
    look-up per type of object they name."""
    full = membership is not None and membership.role == Role.FACILITATOR
    named = [e for e in entries if full or not shared_record.is_label_only(e.action)]
    labels = audit_text.load_labels(
        session,
        partnership_id=partnership.id,
        wanted=audit_text.wanted_labels(named),
        locale=locale,
        fallback=partnership.default_locale,
    )
    role = Role(membership.role) if membership is not None else None
    return [
        Line(
            entry,
            audit_text.sentence(
                entry,
                labels=labels,
                partnership_id=partnership.id,
                role=role,
                locale=locale,
                # Entries a member reads as their action alone name no object either.
                named=full or not shared_record.is_label_only(entry.action),
            ),
        )
        for entry in entries
    ]


def _offered_person(value: str, offered: Choices) -> int | bool | None:
    """The user id asked for; None when none is asked; False when it is not offered."""
    value = value.strip()
    if not value:
        return None
    # isascii: "²" is a digit to str.isdigit, not to int().
    if value.isascii() and value.isdigit() and int(value) in {i for i, _name in offered.people}:
        return int(value)
    return False


def _date(value: str, problems: list[str], problem: str) -> date | None:
    value = value.strip()
    if not value:
        return None
    try:
        found = date.fromisoformat(value)
    except ValueError:
        found = None
    # Far-off years are typos, and would overflow once moved to UTC.
    if found is None or not EARLIEST <= found <= LATEST:
        problems.append(problem)
        return None
    return found


def _start_of(day: date | None, zone) -> datetime | None:
    """Midnight of `day` in the partnership's time zone, in UTC as entries are stored."""
    if day is None:
        return None
    return datetime.combine(day, time(), tzinfo=zone).astimezone(UTC)
