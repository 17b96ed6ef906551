"""Signed posts that Twilio would not send are refused before anything is stored: a request
cut again into a new message, an odd MessageSid, another account, unknown fields."""

import pytest
from sqlalchemy import func, select
from twilio.request_validator import RequestValidator

from hsbp.config import DEV_TWILIO_SID, DEV_TWILIO_TOKEN
from hsbp.sms.models import InboundMessage, OutboundMessage
from hsbp.sms.twilio_fields import inbound_refusal
from tests.sms.conftest import PHONE, SENDER, signed_post

PATH = "/sms/twilio/inbound"
URL = "http://hsbp.test" + PATH
SID = "SM" + "0123456789abcdef" * 2
OTHER_ACCOUNT = "AC" + "f" * 32


def stored(session) -> int:
    return session.scalar(select(func.count()).select_from(InboundMessage))


def twilio_post(sid=SID, **extra):
    """An inbound message as Twilio posts it."""
    return {
        "ToCountry": "US",
        "ToState": "CA",
        "SmsMessageSid": sid,
        "NumMedia": "0",
        "ToCity": "",
        "FromZip": "",
        "SmsSid": sid,
        "FromState": "",
        "SmsStatus": "received",
        "FromCity": "FLORENCIA",
        "Body": "hola",
        "FromCountry": "CO",
        "To": SENDER,
        "ToZip": "",
        "NumSegments": "1",
        "MessageSid": sid,
        "AccountSid": DEV_TWILIO_SID,
        "From": PHONE,
        "ApiVersion": "2010-04-01",
        **extra,
    }


def test_a_message_as_twilio_posts_it_is_stored(client, session, demo_partnership):
    media = {"NumMedia": "1", "MediaUrl0": "https://api.twilio.com/x", "MediaContentType0": "a/b"}
    response = signed_post(client, PATH, twilio_post(**media))
    assert response.status_code == 200
    assert session.scalars(select(InboundMessage.provider_sid)).all() == [SID]


def test_a_captured_message_cut_again_into_a_new_one_is_refused(
    client, session, demo_partnership, caplog
):
    """The body of a message someone sent is chosen so that, cut at other places, the same
    signed text reads as a new message from another number."""
    new_sid, victim = "SM" + "e" * 32, "+573001112233"
    body = f"ok From{victim}MessageSid{new_sid}To{SENDER}ToZip"
    captured = {"AccountSid": DEV_TWILIO_SID, "Body": body, "From": PHONE}
    captured |= {"MessageSid": SID, "NumMedia": "0", "SmsMessageSid": SID, "SmsSid": SID}
    captured |= {"To": SENDER}
    signature = RequestValidator(DEV_TWILIO_TOKEN).compute_signature(URL, captured)
    tail = "".join(f"{name}{captured[name]}" for name in sorted(captured) if name > "Body")
    recut = {
        "AccountSid": DEV_TWILIO_SID,
        "Body": "ok ",
        "From": victim,
        "MessageSid": new_sid,
        "To": SENDER,
        "ToZip": tail,
    }
    # Twilio's own check cannot tell them apart...
    assert RequestValidator(DEV_TWILIO_TOKEN).validate(URL, recut, signature)
    caplog.set_level("WARNING", logger="hsbp.sms")
    answer = client.post(PATH, data=recut, headers={"X-Twilio-Signature": signature})
    # ...ours can: no field but the text may hold another field's name.
    assert answer.status_code == 400
    assert stored(session) == 0
    assert session.scalar(select(func.count()).select_from(OutboundMessage)) == 0
    assert "SMS webhook: refused a signed post (ToZip holds another field's name)" in caplog.text
    for secret in (victim, PHONE, "ok "):
        assert secret not in caplog.text
    original = client.post(PATH, data=captured, headers={"X-Twilio-Signature": signature})
    assert original.status_code == 200
    assert session.scalars(select(InboundMessage.provider_sid)).all() == [SID]


@pytest.mark.parametrize(
    "sid",
    [
        "SM1",
        "SM" + "A" * 32,  # Twilio's hex digits are lower case
        "XX" + "a" * 32,
        "SM" + "a" * 33,
        "SM" + "a" * 31 + "g",
        "SM" + "a" * 32 + "\n",
        "",
    ],
)
def test_a_message_sid_not_of_twilios_shape_is_refused(client, session, demo_partnership, sid):
    params = twilio_post()
    params["MessageSid"] = params["SmsSid"] = params["SmsMessageSid"] = sid
    assert signed_post(client, PATH, params).status_code == 400
    assert stored(session) == 0


def test_a_mms_sid_is_taken(client, session, demo_partnership):
    sid = "MM" + "1" * 32
    assert signed_post(client, PATH, twilio_post(sid)).status_code == 200
    assert stored(session) == 1


@pytest.mark.parametrize("account", [OTHER_ACCOUNT, "", None])
def test_another_account_or_none_is_refused(client, session, demo_partnership, account):
    params = twilio_post()
    if account is None:
        del params["AccountSid"]
    else:
        params["AccountSid"] = account
    assert signed_post(client, PATH, params, account=False).status_code == 400
    assert stored(session) == 0


@pytest.mark.parametrize("name", ["SmsSid", "SmsMessageSid"])
def test_copies_of_the_message_sid_must_match_it(client, session, demo_partnership, name):
    params = twilio_post(**{name: "SM" + "9" * 32})
    assert signed_post(client, PATH, params).status_code == 400
    assert stored(session) == 0


@pytest.mark.parametrize("extra", [{"Zzz": "1"}, {"body": "x"}, {"MediaUrl": "x"}])
def test_a_field_twilio_does_not_send_is_refused(client, session, demo_partnership, extra):
    assert signed_post(client, PATH, twilio_post(**extra)).status_code == 400
    assert stored(session) == 0


def test_a_malformed_messaging_service_is_refused():
    good = twilio_post(MessagingServiceSid="MG" + "0" * 32)
    assert inbound_refusal(good, account_sid=DEV_TWILIO_SID) is None
    bad = twilio_post(MessagingServiceSid="MG1")
    assert inbound_refusal(bad, account_sid=DEV_TWILIO_SID) == (
        "MessagingServiceSid is not MG and 32 hex digits"
    )


def test_without_an_account_configured_every_message_is_refused():
    assert inbound_refusal(twilio_post(), account_sid=None) == "AccountSid is not this server's"


def status(sid, **extra):
    return {"MessageSid": sid, "MessageStatus": "delivered", **extra}


@pytest.mark.parametrize(
    ("params", "account"),
    [
        (status("SMx"), True),
        (status(SID, AccountSid=OTHER_ACCOUNT), True),
        (status(SID), False),
    ],
)
def test_the_status_callback_checks_the_sid_and_the_account(client, params, account):
    response = signed_post(client, "/sms/twilio/status", params, account=account)
    assert response.status_code == 400


def test_the_status_callback_takes_a_well_formed_report(client):
    assert signed_post(client, "/sms/twilio/status", status(SID)).status_code == 204


@pytest.mark.parametrize("field", ["To", "From", "FromCity"])
def test_control_characters_outside_the_text_are_refused(client, session, demo_partnership, field):
    params = twilio_post()
    params[field] += "\x00"
    assert signed_post(client, PATH, params).status_code == 400
    assert stored(session) == 0


def test_control_characters_in_the_text_are_taken(client, session, demo_partnership):
    assert signed_post(client, PATH, twilio_post(Body="ho\x00la\n")).status_code == 200
    assert session.scalars(select(InboundMessage.body)).all() == ["hola\n"]
