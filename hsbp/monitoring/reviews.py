"""Participatory reviews: scheduling one, recording who came, the minutes and the decisions,
and the partnership's decision log.

A review is held the first time anything of the meeting is recorded (attendance, minutes or
a decision): its agenda is then frozen, so the record keeps what the partners looked at.
A decision is put to the partners' vote under the charter's decision rule of its day
(review_votes, review_outcome); its follow-up actions and charter amendment are checked when
it is put, wait in its proposal, and are created only when the partners adopt it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from hsbp import audit
from hsbp.actions.models import Action
from hsbp.auth.models import User
from hsbp.db import utcnow
from hsbp.errors import ServiceError
from hsbp.monitoring import review_adoption
from hsbp.monitoring import review_outcome as outcome
from hsbp.monitoring.agenda import generate_agenda
from hsbp.monitoring.review_models import (
    Decision,
    DecisionAction,
    DecisionState,
    Review,
    ReviewAttendance,
    ReviewStatus,
)
from hsbp.partnerships.models import Membership, Partner, Partnership
from hsbp.principles.models import CharterVersion
from hsbp.security import Role

audit.ACTION_LABELS.update(
    {
        "review.schedule": _l("Review scheduled"),
        "review.attendance": _l("Review attendance recorded"),
        "review.minutes": _l("Review minutes recorded"),
        "review.decision": _l("Review decision put to the partners' vote"),
    }
)
TITLE_MAX, PLACE_MAX, TEXT_MAX, MINUTES_MAX = 200, 200, 5000, 50000
# A review recorded after the fact may be years old; one planned decades ahead is a typo.
SCHEDULE_SPAN = timedelta(days=366 * 10)


@dataclass
class DecisionEntry:
    decision: Decision
    review: Review
    actions: list[Action]
    charter_draft_number: int | None


# Reading ---------------------------------------------------------------------------------


def list_reviews(session: Session, *, partnership_id: int) -> list[Review]:
    """The partnership's reviews, latest date first: one query."""
    return list(
        session.scalars(
            select(Review)
            .where(Review.partnership_id == partnership_id)
            .order_by(Review.scheduled_at.desc(), Review.id.desc())
        )
    )


def get_review(session: Session, *, partnership_id: int, review_id: int) -> Review | None:
    return session.scalar(
        select(Review).where(Review.id == review_id, Review.partnership_id == partnership_id)
    )


def get_decision(session: Session, *, partnership_id: int, decision_id: int) -> Decision | None:
    return session.scalar(
        select(Decision).where(
            Decision.id == decision_id, Decision.partnership_id == partnership_id
        )
    )


def attendance_of(session: Session, *, review: Review) -> dict[int, ReviewAttendance]:
    """{partner id: attendance} of the review: one query."""
    rows = session.scalars(
        select(ReviewAttendance).where(
            ReviewAttendance.partnership_id == review.partnership_id,
            ReviewAttendance.review_id == review.id,
        )
    )
    return {row.partner_id: row for row in rows}


def current_rule(session: Session, *, partnership_id: int) -> dict:
    """The decision rule a decision put now would follow (review_outcome.rule_in_force)."""
    return outcome.rule_in_force(session, partnership_id=partnership_id)


def decision_log(
    session: Session, *, partnership_id: int, review_id: int | None = None
) -> list[DecisionEntry]:
    """The partnership's decisions (of one review, if given), newest first, each with its
    review, follow-up actions (lead partner loaded) and amendment draft's number: two
    queries whatever the number of decisions."""
    scope = [Decision.partnership_id == partnership_id]
    if review_id is not None:
        scope.append(Decision.review_id == review_id)
    rows = session.execute(
        select(Decision, Review, CharterVersion.number)
        .join(Review, Review.id == Decision.review_id)
        .outerjoin(CharterVersion, CharterVersion.id == Decision.charter_version_id)
        .where(*scope)
        .order_by(Decision.decided_at.desc(), Decision.id.desc())
    ).all()
    if not rows:
        return []
    actions: dict[int, list[Action]] = {}
    linked = session.execute(
        select(DecisionAction.decision_id, Action)
        .join(Action, Action.id == DecisionAction.action_id)
        .join(Decision, Decision.id == DecisionAction.decision_id)
        .where(DecisionAction.partnership_id == partnership_id, *scope)
        .options(joinedload(Action.lead_partner))
        .order_by(Action.id)
    )
    for decision_id, action in linked:
        actions.setdefault(decision_id, []).append(action)
    return [
        DecisionEntry(decision, review, actions.get(decision.id, []), number)
        for decision, review, number in rows
    ]


# Changing --------------------------------------------------------------------------------


def schedule_review(
    session: Session, *, actor: User, partnership: Partnership, fields: dict, now=None
) -> Review:
    """A new review. fields: title {locale: text} (the partnership's default language
    required), scheduled_at (an aware datetime, past or future: a review may be recorded
    after the fact), place. Side effects: the review, an audit entry."""
    now = now or utcnow()
    locales = partnership.locales or [partnership.default_locale]
    title = {
        code: text.strip()[:TITLE_MAX]
        for code, text in (fields.get("title") or {}).items()
        if code in locales and (text or "").strip()
    }
    if not title.get(partnership.default_locale):
        raise ServiceError(
            _l("Give the review a title."), field=f"title_{partnership.default_locale}"
        )
    scheduled_at = fields.get("scheduled_at")
    if not isinstance(scheduled_at, datetime) or scheduled_at.tzinfo is None:
        raise ServiceError(_l("Give the date of the review."), field="scheduled_on")
    if abs(scheduled_at - now) > SCHEDULE_SPAN:
        raise ServiceError(_l("Choose a date within ten years of today."), field="scheduled_on")
    review = Review(
        partnership_id=partnership.id,
        title=title,
        scheduled_at=scheduled_at,
        place=(fields.get("place") or "").strip()[:PLACE_MAX],
        status=ReviewStatus.SCHEDULED,
        agenda=[],
        created_by_id=actor.id,
    )
    session.add(review)
    session.flush()
    _audit(session, actor, "review.schedule", review, review_id=review.id)
    return review


def record_attendance(
    session: Session, *, actor: User, review: Review, attendance: dict, now=None
) -> None:
    """Who came: attendance {partner id: {"present": bool, "names": str}} for partners of
    the review's partnership. Holds the review if it was not yet. Side effects: attendance
    rows (created or changed), the held review, an audit entry."""
    partners = set(
        session.scalars(select(Partner.id).where(Partner.partnership_id == review.partnership_id))
    )
    wanted = {_int(k): v for k, v in attendance.items()}
    if not set(wanted) <= partners:
        raise ServiceError(_l("Choose partners of this partnership."))
    existing = attendance_of(session, review=review)
    for partner_id, row in sorted(wanted.items()):
        found = existing.get(partner_id)
        if found is None:
            found = ReviewAttendance(
                partnership_id=review.partnership_id, review_id=review.id, partner_id=partner_id
            )
            session.add(found)
        found.present = bool(row.get("present"))
        found.names = (row.get("names") or "").strip()[:TEXT_MAX]
    _hold(session, review, now or utcnow())
    session.flush()
    present = sorted(p for p, row in wanted.items() if row.get("present"))
    _audit(session, actor, "review.attendance", review, present=present)


def update_minutes(
    session: Session, *, actor: User, review: Review, minutes: str, now=None
) -> None:
    """Replace the minutes; holds the review if it was not yet. Finished minutes (out for
    sign-off, or final) are refused: the partners sign off what they read. Side effects:
    the review, an audit entry."""
    if review.minutes_finished_at is not None:
        raise ServiceError(
            _l("The minutes are finished and out for sign-off: they can no longer be changed."),
            field="minutes",
        )
    text = (minutes or "").strip()
    if len(text) > MINUTES_MAX:
        raise ServiceError(
            _l("The minutes are too long: at most %(count)d characters.", count=MINUTES_MAX),
            field="minutes",
        )
    review.minutes = text
    _hold(session, review, now or utcnow())
    session.flush()
    _audit(session, actor, "review.minutes", review, length=len(text))


def record_decision(
    session: Session, *, actor: User, review: Review, fields: dict, now=None
) -> Decision:
    """Put a decision of the review to the partners' vote. fields: text (required),
    decided_by (a note: how it came up), actions [{title, lead_partner_id, due_on}] (blank
    rows skipped) and amend_charter (start the charter amendment draft, or link the one
    already open): both wait in the proposal and are created only if it is adopted
    (review_outcome). The rule is the charter in force's (consensus with none): the
    facilitator does not choose it. Only facilitators put decisions.

    Side effects: the decision (voting), the held review, an audit entry. Nothing at all
    when any of it is refused."""
    now = now or utcnow()
    partnership = session.get(Partnership, review.partnership_id)
    membership = session.scalar(
        select(Membership).where(
            Membership.partnership_id == partnership.id, Membership.user_id == actor.id
        )
    )
    if membership is None or Role(membership.role) != Role.FACILITATOR:
        raise ServiceError(_l("Only facilitators record the decisions of a review."))
    text = (fields.get("text") or "").strip()
    if not text:
        raise ServiceError(_l("Write what was decided."), field="text")
    if len(text) > TEXT_MAX:
        raise ServiceError(
            _l("Write the decision in at most %(count)d characters.", count=TEXT_MAX),
            field="text",
        )
    rule = outcome.rule_in_force(session, partnership_id=partnership.id)
    follow_ups = review_adoption.check_follow_ups(session, partnership, fields.get("actions") or [])

    _hold(session, review, now)
    decision = Decision(
        partnership_id=partnership.id,
        review_id=review.id,
        text=text,
        decided_by=(fields.get("decided_by") or "").strip()[:TEXT_MAX],
        state=DecisionState.VOTING,
        partner_ids=[],
        rule=rule["rule"],
        majority_percent=rule["majority_percent"],
        quorum_percent=rule["quorum_percent"],
        proposal={"actions": follow_ups, "amend_charter": bool(fields.get("amend_charter"))},
        # Voted after the meeting, a decision still dates from the meeting.
        decided_at=min(review.scheduled_at, now),
        recorded_by_id=actor.id,
    )
    session.add(decision)
    session.flush()
    _audit(session, actor, "review.decision", decision, review_id=review.id, rule=rule["rule"])
    return decision


# Helpers ---------------------------------------------------------------------------------


def _hold(session: Session, review: Review, now: datetime) -> None:
    """Mark the review held and freeze its agenda as the data stands now (once)."""
    if review.status == ReviewStatus.HELD:
        return
    partnership = session.get(Partnership, review.partnership_id)
    items = generate_agenda(session, partnership=partnership, now=now)
    review.agenda = [item.to_json() for item in items]
    review.status = ReviewStatus.HELD
    review.held_at = now


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _audit(session: Session, actor: User, action: str, obj, **details) -> None:
    audit.record(
        session,
        actor_id=actor.id,
        action=action,
        obj=obj,
        partnership_id=obj.partnership_id,
        details=details,
    )
