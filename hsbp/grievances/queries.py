"""Read-side of the officers' pages: the filtered list and a grievance's history (the officers
themselves are in hsbp.grievances.officers). Every query is scoped to one partnership."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session, selectinload

from hsbp.grievances.models import Grievance, GrievanceEvent, GrievanceSettings, Stage

# The stages whose deadline runs from `acknowledge_days`, and from `respond_days`
# (hsbp.grievances.services.deadline says the same in Python, for one grievance).
ACKNOWLEDGE_STAGES = (Stage.RECEIVED,)
RESPOND_STAGES = (Stage.ACKNOWLEDGED, Stage.ASSESSING, Stage.APPEALED)


def overdue_clause(settings: GrievanceSettings, now: datetime):
    """SQL for "past its deadline at `now`", the same rule as services.is_overdue."""
    return or_(
        and_(
            Grievance.stage.in_(ACKNOWLEDGE_STAGES),
            Grievance.received_at < now - timedelta(days=settings.acknowledge_days),
        ),
        and_(
            Grievance.stage.in_(RESPOND_STAGES),
            Grievance.received_at < now - timedelta(days=settings.respond_days),
        ),
    )


def filtered_grievances(
    session: Session,
    *,
    partnership_id: int,
    filters: dict,
    settings: GrievanceSettings,
    now: datetime,
    partner_only: int | None = None,
) -> list[Grievance]:
    """The partnership's grievances matching `filters` (FilterForm.chosen), newest first,
    with their partner and officer loaded: three queries however many rows. `partner_only`
    keeps those concerning one partner (what its representatives may see)."""
    query = (
        select(Grievance)
        .where(Grievance.partnership_id == partnership_id)
        .options(selectinload(Grievance.partner), selectinload(Grievance.officer))
        .order_by(Grievance.received_at.desc(), Grievance.id.desc())
    )
    if partner_only is not None:
        query = query.where(Grievance.partner_id == partner_only)
    if filters.get("stage"):
        query = query.where(Grievance.stage == filters["stage"])
    if filters.get("category"):
        query = query.where(Grievance.category == filters["category"])
    if filters.get("partner"):
        query = query.where(Grievance.partner_id == filters["partner"])
    if filters.get("overdue"):
        query = query.where(overdue_clause(settings, now))
    return list(session.scalars(query))


def grievance_in(session: Session, *, partnership_id: int, grievance_id: int) -> Grievance | None:
    return session.scalar(
        select(Grievance).where(
            Grievance.id == grievance_id, Grievance.partnership_id == partnership_id
        )
    )


def history(session: Session, grievance: Grievance) -> list[GrievanceEvent]:
    """The grievance's events, oldest first, with who made each."""
    return list(
        session.scalars(
            select(GrievanceEvent)
            .where(
                GrievanceEvent.grievance_id == grievance.id,
                GrievanceEvent.partnership_id == grievance.partnership_id,
            )
            .options(selectinload(GrievanceEvent.actor))
            .order_by(GrievanceEvent.created_at, GrievanceEvent.id)
        )
    )
