"""Contacts added by hand or imported wait for the person's own YES: the one question, its
answers (YES, NO, in any shipped language), asking again within limits, asking everyone
never asked, and pages that say nothing of other partnerships or of a STOP."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from hsbp.audit import AuditEntry
from hsbp.sms import confirmation, contacts, texts
from hsbp.sms.encoding import normalise
from hsbp.sms.models import ConsentEvent, ContactMembership, InboundMessage, OutboundMessage
from tests.sms.conftest import PHONE, SENDER, add_contact, page_text

FORM = {"locale": "es", "consent_note": "Verbal, at the meeting in La Esperanza"}


def say(locale, key, name="Caguán"):
    return normalise(texts.with_name(locale, key, name))


def member_of(session, partnership, phone=PHONE) -> ContactMembership:
    session.expire_all()  # the router changed it in a session of its own
    contact = contacts.find_contact(session, phone)
    return contacts.membership(session, contact=contact, partnership_id=partnership.id)


def invitations(session, phone=PHONE) -> list[str]:
    return list(
        session.scalars(
            select(OutboundMessage.body)
            .where(
                OutboundMessage.kind == "invitation",
                OutboundMessage.contact_id == contacts.find_contact(session, phone).id,
            )
            .order_by(OutboundMessage.id)
        )
    )


@pytest.fixture
def added(client, session, demo_partnership, facilitator):
    """The number PHONE, added by hand by the facilitator (and asked)."""
    url = f"/p/{demo_partnership.id}/sms/contacts/new"
    assert client.post(url, data={**FORM, "phone": PHONE}).status_code == 302
    return member_of(session, demo_partnership)


def test_yes_from_the_phone_confirms_a_contact_added_by_hand(sms, session, added):
    assert invitations(session) == [say("es", "invitation")]
    response = sms("Sí")
    assert response.replies == [say("es", "confirmed")]
    session.refresh(added)
    assert added.status == "confirmed"
    assert added.confirmed_at is not None
    assert added.chosen_at == added.confirmed_at
    message = session.scalars(select(InboundMessage)).one()
    assert (message.route, message.partnership_id, message.in_inbox) == (
        "confirm",
        added.partnership_id,
        False,
    )
    events = session.execute(
        select(ConsentEvent.event, ConsentEvent.channel, ConsentEvent.inbound_id).order_by(
            ConsentEvent.id
        )
    ).all()
    assert [tuple(e) for e in events] == [("added", "web", None), ("confirm", "sms", message.id)]
    # Confirmed once, a YES is an ordinary message again, for the inbox (not a restart).
    assert sms("YES").replies == [normalise(texts.text("es", "received"))]


@pytest.mark.parametrize("word", ["NO", "no.", "Non", "NE", "hapana", "لا"])
def test_no_in_any_shipped_language_declines(sms, session, added, word):
    assert sms(word).replies == [say("es", "declined")]
    session.refresh(added)
    assert (added.status, added.confirmed_at) == ("declined", None)
    assert session.scalars(select(ConsentEvent.event).order_by(ConsentEvent.id)).all() == [
        "added",
        "decline",
    ]


def test_a_declined_contact_is_asked_nothing_more_until_their_own_join(
    client, sms, session, demo_partnership, added
):
    sms("NO")
    url = f"/p/{demo_partnership.id}/sms/contacts"
    ask = client.post(f"{url}/{added.id}/ask")
    assert ask.status_code == 302
    assert "Only a contact who has not answered yet can be asked." in page_text(
        client.get(ask.location)
    )
    again = client.post(f"{url}/new", data={**FORM, "phone": PHONE})
    assert again.status_code == 422
    assert "This number is already a contact of the partnership." in page_text(again)
    assert len(invitations(session)) == 1
    assert "Declined Declined · by SMS · " in page_text(client.get(url))

    sms("JOIN DEMO")
    session.refresh(added)
    assert (added.status, added.chosen_at is not None) == ("confirmed", True)


def test_a_pending_contact_receives_nothing(client, sms, session, demo_partnership, added):
    broadcast = client.post(
        f"/p/{demo_partnership.id}/sms/broadcasts/new",
        data={"audience": "all", "body_es": "Reunión el lunes", "body_en": "Meeting on Monday"},
    )
    assert broadcast.status_code == 422
    assert "Nobody in this audience can receive messages (0 opted out)." in page_text(broadcast)
    # NEWS from a number that has not confirmed changes nothing.
    assert sms("NEWS").replies == [normalise(texts.text("es", "not_joined"))]
    session.refresh(added)
    assert added.wants_updates is False
    # A message from it reaches the partnership's inbox, but cannot be answered from there.
    sms("¿Quién es?")
    message = session.scalars(select(InboundMessage).order_by(InboundMessage.id.desc())).first()
    assert (message.partnership_id, message.in_inbox) == (demo_partnership.id, True)
    reply = client.post(
        f"/p/{demo_partnership.id}/sms/inbox/{message.id}/reply", data={"body": "Hola"}
    )
    assert reply.status_code == 422
    assert "This number has not joined the partnership: it cannot be answered." in page_text(reply)
    # All it got: the question, and the channel's answers to what it sent.
    sent = session.scalars(select(OutboundMessage.kind).order_by(OutboundMessage.id)).all()
    assert sent == ["invitation", "reply", "reply"]


def test_a_number_that_sent_stop_is_added_like_any_other_and_never_asked(
    client, sms, session, demo_partnership, facilitator
):
    stopped, fresh = "+573104567801", "+573104567802"
    sms("STOP", sender=stopped)
    url = f"/p/{demo_partnership.id}/sms/contacts"
    flashes = []
    for phone in (stopped, fresh):
        response = client.post(f"{url}/new", data={**FORM, "phone": phone})
        assert response.status_code == 302
        flashes.append(page_text(client.get(response.location)).split(" SMS contacts ")[0])
    assert flashes[0] == flashes[1]

    def row(phone: str) -> str:
        text = page_text(client.get(url, query_string={"q": phone}))
        return text.split("Partnerships ", 1)[1]

    assert row(stopped).replace("4567801", "45678NN") == row(fresh).replace("4567802", "45678NN")
    assert "Pending confirmation Asked once, on " in row(fresh)
    asks = [member_of(session, demo_partnership, phone).asks for phone in (stopped, fresh)]
    assert asks == [1, 1]
    assert invitations(session, stopped) == []
    assert invitations(session, fresh) == [say("es", "invitation")]


def test_another_partnerships_contact_is_added_like_a_new_number(
    client, session, make, demo_partnership, facilitator
):
    other = make.partnership(name="Secret partnership", locales=["ar"], default_locale="ar")
    theirs = add_contact(session, other, PHONE, locale="ar")
    url = f"/p/{demo_partnership.id}/sms/contacts"
    assert client.post(f"{url}/new", data={**FORM, "phone": PHONE}).status_code == 302
    text = page_text(client.get(url)).split("Partnerships ", 1)[1]  # the table
    assert "+57 310 4567821 — Pending confirmation Asked once, on " in text
    for leak in ("Secret", "other partnership", "Arabic", "العربية", "Joined"):
        assert leak not in text
    # The question itself goes in the person's own language.
    assert invitations(session) == [say("ar", "invitation")]
    assert theirs.locale == "ar"


def test_ask_again_waits_days_and_stops_after_three(client, session, demo_partnership, added):
    url = f"/p/{demo_partnership.id}/sms/contacts"
    assert "It can be asked again from " in page_text(client.get(url))
    too_soon = client.post(f"{url}/{added.id}/ask")
    assert "This contact was asked less than 7 days ago." in page_text(
        client.get(too_soon.location)
    )
    for asks in (2, 3):
        added.asked_at -= timedelta(days=8)
        session.flush()
        assert "Ask again" in page_text(client.get(url))
        assert client.post(f"{url}/{added.id}/ask").status_code == 302
        session.refresh(added)
        assert added.asks == asks
    added.asked_at -= timedelta(days=8)
    session.flush()
    listed = page_text(client.get(url))
    assert "Asked 3 times, last on " in listed
    assert "The question is not sent again: only the person's own JOIN can add them now." in listed
    assert "Ask again" not in listed
    refused = client.post(f"{url}/{added.id}/ask")
    assert "This contact was asked 3 times: the question is not sent again." in page_text(
        client.get(refused.location)
    )
    assert len(invitations(session)) == 3
    assert session.scalars(
        select(AuditEntry.details).where(AuditEntry.action == "sms_contact.ask")
    ).all() == [{"asks": 2}, {"asks": 3}]


def test_asking_a_contact_of_another_partnership_is_not_found(
    client, session, make, demo_partnership, facilitator
):
    other = make.partnership()
    add_contact(session, other, PHONE, pending=True)
    theirs = member_of(session, other)
    response = client.post(f"/p/{demo_partnership.id}/sms/contacts/{theirs.id}/ask")
    assert response.status_code == 404
    assert theirs.asks == 0


def test_contacts_added_before_the_sender_are_asked_all_at_once(client, session, make, login):
    partnership = make.partnership(name="Yarí", locales=["es"], default_locale="es")
    user = make.member(partnership, user=make.user(locale="en"))
    login(user)
    url = f"/p/{partnership.id}/sms/contacts"
    for phone in ("3104567801", "3104567802"):
        response = client.post(f"{url}/new", data={**FORM, "phone": phone})
        assert "New contacts are asked by SMS to confirm once the SMS sender is set" in page_text(
            client.get(response.location)
        )
    listed = page_text(client.get(url))
    assert "2 pending contacts were never asked to confirm." in listed
    assert "Set the partnership's SMS sender first." in listed
    assert session.scalar(select(func.count()).select_from(OutboundMessage)) == 0

    contacts.configure_sender(
        session, partnership_id=partnership.id, sender="+15005550007", join_code="YARI"
    )
    listed = page_text(client.get(url))
    assert "Ask all 2 contacts now" in listed
    response = client.post(f"{url}/ask-all")
    assert "2 contacts are asked to confirm." in page_text(client.get(response.location))
    assert (
        session.scalars(select(OutboundMessage.body)).all() == [say("es", "invitation", "Yarí")] * 2
    )
    assert "never asked to confirm" not in page_text(client.get(url))
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "sms_contact.ask_all"))
    assert entry.one().details == {"asked": 2}
    assert confirmation.never_asked(session, partnership_id=partnership.id) == 0


def test_two_open_invitations_on_one_number_ask_which_one_a_yes_answers(
    sms, session, make, demo_partnership
):
    other = make.partnership(name="Zenica")
    contacts.configure_sender(
        session, partnership_id=other.id, sender=SENDER, join_code="ZENICA", may_share=True
    )
    for partnership in (demo_partnership, other):
        contact = contacts.get_or_create_contact(session, PHONE)
        contact.locale = "en"
        member = contacts.add_pending(
            session, contact=contact, partnership_id=partnership.id, channel="web"
        )
        confirmation.ask(session, member=member, contact=contact, partnership=partnership)
    held = sms("yes")
    assert held.replies == ["Which partnership is this for? Reply 1 Caguán, 2 Zenica"]
    assert sms("2").replies == []
    answered = session.scalars(select(InboundMessage).order_by(InboundMessage.id)).first()
    assert answered.route == "confirm"
    assert answered.partnership_id == other.id
    assert member_of(session, other).status == "confirmed"
    assert member_of(session, demo_partnership).status == "pending"
    replies = session.scalars(
        select(OutboundMessage.body).where(OutboundMessage.reply_to_id == answered.id)
    ).all()
    assert replies[-1] == "You will get messages from Zenica. Send HELP for options."
