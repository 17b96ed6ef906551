"""What will go when: how many items each rule removes at the next nightly run and within the
next 30 days, counted as things stand (counts only, nothing is read out or removed).

A forecast assumes nothing changes meanwhile: a message still waiting in the inbox, a
grievance still open or an action not yet dropped is not counted, though it may be due by
then once handled, closed or dropped.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from hsbp.retention.models import RetentionSchedule
from hsbp.retention.rules import RULES
from hsbp.retention.scope import Scope, count_due

# The nightly run, in UTC (the queue reads its crontabs in UTC): hsbp.retention.tasks.
NIGHTLY_HOUR, NIGHTLY_MINUTE = 2, 30
WINDOW = timedelta(days=30)


@dataclass(frozen=True)
class Forecast:
    next_run_at: datetime
    window_ends_at: datetime
    # {rule: count}
    at_next_run: dict[str, int]
    within_window: dict[str, int]


def next_run_at(now: datetime) -> datetime:
    """The first nightly run after `now`."""
    now = now.astimezone(UTC)
    today = now.replace(hour=NIGHTLY_HOUR, minute=NIGHTLY_MINUTE, second=0, microsecond=0)
    return today if today > now else today + timedelta(days=1)


def counts_at(session: Session, *, schedule: RetentionSchedule, at: datetime) -> dict[str, int]:
    """{rule: how many items it would remove if the schedule were applied at `at`}."""
    scope = Scope(schedule.partnership_id, schedule, at)
    return {
        rule.name: sum(count_due(session, step, scope) for step in rule.steps) for rule in RULES
    }


def forecast(session: Session, *, schedule: RetentionSchedule, now: datetime) -> Forecast:
    """The next nightly run's counts, and those of every run up to 30 days from `now`."""
    upcoming = next_run_at(now)
    ends = now + WINDOW
    return Forecast(
        next_run_at=upcoming,
        window_ends_at=ends,
        at_next_run=counts_at(session, schedule=schedule, at=upcoming),
        within_window=counts_at(session, schedule=schedule, at=ends),
    )
