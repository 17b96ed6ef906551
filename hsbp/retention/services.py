"""A partnership's retention schedule: reading and changing it, and applying it in batches.

Applying commits after every batch, so a large backlog never holds a lock for long and a run
cut short keeps what it did; the next run goes on from there, and a run after a complete one
finds nothing. What a run removed is recorded as counts per rule, never as content.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import exc as db_errors
from sqlalchemy import select
from sqlalchemy.orm import Session

from hsbp import audit
from hsbp.auth.models import User
from hsbp.db import utcnow
from hsbp.errors import ServiceError
from hsbp.grievances.codes import shown
from hsbp.grievances.models import Grievance, GrievanceSettings, Stage
from hsbp.partnerships.models import Partnership
from hsbp.retention import forecast, models
from hsbp.retention.models import RetentionRun, RetentionSchedule
from hsbp.retention.rules import RULES
from hsbp.retention.scope import Scope, Step

log = logging.getLogger(__name__)

BATCH = 500

DEFAULTS = {
    "sms_body_days": models.SMS_BODY_DAYS,
    "grievance_identity_months": models.GRIEVANCE_IDENTITY_MONTHS,
    "consultation_raw_days": models.CONSULTATION_RAW_DAYS,
    "dropped_evidence_days": models.DROPPED_EVIDENCE_DAYS,
    "audit_detail_years": models.AUDIT_DETAIL_YEARS,
}
# The shortest and longest period each setting takes.
BOUNDS = {
    "sms_body_days": (7, 3650),
    "grievance_identity_months": (1, 120),
    "consultation_raw_days": (7, 3650),
    "dropped_evidence_days": (30, 3650),
    "audit_detail_years": (1, 30),
}
FIELDS = list(DEFAULTS)
OUT_OF_BOUNDS = {
    "sms_body_days": _l("Choose from %(low)d to %(high)d days."),
    "grievance_identity_months": _l("Choose from %(low)d to %(high)d months."),
    "consultation_raw_days": _l("Choose from %(low)d to %(high)d days."),
    "dropped_evidence_days": _l("Choose from %(low)d to %(high)d days."),
    "audit_detail_years": _l("Choose from %(low)d to %(high)d years."),
}

audit.ACTION_LABELS.update(
    {
        "retention.settings": _l("Retention schedule changed"),
        "retention.run": _l("Retention schedule applied"),
    }
)


def schedule_of(session: Session, partnership_id: int) -> RetentionSchedule:
    """The partnership's schedule, or the defaults (not saved) when it has none yet."""
    found = session.scalar(
        select(RetentionSchedule).where(RetentionSchedule.partnership_id == partnership_id)
    )
    return found or RetentionSchedule(partnership_id=partnership_id, **DEFAULTS)


def last_run(session: Session, partnership_id: int) -> RetentionRun | None:
    """The partnership's latest run that finished."""
    return session.scalar(
        select(RetentionRun)
        .where(RetentionRun.partnership_id == partnership_id, RetentionRun.finished_at.is_not(None))
        .order_by(RetentionRun.finished_at.desc(), RetentionRun.id.desc())
        .limit(1)
    )


# Changing the schedule -----------------------------------------------------------------------


def _checked(field: str, value) -> int:
    low, high = BOUNDS[field]
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = None
    if number is None or not low <= number <= high:
        raise ServiceError(OUT_OF_BOUNDS[field] % {"low": low, "high": high}, field=field)
    return number


def oldest_open_grievance(
    session: Session, partnership_id: int, now: datetime
) -> tuple[str, int] | None:
    """The code of the partnership's longest-open grievance and for how many whole days it
    has been open, or None when none is open."""
    row = session.execute(
        select(Grievance.code, Grievance.received_at)
        .where(Grievance.partnership_id == partnership_id, Grievance.stage != Stage.CLOSED)
        .order_by(Grievance.received_at, Grievance.id)
        .limit(1)
    ).first()
    return None if row is None else (row.code, max((now - row.received_at).days, 0))


def grievance_deadlines(session: Session, partnership_id: int) -> int:
    """Days the partnership gives itself to acknowledge a grievance and respond to it."""
    found = session.scalar(
        select(GrievanceSettings).where(GrievanceSettings.partnership_id == partnership_id)
    )
    if found is not None:
        return found.acknowledge_days + found.respond_days
    columns = GrievanceSettings.__table__.c
    return columns.acknowledge_days.default.arg + columns.respond_days.default.arg


def _refusal(session: Session, partnership_id: int, values: dict, now: datetime):
    """Why a shorter period would cut into an open grievance's life, or None."""
    deadlines = grievance_deadlines(session, partnership_id)
    if values.get("sms_body_days", deadlines) < deadlines:
        return ServiceError(
            _l(
                "SMS bodies cannot be removed sooner than the grievance deadlines: "
                "%(days)d days to acknowledge a grievance and respond to it.",
                days=deadlines,
            ),
            field="sms_body_days",
        )
    oldest = oldest_open_grievance(session, partnership_id, now)
    if oldest is None:
        return None
    code, days = oldest
    if values.get("sms_body_days", days) < days:
        return ServiceError(
            _l(
                "Grievance %(code)s has been open for %(days)d days; SMS bodies cannot be "
                "removed sooner than that.",
                code=shown(code),
                days=days,
            ),
            field="sms_body_days",
        )
    if values.get("audit_detail_years", days) * 365 < days:
        return ServiceError(
            _l(
                "Grievance %(code)s has been open for %(days)d days; personal details cannot "
                "be removed from the audit log sooner than that.",
                code=shown(code),
                days=days,
            ),
            field="audit_detail_years",
        )
    return None


def save_schedule(
    session: Session, *, actor: User, partnership: Partnership, values: dict, now=None
) -> RetentionSchedule:
    """Change the partnership's schedule: `values` holds a number for each of FIELDS.

    Raises ServiceError, saving nothing, on a value out of bounds or on a period made
    shorter than an open grievance's life (the grievance deadlines, or the age of the
    longest-open grievance, for SMS bodies and audit details). A period lengthened or left
    as it is is never refused. Side effects: the schedule row (created on first save), an
    audit entry with each change before and after, when anything changed.
    """
    now = now or utcnow()
    checked = {field: _checked(field, values.get(field)) for field in FIELDS}
    schedule = schedule_of(session, partnership.id)
    before = audit.snapshot(schedule, FIELDS)
    shortened = {field: value for field, value in checked.items() if value < before[field]}
    refusal = _refusal(session, partnership.id, shortened, now)
    if refusal is not None:
        raise refusal
    for field, value in checked.items():
        setattr(schedule, field, value)
    details = audit.changes(schedule, FIELDS, before)
    if not details:
        return schedule
    schedule.updated_by_id = actor.id
    session.add(schedule)
    session.flush()
    audit.record(
        session,
        actor_id=actor.id,
        action="retention.settings",
        obj=schedule,
        partnership_id=partnership.id,
        details=details,
    )
    return schedule


# Applying the schedule -----------------------------------------------------------------------


def _apply_step(
    session: Session, step: Step, scope: Scope, *, batch: int, commit: Callable[[], None]
) -> int:
    """Remove everything `step` finds due, `batch` rows a transaction, oldest id first."""
    removed, after = 0, 0
    while True:
        query = step.due(scope)
        column = query.selected_columns[0]
        ids = list(session.scalars(query.where(column > after).order_by(column).limit(batch)))
        if not ids:
            return removed
        removed += step.remove(session, scope, ids)
        commit()
        after = ids[-1]


def run_partnership(
    session: Session,
    *,
    partnership_id: int,
    now: datetime | None = None,
    batch: int = BATCH,
    commit: Callable[[], None] | None = None,
) -> RetentionRun:
    """Apply the partnership's schedule as of `now`, committing with `commit` (by default
    the session's own) after each batch.

    Side effects: the rows each rule removes (see hsbp.retention.rules), evidence files
    deleted as their batch commits, one RetentionRun with the counts per rule, and an
    audit entry "retention.run" with the same counts when anything was removed.
    """
    commit = commit or session.commit
    now = now or utcnow()
    schedule = schedule_of(session, partnership_id)
    scope = Scope(partnership_id, schedule, now)
    run = RetentionRun(partnership_id=partnership_id, started_at=utcnow(), removed={})
    session.add(run)
    commit()  # a run cut short still says it started
    removed = {
        rule.name: sum(
            _apply_step(session, step, scope, batch=batch, commit=commit) for step in rule.steps
        )
        for rule in RULES
    }
    run.removed, run.finished_at = removed, utcnow()
    if any(removed.values()):
        audit.record(
            session,
            actor_id=None,
            action="retention.run",
            obj=run,
            partnership_id=partnership_id,
            details=dict(removed),
        )
    commit()
    return run


def run_all(
    session: Session,
    *,
    now: datetime | None = None,
    batch: int = BATCH,
    commit: Callable[[], None] | None = None,
    partnership_ids: list[int] | None = None,
) -> list[RetentionRun]:
    """Apply every partnership's schedule (or those of `partnership_ids`), one after the
    other. A partnership whose run fails for a reason other than the database being out of
    reach is logged and left for the next night; the others still run."""
    commit = commit or session.commit
    ids = partnership_ids
    if ids is None:
        ids = list(session.scalars(select(Partnership.id).order_by(Partnership.id)))
    runs = []
    for partnership_id in ids:
        try:
            runs.append(
                run_partnership(
                    session, partnership_id=partnership_id, now=now, batch=batch, commit=commit
                )
            )
        except (db_errors.OperationalError, db_errors.InterfaceError):
            raise
        except Exception as error:
            session.rollback()
            # The error's type only: its message could quote the data being removed.
            log.error(
                "retention run of partnership %s failed (%s)", partnership_id, type(error).__name__
            )
    return runs


def due_now(session: Session, *, partnership_id: int, now: datetime | None = None) -> dict:
    """{rule: how many items it would remove now}, removing nothing (a dry run)."""
    schedule = schedule_of(session, partnership_id)
    return forecast.counts_at(session, schedule=schedule, at=now or utcnow())
