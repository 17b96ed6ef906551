"""Preparing, opening and closing consultations, and editing their questions.

A question that has answers is never changed in place: editing it retires it and adds the
next version, so every answer keeps the wording and options it answered; removing it
retires it. Choices carry stable keys, so a re-worded option still counts with its earlier
answers.
"""

from __future__ import annotations

import secrets
import uuid
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, func, select, update
from sqlalchemy.orm import Session

from hsbp import audit
from hsbp.auth.models import User
from hsbp.consultations.models import (
    Answer,
    Channel,
    Consultation,
    Dimension,
    Question,
    QuestionKind,
    Response,
    ResponseState,
    Status,
)
from hsbp.db import utcnow
from hsbp.errors import ServiceError
from hsbp.partnerships.models import Partnership

audit.ACTION_LABELS.update(
    {
        "consultation.create": _l("Consultation created"),
        "consultation.update": _l("Consultation changed"),
        "consultation.open": _l("Consultation opened"),
        "consultation.close": _l("Consultation closed"),
        "question.create": _l("Question added"),
        "question.update": _l("Question changed"),
        "question.new_version": _l("Question changed after answers (new version)"),
        "question.remove": _l("Question removed"),
    }
)

FIELDS = [
    "title",
    "purpose",
    "dimensions",
    "audience",
    "channels",
    "anonymous",
    "opens_at",
    "closes_at",
    "reminder_days",
    "stale_days",
]
QUESTION_FIELDS = [
    "kind",
    "text",
    "choices",
    "minimum",
    "maximum",
    "show_if_question_id",
    "show_if_choices",
]
MAX_TEXT = 500
MAX_CHOICES = 12


def _texts(values: dict | None, locales: list[str], *, required: str, field: str, message) -> dict:
    """{locale: text} kept for the partnership's languages; the default one is required."""
    cleaned = {
        code: (values or {}).get(code, "").strip()[:MAX_TEXT]
        for code in locales
        if (values or {}).get(code, "").strip()
    }
    if required not in cleaned:
        raise ServiceError(message, field=f"{field}-{required}")
    return cleaned


def _consultation_values(partnership: Partnership, fields: dict) -> dict:
    locales = partnership.locales
    default = partnership.default_locale
    title = _texts(
        fields.get("title"),
        locales,
        required=default,
        field="title",
        message=_l("Give the consultation a title."),
    )
    purpose = {
        code: text.strip()[:4000]
        for code, text in (fields.get("purpose") or {}).items()
        if code in locales and text.strip()
    }
    dimensions = [d for d in Dimension if d in (fields.get("dimensions") or [])]
    channels = [c for c in Channel if c in (fields.get("channels") or [])]
    if not channels:
        raise ServiceError(_l("Choose at least one way to answer."), field="channels")
    opens_at: datetime | None = fields.get("opens_at")
    closes_at: datetime | None = fields.get("closes_at")
    if opens_at and closes_at and closes_at <= opens_at:
        raise ServiceError(_l("The consultation must close after it opens."), field="closes_at")
    audience = fields.get("audience") or {}
    reminder_days = int(fields.get("reminder_days") or 0)
    stale_days = int(fields.get("stale_days") or 7)
    if not 0 <= reminder_days <= 60:
        raise ServiceError(_l("Remind every 0 to 60 days."), field="reminder_days")
    if not 1 <= stale_days <= 90:
        raise ServiceError(
            _l("An unanswered SMS conversation closes after 1 to 90 days."), field="stale_days"
        )
    return {
        "title": title,
        "purpose": purpose,
        "dimensions": dimensions,
        "audience": {
            "contacts": bool(audience.get("contacts")),
            "members": bool(audience.get("members")),
            "sectors": sorted(set(audience.get("sectors") or [])),
            "tags": sorted({int(t) for t in audience.get("tags") or []}),
            "localities": sorted(
                {x.strip() for x in audience.get("localities") or [] if x.strip()}
            ),
        },
        "channels": channels,
        "anonymous": bool(fields.get("anonymous")),
        "opens_at": opens_at,
        "closes_at": closes_at,
        "reminder_days": reminder_days,
        "stale_days": stale_days,
    }


def create_consultation(
    session: Session, *, actor: User, partnership: Partnership, fields: dict
) -> Consultation:
    """A draft consultation. Side effects: an audit entry."""
    values = _consultation_values(partnership, fields)
    consultation = Consultation(
        partnership_id=partnership.id, created_by_id=actor.id, status=Status.DRAFT, **values
    )
    if Channel.PUBLIC in values["channels"]:
        consultation.public_token = secrets.token_urlsafe(24)
    session.add(consultation)
    session.flush()
    audit.record(
        session,
        actor_id=actor.id,
        action="consultation.create",
        obj=consultation,
        partnership_id=partnership.id,
    )
    return consultation


def has_responses(session: Session, consultation: Consultation) -> bool:
    return bool(session.scalar(select(exists().where(Response.consultation_id == consultation.id))))


def update_consultation(
    session: Session, *, actor: User, partnership: Partnership, consultation: Consultation, fields
) -> None:
    """Change the settings. Anonymity cannot change once someone has answered: answers given
    anonymously must stay so, and named ones were not given under that promise."""
    values = _consultation_values(partnership, fields)
    if values["anonymous"] != consultation.anonymous and has_responses(session, consultation):
        raise ServiceError(
            _l("Anonymity cannot change once answers have been given."), field="anonymous"
        )
    before = audit.snapshot(consultation, FIELDS)
    for name, value in values.items():
        setattr(consultation, name, value)
    if Channel.PUBLIC in consultation.channels and not consultation.public_token:
        consultation.public_token = secrets.token_urlsafe(24)
    audit.record(
        session,
        actor_id=actor.id,
        action="consultation.update",
        obj=consultation,
        partnership_id=consultation.partnership_id,
        details=audit.changes(consultation, FIELDS, before),
    )


def open_consultation(session: Session, *, actor: User, consultation: Consultation) -> None:
    if consultation.status == Status.OPEN:
        return
    if not any(not q.retired for q in consultation.questions):
        raise ServiceError(_l("Add a question before opening the consultation."))
    consultation.status = Status.OPEN
    if consultation.opens_at is None or consultation.opens_at > utcnow():
        consultation.opens_at = utcnow()
    audit.record(
        session,
        actor_id=actor.id,
        action="consultation.open",
        obj=consultation,
        partnership_id=consultation.partnership_id,
    )


def close_consultation(session: Session, *, actor: User | None, consultation: Consultation) -> int:
    """Close it; responses still under way are kept as partial. Returns how many."""
    consultation.status = Status.CLOSED
    consultation.closes_at = min(consultation.closes_at or utcnow(), utcnow())
    left = session.execute(
        update(Response)
        .where(
            Response.consultation_id == consultation.id,
            Response.state == ResponseState.IN_PROGRESS,
        )
        .values(state=ResponseState.PARTIAL, finished_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    audit.record(
        session,
        actor_id=actor.id if actor else None,
        action="consultation.close",
        obj=consultation,
        partnership_id=consultation.partnership_id,
        details={"partial": left},
    )
    return left


def _question_values(
    session: Session, partnership: Partnership, consultation: Consultation, fields, *, own_id=None
) -> dict:
    locales = partnership.locales
    default = partnership.default_locale
    kind = fields.get("kind")
    if kind not in {k.value for k in QuestionKind}:
        raise ServiceError(_l("Choose the kind of question."), field="kind")
    text = _texts(
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
        from hsbp.consultations.answering import choice_keys

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
