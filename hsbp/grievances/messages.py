"""What the complainant is told by SMS, in their language (being written)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from hsbp.grievances.models import Grievance


def tell_stage(session: Session, grievance: Grievance) -> bool:
    """Tell the complainant the grievance's new stage; True when an SMS was queued."""
    return False
