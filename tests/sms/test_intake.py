"""The webhook's intake in front of Flask: what it answers to posts that are not Twilio's
usual form, and that it checks the signature against the URL Twilio signed."""

from urllib.parse import urlencode

from sqlalchemy import func, select
from twilio.request_validator import RequestValidator

from hsbp.config import DEV_TWILIO_SID, DEV_TWILIO_TOKEN
from hsbp.sms.intake import EMPTY_TWIML, MAX_POST
from hsbp.sms.models import InboundMessage
from tests.sms.conftest import PHONE, SENDER, signed_post

PATH = "/sms/twilio/inbound"


def stored(session) -> int:
    return session.scalar(select(func.count()).select_from(InboundMessage))


def params(sid="SM" + "c" * 32, body="hello"):
    return {
        "MessageSid": sid,
        "AccountSid": DEV_TWILIO_SID,
        "From": PHONE,
        "To": SENDER,
        "Body": body,
    }


def test_only_post_is_taken(client):
    response = client.get(PATH)
    assert response.status_code == 405
    assert response.headers["Allow"] == "POST"


def test_an_oversized_post_is_refused_before_reading_it(client, session, demo_partnership):
    big = params(body="x" * (MAX_POST + 1))
    response = signed_post(client, PATH, big)
    assert response.status_code == 413
    assert stored(session) == 0


def test_the_signature_covers_the_query_string(client, session, demo_partnership):
    url = "http://hsbp.test" + PATH + "?partner=7"
    good = RequestValidator(DEV_TWILIO_TOKEN).compute_signature(url, params())
    headers = {"X-Twilio-Signature": good}
    assert client.post(PATH + "?partner=8", data=params(), headers=headers).status_code == 403
    response = client.post(PATH + "?partner=7", data=params(), headers=headers)
    assert response.status_code == 200
    assert response.get_data() == EMPTY_TWIML
    assert stored(session) == 1


def test_a_body_that_is_not_a_form_is_refused(client, session, demo_partnership):
    signature = RequestValidator(DEV_TWILIO_TOKEN).compute_signature(
        "http://hsbp.test" + PATH, params()
    )
    response = client.post(
        PATH,
        data=urlencode(params()),
        headers={"X-Twilio-Signature": signature, "Content-Type": "text/plain"},
    )
    assert response.status_code == 403  # no fields read, so the signature cannot match
    assert stored(session) == 0


def test_a_signed_post_without_message_sid_is_refused_and_not_stored(
    client, session, demo_partnership
):
    response = signed_post(client, PATH, {"From": PHONE, "To": SENDER, "Body": "hi"})
    assert response.status_code == 400
    assert stored(session) == 0


def test_other_urls_still_reach_flask(client):
    assert client.get("/login").status_code == 200
    assert client.post(PATH + "/other").status_code == 404
