"""Possible duplicates held for a facilitator: the list, and the decision on each.

Someone other than a facilitator who enters a participant that looks like one already mapped
is told only that a facilitator will check; what they typed waits here, encrypted. The
facilitator compares it with the candidate and maps it after all, or drops it as the same
person, which deletes what was typed.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from hsbp import audit
from hsbp.auth.models import User
from hsbp.db import utcnow
from hsbp.errors import ServiceError
from hsbp.mapping.fields import load_typed
from hsbp.mapping.models import DuplicateReview, Participant
from hsbp.mapping.services import (
    PossibleDuplicate,
    create_participant,
    sees_contacts,
    update_participant,
)
from hsbp.partnerships.models import Membership, Partnership

MAPPED, SAME = "mapped", "same"


@dataclass(frozen=True)
class OpenReview:
    review: DuplicateReview
    typed: dict  # what the proposer typed


def _open(partnership_id: int):
    return (DuplicateReview.partnership_id == partnership_id, DuplicateReview.outcome == "")


def open_reviews(session: Session, *, partnership_id: int) -> list[OpenReview]:
    """The reviews waiting for a decision, oldest first, with what was typed, the candidate,
    the proposer and their partner: two statements whatever their number."""
    reviews = session.scalars(
        select(DuplicateReview)
        .where(*_open(partnership_id))
        .options(
            joinedload(DuplicateReview.candidate).selectinload(Participant.tags),
            joinedload(DuplicateReview.participant),
            joinedload(DuplicateReview.proposed_by),
            joinedload(DuplicateReview.proposed_by_partner),
        )
        .order_by(DuplicateReview.created_at, DuplicateReview.id)
    ).unique()
    return [OpenReview(review, load_typed(review.fields)) for review in reviews]


def count_open(session: Session, *, partnership_id: int, proposed_by: User | None = None) -> int:
    """How many reviews wait for a decision (those `proposed_by` entered, if given)."""
    query = select(func.count()).select_from(DuplicateReview).where(*_open(partnership_id))
    if proposed_by is not None:
        query = query.where(DuplicateReview.proposed_by_id == proposed_by.id)
    return session.scalar(query) or 0


def get_open_review(
    session: Session, *, partnership_id: int, review_id: int
) -> DuplicateReview | None:
    return session.scalar(
        select(DuplicateReview).where(DuplicateReview.id == review_id, *_open(partnership_id))
    )


def _refuse_unless_facilitator(membership: Membership) -> None:
    if not sees_contacts(membership):
        raise ServiceError(_l("Only facilitators decide on possible duplicates."))


def map_anyway(
    session: Session,
    *,
    actor: User,
    membership: Membership,
    partnership: Partnership,
    review: DuplicateReview,
) -> Participant | PossibleDuplicate:
    """Map what was typed after all, as a participant proposed by the proposer's partner (or,
    for an edit, apply it to the participant it was for), through the usual checks, the
    candidate excepted. A PossibleDuplicate when it also looks like another participant:
    then nothing changes and the review stays open.

    Side effects: the participant created or changed, with its audit entries; the review
    closed, what was typed deleted from it, and an audit entry of the decision.
    """
    _refuse_unless_facilitator(membership)
    typed = load_typed(review.fields)
    typed["proposed_by_partner_id"] = review.proposed_by_partner_id
    if review.source == "edit":
        participant = review.participant
        if participant is None:
            raise ServiceError(_l("The participant this change was for is no longer mapped."))
        result = update_participant(
            session,
            actor=actor,
            partnership=partnership,
            participant=participant,
            fields=typed,
            keep=typed.get("keep") or (),
            distinct_from=review.candidate_id,
        )
        result = result or participant
    else:
        result = create_participant(
            session,
            actor=actor,
            partnership=partnership,
            fields=typed,
            distinct_from=review.candidate_id,
        )
    if isinstance(result, Participant):
        _close(session, actor=actor, review=review, outcome=MAPPED, participant=result)
    return result


def drop_as_same(
    session: Session, *, actor: User, membership: Membership, review: DuplicateReview
) -> None:
    """The candidate is the same person: drop what was typed, keep only the decision.

    Side effects: the review closed and emptied, an audit entry of the decision.
    """
    _refuse_unless_facilitator(membership)
    _close(session, actor=actor, review=review, outcome=SAME, participant=None)


def _close(
    session: Session,
    *,
    actor: User,
    review: DuplicateReview,
    outcome: str,
    participant: Participant | None,
) -> None:
    review.outcome = outcome
    review.resolved_by_id = actor.id
    review.resolved_at = utcnow()
    review.fields = "{}"  # what was typed is in the participant now, or not wanted at all
    if participant is not None:
        review.participant_id = participant.id
    details = {"review_id": review.id, "candidate_id": review.candidate_id, "outcome": outcome}
    if participant is not None:
        details["participant_id"] = participant.id
    audit.record(
        session,
        actor_id=actor.id,
        action="participant.duplicate_resolve",
        obj=review,
        partnership_id=review.partnership_id,
        details=details,
    )
