"""Read side of monitoring: a partnership's indicators with their values in force and
progress, in a fixed number of queries whatever the number of indicators and periods."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from hsbp.monitoring.models import Indicator, Measurement
from hsbp.monitoring.progress import Progress, progress


@dataclass
class Standing:
    indicator: Indicator
    values: list = field(default_factory=list)  # (period_on, value) in force, oldest first
    progress: Progress | None = None

    @property
    def latest(self) -> tuple[date, Decimal] | None:
        return self.values[-1] if self.values else None


def in_force(session: Session, *, partnership_id: int, indicator_ids=None) -> dict[int, list]:
    """{indicator id: [(period_on, value), ...]} of the whole (no breakdown), the highest
    revision of each period, oldest first: one query."""
    scope = [Measurement.partnership_id == partnership_id, Measurement.breakdown == ""]
    if indicator_ids is not None:
        scope.append(Measurement.indicator_id.in_(indicator_ids))
    latest = (
        select(
            Measurement.indicator_id,
            Measurement.period_on,
            func.max(Measurement.revision).label("revision"),
        )
        .where(*scope)
        .group_by(Measurement.indicator_id, Measurement.period_on)
        .subquery()
    )
    rows = session.execute(
        select(Measurement.indicator_id, Measurement.period_on, Measurement.value)
        .join(
            latest,
            (latest.c.indicator_id == Measurement.indicator_id)
            & (latest.c.period_on == Measurement.period_on)
            & (latest.c.revision == Measurement.revision),
        )
        .where(*scope)
        .order_by(Measurement.indicator_id, Measurement.period_on)
    )
    found: dict[int, list] = defaultdict(list)
    for indicator_id, period_on, value in rows:
        found[indicator_id].append((period_on, value))
    return found


def standing_of(indicator: Indicator, values: list) -> Standing:
    """Progress is judged at the period of the latest value: the straight line where the
    partnership stood when it last measured, not where it stands today."""
    latest = values[-1] if values else None
    return Standing(
        indicator=indicator,
        values=values,
        progress=progress(
            baseline=indicator.baseline_value,
            baseline_on=indicator.baseline_on,
            target=indicator.target_value,
            target_on=indicator.target_on,
            latest=latest[1] if latest else None,
            when=latest[0] if latest else indicator.baseline_on,
        ),
    )


def standings(session: Session, *, partnership_id: int) -> list[Standing]:
    """Every indicator of the partnership with its values and progress: three queries."""
    indicators = session.scalars(
        select(Indicator)
        .where(Indicator.partnership_id == partnership_id)
        .options(selectinload(Indicator.partner))
        .order_by(Indicator.goal_key, Indicator.id)
    ).all()
    values = in_force(session, partnership_id=partnership_id)
    return [standing_of(i, values.get(i.id, [])) for i in indicators]


def history(session: Session, *, indicator: Indicator) -> list[Measurement]:
    """Every revision of every value of the indicator, newest period and revision first."""
    return list(
        session.scalars(
            select(Measurement)
            .where(
                Measurement.partnership_id == indicator.partnership_id,
                Measurement.indicator_id == indicator.id,
            )
            .options(selectinload(Measurement.reported_by))
            .order_by(
                Measurement.period_on.desc(), Measurement.breakdown, Measurement.revision.desc()
            )
        )
    )


def latest_standings(session: Session, *, partnership_id: int) -> list[Standing]:
    """Every indicator with only its latest value in force and the progress judged there: two
    queries, and one row per indicator whatever the number of periods (the dashboard)."""
    ranked = (
        select(
            Measurement.indicator_id,
            Measurement.period_on,
            Measurement.value,
            func.row_number()
            .over(
                partition_by=Measurement.indicator_id,
                order_by=(Measurement.period_on.desc(), Measurement.revision.desc()),
            )
            .label("rank"),
        )
        .where(Measurement.partnership_id == partnership_id, Measurement.breakdown == "")
        .subquery()
    )
    latest = {
        row.indicator_id: [(row.period_on, row.value)]
        for row in session.execute(select(ranked).where(ranked.c.rank == 1))
    }
    indicators = session.scalars(
        select(Indicator)
        .where(Indicator.partnership_id == partnership_id)
        .order_by(Indicator.goal_key, Indicator.id)
    ).all()
    return [standing_of(i, latest.get(i.id, [])) for i in indicators]
