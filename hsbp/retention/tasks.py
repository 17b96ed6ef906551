"""Retention's periodic work: applying every partnership's schedule each night."""

from __future__ import annotations

from huey import crontab

from hsbp import db
from hsbp.db import utcnow
from hsbp.extensions import app_task, queue
from hsbp.retention import services
from hsbp.retention.forecast import NIGHTLY_HOUR, NIGHTLY_MINUTE


@app_task()
def apply_retention_schedules() -> None:
    """Apply each partnership's schedule, batch after batch (see services.run_all)."""
    services.run_all(db.session(), now=utcnow())


# Nightly, when the fewest people use the platform: batches commit one by one, but a large
# first run still writes for a while. A run after a complete one finds nothing.
@queue.periodic_task(
    crontab(hour=str(NIGHTLY_HOUR), minute=str(NIGHTLY_MINUTE)), name="retention_nightly"
)
def retention_nightly() -> None:
    apply_retention_schedules.call_local()
