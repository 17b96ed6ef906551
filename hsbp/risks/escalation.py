"""The escalation ladder of a partner's business relationship tied to a harm: engage, set
conditions, act collectively, suspend, and as a last resort disengage.

Rules (the issue left them open; these are ours):
- steps may be skipped (a partner may go straight to collective action) and repeated (talks
  go on after conditions are set); the connection's `escalation` is the highest step taken;
- steps are a journal, recorded as they happen: none dated in the future (the partnership's
  own date) or before the last step recorded, so the ladder reads in date order; the last
  step may be removed to correct a mistake;
- disengaging needs a responsible-disengagement assessment first (hsbp.risks.disengagement):
  without one it is refused and nothing is written; it sets `disengaged_at` and ends the
  ladder (no step after it).
"""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import format_date
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from hsbp import audit
from hsbp.errors import ServiceError
from hsbp.risks.disengagement import assessment_of
from hsbp.risks.models import EscalationStep, RiskConnection

ENGAGE, CONDITION, COLLECTIVE, SUSPEND, DISENGAGE = (
    "engage",
    "condition",
    "collective",
    "suspend",
    "disengage",
)
STEPS = (ENGAGE, CONDITION, COLLECTIVE, SUSPEND, DISENGAGE)
NOTE_MAX = 4000

STEP_LABELS = {
    ENGAGE: _l("Engage"),
    CONDITION: _l("Set conditions"),
    COLLECTIVE: _l("Act collectively"),
    SUSPEND: _l("Suspend"),
    DISENGAGE: _l("Disengage"),
}

STEP_HINTS = {
    ENGAGE: _l("Raise the harm with the other party and agree on what must change."),
    CONDITION: _l(
        "Tie the relationship to improvement: contract clauses, tender or payment "
        "conditions, a corrective plan with dates."
    ),
    COLLECTIVE: _l("Join with peers, the other partners or authorities to add weight."),
    SUSPEND: _l("Pause orders, payments or the relationship until the harm is addressed."),
    DISENGAGE: _l(
        "End the relationship: a last resort, once the harm that leaving would do has been "
        "weighed and mitigated."
    ),
}


def rank(step: str) -> int:
    return STEPS.index(step) if step in STEPS else -1


def steps_of(session: Session, connection: RiskConnection) -> list[EscalationStep]:
    """The connection's steps in the order they were taken."""
    return list(
        session.scalars(
            select(EscalationStep)
            .where(
                EscalationStep.partnership_id == connection.partnership_id,
                EscalationStep.connection_id == connection.id,
            )
            .order_by(EscalationStep.taken_on, EscalationStep.id)
        )
    )


def take_step(
    session: Session,
    *,
    connection: RiskConnection,
    step: str,
    taken_on: date | None,
    note: str,
    today: date,
    now: datetime,
    actor_id: int | None,
) -> EscalationStep:
    """Record `step` taken on `taken_on` (`today`: the partnership's date). Raises
    ServiceError, writing nothing, for an unknown step, a missing or future date, a date
    before the last step, a connection already disengaged, or a disengagement without a
    responsible-disengagement assessment.

    Side effects: an EscalationStep added; the connection's `escalation` raised to the
    highest step taken, and `disengaged_at` set to `now` on disengaging; one audit entry.
    """
    if step not in STEPS:
        raise ServiceError(_l("Choose a step of the ladder."), field="step")
    if connection.disengaged_at is not None:
        raise ServiceError(
            _l("This relationship has ended: no step can follow the disengagement."),
            field="step",
        )
    if taken_on is None:
        raise ServiceError(_l("Give the date the step was taken."), field="taken_on")
    if taken_on > today:
        raise ServiceError(
            _l("A step is recorded once it is taken: give a date up to today."),
            field="taken_on",
        )
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise ServiceError(_l("Write at most %(max)d characters.", max=NOTE_MAX), field="note")
    taken = steps_of(session, connection)
    if taken and taken_on < taken[-1].taken_on:
        raise ServiceError(
            _l(
                "Steps are recorded in date order: the last one was taken on %(date)s.",
                date=format_date(taken[-1].taken_on, "medium"),
            ),
            field="taken_on",
        )
    if step == DISENGAGE and assessment_of(session, connection) is None:
        raise ServiceError(
            _l(
                "A partner cannot disengage before a responsible-disengagement assessment is "
                "recorded: who would be harmed by leaving, how that is mitigated and what "
                "notice was given."
            ),
            field="step",
        )
    row = EscalationStep(
        partnership_id=connection.partnership_id,
        connection_id=connection.id,
        step=step,
        taken_on=taken_on,
        note=note,
        created_by_id=actor_id,
    )
    session.add(row)
    if rank(step) > rank(connection.escalation):
        connection.escalation = step
    if step == DISENGAGE:
        connection.disengaged_at = now
    session.flush()
    audit.record(
        session,
        actor_id=actor_id,
        action=f"risk_escalation.{step}",
        obj=connection,
        partnership_id=connection.partnership_id,
        details={"risk_id": connection.risk_id, "step_id": row.id, "on": taken_on.isoformat()},
    )
    return row


def remove_last_step(
    session: Session, *, connection: RiskConnection, actor_id: int | None
) -> EscalationStep | None:
    """Remove the last step recorded (a correction), or do nothing when there is none.
    Removing a disengagement reopens the relationship.

    Side effects: the step deleted; `escalation` set to the highest step left, and
    `disengaged_at` cleared when the step was the disengagement; one audit entry.
    """
    taken = steps_of(session, connection)
    if not taken:
        return None
    last = taken[-1]
    session.delete(last)
    left = taken[:-1]
    connection.escalation = max((s.step for s in left), key=rank, default="")
    if last.step == DISENGAGE:
        connection.disengaged_at = None
    session.flush()
    audit.record(
        session,
        actor_id=actor_id,
        action="risk_escalation.remove",
        obj=connection,
        partnership_id=connection.partnership_id,
        details={"risk_id": connection.risk_id, "on": last.taken_on.isoformat()},
    )
    return last
