"""Telling the community by SMS that an action is done: only contacts of this partnership who
asked for news and have not sent STOP, each in their language, once, by a facilitator."""

import pytest
from sqlalchemy import func, select

from hsbp.actions import community
from hsbp.actions.models import Action
from hsbp.audit import AuditEntry
from hsbp.config import DEV_TWILIO_SID, DEV_TWILIO_TOKEN
from hsbp.errors import ServiceError
from hsbp.fake_twilio import FakeTwilio
from hsbp.sms import contacts, updates
from hsbp.sms.models import Broadcast, OutboundMessage
from tests.actions.conftest import membership_of
from tests.sms.conftest import page_text

SENDER = "+15005550006"
BODIES = {
    "es": "Caguán: el pozo de la vereda está listo. ¡Gracias!",
    "en": "Caguán: the well is done.",
}


def contact_in(session, partnership, phone, *, locale, news=True, stopped=False):
    contact = contacts.get_or_create_contact(session, phone)
    contact.locale = locale
    contacts.join(session, contact=contact, partnership_id=partnership.id, channel="web")
    if news:
        updates.set_updates(
            session, contact=contact, partnership_id=partnership.id, wanted=True, channel="sms"
        )
    if stopped:
        contacts.opt_out(session, contact=contact, channel="sms")
    session.flush()
    return contact


@pytest.fixture
def audience(session, make, partnership):
    """Contacts in Spanish, English and French (not a partnership language) who asked for
    news; one who did not; one who asked then sent STOP; one of another partnership."""
    contacts.configure_sender(
        session, partnership_id=partnership.id, sender=SENDER, join_code="CAGUAN"
    )
    other = make.partnership(name="Otra")
    return {
        "es": contact_in(session, partnership, "+573104567801", locale="es"),
        "en": contact_in(session, partnership, "+573104567802", locale="en"),
        "fr": contact_in(session, partnership, "+573104567803", locale="fr"),
        "quiet": contact_in(session, partnership, "+573104567804", locale="es", news=False),
        "stopped": contact_in(session, partnership, "+573104567805", locale="es", stopped=True),
        "elsewhere": contact_in(session, other, "+573104567806", locale="es"),
    }


@pytest.fixture
def done(add_action, company):
    return add_action(company, status="done", progress=100)


def send(session, partnership, user, action, bodies=BODIES):
    return community.send_update(
        session,
        actor=user,
        membership=membership_of(session, user, partnership),
        partnership=partnership,
        action=action,
        bodies=dict(bodies),
    )


def outgoing(session) -> list[tuple[int, str, str]]:
    return [
        (m.contact_id, m.body, m.kind)
        for m in session.scalars(select(OutboundMessage).order_by(OutboundMessage.id))
    ]


def test_only_contacts_who_asked_for_news_get_it_in_their_language(
    session, partnership, facilitator, audience, done
):
    sent = send(session, partnership, facilitator, done)

    assert sent.recipients == 3
    assert outgoing(session) == [
        (audience["es"].id, BODIES["es"], "broadcast"),
        (audience["en"].id, BODIES["en"], "broadcast"),
        (audience["fr"].id, BODIES["es"], "broadcast"),  # the partnership's default
    ]
    assert done.community_update_id == sent.broadcast.id
    assert sent.broadcast.bodies == BODIES
    assert sent.broadcast.audience == {"kind": "news", "value": "NEWS", "action_id": done.id}
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "action.community_update"))
    assert entry.details == {"broadcast_id": sent.broadcast.id, "recipients": 3, "segments": 3}


def test_the_community_is_told_once(session, partnership, facilitator, audience, done):
    send(session, partnership, facilitator, done)
    with pytest.raises(ServiceError) as refused:
        send(session, partnership, facilitator, done)
    assert str(refused.value) == "The community has already been told that this action is done."
    assert len(outgoing(session)) == 3
    assert session.scalar(select(func.count()).select_from(Broadcast)) == 1


@pytest.mark.parametrize(
    ("who", "message"),
    [
        ("company_rep", "Only facilitators send news to the community."),
        ("observer", "Only facilitators send news to the community."),
    ],
)
def test_only_facilitators_tell_the_community(
    request, session, partnership, audience, done, who, message
):
    with pytest.raises(ServiceError) as refused:
        send(session, partnership, request.getfixturevalue(who), done)
    assert str(refused.value) == message
    assert outgoing(session) == []
    assert done.community_update_id is None


def test_an_action_not_done_is_not_announced(
    session, partnership, facilitator, audience, add_action, company
):
    planned = add_action(company)
    with pytest.raises(ServiceError) as refused:
        send(session, partnership, facilitator, planned)
    assert str(refused.value) == "The community can be told once the action is done."
    assert outgoing(session) == []


def test_nobody_to_tell_is_refused(session, partnership, facilitator, done):
    contacts.configure_sender(
        session, partnership_id=partnership.id, sender=SENDER, join_code="CAGUAN"
    )
    contact_in(session, partnership, "+573104567801", locale="es", news=False)
    with pytest.raises(ServiceError) as refused:
        send(session, partnership, facilitator, done)
    assert str(refused.value) == "No contact of this partnership has asked for news by SMS yet."
    assert session.scalar(select(func.count()).select_from(Broadcast)) == 0


def test_the_default_language_text_is_required(session, partnership, facilitator, audience, done):
    with pytest.raises(ServiceError) as refused:
        send(session, partnership, facilitator, done, bodies={"es": "  ", "en": "Done."})
    assert refused.value.field == "body_es"
    assert outgoing(session) == []


def test_the_proposed_text_names_the_partnership_the_action_and_how_to_stop(
    session, partnership, done
):
    texts = community.default_texts(done, partnership)
    assert list(texts) == ["es", "en"]
    assert texts["en"] == 'Caguán: "A well for the village" is done. Thank you!'


def test_a_long_title_is_shortened_in_the_proposed_text(session, partnership, add_action, company):
    action = add_action(company, title={"es": "Pozo", "en": "A well " + "very " * 30 + "deep"})
    text = community.default_texts(action, partnership)["en"]
    title = "A well" + " very" * 10 + "..."  # 57 characters, then the dots
    assert text == f'Caguán: "{title}" is done. Thank you!'


# Over HTTP ---------------------------------------------------------------------------------


@pytest.fixture
def twilio():
    with FakeTwilio(DEV_TWILIO_SID, DEV_TWILIO_TOKEN, callback_delay=0.01) as running:
        yield running


@pytest.fixture
def web(app_with, twilio, login):
    """A client on an app that sends through the fake Twilio: web(user) signs `user` in."""
    app = app_with(TWILIO_API_BASE=twilio.url, SMS_RATE_PER_SECOND=0)

    def client_for(user):
        return login(user, target=app.test_client())

    return client_for


def test_a_facilitator_tells_the_community_from_the_actions_page(
    session, partnership, facilitator, audience, done, web, twilio
):
    client = web(facilitator)
    page_url = f"/p/{partnership.id}/actions/{done.id}"
    page = client.get(page_url)
    text = page_text(page)
    assert "Tell the community" in text
    assert "3 contacts asked for news" in text
    assert "Send to 3 contacts" in text
    assert 'name="body_en"' in page.get_data(as_text=True)
    assert 'Caguán: "A well for the village" is done. Thank you!' in text
    # "á" is not in the GSM-7 alphabet: UCS-2, 70 characters to a segment.
    assert "Encoding: UCS-2 · length: 52 · segments: 1." in text

    response = client.post(
        f"{page_url}/community-update", data={"body_es": BODIES["es"], "body_en": BODIES["en"]}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == f"{page_url}#community-update"
    assert sorted((m["to"], m["body"]) for m in twilio.messages) == [
        ("+573104567801", BODIES["es"]),
        ("+573104567802", BODIES["en"]),
        ("+573104567803", BODIES["es"]),
    ]
    text = page_text(client.get(page_url))
    assert "The news is on its way to 3 contacts." in text
    assert "The community was told on" in text

    again = client.post(f"{page_url}/community-update", data={"body_es": "Otra vez", "body_en": ""})
    assert again.status_code == 302
    assert "The community has already been told that this action is done." in page_text(
        client.get(page_url)
    )
    assert len(twilio.messages) == 3


def test_representatives_see_no_form_and_cannot_post(
    session, partnership, company_rep, audience, done, web, twilio
):
    client = web(company_rep)
    page_url = f"/p/{partnership.id}/actions/{done.id}"
    assert "Tell the community" not in page_text(client.get(page_url))
    response = client.post(f"{page_url}/community-update", data=BODIES)
    assert response.status_code == 404
    session.expire_all()
    assert session.get(Action, done.id).community_update_id is None
    assert twilio.messages == []


def test_an_action_of_another_partnership_is_not_found(
    session, make, partnership, facilitator, audience, done, web
):
    other = make.partnership(name="Otra más")
    make.member(other, user=facilitator)
    response = web(facilitator).post(
        f"/p/{other.id}/actions/{done.id}/community-update", data=BODIES
    )
    assert response.status_code == 404
