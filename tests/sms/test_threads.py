"""The SMS inbox as conversations: one thread per number, the system's messages inline, what
each message answered, only what nobody dealt with counted, and marking handled in bulk."""

import re

import pytest
from sqlalchemy import select

from hsbp.consultations import invitations, questions
from hsbp.consultations import services as consultations
from hsbp.sms import broadcasts, inbox, threads, updates
from hsbp.sms.models import InboundMessage
from tests.consultations.conftest import choice, consultation_fields, texts
from tests.sms.conftest import PHONE, actions, add_contact, page_text

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
def contact(session, demo_partnership):
    return add_contact(session, demo_partnership, PHONE, locale="en")


def open_consultation(session, facilitator, partnership, *, anonymous=False):
    """An open consultation of one question (where the water comes from), sent by SMS."""
    consultation = consultations.create_consultation(
        session,
        actor=facilitator,
        partnership=partnership,
        fields=consultation_fields(anonymous=anonymous),
    )
    questions.add_question(
        session,
        actor=facilitator,
        partnership=partnership,
        consultation=consultation,
        fields={
            "kind": "single",
            "text": texts("¿De dónde viene su agua?", "Where does your water come from?"),
            "choices": [choice("river", "Río", "River"), choice("well", "Pozo", "Well")],
        },
    )
    consultations.open_consultation(session, actor=facilitator, consultation=consultation)
    invitations.invite_by_sms(session, actor=facilitator, consultation=consultation)
    session.flush()
    return consultation


def thread_url(partnership, contact, tail=""):
    return f"/p/{partnership.id}/sms/threads/{contact.id}{tail}"


class Html:
    """A piece of a page, read as `page_text` reads a whole one."""

    def __init__(self, html: str):
        self.html = html

    def get_data(self, as_text: bool = True) -> str:
        return self.html


def bubbles(response) -> list[str]:
    """The thread's messages as read: "> " written on the phone, "< " sent to it."""
    html = response.get_data(as_text=True)
    found = []
    for item in re.findall(r'<li class="bubble .*?</li>', html, re.S):
        text = page_text(Html(item))
        found.append(text.replace("From the phone: ", "> ").replace("To the phone: ", "< "))
    return found


def test_a_reasked_consultation_answer_is_in_its_thread_and_waits_for_nobody(
    client, session, write, facilitator, contact, demo_partnership
):
    open_consultation(session, facilitator, demo_partnership)
    wrong = write("no idea")
    right = write("2")
    assert (wrong.route, wrong.in_inbox, right.route, right.in_inbox) == (
        "consultation",
        True,
        "consultation",
        False,
    )
    assert inbox.unhandled_count(session, partnership_id=demo_partnership.id) == 0

    listed = page_text(client.get(f"/p/{demo_partnership.id}/sms"))
    assert "0 messages are not handled yet." in listed
    assert "not handled" not in listed.replace("are not handled yet", "")
    assert "Mark the selected conversations handled" not in listed

    shown = bubbles(client.get(thread_url(demo_partnership, contact)))
    assert shown[-4][:9] == "> no idea"
    assert shown[-4].endswith("Answer to question 1 of “Water and roads”")
    assert shown[-3].startswith("< Please answer with one of the numbers. 1/1 Where does your")
    assert shown[-2][:3] == "> 2"
    assert shown[-2].endswith("Answer to question 1 of “Water and roads”")
    assert shown[-1].startswith("< Thank you! Your answers are saved.")
    assert not any("Not handled: select" in text for text in shown)


def test_an_anonymous_consultation_leaves_no_trace_in_the_thread(
    client, session, write, facilitator, contact, demo_partnership
):
    write("hello, is there a meeting?")
    before = client.get(thread_url(demo_partnership, contact))
    open_consultation(session, facilitator, demo_partnership, anonymous=True)
    hidden = write("the river")
    assert (hidden.confidential, hidden.about, hidden.body) == (True, "", "")
    after = client.get(thread_url(demo_partnership, contact))
    # No placeholder, no question, no time: the thread is exactly as it was.
    assert bubbles(after) == bubbles(before)
    assert "Water and roads" not in page_text(after)
    assert "1 message is not handled yet." in page_text(client.get(f"/p/{demo_partnership.id}/sms"))


def test_an_answer_to_a_broadcast_names_it_and_links_to_it(
    client, session, write, facilitator, contact, demo_partnership
):
    updates.set_updates(  # a broadcast goes to those who asked for news (hsbp.consent)
        session, contact=contact, partnership_id=demo_partnership.id, wanted=True, channel="sms"
    )
    sent = broadcasts.create_broadcast(
        session,
        actor=facilitator,
        partnership=demo_partnership,
        bodies={"es": "Reunión el lunes", "en": "Meeting on Monday at the school, all welcome"},
        audience=broadcasts.Audience("all", ""),
    )
    write("I will come with my neighbours")
    page = client.get(thread_url(demo_partnership, contact))
    shown = bubbles(page)
    assert shown[-3].startswith("< Meeting on Monday at the school, all welcome")
    assert "broadcast" in shown[-3]
    assert shown[-2].endswith(
        "Answer to the broadcast “Meeting on Monday at the school, all we…” Not handled: select"
    )
    link = f'href="/p/{demo_partnership.id}/sms/broadcasts/{sent.id}"'
    assert link in page.get_data(as_text=True)
    listed = page_text(client.get(f"/p/{demo_partnership.id}/sms"))
    assert "Answer to the broadcast “Meeting on Monday at the school, all we…”" in listed


def test_a_keyword_is_named_in_the_thread(client, write, session, demo_partnership, facilitator):
    write("JOIN DEMO", sender=OTHER)
    message = write("hello", sender=OTHER)
    shown = bubbles(client.get(thread_url(demo_partnership, message.contact)))
    assert shown[0].startswith("> JOIN DEMO") and shown[0].endswith("· Keyword JOIN")
    assert shown[-2].startswith("> hello")


def test_threads_are_ordered_by_what_their_number_wrote_last(
    client, write, session, contact, demo_partnership, facilitator
):
    write("first from the contact")
    write("from the stranger", sender=OTHER)
    write("second from the contact")
    text = page_text(client.get(f"/p/{demo_partnership.id}/sms"))
    assert text.index("second from the contact") < text.index("from the stranger")
    assert "first from the contact" not in text
    assert "2 conversations" in text
    assert "SMS inbox 3 not handled" in text
    assert re.findall(r"(\d) not handled Open", text) == ["2", "1"]


def test_old_links_to_a_message_lead_to_its_thread(
    client, write, session, contact, demo_partnership, facilitator
):
    message = write("the road is closed")
    response = client.get(f"/p/{demo_partnership.id}/sms/inbox/{message.id}")
    assert response.status_code == 302
    assert response.headers["Location"] == thread_url(
        demo_partnership, contact, f"#in-{message.id}"
    )
    assert f'id="in-{message.id}"' in client.get(response.headers["Location"]).get_data(
        as_text=True
    )


def test_ticked_threads_are_marked_handled_in_one_go(
    client, write, session, contact, demo_partnership, facilitator
):
    write("one")
    write("two")
    stranger = write("three", sender=OTHER)
    kept = write("four", sender="+573209876544")
    response = client.post(
        f"/p/{demo_partnership.id}/sms/handled",
        data={"thread": [str(contact.id), str(stranger.contact_id)]},
    )
    assert response.status_code == 302
    session.expire_all()
    assert inbox.unhandled_count(session, partnership_id=demo_partnership.id) == 1
    assert session.get(InboundMessage, kept.id).handled_at is None
    assert actions(session, demo_partnership.id) == ["sms_inbound.handle"] * 3
    text = page_text(client.get(f"/p/{demo_partnership.id}/sms"))
    assert "3 messages are marked handled." in text
    assert "1 message is not handled yet." in text


def test_ticked_messages_or_the_whole_thread_are_marked_handled(
    client, write, session, contact, demo_partnership, facilitator
):
    first, second, third = write("one"), write("two"), write("three")
    url = thread_url(demo_partnership, contact, "/handled")
    nothing = client.post(url, data={}, follow_redirects=True)
    assert "Tick the messages to mark handled first." in page_text(nothing)
    client.post(url, data={"message": [str(second.id), "x"]})
    session.expire_all()
    assert [
        session.get(InboundMessage, m.id).handled_at is None for m in (first, second, third)
    ] == [
        True,
        False,
        True,
    ]
    page = client.get(thread_url(demo_partnership, contact))
    assert "handled by" in page_text(page)
    client.post(url, data={"all": "1"})
    assert inbox.unhandled_count(session, partnership_id=demo_partnership.id) == 0
    assert actions(session, demo_partnership.id) == ["sms_inbound.handle"] * 3


def test_marking_handled_passes_over_another_partnerships_messages(
    client, make, write, session, contact, demo_partnership, facilitator
):
    other = make.partnership()
    theirs = InboundMessage(
        provider_sid="SM" + "e" * 32,
        from_phone=PHONE,
        from_hash=contact.phone_hash,
        to_number="+15005550007",
        body="private",
        contact_id=contact.id,
        partnership_id=other.id,
        route="inbox",
        in_inbox=True,
    )
    session.add(theirs)
    write("ours")
    session.flush()
    client.post(
        thread_url(demo_partnership, contact, "/handled"), data={"message": [str(theirs.id)]}
    )
    client.post(f"/p/{demo_partnership.id}/sms/handled", data={"thread": [str(contact.id)]})
    session.expire_all()
    assert session.get(InboundMessage, theirs.id).handled_at is None
    assert inbox.unhandled_count(session, partnership_id=other.id) == 1
    assert "private" not in page_text(client.get(thread_url(demo_partnership, contact)))


def test_a_number_that_never_wrote_has_no_thread(
    client, session, contact, demo_partnership, facilitator
):
    assert client.get(thread_url(demo_partnership, contact)).status_code == 404
    found = threads.get_thread(session, partnership_id=demo_partnership.id, contact_id=contact.id)
    assert found is None


def test_the_waiting_list_shows_only_threads_with_unhandled_messages(
    client, write, session, contact, demo_partnership, facilitator
):
    write("please call me")
    done = write("thanks, all good", sender=OTHER)
    client.post(thread_url(demo_partnership, done.contact, "/handled"), data={"all": "1"})
    text = page_text(client.get(f"/p/{demo_partnership.id}/sms?show=waiting"))
    assert "please call me" in text and "thanks, all good" not in text
    assert "1 conversation waits" in text


def test_the_inbox_and_a_thread_run_the_same_queries_for_few_or_many(
    client, write, session, contact, demo_partnership, facilitator, count_queries
):
    late = add_contact(session, demo_partnership, OTHER, locale="en")
    open_consultation(session, facilitator, demo_partnership)
    write("no idea")
    for n in range(2):
        write(f"hello {n}", sender=f"+5732098766{n:02d}")
    inbox_url, thread = f"/p/{demo_partnership.id}/sms", thread_url(demo_partnership, contact)
    client.get(inbox_url), client.get(thread)
    with count_queries() as few:
        client.get(inbox_url)
    with count_queries() as few_in_thread:
        client.get(thread)
    for n in range(2, 30):
        write(f"hello {n}", sender=f"+5732098766{n:02d}")
    for n in range(20):
        write(f"more {n}")  # two answer the question (asked again, then skipped), then the inbox
    write("no idea", sender=late.phone)  # the latest thread is a consultation's again
    with count_queries() as many:
        text = page_text(client.get(inbox_url))
    with count_queries() as many_in_thread:
        shown = bubbles(client.get(thread))
    assert text.count("Open the conversation") == 32
    assert len(shown) > 25 and "Answer to question 1" in " ".join(shown)
    assert (many["n"], many_in_thread["n"]) == (few["n"], few_in_thread["n"])
