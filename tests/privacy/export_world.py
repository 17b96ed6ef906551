"""A partnership whose SMS contact "Ana" has data across features (messages, consent,
consultation answers, a grievance, a vote, a check, a poll reply, a pulse round, a mapping
record with relationships), next to another contact of the same partnership and Ana's own
number in another partnership: what each export test must keep apart.

Rows are made straight in the test's transaction; every text that must not leak carries a
marker word the tests search for."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from hsbp.actions.models import Action
from hsbp.community.models import Ballot, Check, CheckAnswer, Vote
from hsbp.consent.models import Consent
from hsbp.consultations.models import (
    Answer,
    AnswerChoice,
    Consultation,
    Participation,
    Question,
    Response,
)
from hsbp.db import utcnow
from hsbp.grievances.models import Grievance, GrievanceEvent, GrievanceOfficer
from hsbp.mapping.models import Participant, ParticipantLink
from hsbp.monitoring.models import Indicator
from hsbp.monitoring.poll_models import PollReply, SmsPoll
from hsbp.monitoring.pulse_models import PulseResponse, PulseRound
from hsbp.partnerships.models import Partner
from hsbp.security import Role
from hsbp.sms import contacts
from hsbp.sms.models import InboundMessage, OutboundMessage

ANA_PHONE = "+573104567821"
ANA_NATIONAL = "310 456 7821"
BETO_PHONE = "+573112345670"
SENDER = "+15005550006"
ANA_NAME = "Ana Lucía Pérez"
PROTECTED_REAL = "Nombresecreto Verdadero"
PROTECTED_PSEUDONYM = "Lideresa del Río"
# Texts of others, or not linked to Ana, or of another partnership: never in her export.
FOREIGN = (
    "Betomensaje",
    "Betorespuesta",
    "Otrasociedad",
    "Anonimarespuesta",
    "Anonimaqueja",
    "Confidencialtexto",
    "Notainterna",
    "Notarelacion",
    "Otraqueja",
    PROTECTED_REAL,
    BETO_PHONE,
)

_codes = iter(range(100000, 999999))


@dataclass
class World:
    partnership: object
    other: object
    facilitator: object
    ana: object
    beto: object
    participant: object
    protected: object
    session: object


def _participant(session, partnership, **fields) -> Participant:
    name = fields.pop("name")
    values = {
        "display_name": name,
        "sort_name": name.lower(),
        "protected_name": name,
        "name_hash": f"hash-{name}",
        "sector": "individual",
    }
    participant = Participant(partnership_id=partnership.id, **{**values, **fields})
    session.add(participant)
    session.flush()
    return participant


def _message_in(session, contact, partnership, body, **fields) -> InboundMessage:
    message = InboundMessage(
        provider_sid=f"SM{next(_codes):032d}",
        from_phone=contact.phone,
        from_hash=contacts.phone_hash(contact.phone),
        to_number=SENDER,
        body=body,
        contact_id=contact.id,
        partnership_id=partnership.id,
        route="inbox",
        **fields,
    )
    session.add(message)
    return message


def _message_out(session, contact, partnership, body, **fields) -> OutboundMessage:
    message = OutboundMessage(
        partnership_id=partnership.id,
        contact_id=contact.id,
        sender=SENDER,
        body=body,
        kind="reply",
        status="delivered",
        **fields,
    )
    session.add(message)
    return message


def _consultation(session, partnership, *, anonymous: bool, title: str) -> Question:
    consultation = Consultation(
        partnership_id=partnership.id,
        title={"en": title, "es": f"{title} (es)"},
        anonymous=anonymous,
        status="open",
        channels=["sms"],
    )
    session.add(consultation)
    session.flush()
    question = Question(
        consultation_id=consultation.id,
        kind="text",
        text={"en": f"What worries you? ({title})", "es": f"¿Qué le preocupa? ({title})"},
    )
    session.add(question)
    session.flush()
    return question


def _answer(session, question, text, **identity) -> Response:
    response = Response(
        consultation_id=question.consultation_id, channel="sms", state="complete", **identity
    )
    session.add(response)
    session.flush()
    session.add(Answer(response_id=response.id, question_id=question.id, text=text))
    return response


def build(session, make) -> World:
    partnership = make.partnership()
    other = make.partnership()
    facilitator = make.member(partnership, Role.FACILITATOR)
    contacts.configure_sender(
        session, partnership_id=partnership.id, sender=SENDER, join_code="PRIV"
    )
    participant = _participant(
        session,
        partnership,
        name=ANA_NAME,
        phone=ANA_PHONE,
        phone_hash=contacts.phone_hash(ANA_PHONE),
        locality="Vereda La Esperanza",
        notes="Lidera el comité de agua",
        consent_on=date(2026, 1, 10),
        consent_method="written",
    )
    protected = _participant(
        session,
        partnership,
        name=PROTECTED_PSEUDONYM,
        protected_name=PROTECTED_REAL,
        risk="high",
    )
    session.add(
        ParticipantLink(
            partnership_id=partnership.id,
            source_id=participant.id,
            target_id=protected.id,
            kind="cooperates",
            note="Notarelacion",
        )
    )
    ana = contacts.get_or_create_contact(session, ANA_PHONE)
    ana.locale = "es"
    beto = contacts.get_or_create_contact(session, BETO_PHONE)
    contacts.join(
        session,
        contact=ana,
        partnership_id=partnership.id,
        channel="sms",
        participant_id=participant.id,
        note="Consentimiento escrito",
    )
    contacts.join(session, contact=beto, partnership_id=partnership.id, channel="sms")
    contacts.join(session, contact=ana, partnership_id=other.id, channel="sms", note="Otrasociedad")
    # Joining gave her consents here and in the other partnership (hsbp.consent); one she
    # gave only there must stay there.
    session.add(
        Consent(partnership_id=other.id, contact_id=ana.id, purpose="research", channel="paper")
    )
    # Messages: hers here, one removed by retention, one confidential, Beto's, and hers
    # to the other partnership.
    _message_in(session, ana, partnership, "Hola, quiero participar")
    _message_out(session, ana, partnership, "Bienvenida a la alianza")
    _message_out(session, ana, partnership, "", body_removed_at=utcnow() - timedelta(days=1))
    _message_in(session, ana, partnership, "Confidencialtexto", confidential=True)
    _message_in(session, beto, partnership, "Betomensaje")
    _message_in(session, ana, other, "Otrasociedad mensaje")
    # Consultations: her answer, Beto's, and an anonymous one she is answering now.
    open_question = _consultation(session, partnership, anonymous=False, title="Agua")
    _answer(session, open_question, "El río baja turbio", contact_id=ana.id)
    _answer(session, open_question, "Betorespuesta", contact_id=beto.id)
    secret_question = _consultation(session, partnership, anonymous=True, title="Seguridad")
    secret = _answer(session, secret_question, "Anonimarespuesta")
    session.add(
        Participation(
            consultation_id=secret_question.consultation_id,
            contact_id=ana.id,
            channel="sms",
            state="in_progress",
            response_id=secret.id,
        )
    )
    other_question = _consultation(session, other, anonymous=False, title="Otra")
    _answer(session, other_question, "Otrasociedad respuesta", contact_id=ana.id)
    # Grievances: hers, an anonymous one from her number, and hers in the other partnership.
    grievance = Grievance(
        partnership_id=partnership.id,
        code=f"G{next(_codes)}",
        channel="sms",
        description="El agua del pozo está sucia",
        contact_id=ana.id,
        complainant_phone=ANA_PHONE,
    )
    session.add(grievance)
    session.add(
        Grievance(
            partnership_id=partnership.id,
            code=f"G{next(_codes)}",
            channel="sms",
            description="Anonimaqueja",
            contact_id=ana.id,
            anonymous=True,
        )
    )
    session.add(
        Grievance(
            partnership_id=other.id,
            code=f"G{next(_codes)}",
            channel="sms",
            description="Otraqueja",
            contact_id=ana.id,
        )
    )
    session.flush()
    session.add(
        GrievanceEvent(
            partnership_id=partnership.id,
            grievance_id=grievance.id,
            stage_from="received",
            stage_to="acknowledged",
            note="Notainterna",
            told_by_sms=True,
        )
    )
    session.add(
        GrievanceOfficer(partnership_id=partnership.id, user_id=facilitator.id, role="facilitator")
    )
    _community(session, partnership, ana, beto)
    session.flush()
    return World(partnership, other, facilitator, ana, beto, participant, protected, session)


def _community(session, partnership, ana, beto) -> None:
    """A vote, a check, a poll and a pulse round Ana answered (Beto too)."""
    closes = utcnow() + timedelta(days=7)
    vote = Vote(
        partnership_id=partnership.id,
        subject="charter",
        title={"en": "Charter vote", "es": "Votación de la carta"},
        closes_at=closes,
    )
    partner = partnership_partner(session, partnership)
    action = Action(partnership_id=partnership.id, title={"es": "Pozo"}, lead_partner_id=partner)
    session.add_all([vote, action])
    session.flush()
    check = Check(
        partnership_id=partnership.id,
        action_id=action.id,
        question={"en": "Does the well work?", "es": "¿Funciona el pozo?"},
        closes_at=closes,
    )
    indicator = Indicator(
        partnership_id=partnership.id,
        name={"es": "Horas de agua"},
        baseline_value=Decimal(1),
        baseline_on=date(2026, 1, 1),
        target_value=Decimal(10),
        target_on=date(2027, 1, 1),
    )
    pulse = PulseRound(partnership_id=partnership.id, title={"es": "Ronda 1"}, closes_at=closes)
    session.add_all([check, indicator, pulse])
    session.flush()
    poll = SmsPoll(
        partnership_id=partnership.id,
        indicator_id=indicator.id,
        question={"en": "How many hours of water?", "es": "¿Cuántas horas de agua?"},
        period_on=date(2026, 3, 1),
        closes_at=closes,
    )
    session.add(poll)
    session.flush()
    for contact, choice, value in ((ana, "support", 6), (beto, "object", 2)):
        session.add(
            Ballot(
                partnership_id=partnership.id, vote_id=vote.id, contact_id=contact.id, choice=choice
            )
        )
        session.add(
            CheckAnswer(
                partnership_id=partnership.id,
                check_id=check.id,
                contact_id=contact.id,
                answer="yes",
            )
        )
        session.add(
            PollReply(
                partnership_id=partnership.id,
                poll_id=poll.id,
                contact_id=contact.id,
                state="answered",
                value=Decimal(value),
                answered_at=utcnow(),
            )
        )
        session.add(
            PulseResponse(
                partnership_id=partnership.id,
                round_id=pulse.id,
                contact_id=contact.id,
                constituency="community",
            )
        )


def partnership_partner(session, partnership) -> int:
    partner = Partner(partnership_id=partnership.id, name="Empresa del pozo", sector="company")
    session.add(partner)
    session.flush()
    return partner.id


def add_messages(session, world: World, n: int) -> None:
    """`n` more messages, answers and choices of Ana's: for counting statements."""
    for i in range(n):
        _message_in(session, world.ana, world.partnership, f"Más mensajes {i}")
        _message_out(session, world.ana, world.partnership, f"Respuesta {i}")
        question = _consultation(session, world.partnership, anonymous=False, title=f"Extra {i}")
        response = _answer(session, question, f"Respuesta extra {i}", contact_id=world.ana.id)
        choice = Question(
            consultation_id=question.consultation_id,
            kind="single",
            position=1,
            text={"en": "Pick one"},
            choices=[{"key": "a", "label": {"en": "Option A"}}],
        )
        session.add(choice)
        session.flush()
        answer = Answer(response_id=response.id, question_id=choice.id)
        session.add(answer)
        session.flush()
        session.add(
            AnswerChoice(
                answer_id=answer.id, response_id=response.id, question_id=choice.id, choice="a"
            )
        )
    session.flush()
