"""Before a consultation's SMS invitations go out, the facilitator sees who gets them, in
which languages, each text with its segments and the total, and confirms; nothing is sent
until then."""

import pytest
from sqlalchemy import func, select

from hsbp.consultations import conversation, services
from hsbp.consultations.models import Participation
from hsbp.sms.encoding import measure, normalise
from hsbp.sms.models import OutboundMessage
from tests.consultations.test_conversation import contact as contact  # the fixture
from tests.sms.conftest import add_contact, page_text


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def page(client, login, session, build, facilitator, partnership, contact):
    """An open consultation with a Spanish and an English contact, and its invite URL."""
    add_contact(session, partnership, "+573104567899", locale="en")
    consultation = build()
    login(facilitator)
    return consultation, f"/p/{partnership.id}/consultations/{consultation.id}/invite"


def section(text: str, start: str, end: str | None) -> str:
    after = text.split(start, 1)[1]
    return after.split(end, 1)[0] if end else after


def test_the_preview_shows_texts_segments_and_total_and_sends_nothing(client, session, page):
    consultation, url = page
    response = client.post(url)
    assert response.status_code == 200
    text = page_text(response)
    spanish_texts = [normalise(t) for t in conversation.opening(consultation, "es", "es")]
    english_texts = [normalise(t) for t in conversation.opening(consultation, "en", "es")]
    each = {
        "es": sum(measure(t).segments for t in spanish_texts),
        "en": sum(measure(t).segments for t in english_texts),
    }
    assert "Recipients: 2" in text
    assert f"Segments in all: {each['es'] + each['en']}" in text
    assert "Left out because they sent STOP" not in text
    spanish = section(text, "Spanish", "English")
    english = section(text, "English", None)
    for written, part in [(spanish_texts, spanish), (english_texts, english)]:
        for message in written:
            size = measure(message)
            assert message in part
            assert (
                f"Encoding: {size.encoding} · length: {size.units} · segments: {size.segments}."
                in part
            )
        assert "Recipients: 1" in part
    assert "Invite 2 contacts" in text
    assert (count(session, Participation), count(session, OutboundMessage)) == (0, 0)


def test_confirming_invites_and_a_second_preview_counts_those_asked_before(client, session, page):
    _consultation, url = page
    done = client.post(url, data={"confirm": "1"})
    assert done.status_code == 302
    assert count(session, Participation) == 2
    again = page_text(client.post(url))
    assert "Invited before, not asked again: 2" in again
    assert "Nobody in the audience is left to invite." in again
    assert "Recipients: 0" in again
    assert "Invite 0 contacts" in again


def test_a_consultation_that_cannot_invite_shows_why_instead_of_a_preview(
    client, session, page, facilitator
):
    consultation, url = page
    services.close_consultation(session, actor=facilitator, consultation=consultation)
    refused = client.post(url)
    assert refused.status_code == 422
    assert "Open the consultation before inviting by SMS." in page_text(refused)


def test_a_contact_without_a_text_in_their_language_is_counted_as_a_fallback(
    client, session, page, partnership
):
    add_contact(session, partnership, "+573104567898", locale=None)
    text = page_text(client.post(page[1]))
    spanish = section(text, "Spanish", "English")
    assert "Recipients: 2" in spanish
    assert "1 of them get this text because none is written in their language." in spanish
