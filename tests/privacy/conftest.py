"""Fixtures of the erasure tests: a partnership with an SMS number, its lead facilitator
signed in with both factors, and `person`: one contact and participant whose number, name
and words are spread over every feature that keeps them."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from sqlalchemy import select

from hsbp import audit
from hsbp.auth.sessions import start_session
from hsbp.consultations.models import (
    Answer,
    AnswerChoice,
    Consultation,
    Question,
    Response,
)
from hsbp.db import utcnow
from hsbp.grievances import services as grievance_services
from hsbp.grievances.models import GrievanceEvent, GrievanceOfficer, Stage
from hsbp.mapping.models import ParticipantLink
from hsbp.monitoring.pulse_models import PulseComment, PulseRound, PulseTalk
from hsbp.security import Role
from hsbp.sms import contacts, sending
from hsbp.sms.models import InboundMessage
from tests.sms.conftest import (
    PHONE,
    SENDER,
    add_contact,
    map_participant,
    replies_to,
    signed_post,
)

_sids = itertools.count(1)

NAME = "Yolanda Quintanilla Arboleda"
EMAIL = "yolanda.quintanilla@example.org"
# Words only this person wrote, one per place they are kept.
WORDS = {
    "inbox": "El pozo de Zafiroverde se secó",
    "reply": "Gracias Zafiroverde, iremos el martes",
    "answer": "Queremos agua en Brumalinda para todos",
    "raw": "1 Queremos agua en Brumalinda para todos",
    "grievance": "Los camiones de Palmaroja rompieron mi cerca",
    "grievance_note": "Llamamos a Yolanda Quintanilla Arboleda",
    "pulse": "Confio poco en Ventiscal",
    "comment": "Yolanda Quintanilla Arboleda dice que Ventiscal cumple",
    "notes": "Vive junto al puente de Cardoncillo",
    "measures": "No visitar en Cardoncillo de noche",
    "intermediary": "Tia Rosalba Cardoncillo",
    "link": "Discute con Cardoncillo por el lindero",
    "audit": "Yolanda Quintanilla Arboleda pidio ayuda",
}


def sign_in(client, session, user):
    """Sign `user` in on `client`, with both factors and just now (fresh)."""
    session.flush()
    with client.session_transaction() as cookie:
        cookie["_user_id"] = start_session(
            session, user=user, user_agent="pytest", second_factor=True
        )
        cookie["_fresh"] = True
    return client


@pytest.fixture
def partnership(make, session):
    partnership = make.partnership(name="Caguán", locales=["es", "en"], default_locale="es")
    contacts.configure_sender(
        session, partnership_id=partnership.id, sender=SENDER, join_code="DEMO"
    )
    return partnership


@pytest.fixture
def lead(make, partnership, session, client):
    """The partnership's lead facilitator, also a grievance officer, signed in on `client`."""
    user = make.member(partnership, Role.FACILITATOR, user=make.user(name="Lucía", locale="en"))
    session.add(
        GrievanceOfficer(partnership_id=partnership.id, user_id=user.id, role=Role.FACILITATOR)
    )
    sign_in(client, session, user)
    return user


@dataclass
class Person:
    contact: object
    participant: object
    grievance: object
    consultation: object
    rows: dict = field(default_factory=dict)


def build_person(session, partnership, lead, *, phone: str = PHONE, name: str = NAME) -> Person:
    """A participant and the SMS contact linked to it, with their words in messages, a
    consultation's answers, a closed grievance, a pulse, the mapping and the audit log."""
    participant = map_participant(
        session,
        partnership,
        lead,
        name=name,
        kind="person",
        phone=phone,
        email=EMAIL,
        intermediary=WORDS["intermediary"],
        notes=WORDS["notes"],
        protective_measures=WORDS["measures"],
        consent_scope="Todo",
    )
    other = map_participant(session, partnership, lead, name="Junta de Acción Comunal")
    session.add(
        ParticipantLink(
            partnership_id=partnership.id,
            source_id=participant.id,
            target_id=other.id,
            kind="tension",
            note=WORDS["link"],
        )
    )
    contact = add_contact(session, partnership, phone, participant=participant)
    now = utcnow()
    session.add(
        InboundMessage(
            provider_sid=f"SMprivacy{contact.id}",
            from_phone=phone,
            from_hash=contacts.phone_hash(phone),
            to_number=SENDER,
            body=WORDS["inbox"],
            received_at=now - timedelta(hours=3),
            contact_id=contact.id,
            partnership_id=partnership.id,
            route="inbox",
            in_inbox=True,
        )
    )
    sending.make_outbound(
        session,
        contact=contact,
        body=WORDS["reply"],
        sender=SENDER,
        kind="reply",
        partnership_id=partnership.id,
        status="sent",
    )
    consultation = _consultation(session, partnership, contact, participant)
    grievance = grievance_services.file_grievance(
        session,
        partnership=partnership,
        channel="sms",
        description=WORDS["grievance"],
        locale="es",
        complainant=grievance_services.Complainant(contact=contact, name=name, phone=phone),
    )
    grievance.stage, grievance.closed_at = Stage.CLOSED, now
    session.add(
        GrievanceEvent(
            partnership_id=partnership.id,
            grievance_id=grievance.id,
            stage_from=Stage.RECEIVED,
            stage_to=Stage.CLOSED,
            note=WORDS["grievance_note"],
        )
    )
    pulse = PulseRound(
        partnership_id=partnership.id, title={"es": "Pulso"}, closes_at=now + timedelta(days=3)
    )
    session.add(pulse)
    session.flush()
    session.add(
        PulseTalk(
            partnership_id=partnership.id,
            round_id=pulse.id,
            contact_id=contact.id,
            state="in_progress",
            answers={"trust": 2},
            comment=WORDS["pulse"],
        )
    )
    session.add(
        PulseComment(
            partnership_id=partnership.id,
            round_id=pulse.id,
            constituency="community",
            text=WORDS["comment"],
        )
    )
    audit.record(
        session,
        actor_id=lead.id,
        action="participant.update",
        obj=participant,
        partnership_id=partnership.id,
        details={"participant_id": participant.id, "name": name, "note": WORDS["audit"]},
    )
    audit.record(
        session,
        actor_id=lead.id,
        action="sms_contact.create",
        obj=contact,
        partnership_id=partnership.id,
        details={"phone": phone},
    )
    session.flush()
    return Person(contact, participant, grievance, consultation)


def _consultation(session, partnership, contact, participant) -> Consultation:
    consultation = Consultation(
        partnership_id=partnership.id, title={"es": "Agua"}, channels=["sms"], status="open"
    )
    session.add(consultation)
    session.flush()
    written = Question(consultation_id=consultation.id, position=1, kind="text", text={"es": "¿?"})
    chosen = Question(
        consultation_id=consultation.id,
        position=2,
        kind="single",
        text={"es": "¿Cuál?"},
        choices=[{"key": "a1", "label": {"es": "Pozo"}}, {"key": "b2", "label": {"es": "Río"}}],
    )
    session.add_all([written, chosen])
    session.flush()
    response = Response(
        consultation_id=consultation.id,
        channel="sms",
        state="complete",
        sector="community_group",
        contact_id=contact.id,
        participant_id=participant.id,
        finished_at=utcnow(),
    )
    session.add(response)
    session.flush()
    session.add(
        Answer(
            response_id=response.id, question_id=written.id, text=WORDS["answer"], raw=WORDS["raw"]
        )
    )
    choice = Answer(response_id=response.id, question_id=chosen.id, raw="1")
    session.add(choice)
    session.flush()
    session.add(
        AnswerChoice(
            answer_id=choice.id, response_id=response.id, question_id=chosen.id, choice="a1"
        )
    )
    session.flush()
    return consultation


@pytest.fixture
def person(session, partnership, lead) -> Person:
    return build_person(session, partnership, lead)


def audit_actions(session, partnership_id) -> list[str]:
    return list(
        session.scalars(
            select(audit.AuditEntry.action)
            .where(audit.AuditEntry.partnership_id == partnership_id)
            .order_by(audit.AuditEntry.id)
        )
    )


def text_in(client, session, body: str, *, sender: str = PHONE) -> list[str]:
    """Send `body` from `sender` to the partnership's number as Twilio would; the texts
    queued in answer."""
    sid = f"SM{0xDE1E7E000000 + next(_sids):032x}"
    params = {"MessageSid": sid, "From": sender, "To": SENDER, "Body": body}
    response = signed_post(client, "/sms/twilio/inbound", params)
    assert response.status_code == 200
    return replies_to(session, sid)
