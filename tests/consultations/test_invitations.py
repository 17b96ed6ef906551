"""Inviting SMS contacts to a consultation: contacts who enter its audience after the first
invitation are invited by the periodic sweep, in the daytime, one consultation at a time."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from hsbp.audit import AuditEntry
from hsbp.consultations import answering, conversation, services, tasks
from hsbp.consultations.models import Participation
from hsbp.consultations.sms_format import render_question
from hsbp.i18n import translated
from hsbp.sms import contact_admin, contacts
from hsbp.sms.encoding import normalise
from hsbp.sms.models import InboundMessage
from tests.consultations.conftest import consultation_fields
from tests.consultations.test_conversation import (
    MIDNIGHT,
    NOON,
    asked,
    intro,
    invite,
    participation_of,
    say,
    sent,
)
from tests.sms.conftest import PHONE, SENDER, add_contact, map_participant, page_text
from tests.sms.conftest import sms as sms  # the fixture

NEWCOMER = "+573104567830"


@pytest.fixture
def contact(session, partnership):
    contacts.configure_sender(
        session, partnership_id=partnership.id, sender=SENDER, join_code="CAGUAN"
    )
    return add_contact(session, partnership, PHONE, locale="es")


def opening(consultation, contact) -> list[str]:
    """The intro and first question as `contact` receives them, in its own language."""
    locale = contact.locale or "es"
    title = translated(consultation.title, locale=locale, fallback="es")
    active = answering.active_questions(consultation)
    first = render_question(active[0], locale, 1, len(active), "es")
    skip = conversation.skip_words(locale)[0]
    return [normalise(conversation.text(locale, "intro", title=title, skip=skip)), normalise(first)]


def automatic_invitations(session, partnership) -> list[dict]:
    """The details of the invitations logged without a facilitator, in order."""
    session.expire_all()
    return list(
        session.scalars(
            select(AuditEntry.details)
            .where(
                AuditEntry.partnership_id == partnership.id,
                AuditEntry.action == "consultation.invite_sms",
                AuditEntry.actor_id.is_(None),
            )
            .order_by(AuditEntry.id)
        )
    )


def test_a_contact_who_joins_by_sms_after_the_invitation_is_invited_by_the_sweep(
    session, sms, build, facilitator, partnership, contact
):
    consultation = build()
    assert invite(session, facilitator, consultation) == 1
    sms("JOIN CAGUAN", sender=NEWCOMER)
    newcomer = contacts.find_contact(session, NEWCOMER)

    assert tasks.invite_newcomers(session, now=NOON) == 1
    assert sent(session, newcomer) == opening(consultation, newcomer)
    assert participation_of(session, consultation, newcomer).state == "in_progress"
    assert automatic_invitations(session, partnership) == [{"invited": 1, "started": 1}]
    assert sent(session, contact) == [intro(consultation), asked(consultation, 0)]


def test_the_hourly_sweep_invites_newcomers(app, session, build, facilitator, partnership, contact):
    consultation = build()
    invite(session, facilitator, consultation)
    newcomer = add_contact(session, partnership, NEWCOMER)
    # A time zone where it is now about noon: the sweep reads the clock, not a given time.
    partnership.timezone = f"Etc/GMT{datetime.now(UTC).hour - 12:+d}"
    session.flush()
    with app.app_context():
        tasks.sweep_consultation_sms()
    assert sent(session, newcomer) == [intro(consultation), asked(consultation, 0)]


def test_nobody_is_invited_before_the_first_invitation(
    session, build, facilitator, partnership, contact
):
    build()
    add_contact(session, partnership, NEWCOMER)
    assert tasks.invite_newcomers(session, now=NOON) == 0
    assert session.scalars(select(Participation)).all() == []
    assert sent(session, contact) == []
    assert automatic_invitations(session, partnership) == []


def test_nobody_is_invited_once_the_consultation_is_closed(
    session, build, facilitator, partnership, contact
):
    consultation = build()
    invite(session, facilitator, consultation)
    services.close_consultation(session, actor=facilitator, consultation=consultation)
    newcomer = add_contact(session, partnership, NEWCOMER)
    assert tasks.invite_newcomers(session, now=NOON) == 0
    assert participation_of(session, consultation, newcomer) is None
    assert sent(session, newcomer) == []


def test_nobody_is_invited_once_sms_contacts_are_taken_out_of_it(
    session, build, facilitator, partnership, contact
):
    consultation = build()
    invite(session, facilitator, consultation)
    services.update_consultation(
        session,
        actor=facilitator,
        partnership=partnership,
        consultation=consultation,
        fields=consultation_fields(audience={"members": True}),
    )
    newcomer = add_contact(session, partnership, NEWCOMER)
    assert tasks.invite_newcomers(session, now=NOON) == 0
    assert participation_of(session, consultation, newcomer) is None


def test_newcomers_wait_for_the_daytime(session, build, facilitator, partnership, contact):
    consultation = build()
    invite(session, facilitator, consultation)
    newcomer = add_contact(session, partnership, NEWCOMER)
    assert tasks.invite_newcomers(session, now=MIDNIGHT) == 0
    assert participation_of(session, consultation, newcomer) is None
    assert sent(session, newcomer) == []
    assert tasks.invite_newcomers(session, now=MIDNIGHT + timedelta(hours=13)) == 1  # 8 am
    assert sent(session, newcomer) == [intro(consultation), asked(consultation, 0)]


def test_a_newcomer_is_invited_once(session, build, facilitator, partnership, contact):
    consultation = build()
    invite(session, facilitator, consultation)
    newcomer = add_contact(session, partnership, NEWCOMER)
    assert tasks.invite_newcomers(session, now=NOON) == 1
    assert tasks.invite_newcomers(session, now=NOON + timedelta(hours=1)) == 0
    assert invite(session, facilitator, consultation) == 0
    assert sent(session, newcomer) == [intro(consultation), asked(consultation, 0)]
    assert automatic_invitations(session, partnership) == [{"invited": 1, "started": 1}]


def test_a_busy_newcomer_waits_for_their_current_consultation(
    session, sms, build, facilitator, partnership, contact
):
    first = build()
    invite(session, facilitator, first)
    newcomer = add_contact(session, partnership, NEWCOMER)
    second = build(title={"es": "Salud", "en": "Health"})
    invite(session, facilitator, second)  # the newcomer starts answering this one

    assert tasks.invite_newcomers(session, now=NOON) == 1
    assert participation_of(session, first, newcomer).state == "waiting"
    assert sent(session, newcomer) == [intro(second), asked(second, 0)]
    assert automatic_invitations(session, partnership) == [{"invited": 1, "started": 0}]

    for reply in ("2", "1", "3", "1"):  # a well: the river question is not asked
        sms(reply, sender=NEWCOMER)
    assert sms("4", sender=NEWCOMER).replies == [say("thanks"), intro(first), asked(first, 0)]
    assert participation_of(session, first, newcomer).state == "in_progress"


def test_a_contact_mapped_into_the_audience_later_is_invited(
    session, sms, build, facilitator, partnership, contact
):
    consultation = build(audience={"contacts": True, "sectors": ["community_group"]})
    participant = map_participant(session, partnership, facilitator, sector="community_group")
    mapped = add_contact(session, partnership, "+573104567822", participant=participant)
    assert invite(session, facilitator, consultation) == 1
    assert tasks.invite_newcomers(session, now=NOON) == 0  # the unmapped contact is not in it

    sms("Hola, ¿cómo participo?")
    message = session.scalar(select(InboundMessage).order_by(InboundMessage.id.desc()))
    contact_admin.link_participant(
        session,
        actor=facilitator,
        partnership=partnership,
        message=message,
        name=participant.display_name,
    )
    assert tasks.invite_newcomers(session, now=NOON) == 1
    assert sent(session, contact) == [intro(consultation), asked(consultation, 0)]
    invited = session.execute(
        select(Participation.contact_id, Participation.sector)
        .where(Participation.consultation_id == consultation.id)
        .order_by(Participation.id)
    ).all()
    assert invited == [(mapped.id, "community_group"), (contact.id, "community_group")]


HINT = (
    "Contacts who join the audience while the consultation is open are invited automatically "
    "within the hour, in the daytime."
)


def test_the_page_says_newcomers_are_invited_once_contacts_are_invited(
    client, login, session, build, facilitator, partnership, contact
):
    consultation = build()
    login(facilitator)
    url = f"/p/{partnership.id}/consultations/{consultation.id}"
    assert HINT not in page_text(client.get(url))
    invite(session, facilitator, consultation)
    assert HINT in page_text(client.get(url))
    services.close_consultation(session, actor=facilitator, consultation=consultation)
    assert HINT not in page_text(client.get(url))
