"""Fixtures of the SMS tests: a partnership with a sender and join code, signed posts."""

import itertools

import pytest
from twilio.request_validator import RequestValidator

from hsbp.config import DEV_TWILIO_TOKEN
from hsbp.sms import contacts

SENDER = "+15005550006"
PHONE = "+573104567821"
_sids = itertools.count(1)


def signed_post(client, path: str, params: dict, *, token: str = DEV_TWILIO_TOKEN, url=None):
    url = url or f"http://hsbp.test{path}"
    signature = RequestValidator(token).compute_signature(url, params)
    return client.post(path, data=params, headers={"X-Twilio-Signature": signature})


@pytest.fixture
def sms(client):
    """Send an SMS to the webhook as Twilio would; returns the response."""

    def send(body: str, *, sender: str = PHONE, to: str = SENDER, sid: str | None = None):
        params = {
            "MessageSid": sid or f"SM{next(_sids):032x}",
            "AccountSid": "AC" + "0" * 31 + "1",
            "From": sender,
            "To": to,
            "Body": body,
            "NumMedia": "0",
        }
        return signed_post(client, "/sms/twilio/inbound", params)

    return send


@pytest.fixture
def demo_partnership(make, session):
    partnership = make.partnership(name="Caguán", locales=["es", "en"], default_locale="es")
    contacts.configure_sender(
        session, partnership_id=partnership.id, sender=SENDER, join_code="DEMO"
    )
    return partnership


def replies(response) -> list[str]:
    import re
    from html import unescape

    return [
        unescape(m)
        for m in re.findall(r"<Message>(.*?)</Message>", response.get_data(as_text=True), re.S)
    ]
