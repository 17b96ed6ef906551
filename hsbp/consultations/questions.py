"""Editing a consultation's questions.

A question that has answers is never changed in place: editing it retires it and adds the
next version, so every answer keeps the wording and options it answered; removing it
retires it. Choices carry stable keys, so a re-worded option still counts with its earlier
answers.
"""

from __future__ import annotations

import uuid

from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, func, select, update
from sqlalchemy.orm import Session

from hsbp import audit
from hsbp.auth.models import User
from hsbp.consultations.answering import choice_keys
from hsbp.consultations.models import Answer, Consultation, Question, QuestionKind, Status
from hsbp.consultations.services import texts_by_language
from hsbp.errors import ServiceError
from hsbp.partnerships.models import Partnership

audit.ACTION_LABELS.update(
    {
        "question.create": _l("Question added"),
        "question.update": _l("Question changed"),
        "question.new_version": _l("Question changed after answers (new version)"),
        "question.remove": _l("Question removed"),
    }
)

QUESTION_FIELDS = [
    "kind",
    "text",
    "choices",
    "minimum",
    "maximum",
    "show_if_question_id",
    "show_if_choices",
]
MAX_CHOICES = 12


def _question_values(
    session: Session, partnership: Partnership, consultation: Consultation, fields, *, own_id=None
) -> dict:
    locales = partnership.locales
    default = partnership.default_locale
    kind = fields.get("kind")
    if kind not in {k.value for k in QuestionKind}:
        raise ServiceError(_l("Choose the kind of question."), field="kind")
    text = texts_by_language(
        fields.get("text"),
        locales,
        required=default,
        field="text",
        message=_l("Write the question."),
    )
    choices = []
    if kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        for index, raw in enumerate(fields.get("choices") or []):
            labels = {
                code: (raw.get("label") or {}).get(code, "").strip()[:200]
                for code in locales
                if (raw.get("label") or {}).get(code, "").strip()
            }
            if not labels:
                continue
            if default not in labels:
                raise ServiceError(
                    _l("Name every option in the partnership's main language."),
                    field=f"choices-{index}-{default}",
                )
            choices.append({"key": raw.get("key") or uuid.uuid4().hex[:8], "label": labels})
        if len(choices) < 2:
            raise ServiceError(_l("Give at least two options."), field="choices")
        if len(choices) > MAX_CHOICES:
            raise ServiceError(
                _l("Give %(count)d options at most.", count=MAX_CHOICES), field="choices"
            )
        if len({c["key"] for c in choices}) != len(choices):
            raise ServiceError(_l("Two options have the same key."), field="choices")
    minimum = maximum = None
    if kind == QuestionKind.NUMBER:
        minimum, maximum = fields.get("minimum"), fields.get("maximum")
        if minimum is not None and maximum is not None and minimum > maximum:
            raise ServiceError(_l("The smallest number is above the largest."), field="maximum")
    show_if_id = fields.get("show_if_question_id") or None
    show_if_choices: list[str] = []
    if show_if_id is not None:
        earlier = session.get(Question, int(show_if_id))
        if (
            earlier is None
            or earlier.consultation_id != consultation.id
            or earlier.retired
            or earlier.id == own_id
            or earlier.kind == QuestionKind.NUMBER
            or earlier.kind == QuestionKind.TEXT
        ):
            raise ServiceError(
                _l("A question can depend only on an earlier choice question."),
                field="show_if_question_id",
            )
        show_if_choices = [
            k for k in choice_keys(earlier) if k in (fields.get("show_if_choices") or [])
        ]
        if not show_if_choices:
            raise ServiceError(
                _l("Choose the answers that show this question."), field="show_if_choices"
            )
    return {
        "kind": kind,
        "text": text,
        "choices": choices,
        "minimum": minimum,
        "maximum": maximum,
        "show_if_question_id": int(show_if_id) if show_if_id is not None else None,
        "show_if_choices": show_if_choices,
    }


def add_question(
    session: Session,
    *,
    actor: User,
    partnership: Partnership,
    consultation: Consultation,
    fields: dict,
) -> Question:
    if consultation.status == Status.CLOSED:
        raise ServiceError(_l("This consultation is closed."))
    values = _question_values(session, partnership, consultation, fields)
    if values["show_if_question_id"] is not None:
        position_of = {q.id: q.position for q in consultation.questions}
        if values["show_if_question_id"] not in position_of:
            raise ServiceError(
                _l("A question can depend only on an earlier choice question."),
                field="show_if_question_id",
            )
    last = max((q.position for q in consultation.questions), default=0)
    question = Question(consultation_id=consultation.id, position=last + 1, **values)
    session.add(question)
    consultation.questions.append(question)
    session.flush()
    audit.record(
        session,
        actor_id=actor.id,
        action="question.create",
        obj=question,
        partnership_id=consultation.partnership_id,
    )
    return question


def is_answered(session: Session, question: Question) -> bool:
    return bool(session.scalar(select(exists().where(Answer.question_id == question.id))))


def edit_question(
    session: Session,
    *,
    actor: User,
    partnership: Partnership,
    question: Question,
    fields: dict,
) -> Question:
    """Change a question. Unanswered: in place. Answered: the old version is retired with its
    answers, and the new version takes its place (and the questions that depended on it)."""
    consultation = question.consultation
    if consultation.status == Status.CLOSED:
        raise ServiceError(_l("This consultation is closed."))
    values = _question_values(session, partnership, consultation, fields, own_id=question.id)
    if values["show_if_question_id"] is not None:
        earlier = {q.id for q in consultation.questions if q.position < question.position}
        if values["show_if_question_id"] not in earlier:
            raise ServiceError(
                _l("A question can depend only on an earlier choice question."),
                field="show_if_question_id",
            )
    if not is_answered(session, question):
        before = audit.snapshot(question, QUESTION_FIELDS)
        for name, value in values.items():
            setattr(question, name, value)
        audit.record(
            session,
            actor_id=actor.id,
            action="question.update",
            obj=question,
            partnership_id=consultation.partnership_id,
            details=audit.changes(question, QUESTION_FIELDS, before),
        )
        return question
    if values["kind"] != question.kind:
        raise ServiceError(
            _l("People have answered this question: its kind cannot change. Add a new question."),
            field="kind",
        )
    question.retired = True
    successor = Question(
        consultation_id=consultation.id,
        position=question.position,
        version=question.version + 1,
        replaces_id=question.id,
        **values,
    )
    session.add(successor)
    consultation.questions.append(successor)
    session.flush()
    # Questions shown after an answer to the old version now follow the new one.
    session.execute(
        update(Question)
        .where(Question.show_if_question_id == question.id, Question.retired.is_(False))
        .values(show_if_question_id=successor.id)
        .execution_options(synchronize_session="fetch")
    )
    audit.record(
        session,
        actor_id=actor.id,
        action="question.new_version",
        obj=successor,
        partnership_id=consultation.partnership_id,
        details={"replaces": question.id, "version": successor.version},
    )
    return successor


def remove_question(session: Session, *, actor: User, question: Question) -> None:
    """Delete an unanswered question; retire an answered one (its answers stay countable).
    Refused while another question depends on it."""
    consultation = question.consultation
    dependent = session.scalar(
        select(func.count())
        .select_from(Question)
        .where(Question.show_if_question_id == question.id, Question.retired.is_(False))
    )
    if dependent:
        raise ServiceError(
            _l("Another question is shown after answers to this one: change it first.")
        )
    audit.record(
        session,
        actor_id=actor.id,
        action="question.remove",
        obj=question,
        partnership_id=consultation.partnership_id,
        details={"answered": is_answered(session, question)},
    )
    if is_answered(session, question):
        question.retired = True
    else:
        consultation.questions.remove(question)
        session.delete(question)
    session.flush()


def move_question(session: Session, *, question: Question, step: int) -> None:
    """Swap with the neighbour above (-1) or below (+1); a question never moves above the
    one it depends on."""
    order = [q for q in question.consultation.questions if not q.retired]
    index = order.index(question)
    target = index + step
    if not 0 <= target < len(order):
        return
    other = order[target]
    upper, lower = (other, question) if step < 0 else (question, other)
    if lower.show_if_question_id == upper.id:
        raise ServiceError(_l("A question stays below the question it depends on."))
    question.position, other.position = other.position, question.position
    session.flush()
