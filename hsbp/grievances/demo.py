"""The demo's grievances for the Caguán partnership: fourteen, filed and moved through the
services by the facilitator, then dated back over five months so the dashboard has a history:
every stage, some overdue, appeals (one settled, one open), a referral, ratings on the closed
ones. The observer from outside the partners is the independent officer assigned to the
threats and to the conduct of the company's guards.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from hsbp.auth.models import User
from hsbp.db import utcnow
from hsbp.grievances import officers, services
from hsbp.grievances.models import Stage
from hsbp.partnerships.models import Membership, Partner, Partnership
from hsbp.security import Role
from hsbp.sms import contacts
from hsbp.sms.models import Contact, ContactMembership

COMPANY = "Agroforestal del Caguán S.A.S."
TOWN = "Alcaldía de San Vicente del Caguán"
PROVINCE = "Gobernación del Caquetá"
TO_CLOSE = ["acknowledged", "assessing", "response_proposed", "accepted", "closed"]


def _steps(*days: int, appeal: bool = False) -> list[tuple[str, int]]:
    """The stages to a closed grievance, each on the given day after receipt."""
    stages = TO_CLOSE
    if appeal:
        stages = [*stages[:3], "appealed", "assessing", "response_proposed", *stages[3:]]
    return list(zip(stages, days, strict=True))


# (days ago, channel, anonymous, category, severity, partner, text, steps, rating)
GRIEVANCES = [
    (150, "sms", False, "employment", "medium", COMPANY,
     "Me pagaron la quincena incompleta y nadie explica por qué.",
     _steps(4, 6, 25, 26, 29), 5),
    (100, "public", False, "environment", "high", COMPANY,
     "El agua del caño sale turbia desde que fumigaron el lote 7.",
     [("acknowledged", 2), ("assessing", 3), ("response_proposed", 28), ("appealed", 32)], None),
    (75, "sms", False, "land", "high", COMPANY,
     "La cerca nueva de la plantación corta el camino a la escuela.",
     _steps(3, 5, 20, 24, 26), 4),
    (62, "sms", False, "water", "medium", COMPANY,
     "La toma de agua de la vereda quedó dentro del predio de la empresa.",
     _steps(2, 4, 18, 22, 23, 33, 36, 38, appeal=True), 3),
    (50, "public", True, "security", "critical", None,
     "Hombres armados preguntan por los líderes de la junta en la noche.",
     [("acknowledged", 1), ("referred", 3)], None),
    (45, "member", False, "employment", "medium", COMPANY,
     "Las mujeres de la vereda no entran en las listas de contratación.",
     _steps(5, 7, 25, 27, 28), 5),
    (40, "in_person", False, "community_relations", "low", TOWN,
     "El puesto de salud prometido en la mesa no ha abierto.",
     _steps(9, 12, 36, 38, 39), 2),
    (35, "sms", False, "environment", "high", COMPANY,
     "Los camiones levantan polvo frente a la escuela todo el día.",
     [("acknowledged", 2), ("assessing", 4)], None),
    (25, "public", False, "land", "medium", TOWN,
     "El catastro municipal no reconoce mi posesión de la finca.",
     [("acknowledged", 6), ("assessing", 8), ("response_proposed", 22)], None),
    (20, "member", False, "consultation", "low", PROVINCE,
     "No nos consultaron el trazado de la vía departamental.",
     [("acknowledged", 3), ("assessing", 4), ("response_proposed", 15), ("accepted", 18)], None),
    (12, "sms", False, "water", "medium", None,
     "El acueducto veredal lleva dos semanas sin agua.",
     [], None),
    (9, "phone", False, "conduct", "high", COMPANY,
     "Un vigilante de la empresa trató mal a mi hija en el retén.",
     [("acknowledged", 1)], None),
    (4, "sms", True, "security", "high", None,
     "Hay amenazas contra quienes denunciamos lo del río.",
     [], None),
    (2, "in_person", False, "land", "medium", None,
     "Nos quieren sacar del predio que trabajamos desde 1998.",
     [], None),
]  # fmt: skip
REFERRED_TO = "Defensoría del Pueblo, Regional Caquetá"
INDEPENDENT_CATEGORIES = ("security", "conduct")


def seed(session: Session, *, partnership: Partnership, facilitator: User) -> None:
    """Name the grievance officers (the facilitator, and an observer from outside the
    partners as independent officer when there is one) and file the demo's grievances
    through the services. SMS ones get their contact only once their history is written, so
    the seed texts nobody about stages passed months ago."""
    membership = session.scalar(
        select(Membership).where(
            Membership.partnership_id == partnership.id, Membership.user_id == facilitator.id
        )
    )
    officers.grant_officer(
        session, actor=facilitator, membership=membership, user_id=facilitator.id
    )
    independent = session.scalar(
        select(Membership.user_id)
        .where(
            Membership.partnership_id == partnership.id,
            Membership.role == Role.OBSERVER,
            Membership.partner_id.is_(None),
        )
        .order_by(Membership.id)
    )
    if independent is not None:
        officers.grant_officer(
            session, actor=facilitator, membership=membership, user_id=independent
        )
    services.settings_of(session, partnership.id)
    partners = {
        p.name: p.id
        for p in session.scalars(select(Partner).where(Partner.partnership_id == partnership.id))
    }
    members = session.scalars(
        select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.partnership_id == partnership.id, User.id != facilitator.id)
        .order_by(User.id)
    ).all()
    people = session.scalars(
        select(Contact)
        .join(ContactMembership, ContactMembership.contact_id == Contact.id)
        .where(ContactMembership.partnership_id == partnership.id, contacts.confirmed())
        .order_by(Contact.id)
    ).all()
    now = utcnow()
    for index, row in enumerate(GRIEVANCES):
        days_ago, channel, anonymous, category, severity, partner, text, steps, rating = row
        complainant = services.Complainant()
        if channel == "member" and members:
            complainant.user = members[index % len(members)]
        elif channel in ("in_person", "phone"):
            complainant.name, complainant.phone = "Aurelio Perdomo", "+573115550123"
        grievance = services.file_grievance(
            session,
            partnership=partnership,
            channel=channel,
            description=text,
            locale="es",
            complainant=complainant,
            anonymous=anonymous,
            category=category,
            partner_id=partners.get(partner),
            recorded_by=facilitator if channel in ("in_person", "phone") else None,
        )
        services.update_handling(
            session,
            actor=facilitator,
            membership=membership,
            grievance=grievance,
            category=category,
            severity=severity,
            partner_id=partners.get(partner),
            # The independent officer takes the threats and abuses by security staff: the
            # cases where the complainant most needs someone outside every partner.
            officer_id=independent
            if independent is not None and category in INDEPENDENT_CATEGORIES
            else facilitator.id,
        )
        received = now - timedelta(days=days_ago)
        grievance.received_at = grievance.stage_changed_at = received
        for event in grievance.events:
            event.created_at = received
        for stage, day in steps:
            services.change_stage(
                session,
                actor=facilitator,
                membership=membership,
                grievance=grievance,
                to=stage,
                note=_NOTES.get(stage, ""),
                referred_to=REFERRED_TO if stage == Stage.REFERRED else "",
                now=received + timedelta(days=day),
            )
        if rating is not None:
            grievance.rating = rating
            grievance.rated_at = grievance.closed_at + timedelta(hours=5)
        if channel == "sms" and people:
            grievance.contact_id = people[index % len(people)].id
    session.flush()


_NOTES = {
    "acknowledged": "Recibida y registrada; se informó al denunciante.",
    "assessing": "Visita de verificación con la junta de acción comunal.",
    "response_proposed": "Propuesta presentada en la mesa de la alianza.",
    "appealed": "La comunidad pide revisar la propuesta.",
    "referred": "El caso supera el alcance de la alianza.",
    "closed": "Cierre acordado con el denunciante.",
}
