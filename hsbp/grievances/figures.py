"""The grievance dashboard's figures for one partnership, in three queries whatever its size.

Counts (by stage, category, partner and channel) are grouped in SQL. Durations, deadline
shares, ratings and the monthly trend come from one narrow projection of dates, computed in
Python: date arithmetic and medians differ between SQLite and PostgreSQL (julianday against
extract(epoch), no median aggregate in SQLite), and a partnership's grievances number in the
hundreds, so a few datetimes a row cost less than two dialects of SQL to keep in step.
Nothing here reads a description or an identity.
"""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hsbp.db import utcnow
from hsbp.grievances.models import Channel, Grievance, GrievanceEvent, GrievanceSettings, Stage
from hsbp.partnerships.models import Partner, Partnership

MONTHS = 12
RATINGS = (1, 2, 3, 4, 5)
# Waiting for an acknowledgement, or for a response (an appeal waits for a new one).
WAITING_ACK = (Stage.RECEIVED,)
WAITING_RESPONSE = (Stage.RECEIVED, Stage.ACKNOWLEDGED, Stage.ASSESSING, Stage.APPEALED)
DEFAULT_ACKNOWLEDGE_DAYS = GrievanceSettings.__table__.c.acknowledge_days.default.arg
DEFAULT_RESPOND_DAYS = GrievanceSettings.__table__.c.respond_days.default.arg


@dataclass
class Share:
    """`done` of `of` cases; `share` is None when there is no case yet."""

    done: int = 0
    of: int = 0

    @property
    def share(self) -> float | None:
        return self.done / self.of if self.of else None


@dataclass
class Month:
    first_day: date
    received: int = 0
    closed: int = 0


@dataclass
class PartnerCount:
    name: str | None  # None: no partner concerned named
    count: int


@dataclass
class Figures:
    total: int = 0
    by_stage: dict[str, int] = field(default_factory=dict)
    by_category: dict[str, int] = field(default_factory=dict)
    by_channel: dict[str, int] = field(default_factory=dict)
    by_partner: list[PartnerCount] = field(default_factory=list)
    referred: int = 0
    anonymous: int = 0
    acknowledge_days: int = DEFAULT_ACKNOWLEDGE_DAYS
    respond_days: int = DEFAULT_RESPOND_DAYS
    median_days_to_acknowledge: float | None = None
    median_days_to_close: float | None = None
    acknowledged_in_time: Share = field(default_factory=Share)
    responded_in_time: Share = field(default_factory=Share)
    # Per channel, so a slower answer to SMS than to the web form shows (equitable).
    acknowledged_in_time_by_channel: dict[str, Share] = field(default_factory=dict)
    ratings: dict[int, int] = field(default_factory=lambda: dict.fromkeys(RATINGS, 0))
    months: list[Month] = field(default_factory=list)

    @property
    def rated(self) -> int:
        return sum(self.ratings.values())

    @property
    def mean_rating(self) -> float | None:
        if not self.rated:
            return None
        return sum(value * n for value, n in self.ratings.items()) / self.rated


def dashboard(session: Session, *, partnership: Partnership, now: datetime | None = None):
    """The dashboard's figures. Three queries: settings, grouped counts, dates."""
    now = now or utcnow()
    figures = Figures()
    settings = session.scalar(
        select(GrievanceSettings).where(GrievanceSettings.partnership_id == partnership.id)
    )
    if settings is not None:  # a dashboard read never creates the settings row
        figures.acknowledge_days = settings.acknowledge_days
        figures.respond_days = settings.respond_days
    _counts(session, partnership, figures)
    _timings(session, partnership, figures, now)
    return figures


def _counts(session: Session, partnership: Partnership, figures: Figures) -> None:
    rows = session.execute(
        select(
            Grievance.stage,
            Grievance.category,
            Grievance.channel,
            Partner.name,
            func.count(Grievance.id),
        )
        .outerjoin(Partner, Partner.id == Grievance.partner_id)
        .where(Grievance.partnership_id == partnership.id)
        .group_by(Grievance.stage, Grievance.category, Grievance.channel, Partner.name)
    ).all()
    stages, categories, channels, partners = Counter(), Counter(), Counter(), Counter()
    for stage, category, channel, partner, n in rows:
        stages[stage] += n
        categories[category] += n
        channels[channel] += n
        partners[partner] += n
    figures.total = sum(stages.values())
    figures.by_stage = {s.value: stages[s.value] for s in Stage}
    figures.by_category = dict(categories.most_common())
    figures.by_channel = {c.value: channels[c.value] for c in Channel}
    named = sorted(
        ((n, p) for p, n in partners.items() if p is not None), key=lambda x: (-x[0], x[1])
    )
    figures.by_partner = [PartnerCount(p, n) for n, p in named]
    if partners[None]:
        figures.by_partner.append(PartnerCount(None, partners[None]))


def _timings(session: Session, partnership: Partnership, figures: Figures, now) -> None:
    # Referred at some point (closed since, perhaps): told by its history, not by the
    # encrypted referral text, which stays unread here.
    referred = (
        select(GrievanceEvent.id)
        .where(
            GrievanceEvent.grievance_id == Grievance.id,
            GrievanceEvent.stage_to == Stage.REFERRED,
        )
        .exists()
    )
    rows = session.execute(
        select(
            Grievance.stage,
            Grievance.channel,
            Grievance.anonymous,
            referred.label("referred"),
            Grievance.received_at,
            Grievance.acknowledged_at,
            Grievance.response_proposed_at,
            Grievance.closed_at,
            Grievance.rating,
        ).where(Grievance.partnership_id == partnership.id)
    ).all()
    ack_limit = timedelta(days=figures.acknowledge_days)
    respond_limit = timedelta(days=figures.respond_days)
    to_ack, to_close = [], []
    by_channel = {c.value: Share() for c in Channel}
    zone = ZoneInfo(partnership.timezone or "UTC")
    months = _months(now.astimezone(zone).date())
    index = {m.first_day: m for m in months}
    for row in rows:
        figures.referred += bool(row.referred)
        figures.anonymous += bool(row.anonymous)
        if row.rating in figures.ratings:
            figures.ratings[row.rating] += 1
        if row.acknowledged_at is not None:
            to_ack.append(_days(row.acknowledged_at - row.received_at))
        if row.closed_at is not None:
            to_close.append(_days(row.closed_at - row.received_at))
        ack = _in_time(
            row.stage in WAITING_ACK, row.received_at, row.acknowledged_at, ack_limit, now
        )
        if ack is not None:
            figures.acknowledged_in_time.of += 1
            figures.acknowledged_in_time.done += ack
            channel = by_channel.setdefault(row.channel, Share())
            channel.of += 1
            channel.done += ack
        answer = _in_time(
            row.stage in WAITING_RESPONSE,
            row.received_at,
            row.response_proposed_at,
            respond_limit,
            now,
        )
        if answer is not None:
            figures.responded_in_time.of += 1
            figures.responded_in_time.done += answer
        for moment, attribute in ((row.received_at, "received"), (row.closed_at, "closed")):
            if moment is not None:
                month = index.get(_month_of(moment, zone))
                if month is not None:
                    setattr(month, attribute, getattr(month, attribute) + 1)
    figures.median_days_to_acknowledge = _median(to_ack)
    figures.median_days_to_close = _median(to_close)
    figures.acknowledged_in_time_by_channel = by_channel
    figures.months = months


def _in_time(waiting: bool, received, done_at, limit: timedelta, now) -> bool | None:
    """True when the step was done within `limit` of receipt, False when it was done later or
    is still awaited past it, None when it cannot be judged yet (awaited, time left) or never
    applied (say, referred before any acknowledgement)."""
    due = received + limit
    if waiting:
        return False if due < now else None
    if done_at is None:
        return None
    return done_at <= due


def _days(delta: timedelta) -> float:
    return delta.total_seconds() / 86400


def _median(values: list[float]) -> float | None:
    return round(statistics.median(values), 1) if values else None


def _month_of(moment: datetime, zone: ZoneInfo) -> date:
    return moment.astimezone(zone).date().replace(day=1)


def _months(today: date) -> list[Month]:
    """The last MONTHS months, oldest first, this month included."""
    first = today.replace(day=1)
    months = []
    for back in range(MONTHS - 1, -1, -1):
        year, month = divmod(first.year * 12 + first.month - 1 - back, 12)
        months.append(Month(first_day=date(year, month + 1, 1)))
    return months
