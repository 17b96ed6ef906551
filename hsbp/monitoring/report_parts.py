"""The progress report's parts: its headings and the lines of each section, every text
already in the reader's language, and the reader that puts dates, numbers and stored texts
into that language without a request (report.gather fills them; report_views and report_pdf
show them)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from babel.dates import format_date
from babel.numbers import format_decimal, format_percent
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from hsbp.i18n import translated
from hsbp.monitoring.display import amount_of
from hsbp.monitoring.models import Indicator
from hsbp.partnerships.models import Partnership

# Headings and words both the page and the PDF use, resolved once in the report's language.
LABELS = {
    "title": _l("Partnership progress report"),
    "as_of": _l("As of %(date)s"),
    "indicators": _l("Indicators"),
    "no_goal": _l("Not attached to a charter goal"),
    "no_indicator": _l("No indicator yet."),
    "definition": _l("Definition"),
    "baseline": _l("Baseline"),
    "target": _l("Target"),
    "latest": _l("Latest value"),
    "progress": _l("Progress"),
    "track": _l("Track"),
    "expected": _l("Straight line from the baseline to the target"),
    "values": _l("Values"),
    "actions": _l("Joint actions"),
    "no_action": _l("The checklist has no action yet."),
    "status": _l("Status"),
    "count": _l("Actions"),
    "total": _l("Total"),
    "overdue": _l("Overdue actions"),
    "no_overdue": _l("No action is overdue."),
    "action": _l("Action"),
    "lead": _l("Lead partner"),
    "due": _l("Due date"),
    "checked": _l("Community checks of done actions"),
    "check": _l("Community check"),
    "consultations": _l("Consultation outcomes"),
    "no_consultation": _l("No consultation is closed yet."),
    "responses": _l("Complete responses: %(complete)s; partial: %(partial)s"),
    "no_outcome": _l("No outcome recorded yet."),
    "became_goal": _l("now a charter goal"),
    "grievances": _l("Grievance figures"),
    "grievances_note": _l("Figures only: no grievance or complainant is named."),
    "figure": _l("Figure"),
    "value": _l("Value"),
    "pulses": _l("Partnership health pulses"),
    "no_pulse": _l("No pulse round has closed yet."),
    "latest_round": _l("Latest round: %(title)s"),
    "dimension": _l("Dimension"),
    "gap": _l("Gap"),
    "trend": _l("Trend over the rounds"),
    "round": _l("Round"),
    "closed_on": _l("Closed on"),
    "mean": _l("Mean of all dimensions"),
    "largest_gap": _l("Largest gap"),
    "decisions": _l("Decisions"),
    "no_decision": _l("No decision recorded yet."),
    "decided_by": _l("Decided by"),
    "rule": _l("Decision rule"),
    "follow_up": _l("Follow-up actions"),
    "charter_draft": _l("Charter amendment draft %(number)s"),
    "page": _l("Page %(number)s"),
}


@dataclass
class IndicatorLine:
    id: int
    name: str
    definition: str
    baseline: str  # "20 % (1 Jan 2026)"
    target: str
    latest: str  # "" when nothing is measured yet
    achieved: str  # share of the way from baseline to target, "" when unknown
    track: str  # a Track value
    track_label: str
    baseline_point: tuple[date, Decimal]
    target_point: tuple[date, Decimal]
    values: list[tuple[date, Decimal]]  # in force, oldest first: what the chart draws
    axis: tuple[str, str, str, str]  # first date, last date, lowest value, highest value
    chart: Markup  # the same chart as SVG, for the page


@dataclass
class GoalSection:
    key: str
    title: str
    indicators: list[IndicatorLine]


@dataclass
class ActionFigures:
    total: int
    by_status: list[tuple[str, int]]  # (label, count) in the checklist's order
    overdue: list[tuple[str, str, str, str]]  # title, lead partner, due date, status
    # Actions other features say something of (a community check): title, lead, their notes.
    noted: list[tuple[str, str, str]] = field(default_factory=list)


@dataclass
class ConsultationLine:
    title: str
    closed_on: str
    complete: int
    partial: int
    responses: str
    outcome: list[tuple[str, list[str]]]  # (section label, item texts)


@dataclass
class PulseSection:
    title: str
    respondents: str
    groups: list[str]  # column headings: constituency (respondents)
    rows: list[tuple[str, list[str], str, bool]]  # dimension, means per group, gap, wide
    trend: list[tuple[str, str, str, str]]  # round, closed on, mean, largest gap


@dataclass
class DecisionLine:
    decided_on: str
    review: str
    text: str
    decided_by: str
    rule: str
    actions: list[str]
    charter_draft: str


@dataclass
class ProgressReport:
    partnership: str
    locale: str
    rtl: bool
    as_of: str
    labels: dict[str, str]
    goals: list[GoalSection] = field(default_factory=list)
    actions: ActionFigures | None = None
    consultations: list[ConsultationLine] = field(default_factory=list)
    grievances: list[tuple[str, str]] = field(default_factory=list)
    pulses: PulseSection | None = None
    decisions: list[DecisionLine] = field(default_factory=list)


class Reader:
    """Dates, numbers and stored texts in one language, without a request."""

    def __init__(self, partnership: Partnership, locale: str):
        self.locale, self.fallback = locale, partnership.default_locale

    def text(self, values: dict | None) -> str:
        return translated(values, locale=self.locale, fallback=self.fallback)

    def day(self, value: date | None) -> str:
        return format_date(value, "medium", locale=self.locale) if value else ""

    def number(self, value, pattern: str | None = None) -> str:
        return format_decimal(value, pattern, locale=self.locale)

    def share(self, value) -> str:
        return "" if value is None else format_percent(value, locale=self.locale)

    def amount(self, indicator: Indicator, value) -> str:
        return amount_of(indicator, value, number=self.number, text=self.text)
