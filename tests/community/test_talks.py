"""The one-question SMS engine, through a vote and the real webhook: who is asked, reading a
reply, asking again, one conversation at a time across features, changing an answer until
closing, the one message after closing, confidentiality and the periodic task."""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from hsbp.community import talks, tasks, votes
from hsbp.community.models import Ballot, Talk
from hsbp.community.vote_replies import text
from hsbp.consultations import invitations, questions
from hsbp.consultations import services as consultation_services
from hsbp.consultations.models import Participation
from hsbp.grievances import messages as grievance_messages
from hsbp.grievances import services as grievance_services
from hsbp.grievances.models import Grievance, GrievanceOfficer, Stage
from hsbp.monitoring import polls, services, sms_turns
from hsbp.sms import texts
from hsbp.sms.encoding import normalise
from hsbp.sms.models import InboundMessage, OutboundMessage
from tests.community.vote_world import QUESTION, put, resident, world
from tests.grievances.conftest import membership_of
from tests.grievances.test_sms import TO_CLOSED
from tests.principles import proposed_version
from tests.sms.conftest import PHONE
from tests.sms.conftest import sms as sms  # the fixture

OTHER = "+573104567822"


def say(key: str, locale="es", **values) -> str:
    return normalise(text(locale, key, **values))


@pytest.fixture
def setup(session, make):
    return world(session, make)


@pytest.fixture
def contact(session, setup):
    return resident(session, setup, phone=PHONE)


@pytest.fixture
def charter_vote(session, setup):
    def build(**fields):
        version = proposed_version(session, setup)
        return put(session, setup, {"charter_version": version}, **fields)

    return build


def questions_to(session, contact) -> list[tuple[str, str, bool]]:
    return [
        (kind, body, confidential)
        for kind, body, confidential in session.execute(
            select(OutboundMessage.kind, OutboundMessage.body, OutboundMessage.confidential)
            .where(OutboundMessage.contact_id == contact.id)
            .order_by(OutboundMessage.id)
        )
    ]


def states(session) -> list[tuple[int, str]]:
    session.expire_all()
    return [(t.contact_id, t.state) for t in session.scalars(select(Talk).order_by(Talk.id))]


def test_a_vote_asks_only_contacts_who_confirmed_and_never_sent_stop(
    session, setup, contact, charter_vote
):
    stopped = resident(session, setup, opted_out=True)
    pending = resident(session, setup, pending=True)
    vote = charter_vote()

    assert questions_to(session, contact) == [("vote", QUESTION, True)]
    assert questions_to(session, stopped) == []
    assert [kind for kind, _body, _c in questions_to(session, pending)] == []
    assert states(session) == [(contact.id, "asked")]
    assert talks.progress(session, kind="vote", subject_ids=[vote.id])[vote.id]["asked"] == 1


def test_an_answer_is_counted_and_thanked(session, sms, contact, charter_vote):
    vote = charter_vote()

    assert sms(" 1. ").replies == [say("thanks")]

    ballot = session.scalar(select(Ballot))
    assert (ballot.vote_id, ballot.contact_id, ballot.choice, ballot.changes) == (
        vote.id,
        contact.id,
        "support",
        0,
    )
    assert ballot.locality == "La Esperanza"
    assert states(session) == [(contact.id, "answered")]


def test_the_answer_and_the_question_show_on_no_sms_page(session, sms, contact, charter_vote):
    charter_vote()
    sms("2")
    message = session.scalar(select(InboundMessage))
    assert (message.route, message.confidential, message.in_inbox, message.body) == (
        "community_talk",
        True,
        False,
        "",
    )
    assert session.scalars(select(OutboundMessage.confidential)).all() == [True, True]


def test_a_reply_that_fits_nothing_is_asked_again_twice_then_the_talk_ends(
    session, sms, contact, charter_vote
):
    charter_vote()
    assert sms("sí").replies == [say("support_retry")]
    assert sms("4").replies == [say("support_retry")]
    # The third is about something else: it goes to the inbox, the question is dropped.
    assert sms("¿Cuándo arreglan la vía?").replies == [texts.text("es", "received")]
    assert sms("1").replies == []  # no longer asked: the inbox, which answered once today
    assert states(session) == [(contact.id, "ended")]
    assert session.scalar(select(func.count()).select_from(Ballot)) == 0


POLL_QUESTION = "¿Cuántos días sin agua? Responda con un número."


def start_poll(session, setup):
    indicator = services.create_indicator(
        session,
        actor=setup.facilitator,
        partnership=setup.partnership,
        fields={
            "name": {"es": "Días sin agua"},
            "kind": "number",
            "baseline_value": "10",
            "baseline_on": date(2026, 1, 1),
            "target_value": "50",
            "target_on": date(2027, 1, 1),
        },
    )
    return polls.start_poll(
        session,
        actor=setup.facilitator,
        indicator=indicator,
        fields={
            "question": {"es": POLL_QUESTION},
            "audience": "all",
            "period_on": date(2026, 10, 1),
            "closes_at": datetime.now(UTC) + timedelta(days=3),
        },
    )


def test_a_contact_answering_a_poll_is_asked_the_vote_when_they_finish(
    session, sms, setup, contact, charter_vote
):
    start_poll(session, setup)
    charter_vote()
    assert states(session) == [(contact.id, "waiting")]

    assert sms("12").replies == [normalise(polls.text("es", "thanks")), QUESTION]
    assert states(session) == [(contact.id, "asked")]
    assert sms("1").replies == [say("thanks")]


def test_a_poll_started_while_a_vote_is_asked_waits_behind_it(
    session, sms, setup, contact, charter_vote
):
    charter_vote()
    assert sms_turns.busy(session, contact.id) is True
    start_poll(session, setup)
    assert questions_to(session, contact) == [("vote", QUESTION, True)]

    assert sms("12").replies == [say("support_retry")]  # a vote's answer, not the poll's
    assert sms("3").replies == [say("thanks"), POLL_QUESTION]
    assert sms_turns.busy(session, contact.id) is True  # now with the poll


def test_a_second_vote_waits_behind_the_first_and_is_asked_after_the_answer(
    session, sms, setup, contact, charter_vote, make
):
    first = charter_vote()
    decision_vote = put(
        session,
        setup,
        {},
        title={"es": "Prioridades"},
        question={"es": "Ordene: 1 Agua 2 Vías 3 Empleo. Responda los dígitos, ej. 312"},
        options={"es": ["Agua", "Vías", "Empleo"]},
    )
    assert states(session) == [(contact.id, "asked"), (contact.id, "waiting")]

    replies = sms("1").replies
    assert replies == [
        say("thanks"),
        "Ordene: 1 Agua 2 Vías 3 Empleo. Responda los dígitos, ej. 312",
    ]
    assert sms("2 3 1").replies == [say("thanks")]

    ballots = session.execute(
        select(Ballot.vote_id, Ballot.choice, Ballot.ranking).order_by(Ballot.id)
    ).all()
    keys = [option["key"] for option in decision_vote.options]
    assert [tuple(b) for b in ballots] == [
        (first.id, "support", []),
        (decision_vote.id, "231", [keys[1], keys[2], keys[0]]),
    ]


def test_a_later_answer_changes_the_vote_until_it_closes(session, sms, contact, charter_vote):
    vote = charter_vote()
    sms("1")
    assert sms("2").replies == [say("changed")]
    assert sms("2").replies == [say("thanks")]  # the same answer again changes nothing
    assert sms("gracias").replies == [texts.text("es", "received")]  # not an answer

    ballot = session.scalar(select(Ballot))
    assert (ballot.choice, ballot.changes) == ("object", 1)
    votes.close_vote(session, vote=vote)
    assert sms("1").replies == [say("closed")]
    session.refresh(ballot)
    assert ballot.choice == "object"


def test_a_contact_asked_when_the_vote_closed_is_told_once_and_not_counted(
    session, sms, contact, charter_vote
):
    vote = charter_vote()
    votes.close_vote(session, vote=vote)

    assert sms("1").replies == [say("closed")]
    assert sms("1").replies == [texts.text("es", "received")]
    assert session.scalar(select(func.count()).select_from(Ballot)) == 0


def test_an_answer_after_the_closing_time_closes_the_vote_and_is_not_counted(
    session, sms, contact, charter_vote
):
    vote = charter_vote()
    vote.closes_at = datetime.now(UTC) - timedelta(minutes=1)
    session.flush()
    assert sms("1").replies == [say("closed")]
    session.refresh(vote)
    assert vote.status == "closed"
    assert session.scalar(select(func.count()).select_from(Ballot)) == 0


def test_a_digit_a_grievance_rating_asked_for_since_goes_to_the_rating(
    session, sms, make, setup, contact, charter_vote
):
    charter_vote()
    sms("1")
    officer = make.member(setup.partnership, user=make.user(name="Olga"))
    session.add(GrievanceOfficer(partnership_id=setup.partnership.id, user_id=officer.id))
    sms("REPORT Se cayó el puente")
    grievance = session.scalar(select(Grievance))
    membership = membership_of(session, officer, setup.partnership)
    for stage in (*TO_CLOSED, Stage.CLOSED):
        grievance_services.change_stage(
            session, actor=officer, membership=membership, grievance=grievance, to=stage
        )

    assert sms("3").replies == [grievance_messages.text("es", "rate_thanks")]
    assert session.scalar(select(Ballot.choice)) == "support"


def test_the_periodic_task_closes_due_votes_and_asks_freed_contacts(
    session, setup, contact, charter_vote
):
    other = resident(session, setup, phone=OTHER)
    first = charter_vote()
    second = put(
        session,
        setup,
        {},
        title={"es": "Prioridades"},
        question={"es": "Ordene: 1 Agua 2 Vías. Responda los dígitos, ej. 21"},
        options={"es": ["Agua", "Vías"]},
    )
    assert states(session) == [
        (contact.id, "asked"),
        (other.id, "asked"),
        (contact.id, "waiting"),
        (other.id, "waiting"),
    ]
    first.closes_at = datetime.now(UTC) - timedelta(minutes=1)

    assert tasks.sweep(session, now=datetime.now(UTC)) == (1, 2)

    assert first.status == "closed"
    assert states(session) == [
        (contact.id, "ended"),
        (other.id, "ended"),
        (contact.id, "asked"),
        (other.id, "asked"),
    ]
    assert questions_to(session, other)[-1] == (
        "vote",
        "Ordene: 1 Agua 2 Vías. Responda los dígitos, ej. 21",
        True,
    )
    assert second.status == "open"


def test_a_waiting_contact_who_sent_stop_is_never_asked(session, sms, setup, contact, charter_vote):
    charter_vote()
    put(
        session,
        setup,
        {},
        title={"es": "Prioridades"},
        question={"es": "Ordene: 1 Agua 2 Vías. Responda los dígitos, ej. 21"},
        options={"es": ["Agua", "Vías"]},
    )
    sms("STOP")
    before = len(questions_to(session, contact))
    assert tasks.sweep(session, now=datetime.now(UTC)) == (0, 0)
    assert len(questions_to(session, contact)) == before


def open_consultation(session, setup):
    consultation = consultation_services.create_consultation(
        session,
        actor=setup.facilitator,
        partnership=setup.partnership,
        fields={
            "title": {"es": "Agua y caminos"},
            "purpose": {"es": "Qué necesita cada vereda"},
            "dimensions": ["environmental"],
            "audience": {"contacts": True, "members": False},
            "channels": ["sms"],
            "anonymous": False,
        },
    )
    questions.add_question(
        session,
        actor=setup.facilitator,
        partnership=setup.partnership,
        consultation=consultation,
        fields={"kind": "yes_no", "text": {"es": "¿Va a las reuniones?"}},
    )
    consultation_services.open_consultation(
        session, actor=setup.facilitator, consultation=consultation
    )
    return consultation


def test_a_consultation_invited_while_a_vote_is_asked_starts_after_the_answer(
    session, sms, setup, contact, charter_vote
):
    charter_vote()
    consultation = open_consultation(session, setup)
    invitations.invite_by_sms(session, actor=setup.facilitator, consultation=consultation)
    participation = session.scalar(select(Participation))
    assert participation.state == "waiting"
    assert [kind for kind, _b, _c in questions_to(session, contact)] == ["vote"]

    replies = sms("1").replies
    assert replies[0] == say("thanks")
    assert replies[1].startswith("Agua y caminos")  # the consultation's intro, then its question
    session.refresh(participation)
    assert participation.state == "in_progress"


def test_the_periodic_task_starts_a_consultation_freed_by_a_closed_vote(
    session, sms, setup, contact, charter_vote
):
    vote = charter_vote()
    consultation = open_consultation(session, setup)
    invitations.invite_by_sms(session, actor=setup.facilitator, consultation=consultation)
    votes.close_vote(session, vote=vote)

    assert tasks.sweep(session, now=datetime.now(UTC)) == (0, 1)
    assert [kind for kind, _b, _c in questions_to(session, contact)] == [
        "vote",
        "consultation",
        "consultation",
    ]
    # The next message answers the consultation, not the closed vote.
    assert sms("sí").replies[0] != say("closed")
