"""What the context part of risks plugs into the app: its audit sentences, the question on
the review agenda, and "Needs me" for partners whose confirmation is awaited."""

from __future__ import annotations

from datetime import datetime

from flask import Flask
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from hsbp.monitoring import agenda
from hsbp.notifications import Item, add_provider, path_for
from hsbp.risks import context_agenda
from hsbp.risks.context_models import ContextAssessment, ContextResponse, ContextStatus
from hsbp.security import Role

CONFIRMATION = "context_confirmation"


def confirmations_waiting(
    session: Session, *, user, memberships, locale: str, now: datetime
) -> list[Item]:
    """Proposed context versions the partner `user` represents has not answered yet. One
    statement for all partnerships."""
    today = now.date()
    partners = {
        m.partner_id: m
        for m in memberships
        if m.role == Role.REPRESENTATIVE
        and m.partner is not None
        and (m.partner.left_on is None or m.partner.left_on > today)
    }
    if not partners:
        return []
    # Partner ids are unique across partnerships, so one IN over them is each version's own.
    answered = exists().where(
        ContextResponse.assessment_id == ContextAssessment.id,
        ContextResponse.partnership_id == ContextAssessment.partnership_id,
        ContextResponse.partner_id.in_(partners),
    )
    rows = session.execute(
        select(ContextAssessment.id, ContextAssessment.partnership_id, ContextAssessment.number)
        .where(
            ContextAssessment.partnership_id.in_({m.partnership_id for m in partners.values()}),
            ContextAssessment.status == ContextStatus.PROPOSED,
            ~answered,
        )
        .order_by(ContextAssessment.id)
    ).all()
    by_partnership = {m.partnership_id: m for m in partners.values()}
    return [
        Item(
            kind=CONFIRMATION,
            key=f"{CONFIRMATION}:{row.id}",
            partnership_id=row.partnership_id,
            text=_(
                "Version %(number)d of the context assessment awaits the answer of "
                "%(partner)s: confirm it or comment.",
                number=row.number,
                partner=by_partnership[row.partnership_id].partner.name,
            ),
            url=path_for("risks.context", partnership_id=row.partnership_id),
        )
        for row in rows
    ]


def init_app(app: Flask) -> None:
    """Register this part's audit sentences, and its providers with the review agenda and
    hsbp.notifications."""
    import hsbp.risks.context_activity  # noqa: F401  (registers on import)

    agenda.add_provider(app, context_agenda.AGENDA)
    add_provider(
        app,
        CONFIRMATION,
        label=_l("Context assessments to confirm"),
        provider=confirmations_waiting,
        roles=[Role.REPRESENTATIVE],
    )
