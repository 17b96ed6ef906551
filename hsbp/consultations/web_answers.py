"""Answering on the web: a member's own response, the public link, and facilitator entry.

Every answer still goes through `answering`, so the rules of kinds, skip logic and anonymity
are the ones SMS follows. What this module adds is the web's bookkeeping: one question per
page (the page says which question it answers, so a stale or repeated page records nothing),
one response per member kept through a participation row, and a whole paper form entered by
a facilitator in one step that is saved entirely or not at all.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from hsbp import audit
from hsbp.auth.models import User
from hsbp.consultations.answering import (
    AlreadyAnswered,
    active_questions,
    answers_of,
    finish_response,
    is_shown,
    next_question,
    record_answer,
    start_response,
)
from hsbp.consultations.models import (
    Channel,
    Consultation,
    Participation,
    Question,
    Response,
    ResponseState,
    Status,
)
from hsbp.db import utcnow
from hsbp.errors import ServiceError
from hsbp.mapping.labels import PARTICIPANT_SECTOR_LABELS
from hsbp.mapping.services import get_participant
from hsbp.mapping.tags import group_tags
from hsbp.partnerships.models import Membership, Partnership

audit.ACTION_LABELS.update({"consultation.assisted_entry": _l("Answers entered for a respondent")})

# Participation states after which a member has nothing left to answer.
DONE_STATES = ("complete", "partial")
MAX_NOTE = 500


class StalePage(ServiceError):
    """The page answered a question that is not the one asked now (a second tab, the back
    button, a double click): nothing is recorded and the reader is sent to the current one."""


class AlreadyFinished(ServiceError):
    """The member has already answered this consultation."""


class AssistedRefused(ServiceError):
    """Some answers of an assisted entry do not fit; `answers` maps question ids to why."""

    def __init__(self, message, *, answers: dict[int, object]):
        super().__init__(message)
        self.answers = answers


@dataclass(frozen=True)
class Step:
    """Where a respondent is: the question to ask (None at the end), its place and how many
    questions are shown so far (the total grows when an answer opens a dependent question)."""

    question: Question | None
    number: int
    total: int


def refusal(consultation: Consultation, channel: str) -> str | None:
    """Why `consultation` takes no answers through `channel` now ("channel", "draft",
    "closed"), or None when it does."""
    if channel not in consultation.channels:
        return "channel"
    if consultation.status == Status.CLOSED:
        return "closed"
    if consultation.status != Status.OPEN:
        return "draft"
    return None


def step(consultation: Consultation, answers: dict) -> Step:
    shown = [q for q in active_questions(consultation) if q.id in answers or is_shown(q, answers)]
    question = next_question(consultation, answers)
    number = shown.index(question) + 1 if question is not None else len(shown)
    return Step(question=question, number=number, total=len(shown))


# Members --------------------------------------------------------------------------------


def member_progress(
    session: Session, *, consultation: Consultation, user_id: int
) -> tuple[Participation | None, Response | None]:
    """The member's participation and the response they are filling in, if any."""
    participation = session.scalar(
        select(Participation).where(
            Participation.consultation_id == consultation.id, Participation.user_id == user_id
        )
    )
    response = None
    if participation is not None and participation.response_id is not None:
        response = session.get(Response, participation.response_id)
        if response is not None and response.state != ResponseState.IN_PROGRESS:
            response = None
    return participation, response


def member_response(
    session: Session,
    *,
    consultation: Consultation,
    membership: Membership,
    locale: str,
) -> tuple[Participation, Response]:
    """Start or resume a member's response.

    The member's constituency is the sector of the partner they represent (none for
    observers and facilitators); their identity is kept only in a consultation that is not
    anonymous. Side effects: adds or updates the member's participation row, which points at
    the response while it is under way. Raises AlreadyFinished once they have answered.
    """
    participation, response = member_progress(
        session, consultation=consultation, user_id=membership.user_id
    )
    if participation is not None and participation.state in DONE_STATES:
        raise AlreadyFinished(_l("You have already answered this consultation."))
    sector = membership.partner.sector if membership.partner is not None else ""
    if participation is None:
        participation = _new_participation(
            session, consultation=consultation, user_id=membership.user_id, sector=sector
        )
    if response is None:
        response = start_response(
            session,
            consultation,
            channel=Channel.WEB,
            locale=locale,
            sector=sector,
            user_id=membership.user_id,
        )
        participation.response_id = response.id
    participation.state = "in_progress"
    participation.last_activity_at = utcnow()
    session.flush()
    return participation, response


def _new_participation(
    session: Session, *, consultation: Consultation, user_id: int, sector: str
) -> Participation:
    participation = Participation(
        consultation_id=consultation.id,
        user_id=user_id,
        channel=Channel.WEB,
        state="in_progress",
        sector=sector,
    )
    try:
        with session.begin_nested():
            session.add(participation)
            session.flush()
    except IntegrityError as error:
        # Another tab of the same member got there first: answer from that one.
        raise StalePage(_l("This page was out of date; here is where you are now.")) from error
    return participation


def answer_on_web(
    session: Session,
    *,
    consultation: Consultation,
    response: Response,
    question_id: int | None,
    choices: Iterable[str] = (),
    number: float | None = None,
    text: str | None = None,
    skipped: bool = False,
    participation: Participation | None = None,
) -> bool:
    """Record the answer to the question asked now, and finish the response when it was the
    last one shown. Returns whether the response is finished.

    Raises StalePage when `question_id` is not the question asked now, ServiceError when the
    answer does not fit its question; nothing is recorded then.
    """
    answers = answers_of(session, response)
    question = next_question(consultation, answers)
    if question is not None:
        if question.id != question_id:
            raise StalePage(_l("This page was out of date; here is where you are now."))
        try:
            answers[question.id] = record_answer(
                session,
                response,
                question,
                choices=choices,
                number=number,
                text=text,
                skipped=skipped,
            )
        except AlreadyAnswered as error:
            raise StalePage(error.message) from error
        if participation is not None:
            participation.last_activity_at = utcnow()
        if next_question(consultation, answers) is not None:
            return False
    finish(session, consultation=consultation, response=response, participation=participation)
    return True


def finish(
    session: Session,
    *,
    consultation: Consultation,
    response: Response,
    participation: Participation | None = None,
) -> None:
    """Close a response as complete; in an anonymous consultation the participation row
    forgets which response was theirs."""
    finish_response(session, response)
    if participation is not None:
        participation.state = "complete"
        participation.last_activity_at = utcnow()
        if consultation.anonymous:
            participation.response_id = None
    session.flush()


# The public link -------------------------------------------------------------------------


def public_consultation(session: Session, token: str) -> Consultation | None:
    if not token or len(token) > 64:
        return None
    return session.scalar(select(Consultation).where(Consultation.public_token == token))


def start_public(
    session: Session,
    *,
    consultation: Consultation,
    partnership: Partnership,
    locale: str,
    sector: str,
    tag_ids: Iterable[int] = (),
    locality: str = "",
) -> Response:
    """Start an answer through the public link: the constituency the respondent gave, and no
    identity whatever the consultation's setting. Side effect: adds the response."""
    constituency = _constituency(
        session, partnership=partnership, locale=locale, sector=sector, tag_ids=tag_ids
    )
    return start_response(
        session,
        consultation,
        channel=Channel.PUBLIC,
        locality=(locality or "").strip(),
        **constituency,
    )


def public_response(
    session: Session, *, consultation: Consultation, response_id: object
) -> Response | None:
    """The public response under way with this id, if it belongs to this consultation."""
    if not isinstance(response_id, int):
        return None
    return session.scalar(
        select(Response).where(
            Response.id == response_id,
            Response.consultation_id == consultation.id,
            Response.channel == Channel.PUBLIC,
            Response.state == ResponseState.IN_PROGRESS,
        )
    )


def _constituency(
    session: Session, *, partnership: Partnership, locale: str, sector: str, tag_ids
) -> dict:
    if locale not in partnership.locales:
        raise ServiceError(_l("Choose one of the languages offered."), field="language")
    if sector and sector not in PARTICIPANT_SECTOR_LABELS:
        raise ServiceError(_l("Choose one of the groups offered."), field="sector")
    tags = set(tag_ids or ())
    known = {tag.id for tag in group_tags(session, partnership_id=partnership.id)}
    if not tags <= known:
        raise ServiceError(_l("Choose one of the groups offered."), field="tag_ids")
    return {"locale": locale, "sector": sector or "", "tag_ids": sorted(tags)}


# Facilitator-assisted entry ------------------------------------------------------------------


def record_assisted(
    session: Session,
    *,
    actor: User,
    partnership: Partnership,
    consultation: Consultation,
    locale: str,
    answers: dict[int, dict],
    sector: str = "",
    tag_ids: Iterable[int] = (),
    locality: str = "",
    participant_id: int | None = None,
    note: str = "",
) -> Response:
    """Record one respondent's answers gathered in a meeting or on paper, all or nothing.

    `answers` maps question ids to the keyword arguments of `answering.record_answer`; a shown
    question left out is recorded as skipped. A mapped participant's sector, groups and
    locality replace the ones given (their identity is kept only when the consultation is not
    anonymous). An answer to a question the skip logic does not show is refused rather than
    dropped, so nothing written on the paper is lost without the facilitator knowing.

    Side effects: adds the response (complete, `recorded_by_id` the actor) and an audit entry
    holding the note. Raises AssistedRefused (per question) or ServiceError (constituency);
    nothing is stored then.
    """
    if not any(_given(value) for value in answers.values()):
        raise ServiceError(_l("Enter at least one answer."))
    if participant_id:
        participant = get_participant(
            session, partnership_id=partnership.id, participant_id=participant_id
        )
        if participant is None:
            raise ServiceError(_l("This participant is not mapped here."), field="participant_id")
        sector = participant.sector
        tag_ids = [tag.id for tag in participant.tags]
        locality = participant.locality
    constituency = _constituency(
        session, partnership=partnership, locale=locale, sector=sector, tag_ids=tag_ids
    )
    savepoint = session.begin_nested()
    response = start_response(
        session,
        consultation,
        channel=Channel.ASSISTED,
        locality=(locality or "").strip(),
        participant_id=participant_id or None,
        recorded_by_id=actor.id,
        **constituency,
    )
    refused = _record_all(session, consultation, response, answers)
    if refused:
        savepoint.rollback()
        raise AssistedRefused(_l("Some answers need correcting."), answers=refused)
    finish_response(session, response)
    savepoint.commit()
    details = {"channel": Channel.ASSISTED}
    if note and note.strip():
        details["note"] = note.strip()[:MAX_NOTE]
    audit.record(
        session,
        actor_id=actor.id,
        action="consultation.assisted_entry",
        obj=consultation,
        partnership_id=partnership.id,
        details=details,
    )
    return response


def _given(value: dict | None) -> bool:
    value = value or {}
    return bool(
        value.get("choices") or value.get("number") is not None or (value.get("text") or "").strip()
    )


def _record_all(session, consultation, response, answers) -> dict[int, object]:
    recorded: dict[int, object] = {}
    refused: dict[int, object] = {}
    for question in active_questions(consultation):
        given = answers.get(question.id) or {}
        if question.show_if_question_id in refused:
            continue  # whether it is shown depends on an answer that must be corrected first
        if not is_shown(question, recorded):
            if _given(given):
                refused[question.id] = _l(
                    "This question is not asked after the answer given above: clear it or "
                    "correct that answer."
                )
            continue
        try:
            if _given(given):
                recorded[question.id] = record_answer(session, response, question, **given)
            else:
                recorded[question.id] = record_answer(session, response, question, skipped=True)
        except ServiceError as error:
            refused[question.id] = error.message
    return refused
