"""Helpers of the tests that need an outcome the partners validated (issue 16, item 3)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from hsbp.consultations import services, validation
from hsbp.consultations.models import Status
from hsbp.db import utcnow
from hsbp.partnerships.models import Membership


def membership_of(session, partnership, user) -> Membership:
    return session.scalar(
        select(Membership).where(
            Membership.partnership_id == partnership.id, Membership.user_id == user.id
        )
    )


def validate_outcome(session, *, partnership, consultation, facilitator, representatives):
    """Close `consultation` if need be, send its outcome to the partners for a week, and have
    each of `representatives` confirm it. Returns the round."""
    if consultation.status != Status.CLOSED:
        services.close_consultation(session, actor=facilitator, consultation=consultation)
    sent = validation.send(
        session,
        actor=facilitator,
        partnership=partnership,
        consultation=consultation,
        deadline=utcnow() + timedelta(days=7),
    )
    for user in representatives:
        validation.answer(
            session,
            actor=user,
            membership=membership_of(session, partnership, user),
            consultation=consultation,
            stance="confirm",
        )
    return sent
