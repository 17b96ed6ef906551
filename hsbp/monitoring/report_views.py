"""The partnership progress report as a printable page and as a PDF (in the reader's language
or another shipped one), and every indicator value with its full history as CSV or XLSX.
Open to every member, observers included; nothing here changes data."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from flask import Response, abort, g, render_template, request
from flask_babel import force_locale, get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from hsbp import db, spreadsheets
from hsbp.actions import checks
from hsbp.auth.models import User
from hsbp.db import utcnow
from hsbp.i18n import UI_LOCALE_CODES, translated
from hsbp.monitoring import report, report_pdf
from hsbp.monitoring.models import Indicator, Measurement
from hsbp.monitoring.views import METHOD_LABELS, bp
from hsbp.partnerships.guard import partnership_guard
from hsbp.partnerships.models import Partnership
from hsbp.security import Role

BASE = "/p/<int:partnership_id>/monitoring"
VALUE_HEADER = (
    _l("Indicator"),
    _l("Charter goal"),
    _l("Period"),
    _l("Breakdown"),
    _l("Revision"),
    _l("Value"),
    _l("In force"),
    _l("Method"),
    _l("Reported by"),
    _l("Reported at"),
    _l("Note"),
)


def _gather(locale: str) -> report.ProgressReport:
    return report.gather(db.session(), partnership=g.partnership, locale=locale, now=utcnow())


@bp.get(f"{BASE}/report")
@partnership_guard(Role.OBSERVER)
def progress_report(partnership_id: int):
    return render_template("monitoring/report.html", report=_gather(str(get_locale())))


@bp.get(f"{BASE}/report.pdf")
@partnership_guard(Role.OBSERVER)
def progress_report_pdf(partnership_id: int):
    # Any shipped language, so a facilitator can hand each constituency its own copy.
    locale = request.args.get("lang") or str(get_locale())
    if locale not in UI_LOCALE_CODES:
        abort(404)
    found = _gather(locale)
    today = utcnow().astimezone(g.partnership.zone).date()
    name = f"progress-report-{partnership_id}-{locale}-{today.isoformat()}.pdf"
    return Response(
        report_pdf.build(found),
        content_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@bp.get(f"{BASE}/values.csv")
@partnership_guard(Role.OBSERVER)
def values_csv(partnership_id: int):
    return _values("csv")


@bp.get(f"{BASE}/values.xlsx")
@partnership_guard(Role.OBSERVER)
def values_xlsx(partnership_id: int):
    return _values("xlsx")


def _values(kind: str) -> Response:
    today = utcnow().astimezone(g.partnership.zone).date()
    rows = list(value_rows(db.session(), partnership=g.partnership, locale=str(get_locale())))
    name = f"indicator-values-{g.partnership.id}-{today.isoformat()}.{kind}"
    return spreadsheets.download(rows, kind, sheet="values", filename=name)


def value_rows(session: Session, *, partnership: Partnership, locale: str) -> Iterator[list]:
    """The header, then every value ever reported (every period, breakdown and revision) by
    indicator, period, breakdown and revision; "in force" marks the highest revision of its
    period and breakdown. Three queries, whatever the number of values. Plain function: a task
    could write the same file outside a request."""
    fallback = partnership.default_locale
    goals = checks.goals(session, partnership_id=partnership.id)
    indicators = session.scalars(
        select(Indicator).where(Indicator.partnership_id == partnership.id)
    )
    by_id = {i.id: i for i in indicators}
    found = session.execute(
        select(Measurement, User.name)
        .outerjoin(User, User.id == Measurement.reported_by_id)
        .where(Measurement.partnership_id == partnership.id)
        .order_by(
            Measurement.indicator_id,
            Measurement.period_on,
            Measurement.breakdown,
            Measurement.revision,
        )
    ).all()
    highest: dict[tuple, int] = {}
    for m, _name in found:
        key = (m.indicator_id, m.period_on, m.breakdown)
        highest[key] = max(highest.get(key, 0), m.revision)
    zone = partnership.zone
    with force_locale(locale):
        yes, no = str(_l("Yes")), str(_l("No"))
        yield [str(label) for label in VALUE_HEADER]
        for m, reporter in found:
            indicator = by_id[m.indicator_id]
            goal = goals.get(indicator.goal_key) if indicator.goal_key else None
            in_force = highest[(m.indicator_id, m.period_on, m.breakdown)] == m.revision
            yield [
                translated(indicator.name, locale=locale, fallback=fallback),
                translated(goal, locale=locale, fallback=fallback) if goal else "",
                m.period_on,
                m.breakdown,
                m.revision,
                plain(m.value),
                yes if in_force else no,
                str(METHOD_LABELS.get(m.method, m.method)),
                reporter or "",
                # A spreadsheet cell holds no time zone: the time where the partnership is.
                m.reported_at.astimezone(zone).replace(tzinfo=None, microsecond=0),
                m.note,
            ]


def plain(value):
    """A stored Numeric(20, 4) without its trailing zeros (25, 12.5), never in exponent form."""
    text = format(value.normalize(), "f")
    return int(text) if "." not in text else Decimal(text)
