"""The inbound webhook: signatures, storing first, duplicates, keywords, never a 500."""

import pytest
from sqlalchemy import func, select

from hsbp.sms.intake import EMPTY_TWIML
from hsbp.sms.models import ConsentEvent, Contact, InboundMessage, OutboundMessage
from tests.sms.conftest import PHONE, SENDER, replies, signed_post


def count(session, model):
    return session.scalar(select(func.count()).select_from(model))


def test_a_missing_or_bad_signature_is_refused_and_nothing_is_stored(
    client, session, demo_partnership
):
    params = {"MessageSid": "SM" + "1" * 32, "From": PHONE, "To": SENDER, "Body": "JOIN DEMO"}
    assert client.post("/sms/twilio/inbound", data=params).status_code == 403
    assert signed_post(client, "/sms/twilio/inbound", params, token="wrong").status_code == 403
    tampered = signed_post(client, "/sms/twilio/inbound", {**params, "Body": "x"})
    assert tampered.status_code == 200  # signed as sent
    forged = client.post(
        "/sms/twilio/inbound",
        data={**params, "Body": "STOP"},
        headers={"X-Twilio-Signature": "c2lnbmF0dXJl"},
    )
    assert forged.status_code == 403
    assert count(session, InboundMessage) == 1


def test_signature_uses_the_public_url(app_with, session, demo_partnership):
    behind_proxy = app_with(PUBLIC_URL="https://sms.example.org:8443")
    params = {"MessageSid": "SM" + "2" * 32, "From": PHONE, "To": SENDER, "Body": "HELP"}
    client = behind_proxy.test_client()
    ok = signed_post(
        client, "/sms/twilio/inbound", params, url="https://sms.example.org:8443/sms/twilio/inbound"
    )
    assert ok.status_code == 200
    local = signed_post(client, "/sms/twilio/inbound", {**params, "MessageSid": "SM" + "3" * 32})
    assert local.status_code == 403


def test_join_creates_a_contact_and_offers_the_languages(sms, session, demo_partnership):
    response = sms("join demo")
    assert response.mimetype == "application/xml"
    assert replies(response) == [
        "Se unió a DEMO. Envíe AYUDA para ver opciones o PARAR para salir.",
        "Elija su idioma respondiendo con el numero: 1 Español, 2 English",
    ]
    contact = session.scalars(select(Contact)).one()
    assert contact.locale == "es"
    assert contact.awaiting == "language"
    events = session.scalars(select(ConsentEvent.event)).all()
    assert events == ["join"]


def test_choosing_a_language_by_number(sms, session, demo_partnership):
    sms("JOIN DEMO")
    response = sms("2")
    assert replies(response) == ["Language saved. Send HELP for options."]
    assert session.scalars(select(Contact.locale)).one() == "en"


def test_keywords_ignore_case_accents_spaces_and_punctuation(sms, session, demo_partnership):
    sms("JOIN DEMO")
    sms("LANG en")
    # A contact of the partnership: HELP lists its keywords too (tests/community/test_ask.py).
    assert replies(sms("  help! "))[-1].endswith(
        "JOIN and a code: join or switch. YES: accept an invite. LANG: language. STOP: stop all."
    )
    assert replies(sms("Stop.")) == [
        "You will get no more messages. Send START to receive them again."
    ]
    assert session.scalars(select(Contact.opted_out)).one() is True


def test_stop_inside_a_sentence_is_a_message_not_an_opt_out(sms, session, demo_partnership):
    sms("JOIN DEMO")
    sms("LANG en")
    response = sms("stop the dust from the trucks")
    assert replies(response) == [
        "Message received. A facilitator will read it. Send HELP for options."
    ]
    message = session.scalars(select(InboundMessage).order_by(InboundMessage.id.desc())).first()
    assert (message.route, message.in_inbox, message.partnership_id) == (
        "inbox",
        True,
        demo_partnership.id,
    )
    assert session.scalars(select(Contact.opted_out)).one() is False


def test_nothing_is_answered_after_stop_but_start_works(sms, session, demo_partnership):
    sms("JOIN DEMO")
    sms("LANG en")
    assert len(replies(sms("STOP"))) == 1
    assert replies(sms("STOP")) == []  # one confirmation only
    assert replies(sms("HELP")) == []
    assert replies(sms("the water is dirty")) == []
    assert replies(sms("START")) == ["Messages restarted. Send STOP at any time to stop them."]
    assert session.scalars(select(Contact.opted_out)).one() is False


def test_the_daily_options_reply_goes_out_once(sms, demo_partnership):
    sms("JOIN DEMO")
    sms("LANG en")
    assert len(replies(sms("first message"))) == 1
    assert replies(sms("second message")) == []


def test_a_repeated_delivery_is_acted_on_once(sms, session, demo_partnership):
    first = sms("JOIN DEMO", sid="SM" + "a" * 32)
    again = sms("JOIN DEMO", sid="SM" + "a" * 32)
    assert len(replies(first)) == 2
    assert again.status_code == 200
    assert count(session, InboundMessage) == 1
    assert count(session, ConsentEvent) == 1
    assert count(session, OutboundMessage) == 2  # the two replies of the first delivery


def test_replies_are_sent_through_the_queue_and_the_answer_is_empty_twiml(
    app_with, fake, session, demo_partnership
):
    client = app_with(TWILIO_API_BASE=fake.url, SMS_RATE_PER_SECOND=0).test_client()
    params = {"MessageSid": "SM" + "b" * 32, "From": PHONE, "To": SENDER, "Body": "JOIN DEMO"}
    answer = signed_post(client, "/sms/twilio/inbound", params)
    assert answer.status_code == 200
    assert answer.get_data() == EMPTY_TWIML
    rows = session.scalars(select(OutboundMessage).order_by(OutboundMessage.id)).all()
    assert [(r.kind, r.status, r.sender) for r in rows] == [("reply", "sent", SENDER)] * 2
    assert [m["to"] for m in fake.messages] == [PHONE, PHONE]


def test_spanish_keywords_work(sms, session, demo_partnership):
    sms("UNIRSE DEMO")
    assert session.scalars(select(Contact)).one().locale == "es"
    sms("PARAR")
    assert session.scalars(select(Contact.opted_out)).one() is True


def test_unknown_code_and_unknown_to_number(sms, session, demo_partnership):
    assert replies(sms("JOIN NOPE")) == [
        "No partnership has the code NOPE. Check it and send JOIN again."
    ]
    assert replies(sms("hello", to="+15005550099")) == []
    assert session.scalars(select(InboundMessage.route).order_by(InboundMessage.id)).all() == [
        "join",
        "unknown_number",
    ]


@pytest.mark.parametrize(
    "body",
    [
        "",
        "x" * 1600,
        "x" * 5000,
        "👍🏽 agua 🚰",
        "المياه ملوثة",
        "a\x00b\x07c\x1b",
        "JOIN",
        "LANG",
        "LANG 99",
        "JOIN " + "Z" * 300,
        "\u202e\u202d",
        "   ",
    ],
)
def test_no_body_causes_a_500(sms, demo_partnership, body):
    sms("JOIN DEMO")
    response = sms(body)
    assert response.status_code == 200
    assert response.get_data(as_text=True).startswith("<?xml")


def test_control_characters_go_and_emoji_joiners_and_direction_marks_stay(
    sms, session, demo_partnership
):
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"  # one emoji, joined by ZWJ
    arabic = "\u200fالمياه ملوثة"  # noqa: RUF001  (begins with a right-to-left mark)
    sms(f"a\x00b\x07c\x1b\r\n{family} {arabic}\t.")
    stored = session.scalars(select(InboundMessage.body)).one()
    assert stored == f"abc\n{family} {arabic}\t."


@pytest.mark.parametrize("sender", ["", "not a phone", "12", "+0000", "<script>", "+99999999999"])
def test_a_from_that_is_not_a_phone_number_is_stored_and_not_answered(
    sms, session, demo_partnership, sender
):
    response = sms("JOIN DEMO", sender=sender)
    assert response.status_code == 200
    assert replies(response) == []
    assert count(session, InboundMessage) == 1
    assert count(session, Contact) == 0
