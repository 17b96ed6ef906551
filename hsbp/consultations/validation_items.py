"""What an outcome's validation asks of people, for "Needs me" and the notifications: the
representatives of partners that have not answered an outcome still with the partners."""

from __future__ import annotations

from datetime import datetime

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from hsbp.consultations.models import Consultation
from hsbp.consultations.validation_models import OutcomeAnswer, OutcomeValidation
from hsbp.i18n import translated
from hsbp.notifications import Item
from hsbp.security import Role

KIND = "outcome_validation"


def validation_path(partnership_id: int, consultation_id: int) -> str:
    """The validation page's address, built without a request (digests are written by tasks);
    a test checks it against the route."""
    return f"/p/{partnership_id}/consultations/{consultation_id}/validation"


def unanswered(session: Session, *, user, memberships, locale: str, now: datetime) -> list[Item]:
    """One item per outcome under validation (before its deadline, not yet validated) that the
    partner `user` represents has not answered; two queries whatever the number of
    partnerships."""
    partners = {
        m.partnership_id: m
        for m in memberships
        if m.role == Role.REPRESENTATIVE and m.partner is not None and m.partner.is_current
    }
    if not partners:
        return []
    rounds = session.execute(
        select(
            OutcomeValidation.id,
            OutcomeValidation.partnership_id,
            OutcomeValidation.consultation_id,
            OutcomeValidation.deadline,
            Consultation.title,
        )
        .join(Consultation, Consultation.id == OutcomeValidation.consultation_id)
        .where(
            OutcomeValidation.partnership_id.in_(list(partners)),
            Consultation.partnership_id == OutcomeValidation.partnership_id,
            OutcomeValidation.validated_at.is_(None),
            OutcomeValidation.superseded_at.is_(None),
            OutcomeValidation.proceeded_at.is_(None),
            OutcomeValidation.deadline > now,
        )
        .order_by(OutcomeValidation.deadline, OutcomeValidation.id)
    ).all()
    if not rounds:
        return []
    answered = set(
        session.execute(
            select(OutcomeAnswer.validation_id, OutcomeAnswer.partner_id).where(
                OutcomeAnswer.validation_id.in_([row.id for row in rounds]),
                OutcomeAnswer.partner_id.in_([m.partner_id for m in partners.values()]),
            )
        ).all()
    )
    items = []
    with force_locale(locale):
        for row in rounds:
            membership = partners[row.partnership_id]
            if (row.id, membership.partner_id) in answered:
                continue
            title = translated(
                row.title, locale=locale, fallback=membership.partnership.default_locale
            )
            items.append(
                Item(
                    kind=KIND,
                    key=f"{KIND}:{row.id}",
                    partnership_id=row.partnership_id,
                    text=_(
                        "For %(partner)s: confirm or comment on the outcome of the consultation "
                        "“%(title)s”.",
                        title=title,
                        partner=membership.partner.name,
                    ),
                    url=validation_path(row.partnership_id, row.consultation_id),
                    due=row.deadline,
                )
            )
    return items
