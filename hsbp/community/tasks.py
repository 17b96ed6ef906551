"""The community voice's periodic work: closing votes and checks past their closing time, and
asking the contacts whose vote or check question waited behind another SMS conversation
that has ended since."""

from __future__ import annotations

from datetime import datetime

from huey import crontab
from sqlalchemy.orm import Session

from hsbp import db
from hsbp.community import talks
from hsbp.db import utcnow
from hsbp.extensions import app_task, queue


def sweep(session: Session, *, now: datetime) -> tuple[int, int]:
    """Close what is due (every registered kind), then start waiting talks of free contacts;
    (subjects closed, contacts asked)."""
    closed = sum(adapter.close_due(session, now=now) for adapter in talks.adapters().values())
    return closed, talks.start_freed(session)


@app_task()
def sweep_community_sms() -> None:
    sweep(db.session(), now=utcnow())


# Every ten minutes, as monitoring's: a vote closes at any time, and a contact freed from
# another conversation should not wait long for the next question.
@queue.periodic_task(crontab(minute="*/10"), name="community_sms_sweep")
def community_sms_sweep() -> None:
    sweep_community_sms.call_local()
