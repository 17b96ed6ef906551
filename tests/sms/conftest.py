"""Fixtures of the SMS tests: a partnership with a sender and join code, signed posts."""

import itertools
import re
from html import unescape

import pytest
from sqlalchemy import select
from twilio.request_validator import RequestValidator

from hsbp.audit import AuditEntry
from hsbp.config import DEV_TWILIO_SID, DEV_TWILIO_TOKEN
from hsbp.fake_twilio import FakeTwilio
from hsbp.mapping import services as mapping
from hsbp.security import Role
from hsbp.sms import contacts, updates
from hsbp.sms.models import InboundMessage, OutboundMessage
from tests.mapping.conftest import participant_fields

SENDER = "+15005550006"
PHONE = "+573104567821"
_sids = itertools.count(1)


def signed_post(
    client, path: str, params: dict, *, token: str = DEV_TWILIO_TOKEN, url=None, account=True
):
    url = url or f"http://hsbp.test{path}"
    if account and "AccountSid" not in params:
        # Twilio names the account in every post; the webhooks refuse another's (or none).
        params = {"AccountSid": DEV_TWILIO_SID, **params}
    signature = RequestValidator(token).compute_signature(url, params)
    return client.post(path, data=params, headers={"X-Twilio-Signature": signature})


@pytest.fixture
def sms(client, session):
    """Send an SMS to the webhook as Twilio would; returns the response, with the replies
    the worker queued for it (the queue runs tasks at once in tests) as `.replies`."""

    def send(body: str, *, sender: str = PHONE, to: str = SENDER, sid: str | None = None):
        params = {
            "MessageSid": sid or f"SM{next(_sids):032x}",
            "AccountSid": "AC" + "0" * 31 + "1",
            "From": sender,
            "To": to,
            "Body": body,
            "NumMedia": "0",
        }
        response = signed_post(client, "/sms/twilio/inbound", params)
        response.replies = replies_to(session, params["MessageSid"])
        return response

    return send


def replies_to(session, sid: str) -> list[str]:
    """The texts queued in answer to the inbound message `sid`, in order."""
    return list(
        session.scalars(
            select(OutboundMessage.body)
            .join(InboundMessage, OutboundMessage.reply_to_id == InboundMessage.id)
            .where(InboundMessage.provider_sid == sid)
            .order_by(OutboundMessage.id)
        )
    )


@pytest.fixture
def fake():
    """The project's fake Twilio over HTTP, calling back within 10 ms."""
    with FakeTwilio(DEV_TWILIO_SID, DEV_TWILIO_TOKEN, callback_delay=0.01) as running:
        yield running


@pytest.fixture(scope="module")
def slow_fake():
    """The fake Twilio with delivery callbacks held back 5 s: sending is seen alone."""
    with FakeTwilio(DEV_TWILIO_SID, DEV_TWILIO_TOKEN, callback_delay=5) as server:
        yield server


@pytest.fixture
def twilio_app(app_with, slow_fake):
    """An app that sends through `slow_fake`, unthrottled, giving up on Twilio after 0.5 s."""
    slow_fake.reset()
    return app_with(TWILIO_API_BASE=slow_fake.url, SMS_RATE_PER_SECOND=0, SMS_SEND_TIMEOUT=0.5)


@pytest.fixture
def web(app_with, fake, make, login, demo_partnership):
    """A facilitator's client (`.user`) on an app that sends through the fake Twilio."""
    app = app_with(TWILIO_API_BASE=fake.url, SMS_RATE_PER_SECOND=0)
    client = app.test_client()
    user = make.member(
        demo_partnership, Role.FACILITATOR, user=make.user(name="Lucía", locale="en")
    )
    login(user, target=client)
    client.user = user
    return client


@pytest.fixture
def facilitator(make, demo_partnership, login):
    """A facilitator of `demo_partnership`, signed in on `client`, reading English."""
    user = make.member(demo_partnership, Role.FACILITATOR, user=make.user(locale="en"))
    login(user)
    return user


@pytest.fixture
def demo_partnership(make, session):
    partnership = make.partnership(name="Caguán", locales=["es", "en"], default_locale="es")
    contacts.configure_sender(
        session, partnership_id=partnership.id, sender=SENDER, join_code="DEMO"
    )
    return partnership


def replies(response) -> list[str]:
    """What a phone got for a message: the queued replies the `sms` fixture attached, or, for
    a post made otherwise, the messages in the TwiML answer (the webhook answers none)."""
    if hasattr(response, "replies"):
        return response.replies
    xml = response.get_data(as_text=True)
    return [unescape(m) for m in re.findall(r"<Message>(.*?)</Message>", xml, re.S)]


def page_text(response) -> str:
    """The visible text of a page, on one line."""
    body = response.get_data(as_text=True)
    body = re.sub(r"<(script|style|head)\b.*?</\1>", " ", body, flags=re.S)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", body))).strip()


def actions(session, partnership_id) -> list[str]:
    """The partnership's audit actions, but for the consents its contacts gave by joining
    (hsbp.consent writes them; tests/consent test them)."""
    return list(
        session.scalars(
            select(AuditEntry.action)
            .where(
                AuditEntry.partnership_id == partnership_id,
                AuditEntry.action.not_like("consent.%"),
            )
            .order_by(AuditEntry.id)
        )
    )


def add_contact(
    session,
    partnership,
    phone,
    *,
    locale="es",
    participant=None,
    opted_out=False,
    pending=False,
    news=False,
):
    """A contact of `partnership`: confirmed, as if they had joined from their phone, or
    `pending` as a facilitator's hand leaves them (not asked yet). Joining consents to the
    partnership's questions; `news`, as if they had sent NEWS too, to its broadcasts and news
    (hsbp.consent)."""
    contact = contacts.get_or_create_contact(session, phone)
    contact.locale = locale
    record = contacts.add_pending if pending else contacts.join
    record(
        session,
        contact=contact,
        partnership_id=partnership.id,
        channel="web",
        participant_id=participant.id if participant else None,
        note="agreed in person",
    )
    if news:
        updates.set_updates(
            session, contact=contact, partnership_id=partnership.id, wanted=True, channel="sms"
        )
    if opted_out:
        contacts.opt_out(session, contact=contact, channel="sms")
    session.flush()
    return contact


def map_participant(session, partnership, actor, **fields):
    return mapping.create_participant(
        session, actor=actor, partnership=partnership, fields=participant_fields(**fields)
    )
