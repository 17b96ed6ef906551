"""The SMS inbox: order, replies (refused after STOP), marking handled, linking a contact
to a participant of the register, and the audit entries of each (threads: test_threads)."""

import re

import pytest
from sqlalchemy import select

from hsbp.sms import contact_admin, contacts
from hsbp.sms.models import ContactMembership, InboundMessage, OutboundMessage
from tests.sms.conftest import PHONE, SENDER, actions, map_participant, page_text

OTHER = "+573209876543"


@pytest.fixture
def write(sms, session):
    """Text the partnership from `sender`; returns the stored message."""

    def send(body: str, sender: str = PHONE) -> InboundMessage:
        sms(body, sender=sender)
        session.expire_all()
        return session.scalars(
            select(InboundMessage).order_by(InboundMessage.id.desc()).limit(1)
        ).one()

    return send


@pytest.fixture
def joined(write):
    write("JOIN DEMO")
    write("2")  # English


def inbox_url(partnership, message=None, action=""):
    base = f"/p/{partnership.id}/sms"
    return base if message is None else f"{base}/inbox/{message.id}{action}"


def test_the_inbox_lists_one_thread_per_number_latest_first(
    web, write, joined, session, demo_partnership
):
    first = write("the water is dirty near the school")
    second = write("the road to La Esperanza is closed")
    stranger = write("hello, who is this?", sender=OTHER)
    assert [m.route for m in (first, second, stranger)] == ["inbox"] * 3
    assert (
        contacts.membership(session, contact=stranger.contact, partnership_id=demo_partnership.id)
        is None
    )
    web.post(inbox_url(demo_partnership, second, "/handled"))

    text = page_text(web.get(inbox_url(demo_partnership)))
    order = [text.index(s) for s in ("hello, who is", "the road to")]
    assert order == sorted(order)
    assert "the water is dirty" not in text  # a thread shows what its number wrote last
    assert "SMS inbox 2 not handled" in text
    assert "2 messages are not handled yet." in text
    assert "+57 310 4567821 · English the road to La Esperanza is closed" in text
    assert "+57 320 9876543 · has not joined hello, who is this?" in text
    assert text.count("1 not handled") == 2
    assert "JOIN DEMO" not in text  # keywords are in their thread, never its latest words


def test_marking_handled_is_recorded(web, write, joined, session, demo_partnership):
    message = write("the water is dirty")
    response = web.post(inbox_url(demo_partnership, message, "/handled"))
    assert response.status_code == 302
    session.expire_all()
    message = session.get(InboundMessage, message.id)
    assert message.handled_at is not None
    assert message.handled_by_id == web.user.id
    assert actions(session, demo_partnership.id) == ["sms_inbound.handle"]
    web.post(inbox_url(demo_partnership, message, "/handled"))
    assert actions(session, demo_partnership.id) == ["sms_inbound.handle"]


def test_a_reply_goes_to_the_contact_from_the_partnership_sender(
    web, write, joined, session, fake, demo_partnership
):
    message = write("the water is dirty")
    page = page_text(web.get(inbox_url(demo_partnership, message), follow_redirects=True))
    assert "the water is dirty" in page
    empty = web.post(inbox_url(demo_partnership, message, "/reply"), data={"body": "  "})
    assert empty.status_code == 422
    response = web.post(
        inbox_url(demo_partnership, message, "/reply"),
        data={"body": "Thank you. We will visit the school on Monday."},
    )
    assert response.status_code == 302
    session.expire_all()
    sent = session.scalars(select(OutboundMessage).where(OutboundMessage.kind == "reply")).all()
    # The webhook's own "message received" answer is a reply too, but never went to Twilio.
    ours = [m for m in sent if m.reply_to_id == message.id and m.provider_sid]
    assert [(m.body, m.sender, m.status, m.partnership_id) for m in ours] == [
        ("Thank you. We will visit the school on Monday.", SENDER, "sent", demo_partnership.id)
    ]
    assert [(m["to"], m["from"]) for m in fake.messages] == [(PHONE, SENDER)]
    assert actions(session, demo_partnership.id) == ["sms_inbound.reply"]
    thread = page_text(web.get(inbox_url(demo_partnership, message), follow_redirects=True))
    assert "To the phone: Thank you. We will visit the school on Monday." in thread


def test_a_reply_to_someone_who_sent_stop_is_refused(
    web, write, joined, session, fake, demo_partnership
):
    message = write("the water is dirty")
    write("STOP")
    page = page_text(web.get(inbox_url(demo_partnership, message), follow_redirects=True))
    assert "This person sent STOP: nothing can be sent to them until they send START." in page
    response = web.post(inbox_url(demo_partnership, message, "/reply"), data={"body": "Hello?"})
    assert response.status_code == 422
    assert "This person sent STOP" in page_text(response)
    assert fake.messages == []
    assert actions(session, demo_partnership.id) == []


def test_a_number_that_never_joined_cannot_be_answered(web, write, session, fake, demo_partnership):
    message = write("hello, who is this?", sender=OTHER)
    response = web.post(inbox_url(demo_partnership, message, "/reply"), data={"body": "Hi"})
    assert response.status_code == 422
    assert "This number has not joined the partnership: it cannot be answered." in page_text(
        response
    )
    # Only the automatic answer was queued: how to join.
    assert session.scalars(select(OutboundMessage.body)).all() == [
        "To take part, send JOIN and the code you were given."
    ]


def test_the_sender_is_linked_to_a_participant_by_display_name(
    web, write, joined, session, demo_partnership
):
    message = write("the water is dirty")
    protected = map_participant(
        session, demo_partnership, web.user, name="Ana Real Name", risk="high"
    )
    url = inbox_url(demo_partnership, message, "/link")
    wrong = web.post(url, data={"target": "Ana Real Name"})
    assert wrong.status_code == 422
    assert "No participant of this partnership is shown under this name." in page_text(wrong)

    response = web.post(url, data={"target": protected.display_name.lower()})
    assert response.status_code == 302
    member = contacts.membership(
        session, contact=message.contact, partnership_id=demo_partnership.id
    )
    session.refresh(member)
    assert member.participant_id == protected.id
    assert sorted(actions(session, demo_partnership.id)) == [
        "participant.create",
        "sms_contact.link",
    ]
    text = page_text(web.get(inbox_url(demo_partnership)))
    assert f"••• 21 Protected · English · {protected.display_name} the water" in text
    assert "+57 310 4567821" not in text
    assert "Ana Real Name" not in text


def test_a_number_that_never_joined_cannot_be_linked(web, write, session, demo_partnership):
    message = write("hello", sender=OTHER)
    participant = map_participant(session, demo_partnership, web.user, name="Rosa")
    response = web.post(inbox_url(demo_partnership, message, "/link"), data={"target": "Rosa"})
    assert response.status_code == 422
    assert session.scalars(select(ContactMembership.participant_id)).all() == []
    assert participant.id


def test_messages_of_another_partnership_are_not_found(web, make, session, demo_partnership):
    other = make.partnership()
    contacts.configure_sender(
        session, partnership_id=other.id, sender="+15005550007", join_code="OTHER"
    )
    theirs = InboundMessage(
        provider_sid="SM" + "f" * 32,
        from_phone=PHONE,
        from_hash=contacts.phone_hash(PHONE),
        to_number="+15005550007",
        body="private",
        partnership_id=other.id,
        route="inbox",
        in_inbox=True,
    )
    session.add(theirs)
    session.flush()
    assert web.get(inbox_url(demo_partnership, theirs)).status_code == 404
    assert web.post(inbox_url(demo_partnership, theirs, "/handled")).status_code == 404
    assert "private" not in page_text(web.get(inbox_url(demo_partnership)))


def without_badges(text: str) -> str:
    return re.sub(r"Grievances( \d+ waiting)? Monitoring", "Grievances Monitoring", text)


def test_a_confidential_message_leaves_no_trace_in_the_inbox_or_a_thread(
    web, write, joined, session, demo_partnership
):
    ordinary = write("the water is dirty")
    listed = page_text(web.get(inbox_url(demo_partnership)))
    assert "1 message is not handled yet." in listed
    thread = page_text(web.get(inbox_url(demo_partnership, ordinary), follow_redirects=True))

    report = write("REPORT the guard of the company hit my brother")
    assert (report.route, report.confidential, report.in_inbox, report.body) == (
        "grievance_report",
        True,
        False,
        "",
    )
    # No placeholder, no time, no count that moves: the pages are exactly as they were,
    # but for the menu's grievance badge, which facilitators see move on every page alike
    # (they may open the grievance list itself).
    assert without_badges(page_text(web.get(inbox_url(demo_partnership)))) == without_badges(listed)
    assert without_badges(
        page_text(web.get(inbox_url(demo_partnership, ordinary), follow_redirects=True))
    ) == without_badges(thread)
    assert "Grievances, partnership health answers and answers to anonymous" in listed
    assert web.get(inbox_url(demo_partnership, report)).status_code == 404
    assert web.post(inbox_url(demo_partnership, report, "/handled")).status_code == 404
    assert (
        web.post(inbox_url(demo_partnership, report, "/reply"), data={"body": "Hi"}).status_code
        == 404
    )


def test_a_message_marked_confidential_by_mistake_in_the_inbox_is_not_listed(
    web, write, joined, session, demo_partnership
):
    message = write("the water is dirty")
    message.confidential = True  # a feature's slip: the inbox flag stayed on
    session.flush()
    text = page_text(web.get(inbox_url(demo_partnership)))
    assert "0 messages are not handled yet." in text
    assert "the water is dirty" not in text
    assert web.get(inbox_url(demo_partnership, message)).status_code == 404


def test_the_inbox_runs_the_same_queries_for_3_or_30_messages(
    web, write, joined, demo_partnership, count_queries
):
    url = inbox_url(demo_partnership)
    for n in range(3):
        write(f"message {n}")
    web.get(url)
    with count_queries() as few:
        web.get(url)
    for n in range(27):
        write(f"more {n}", sender=f"+5732098765{n:02d}")
    with count_queries() as many:
        text = page_text(web.get(url))
    assert len(re.findall(r"Open the conversation", text)) == 28  # 27 numbers and PHONE
    assert many["n"] == few["n"]


def test_the_thread_of_a_pending_contact_says_nothing_of_its_other_partnerships(
    web, sms, write, make, session, demo_partnership
):
    """Two numbers that joined another partnership, one of which then sent STOP there, are
    added by hand here and write in: their threads here hold only what they wrote here, so
    the question one got and the other did not (it sent STOP) tells nothing."""
    other = make.partnership()
    contacts.configure_sender(
        session, partnership_id=other.id, sender="+15005550007", join_code="OTHER"
    )
    stopped, still = "+573209876543", "+573209876544"
    for phone in (stopped, still):
        sms("JOIN OTHER", sender=phone, to="+15005550007")
    sms("STOP", sender=stopped, to="+15005550007")
    for phone in (stopped, still):
        contact_admin.add_contact(
            session,
            actor=web.user,
            partnership=demo_partnership,
            phone=phone,
            locale="es",
            consent_note="agreed in person",
        )
    threads = []
    for phone in (stopped, still):
        message = write("hola, quiero saber de la reunion", sender=phone)
        assert (message.partnership_id, message.in_inbox) == (demo_partnership.id, True)
        page = web.get(inbox_url(demo_partnership, message), follow_redirects=True)
        page = page.get_data(as_text=True)
        thread = page[page.index('<ol class="bubbles">') :]
        # Times and row ids aside (ids count every partnership's messages).
        thread = re.sub(r"<time[^>]*>.*?</time>", "", thread, flags=re.S)
        threads.append(re.sub(r'(id|value|for)="(in-|out-|pick-)?[0-9]+"', "", thread))
    assert threads[0] == threads[1]
    assert threads[0].count('<li class="bubble ') == 1
