"""The demo's SMS contacts: Caguán's confirmed contacts, as if each had answered YES, and
one clearly pending whose question a trainee can answer from the phone simulator."""

import pytest
from sqlalchemy import select

from hsbp import demo
from hsbp.auth.models import User
from hsbp.partnerships.models import Partnership
from hsbp.sms import contacts
from hsbp.sms.models import ConsentEvent, Contact, ContactMembership, OutboundMessage
from tests.sms.conftest import page_text, signed_post

CAGUAN = "Alianza por la Seguridad Humana del Caguán"
PENDING = "+573135556677"  # the Sindicato de Trabajadores Agroforestales


@pytest.fixture
def caguan(session):
    demo.seed_if_empty(session)
    return session.scalars(select(Partnership).where(Partnership.name == CAGUAN)).one()


def test_the_demo_shows_confirmed_contacts_and_one_pending(client, login, session, caguan):
    rows = session.execute(
        select(Contact.phone, ContactMembership.status, ContactMembership.asks)
        .join(ContactMembership)
        .where(ContactMembership.partnership_id == caguan.id)
        .order_by(ContactMembership.id)
    ).all()
    assert [status for _phone, status, _asks in rows] == ["confirmed"] * 8 + ["pending"]
    assert rows[-1] == (PENDING, "pending", 1)
    answers = session.scalars(
        select(ConsentEvent.event).where(
            ConsentEvent.partnership_id == caguan.id,
            ConsentEvent.channel == "sms",
            ConsentEvent.event.in_(["confirm", "decline"]),
        )
    ).all()
    assert answers == ["confirm"] * 8
    lucia = session.scalars(select(User).where(User.email == "lucia.hernandez@demo.hsbp.example"))
    login(lucia.one())
    text = page_text(client.get(f"/p/{caguan.id}/sms/contacts", query_string={"state": "pending"}))
    assert "+57 313 5556677" in text
    assert "+57 310 4567821" not in text


def test_the_demo_pending_contact_confirms_with_yes(client, session, caguan):
    question = session.scalars(
        select(OutboundMessage.body).where(OutboundMessage.kind == "invitation")
    ).all()
    assert len(question) == 9
    params = {"MessageSid": "SM" + "d" * 32, "From": PENDING, "To": "+15005550006", "Body": "SI"}
    assert signed_post(client, "/sms/twilio/inbound", params).status_code == 200
    session.expire_all()
    contact = contacts.find_contact(session, PENDING)
    member = contacts.membership(session, contact=contact, partnership_id=caguan.id)
    assert member.status == "confirmed"
