"""The demo's validation of consultation outcomes by the Caguán partners.

The closed "what first" consultation (hsbp.community.demo_feedback) was sent to the partners a
month ago; only the three partners with accounts confirmed it by the deadline, short of the
charter's majority, and the facilitator let it feed the charter with the committee's minutes
as the reason. A second consultation, on jobs for young people, is with the partners now: the
municipality confirmed it, the women's organisation asked for a change, and the company has
not answered yet, so it is on the company representative's "Needs me".
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from hsbp.auth.models import User
from hsbp.consultations import outcome, questions, services, validation
from hsbp.consultations.models import Consultation, Status
from hsbp.consultations.validation_standing import deadline_time
from hsbp.db import utcnow
from hsbp.partnerships.models import Membership, Partnership

FIRST_TITLE = "¿Qué debe hacer primero la alianza?"
MINUTES = (
    "Los demás socios, sin cuenta en la plataforma, lo confirmaron en la reunión del comité "
    "del 14 de noviembre (acta 9)."
)
OFFICIAL = "martha.rincon@demo.hsbp.example"
LEADER = "yuliana.perdomo@demo.hsbp.example"
COMPANY = "andres.gomez@demo.hsbp.example"


def _representatives(session: Session, partnership: Partnership) -> dict[str, tuple]:
    rows = session.execute(
        select(User.email, User, Membership)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.partnership_id == partnership.id, Membership.partner_id.is_not(None))
    ).all()
    return {email: (user, membership) for email, user, membership in rows}


def seed_validation(session: Session, *, partnership: Partnership, facilitator: User) -> None:
    now = utcnow()
    people = _representatives(session, partnership)
    first = next(
        (
            c
            for c in session.scalars(
                select(Consultation).where(
                    Consultation.partnership_id == partnership.id,
                    Consultation.status == Status.CLOSED,
                )
            )
            if (c.title or {}).get("es") == FIRST_TITLE
        ),
        None,
    )
    if first is not None and first.outcome:
        sent_at = now - timedelta(days=29)
        validation.send(
            session,
            actor=facilitator,
            partnership=partnership,
            consultation=first,
            deadline=sent_at + timedelta(days=14),
            now=sent_at,
        )
        for email in (COMPANY, OFFICIAL, LEADER):
            if email in people:
                user, membership = people[email]
                validation.answer(
                    session,
                    actor=user,
                    membership=membership,
                    consultation=first,
                    stance="confirm",
                    now=sent_at + timedelta(days=3),
                )
        validation.proceed(
            session,
            actor=facilitator,
            consultation=first,
            reason=MINUTES,
            now=now - timedelta(days=14),
        )
    _jobs(session, partnership=partnership, facilitator=facilitator, people=people, now=now)


def _jobs(session, *, partnership, facilitator, people, now) -> None:
    consultation = services.create_consultation(
        session,
        actor=facilitator,
        partnership=partnership,
        fields={
            "title": {"es": "Empleo para jóvenes rurales", "en": "Jobs for rural young people"},
            "purpose": {
                "es": "Qué oficios y apoyos piden los jóvenes de las veredas.",
                "en": "Which trades and support the villages' young people ask for.",
            },
            "dimensions": ["economic"],
            "audience": {"members": True},
            "channels": ["web"],
            "anonymous": False,
        },
    )
    questions.add_question(
        session,
        actor=facilitator,
        partnership=partnership,
        consultation=consultation,
        fields={
            "kind": "yes_no",
            "text": {
                "es": "¿Conoce a jóvenes que buscan trabajo?",
                "en": "Do you know young people looking for work?",
            },
        },
    )
    services.open_consultation(session, actor=facilitator, consultation=consultation)
    services.close_consultation(session, actor=facilitator, consultation=consultation)
    outcome.save_outcome(
        session,
        actor=facilitator,
        partnership=partnership,
        consultation=consultation,
        raw={
            "needs": [
                {
                    "text": {
                        "es": "Aprendices en la plantación",
                        "en": "Apprentices at the plantation",
                    }
                },
                {"text": {"es": "Transporte a Florencia", "en": "Transport to Florencia"}},
            ],
            "gaps": [{"text": {"es": "Sin centro de formación", "en": "No training centre"}}],
        },
    )
    sent_at = now - timedelta(days=2)
    validation.send(
        session,
        actor=facilitator,
        partnership=partnership,
        consultation=consultation,
        deadline=deadline_time(
            (now + timedelta(days=12)).astimezone(partnership.zone).date(), partnership
        ),
        now=sent_at,
    )
    answers = [
        (OFFICIAL, "confirm", "La Alcaldía pone el transporte los sábados."),
        (LEADER, "changes", "Falta nombrar a las mujeres jóvenes en el primer punto."),
    ]
    for email, stance, comment in answers:
        if email in people:
            user, membership = people[email]
            validation.answer(
                session,
                actor=user,
                membership=membership,
                consultation=consultation,
                stance=stance,
                comment=comment,
                now=sent_at + timedelta(days=1),
            )
