"""Consultations by SMS, end to end through the webhook: invitations, answers, re-prompts,
skips, skip logic, one conversation at a time, anonymity, closing, reminders and texts."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from hsbp.consultations import answering, conversation, invitations, services, tasks
from hsbp.consultations.models import Answer, AnswerChoice, Participation, Response
from hsbp.consultations.sms_format import render_question
from hsbp.errors import ServiceError
from hsbp.i18n import UI_LOCALE_CODES
from hsbp.sms import contacts, inbound, inbox, texts
from hsbp.sms.encoding import measure, normalise
from hsbp.sms.models import InboundMessage, OutboundMessage
from tests.sms.conftest import PHONE, SENDER, actions, add_contact, map_participant, replies_to
from tests.sms.conftest import sms as sms  # the fixture

# Translations not merged into the catalogs yet: {msgid: {locale: text}}, from a JSON file
# named by this variable (the catalogs win once they have the text).
# Values as long as real ones: a short title (a long one takes two segments in Arabic).
SAMPLES = {
    "title": "Agua y caminos en la vereda",
    "skip": "SKIP",
    "low": "0",
    "high": "30",
}

# Noon and midnight in the partnership's time zone (America/Bogota, UTC-5).
NOON = datetime(2026, 3, 10, 17, 0, tzinfo=UTC)
MIDNIGHT = datetime(2026, 3, 10, 5, 0, tzinfo=UTC)


@pytest.fixture
def contact(session, partnership):
    contacts.configure_sender(
        session, partnership_id=partnership.id, sender=SENDER, join_code="CAGUAN"
    )
    return add_contact(session, partnership, PHONE, locale="es")


def asked(consultation, index: int, note: str | None = None) -> str:
    """Question `index` (from 0) as the Spanish contact receives it."""
    active = answering.active_questions(consultation)
    message = render_question(active[index], "es", index + 1, len(active), "es")
    return normalise(f"{note} {message}" if note else message)


def say(key: str, **values) -> str:
    return normalise(conversation.text("es", key, **values))


def intro(consultation) -> str:
    title = consultation.title["es"]
    return say("intro", title=title, skip=conversation.skip_words("es")[0])


def sent(session, contact) -> list[str]:
    """What was sent to `contact` without answering a message (intros, reminders)."""
    session.expire_all()
    return list(
        session.scalars(
            select(OutboundMessage.body)
            .where(OutboundMessage.contact_id == contact.id, OutboundMessage.kind == "consultation")
            .order_by(OutboundMessage.id)
        )
    )


def participation_of(session, consultation, contact) -> Participation:
    session.expire_all()
    return session.scalar(
        select(Participation).where(
            Participation.consultation_id == consultation.id,
            Participation.contact_id == contact.id,
        )
    )


def answers_by_question(session, response_id) -> dict[int, Answer]:
    session.expire_all()
    rows = session.scalars(select(Answer).where(Answer.response_id == response_id))
    return {answer.question_id: answer for answer in rows}


def invite(session, facilitator, consultation) -> int:
    return invitations.invite_by_sms(session, actor=facilitator, consultation=consultation)


def test_a_contact_completes_a_consultation_by_sms(session, sms, build, facilitator, contact):
    consultation = build()
    water, worries, trust, meetings, river, children = answering.active_questions(consultation)
    assert invite(session, facilitator, consultation) == 1
    assert sent(session, contact) == [intro(consultation), asked(consultation, 0)]

    assert sms("no sé").replies == [f"{say('choose')} {asked(consultation, 0)}"]
    assert sms("  RÍO! ").replies == [asked(consultation, 1)]  # a label, any case or accent
    assert sms("1, 3").replies == [asked(consultation, 2)]
    assert sms("7").replies == [f"{say('choose')} {asked(consultation, 2)}"]  # out of range
    assert sms("skip").replies == [asked(consultation, 3)]
    assert sms("2").replies == [asked(consultation, 4)]  # "river" shows the river question
    assert sms("Está más sucio").replies == [asked(consultation, 5)]
    assert sms("40").replies == [
        f"{say('number_between', low='0', high='30')} {asked(consultation, 5)}"
    ]
    assert sms("3").replies == [say("thanks")]

    participation = participation_of(session, consultation, contact)
    assert (participation.state, participation.current_question_id) == ("complete", None)
    response = session.get(Response, participation.response_id)
    assert (response.state, response.channel, response.locale) == ("complete", "sms", "es")
    assert response.contact_id == contact.id
    answers = answers_by_question(session, response.id)
    assert {q: sorted(c.choice for c in a.choices) for q, a in answers.items()} == {
        water.id: ["river"],
        worries.id: ["dust", "jobs"],
        trust.id: [],
        meetings.id: ["no"],
        river.id: [],
        children.id: [],
    }
    assert answers[trust.id].skipped is True
    assert answers[river.id].text == "Está más sucio"
    assert answers[children.id].number == 3
    assert {a.raw for a in answers.values()} == {"RÍO!", "1, 3", "skip", "2", "Está más sucio", "3"}
    assert sms("gracias").replies == [normalise(texts.text("es", "received"))]  # the inbox


def test_yes_in_any_language_answers_a_question_and_is_no_restart(
    session, sms, build, facilitator, contact
):
    """SI and YES are also START words; from a contact who gets messages they answer."""
    consultation = build()
    invite(session, facilitator, consultation)
    for reply in ("2", "1", "skip"):
        sms(reply)
    assert sms("Sí").replies == [asked(consultation, 5)]  # no river question: "well" chosen
    response = session.get(Response, participation_of(session, consultation, contact).response_id)
    meetings = answering.active_questions(consultation)[3]
    assert answers_by_question(session, response.id)[meetings.id].choices[0].choice == "yes"


def test_the_audience_filters_apply_through_the_mapped_participant(
    session, build, facilitator, partnership, contact
):
    consultation = build(audience={"contacts": True, "sectors": ["community_group"]})
    participant = map_participant(session, partnership, facilitator, sector="community_group")
    mapped = add_contact(session, partnership, "+573104567822", participant=participant)
    add_contact(session, partnership, "+573104567823", participant=participant, opted_out=True)
    assert invite(session, facilitator, consultation) == 1
    invited = session.scalars(
        select(Participation).where(Participation.consultation_id == consultation.id)
    ).all()
    assert [(p.contact_id, p.sector, p.state) for p in invited] == [
        (mapped.id, "community_group", "in_progress")
    ]
    assert actions(session, partnership.id)[-1] == "consultation.invite_sms"
    assert sent(session, contact) == []


def test_a_draft_consultation_invites_nobody(session, build, facilitator, contact):
    with pytest.raises(
        ServiceError, match=re.escape("Open the consultation before inviting by SMS.")
    ):
        invite(session, facilitator, build(open_it=False))


def test_three_replies_that_fit_nothing_skip_the_question(
    session, sms, build, facilitator, contact
):
    consultation = build()
    water = answering.active_questions(consultation)[0]
    invite(session, facilitator, consultation)
    for _ in range(2):
        assert sms("agua").replies == [f"{say('choose')} {asked(consultation, 0)}"]
    assert sms("agua").replies == [asked(consultation, 1, note=say("skipped"))]
    assert sms("2").replies == [asked(consultation, 2)]
    assert sms("5").replies == [asked(consultation, 3)]
    # The water question was skipped, so the river question that depends on it is not asked.
    assert sms("1").replies == [asked(consultation, 5)]

    participation = participation_of(session, consultation, contact)
    answer = answers_by_question(session, participation.response_id)[water.id]
    assert (answer.skipped, answer.raw) == (True, "agua")
    inbox = session.scalars(select(InboundMessage.in_inbox).order_by(InboundMessage.id)).all()
    assert inbox == [True, True, True, False, False, False]  # what was no answer is read


def test_stop_in_the_middle_stops_the_questions(session, sms, build, facilitator, contact):
    consultation = build(reminder_days=1)
    invite(session, facilitator, consultation)
    assert sms("1").replies == [asked(consultation, 1)]
    assert sms("STOP").replies == [normalise(texts.text("es", "stopped"))]
    assert sms("2").replies == []
    participation = participation_of(session, consultation, contact)
    participation.last_activity_at = NOON - timedelta(days=3)
    assert tasks.send_reminders(session, now=NOON) == 0
    assert sent(session, contact) == [intro(consultation), asked(consultation, 0)]
    response = session.get(Response, participation.response_id)
    assert len(answers_by_question(session, response.id)) == 1


def test_the_second_consultation_starts_after_the_first(session, sms, build, facilitator, contact):
    first, second = build(), build(title={"es": "Salud", "en": "Health"})
    assert invite(session, facilitator, first) == 1
    assert invite(session, facilitator, second) == 1
    assert invite(session, facilitator, second) == 0  # nobody is asked twice
    assert participation_of(session, second, contact).state == "waiting"
    assert sent(session, contact) == [intro(first), asked(first, 0)]

    for reply in ("2", "1", "3", "1"):  # a well: the river question is not asked
        sms(reply)
    assert sms("4").replies == [say("thanks"), intro(second), asked(second, 0)]
    assert participation_of(session, first, contact).state == "complete"
    assert participation_of(session, second, contact).state == "in_progress"
    assert sms("3").replies == [asked(second, 1)]


def test_an_anonymous_response_keeps_nothing_that_links_it(
    session, sms, build, facilitator, contact
):
    consultation = build(anonymous=True)
    invite(session, facilitator, consultation)
    for reply in ("2", "1", "3", "1"):
        sms(reply)
    assert participation_of(session, consultation, contact).response_id is not None
    assert sms("0").replies == [say("thanks")]

    assert participation_of(session, consultation, contact).response_id is None
    response = session.scalar(select(Response).where(Response.consultation_id == consultation.id))
    assert (response.state, response.contact_id, response.participant_id) == (
        "complete",
        None,
        None,
    )
    assert len(answers_by_question(session, response.id)) == 5


def message_log(session) -> list[tuple]:
    session.expire_all()
    return session.execute(
        select(
            InboundMessage.body,
            InboundMessage.route,
            InboundMessage.confidential,
            InboundMessage.in_inbox,
        ).order_by(InboundMessage.id)
    ).all()


def test_an_anonymous_conversation_leaves_no_text_in_the_message_log(
    session, sms, build, facilitator, contact, partnership
):
    consultation = build(anonymous=True)
    invite(session, facilitator, consultation)
    sms("1")
    sms("no entiendo")  # fits no option: asked again, not put in the inbox
    sms("ninguna")
    sms("tampoco")  # the third miss: skipped, its words kept on the skipped answer
    for reply in ("1", "1", "El río baja negro desde la mina", "3"):
        sms(reply)
    assert participation_of(session, consultation, contact).state == "complete"
    sms("hola, ¿hay reunión?")  # the conversation is over: an ordinary message again

    assert message_log(session) == [("", "consultation", True, False)] * 8 + [
        ("hola, ¿hay reunión?", "inbox", False, True)
    ]
    skipped = session.scalar(select(Answer).where(Answer.skipped.is_(True)))
    assert skipped.raw == "tampoco"
    written = session.scalar(select(Answer).where(Answer.text.is_not(None)))
    assert written.text == "El río baja negro desde la mina"
    # Everything sent in the conversation is confidential too: the intro, the first
    # question (sent unasked) and every reply.
    outgoing = session.execute(
        select(OutboundMessage.kind, OutboundMessage.confidential).order_by(OutboundMessage.id)
    ).all()
    assert outgoing == [("consultation", True)] * 2 + [("reply", True)] * 8 + [("reply", False)]
    thread = inbox_thread(session, partnership)
    assert [item.body for item in thread] == [
        "hola, ¿hay reunión?",
        normalise(texts.text("es", "received")),
    ]


def inbox_thread(session, partnership):
    return inbox.conversation(session, partnership_id=partnership.id, sender=SENDER, phone=PHONE)


def test_a_conversation_that_is_not_anonymous_is_kept_as_written(
    session, sms, build, facilitator, contact
):
    consultation = build()
    invite(session, facilitator, consultation)
    sms("no entiendo")
    sms("1")
    assert message_log(session) == [
        ("no entiendo", "consultation", False, True),
        ("1", "consultation", False, False),
    ]


def test_a_message_after_an_anonymous_consultation_closed_stays_confidential(
    session, sms, build, facilitator, contact
):
    consultation = build(anonymous=True)
    invite(session, facilitator, consultation)
    sms("1")
    services.close_consultation(session, actor=facilitator, consultation=consultation)
    assert sms("2").replies == [say("closed")]
    assert message_log(session)[-1] == ("", "consultation", True, False)


def test_an_anonymous_consultation_started_by_another_conversation_is_confidential(
    session, sms, build, facilitator, contact
):
    first, second = build(), build(anonymous=True)
    invite(session, facilitator, first)
    invite(session, facilitator, second)  # waits behind the first
    for reply in ("2", "1", "3", "1"):
        sms(reply)
    last = sms("0", sid="SM" + "e" * 32)
    assert last.replies == [say("thanks"), intro(second), asked(second, 0)]
    session.expire_all()
    flags = session.scalars(
        select(OutboundMessage.confidential)
        .join(InboundMessage, InboundMessage.id == OutboundMessage.reply_to_id)
        .where(InboundMessage.provider_sid == "SM" + "e" * 32)
        .order_by(OutboundMessage.id)
    ).all()
    # The thanks of the first consultation is not; the intro and question of the second are.
    assert flags == [False, True, True]


def test_two_copies_of_an_answer_count_once(app, session, build, facilitator, contact):
    consultation = build()
    water = answering.active_questions(consultation)[0]
    invite(session, facilitator, consultation)
    # Two taps on send: both arrive before the next question is sent, then are routed.
    sids = ["SM" + "a" * 32, "SM" + "b" * 32]
    ids = [
        inbound.store(app, {"MessageSid": sid, "From": PHONE, "To": SENDER, "Body": "2"})
        for sid in sids
    ]
    with app.app_context():
        inbound.route_message(ids[1])
    assert [replies_to(session, sid) for sid in sids] == [[asked(consultation, 1)], []]
    participation = participation_of(session, consultation, contact)
    answers = answers_by_question(session, participation.response_id)
    assert list(answers) == [water.id]
    assert participation.current_question_id == answering.active_questions(consultation)[1].id


def test_an_answer_recorded_meanwhile_is_not_counted_again(
    session, sms, build, facilitator, contact
):
    consultation = build()
    worries = answering.active_questions(consultation)[1]
    invite(session, facilitator, consultation)
    sms("2")
    participation = participation_of(session, consultation, contact)
    response = session.get(Response, participation.response_id)
    answering.record_answer(session, response, worries, choices=["dust"])  # a racing reply

    assert sms("3").replies == [asked(consultation, 2)]
    chosen = session.scalars(
        select(AnswerChoice.choice).where(AnswerChoice.question_id == worries.id)
    ).all()
    assert chosen == ["dust"]


def test_a_message_after_closing_is_told_once_and_kept(session, sms, build, facilitator, contact):
    consultation = build()
    invite(session, facilitator, consultation)
    sms("2")
    services.close_consultation(session, actor=facilitator, consultation=consultation)

    response = sms("1")
    assert response.replies == [say("closed")]
    message = session.scalar(select(InboundMessage).order_by(InboundMessage.id.desc()))
    assert (message.route, message.in_inbox) == ("consultation", True)
    participation = participation_of(session, consultation, contact)
    assert (participation.state, participation.current_question_id) == ("partial", None)
    assert session.get(Response, participation.response_id).state == "partial"
    assert sms("3").replies == [normalise(texts.text("es", "received"))]


def test_due_consultations_close_and_their_contacts_are_told(
    app, session, sms, build, facilitator, contact
):
    consultation = build(closes_at=datetime.now(UTC) + timedelta(days=1))
    invite(session, facilitator, consultation)
    sms("2")
    consultation.closes_at = datetime.now(UTC) - timedelta(minutes=1)
    session.flush()
    with app.app_context():
        tasks.sweep_consultation_sms()
    session.expire_all()
    assert consultation.status == "closed"
    assert sms("1").replies == [say("closed")]


def test_a_forgotten_conversation_closes_and_the_next_starts(session, build, facilitator, contact):
    first = build(stale_days=7)
    second = build(title={"es": "Salud", "en": "Health"})
    invite(session, facilitator, first)
    invite(session, facilitator, second)
    participation_of(session, first, contact).last_activity_at = NOON - timedelta(days=6)
    assert tasks.end_conversations(session, now=NOON) == 0  # not stale yet
    participation_of(session, first, contact).last_activity_at = NOON - timedelta(days=7)
    assert tasks.end_conversations(session, now=MIDNIGHT + timedelta(days=1)) == 0
    assert tasks.end_conversations(session, now=NOON) == 1

    ended = participation_of(session, first, contact)
    assert (ended.state, ended.current_question_id) == ("partial", None)
    assert participation_of(session, second, contact).state == "in_progress"
    assert sent(session, contact)[2:] == [intro(second), asked(second, 0)]


def test_reminders_resend_the_question_every_few_days(
    session, build, facilitator, partnership, contact
):
    consultation = build(reminder_days=2)
    never = build(reminder_days=0, title={"es": "Salud", "en": "Health"})
    invite(session, facilitator, consultation)
    other = add_contact(session, partnership, "+573104567822")
    invite(session, facilitator, never)  # the other contact answers this one
    for participation in session.scalars(select(Participation)):
        participation.last_activity_at = NOON - timedelta(days=2)
    assert tasks.send_reminders(session, now=MIDNIGHT + timedelta(days=1)) == 0  # night
    assert tasks.send_reminders(session, now=NOON) == 1
    assert tasks.send_reminders(session, now=NOON + timedelta(days=1)) == 0
    assert tasks.send_reminders(session, now=NOON + timedelta(days=2)) == 1
    reminder = say("reminder")
    assert sent(session, contact)[2:] == [asked(consultation, 0, note=reminder)] * 2
    assert sent(session, other) == [intro(never), asked(never, 0)]


def shipped(locale: str, msgid: str, context: str | None = None) -> str:
    """The text in `locale`, from the shipped catalog (tests/test_i18n.py checks that every
    catalog is complete, so a missing translation fails there, not here)."""
    catalog = texts.catalog(locale)
    return catalog.pgettext(context, msgid) if context else catalog.gettext(msgid)


@pytest.mark.parametrize("locale", UI_LOCALE_CODES)
@pytest.mark.parametrize("key", sorted(conversation.TEXTS))
def test_every_conversation_text_fits_one_segment(locale, key):
    source = conversation.TEXTS[key]
    written = shipped(locale, source)
    values = {name: value for name, value in SAMPLES.items() if f"%({name})" in source}
    if "skip" in values:
        values["skip"] = skip_words(locale)[0]
    assert sorted(re.findall(r"%\((\w+)\)s", written)) == sorted(values), (locale, key)
    size = measure(normalise(written % values if values else written))
    assert size.segments == 1, (locale, key, size, written)


def skip_words(locale: str) -> list[str]:
    context, words = conversation.SKIP_KEYWORD
    return [w.strip() for w in shipped(locale, words, context).split(",") if w.strip()]


@pytest.mark.parametrize("locale", UI_LOCALE_CODES)
def test_skip_words_are_no_keyword_of_the_channel(locale):
    table = texts.keyword_table()
    assert [w for w in skip_words(locale) if texts.fold(w) in table] == []
    assert "SKIP" in [texts.fold(w) for w in skip_words("en")]
