"""The demo's decisions by the rule: the September review's decisions voted by the partners
present (their representatives on the web, the others recorded by the facilitator, counted at
once since they have no account to confirm with) and adopted under the charter's two-thirds
majority; its minutes finished and signed off, the deadline past, so they are final.

Run after the monitoring demo (hsbp.monitoring.demo), which puts the decisions to the vote.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from hsbp.auth.models import User
from hsbp.monitoring import review_outcome, review_votes
from hsbp.monitoring.review_models import Decision, DecisionState, Review, ReviewStatus
from hsbp.partnerships.models import Membership, Partner, Partnership
from hsbp.security import Role

ABSTAINS = "Junta de Acción Comunal Vereda La Esperanza"
COMMENT = "Pedimos que el acta diga que la vía a Peñas Blancas sigue sin fecha de reparación."
COMMENTS = "Corporación Mujeres Tejiendo Paz"


def seed(session: Session, *, partnership: Partnership, facilitator: User) -> None:
    review = session.scalar(
        select(Review)
        .where(Review.partnership_id == partnership.id, Review.status == ReviewStatus.HELD)
        .order_by(Review.scheduled_at)
        .limit(1)
    )
    if review is None:
        return
    held_at = review.held_at or review.scheduled_at
    representatives = {
        m.partner_id: (m.user, m)
        for m in session.scalars(
            select(Membership).where(
                Membership.partnership_id == partnership.id,
                Membership.role == Role.REPRESENTATIVE,
            )
        )
    }
    chair = session.scalar(
        select(Membership).where(
            Membership.partnership_id == partnership.id, Membership.user_id == facilitator.id
        )
    )
    names = {
        p.id: p.name
        for p in session.scalars(select(Partner).where(Partner.partnership_id == partnership.id))
    }
    present = review_outcome.voters(session, review=review)
    decisions = session.scalars(
        select(Decision)
        .where(Decision.review_id == review.id, Decision.state == DecisionState.VOTING)
        .order_by(Decision.id)
    ).all()
    when = held_at + timedelta(hours=1)
    for decision in decisions:
        # The abstention first: the fifth vote for meets the majority and closes the vote.
        for partner_id in sorted(present, key=lambda p: names[p] != ABSTAINS):
            if decision.state != DecisionState.VOTING:
                break
            choice = "abstain" if names[partner_id] == ABSTAINS else "for"
            if partner_id in representatives:
                user, membership = representatives[partner_id]
                review_votes.cast_vote(
                    session,
                    actor=user,
                    membership=membership,
                    decision=decision,
                    choice=choice,
                    now=when,
                )
            else:
                review_votes.record_vote(
                    session,
                    actor=facilitator,
                    membership=chair,
                    decision=decision,
                    partner_id=partner_id,
                    choice=choice,
                    now=when,
                )
    review_votes.finish_minutes(
        session,
        actor=facilitator,
        membership=chair,
        review=review,
        days=7,
        now=held_at + timedelta(days=1),
    )
    for partner_id in present:
        if partner_id not in representatives:
            continue
        user, membership = representatives[partner_id]
        commenting = names[partner_id] == COMMENTS
        review_votes.sign_off(
            session,
            actor=user,
            membership=membership,
            review=review,
            stance="comment" if commenting else "confirm",
            comment=COMMENT if commenting else "",
            now=held_at + timedelta(days=3),
        )
    session.flush()
