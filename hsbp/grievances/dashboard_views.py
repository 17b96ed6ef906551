"""The grievance dashboard: how the mechanism performs, for every member of the partnership.

Figures only: no description, no identity, no code; and for members who do not handle
grievances, small counts of how complainants came and what they said of the outcome are
pooled. Each figure names the effectiveness criterion of UN Guiding Principle 31 it gives
evidence for, so the partnership can say how its mechanism measures up to them.
"""

from __future__ import annotations

from babel.dates import format_skeleton
from flask import g, render_template
from flask_babel import format_decimal, format_percent, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from hsbp import db
from hsbp.anonymity import MIN_GROUP
from hsbp.grievances import charts, figures, officers
from hsbp.grievances.forms import CATEGORY_LABELS, CHANNEL_LABELS, STAGE_LABELS
from hsbp.grievances.views import bp
from hsbp.i18n import is_rtl
from hsbp.partnerships.guard import partnership_guard
from hsbp.security import Role

CRITERIA = {
    "legitimate": _l("Legitimate"),
    "accessible": _l("Accessible"),
    "predictable": _l("Predictable"),
    "equitable": _l("Equitable"),
    "transparent": _l("Transparent"),
    "rights_compatible": _l("Rights-compatible"),
    "learning": _l("Source of continuous learning"),
    "engagement": _l("Based on engagement and dialogue"),
}


# Below the platform's one threshold, a count about how complainants came or what they said
# of the outcome may point at one person: members who do not handle grievances see it pooled.
SMALL = MIN_GROUP


def _pooled(exact: bool):
    def pooled(n: int) -> bool:
        return not exact and 0 < n < SMALL

    return pooled


def _percent(share: float | None) -> str:
    return "—" if share is None else format_percent(share, "#,##0%")


def _days(value: float | None) -> str:
    return "—" if value is None else format_decimal(value, "#,##0.#")


@bp.get("/p/<int:partnership_id>/grievances/dashboard")
@partnership_guard(Role.OBSERVER)
def dashboard(partnership_id: int):
    session = db.session()
    found = figures.dashboard(session, partnership=g.partnership)
    pooled = _pooled(exact=officers.may_handle(session, g.membership))
    locale = get_locale()
    rtl = is_rtl(str(locale))
    months = [
        (
            format_skeleton("MMM", m.first_day, locale=locale),
            # The year under the first month shown and under each January.
            format_skeleton("y", m.first_day, locale=locale)
            if index == 0 or m.first_day.month == 1
            else "",
            m.received,
            m.closed,
        )
        for index, m in enumerate(found.months)
    ]
    return render_template(
        "grievances/dashboard.html",
        figures=found,
        month_names=[format_skeleton("yMMM", m.first_day, locale=locale) for m in found.months],
        CRITERIA=CRITERIA,
        STAGE_WORDS=STAGE_LABELS,
        CATEGORY_WORDS=CATEGORY_LABELS,
        CHANNEL_WORDS=CHANNEL_LABELS,
        percent=_percent,
        days=_days,
        pooled=pooled,
        small=lambda n: _("fewer than %(num)d", num=SMALL) if pooled(n) else format_decimal(n),
        mean=lambda value: format_decimal(value, "#,##0.0"),
        stage_chart=charts.count_bars(
            [(str(STAGE_LABELS[s]), n, format_decimal(n)) for s, n in found.by_stage.items()],
            chart_id="chart-stages",
            title=_("Grievances by stage"),
            summary=_("One bar per stage; the table beside it gives the same counts."),
            rtl=rtl,
        ),
        trend_chart=charts.trend(
            months,
            chart_id="chart-trend",
            title=_("Grievances received and closed per month"),
            summary=_(
                "For each of the last 12 months, a dark column for the grievances received "
                "and a light one for those closed; the table below gives the same counts."
            ),
            keys=(_("Grievances received"), _("Grievances closed")),
            rtl=rtl,
        ),
    )
