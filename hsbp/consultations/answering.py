"""Answering a consultation, whatever the channel: responses, answers, skip logic.

Every channel (the web form of a member, the public link, SMS, a facilitator typing in
answers from a meeting) goes through these functions, so the rules are the same everywhere:
an answer fits its question's kind, one answer per question and response (a second one for
the same question is refused, never counted twice), skip logic decides the next question,
and an anonymous consultation never stores who answered.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import UTC, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from hsbp.consultations.models import (
    CHOICE_KINDS,
    Answer,
    AnswerChoice,
    Consultation,
    Question,
    QuestionKind,
    Response,
    ResponseState,
    response_tags,
)
from hsbp.db import utcnow
from hsbp.errors import ServiceError
from hsbp.i18n import translated
from hsbp.sms.texts import N_, catalog

SCALE = ["1", "2", "3", "4", "5"]
YES_NO = ["yes", "no"]
# In the respondent's language (an SMS contact's, or the web reader's), not the server's.
YES_NO_LABELS = {"yes": N_("Yes"), "no": N_("No")}
MAX_TEXT = 2000


class AlreadyAnswered(ServiceError):
    """This response already holds an answer to the question (a repeated or racing reply)."""


def stamp(consultation: Consultation, moment: datetime | None = None) -> datetime:
    """The time a response or an answer records: `moment` (now by default), or in an
    anonymous consultation the start of its day in UTC. Results count states, never times,
    and their cache notices every finished response by its count and id (see tallies)."""
    moment = moment or utcnow()
    if not consultation.anonymous:
        return moment
    return moment.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)


def active_questions(consultation: Consultation) -> list[Question]:
    """The questions asked now, in order (retired versions keep their answers, not a place)."""
    return [q for q in consultation.questions if not q.retired]


def choice_keys(question: Question) -> list[str]:
    """The keys an answer to `question` may hold, in the order they are offered."""
    if question.kind == QuestionKind.SCALE:
        return SCALE
    if question.kind == QuestionKind.YES_NO:
        return YES_NO
    return [choice["key"] for choice in question.choices]


def choice_label(question: Question, key: str, locale: str, fallback: str = "en") -> str:
    """The label of one option in `locale` (a scale's option is its number)."""
    if question.kind == QuestionKind.SCALE:
        return key
    if question.kind == QuestionKind.YES_NO:
        return catalog(locale).gettext(YES_NO_LABELS[key])
    for choice in question.choices:
        if choice["key"] == key:
            return translated(choice["label"], locale=locale, fallback=fallback)
    return key


def question_text(question: Question, locale: str, fallback: str = "en") -> str:
    return translated(question.text, locale=locale, fallback=fallback)


def start_response(
    session: Session,
    consultation: Consultation,
    *,
    channel: str,
    locale: str,
    sector: str = "",
    locality: str = "",
    tag_ids: Iterable[int] = (),
    contact_id: int | None = None,
    user_id: int | None = None,
    participant_id: int | None = None,
    recorded_by_id: int | None = None,
) -> Response:
    """A new response with the respondent's constituency. In an anonymous consultation the
    identity arguments are dropped here, whatever the caller passed."""
    if consultation.status != "open":
        raise ServiceError(_l("This consultation is not open for answers."))
    if channel not in consultation.channels:
        raise ServiceError(_l("This consultation does not take answers this way."))
    anonymous = consultation.anonymous
    response = Response(
        consultation_id=consultation.id,
        channel=channel,
        locale=locale,
        sector=sector,
        locality=locality[:200],
        contact_id=None if anonymous else contact_id,
        user_id=None if anonymous else user_id,
        participant_id=None if anonymous else participant_id,
        recorded_by_id=recorded_by_id,
        started_at=stamp(consultation),
    )
    session.add(response)
    session.flush()
    tags = sorted(set(tag_ids))
    if tags:
        session.execute(
            response_tags.insert(), [{"response_id": response.id, "tag_id": t} for t in tags]
        )
    return response


def answers_of(session: Session, response: Response) -> dict[int, Answer]:
    """The response's answers by question id."""
    rows = session.scalars(select(Answer).where(Answer.response_id == response.id))
    return {answer.question_id: answer for answer in rows}


def chosen(answer: Answer | None) -> set[str]:
    return {c.choice for c in answer.choices} if answer is not None else set()


def is_shown(question: Question, answers: dict[int, Answer]) -> bool:
    """Skip logic: a question with a condition is shown only when the question it depends on
    was answered with one of the listed options."""
    if question.show_if_question_id is None:
        return True
    return bool(chosen(answers.get(question.show_if_question_id)) & set(question.show_if_choices))


def next_question(consultation: Consultation, answers: dict[int, Answer]) -> Question | None:
    """The first shown question not answered (or skipped) yet; None when the end is reached."""
    for question in active_questions(consultation):
        if question.id not in answers and is_shown(question, answers):
            return question
    return None


def record_answer(
    session: Session,
    response: Response,
    question: Question,
    *,
    choices: Iterable[str] = (),
    number: float | None = None,
    text: str | None = None,
    skipped: bool = False,
    raw: str | None = None,
) -> Answer:
    """Check an answer against its question and store it.

    Raises ServiceError for an answer that does not fit (an unknown option, two options for a
    single choice, a number out of range, an empty text), AlreadyAnswered for a second answer
    to the same question in this response. Nothing is half-written either way.
    """
    if response.state != ResponseState.IN_PROGRESS:
        raise ServiceError(_l("These answers are already finished."))
    if question.consultation_id != response.consultation_id or question.retired:
        raise ServiceError(_l("This question is not part of the consultation any more."))
    picked = list(dict.fromkeys(choices))
    value_number = None
    value_text = None
    if not skipped:
        picked, value_number, value_text = _checked(question, picked, number, text)
    answer = Answer(
        response_id=response.id,
        question_id=question.id,
        skipped=skipped,
        number=value_number,
        text=value_text,
        raw=raw[:1600] if raw else None,
        created_at=stamp(question.consultation),
    )
    try:
        with session.begin_nested():
            session.add(answer)
            session.flush()
            for key in picked:
                answer.choices.append(
                    AnswerChoice(response_id=response.id, question_id=question.id, choice=key)
                )
            session.flush()
    except IntegrityError as error:
        raise AlreadyAnswered(_l("This question has already been answered.")) from error
    return answer


def _checked(question, picked, number, text):
    kind = question.kind
    if kind in CHOICE_KINDS:
        allowed = choice_keys(question)
        if not picked:
            raise ServiceError(_l("Choose an answer."))
        if any(key not in allowed for key in picked):
            raise ServiceError(_l("This is not one of the options."))
        if kind != QuestionKind.MULTIPLE and len(picked) > 1:
            raise ServiceError(_l("Choose one answer only."))
        return picked, None, None
    if kind == QuestionKind.NUMBER:
        if number is None or not math.isfinite(number):
            raise ServiceError(_l("Give a number."))
        low, high = question.minimum, question.maximum
        if (low is not None and number < low) or (high is not None and number > high):
            raise ServiceError(
                _l("Give a number from %(low)s to %(high)s.", low=_n(low), high=_n(high))
            )
        return [], float(number), None
    cleaned = (text or "").strip()
    if not cleaned:
        raise ServiceError(_l("Write an answer."))
    return [], None, cleaned[:MAX_TEXT]


def _n(value: float | None) -> str:
    if value is None:
        return "…"
    return str(int(value)) if float(value).is_integer() else str(value)


def finish_response(session: Session, response: Response, *, partial: bool = False) -> None:
    """Close a response: complete, or partial when it was left unfinished."""
    if response.state != ResponseState.IN_PROGRESS:
        return
    response.state = ResponseState.PARTIAL if partial else ResponseState.COMPLETE
    response.finished_at = stamp(session.get(Consultation, response.consultation_id))
    session.flush()
