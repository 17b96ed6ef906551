"""Sending checks the purpose: a message of a kind whose purpose the contact has not given
(or whose consent ended) is withheld, never handed to Twilio; replies always go."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from hsbp.consent import services
from hsbp.consent.models import Consent
from hsbp.consultations.conversation import SMS_KIND as CONSULTATION_KIND
from hsbp.db import utcnow
from hsbp.grievances.messages import SMS_KIND as GRIEVANCE_KIND
from hsbp.sms import contacts, send_rows, sending, updates
from hsbp.sms.models import Broadcast, OutboundMessage
from tests.consent.conftest import PHONE
from tests.sms.conftest import SENDER, add_contact, page_text


@pytest.fixture
def joined(session, demo_partnership):
    """A contact who joined: consultations and grievance follow-up, no news."""
    return add_contact(session, demo_partnership, PHONE, locale="en")


def queued(session, contact, partnership, kind, **fields) -> OutboundMessage:
    return sending.queue_sms(
        session,
        contact=contact,
        body="Hola",
        sender=SENDER,
        kind=kind,
        partnership_id=partnership.id if partnership else None,
        **fields,
    )


def withdraw(session, facilitator, partnership, contact, purpose):
    services.record(
        session,
        actor=facilitator,
        partnership=partnership,
        contact=contact,
        purpose=purpose,
        granted=False,
        channel="verbal",
        given_on=services.today_in(partnership),
    )


@pytest.mark.parametrize(
    ("kind", "goes"),
    [
        (CONSULTATION_KIND, True),
        ("pulse", True),
        ("poll", True),
        ("vote", True),
        ("check", True),
        (GRIEVANCE_KIND, True),
        ("broadcast", False),
        ("reply", True),
        ("stop_confirmation", True),
        ("invitation", True),
        ("consent", True),
        ("notification", True),
    ],
)
def test_joining_lets_questions_and_grievance_news_go_but_not_news(
    session, demo_partnership, joined, kind, goes
):
    message = queued(session, joined, demo_partnership, kind)
    assert (message.status, message.error_message) == (
        ("queued", "") if goes else ("withheld", "no consent to news")
    )


def test_a_consultation_question_is_withheld_without_consultations_consent(
    session, demo_partnership, joined, facilitator
):
    withdraw(session, facilitator, demo_partnership, joined, "consultations")
    question = queued(session, joined, demo_partnership, CONSULTATION_KIND)
    assert (question.status, question.error_message, question.body) == (
        "withheld",
        "no consent to consultations",
        "Hola",
    )
    assert send_rows.claim(question.id) is None  # never handed to Twilio, whoever asks
    session.expire_all()
    assert session.get(OutboundMessage, question.id).status == "withheld"
    # Grievance news still go: each purpose on its own.
    assert queued(session, joined, demo_partnership, GRIEVANCE_KIND).status == "queued"


def test_a_withheld_confidential_message_keeps_no_text(
    session, demo_partnership, joined, facilitator
):
    withdraw(session, facilitator, demo_partnership, joined, "grievance_follow_up")
    notice = queued(session, joined, demo_partnership, GRIEVANCE_KIND, confidential=True)
    assert (notice.status, notice.body, notice.confidential) == ("withheld", "", True)


def test_a_direct_reply_is_sent_whatever_the_consent(sms, session, demo_partnership, facilitator):
    sms("JOIN DEMO")
    contact = contacts.find_contact(session, PHONE)
    for purpose in ("consultations", "news", "grievance_follow_up", "research"):
        withdraw(session, facilitator, demo_partnership, contact, purpose)
    answer = sms("HELP")
    session.expire_all()
    (reply,) = session.scalars(
        select(OutboundMessage)
        .where(OutboundMessage.reply_to_id.is_not(None))
        .order_by(OutboundMessage.id.desc())
        .limit(1)
    )
    assert answer.replies and reply.kind == "reply" and reply.status != "withheld"


def test_an_ended_consent_withholds_from_the_day_after_its_last_day(
    session, demo_partnership, joined
):
    row = session.scalars(
        select(Consent).where(Consent.contact_id == joined.id, Consent.purpose == "consultations")
    ).one()
    today = utcnow().date()
    row.expires_on = today
    assert queued(session, joined, demo_partnership, "poll").status == "queued"
    row.expires_on = today - timedelta(days=1)
    assert queued(session, joined, demo_partnership, "poll").status == "withheld"


def test_a_kind_given_no_purpose_is_withheld_and_one_of_no_partnership_goes(
    session, demo_partnership, joined
):
    unknown = queued(session, joined, demo_partnership, "mystery")
    assert (unknown.status, unknown.error_message) == (
        "withheld",
        "no consent purpose for the kind 'mystery'",
    )
    assert queued(session, joined, None, "mystery").status == "queued"


def test_a_broadcast_reaches_only_those_who_consented_to_news(
    client, session, demo_partnership, facilitator
):
    wants = add_contact(session, demo_partnership, "+573104567840", locale="en")
    updates.set_updates(
        session, contact=wants, partnership_id=demo_partnership.id, wanted=True, channel="sms"
    )
    plain = add_contact(session, demo_partnership, "+573104567841", locale="en")
    form = {"audience": "all", "body_es": "Reunión el sábado", "body_en": "Meeting"}
    preview = page_text(client.post(f"/p/{demo_partnership.id}/sms/broadcasts/new", data=form))
    assert "Recipients: 1" in preview
    assert "Left out because they have not agreed to receive news: 1" in preview
    response = client.post(
        f"/p/{demo_partnership.id}/sms/broadcasts/new", data={**form, "confirm": "1"}
    )
    assert response.status_code == 302
    broadcast = session.scalars(select(Broadcast)).one()
    session.expire_all()
    rows = session.scalars(
        select(OutboundMessage).where(OutboundMessage.broadcast_id == broadcast.id)
    ).all()
    # The one who has not agreed is counted apart, and no message to them is even made.
    assert [(row.contact_id, row.status != "withheld") for row in rows] == [(wants.id, True)]
    assert plain.id not in {row.contact_id for row in rows}


def test_a_broadcast_to_nobody_who_agreed_is_refused_with_the_reason(
    client, session, demo_partnership, facilitator
):
    add_contact(session, demo_partnership, "+573104567842", locale="en")
    response = client.post(
        f"/p/{demo_partnership.id}/sms/broadcasts/new",
        data={"audience": "all", "body_es": "Reunión", "body_en": "Meeting", "confirm": "1"},
    )
    assert response.status_code == 422
    assert "1 have not agreed to receive news" in page_text(response)
    assert session.scalars(select(Broadcast)).all() == []


def test_consent_given_again_lets_the_next_message_go(
    session, demo_partnership, joined, facilitator
):
    withdraw(session, facilitator, demo_partnership, joined, "consultations")
    services.record(
        session,
        actor=facilitator,
        partnership=demo_partnership,
        contact=joined,
        purpose="consultations",
        granted=True,
        channel="paper",
        given_on=date.today() - timedelta(days=1),
    )
    assert queued(session, joined, demo_partnership, "vote").status == "queued"


def test_a_withheld_broadcast_is_not_what_a_message_answered(
    client, sms, session, demo_partnership, facilitator
):
    sms("JOIN DEMO")
    contact = contacts.find_contact(session, PHONE)
    # News of a broadcast's kind made for someone who has not agreed to news (a result's
    # feedback, say: the broadcast page itself leaves such people out).
    broadcast = Broadcast(partnership_id=demo_partnership.id, bodies={}, audience={})
    session.add(broadcast)
    session.flush()
    queued(
        session,
        contact,
        demo_partnership,
        "broadcast",
        broadcast_id=broadcast.id,
    ).body = "Reunión el lunes en la escuela"
    session.flush()
    sms("Allí estaré")
    page = page_text(client.get(f"/p/{demo_partnership.id}/sms/threads/{contact.id}"))
    assert "Reunión el lunes en la escuela" in page  # the facilitator sees it was not sent
    assert "Withheld: no consent · broadcast" in page
    assert "Answer to the broadcast" not in page
    listed = page_text(client.get(f"/p/{demo_partnership.id}/sms"))
    assert "Allí estaré" in listed and "Answer to the broadcast" not in listed
