"""What the tests of community checks share: a partnership with an SMS sender, its partner,
facilitator and representative, actions of two places, the people of those places as SMS
contacts, and ways to send a check and to write answers directly. Its fixtures are imported
by the test modules."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from hsbp.actions import services as action_services
from hsbp.community import checks
from hsbp.community.models import Check, CheckAnswer
from hsbp.db import utcnow
from hsbp.principles.models import CharterVersion
from hsbp.security import Role
from hsbp.sms import contacts
from hsbp.sms.models import OutboundMessage
from tests.actions.conftest import action_fields, membership_of
from tests.sms.conftest import PHONE, SENDER, add_contact, map_participant
from tests.sms.conftest import sms as sms  # the fixture

TITLE = {"es": "Acueducto de la vereda", "en": "Village water supply"}
QUESTION_ES = '¿Funciona "Acueducto" para usted? 1 sí 2 no 3 no sé'
DEMO_CAGUAN = "Alianza por la Seguridad Humana del Caguán"
QUESTION_EN = 'Is "Village water supply" working for you? 1 yes 2 no 3 don\'t know'


@pytest.fixture
def partnership(make, session):
    partnership = make.partnership(name="Caguán", locales=["es", "en"], default_locale="es")
    contacts.configure_sender(
        session, partnership_id=partnership.id, sender=SENDER, join_code="CHEQUEO"
    )
    return partnership


@pytest.fixture
def company(make, partnership):
    return make.partner(partnership, name="Palmas del Caguán", sector="company")


@pytest.fixture
def facilitator(make, partnership):
    return make.member(partnership, Role.FACILITATOR, user=make.user(name="Fabiola", locale="en"))


@pytest.fixture
def representative(make, partnership, company):
    return make.member(
        partnership,
        Role.REPRESENTATIVE,
        user=make.user(name="Carlos", locale="en"),
        partner=company,
    )


def set_rule(session, partnership, rule: str) -> None:
    session.add(
        CharterVersion(
            partnership_id=partnership.id, number=1, status="adopted", content={"check_rule": rule}
        )
    )
    session.flush()


@pytest.fixture
def add_action(session, partnership, facilitator, company):
    def add(**overrides):
        values = {"title": TITLE, "localities": ["El Triunfo", "La Unión"], **overrides}
        action = action_services.create_action(
            session,
            actor=facilitator,
            membership=membership_of(session, facilitator, partnership),
            partnership=partnership,
            fields=action_fields(company, **{k: v for k, v in values.items() if k != "localities"}),
        )
        action.localities = values["localities"]
        session.flush()
        return action

    return add


def mark_done(session, partnership, facilitator, action):
    return action_services.report_progress(
        session,
        actor=facilitator,
        membership=membership_of(session, facilitator, partnership),
        action=action,
        status="done",
        progress=100,
    )


@pytest.fixture
def done(session, partnership, facilitator, add_action):
    action = add_action()
    mark_done(session, partnership, facilitator, action)
    return action


def person(session, partnership, facilitator, phone, locality, *, locale="es", **extra):
    participant = map_participant(
        session, partnership, facilitator, name=f"Persona {phone[-3:]}", locality=locality
    )
    return add_contact(session, partnership, phone, locale=locale, participant=participant, **extra)


@pytest.fixture
def village(session, partnership, facilitator):
    """PHONE lives in El Triunfo, another in La Unión (in English), one elsewhere, one in El
    Triunfo who sent STOP, one pending, and one of another partnership."""
    return {
        "triunfo": person(session, partnership, facilitator, PHONE, "El Triunfo"),
        "union": person(
            session, partnership, facilitator, "+573104567802", "la unión", locale="en"
        ),
        "elsewhere": person(session, partnership, facilitator, "+573104567803", "Puerto Rico"),
        "stopped": person(
            session, partnership, facilitator, "+573104567804", "El Triunfo", opted_out=True
        ),
        "pending": person(
            session, partnership, facilitator, "+573104567805", "El Triunfo", pending=True
        ),
    }


def send(session, partnership, facilitator, action, **overrides):
    values = {
        "membership": membership_of(session, facilitator, partnership),
        "partnership": partnership,
        "action": action,
        "audience": "places",
        "questions": {"es": QUESTION_ES, "en": QUESTION_EN},
        "closes_at": utcnow() + timedelta(days=7),
        **overrides,
    }
    return checks.create_check(session, actor=facilitator, **values)


def answer(session, check, contact, value, locality):
    session.add(
        CheckAnswer(
            partnership_id=check.partnership_id,
            check_id=check.id,
            contact_id=contact.id,
            answer=value,
            locality=locality,
        )
    )


def crowd(session, partnership, check, answers: dict[str, list[str]], start=0):
    """Contacts answering `check` directly: {locality: [answer, ...]}."""
    n = start
    for locality, values in answers.items():
        for value in values:
            n += 1
            contact = add_contact(session, partnership, f"+57311{n:07d}")
            answer(session, check, contact, value, locality)
    session.flush()


def asked_bodies(session) -> dict[int, str]:
    return dict(
        session.execute(
            select(OutboundMessage.contact_id, OutboundMessage.body).where(
                OutboundMessage.kind == "check"
            )
        ).all()
    )


def disputed(session, partnership, facilitator, action, answers):
    """A check of `action` made directly (nobody is asked) with these answers."""
    check = Check(
        partnership_id=partnership.id,
        action_id=action.id,
        question={"es": QUESTION_ES},
        audience={"kind": "all", "value": ""},
        closes_at=utcnow() + timedelta(days=7),
        created_by_id=facilitator.id,
    )
    session.add(check)
    session.flush()
    crowd(session, partnership, check, answers, start=100 * check.id)
    return check
