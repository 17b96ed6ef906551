"""The risks capability's background tasks: key-moment reminders."""

from __future__ import annotations

from huey import crontab

from hsbp import db
from hsbp.db import utcnow
from hsbp.extensions import app_task, queue
from hsbp.risks import moment_reminders


@app_task()
def send_key_moment_reminders() -> None:
    """Remind of the key moments coming up (see moment_reminders)."""
    moment_reminders.send_reminders(db.session(), now=utcnow())


# Hourly rather than once a day at one UTC hour, so each partnership is reminded in its own
# morning whatever its time zone; the `reminded_at` stamp makes every later run find nothing,
# so each moment is still reminded of once, on one day.
@queue.periodic_task(crontab(minute="47"), name="key_moment_reminders_hourly")
def key_moment_reminders_hourly() -> None:
    send_key_moment_reminders.call_local()
