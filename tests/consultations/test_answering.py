"""Answers from any channel: kinds, skip logic, one answer per question, anonymity, replies
typed on a phone."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from hsbp.consultations import answering, replies, services
from hsbp.consultations.models import Answer, AnswerChoice, Response
from hsbp.errors import ServiceError


def questions(consultation):
    return answering.active_questions(consultation)


def test_a_full_response_follows_the_skip_logic(session, build):
    consultation = build()
    water, worries, trust, meetings, _river, children = questions(consultation)
    response = answering.start_response(
        session, consultation, channel="web", locale="en", sector="community"
    )
    answering.record_answer(session, response, water, choices=["well"])
    answers = answering.answers_of(session, response)
    assert answering.next_question(consultation, answers) == worries
    answering.record_answer(session, response, worries, choices=["dust", "jobs"])
    answering.record_answer(session, response, trust, choices=["2"])
    answering.record_answer(session, response, meetings, skipped=True)
    answers = answering.answers_of(session, response)
    # Not "river": the river question is skipped by the logic, not asked.
    assert answering.next_question(consultation, answers) == children
    answering.record_answer(session, response, children, number=3)
    assert answering.next_question(consultation, answering.answers_of(session, response)) is None
    answering.finish_response(session, response)
    assert response.state == "complete"
    counted = session.scalars(
        select(AnswerChoice.choice).where(AnswerChoice.response_id == response.id)
    ).all()
    assert sorted(counted) == ["2", "dust", "jobs", "well"]


def test_the_dependent_question_is_shown_after_the_right_answer(session, build):
    consultation = build()
    water, *_rest, river, _children = questions(consultation)
    response = answering.start_response(session, consultation, channel="web", locale="en")
    answering.record_answer(session, response, water, choices=["river"])
    answers = answering.answers_of(session, response)
    assert answering.is_shown(river, answers)


@pytest.mark.parametrize(
    ("index", "kwargs", "message"),
    [
        (0, {"choices": ["lake"]}, "This is not one of the options."),
        (0, {"choices": ["river", "well"]}, "Choose one answer only."),
        (0, {}, "Choose an answer."),
        (2, {"choices": ["6"]}, "This is not one of the options."),
        (5, {"number": 31}, "Give a number from 0 to 30."),
        (5, {}, "Give a number."),
        (4, {"text": "   "}, "Write an answer."),
    ],
)
def test_answers_that_do_not_fit_are_refused_and_nothing_is_stored(
    session, build, index, kwargs, message
):
    consultation = build()
    question = questions(consultation)[index]
    response = answering.start_response(session, consultation, channel="web", locale="en")
    with pytest.raises(ServiceError) as refused:
        answering.record_answer(session, response, question, **kwargs)
    assert str(refused.value.message) == message
    assert session.scalar(select(func.count()).select_from(Answer)) == 0


def test_a_second_answer_to_the_same_question_is_refused_not_counted(session, build):
    consultation = build()
    water = questions(consultation)[0]
    response = answering.start_response(session, consultation, channel="sms", locale="es")
    answering.record_answer(session, response, water, choices=["river"], raw="1")
    with pytest.raises(answering.AlreadyAnswered):
        answering.record_answer(session, response, water, choices=["well"], raw="2")
    assert session.scalars(select(AnswerChoice.choice)).all() == ["river"]


def test_an_anonymous_response_keeps_the_constituency_and_no_identity(session, build, facilitator):
    consultation = build(anonymous=True)
    response = answering.start_response(
        session,
        consultation,
        channel="sms",
        locale="es",
        sector="community",
        locality="La Esperanza",
        contact_id=99,
        user_id=facilitator.id,
        participant_id=7,
    )
    stored = session.get(Response, response.id)
    assert (stored.contact_id, stored.user_id, stored.participant_id) == (None, None, None)
    assert (stored.sector, stored.locality) == ("community", "La Esperanza")


def midnight_utc() -> datetime:
    return datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)


def test_an_anonymous_response_and_its_answers_are_dated_by_the_day_only(
    session, build, facilitator
):
    consultation = build(anonymous=True)
    water = questions(consultation)[0]
    response = answering.start_response(session, consultation, channel="sms", locale="es")
    answer = answering.record_answer(session, response, water, choices=["well"])
    answering.finish_response(session, response)
    unfinished = answering.start_response(session, consultation, channel="web", locale="es")
    services.close_consultation(session, actor=facilitator, consultation=consultation)
    session.expire_all()
    day = midnight_utc()
    assert (
        session.get(Response, response.id).started_at,
        session.get(Answer, answer.id).created_at,
    ) == (day, day)
    assert session.get(Response, response.id).finished_at == day
    closed = session.get(Response, unfinished.id)
    assert (closed.state, closed.started_at, closed.finished_at) == ("partial", day, day)


def test_a_response_that_is_not_anonymous_keeps_its_times(session, build):
    consultation = build()
    before = datetime.now(UTC)
    response = answering.start_response(session, consultation, channel="web", locale="es")
    answering.finish_response(session, response)
    session.expire_all()
    stored = session.get(Response, response.id)
    assert before <= stored.started_at <= stored.finished_at <= datetime.now(UTC)


def test_no_answers_to_a_draft_or_by_a_channel_it_does_not_take(session, build):
    draft = build(open_it=False)
    with pytest.raises(ServiceError):
        answering.start_response(session, draft, channel="web", locale="en")
    web_only = build(channels=["web"])
    with pytest.raises(ServiceError):
        answering.start_response(session, web_only, channel="sms", locale="en")


@pytest.mark.parametrize(
    ("index", "reply", "locale", "meaning"),
    [
        (0, "1", "es", {"choices": ["river"]}),
        (0, " río! ", "es", {"choices": ["river"]}),
        (0, "RIO", "es", {"choices": ["river"]}),
        (0, "Well", "en", {"choices": ["well"]}),
        (0, "4", "es", None),
        (0, "1 2", "es", None),
        (1, "1, 3", "en", {"choices": ["dust", "jobs"]}),
        (2, "5", "en", {"choices": ["5"]}),
        (2, "0", "en", None),
        (3, "si", "es", {"choices": ["yes"]}),
        (3, "no", "es", {"choices": ["no"]}),
        (3, "2", "es", {"choices": ["no"]}),
        (3, "yes", "es", {"choices": ["yes"]}),
        (5, "3", "es", {"number": 3.0}),
        (5, "2,5", "es", {"number": 2.5}),
        (5, "40", "es", None),
        (5, "many", "en", None),
        (4, "the water is brown", "en", {"text": "the water is brown"}),
    ],
)
def test_a_reply_typed_on_a_phone_is_read_as_the_option_it_names(
    session, build, index, reply, locale, meaning
):
    question = questions(build())[index]
    assert replies.read_reply(question, reply, locale, fallback="es") == meaning
