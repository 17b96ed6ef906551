"""What this feature puts at the top of a partnership's dashboard and on its menu badge
(hsbp.partnerships.attention): grievances not acknowledged yet and grievances past their
deadline, for those who handle grievances only. Registered by init_app (wired in
create_app)."""

from __future__ import annotations

from datetime import datetime

from flask import Flask
from flask_babel import ngettext
from sqlalchemy import and_, case, func, not_, select
from sqlalchemy.orm import Session

from hsbp.grievances import officers
from hsbp.grievances.figures import DEFAULT_ACKNOWLEDGE_DAYS, DEFAULT_RESPOND_DAYS
from hsbp.grievances.models import Grievance, GrievanceSettings, Stage
from hsbp.grievances.queries import ACKNOWLEDGE_STAGES, overdue_clause
from hsbp.notifications import path_for
from hsbp.partnerships.attention import KEEP, Count, add_provider, with_number


def _settings(session: Session, partnership_id: int) -> GrievanceSettings:
    # Read, never created: a page view must not write (services.settings_of would).
    return session.scalar(
        select(GrievanceSettings).where(GrievanceSettings.partnership_id == partnership_id)
    ) or GrievanceSettings(
        acknowledge_days=DEFAULT_ACKNOWLEDGE_DAYS, respond_days=DEFAULT_RESPOND_DAYS
    )


def _sum(condition):
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def grievance_counts(session: Session, *, partnership, membership, now: datetime) -> list[Count]:
    """Grievances not acknowledged yet, and those past their deadline (the review agenda's
    rule, hsbp.grievances.queries.overdue_clause), for facilitators and grievance officers:
    nobody else may open the list. Counts only: no code, text or person. At most three
    statements (the officer check, the settings, one count)."""
    if not officers.may_handle(session, membership):
        return []
    settings = _settings(session, partnership.id)
    overdue = overdue_clause(settings, now)
    unacknowledged = Grievance.stage.in_(ACKNOWLEDGE_STAGES)
    new, late, late_but_acknowledged = (
        int(n)
        for n in session.execute(
            select(
                _sum(unacknowledged),
                _sum(overdue),
                _sum(and_(overdue, not_(unacknowledged))),
            ).where(Grievance.partnership_id == partnership.id, Grievance.stage != Stage.CLOSED)
        ).one()
    )
    pid = partnership.id
    return [
        Count(
            kind="grievances_unacknowledged",
            number=new,
            text=with_number(
                ngettext(
                    "%(count)s grievance not acknowledged yet",
                    "%(count)s grievances not acknowledged yet",
                    new,
                    count=KEEP,
                ),
                new,
            ),
            url=path_for("grievances.index", partnership_id=pid, stage=Stage.RECEIVED.value),
            menu="grievances",
        ),
        Count(
            kind="grievances_overdue",
            number=late,
            text=with_number(
                ngettext(
                    "%(count)s grievance past its deadline",
                    "%(count)s grievances past their deadline",
                    late,
                    count=KEEP,
                ),
                late,
            ),
            url=path_for("grievances.index", partnership_id=pid, overdue="y"),
            menu="grievances",
            # A grievance new and overdue is on the badge once.
            adds=late_but_acknowledged,
        ),
    ]


def init_app(app: Flask) -> None:
    add_provider(app, "grievances", grievance_counts)
