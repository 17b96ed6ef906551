"""The leaver protocol's periodic work: a departed partner's representatives lose their
membership once its leaving date has come."""

from __future__ import annotations

from huey import crontab

from hsbp import db
from hsbp.extensions import app_task, queue
from hsbp.governance import departures


@app_task()
def end_departed_representation() -> None:
    departures.end_due_representation(db.session())


# Hourly, so a partner leaves at the start of its leaving date in the partnership's own time
# zone; a departure is ended once (members_removed_at).
@queue.periodic_task(crontab(minute="41"), name="departed_representation_hourly")
def departed_representation_hourly() -> None:
    end_departed_representation.call_local()
