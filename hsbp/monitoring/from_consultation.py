"""Indicators computed from a consultation: the share of respondents who chose one answer.

When the consultation closes, each linked indicator gets the share (0-100) of those who
answered the question (not skipped) who chose the answer, for the period starting on the
first day of the month of closing. The counts are the results' own (hsbp.consultations
.tallies), so the indicator and the results page never disagree.

Closing again (a consultation reopened and closed) records nothing new when the share is
the same, and a correction (a new revision, the first kept) when it changed.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from hsbp import audit
from hsbp.auth.models import User
from hsbp.consultations import answering, tallies
from hsbp.consultations.models import CHOICE_KINDS, Consultation, Question
from hsbp.db import utcnow
from hsbp.errors import ServiceError
from hsbp.i18n import translated
from hsbp.monitoring import services
from hsbp.monitoring.models import Indicator, Kind, Measurement, Method

audit.ACTION_LABELS.update({"indicator.link": _l("Indicator linked to a consultation question")})


def link_to_question(
    session: Session, actor: User, indicator: Indicator, question: Question | None, answer_key: str
) -> None:
    """Compute `indicator` from the share choosing `answer_key` to `question`; None unlinks.
    Raises ServiceError. Side effects: the indicator's link, an audit entry."""
    if question is None:
        indicator.question_id, indicator.answer_key = None, ""
    else:
        if question.consultation.partnership_id != indicator.partnership_id:
            raise ServiceError(_l("Choose a question of this partnership."), field="question_id")
        if question.kind not in CHOICE_KINDS:
            raise ServiceError(
                _l("Choose a question answered by choosing an option."), field="question_id"
            )
        if answer_key not in answering.choice_keys(question):
            raise ServiceError(_l("Choose one of the question's answers."), field="answer_key")
        if indicator.kind != Kind.PERCENTAGE:
            raise ServiceError(
                _l("Only a percentage indicator can be computed from a consultation."),
                field="question_id",
            )
        indicator.question_id, indicator.answer_key = question.id, answer_key
    session.flush()
    audit.record(
        session,
        actor_id=actor.id,
        action="indicator.link",
        obj=indicator,
        partnership_id=indicator.partnership_id,
        details={"question": indicator.question_id, "answer": indicator.answer_key},
    )


def link_options(
    session: Session, *, partnership_id: int, locale: str, fallback: str
) -> list[tuple[str, str]]:
    """("question id:answer key", "consultation · question · answer") for every answer of every
    current choice question of the partnership's consultations: one query."""
    rows = session.execute(
        select(Question, Consultation.title)
        .join(Consultation, Consultation.id == Question.consultation_id)
        .where(
            Consultation.partnership_id == partnership_id,
            Question.kind.in_(CHOICE_KINDS),
            Question.retired.is_(False),
        )
        .order_by(Consultation.id, Question.position, Question.id)
    )
    options = []
    for question, title in rows:
        heading = " · ".join(
            (
                translated(title, locale=locale, fallback=fallback),
                translated(question.text, locale=locale, fallback=fallback),
            )
        )
        for key in answering.choice_keys(question):
            label = answering.choice_label(question, key, locale, fallback)
            options.append((f"{question.id}:{key}", f"{heading} · {label}"))
    return options


def share(counts: tallies.Tally, question_id: int, answer_key: str) -> Decimal | None:
    """Percentage of those who answered (not skipped) who chose the answer; None if nobody."""
    answered = sum(row[-1] for row in counts.answered if row[0] == question_id and not row[3])
    if not answered:
        return None
    chose = sum(
        row[-1] for row in counts.choices if row[0] == question_id and str(row[1]) == answer_key
    )
    return (Decimal(chose) * 100 / answered).quantize(Decimal("0.01"), ROUND_HALF_UP)


def record_from_consultation(session: Session, consultation: Consultation) -> int:
    """Record the share for each indicator linked to one of the consultation's questions.
    Returns how many values were written (unchanged ones are not written again)."""
    question_ids = [q.id for q in consultation.questions]
    linked = session.scalars(
        select(Indicator).where(
            Indicator.partnership_id == consultation.partnership_id,
            Indicator.question_id.in_(question_ids),
        )
    ).all()
    if not linked:
        return 0
    counts = tallies.tally(session, consultation.id)
    closed = (consultation.closes_at or utcnow()).date()
    period_on = closed.replace(day=1)
    written = 0
    for indicator in linked:
        value = share(counts, indicator.question_id, indicator.answer_key)
        if value is None:
            continue
        current = session.execute(
            select(Measurement.value)
            .where(
                Measurement.indicator_id == indicator.id,
                Measurement.period_on == period_on,
                Measurement.breakdown == "",
            )
            .order_by(Measurement.revision.desc())
            .limit(1)
        ).scalar()
        if current is not None and Decimal(current) == value:
            continue
        services.record_value(
            session,
            actor=None,
            indicator=indicator,
            period_on=period_on,
            value=value,
            method=Method.CONSULTATION,
            note=f"consultation:{consultation.id}",
            correction=current is not None,
        )
        written += 1
    return written
