"""What every retention rule is made of: the partnership and moment it is applied at, its
steps (one per table), and what it must never touch, the partnership's open grievances."""

from __future__ import annotations

import calendar
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from hsbp.grievances.models import Grievance, Stage
from hsbp.retention.models import RetentionSchedule


@dataclass(frozen=True)
class Scope:
    """One partnership's schedule applied at `now`."""

    partnership_id: int
    schedule: RetentionSchedule
    now: datetime


@dataclass(frozen=True)
class Step:
    """One table of a rule. `due(scope)` selects the ids due, `remove(session, scope, ids)`
    removes those still due and returns how many; `count` counts what is due (by default the
    rows `due` selects)."""

    due: Callable[[Scope], Select]
    remove: Callable[[Session, Scope, list[int]], int]
    count: Callable[[Session, Scope], int] | None = None


@dataclass(frozen=True)
class Rule:
    name: str  # the key of RetentionRun.removed
    setting: str  # the RetentionSchedule column that sets its period
    steps: tuple[Step, ...]


def months_before(moment: datetime, months: int) -> datetime:
    """`moment` so many calendar months earlier, the day clamped to the month's end."""
    index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(index, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def open_grievances(partnership_id: int) -> Select:
    return select(Grievance.id).where(
        Grievance.partnership_id == partnership_id, Grievance.stage != Stage.CLOSED
    )


def open_grievance_contacts(partnership_id: int) -> Select:
    """The SMS contacts of the partnership's grievances that are not closed. A grievance's
    messages are not linked to it one by one, so all of its contact's are kept."""
    return select(Grievance.contact_id).where(
        Grievance.partnership_id == partnership_id,
        Grievance.stage != Stage.CLOSED,
        Grievance.contact_id.is_not(None),
    )


def selecting(column, conditions: Callable[[Scope], list]) -> Callable[[Scope], Select]:
    """A step's `due`: `column` of the rows that meet `conditions(scope)`."""
    return lambda scope: select(column).where(*conditions(scope))


def count_due(session: Session, step: Step, scope: Scope) -> int:
    """How many items `step` would remove at `scope.now`."""
    if step.count is not None:
        return step.count(session, scope)
    return session.scalar(select(func.count()).select_from(step.due(scope).subquery())) or 0
