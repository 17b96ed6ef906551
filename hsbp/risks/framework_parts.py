"""The report by framework's parts: its headings, and one line per reference with the goals,
actions, indicators and risks tagged with it, every text already in the reader's language
(framework_report gathers them; the page, the PDF and the spreadsheet show them)."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as _p

from hsbp.risks.frameworks import Source, Text
from hsbp.risks.models import RiskStatus

# Headings and words the page, the PDF and the spreadsheet share, resolved once in the
# report's language.
LABELS = {
    "title": _l("Report by framework"),
    "heading": _l("What the partnership did, by %(framework)s"),
    "heading_partner": _l("What %(partner)s did, by %(framework)s"),
    "as_of": _l("As of %(date)s"),
    "source": _l("Source: %(publisher)s, %(title)s (%(year)s)"),
    "data_version": _l("Reference data version %(version)s"),
    # Figures after a colon, so one sentence serves every count in every language.
    "summary": _l(
        "References with something to show: %(answered)s of %(total)s. Tagged: goals "
        "%(goals)s, actions %(actions)s, indicators %(indicators)s, risks %(risks)s."
    ),
    "only_some": _l("Only the references with something to show are listed."),
    "partner_note": _l(
        "Actions this partner leads or supports, indicators it reports and risks it is "
        "connected to; goals are the partnership's, shared by every partner."
    ),
    "risks_note": _l("Risks you may not read in the register are left out."),
    "nothing": _l("Nothing tagged yet."),
    "no_reference": _l("No reference of this framework has anything to show yet."),
    "goals": _l("Charter goals"),
    "actions": _l("Actions"),
    "indicators": _l("Indicators"),
    "risks": _l("Risks"),
    "goal": _l("Charter goal"),
    "action": _l("Action"),
    "indicator": _l("Indicator"),
    "risk": _l("Risk"),
    "status": _l("Status"),
    "progress": _l("Progress"),
    "due": _l("Due date"),
    "lead": _l("Lead partner"),
    "latest": _l("Latest value"),
    "target": _l("Target"),
    "track": _l("Track"),
    "severity": _l("Severity"),
    "likelihood": _l("Likelihood"),
    "connections": _l("Partners connected"),
    "grievances_linked": _l("Grievances linked"),
    "grievances_linked_line": _l("Grievances linked to these risks: %(count)s"),
    "grievances": _l("Grievance mechanism"),
    "grievance_note": _l("The partnership's grievance figures: counts only, nobody is named."),
    "received": _l("Grievances received"),
    "open": _l("Open"),
    "closed": _l("Closed"),
    "median_close": _l("Median days to close"),
    "by_sdg_target": _l("from the action's SDG targets"),
    "framework": _l("Framework"),
    "reference": _l("Reference"),
    "reference_title": _l("Reference title"),
    "item_type": _l("Item type"),
    "item": _l("Item"),
    "figure": _l("Figure"),
    "details": _l("Details"),
    "value": _l("Value"),
    "page": _l("Page %(number)s"),
    "in_english": _l("(in English)"),
}

# The kinds of item a reference lists, as ReferenceLine names them.
KINDS = ("goals", "actions", "indicators", "risks")

RISK_STATUS_LABELS = {
    RiskStatus.OPEN: _p("risk status", "Open"),
    RiskStatus.ADDRESSED: _p("risk status", "Addressed"),
    RiskStatus.CLOSED: _p("risk status", "Closed"),
}


@dataclass
class GoalLine:
    key: str
    title: str


@dataclass
class ActionLine:
    id: int
    title: str
    status: str
    status_label: str
    progress: int
    progress_text: str
    due: str
    overdue: bool
    lead: str
    by_sdg_target: bool = False  # counted from its SDG targets, not a framework tag


@dataclass
class IndicatorLine:
    id: int
    name: str
    latest: str  # the latest value in force with its period, "" when none yet
    target: str
    achieved: str
    track: str
    track_label: str


@dataclass
class RiskLine:
    id: int
    label: str
    title: str
    status: str
    status_label: str
    severity: str
    likelihood: str
    connections: str  # "Contributes to: 1 · Directly linked to: 2", "" when none
    grievances: int


@dataclass
class GrievanceFigures:
    total: int
    received: str
    open: str
    closed: str
    median_days_to_close: str

    def rows(self, labels: dict) -> list[tuple[str, str]]:
        return [
            (labels["received"], self.received),
            (labels["open"], self.open),
            (labels["closed"], self.closed),
            (labels["median_close"], self.median_days_to_close),
        ]


@dataclass
class ReferenceLine:
    code: str
    number: str
    title: Text
    group_code: str  # the heading it sits under ("" for none), and its title
    group: Text | None
    grievance_mechanism: bool
    goals: list[GoalLine] = field(default_factory=list)
    actions: list[ActionLine] = field(default_factory=list)
    indicators: list[IndicatorLine] = field(default_factory=list)
    risks: list[RiskLine] = field(default_factory=list)
    # Every item of each kind under the reference ({"risks": 240}), listed or not: a page
    # lists the first few of each.
    totals: dict[str, int] = field(default_factory=dict)
    grievances_linked: int = 0  # linked to any of its risks, listed or not
    # Under a grievance mechanism's reference, once the partnership has received grievances.
    shows_grievances: bool = False

    @property
    def has_something(self) -> bool:
        return any(self.totals.values()) or self.shows_grievances

    def more(self, kind: str) -> int:
        """How many items of `kind` ("risks", ...) are left off the list."""
        return max(self.totals.get(kind, 0) - len(getattr(self, kind)), 0)


@dataclass
class FrameworkReport:
    key: str
    title: Text
    short: Text
    source: Source
    data_version: str
    partnership: str
    partner: str  # the partner the report is narrowed to, "" for the whole partnership
    locale: str
    rtl: bool
    as_of: str
    everything: bool  # every reference, or only those with something tagged
    labels: dict
    limit: int | None = None  # the most items of each kind a reference lists; None: all
    # Distinct items tagged in the framework, by kind ({"risks": 4000}), listed or not.
    tagged: dict[str, int] = field(default_factory=dict)
    references: list[ReferenceLine] = field(default_factory=list)
    grievances: GrievanceFigures | None = None
    heading: str = ""
    summary: str = ""

    @property
    def shown(self) -> list[ReferenceLine]:
        if self.everything:
            return self.references
        return [line for line in self.references if line.has_something]

    @property
    def cut(self) -> bool:
        """Whether some reference lists fewer items than it has."""
        return any(line.more(kind) for line in self.references for kind in KINDS)


class Words:
    """The report's words and formats in its language, each resolved once: a report of
    thousands of risks says "Open" and "Mar 3, 2026" thousands of times."""

    def __init__(self, reader, labels: dict[str, dict]):
        self.reader = reader
        # {name: {key: text}}: statuses, bands, connections, tracks as plain strings.
        self.labels = {
            name: {k: str(v) for k, v in found.items()} for name, found in labels.items()
        }
        self._days: dict = {}
        self._numbers: dict = {}
        self._shares: dict = {}

    def word(self, name: str, key: str) -> str:
        return self.labels[name].get(key, key)

    def text(self, values: dict | None) -> str:
        return self.reader.text(values)

    def day(self, value) -> str:
        if value not in self._days:
            self._days[value] = self.reader.day(value)
        return self._days[value]

    def number(self, value) -> str:
        if value not in self._numbers:
            self._numbers[value] = self.reader.number(value)
        return self._numbers[value]

    def share(self, value) -> str:
        if value not in self._shares:
            self._shares[value] = self.reader.share(value)
        return self._shares[value]
