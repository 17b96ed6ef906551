"""The demo's "you said, we did": an anonymous SMS consultation of the Caguán partnership,
closed a month ago, whose participants were told what came of it.

Its outcome's first need became the land and water goal of the charter in force, which a
done action serves: that action's page still offers to tell the same people it is done. The
message is written as sent and delivered (the demo's people are fictional, so nothing goes
to Twilio), through the same reading of the participation list as a real send.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from hsbp import audit
from hsbp.auth.models import User
from hsbp.community import feedback
from hsbp.community.models import Feedback
from hsbp.consultations import answering, questions, services
from hsbp.consultations.models import Participation
from hsbp.db import utcnow
from hsbp.partnerships.models import Partnership
from hsbp.principles import services as charter
from hsbp.sms import contacts, sending
from hsbp.sms.models import Broadcast, Contact, ContactMembership, OutboundStatus

PEOPLE = 10
# (the need, in Spanish and English; the Spanish title of the charter goal it became)
NEEDS = [
    (
        {"es": "Agua limpia en las veredas", "en": "Clean water in the villages"},
        "Menos conflictos por la tierra y el agua",
    ),
    ({"es": "Vía segura a la escuela", "en": "A safe road to school"}, None),
    ({"es": "Empleo para jóvenes", "en": "Jobs for young people"}, None),
]
CHOICES = ["water", "road", "jobs"]


def _goal_keys(session: Session, partnership: Partnership) -> dict[str, str]:
    """{Spanish title: key} of the goals of the charter in force."""
    version = charter.in_force(session, partnership_id=partnership.id)
    goals = (version.content or {}).get("goals", []) if version else []
    return {(goal.get("title") or {}).get("es"): goal["key"] for goal in goals}


def _people(session: Session, partnership: Partnership) -> list[Contact]:
    return list(
        session.scalars(
            select(Contact)
            .join(ContactMembership, ContactMembership.contact_id == Contact.id)
            .where(
                ContactMembership.partnership_id == partnership.id,
                contacts.confirmed(),
                Contact.opted_out.is_(False),
            )
            .order_by(Contact.id)
            .limit(PEOPLE)
        )
    )


def seed_feedback(session: Session, *, partnership: Partnership, facilitator: User) -> None:
    """The consultation, answered by SMS by up to ten of the partnership's confirmed
    contacts, closed, and the message sent to them after closing (the facilitator's edit of
    the proposal)."""
    people = _people(session, partnership)
    if not people:
        return
    consultation = services.create_consultation(
        session,
        actor=facilitator,
        partnership=partnership,
        fields={
            "title": {
                "es": "¿Qué debe hacer primero la alianza?",
                "en": "What should the partnership do first?",
            },
            "audience": {"contacts": True},
            "channels": ["sms"],
            "anonymous": True,
        },
    )
    question = questions.add_question(
        session,
        actor=facilitator,
        partnership=partnership,
        consultation=consultation,
        fields={
            "kind": "single",
            "text": {"es": "¿Qué es lo más urgente?", "en": "What is most urgent?"},
            "choices": [
                {"key": key, "label": text}
                for key, (text, _goal) in zip(CHOICES, NEEDS, strict=True)
            ],
        },
    )
    services.open_consultation(session, actor=facilitator, consultation=consultation)
    for index, contact in enumerate(people):
        response = answering.start_response(session, consultation, channel="sms", locale="es")
        answering.record_answer(session, response, question, choices=[CHOICES[min(index % 4, 2)]])
        answering.finish_response(session, response)
        session.add(
            Participation(
                consultation_id=consultation.id,
                contact_id=contact.id,
                channel="sms",
                state="complete",
            )
        )
    goals = _goal_keys(session, partnership)
    consultation.outcome = {
        "needs": [
            {"key": f"need{index}", "text": text, "goal_key": goals.get(goal) if goal else None}
            for index, (text, goal) in enumerate(NEEDS)
        ],
        "risks": [],
        "gaps": [],
    }
    consultation.opens_at = utcnow() - timedelta(days=45)
    consultation.closes_at = utcnow() - timedelta(days=30)
    services.close_consultation(session, actor=facilitator, consultation=consultation)
    _sent(session, partnership=partnership, facilitator=facilitator, consultation=consultation)


def _sent(session: Session, *, partnership, facilitator, consultation) -> None:
    """The message as sent 28 days ago and delivered, replacing the prepared draft."""
    bodies = feedback.closure_proposal(session, partnership=partnership, consultation=consultation)
    bodies = {code: text for code, text in bodies.items() if text}
    recipients = feedback.recipients(
        session, partnership_id=partnership.id, consultation_id=consultation.id
    )
    settings = contacts.settings_of(session, partnership.id)
    if not recipients or settings is None:
        return
    when = utcnow() - timedelta(days=28)
    broadcast = Broadcast(
        partnership_id=partnership.id,
        bodies=bodies,
        audience={
            "kind": "consultation",
            "value": consultation.title["es"],
            "consultation_id": consultation.id,
        },
        created_by_id=facilitator.id,
        created_at=when,
    )
    session.add(broadcast)
    session.flush()
    segments = 0
    for contact in recipients:
        message = sending.make_outbound(
            session,
            contact=contact,
            body=bodies.get(contact.locale or "", bodies[partnership.default_locale]),
            sender=settings.sender,
            kind="broadcast",
            partnership_id=partnership.id,
            broadcast_id=broadcast.id,
            status=OutboundStatus.DELIVERED,
            confidential=True,
        )
        message.created_at = message.sent_at = when
        segments += message.segments
    for draft in session.scalars(
        select(Feedback).where(Feedback.consultation_id == consultation.id, feedback.DRAFT)
    ):
        session.delete(draft)
    sent = Feedback(
        partnership_id=partnership.id,
        consultation_id=consultation.id,
        bodies=bodies,
        broadcast_id=broadcast.id,
        recipients=len(recipients),
        created_by_id=facilitator.id,
        created_at=when,
    )
    session.add(sent)
    session.flush()
    audit.record(
        session,
        actor_id=facilitator.id,
        action="community.feedback_sent",
        obj=sent,
        partnership_id=partnership.id,
        details={
            "consultation_id": consultation.id,
            "action_id": None,
            "broadcast_id": broadcast.id,
            "recipients": len(recipients),
            "segments": segments,
        },
    )
