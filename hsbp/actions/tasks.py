"""The checklist's periodic work: e-mail reminders of due and overdue actions."""

from __future__ import annotations

from huey import crontab

from hsbp import db
from hsbp.actions import reminders
from hsbp.db import utcnow
from hsbp.extensions import app_task, queue


@app_task()
def send_action_reminders() -> None:
    """Remind the people responsible for actions due soon or overdue (see reminders)."""
    reminders.send_reminders(db.session(), now=utcnow())


# Hourly, so each partnership is reminded in its own morning whatever its time zone; the
# reminder rows make every run after the first that day find nothing to send.
@queue.periodic_task(crontab(minute="17"), name="action_reminders_hourly")
def action_reminders_hourly() -> None:
    send_action_reminders.call_local()
