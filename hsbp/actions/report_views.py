"""Reading the checklist: My commitments across partnerships, the timeline, the print view and
the CSV/XLSX exports. Open to every member (observers included); nothing here changes data."""

from __future__ import annotations

from datetime import date

from babel.dates import format_skeleton
from flask import Response, g, render_template
from flask_babel import format_percent, get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from hsbp import db, spreadsheets
from hsbp.actions import checks, export, queries, timeline
from hsbp.actions.forms import STATUS_LABELS
from hsbp.actions.models import Action
from hsbp.actions.views import bp
from hsbp.i18n import translated
from hsbp.partnerships.guard import partnership_guard
from hsbp.principles.labels import PRINCIPLE_LABELS
from hsbp.security import Role

BASE = "/p/<int:partnership_id>/actions"


def _reader() -> tuple[str, str]:
    partnership = g.get("partnership")
    return str(get_locale()), partnership.default_locale if partnership else "en"


def text_of(values: dict | None, fallback: str | None = None) -> str:
    """A stored {locale: text} in the reader's language (templates call it for titles)."""
    locale, default = _reader()
    return translated(values, locale=locale, fallback=fallback or default)


def _labels() -> dict:
    return {
        "text_of": text_of,
        "ACTION_STATUS_LABELS": STATUS_LABELS,
        "PRINCIPLE_LABELS": PRINCIPLE_LABELS,
        "percent": lambda value: format_percent(value / 100, "#,##0%"),
    }


@bp.get("/my/commitments")
@login_required
def my_commitments():
    groups = queries.my_commitments(db.session(), user=current_user)
    return render_template(
        "actions/my_commitments.html",
        groups=groups,
        ROLE_WORDS={
            queries.RESPONSIBLE: _("You are responsible"),
            queries.LEAD: _("Your organisation leads"),
            queries.SUPPORTER: _("Your organisation supports"),
        },
        **_labels(),
    )


def _caption(action: Action, today: date) -> str:
    words = [str(STATUS_LABELS.get(action.status, action.status))]
    words.append(format_percent(action.progress / 100, "#,##0%"))
    if action.is_overdue(today):
        words.append(_("overdue"))
    return " · ".join(words)


def _timeline(actions: list[Action], today: date):
    """The chart of the actions that have a due date, and those it leaves out."""
    locale, fallback = _reader()
    dated = [a for a in actions if a.due_on is not None]
    bars = [
        timeline.Bar(
            label=translated(a.title, locale=locale, fallback=fallback),
            caption=_caption(a, today),
            start=a.start_on,
            due=a.due_on,
            status=a.status,
            progress=a.progress,
            overdue=a.is_overdue(today),
        )
        for a in dated
    ]
    chart = None
    if bars:
        first, last = timeline.span(bars, today)
        chart = timeline.timeline(
            bars,
            today=today,
            chart_id="timeline",
            title=_("Timeline of the joint actions"),
            summary=_(
                "One bar per action from its start to its due date, between %(first)s and "
                "%(last)s, with a line at today; a diamond marks an action with a due date "
                "only. The table below gives the same dates.",
                first=format_skeleton("yMMM", first, locale=locale),
                last=format_skeleton("yMMM", last, locale=locale),
            ),
            today_label=_("Today"),
            month_label=lambda day: format_skeleton("MMM", day, locale=locale),
            year_label=lambda day: format_skeleton("y", day, locale=locale),
        )
    return chart, [a for a in actions if a.due_on is None]


@bp.get(f"{BASE}/timeline")
@partnership_guard(Role.OBSERVER)
def timeline_page(partnership_id: int):
    today = queries.today_in(g.partnership.timezone)
    actions = queries.actions_with_owners(db.session(), partnership_id=partnership_id)
    chart, undated = _timeline(actions, today)
    return render_template(
        "actions/timeline.html",
        actions=actions,
        chart=chart,
        undated=undated,
        today=today,
        **_labels(),
    )


@bp.get(f"{BASE}/print")
@partnership_guard(Role.OBSERVER)
def print_view(partnership_id: int):
    session = db.session()
    today = queries.today_in(g.partnership.timezone)
    actions = queries.actions_with_owners(session, partnership_id=partnership_id)
    chart, undated = _timeline(actions, today)
    goals = checks.goals(session, partnership_id=partnership_id)
    return render_template(
        "actions/print.html",
        groups=queries.by_goal(actions, goals),
        actions=actions,
        chart=chart,
        undated=undated,
        today=today,
        **_labels(),
    )


@bp.get(f"{BASE}/export.csv")
@partnership_guard(Role.OBSERVER)
def export_csv(partnership_id: int):
    return _export("csv")


@bp.get(f"{BASE}/export.xlsx")
@partnership_guard(Role.OBSERVER)
def export_xlsx(partnership_id: int):
    return _export("xlsx")


def _export(kind: str) -> Response:
    today = queries.today_in(g.partnership.timezone)
    rows = export.export_rows(
        db.session(), partnership=g.partnership, locale=str(get_locale()), today=today
    )
    name = export.filename(g.partnership, kind, today)
    return spreadsheets.download(rows, kind, sheet="actions", filename=name)
