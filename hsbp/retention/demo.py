"""The demo's retention schedule: Caguán keeps SMS bodies longer than the default, as its
community asked at the charter's review, and the schedule has been applied once."""

from __future__ import annotations

from sqlalchemy.orm import Session

from hsbp.auth.models import User
from hsbp.partnerships.models import Partnership
from hsbp.retention import services


def seed(session: Session, *, partnership: Partnership, facilitator: User) -> None:
    """Side effects: the partnership's schedule (an audited change of one period) and one
    run of it, flushed with the rest of the seed rather than committed batch by batch."""
    values = dict(services.DEFAULTS, sms_body_days=120)
    services.save_schedule(session, actor=facilitator, partnership=partnership, values=values)
    services.run_partnership(session, partnership_id=partnership.id, commit=session.flush)
