"""A review's agenda, generated from the partnership's data: indicators off track, overdue
actions, what other features put to the review (done actions the community says are not
real: `add_provider`, wired in create_app), open and overdue grievances, the latest pulse
round's wide gaps, charter goals due, and indicators at risk last.

Items are plain data (kind, texts per locale, parameters, a link as endpoint and arguments),
so the agenda can be frozen into the review as JSON when it is held and shown later, in the
reader's language, exactly as the partners saw it. The number of queries does not depend on
the number of rows. Grievances are confidential: only their counts are on the agenda.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import Flask, current_app
from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import Session

from hsbp.actions.services import overdue_and_due_soon
from hsbp.grievances.figures import DEFAULT_ACKNOWLEDGE_DAYS, DEFAULT_RESPOND_DAYS
from hsbp.grievances.models import Grievance, GrievanceSettings, Stage
from hsbp.grievances.queries import overdue_clause
from hsbp.monitoring import pulses, queries
from hsbp.monitoring.models import Kind as IndicatorKind
from hsbp.monitoring.progress import Track
from hsbp.monitoring.pulse_models import PulseRound, RoundStatus
from hsbp.partnerships.models import Partner, Partnership
from hsbp.principles.services import in_force

# Charter goals due within this many days (or already past) are put to the review.
GOAL_HORIZON_DAYS = 90


class Kind:
    INDICATOR_OFF = "indicator_off_track"
    ACTION_OVERDUE = "action_overdue"
    GRIEVANCES = "grievances"
    PULSE_GAP = "pulse_gap"
    GOAL_DUE = "goal_due"
    INDICATOR_AT_RISK = "indicator_at_risk"


@dataclass
class AgendaItem:
    kind: str
    title: dict = field(default_factory=dict)  # {locale: text}, the thing's own name
    params: dict = field(default_factory=dict)  # plain values the sentence is built from
    link: dict | None = None  # {"endpoint": ..., "args": {...}}, partnership_id added on show

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> AgendaItem:
        return cls(
            kind=data["kind"],
            title=data.get("title") or {},
            params=data.get("params") or {},
            link=data.get("link"),
        )


def _link(endpoint: str, **args) -> dict:
    return {"endpoint": endpoint, "args": args}


PROVIDERS_KEY = "hsbp.monitoring.agenda_providers"


@dataclass(frozen=True)
class Provider:
    """Items another feature puts on the agenda: `items(session, partnership=, today=, now=)`
    gives them (in a fixed number of queries), `label` is their tag and `text(item)` their
    sentence in the reader's language, for a frozen agenda too (so it reads the item's data
    only)."""

    kind: str
    label: object
    items: Callable[..., list[AgendaItem]]
    text: Callable[[AgendaItem], str]


def add_provider(app: Flask, provider: Provider) -> None:
    """Put `provider`'s items on every generated agenda, after the overdue actions."""
    app.extensions.setdefault(PROVIDERS_KEY, {})[provider.kind] = provider


def provider_of(kind: str) -> Provider | None:
    """The provider of items of `kind`, None for the agenda's own kinds (or one no longer
    registered: a frozen agenda then shows the item's title)."""
    return current_app.extensions.get(PROVIDERS_KEY, {}).get(kind)


def generate_agenda(session: Session, *, partnership: Partnership, now: datetime) -> list:
    """The agenda of a review held at `now`, most pressing first. Reads only."""
    today = now.astimezone(ZoneInfo(partnership.timezone)).date()
    standings = queries.latest_standings(session, partnership_id=partnership.id)
    off = [s for s in standings if s.progress.track == Track.OFF]
    at_risk = [s for s in standings if s.progress.track == Track.AT_RISK]
    return [
        *(_indicator(Kind.INDICATOR_OFF, s) for s in off),
        *_overdue_actions(session, partnership.id, today),
        *(
            item
            for provider in current_app.extensions.get(PROVIDERS_KEY, {}).values()
            for item in provider.items(session, partnership=partnership, today=today, now=now)
        ),
        *_grievances(session, partnership.id, now),
        *_pulse_gaps(session, partnership.id, now),
        *_goals_due(session, partnership.id, today),
        *(_indicator(Kind.INDICATOR_AT_RISK, s) for s in at_risk),
    ]


def _indicator(kind: str, standing: queries.Standing) -> AgendaItem:
    indicator = standing.indicator
    period_on, value = standing.latest
    return AgendaItem(
        kind=kind,
        title=dict(indicator.name),
        params={
            "period_on": period_on.isoformat(),
            "value": format(value.normalize(), "f"),
            "unit": _unit(indicator),
        },
        link=_link("monitoring.detail", indicator_id=indicator.id),
    )


def _unit(indicator) -> str:
    if indicator.kind == IndicatorKind.PERCENTAGE:
        return "%"
    if indicator.kind == IndicatorKind.MONEY:
        return indicator.currency
    return "" if indicator.kind == IndicatorKind.SCALE else indicator.unit


def _overdue_actions(session: Session, partnership_id: int, today: date) -> list[AgendaItem]:
    overdue, _due_soon = overdue_and_due_soon(
        session, partnership_id=partnership_id, today=today, days=0
    )
    if not overdue:
        return []
    # One query for the lead partners' names, not one per action.
    names = dict(
        session.execute(
            select(Partner.id, Partner.name).where(
                Partner.partnership_id == partnership_id,
                Partner.id.in_({a.lead_partner_id for a in overdue}),
            )
        ).all()
    )
    return [
        AgendaItem(
            kind=Kind.ACTION_OVERDUE,
            title=dict(action.title),
            params={
                "due_on": action.due_on.isoformat(),
                "lead": names.get(action.lead_partner_id, ""),
            },
            link=_link("actions.detail", action_id=action.id),
        )
        for action in overdue
    ]


def _grievances(session: Session, partnership_id: int, now: datetime) -> list[AgendaItem]:
    settings = session.scalar(
        select(GrievanceSettings).where(GrievanceSettings.partnership_id == partnership_id)
    ) or GrievanceSettings(
        acknowledge_days=DEFAULT_ACKNOWLEDGE_DAYS, respond_days=DEFAULT_RESPOND_DAYS
    )
    open_count, overdue_count = session.execute(
        select(
            func.count(),
            func.coalesce(func.sum(case((overdue_clause(settings, now), 1), else_=0)), 0),
        ).where(Grievance.partnership_id == partnership_id, Grievance.stage != Stage.CLOSED)
    ).one()
    if not open_count:
        return []
    return [
        AgendaItem(
            kind=Kind.GRIEVANCES,
            params={"open": int(open_count), "overdue": int(overdue_count)},
            link=_link("grievances.dashboard"),
        )
    ]


def _pulse_gaps(session: Session, partnership_id: int, now: datetime) -> list[AgendaItem]:
    """The wide gaps of the latest round that is over (closed, or past its closing time):
    an open round's figures still move."""
    latest = session.scalar(
        select(PulseRound)
        .where(
            PulseRound.partnership_id == partnership_id,
            or_(PulseRound.status == RoundStatus.CLOSED, PulseRound.closes_at <= now),
        )
        .order_by(PulseRound.closes_at.desc(), PulseRound.id.desc())
        .limit(1)
    )
    if latest is None:
        return []
    return [
        AgendaItem(
            kind=Kind.PULSE_GAP,
            title=dict(latest.title),
            params={
                "dimension": gap.dimension,
                "high": gap.high.constituency,
                "low": gap.low.constituency,
                "difference": str(gap.difference),
            },
            link=_link("monitoring.pulse_results", round_id=latest.id),
        )
        for gap in pulses.results(session, latest).gaps
        if gap.wide
    ]


def _goals_due(session: Session, partnership_id: int, today: date) -> list[AgendaItem]:
    charter = in_force(session, partnership_id=partnership_id)
    if charter is None:
        return []
    horizon = today + timedelta(days=GOAL_HORIZON_DAYS)
    due = [
        (date.fromisoformat(goal["due"]), goal)
        for goal in (charter.content or {}).get("goals") or []
        if goal.get("due") and date.fromisoformat(goal["due"]) <= horizon
    ]
    return [
        AgendaItem(
            kind=Kind.GOAL_DUE,
            title=dict(goal.get("title") or {}),
            params={"due": on.isoformat(), "past": on < today},
            link=_link("principles.charter"),
        )
        for on, goal in sorted(due, key=lambda pair: pair[0])
    ]
