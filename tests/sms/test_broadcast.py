"""Broadcasts: the preview's numbers, one message per recipient in their language, progress
counts, and a STOP in the middle of a broadcast."""

import re

import pytest
from sqlalchemy import select

from hsbp.mapping import tags as mapping_tags
from hsbp.security import Role
from hsbp.sms import broadcasts, contacts, sending
from hsbp.sms.models import Broadcast, OutboundMessage
from tests.sms.conftest import SENDER, actions, add_contact, map_participant, page_text, signed_post

# Spanish with accents outside GSM-7: UCS-2, 58 characters, one segment.
ES = "Reunión comunitaria el sábado 14 a las 9:00 en la escuela."
# An en dash, replaced by "-" since that makes the text GSM-7: 71 septets x 3 = 213, 2 segments.
DASH = "\u2013"
EN_LINE = f"Community meeting on Saturday 14 at 9:00 at the school {DASH} bring your ID. "
EN = (EN_LINE * 3).strip()


@pytest.fixture
def audience(session, demo_partnership, web):
    """Five contacts who asked for news: Spanish, English, no language, French (not a
    partnership language) and one who sent STOP; two linked to participants of the
    register."""
    actor = web.user
    tags = {t.key: t for t in mapping_tags.group_tags(session, partnership_id=demo_partnership.id)}
    women = map_participant(
        session,
        demo_partnership,
        actor,
        name="Mujeres Cacaoteras",
        sector="community_group",
        locality="La Esperanza",
        tag_ids=[tags["women"].id],
    )
    trader = map_participant(
        session, demo_partnership, actor, name="Tienda", sector="company", locality="Puerto Rico"
    )
    return {
        "es": add_contact(session, demo_partnership, "+573104567801", participant=women, news=True),
        "en": add_contact(
            session, demo_partnership, "+573104567802", locale="en", participant=trader, news=True
        ),
        "none": add_contact(session, demo_partnership, "+573104567803", locale=None, news=True),
        "fr": add_contact(session, demo_partnership, "+573104567804", locale="fr", news=True),
        "stopped": add_contact(
            session, demo_partnership, "+573104567805", participant=women, opted_out=True, news=True
        ),
        "women_tag": tags["women"],
    }


def compose(partnership, **fields):
    return {"audience": "all", "body_es": ES, "body_en": EN, **fields}


def test_the_preview_counts_recipients_languages_and_segments(web, audience, demo_partnership):
    url = f"/p/{demo_partnership.id}/sms/broadcasts/new"
    assert web.get(url).status_code == 200
    response = web.post(url, data={**compose(demo_partnership), "preview": "1"})
    assert response.status_code == 200
    text = page_text(response)
    assert "Recipients: 4" in text
    assert "Left out because they sent STOP: 1" in text
    # Spanish: 3 recipients x 1 segment; English: 1 x 2.
    assert "Segments in all: 5" in text
    spanish = text.split("Spanish")[1].split("English")[0]
    assert ES in spanish
    assert "Encoding: UCS-2 · length: 58 · segments: 1." in spanish
    assert "Recipients: 3" in spanish
    assert "2 of them get this text because none is written in their language." in spanish
    english = text.rsplit("English", 1)[1]
    assert EN.replace(DASH, "-") in english
    assert DASH not in english
    assert "Encoding: GSM-7 · length: 215 · segments: 2." in english
    assert "Recipients: 1" in english
    assert "This text is longer than one SMS: each recipient pays for 2 messages." in english
    assert "Send to 4 people" in text
    # The second step carries the texts as written, in hidden fields.
    body = response.get_data(as_text=True)
    assert f'name="body_en" value="{EN_LINE[:70]}' in body
    # "Change the message" brings the form back with the texts as written.
    again = web.post(url, data={**compose(demo_partnership), "edit": "1"})
    assert again.status_code == 200
    assert f"{ES}</textarea>" in again.get_data(as_text=True)


def test_the_default_language_is_required_and_an_empty_audience_refused(
    web, audience, demo_partnership
):
    url = f"/p/{demo_partnership.id}/sms/broadcasts/new"
    missing = web.post(url, data={"audience": "all", "body_en": "Hello", "preview": "1"})
    assert missing.status_code == 422
    assert "Write the message in the partnership's default language at least." in page_text(missing)
    nobody = web.post(
        url, data={**compose(demo_partnership), "audience": "sector:academic", "preview": "1"}
    )
    assert nobody.status_code == 422
    assert "Nobody in this audience can receive messages (0 opted out)." in page_text(nobody)
    unknown = web.post(url, data={**compose(demo_partnership), "audience": "tag:x"})
    assert unknown.status_code == 422


@pytest.mark.parametrize(
    ("choice", "recipients", "opted_out"),
    [
        ("sector:community_group", 1, 1),
        ("sector:company", 1, 0),
        ("locality:Puerto Rico", 1, 0),
        ("women", 1, 1),
    ],
)
def test_the_audience_follows_the_register(
    web, audience, demo_partnership, choice, recipients, opted_out
):
    if choice == "women":
        choice = f"tag:{audience['women_tag'].id}"
    response = web.post(
        f"/p/{demo_partnership.id}/sms/broadcasts/new",
        data={**compose(demo_partnership), "audience": choice, "preview": "1"},
    )
    text = page_text(response)
    assert f"Recipients: {recipients} " in text
    assert f"Left out because they sent STOP: {opted_out}" in text


def test_sending_queues_one_message_per_recipient_in_their_language(
    web, audience, session, fake, demo_partnership
):
    response = web.post(
        f"/p/{demo_partnership.id}/sms/broadcasts/new",
        data={**compose(demo_partnership), "confirm": "1"},
    )
    assert response.status_code == 302
    broadcast = session.scalars(select(Broadcast)).one()
    assert response.location.endswith(f"/p/{demo_partnership.id}/sms/broadcasts/{broadcast.id}")
    assert broadcast.bodies == {"es": ES, "en": EN}
    assert broadcast.audience == {"kind": "all", "value": ""}
    session.expire_all()
    rows = session.scalars(
        select(OutboundMessage).where(OutboundMessage.broadcast_id == broadcast.id)
    ).all()
    by_contact = {row.contact_id: row for row in rows}
    assert len(rows) == 4
    assert set(by_contact) == {audience[k].id for k in ("es", "en", "none", "fr")}
    assert by_contact[audience["en"].id].body == EN.replace(DASH, "-")
    assert by_contact[audience["en"].id].segments == 2
    assert {by_contact[audience[k].id].body for k in ("es", "none", "fr")} == {ES}
    assert {(r.kind, r.sender, r.status, r.partnership_id) for r in rows} == {
        ("broadcast", SENDER, "sent", demo_partnership.id)
    }
    assert sorted(m["to"] for m in fake.messages) == [
        "+573104567801",
        "+573104567802",
        "+573104567803",
        "+573104567804",
    ]
    assert actions(session, demo_partnership.id)[-1] == "sms_broadcast.create"


def status_counts(text: str) -> dict[str, int]:
    table = text.split("Messages by status")[1].split("Retries and refusals")[0].split("Refresh")[0]
    return {
        status: int(count)
        for status, count in re.findall(
            r"(Queued|Sending|Sent|Delivered|Undelivered|Failed|Cancelled) (\d+)", table
        )
    }


def test_progress_counts_each_status_and_a_stop_cancels_the_rest(
    web, audience, session, fake, demo_partnership, sms
):
    fake.fail_next(1, status=503)  # the first message waits for a retry
    fake.opt_out("+573104567804")  # Twilio refuses this one: 21610
    response = web.post(
        f"/p/{demo_partnership.id}/sms/broadcasts/new",
        data={**compose(demo_partnership), "confirm": "1"},
    )
    progress_url = response.location
    session.expire_all()
    rows = {
        row.contact_id: row
        for row in session.scalars(
            select(OutboundMessage).where(OutboundMessage.kind == "broadcast")
        )
    }
    waiting = rows[audience["es"].id]
    assert (waiting.status, waiting.attempts) == ("queued", 1)
    assert rows[audience["fr"].id].status == "failed"
    for key, status in (("en", "delivered"), ("none", "undelivered")):
        params = {"MessageSid": rows[audience[key].id].provider_sid, "MessageStatus": status}
        assert signed_post(web, "/sms/twilio/status", params).status_code == 204

    text = page_text(web.get(progress_url))
    assert status_counts(text) == {
        "Queued": 1,
        "Sending": 0,
        "Sent": 0,
        "Delivered": 1,
        "Undelivered": 1,
        "Failed": 1,
        "Cancelled": 0,
    }
    assert "3 of 4" in text
    assert "Some messages are still waiting to be sent." in text
    body = web.get(progress_url).get_data(as_text=True)
    assert 'max="4" value="3"' in body

    # The waiting contact sends STOP before its retry comes round: it is never sent.
    sms("STOP", sender="+573104567801")
    with web.application.app_context():
        sending.send_outbound(waiting.id)
    session.expire_all()
    assert session.get(OutboundMessage, waiting.id).status == "cancelled"
    assert "+573104567801" not in [m["to"] for m in fake.messages]
    text = page_text(web.get(progress_url))
    assert status_counts(text)["Cancelled"] == 1
    assert status_counts(text)["Queued"] == 0
    assert "4 of 4" in text
    assert "Some messages are still waiting" not in text


def test_past_broadcasts_are_listed_with_their_progress(web, audience, demo_partnership):
    web.post(
        f"/p/{demo_partnership.id}/sms/broadcasts/new",
        data={**compose(demo_partnership), "audience": "locality:Puerto Rico", "confirm": "1"},
    )
    text = page_text(web.get(f"/p/{demo_partnership.id}/sms/broadcasts"))
    assert "Community meeting on Saturday 14" in text  # the reader's language: English
    assert "Locality: Puerto Rico" in text
    assert "Messages processed 1 / 1 1 of 1" in text


def test_without_a_sender_the_page_says_how_to_set_one(client, make, login):
    partnership = make.partnership()
    login(make.member(partnership, Role.FACILITATOR, user=make.user(locale="en")))
    response = client.get(f"/p/{partnership.id}/sms/broadcasts/new")
    assert "This partnership has no SMS sender yet." in page_text(response)
    assert f'href="/p/{partnership.id}/sms/settings"' in response.get_data(as_text=True)


def test_contacts_not_confirmed_are_no_part_of_any_audience(web, session, demo_partnership):
    women = map_participant(
        session, demo_partnership, web.user, name="Mujeres", locality="La Esperanza"
    )
    add_contact(session, demo_partnership, "+573104567801", participant=women, news=True)
    add_contact(session, demo_partnership, "+573104567802", participant=women, pending=True)
    refused = add_contact(
        session, demo_partnership, "+573104567803", participant=women, pending=True
    )
    member = contacts.membership(session, contact=refused, partnership_id=demo_partnership.id)
    contacts.answer_invitation(session, contact=refused, member=member, yes=False)
    url = f"/p/{demo_partnership.id}/sms/broadcasts/new"
    for audience in ("all", "locality:La Esperanza"):
        response = web.post(url, data={"audience": audience, "body_es": ES, "preview": "1"})
        text = page_text(response)
        assert "Recipients: 1" in text, audience
        assert "Send to 1 person" in text
    assert broadcasts.audience_localities(session, partnership_id=demo_partnership.id) == [
        "La Esperanza"
    ]
