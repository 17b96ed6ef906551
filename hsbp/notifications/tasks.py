"""The notifications' periodic work: immediate e-mails of what has just come up, and the
daily digests at each person's hour."""

from __future__ import annotations

from huey import crontab

from hsbp import db
from hsbp.db import utcnow
from hsbp.extensions import app_task, queue
from hsbp.notifications import sending


@app_task()
def send_notification_digests() -> None:
    """Send the digests due now (see sending.send_digests)."""
    sending.send_digests(db.session(), now=utcnow())


@app_task()
def send_immediate_notifications() -> None:
    """E-mail what came up for those who want it at once (see sending.send_immediate)."""
    sending.send_immediate(db.session(), now=utcnow())


# Hourly, so each person gets their digest at their hour whatever their time zone; the
# last-digest date makes every later run that day send them nothing.
@queue.periodic_task(crontab(minute="23"), name="notification_digests_hourly")
def notification_digests_hourly() -> None:
    send_notification_digests.call_local()


# Every five minutes: "at once" should not wait long, and a run with nothing new to tell
# sends nothing.
@queue.periodic_task(crontab(minute="*/5"), name="immediate_notifications")
def immediate_notifications() -> None:
    send_immediate_notifications.call_local()
