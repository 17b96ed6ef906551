"""Pulses by SMS, end to end through the webhook: one question a message, re-prompts, SKIP,
one answer per contact and round, closing mid-way, one conversation at a time, the periodic
closing, the pulses page and the texts' size."""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from hsbp.errors import ServiceError
from hsbp.i18n import UI_LOCALE_CODES
from hsbp.monitoring import polls, pulses, sms_pulses, tasks
from hsbp.monitoring.pulse_models import (
    DIMENSIONS,
    PulseComment,
    PulseResponse,
    PulseScore,
    PulseTalk,
)
from hsbp.monitoring.services import create_indicator
from hsbp.sms import contacts, texts
from hsbp.sms.encoding import measure, normalise
from hsbp.sms.models import InboundMessage, OutboundMessage
from tests.sms.conftest import PHONE, SENDER, add_contact, page_text
from tests.sms.conftest import sms as sms  # the fixture

SKIP_ES = sms_pulses.skip_words("es")[0]


@pytest.fixture
def partnership(make, session):
    partnership = make.partnership(locales=["es", "en"], default_locale="es")
    contacts.configure_sender(
        session, partnership_id=partnership.id, sender=SENDER, join_code="PULSO"
    )
    return partnership


@pytest.fixture
def contact(session, partnership):
    return add_contact(session, partnership, PHONE, locale="es")


@pytest.fixture
def open_round(session, partnership, facilitator):
    def build(include_sms=True):
        return pulses.open_round(
            session,
            actor=facilitator,
            partnership=partnership,
            fields={
                "title": {"es": "Pulso 1"},
                "closes_at": datetime.now(UTC) + timedelta(days=7),
                "include_sms": include_sms,
            },
        )

    return build


def question(step: int) -> str:
    return normalise(sms_pulses._question("es", step))


def say(key: str, **values) -> str:
    return normalise(sms_pulses.text("es", key, **values))


def sent(session, contact, kind="pulse") -> list[str]:
    session.expire_all()
    return list(
        session.scalars(
            select(OutboundMessage.body)
            .where(OutboundMessage.contact_id == contact.id, OutboundMessage.kind == kind)
            .order_by(OutboundMessage.id)
        )
    )


def scores_of(session, pulse_round) -> dict[str, tuple[str, int]]:
    session.expire_all()
    rows = session.scalars(select(PulseScore).where(PulseScore.round_id == pulse_round.id))
    return {row.dimension: (row.constituency, row.score) for row in rows}


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def test_a_contact_scores_a_round_by_sms(session, sms, open_round, contact):
    pulse_round = open_round()
    assert sent(session, contact) == [say("intro", skip=SKIP_ES), question(0)]

    for step, reply in enumerate(["4", " 5. ", "\u0663", "2", "1!", "3", "4", "5"]):
        assert sms(reply).replies == [question(step + 1)]
    assert sms("Nos escuchan más").replies == [say("thanks")]

    response = session.scalar(select(PulseResponse))
    assert (response.round_id, response.contact_id, response.user_id) == (
        pulse_round.id,
        contact.id,
        None,
    )
    assert response.constituency == "community"
    assert scores_of(session, pulse_round) == {
        d: ("community", s) for d, s in zip(DIMENSIONS, [4, 5, 3, 2, 1, 3, 4, 5], strict=True)
    }
    assert [c.text for c in session.scalars(select(PulseComment))] == ["Nos escuchan más"]
    talk = session.scalar(select(PulseTalk))
    assert (talk.state, talk.answers, talk.comment) == ("done", {}, "")


def test_a_reply_that_is_no_score_is_asked_again_twice_then_skipped(
    session, sms, open_round, contact
):
    pulse_round = open_round()
    retry = say("retry", n=1, skip=SKIP_ES)
    assert sms("abc").replies == [retry]
    assert sms("7").replies == [retry]
    assert sms("45").replies == [question(1)]  # the third miss skips the question
    # Maybe meant for a person, but a pulse is anonymous: it is no one's to read.
    assert session.execute(
        select(InboundMessage.in_inbox, InboundMessage.confidential, InboundMessage.body)
        .order_by(InboundMessage.id.desc())
        .limit(1)
    ).one() == (False, True, "")
    for _step in range(7):
        sms("3")
    assert sms("skip").replies == [say("thanks")]

    assert scores_of(session, pulse_round) == {d: ("community", 3) for d in DIMENSIONS[1:]}
    assert count(session, PulseComment) == 0


def test_the_whole_conversation_is_confidential_and_its_texts_are_not_kept(
    session, sms, open_round, contact
):
    open_round()
    for reply in ["4", "abc", "5", *["3"] * 6]:
        sms(reply)
    sms("El alcalde no escucha a las mujeres")
    sms("hola")  # after the round: an ordinary message again
    session.expire_all()
    inbound = session.execute(
        select(InboundMessage.route, InboundMessage.confidential, InboundMessage.body).order_by(
            InboundMessage.id
        )
    ).all()
    assert inbound == [("pulse", True, "")] * 10 + [("inbox", False, "hola")]
    outgoing = session.execute(
        select(OutboundMessage.kind, OutboundMessage.confidential).order_by(OutboundMessage.id)
    ).all()
    # The intro and first question, a reply to each answer, then the inbox's own reply.
    assert outgoing == [("pulse", True)] * 2 + [("reply", True)] * 10 + [("reply", False)]


def test_skip_leaves_a_dimension_out(session, sms, open_round, contact):
    pulse_round = open_round()
    sms("SKIP")
    sms("2")
    for _step in range(6):
        sms("skip")
    assert sms("Saltar").replies == [say("thanks")]  # the Spanish skip word once shipped

    assert scores_of(session, pulse_round) == {"inclusive": ("community", 2)}


def test_a_contact_answers_a_round_once(session, sms, open_round, contact):
    pulse_round = open_round()
    for _step in range(8):
        sms("4")
    sms("skip")

    late = sms("5")
    assert late.replies == [texts.text("es", "received")]
    assert count(session, PulseResponse) == 1
    assert count(session, PulseScore) == 8
    with pytest.raises(ServiceError):
        pulses.record_contact_scores(session, pulse_round, contact, {"equity": 1})
    assert count(session, PulseScore) == 8


def test_closing_mid_way_records_the_answers_given_once(
    session, sms, open_round, contact, facilitator
):
    pulse_round = open_round()
    sms("5")
    sms("4")
    sms("3")

    pulses.close_round(session, pulse_round, actor=facilitator)
    pulses.close_round(session, pulse_round, actor=facilitator)

    assert scores_of(session, pulse_round) == {
        "locally_driven": ("community", 5),
        "inclusive": ("community", 4),
        "forward_looking": ("community", 3),
    }
    assert count(session, PulseResponse) == 1
    assert sms("2").replies == [say("closed")]
    assert sms("2").replies == [texts.text("es", "received")]
    assert count(session, PulseScore) == 3


def test_a_round_past_its_closing_time_is_closed_by_the_periodic_task(
    session, sms, open_round, contact
):
    pulse_round = open_round()
    sms("2")
    assert tasks.close_due_rounds(session, now=datetime.now(UTC)) == 0
    assert tasks.close_due_rounds(session, now=pulse_round.closes_at) == 1

    assert pulse_round.status == "closed"
    assert scores_of(session, pulse_round) == {"locally_driven": ("community", 2)}


def test_opted_out_contacts_are_not_asked(session, partnership, open_round):
    stopped = add_contact(session, partnership, "+573104567822", opted_out=True)
    reached = add_contact(session, partnership, "+573104567823")
    pulse_round = open_round()

    assert sent(session, stopped) == []
    assert len(sent(session, reached)) == 2
    assert sms_pulses.counts(session, round_ids=[pulse_round.id]) == {pulse_round.id: (1, 0)}


def test_a_contact_answering_a_poll_gets_the_pulse_after_it(
    session, sms, partnership, facilitator, open_round, contact
):
    indicator = create_indicator(
        session,
        actor=facilitator,
        partnership=partnership,
        fields={
            "name": {"es": "Familias con agua"},
            "kind": "number",
            "baseline_value": "10",
            "baseline_on": date(2026, 1, 1),
            "target_value": "50",
            "target_on": date(2027, 1, 1),
        },
    )
    polls.start_poll(
        session,
        actor=facilitator,
        indicator=indicator,
        fields={
            "question": {"es": "¿Cuántos días sin agua este mes? Responda con un número."},
            "audience": "all",
            "period_on": date(2026, 10, 1),
            "closes_at": datetime.now(UTC) + timedelta(days=3),
        },
    )
    open_round()
    assert sent(session, contact) == []  # waits behind the poll

    assert sms("3").replies == [
        normalise(polls.text("es", "thanks")),
        say("intro", skip=SKIP_ES),
        question(0),
    ]
    assert sms("5").replies == [question(1)]


def test_the_pulses_page_counts_the_contacts_asked_and_answered(
    session, sms, client, login, open_round, contact, facilitator, partnership
):
    pulse_round = open_round()
    for _step in range(9):
        sms("4")
    login(facilitator)

    page = page_text(client.get(f"/p/{partnership.id}/pulses"))
    assert "By SMS: 1 contacts asked, 1 answered" in page

    closed = client.post(f"/p/{partnership.id}/pulses/{pulse_round.id}/close")
    assert closed.status_code == 302
    session.expire_all()
    assert pulse_round.status == "closed"


def shipped(locale: str, msgid: str) -> str:
    """The text in `locale` from the shipped catalog (English until the catalogs have it)."""
    return texts.catalog(locale).gettext(msgid)


@pytest.mark.parametrize("locale", UI_LOCALE_CODES)
@pytest.mark.parametrize("key", sorted(sms_pulses.TEXTS) + list(DIMENSIONS))
def test_every_pulse_text_fits_one_segment(locale, key):
    source = sms_pulses.TEXTS.get(key) or sms_pulses.QUESTIONS[key]
    values = {"skip": "SKIP", "n": "8"}
    written = shipped(locale, source)
    size = measure(normalise(written % {k: v for k, v in values.items() if f"%({k})" in source}))
    assert size.segments == 1, (locale, key, size, written)
