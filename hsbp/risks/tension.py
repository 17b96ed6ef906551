"""The tension view: incidents by place and by month over the last twelve months, beside what
the latest validated context assessment records of each place (its threats and dividers).

Every member reads it. Those who read incidents see exact counts; everyone else sees a count
of one to four as "fewer than 5" (hsbp.anonymity.MIN_GROUP), and a place's total only where
none of its months is pooled, else "fewer than 5" or "5 or more", so no figure can be worked
out from the others. Places are listed by name, never by count, for the same reason. Three
statements at most, however many incidents.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from babel.dates import format_skeleton
from flask_babel import format_decimal, get_locale
from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import Session

from hsbp.anonymity import MIN_GROUP
from hsbp.chart_svg import bar_chart
from hsbp.i18n import is_rtl
from hsbp.partnerships.models import Partnership
from hsbp.risks.context_models import ContextAssessment, ContextStatus
from hsbp.risks.incident_models import Incident
from hsbp.risks.incidents import local_day
from hsbp.sms.texts import fold

MONTHS = 12
UNKNOWN = ""  # the row of incidents whose place is not known


@dataclass
class Row:
    locality: str  # "" for incidents whose place is not known
    cells: list[str]
    total: str
    exact_total: int | None  # None where the total is pooled
    threats: int = 0
    dividers: int = 0


@dataclass
class Tension:
    months: list[str]  # each month's name, oldest first
    rows: list[Row] = field(default_factory=list)
    exact: bool = False
    assessment: int | None = None  # the number of the validated context assessment used
    chart: Markup | None = None


def _months(today: date) -> list[date]:
    """The first day of each of the last MONTHS months, this one last."""
    year, month = today.year, today.month
    found = []
    for _step in range(MONTHS):
        found.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return found[::-1]


def _count(n: int, exact: bool) -> str:
    if not exact and 0 < n < MIN_GROUP:
        return _("fewer than %(count)s", count=MIN_GROUP)
    return format_decimal(n)


def _total(counts: list[int], exact: bool) -> tuple[str, int | None]:
    total = sum(counts)
    if exact or not any(0 < n < MIN_GROUP for n in counts):
        return format_decimal(total), total
    if total < MIN_GROUP:
        return _("fewer than %(count)s", count=MIN_GROUP), None
    return _("%(count)s or more", count=MIN_GROUP), None


def _context(
    session: Session, partnership_id: int, names: dict[str, str]
) -> tuple[int | None, Counter, Counter]:
    """The latest validated assessment's number, and its threats and dividers by place
    (folded, as the rows are; a place new to `names` is added with its spelling)."""
    found = session.execute(
        select(ContextAssessment.number, ContextAssessment.content)
        .where(
            ContextAssessment.partnership_id == partnership_id,
            ContextAssessment.status == ContextStatus.VALIDATED,
        )
        .order_by(ContextAssessment.number.desc())
        .limit(1)
    ).first()
    threats, dividers = Counter(), Counter()
    if found is None:
        return None, threats, dividers
    content = found.content or {}
    for key, counter in (("threats", threats), ("dividers", dividers)):
        for entry in content.get(key) or []:
            if not isinstance(entry, dict):
                continue
            place = " ".join(str(entry.get("locality") or "").split())
            if place:
                counter[fold(place)] += 1
                names.setdefault(fold(place), place)
    return found.number, threats, dividers


def tension(session: Session, *, partnership: Partnership, exact: bool, now: datetime) -> Tension:
    """The view's table (see the module) as of `now`, for a reader who sees `exact` counts."""
    zone = partnership.zone
    months = _months(now.astimezone(zone).date())
    start = months[0]
    # A day's margin: an anonymous incident is kept at UTC midnight of its local day.
    since = datetime.combine(start, time(0), tzinfo=zone).astimezone(UTC) - timedelta(days=1)
    rows = session.execute(
        select(Incident.locality, Incident.received_at, Incident.anonymous).where(
            Incident.partnership_id == partnership.id, Incident.received_at >= since
        )
    ).all()
    counts: dict[str, Counter] = {}
    names: dict[str, str] = {}
    for locality, received_at, anonymous in rows:
        day = local_day(received_at, anonymous, zone)
        if day < start:
            continue
        key = fold(locality) if locality else UNKNOWN
        names.setdefault(key, " ".join(locality.split()))
        counts.setdefault(key, Counter())[date(day.year, day.month, 1)] += 1
    number, threats, dividers = _context(session, partnership.id, names)
    result = Tension(
        months=[format_skeleton("yMMM", m, locale=get_locale()) for m in months],
        exact=exact,
        assessment=number,
    )
    order = sorted((k for k in names if k != UNKNOWN), key=lambda k: names[k].casefold())
    for key in [*order, *([UNKNOWN] if UNKNOWN in names else [])]:
        by_month = counts.get(key, Counter())
        values = [by_month[m] for m in months]
        total, exact_total = _total(values, exact)
        result.rows.append(
            Row(
                locality=names[key],
                cells=[_count(n, exact) for n in values],
                total=total,
                exact_total=exact_total,
                threats=threats[key],
                dividers=dividers[key],
            )
        )
    result.chart = _chart(result.rows)
    return result


def _chart(rows: list[Row]) -> Markup | None:
    """Bars of each place's total, for the places whose total is shown exactly."""
    shown = [row for row in rows if row.exact_total]
    if not shown:
        return None
    top = max(row.exact_total for row in shown)
    bars = [
        (row.locality or _("Place not known"), row.exact_total / top, row.total) for row in shown
    ]
    return bar_chart(
        bars,
        chart_id="tension-chart",
        title=_("Incidents by place, last 12 months"),
        summary=_("One bar per place: the number of incidents recorded there in 12 months."),
        rtl=is_rtl(str(get_locale())),
    )
