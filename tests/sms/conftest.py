"""Fixtures of the SMS tests: a partnership with a sender and join code, signed posts."""

import itertools
import re
from html import unescape

import pytest
from sqlalchemy import select
from twilio.request_validator import RequestValidator

from hsbp.audit import AuditEntry
from hsbp.config import DEV_TWILIO_TOKEN
from hsbp.mapping import services as mapping
from hsbp.sms import contacts
from tests.mapping.conftest import participant_fields

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


def page_text(response) -> str:
    """The visible text of a page, on one line."""
    body = response.get_data(as_text=True)
    body = re.sub(r"<(script|style|head)\b.*?</\1>", " ", body, flags=re.S)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", body))).strip()


def actions(session, partnership_id) -> list[str]:
    return list(
        session.scalars(
            select(AuditEntry.action)
            .where(AuditEntry.partnership_id == partnership_id)
            .order_by(AuditEntry.id)
        )
    )


def add_contact(session, partnership, phone, *, locale="es", participant=None, opted_out=False):
    contact = contacts.get_or_create_contact(session, phone)
    contact.locale = locale
    contacts.join(
        session,
        contact=contact,
        partnership_id=partnership.id,
        channel="web",
        participant_id=participant.id if participant else None,
        note="agreed in person",
    )
    if opted_out:
        contacts.opt_out(session, contact=contact, channel="sms")
    session.flush()
    return contact


def map_participant(session, partnership, actor, **fields):
    return mapping.create_participant(
        session, actor=actor, partnership=partnership, fields=participant_fields(**fields)
    )
