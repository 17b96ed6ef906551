"""Responsible disengagement: what leaving a business relationship would do, written down
before a partner may be marked disengaged from it.

Ending a relationship is a last resort, and can itself harm people (workers laid off, a
community losing a buyer, a supplier going under). So the partner first records who would be
harmed by leaving, how it will mitigate that, and what notice it gave (seed 001; UNGP 19).
The escalation ladder's last step (hsbp.risks.escalation) refuses without this record.

One assessment per connection: saving again amends it (the audit log keeps that it did).
"""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from hsbp import audit
from hsbp.errors import ServiceError
from hsbp.risks.models import DisengagementAssessment, RiskConnection

TEXT_MAX = 4000
REQUIRED = {
    "harmed_by_leaving": _l("Say who would be harmed if the relationship ended."),
    "mitigation": _l("Say how the harm of leaving will be mitigated."),
    "notice": _l("Say what notice was given, to whom."),
}


def assessment_of(session: Session, connection: RiskConnection) -> DisengagementAssessment | None:
    """The connection's assessment, if one was recorded."""
    return session.scalar(
        select(DisengagementAssessment)
        .where(
            DisengagementAssessment.partnership_id == connection.partnership_id,
            DisengagementAssessment.connection_id == connection.id,
        )
        .order_by(DisengagementAssessment.id.desc())
        .limit(1)
    )


def save_assessment(
    session: Session,
    *,
    connection: RiskConnection,
    harmed_by_leaving: str,
    mitigation: str,
    notice: str,
    notice_on: date | None,
    actor_id: int | None,
) -> DisengagementAssessment:
    """Record the connection's responsible-disengagement assessment, or amend the one there.
    All three texts are required; the notice date is optional. Raises ServiceError, writing
    nothing, for a blank or too long text.

    Side effects: the assessment added or updated and flushed; one audit entry.
    """
    texts = {
        "harmed_by_leaving": (harmed_by_leaving or "").strip(),
        "mitigation": (mitigation or "").strip(),
        "notice": (notice or "").strip(),
    }
    for name, text in texts.items():
        if not text:
            raise ServiceError(REQUIRED[name], field=name)
        if len(text) > TEXT_MAX:
            raise ServiceError(_l("Write at most %(max)d characters.", max=TEXT_MAX), field=name)
    found = assessment_of(session, connection)
    action = "risk_disengagement.amend" if found else "risk_disengagement.record"
    if found is None:
        found = DisengagementAssessment(
            partnership_id=connection.partnership_id,
            connection_id=connection.id,
            created_by_id=actor_id,
            **texts,
        )
        session.add(found)
    else:
        for name, text in texts.items():
            setattr(found, name, text)
    found.notice_on = notice_on
    session.flush()
    audit.record(
        session,
        actor_id=actor_id,
        action=action,
        obj=connection,
        partnership_id=connection.partnership_id,
        details={"risk_id": connection.risk_id, "assessment_id": found.id},
    )
    return found
