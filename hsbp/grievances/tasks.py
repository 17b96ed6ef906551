"""The grievance mechanism's periodic work: escalating grievances past their deadline."""

from __future__ import annotations

from huey import crontab

from hsbp import db
from hsbp.db import utcnow
from hsbp.extensions import app_task, queue
from hsbp.grievances import escalation


@app_task()
def escalate_overdue_grievances() -> None:
    """Tell facilitators and grievance officers of grievances newly past their deadline."""
    escalation.escalate_overdue(db.session(), now=utcnow())


# Hourly: deadlines fall at any hour, and `escalated_at` makes every later run find nothing
# new to tell until the grievance changes stage.
@queue.periodic_task(crontab(minute="41"), name="grievance_escalation_hourly")
def grievance_escalation_hourly() -> None:
    escalate_overdue_grievances.call_local()
