"""Partners vote on a review's decisions, and sign off its minutes.

Each current partner present at the review has one vote per decision (for, against,
abstain), cast by its representative on the web during or after the meeting. A second vote
replaces the first while the decision is open: partners change their minds as the discussion
goes; once the count is met or can no longer be met the decision is settled and closed
(review_outcome), so no later vote flips it. The facilitator may record a partner's vote
(its people voted by show of hands in the room): it counts once the partner's representative
confirms it, because a vote counted at once and disputed later could already have adopted the
decision and created its actions. A partner with no representative account has no one to
confirm, so its recorded vote counts at once. The facilitator never overwrites a vote the
representative cast.

Finished minutes are signed off (confirmed, or commented) by the representatives of the
partners present, within the review's `signoff_days`; a sign-off may be changed until then,
and after it the minutes are final with the sign-offs as they stand.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from hsbp import audit
from hsbp.auth.models import User
from hsbp.db import LARGEST_ID, utcnow
from hsbp.errors import ServiceError
from hsbp.monitoring import review_outcome as outcome
from hsbp.monitoring.review_models import Decision, DecisionState, Review, ReviewStatus
from hsbp.monitoring.review_vote_models import Choice, DecisionVote, MinutesSignoff, Stance
from hsbp.partnerships.models import Membership, Partner
from hsbp.security import Role

audit.ACTION_LABELS.update(
    {
        "review.vote": _l("Vote on a review decision given"),
        "review.vote_recorded": _l("Vote on a review decision recorded by the facilitator"),
        "review.vote_confirmed": _l("Recorded vote on a review decision confirmed"),
        "review.voting_closed": _l("Voting on a review decision closed"),
        "review.minutes_finished": _l("Review minutes sent for sign-off"),
        "review.minutes_signoff": _l("A partner answered on the minutes of a review"),
    }
)
SIGNOFF_DAYS_MAX = 60
COMMENT_MAX = 2000


# Votes -----------------------------------------------------------------------------------


def cast_vote(
    session: Session, *, actor: User, membership: Membership, decision: Decision, choice, now=None
) -> outcome.DecisionTally:
    """The representative's vote for their own partner; replaces the partner's earlier vote
    (a recorded one waiting for confirmation too). Side effects: the vote, an audit entry,
    and the decision settled if its count is now met or out of reach (see review_outcome)."""
    now = now or utcnow()
    if Role(membership.role) != Role.REPRESENTATIVE or membership.partner_id is None:
        raise ServiceError(_l("Only a partner's representative votes on a decision."))
    review = _open(session, decision)
    partner = _voter(session, review, membership.partner_id, own=True)
    choice = _choice(choice)
    vote = _vote_of(session, decision, partner.id)
    vote.choice = choice
    vote.cast_by_id = actor.id
    vote.recorded_by_facilitator = False
    vote.confirmed_at = vote.cast_at = now
    session.flush()
    _audit(session, actor, "review.vote", decision, partner_id=partner.id, choice=vote.choice)
    return outcome.settle(session, actor=actor, decision=decision, review=review, now=now)


def record_vote(
    session: Session,
    *,
    actor: User,
    membership: Membership,
    decision: Decision,
    partner_id,
    choice,
    now=None,
) -> outcome.DecisionTally:
    """The facilitator records how a partner present voted. It waits for the confirmation of
    the partner's representative, or counts at once if the partner has none. Side effects:
    the vote, an audit entry, perhaps the decision settled."""
    now = now or utcnow()
    if Role(membership.role) != Role.FACILITATOR:
        raise ServiceError(_l("Only facilitators record a partner's vote."))
    review = _open(session, decision)
    partner = _voter(session, review, _int(partner_id), own=False)
    choice = _choice(choice)
    vote = _vote_of(session, decision, partner.id)
    if vote.id is not None and not vote.recorded_by_facilitator:
        raise ServiceError(
            _l("%(partner)s's representative has voted: that vote stands.", partner=partner.name),
            field="partner_id",
        )
    vote.choice = choice
    vote.cast_by_id = actor.id
    vote.recorded_by_facilitator = True
    vote.cast_at = now
    vote.confirmed_at = None if _has_representative(session, partner) else now
    session.flush()
    _audit(
        session,
        actor,
        "review.vote_recorded",
        decision,
        partner_id=partner.id,
        choice=vote.choice,
        counts=vote.confirmed_at is not None,
    )
    return outcome.settle(session, actor=actor, decision=decision, review=review, now=now)


def confirm_vote(
    session: Session, *, actor: User, membership: Membership, decision: Decision, now=None
) -> outcome.DecisionTally:
    """The representative confirms the vote the facilitator recorded for their partner.
    Side effects: the vote counts, an audit entry, perhaps the decision settled."""
    now = now or utcnow()
    if Role(membership.role) != Role.REPRESENTATIVE or membership.partner_id is None:
        raise ServiceError(_l("Only a partner's representative votes on a decision."))
    review = _open(session, decision)
    partner = _voter(session, review, membership.partner_id, own=True)
    vote = session.scalar(
        select(DecisionVote).where(
            DecisionVote.partnership_id == decision.partnership_id,
            DecisionVote.decision_id == decision.id,
            DecisionVote.partner_id == partner.id,
        )
    )
    if vote is None or vote.confirmed_at is not None:
        raise ServiceError(_l("No recorded vote of your organisation waits for confirmation."))
    vote.confirmed_at = now
    session.flush()
    _audit(session, actor, "review.vote_confirmed", decision, partner_id=partner.id)
    return outcome.settle(session, actor=actor, decision=decision, review=review, now=now)


def close_voting(
    session: Session, *, actor: User, membership: Membership, decision: Decision, now=None
) -> outcome.DecisionTally:
    """The facilitator ends the vote: adopted if the count is met now, not adopted
    otherwise (votes still waiting for confirmation do not count). Side effects: the
    decision settled (and what adoption creates), audit entries."""
    now = now or utcnow()
    if Role(membership.role) != Role.FACILITATOR:
        raise ServiceError(_l("Only facilitators close the vote on a decision."))
    review = _open(session, decision)
    _audit(session, actor, "review.voting_closed", decision)
    return outcome.settle(
        session, actor=actor, decision=decision, review=review, now=now, final=True
    )


def _open(session: Session, decision: Decision) -> Review:
    if decision.state != DecisionState.VOTING:
        raise ServiceError(_l("Voting on this decision is closed."))
    return session.get(Review, decision.review_id)


def _voter(session: Session, review: Review, partner_id: int | None, *, own: bool) -> Partner:
    """The partner, if it may vote at `review`: of the partnership, current, present."""
    partner = session.scalar(
        select(Partner).where(
            Partner.id == partner_id, Partner.partnership_id == review.partnership_id
        )
    )
    if partner is None:
        raise ServiceError(_l("Choose a partner of this partnership."), field="partner_id")
    if not partner.is_current:
        message = (
            _l("Your organisation has left the partnership: it no longer votes.")
            if own
            else _l(
                "%(partner)s has left the partnership: it no longer votes.", partner=partner.name
            )
        )
        raise ServiceError(message, field="partner_id")
    if partner.id not in outcome.voters(session, review=review):
        message = (
            _l("Your organisation was not present at this review: only partners present vote.")
            if own
            else _l(
                "%(partner)s was not present at this review: only partners present vote.",
                partner=partner.name,
            )
        )
        raise ServiceError(message, field="partner_id")
    return partner


def _vote_of(session: Session, decision: Decision, partner_id: int) -> DecisionVote:
    vote = session.scalar(
        select(DecisionVote).where(
            DecisionVote.partnership_id == decision.partnership_id,
            DecisionVote.decision_id == decision.id,
            DecisionVote.partner_id == partner_id,
        )
    )
    if vote is None:
        vote = DecisionVote(
            partnership_id=decision.partnership_id, decision_id=decision.id, partner_id=partner_id
        )
        session.add(vote)
    return vote


def _has_representative(session: Session, partner: Partner) -> bool:
    return (
        session.scalar(
            select(Membership.id)
            .where(
                Membership.partnership_id == partner.partnership_id,
                Membership.partner_id == partner.id,
                Membership.role == Role.REPRESENTATIVE,
            )
            .limit(1)
        )
        is not None
    )


def _choice(value) -> str:
    if value not in set(Choice):
        raise ServiceError(_l("Choose for, against or abstain."), field="choice")
    return str(value)


def _int(value) -> int | None:
    """`value` as an id or a count, None if it is none (or too large for the database)."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 <= number <= LARGEST_ID else None


# Minutes ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Signoffs:
    """The sign-off of a review's minutes as it stands."""

    present: list[int]  # ids of the partners asked (current, present)
    given: dict[int, MinutesSignoff]  # {partner id: sign-off}, of those asked
    final: bool

    @property
    def confirmed(self) -> int:
        return sum(1 for s in self.given.values() if s.stance == Stance.CONFIRM)

    @property
    def commented(self) -> int:
        return sum(1 for s in self.given.values() if s.stance == Stance.COMMENT)

    @property
    def silent(self) -> int:
        return len(self.present) - len(self.given)


def finish_minutes(
    session: Session,
    *,
    actor: User,
    membership: Membership,
    review: Review,
    days,
    now=None,
) -> None:
    """Lock the minutes of a held review and ask the partners present to sign them off
    within `days` (1 to 60). Side effects: the review, an audit entry."""
    now = now or utcnow()
    if Role(membership.role) != Role.FACILITATOR:
        raise ServiceError(_l("Only facilitators finish the minutes."))
    if review.minutes_finished_at is not None:
        raise ServiceError(_l("The minutes are already finished."))
    if review.status != ReviewStatus.HELD or not review.minutes:
        raise ServiceError(_l("Write the minutes of the review first."), field="minutes")
    if not outcome.voters(session, review=review):
        raise ServiceError(_l("Record who was present first: they sign off the minutes."))
    count = _int(days)
    if count is None or not 1 <= count <= SIGNOFF_DAYS_MAX:
        raise ServiceError(
            _l("Give between %(low)d and %(high)d days.", low=1, high=SIGNOFF_DAYS_MAX),
            field="days",
        )
    review.minutes_finished_at = now
    review.signoff_days = count
    review.signoff_due_at = now + timedelta(days=count)
    session.flush()
    _audit(session, actor, "review.minutes_finished", review, days=count)


def sign_off(
    session: Session,
    *,
    actor: User,
    membership: Membership,
    review: Review,
    stance,
    comment: str = "",
    now=None,
) -> MinutesSignoff:
    """The representative of a partner present confirms the minutes or comments on them,
    before the deadline; a second sign-off replaces the first. Side effects: the sign-off,
    an audit entry (which does not hold the comment: the page shows it)."""
    now = now or utcnow()
    if Role(membership.role) != Role.REPRESENTATIVE or membership.partner_id is None:
        raise ServiceError(_l("Only the representatives of partners present sign off minutes."))
    if review.minutes_finished_at is None:
        raise ServiceError(_l("These minutes are not out for sign-off."))
    if now >= review.signoff_due_at:
        raise ServiceError(_l("The time to sign off these minutes has ended: they are final."))
    partner = _voter(session, review, membership.partner_id, own=True)
    if stance not in set(Stance):
        raise ServiceError(_l("Choose to confirm or to comment."), field="stance")
    text = (comment or "").strip()
    if stance == Stance.COMMENT and not text:
        raise ServiceError(_l("Write your comment on the minutes."), field="comment")
    if len(text) > COMMENT_MAX:
        raise ServiceError(
            _l("Write at most %(count)d characters.", count=COMMENT_MAX), field="comment"
        )
    found = session.scalar(
        select(MinutesSignoff).where(
            MinutesSignoff.partnership_id == review.partnership_id,
            MinutesSignoff.review_id == review.id,
            MinutesSignoff.partner_id == partner.id,
        )
    )
    if found is None:
        found = MinutesSignoff(
            partnership_id=review.partnership_id, review_id=review.id, partner_id=partner.id
        )
        session.add(found)
    found.stance = str(stance)
    found.comment = text if stance == Stance.COMMENT else ""
    found.signed_by_id = actor.id
    found.signed_at = now
    session.flush()
    _audit(session, actor, "review.minutes_signoff", review, partner_id=partner.id, stance=stance)
    return found


def signoffs_of(session: Session, *, review: Review, now=None) -> Signoffs | None:
    """The sign-off of the review's minutes, or None before they are finished: two
    queries."""
    if review.minutes_finished_at is None:
        return None
    now = now or utcnow()
    present = outcome.voters(session, review=review)
    rows = session.scalars(
        select(MinutesSignoff).where(
            MinutesSignoff.partnership_id == review.partnership_id,
            MinutesSignoff.review_id == review.id,
        )
    )
    given = {s.partner_id: s for s in rows if s.partner_id in set(present)}
    return Signoffs(present, given, final=now >= review.signoff_due_at)


def _audit(session: Session, actor: User, action: str, obj, **details) -> None:
    audit.record(
        session,
        actor_id=actor.id,
        action=action,
        obj=obj,
        partnership_id=obj.partnership_id,
        details=details,
    )
