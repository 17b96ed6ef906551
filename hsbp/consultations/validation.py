"""Partners validate a consultation's outcome before it feeds the charter's goals.

Once a consultation is closed and its outcome written, a facilitator sends the outcome to the
partners with a deadline. Each current partner, through a representative, confirms it or asks
for changes (saying which); its answer may change until the deadline. The answers are counted
with the decision rule of the charter in force (consensus when none is in force), as the
charter counts endorsements: the outcome is validated the moment they meet it, and stays so.

Editing the outcome ends the round and starts a new one with a fresh deadline as long as the
first: the partners confirmed a text that is no longer the outcome, so their earlier answers
stay on record under the round they answered and no longer count.

Items become charter goals (`outcome.make_goal`) only from a validated outcome, or, once the
deadline has passed without validation, after a facilitator proceeds with a recorded reason.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from hsbp import audit
from hsbp.auth.models import User
from hsbp.consultations.models import Consultation, Status
from hsbp.consultations.validation_models import OutcomeAnswer, OutcomeStance, OutcomeValidation
from hsbp.consultations.validation_standing import (
    EXPIRED,
    MAX_DAYS,
    OPEN,
    VALIDATED,
    answers_of,
    count,
    current_round,
    deadline_time,
    rule_in_force,
    standing,
    state_of,
)
from hsbp.db import utcnow
from hsbp.errors import ServiceError
from hsbp.partnerships.models import Membership, Partnership
from hsbp.partnerships.services import list_partners
from hsbp.security import Role

TEXT_MAX = 2000

audit.ACTION_LABELS.update(
    {
        "consultation.outcome_sent": _l("Consultation outcome sent to the partners to validate"),
        "consultation.outcome_reopened": _l(
            "Consultation outcome edited: the partners validate it again"
        ),
        "consultation.outcome_confirm": _l("Consultation outcome confirmed by a partner"),
        "consultation.outcome_changes": _l("Changes to a consultation outcome asked by a partner"),
        "consultation.outcome_validated": _l("Consultation outcome validated by the partners"),
        "consultation.outcome_proceed": _l(
            "Consultation outcome used without the partners' validation"
        ),
    }
)


# Reading ---------------------------------------------------------------------------------------


def latest_validated(session: Session, *, partnership_id: int) -> Consultation | None:
    """The consultation whose outcome the partners validated last (an outcome edited since, or
    used past its deadline without validation, does not count)."""
    return session.scalar(
        select(Consultation)
        .join(OutcomeValidation, OutcomeValidation.consultation_id == Consultation.id)
        .where(
            Consultation.partnership_id == partnership_id,
            OutcomeValidation.partnership_id == partnership_id,
            OutcomeValidation.validated_at.is_not(None),
            OutcomeValidation.superseded_at.is_(None),
        )
        .order_by(OutcomeValidation.validated_at.desc(), OutcomeValidation.id.desc())
        .limit(1)
    )


# Changing ------------------------------------------------------------------------------------


def _snapshot(consultation: Consultation) -> dict:
    return {
        section: [{"key": item["key"], "text": item["text"]} for item in items or []]
        for section, items in (consultation.outcome or {}).items()
    }


def _has_items(consultation: Consultation) -> bool:
    return any(items for items in (consultation.outcome or {}).values())


def _record(session, actor, action, consultation, validation, **details) -> None:
    audit.record(
        session,
        actor_id=actor.id if actor else None,
        action=action,
        obj=consultation,
        partnership_id=consultation.partnership_id,
        details={"round": validation.round, **details},
    )


def _new_round(session, *, actor, consultation, deadline, now, number) -> OutcomeValidation:
    validation = OutcomeValidation(
        partnership_id=consultation.partnership_id,
        consultation_id=consultation.id,
        round=number,
        outcome=_snapshot(consultation),
        sent_by_id=actor.id,
        sent_at=now,
        deadline=deadline,
    )
    session.add(validation)
    session.flush()
    return validation


def send(
    session: Session,
    *,
    actor: User,
    partnership: Partnership,
    consultation: Consultation,
    deadline: datetime,
    now: datetime | None = None,
) -> OutcomeValidation:
    """Send the outcome to the partners to validate by `deadline`. A round whose deadline
    passed unvalidated may be sent again: the new round replaces it.

    Side effects: an outcome_validations row (the earlier round marked superseded); an audit
    entry. Raises ServiceError (field `deadline` for the date) when it cannot be sent.
    """
    now = now or utcnow()
    if consultation.status != Status.CLOSED:
        raise ServiceError(_l("Close the consultation before sending its outcome to the partners."))
    if not _has_items(consultation):
        raise ServiceError(_l("Record the outcome before sending it to the partners."))
    if not any(p.is_current for p in list_partners(session, partnership_id=partnership.id)):
        raise ServiceError(_l("Add the partners first: there is no one to validate the outcome."))
    previous = current_round(session, consultation=consultation)
    state = state_of(previous, now)
    if state == OPEN:
        raise ServiceError(_l("The partners are already validating this outcome."))
    if state == VALIDATED:
        raise ServiceError(_l("The partners have already validated this outcome."))
    if deadline <= now:
        raise ServiceError(_l("Choose a deadline after today."), field="deadline")
    if deadline > now + timedelta(days=MAX_DAYS + 1):
        raise ServiceError(
            _l("Choose a deadline within %(days)d days.", days=MAX_DAYS), field="deadline"
        )
    if previous is not None:
        previous.superseded_at = now
    number = previous.round + 1 if previous is not None else _last_round(session, consultation) + 1
    validation = _new_round(
        session, actor=actor, consultation=consultation, deadline=deadline, now=now, number=number
    )
    _record(
        session,
        actor,
        "consultation.outcome_sent",
        consultation,
        validation,
        deadline=deadline.isoformat(),
    )
    return validation


def _last_round(session: Session, consultation: Consultation) -> int:
    found = session.scalar(
        select(OutcomeValidation.round)
        .where(
            OutcomeValidation.partnership_id == consultation.partnership_id,
            OutcomeValidation.consultation_id == consultation.id,
        )
        .order_by(OutcomeValidation.round.desc())
        .limit(1)
    )
    return found or 0


def reopen(
    session: Session,
    *,
    actor: User,
    partnership: Partnership,
    consultation: Consultation,
    now: datetime | None = None,
) -> OutcomeValidation | None:
    """After an edit of a sent outcome: end its round and, while the outcome has items, send
    it again with a deadline as many days away as the first round had. Returns the new round.

    Side effects: the round marked superseded, a new outcome_validations row, an audit entry;
    nothing when the outcome was never sent.
    """
    now = now or utcnow()
    previous = current_round(session, consultation=consultation)
    if previous is None:
        return None
    previous.superseded_at = now
    answered = len(previous.answers)
    if not _has_items(consultation):
        _record(
            session,
            actor,
            "consultation.outcome_reopened",
            consultation,
            previous,
            set_aside=answered,
            next_round=None,
        )
        return None
    # As many whole days as the first round, counted from the end of today.
    days = max(1, round((previous.deadline - previous.sent_at) / timedelta(days=1)))
    today = now.astimezone(partnership.zone).date()
    deadline = deadline_time(today + timedelta(days=days), partnership)
    validation = _new_round(
        session,
        actor=actor,
        consultation=consultation,
        deadline=deadline,
        now=now,
        number=previous.round + 1,
    )
    _record(
        session,
        actor,
        "consultation.outcome_reopened",
        consultation,
        validation,
        set_aside=answered,
        deadline=deadline.isoformat(),
    )
    return validation


def answer(
    session: Session,
    *,
    actor: User,
    membership: Membership | None,
    consultation: Consultation,
    stance: str,
    comment: str = "",
    now: datetime | None = None,
) -> OutcomeAnswer:
    """Record or change the answer of `actor`'s partner (by `membership`) to the outcome under
    validation. The outcome is validated as soon as the answers meet the decision rule.

    Side effects: an outcome_answers row (changed in place when the partner had answered),
    an audit entry; on validation, the round's validated_at and a second audit entry.
    """
    now = now or utcnow()
    if (
        membership is None
        or membership.partnership_id != consultation.partnership_id
        or membership.role != Role.REPRESENTATIVE
        or membership.partner is None
    ):
        raise ServiceError(_l("Only a partner representative can answer for their partner."))
    partner = membership.partner
    if not partner.is_current:
        raise ServiceError(_l("%(partner)s has left the partnership.", partner=partner.name))
    validation = current_round(session, consultation=consultation)
    if validation is None:
        raise ServiceError(_l("This outcome is not waiting for the partners' answers."))
    # Lock the round: two last answers at once must not both miss the validation.
    session.refresh(validation, with_for_update=True)
    if now >= validation.deadline:
        raise ServiceError(_l("The deadline to answer has passed."))
    if stance not in set(OutcomeStance):
        raise ServiceError(_l("Choose to confirm or to ask for changes."), field="stance")
    comment = (comment or "").strip()
    if len(comment) > TEXT_MAX:
        raise ServiceError(
            _l("Keep this text under %(count)d characters.", count=TEXT_MAX), field="comment"
        )
    if stance == OutcomeStance.CHANGES and not comment:
        raise ServiceError(_l("Say which changes you ask for."), field="comment")
    given = session.scalar(
        select(OutcomeAnswer).where(
            OutcomeAnswer.partnership_id == consultation.partnership_id,
            OutcomeAnswer.validation_id == validation.id,
            OutcomeAnswer.partner_id == partner.id,
        )
    )
    if given is not None and (given.stance, given.comment) == (stance, comment):
        return given
    if given is None:
        given = OutcomeAnswer(
            partnership_id=consultation.partnership_id,
            validation_id=validation.id,
            partner_id=partner.id,
            created_at=now,
        )
        session.add(given)
    changed = given.id is not None
    given.user_id, given.stance, given.comment, given.updated_at = actor.id, stance, comment, now
    session.flush()
    action = (
        "consultation.outcome_confirm"
        if stance == OutcomeStance.CONFIRM
        else "consultation.outcome_changes"
    )
    _record(
        session,
        actor,
        action,
        consultation,
        validation,
        partner_id=partner.id,
        comment=comment,
        changed=changed,
    )
    if validation.validated_at is None:
        _validate_if_decided(
            session, actor=actor, consultation=consultation, validation=validation, now=now
        )
    return given


def _validate_if_decided(session, *, actor, consultation, validation, now) -> None:
    partners = list_partners(session, partnership_id=consultation.partnership_id)
    answers = answers_of(session, validation=validation)
    rule = rule_in_force(session, partnership_id=consultation.partnership_id)
    result = count(rule, partners, answers)
    if not result.decided:
        return
    validation.validated_at = now
    _record(
        session,
        actor,
        "consultation.outcome_validated",
        consultation,
        validation,
        rule=result.rule,
        confirmed=result.endorsed,
        changes=result.objected,
        partners=result.partners,
    )


def proceed(
    session: Session,
    *,
    actor: User,
    consultation: Consultation,
    reason: str,
    now: datetime | None = None,
) -> OutcomeValidation:
    """Let an outcome whose deadline passed without validation feed the charter, for the
    recorded `reason`.

    Side effects: the round's proceeded_at, proceeded_by and reason; an audit entry with the
    reason and the count of answers at that moment.
    """
    now = now or utcnow()
    validation = current_round(session, consultation=consultation)
    state = state_of(validation, now)
    if state == OPEN:
        raise ServiceError(_l("Wait for the deadline: the partners can still answer."))
    if state != EXPIRED:
        raise ServiceError(_l("Only an outcome whose deadline passed unvalidated needs this."))
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(
            _l("Say why the outcome feeds the charter without the partners' validation."),
            field="reason",
        )
    if len(reason) > TEXT_MAX:
        raise ServiceError(
            _l("Keep this text under %(count)d characters.", count=TEXT_MAX), field="reason"
        )
    result = standing(session, consultation=consultation, now=now).tally
    validation.proceeded_at, validation.proceeded_by_id = now, actor.id
    validation.proceed_reason = reason
    _record(
        session,
        actor,
        "consultation.outcome_proceed",
        consultation,
        validation,
        reason=reason,
        rule=result.rule,
        confirmed=result.endorsed,
        changes=result.objected,
        partners=result.partners,
    )
    return validation
