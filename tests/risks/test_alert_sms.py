"""ALERT by SMS through the signed webhook: an incident and its number at once, in the
contact's language; ANON keeps no identity nor time of day; nothing without text or from a
number that has not joined; the message log keeps no readable body."""

from datetime import UTC, datetime, time

import pytest
from sqlalchemy import select

from hsbp.risks import incident_sms
from hsbp.risks import incident_texts as texts
from hsbp.risks.incident_models import Incident
from hsbp.sms import contacts
from hsbp.sms.encoding import normalise
from hsbp.sms.models import InboundMessage, OutboundMessage
from tests.risks.test_incident_world import joined_contact
from tests.sms.conftest import PHONE, map_participant
from tests.sms.conftest import sms as sms  # the fixture

OTHER_PHONE = "+573109998877"


@pytest.fixture
def joined(session, partnership):
    """A Spanish-speaking contact who joined the partnership, which has an SMS number."""
    return joined_contact(session, partnership)


def say(key: str, locale: str = "es", **values) -> str:
    return normalise(texts.text(locale, key, **values))


def incidents(session) -> list[Incident]:
    session.expire_all()
    return list(session.scalars(select(Incident).order_by(Incident.id)))


def last_inbound(session) -> InboundMessage:
    session.expire_all()
    return session.scalar(select(InboundMessage).order_by(InboundMessage.id.desc()).limit(1))


def test_alert_records_an_incident_and_answers_its_number_in_english(
    session, sms, joined, partnership
):
    joined.locale = "en"
    session.flush()
    response = sms("ALERT Armed men at the school since this morning.\nThe road is closed.")
    assert response.status_code == 200
    (found,) = incidents(session)
    assert found.description == "Armed men at the school since this morning.\nThe road is closed."
    assert (found.partnership_id, found.number, found.channel, found.status) == (
        partnership.id,
        1,
        "sms",
        "new",
    )
    assert (found.contact_id, found.anonymous, found.recorded_by_id, found.locale) == (
        joined.id,
        False,
        None,
        "en",
    )
    assert response.replies == [say("receipt", "en", number="I-1")]
    assert response.replies == ["Alert I-1 received. Thank you: the facilitators have been told."]
    assert sms("alert Shots heard near the river").replies == [say("receipt", "en", number="I-2")]
    assert [i.number for i in incidents(session)] == [1, 2]


def test_alerta_in_spanish_is_answered_in_spanish(session, sms, joined):
    response = sms("ALERTA Hay hombres armados en la escuela")
    (found,) = incidents(session)
    assert (found.description, found.locale, found.anonymous) == (
        "Hay hombres armados en la escuela",
        "es",
        False,
    )
    assert response.replies == [say("receipt", number="I-1")]
    # Accents and case aside, as every keyword.
    sms("alérta  Cortaron la vía")
    assert incidents(session)[1].description == "Cortaron la vía"


@pytest.mark.parametrize("word", ["ALERTE", "UZBUNA", "تنبيه", "إنذار", "انذار", "TAHADHARI"])
def test_each_languages_word_sends_an_alert(session, sms, joined, word):
    sms(f"{word} 12 familias desplazadas")
    (found,) = incidents(session)
    assert found.description == "12 familias desplazadas"


def test_an_anonymous_alert_keeps_no_identity_nor_time_of_day(
    session, sms, joined, partnership, facilitator, login, client
):
    response = sms("ALERTA anonimo Nos amenazan por hablar en la reunión")
    (found,) = incidents(session)
    assert (found.anonymous, found.contact_id, found.recorded_by_id) == (True, joined.id, None)
    assert found.description == "Nos amenazan por hablar en la reunión"
    local_day = datetime.now(UTC).astimezone(partnership.zone).date()
    assert found.received_at == datetime.combine(local_day, time(0), tzinfo=UTC)
    assert response.replies == [say("receipt_anonymous", number="I-1")]
    sms("ALERT ANON the trucks came back")
    assert incidents(session)[1].anonymous is True
    # The page says anonymous and the day, never the number nor a time.
    login(facilitator)
    page = client.get(f"/p/{partnership.id}/incidents/{found.id}").get_data(as_text=True)
    assert "Nos amenazan por hablar en la reunión" in page
    assert "Anonymous: nobody can see who sent or recorded it" in page
    assert PHONE not in page and PHONE[3:] not in page
    assert "00:00" not in page and "12:00" not in page


def test_an_alert_without_text_says_how_and_keeps_nothing(session, sms, joined):
    assert sms("ALERTA").replies == [say("needs_text")]
    assert sms("alerta ANONIMO  ").replies == [say("needs_text")]
    assert incidents(session) == []
    assert say("needs_text", "en") == "Send ALERT followed by what is happening and where."


def test_an_alert_from_a_contact_who_has_not_joined_is_not_kept(session, sms, joined):
    stranger = contacts.get_or_create_contact(session, OTHER_PHONE)
    stranger.locale = "es"
    session.flush()
    response = sms("ALERTA hay disparos", sender=OTHER_PHONE)
    assert response.replies == [say("not_joined")]
    assert incidents(session) == []
    message = last_inbound(session)
    assert (message.route, message.in_inbox, message.confidential, message.body) == (
        incident_sms.ROUTE,
        False,
        True,
        "",
    )


def test_the_message_log_keeps_no_readable_body(session, sms, joined):
    sms("ALERTA Los paramilitares están en la vereda")
    message = last_inbound(session)
    assert (message.route, message.in_inbox, message.confidential, message.body) == (
        incident_sms.ROUTE,
        False,
        True,
        "",
    )
    (reply,) = session.scalars(
        select(OutboundMessage).where(OutboundMessage.reply_to_id == message.id)
    )
    assert reply.confidential is True
    # The words are kept on the incident, encrypted at rest.
    (found,) = incidents(session)
    raw = (
        session.connection()
        .exec_driver_sql(f"SELECT description FROM incidents WHERE id = {found.id}")
        .scalar()
    )
    assert "paramilitares" not in raw


def test_the_place_is_the_known_place_the_text_names_else_the_contacts(
    session, sms, partnership, facilitator
):
    map_participant(
        session, partnership, facilitator, name="Junta Bajo Caguán", locality="Bajo Caguán"
    )
    home = map_participant(
        session, partnership, facilitator, name="Comité Los Pozos", locality="Los Pozos"
    )
    joined_contact(session, partnership, participant=home)
    sms("ALERTA hay hombres armados en bajo caguan desde ayer")
    sms("ALERTA cortaron el agua")
    named, unnamed = incidents(session)
    assert (named.locality, unnamed.locality) == ("Bajo Caguán", "Los Pozos")


def test_an_alert_is_separate_from_grievances(session, sms, joined):
    from hsbp.grievances.models import Grievance

    sms("ALERTA hay amenazas")
    assert session.scalars(select(Grievance)).all() == []
    assert len(incidents(session)) == 1
