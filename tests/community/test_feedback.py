""" "You said, we did": after a consultation closes, and once an action serving one of its goals
is done, a facilitator tells everyone who took part by SMS, from the participation list only,
each in their language, once unless asked again, in one SMS per language."""

import re

import pytest
from sqlalchemy import event, func, inspect, select

from hsbp import demo
from hsbp.actions import services as action_services
from hsbp.audit import AuditEntry
from hsbp.auth.models import User
from hsbp.community import feedback, feedback_send, feedback_texts
from hsbp.community.models import Feedback
from hsbp.config import DEV_TWILIO_SID, DEV_TWILIO_TOKEN
from hsbp.consultations import answering, invitations, questions, services
from hsbp.consultations.models import Consultation, Participation
from hsbp.errors import ServiceError
from hsbp.fake_twilio import FakeTwilio
from hsbp.i18n import UI_LOCALE_CODES
from hsbp.partnerships.models import Membership, Partner
from hsbp.principles.models import CharterVersion
from hsbp.security import Role
from hsbp.sms import contacts, local_texts
from hsbp.sms.encoding import measure
from hsbp.sms.models import Broadcast, LocalText, OutboundMessage
from tests.sms.conftest import SENDER, add_contact, page_text
from tests.sms.conftest import sms as sms  # the fixture

WATER = "a" * 32  # a goal of the charter in force
ROADS = "b" * 32  # a goal of a draft only
NEEDS = [
    ({"es": "Agua limpia", "en": "Clean water"}, WATER),
    ({"es": "Vías seguras", "en": "Safe roads"}, ROADS),
    ({"es": "Empleo para jóvenes", "en": "Jobs for young people"}, None),
]


@pytest.fixture
def partnership(make, session):
    partnership = make.partnership(name="Mesa Caguan", locales=["es", "en"], default_locale="es")
    contacts.configure_sender(
        session, partnership_id=partnership.id, sender=SENDER, join_code="CAGUAN"
    )
    for number, status, goals in ((1, "adopted", [WATER]), (2, "draft", [WATER, ROADS])):
        session.add(
            CharterVersion(
                partnership_id=partnership.id,
                number=number,
                status=status,
                content={"goals": [{"key": key, "title": {"es": key}} for key in goals]},
            )
        )
    session.flush()
    return partnership


@pytest.fixture
def facilitator(make, partnership):
    return make.member(partnership, Role.FACILITATOR, user=make.user(name="Lucía", locale="en"))


@pytest.fixture
def representative(make, partnership):
    return make.member(partnership, Role.REPRESENTATIVE, user=make.user(locale="en"))


def open_consultation(session, partnership, facilitator, *, anonymous=False):
    consultation = services.create_consultation(
        session,
        actor=facilitator,
        partnership=partnership,
        fields={
            "title": {"es": "Agua y caminos", "en": "Water and roads", "pbb": "Yu'"},
            "audience": {"contacts": True},
            "channels": ["sms", "assisted"],
            "anonymous": anonymous,
        },
    )
    questions.add_question(
        session,
        actor=facilitator,
        partnership=partnership,
        consultation=consultation,
        fields={
            "kind": "yes_no",
            "text": {"es": "¿Tiene agua?", "en": "Do you have water?", "pbb": "Yu'?"},
        },
    )
    services.open_consultation(session, actor=facilitator, consultation=consultation)
    consultation.outcome = {
        "needs": [
            {"key": f"n{index}", "text": text, "goal_key": goal}
            for index, (text, goal) in enumerate(NEEDS)
        ],
        "risks": [],
        "gaps": [],
    }
    session.flush()
    return consultation


def took_part(session, consultation, contact, state="complete", answered=True):
    """A contact's participation in `state`, with an answer counted when `answered`."""
    session.add(
        Participation(
            consultation_id=consultation.id, contact_id=contact.id, channel="sms", state=state
        )
    )
    if answered:
        response = answering.start_response(session, consultation, channel="sms", locale="es")
        answering.finish_response(session, response, partial=state != "complete")
    session.flush()


@pytest.fixture
def people(session, make, partnership, facilitator):
    """A closed consultation and its SMS contacts: three who took part and can hear back (in
    Spanish, English and French, which the partnership does not write in), and five who
    cannot: one who was invited and never answered, one waiting behind another consultation,
    one who took part then sent STOP, one who never confirmed the partnership, and one who
    confirmed but was never asked."""
    consultation = open_consultation(session, partnership, facilitator)
    found = {
        "es": add_contact(session, partnership, "+573104567801", locale="es", news=True),
        "en": add_contact(session, partnership, "+573104567802", locale="en", news=True),
        "fr": add_contact(session, partnership, "+573104567803", locale="fr", news=True),
        "invited": add_contact(session, partnership, "+573104567804"),
        "waiting": add_contact(session, partnership, "+573104567805"),
        "stopped": add_contact(session, partnership, "+573104567806", opted_out=True),
        "pending": add_contact(session, partnership, "+573104567807", pending=True),
        "not_asked": add_contact(session, partnership, "+573104567808"),
    }
    took_part(session, consultation, found["es"])
    took_part(session, consultation, found["en"], "partial")
    took_part(session, consultation, found["fr"], "in_progress", answered=False)
    took_part(session, consultation, found["invited"], "invited", answered=False)
    took_part(session, consultation, found["waiting"], "waiting", answered=False)
    took_part(session, consultation, found["stopped"])
    took_part(session, consultation, found["pending"])
    # Answered in a meeting, entered by the facilitator: counted, but no one to text.
    response = answering.start_response(session, consultation, channel="assisted", locale="es")
    answering.finish_response(session, response)
    services.close_consultation(session, actor=facilitator, consultation=consultation)
    found["consultation"] = consultation
    return found


def send(session, partnership, facilitator, consultation, bodies, **kwargs):
    return feedback_send.send_feedback(
        session,
        actor=facilitator,
        partnership=partnership,
        consultation=consultation,
        bodies=dict(bodies),
        **kwargs,
    )


def outgoing(session) -> list[tuple]:
    return [
        (m.contact_id, m.body, m.kind, m.confidential, m.reply_to_id)
        for m in session.scalars(select(OutboundMessage).order_by(OutboundMessage.id))
    ]


BODIES = {"es": "Mesa Caguan: gracias. Pediste agua limpia.", "en": "Mesa Caguan: thanks."}


# The proposal ------------------------------------------------------------------------------


def test_the_proposal_counts_the_answers_and_names_the_needs_and_the_goals_in_force(
    session, partnership, people
):
    texts = feedback.closure_proposal(
        session, partnership=partnership, consultation=people["consultation"]
    )
    assert list(texts) == ["es", "en"]
    # Five answers (four by SMS, one in a meeting); roads is a goal of a draft only.
    assert texts["en"] == (
        "Mesa Caguan: 5 took part, thank you! You asked for Clean water, Safe roads, and Jobs "
        "for young people. Now in our charter: Clean water."
    )
    assert measure(texts["es"]).segments == 1
    assert "Agua limpia" in texts["es"]


def test_a_tight_text_drops_needs_before_it_cuts_them(make, session, facilitator):
    # "á" makes every text UCS-2: 70 characters.
    partnership = make.partnership(name="Mesa Caguán", locales=["en"], default_locale="en")
    needs = [feedback_texts.Need({"en": text}, goal) for text, goal in NEEDS_EN]
    text = feedback_texts.closure_text("en", partnership=partnership, count=44, needs=needs)
    assert text == "Mesa Caguán: 44 took part, thank you! You asked for Clean water."
    assert measure(text).segments == 1


NEEDS_EN = [("Clean water", True), ("Safe roads", False), ("Jobs for young people", False)]
LONG_NAME = "Alianza para la Seguridad Humana del Caguán y sus veredas, Caquetá, Colombia"
LONG_NEED = "Agua limpia y suficiente todo el año en las veredas de La Esperanza y Los Pozos"


@pytest.mark.parametrize("locale", UI_LOCALE_CODES)
def test_every_proposal_fits_one_segment_in_every_shipped_language(make, locale):
    partnership = make.partnership(name=LONG_NAME, locales=[locale], default_locale=locale)
    needs = [
        feedback_texts.Need({locale: LONG_NEED}, True),
        feedback_texts.Need({locale: "Vías seguras para ir a la escuela"}, True),
        feedback_texts.Need({locale: "Empleo para jóvenes"}, False),
    ]
    closure = feedback_texts.closure_text(locale, partnership=partnership, count=1234, needs=needs)
    done = feedback_texts.action_text(
        locale,
        partnership=partnership,
        need={locale: LONG_NEED},
        action={locale: "Acueducto veredal de La Esperanza, con tanque y red de distribución"},
    )
    for text in (closure, done):
        assert measure(text).segments == 1, (locale, text)
    assert "Alianza" in closure and "Alianza" in done


@pytest.mark.parametrize("locale", UI_LOCALE_CODES)
@pytest.mark.parametrize("key", ["closed_thanks", "action_done"])
def test_the_plainest_texts_fit_one_segment_with_short_values(locale, key):
    values = {"partnership": "Mesa Caguán", "count": "44", "need": "agua", "action": "pozo"}
    text = feedback_texts.in_language(locale, feedback_texts.TEXTS[key], **values)
    assert measure(text).segments == 1, (locale, key, text)


def test_a_local_language_is_proposed_once_its_translators_wrote_the_texts(
    session, make, facilitator
):
    partnership = make.partnership(name="Mesa", locales=["es", "pbb"], default_locale="es")
    consultation = open_consultation(session, partnership, facilitator)
    proposal = feedback.closure_proposal(
        session, partnership=partnership, consultation=consultation
    )
    assert proposal["pbb"] == ""  # its readers get the Spanish text unless one is written

    for key in feedback_texts.CLOSURE_TEXTS:
        msgid = feedback_texts.TEXTS[key]
        session.add(
            LocalText(
                partnership_id=partnership.id,
                locale="pbb",
                msgid=msgid,
                msgid_hash=local_texts.msgid_hash(msgid),
                text="%(partnership)s: " + key + " %(count)s",
            )
        )
    session.flush()
    local_texts.forget(session)
    proposal = feedback.closure_proposal(
        session, partnership=partnership, consultation=consultation
    )
    assert proposal["pbb"] == "Mesa: closed_needs 0"  # no charter in force: no goal named
    # A default language the platform does not ship is always proposed, in English words.
    local_default = make.partnership(name="Mesa", locales=["pbb"], default_locale="pbb")
    other = open_consultation(session, local_default, facilitator)
    assert feedback.closure_proposal(session, partnership=local_default, consultation=other) == {
        "pbb": "Mesa: 0 took part, thank you! You asked for Agua limpia."
    }


# Who hears back ----------------------------------------------------------------------------


def test_those_who_took_part_hear_back_each_in_their_language(
    session, partnership, facilitator, people
):
    consultation = people["consultation"]
    sent = send(session, partnership, facilitator, consultation, BODIES)

    assert outgoing(session) == [
        (people["es"].id, BODIES["es"], "broadcast", False, None),
        (people["en"].id, BODIES["en"], "broadcast", False, None),
        (people["fr"].id, BODIES["es"], "broadcast", False, None),  # the default language
    ]
    assert (sent.consultation_id, sent.action_id, sent.recipients) == (consultation.id, None, 3)
    assert sent.bodies == BODIES
    broadcast = session.get(Broadcast, sent.broadcast_id)
    assert broadcast.bodies == BODIES
    assert broadcast.audience == {
        "kind": "consultation",
        "value": "Agua y caminos",
        "consultation_id": consultation.id,
    }
    assert {m.broadcast_id for m in session.scalars(select(OutboundMessage))} == {broadcast.id}
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "community.feedback_sent"))
    assert (entry.object_type, entry.object_id, entry.actor_id) == (
        "Feedback",
        sent.id,
        facilitator.id,
    )
    assert entry.details == {
        "consultation_id": consultation.id,
        "action_id": None,
        "broadcast_id": broadcast.id,
        "recipients": 3,
        "segments": 3,
    }


def test_the_reach_counts_who_took_part_and_who_cannot_hear_back(session, partnership, people):
    found = feedback.reach(session, partnership=partnership, consultation=people["consultation"])
    assert (found.took_part, found.stopped, found.unconfirmed) == (5, 1, 1)
    assert found.by_language == {"es": 2, "en": 1}
    assert found.recipients == 3


def test_the_message_goes_once_unless_the_facilitator_asks_again(
    session, partnership, facilitator, people
):
    consultation = people["consultation"]
    send(session, partnership, facilitator, consultation, BODIES)
    with pytest.raises(ServiceError) as refused:
        send(session, partnership, facilitator, consultation, BODIES)
    assert str(refused.value) == "This message was sent already. Tick the box to send another one."
    assert refused.value.field == "again"
    assert len(outgoing(session)) == 3

    again = send(session, partnership, facilitator, consultation, {"es": "Otra vez"}, again=True)
    assert again.recipients == 3
    assert len(outgoing(session)) == 6
    assert [row.id for row in feedback.sent_of(session, consultation_id=consultation.id)] == [
        again.id,
        again.id - 1,
    ]


@pytest.mark.parametrize(
    ("bodies", "field", "message"),
    [
        (
            {"es": "Mesa Caguán: " + "gracias " * 8, "en": "ok"},
            "body_es",
            "This text takes 2 SMS: shorten it to one (70 characters with these letters, it "
            "has 76).",
        ),
        (
            {"es": "ok", "en": "Thanks " * 30},
            "body_en",
            "This text takes 2 SMS: shorten it to one (160 characters with these letters, it "
            "has 209).",
        ),
        ({"es": "  ", "en": "Thanks"}, "body_es", None),
    ],
)
def test_a_text_over_one_sms_or_missing_is_refused_and_nothing_is_sent(
    session, partnership, facilitator, people, bodies, field, message
):
    with pytest.raises(ServiceError) as refused:
        send(session, partnership, facilitator, people["consultation"], bodies)
    assert refused.value.field == field
    if message:
        assert str(refused.value) == message
    assert outgoing(session) == []
    assert session.scalar(select(func.count()).select_from(Broadcast)) == 0


def test_an_open_consultation_has_no_message_yet(session, partnership, facilitator):
    consultation = open_consultation(session, partnership, facilitator)
    with pytest.raises(ServiceError) as refused:
        send(session, partnership, facilitator, consultation, BODIES)
    assert str(refused.value) == "Those who took part hear back once the consultation has closed."


def test_without_a_sender_nothing_is_sent(session, partnership, facilitator, people):
    session.delete(contacts.settings_of(session, partnership.id))
    session.flush()
    with pytest.raises(ServiceError) as refused:
        send(session, partnership, facilitator, people["consultation"], BODIES)
    assert str(refused.value) == "Set the partnership's SMS sender first."
    assert outgoing(session) == []


def test_nobody_to_tell_says_why(session, partnership, facilitator):
    consultation = open_consultation(session, partnership, facilitator)
    services.close_consultation(session, actor=facilitator, consultation=consultation)
    with pytest.raises(ServiceError) as refused:
        send(session, partnership, facilitator, consultation, BODIES)
    assert str(refused.value) == "Nobody took part in this consultation by SMS."

    other = open_consultation(session, partnership, facilitator)
    took_part(session, other, add_contact(session, partnership, "+573104567811", opted_out=True))
    took_part(session, other, add_contact(session, partnership, "+573104567812", pending=True))
    services.close_consultation(session, actor=facilitator, consultation=other)
    with pytest.raises(ServiceError) as refused:
        send(session, partnership, facilitator, other, BODIES)
    assert str(refused.value) == (
        "None of the 2 people who took part by SMS can receive it: 1 sent STOP, 1 have not "
        "confirmed the partnership."
    )
    assert outgoing(session) == []


def test_a_consultation_of_another_partnership_is_refused(
    session, make, partnership, facilitator, people
):
    other = make.partnership(name="Otra")
    with pytest.raises(ServiceError) as refused:
        send(session, other, facilitator, people["consultation"], BODIES)
    assert str(refused.value) == "This consultation is not part of this partnership."


def test_a_local_language_reader_gets_the_default_text_unless_one_is_written(
    session, make, facilitator
):
    partnership = make.partnership(name="Mesa", locales=["es", "pbb"], default_locale="es")
    make.member(partnership, Role.FACILITATOR, user=facilitator)
    contacts.configure_sender(
        session, partnership_id=partnership.id, sender="+15005550009", join_code="NASA"
    )
    consultation = open_consultation(session, partnership, facilitator)
    reader = add_contact(session, partnership, "+573104567821", locale="pbb")
    took_part(session, consultation, reader)
    services.close_consultation(session, actor=facilitator, consultation=consultation)

    send(session, partnership, facilitator, consultation, {"es": "Gracias", "pbb": ""})
    send(
        session,
        partnership,
        facilitator,
        consultation,
        {"es": "Gracias", "pbb": "Yuwe pay"},
        again=True,
    )
    assert [body for _c, body, *_rest in outgoing(session)] == ["Gracias", "Yuwe pay"]


# Anonymity ---------------------------------------------------------------------------------


def test_the_participants_of_an_anonymous_consultation_hear_back_without_their_answers(
    app_with, connection, session, sms, login, partnership, facilitator
):
    """End to end: contacts answer an anonymous consultation through the webhook; the
    facilitator closes it and sends the message; nothing in that reads an answer."""
    consultation = open_consultation(session, partnership, facilitator, anonymous=True)
    phones = ["+573104567831", "+573104567832"]
    for phone in phones:
        add_contact(session, partnership, phone, locale="es", news=True)
    invitations.invite_by_sms(session, actor=facilitator, consultation=consultation)
    for phone in phones:
        sms("1", sender=phone)  # "yes" to the only question: the conversation is complete
    states = session.scalars(
        select(Participation.state).where(Participation.consultation_id == consultation.id)
    ).all()
    assert states == ["complete", "complete"]
    services.close_consultation(session, actor=facilitator, consultation=consultation)

    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    with FakeTwilio(DEV_TWILIO_SID, DEV_TWILIO_TOKEN, callback_delay=0.01) as twilio:
        client = login(
            facilitator,
            target=app_with(TWILIO_API_BASE=twilio.url, SMS_RATE_PER_SECOND=0).test_client(),
        )
        event.listen(connection, "before_cursor_execute", listener)
        try:
            response = client.post(
                f"/p/{partnership.id}/consultations/{consultation.id}/feedback",
                data={"body_es": "Mesa Caguan: gracias.", "body_en": "", "send": "1"},
            )
        finally:
            event.remove(connection, "before_cursor_execute", listener)
        assert response.status_code == 302
        assert sorted((m["to"], m["body"]) for m in twilio.messages) == [
            (phones[0], "Mesa Caguan: gracias."),
            (phones[1], "Mesa Caguan: gracias."),
        ]

    assert statements  # the listener heard the request
    answers_tables = ("consultation_responses", "consultation_answer")
    assert [s for s in statements if any(table in s for table in answers_tables)] == []
    session.expire_all()
    messages = session.scalars(
        select(OutboundMessage).where(OutboundMessage.kind == "broadcast")
    ).all()
    # Shown on no SMS page (who took part stays unseen), blanked once sent, answering nothing.
    assert [(m.confidential, m.reply_to_id, m.body) for m in messages] == [(True, None, "")] * 2
    columns = {column.key for column in inspect(Feedback).columns}
    assert not any("response" in name for name in columns)
    assert session.scalar(select(Feedback.recipients).where(Feedback.recipients > 0)) == 2


# Closing prepares the message ----------------------------------------------------------------


def test_closing_a_consultation_answered_by_sms_prepares_its_message(
    session, partnership, facilitator, people
):
    consultation = people["consultation"]
    [draft] = session.scalars(select(Feedback)).all()
    assert (draft.consultation_id, draft.action_id, draft.broadcast_id) == (
        consultation.id,
        None,
        None,
    )
    assert (draft.recipients, draft.created_by_id) == (0, None)
    assert draft.bodies == feedback.closure_proposal(
        session, partnership=partnership, consultation=consultation
    )
    entry = session.scalar(
        select(AuditEntry).where(AuditEntry.action == "community.feedback_prepared")
    )
    assert (entry.actor_id, entry.object_id, entry.details) == (
        None,
        draft.id,
        {"consultation_id": consultation.id},
    )
    # Sending replaces the draft.
    sent = send(session, partnership, facilitator, consultation, BODIES)
    assert [row.id for row in session.scalars(select(Feedback))] == [sent.id]


def test_closing_a_consultation_nobody_answered_by_sms_prepares_nothing(
    session, partnership, facilitator
):
    consultation = open_consultation(session, partnership, facilitator)
    services.close_consultation(session, actor=facilitator, consultation=consultation)
    assert session.scalars(select(Feedback)).all() == []


# Over HTTP ---------------------------------------------------------------------------------


@pytest.fixture
def twilio():
    with FakeTwilio(DEV_TWILIO_SID, DEV_TWILIO_TOKEN, callback_delay=0.01) as running:
        yield running


@pytest.fixture
def web(app_with, twilio, login):
    """web(user): a client signed in as `user`, on an app that sends through the fake Twilio."""
    app = app_with(TWILIO_API_BASE=twilio.url, SMS_RATE_PER_SECOND=0)
    return lambda user: login(user, target=app.test_client())


def consultation_url(partnership, consultation, rest=""):
    return f"/p/{partnership.id}/consultations/{consultation.id}{rest}"


def test_the_facilitator_sends_the_message_from_the_consultations_page(
    session, partnership, facilitator, people, web, twilio
):
    consultation = people["consultation"]
    client = web(facilitator)
    page = client.get(consultation_url(partnership, consultation))
    html = page.get_data(as_text=True)
    text = page_text(page)
    assert "You said, we did" in text
    assert "5 people took part by SMS. 3 of them will get the message" in text
    assert "1 sent STOP and gets nothing. 1 has not confirmed the partnership" in text
    proposal = (
        "Mesa Caguan: 5 took part, thank you! You asked for Clean water, Safe roads, and Jobs "
        "for young people. Now in our charter: Clean water."
    )
    assert proposal in text
    assert f"Encoding: GSM-7 · length: {len(proposal)} · segments: 1." in text
    assert 'name="body_es"' in html and 'name="body_en"' in html
    assert "Send to 3 people" in text

    response = client.post(
        consultation_url(partnership, consultation, "/feedback"), data={**FORM, "send": "1"}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == consultation_url(partnership, consultation) + "#feedback"
    assert sorted((m["to"], m["body"]) for m in twilio.messages) == [
        ("+573104567801", BODIES["es"]),
        ("+573104567802", BODIES["en"]),
        ("+573104567803", BODIES["es"]),
    ]
    text = page_text(client.get(consultation_url(partnership, consultation)))
    assert "The message is on its way to 3 people who took part." in text
    assert "after the consultation closed. 3 people got it. See its delivery" in text
    assert "Send another message to those who took part" in text
    assert "Send to 3 people" not in text


FORM = {"body_es": BODIES["es"], "body_en": BODIES["en"]}


def test_a_text_too_long_comes_back_with_its_length_and_the_words_typed(
    session, partnership, facilitator, people, web, twilio
):
    long_text = "Mesa Caguán: " + "gracias " * 8
    response = web(facilitator).post(
        consultation_url(partnership, people["consultation"], "/feedback"),
        data={"body_es": long_text, "body_en": "Thanks", "send": "1"},
    )
    assert response.status_code == 422
    text = page_text(response)
    assert (
        "This text takes 2 SMS: shorten it to one (70 characters with these letters, it has 76)."
        in text
    )
    assert "Encoding: UCS-2 · length: 76 · segments: 2. Too long: it must fit in one SMS." in text
    assert long_text.strip() in text
    assert twilio.messages == []
    assert session.scalar(select(func.count()).select_from(Feedback).where(feedback.SENT)) == 0


def test_counting_saving_and_starting_again_send_nothing(
    session, partnership, facilitator, people, web, twilio
):
    client = web(facilitator)
    url = consultation_url(partnership, people["consultation"], "/feedback")
    counted = client.post(url, data={"body_es": "Hola", "body_en": "Hi", "count": "1"})
    assert counted.status_code == 200
    assert "Encoding: GSM-7 · length: 4 · segments: 1." in page_text(counted)

    saved = client.post(url, data={"body_es": "Hola a todos", "body_en": "", "save": "1"})
    assert saved.headers["Location"].endswith("#feedback")
    draft = feedback.draft_of(session, consultation_id=people["consultation"].id)
    assert (draft.bodies, draft.created_by_id) == ({"es": "Hola a todos"}, facilitator.id)
    page = page_text(client.get(consultation_url(partnership, people["consultation"])))
    assert "These are the texts saved as a draft on" in page
    assert "Hola a todos" in page

    again = page_text(client.post(url, data={"body_es": "x", "body_en": "", "refill": "1"}))
    assert "You asked for Clean water, Safe roads, and Jobs for young people." in again
    assert twilio.messages == []
    actions = session.scalars(
        select(AuditEntry.action).where(AuditEntry.action.like("community.%"))
    ).all()
    assert actions == ["community.feedback_prepared", "community.feedback_draft"]


def test_members_who_do_not_facilitate_see_what_was_sent_and_cannot_send(
    session, partnership, facilitator, representative, people, web, twilio
):
    send(session, partnership, facilitator, people["consultation"], BODIES)
    client = web(representative)
    text = page_text(client.get(consultation_url(partnership, people["consultation"])))
    assert "after the consultation closed. 3 people got it." in text
    assert "See its delivery" not in text and "Send to" not in text
    url = consultation_url(partnership, people["consultation"], "/feedback")
    assert client.get(url).status_code == 404
    assert client.post(url, data={**FORM, "send": "1", "again": "y"}).status_code == 404
    assert twilio.messages == []


def test_a_consultation_of_another_partnership_is_not_found(
    session, make, partnership, facilitator, people, web
):
    other = make.partnership(name="Otra")
    make.member(other, user=facilitator)
    url = f"/p/{other.id}/consultations/{people['consultation'].id}/feedback"
    assert web(facilitator).get(url).status_code == 404


def test_an_open_consultation_s_page_says_when_the_message_comes(
    session, partnership, facilitator, web
):
    consultation = open_consultation(session, partnership, facilitator)
    client = web(facilitator)
    assert "You said, we did" not in page_text(
        client.get(consultation_url(partnership, consultation))
    )
    page = client.get(consultation_url(partnership, consultation, "/feedback"))
    assert page.status_code == 200
    assert "Those who took part hear back once the consultation has closed." in page_text(page)
    refused = client.post(
        consultation_url(partnership, consultation, "/feedback"), data={**FORM, "send": "1"}
    )
    assert refused.status_code == 422


def test_a_consultation_nobody_answered_by_sms_has_nobody_to_tell(
    session, partnership, facilitator, web
):
    consultation = open_consultation(session, partnership, facilitator)
    services.close_consultation(session, actor=facilitator, consultation=consultation)
    client = web(facilitator)
    text = page_text(client.get(consultation_url(partnership, consultation)))
    assert "You said, we did Nobody took part in this consultation by SMS." in text
    assert "Send to" not in text and "Save the draft" not in text
    consultation.channels = ["assisted"]
    session.flush()
    assert "You said, we did" not in page_text(
        client.get(consultation_url(partnership, consultation))
    )


def test_the_consultations_page_takes_as_many_queries_for_many_participants_as_for_few(
    session, partnership, facilitator, people, web, count_queries
):
    client = web(facilitator)
    url = consultation_url(partnership, people["consultation"])
    send(session, partnership, facilitator, people["consultation"], BODIES)
    client.get(url)
    with count_queries() as few:
        client.get(url)
    for n in range(20):
        contact = add_contact(session, partnership, f"+5731045679{n:02d}", locale="en")
        took_part(session, people["consultation"], contact, answered=False)
    send(session, partnership, facilitator, people["consultation"], BODIES, again=True)
    with count_queries() as many:
        assert page_text(client.get(url)).count("See its delivery") == 2
    assert many["n"] == few["n"]


# Once an action serving one of its goals is done ---------------------------------------------


@pytest.fixture
def done(session, partnership, facilitator):
    """A done action serving the water goal, which the consultation's first need became."""
    lead = make_lead(session, partnership)
    return action_services.create_action(
        session,
        actor=facilitator,
        membership=session.scalar(
            select(Membership).where(
                Membership.user_id == facilitator.id, Membership.partnership_id == partnership.id
            )
        ),
        partnership=partnership,
        fields={
            "title": {"es": "Pozo para la vereda", "en": "A well for the village"},
            "description": {},
            "goal_key": WATER,
            "lead_partner_id": lead.id,
            "supporter_ids": [],
            "responsible_ids": [],
            "start_on": None,
            "due_on": None,
            "status": "done",
            "progress": 100,
            "principles": [],
            "sdg_targets": [],
            "budget": "",
            "currency": "",
            "contributions": [],
            "depends_on_ids": [],
        },
    )


def make_lead(session, partnership):
    partner = Partner(partnership_id=partnership.id, name="Alcaldía", sector="local_government")
    session.add(partner)
    session.flush()
    return partner


def visible(response) -> str:
    """The page's text, without the space a tag leaves before punctuation ("<bdi>x</bdi>.")."""
    return re.sub(r" ([.,)])", r"\1", page_text(response))


def action_url(partnership, action):
    return f"/p/{partnership.id}/actions/{action.id}"


def test_a_done_action_from_a_consultation_s_goal_tells_those_who_took_part(
    session, partnership, facilitator, people, done, web, twilio
):
    consultation = people["consultation"]
    client = web(facilitator)
    page = client.get(action_url(partnership, done))
    text = visible(page)
    assert "Tell those who took part" in text
    assert "They asked for: Clean water" in text
    assert "Mesa Caguan: you asked for Clean water; A well for the village is done." in text
    assert "Send to 3 people" in text

    url = consultation_url(partnership, consultation, f"/feedback/actions/{done.id}")
    bodies = {"body_es": "Mesa Caguan: el pozo está listo.", "body_en": "The well is done."}
    response = client.post(url, data={**bodies, "send": "1"})
    assert response.status_code == 302
    assert response.headers["Location"] == action_url(partnership, done) + "#feedback"
    assert sorted((m["to"], m["body"]) for m in twilio.messages) == [
        ("+573104567801", "Mesa Caguan: el pozo está listo."),
        ("+573104567802", "The well is done."),
        ("+573104567803", "Mesa Caguan: el pozo está listo."),
    ]
    [sent] = feedback.sent_of(session, consultation_id=consultation.id, action_id=done.id)
    assert (sent.action_id, sent.recipients) == (done.id, 3)
    assert session.get(Broadcast, sent.broadcast_id).audience["action_id"] == done.id
    # The message after closing is still to send: it is another kind.
    assert feedback.sent_of(session, consultation_id=consultation.id) == []

    text = visible(client.get(action_url(partnership, done)))
    assert "once an action was done: A well for the village. 3 people got it." in text
    text = visible(client.get(consultation_url(partnership, consultation)))
    assert (
        "A well for the village (they asked for: Clean water) · those who took part were told"
        in text
    )


def test_the_consultations_page_offers_the_done_actions_serving_its_goals(
    session, partnership, facilitator, people, done, web
):
    consultation = people["consultation"]
    text = visible(web(facilitator).get(consultation_url(partnership, consultation)))
    assert (
        "Done actions serving goals from this consultation A well for the village (they asked "
        "for: Clean water) · Tell those who took part"
    ) in text


def test_an_action_not_done_is_not_announced(session, partnership, facilitator, people, done, web):
    done.status = "in_progress"
    session.flush()
    client = web(facilitator)
    assert "Tell those who took part" not in visible(client.get(action_url(partnership, done)))
    url = consultation_url(partnership, people["consultation"], f"/feedback/actions/{done.id}")
    page = client.get(url)
    assert page.status_code == 200
    assert "Those who took part can be told once the action is done." in visible(page)
    refused = client.post(url, data={**FORM, "send": "1"})
    assert refused.status_code == 422
    assert "Those who took part can be told once the action is done." in visible(refused)


def test_an_action_serving_another_goal_has_no_message(
    session, partnership, facilitator, people, done, web
):
    done.goal_key = ROADS[:31] + "c"
    session.flush()
    url = consultation_url(partnership, people["consultation"], f"/feedback/actions/{done.id}")
    assert web(facilitator).get(url).status_code == 404
    with pytest.raises(ServiceError) as refused:
        send(session, partnership, facilitator, people["consultation"], BODIES, action=done)
    assert str(refused.value) == "This action serves no goal that came from this consultation."


# The demo ------------------------------------------------------------------------------------


def test_the_demo_s_closed_consultation_shows_the_message_sent(session, login, client):
    demo.seed_if_empty(session)
    [sent] = session.scalars(select(Feedback)).all()
    consultation = session.get(Consultation, sent.consultation_id)
    assert (consultation.status, consultation.anonymous, sent.recipients) == ("closed", True, 8)
    # The proposal as it was (the words around the need come from the Spanish catalog).
    assert "Agua limpia en las veredas" in sent.bodies["es"]
    assert measure(sent.bodies["es"]).segments == 1
    facilitator = session.scalars(select(User).where(User.email.like("lucia.%"))).one()
    facilitator.locale = "en"
    login(facilitator)
    text = visible(client.get(f"/p/{consultation.partnership_id}/consultations/{consultation.id}"))
    assert "after the consultation closed. 8 people got it. See its delivery" in text
    # The done action serving the goal the first need became: still to be told.
    assert (
        "Set up the land and water table (they asked for: Clean water in the villages) · Tell "
        "those who took part"
    ) in re.sub(r" ([.,)])", r"\1", text)
