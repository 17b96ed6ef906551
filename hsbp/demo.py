"""The demo's seed: a post-conflict partnership in Caquetá, Colombia, and a second one in
Zenica, Bosnia and Herzegovina, built through the same services a person would use."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hsbp.actions.demo import seed as seed_actions
from hsbp.auth.models import User
from hsbp.auth.services import create_user
from hsbp.community.demo import seed_assemblies, seed_checks
from hsbp.community.demo_feedback import seed_feedback
from hsbp.community.demo_votes import seed_votes
from hsbp.consultations.demo import seed as seed_consultation
from hsbp.consultations.validation_demo import seed_validation
from hsbp.grievances.demo import seed as seed_grievances
from hsbp.mapping.demo import seed_participants
from hsbp.monitoring.demo import seed as seed_monitoring
from hsbp.monitoring.demo_review_votes import seed as seed_review_votes
from hsbp.partnerships import members, services
from hsbp.partnerships.models import Membership, Partnership, Sector, Stage
from hsbp.partnerships.profile_demo import seed_profiles
from hsbp.principles.demo import seed_charter
from hsbp.principles.suggestion_demo import seed_suggestions
from hsbp.privacy.demo import seed_erased_contact
from hsbp.retention.demo import seed as seed_retention
from hsbp.risks.demo import seed as seed_risks
from hsbp.security import Role
from hsbp.sms.demo import seed_sms
from hsbp.sms.models import Contact

DEMO_PASSWORD = "hsbp-demo-2026"  # noqa: S105  (printed on purpose: the demo is local only)

DEMO_LOGINS = [
    ("site administrator", "admin@demo.hsbp.example", DEMO_PASSWORD),
    ("facilitator", "lucia.hernandez@demo.hsbp.example", DEMO_PASSWORD),
    ("company representative", "andres.gomez@demo.hsbp.example", DEMO_PASSWORD),
    ("municipal official", "martha.rincon@demo.hsbp.example", DEMO_PASSWORD),
]

CAGUAN_CONTEXT = (
    "San Vicente del Caguán salió de cinco décadas de conflicto armado con instituciones "
    "débiles en las veredas, desconfianza hacia las empresas y una población con muchas "
    "víctimas y personas desplazadas. La llegada de un proyecto agroforestal de caucho y cacao "
    "abre empleo, pero también tensiones por la tierra, el agua y el uso de las vías. La "
    "alianza reúne a la empresa, la alcaldía, la gobernación, organizaciones de mujeres y de "
    "víctimas, juntas de acción comunal y un cabildo indígena para acordar compromisos "
    "conjuntos de seguridad humana."
)

CAGUAN_PARTNERS = [
    (
        "Agroforestal del Caguán S.A.S.",
        Sector.COMPANY,
        "Plantaciones de caucho y cacao; 420 empleos directos.",
    ),
    (
        "Alcaldía de San Vicente del Caguán",
        Sector.LOCAL_GOVERNMENT,
        "Secretaría de Gobierno y Secretaría de Agricultura.",
    ),
    (
        "Gobernación del Caquetá",
        Sector.NATIONAL_GOVERNMENT,
        "Oficina de Paz y Posconflicto (nivel departamental).",
    ),
    (
        "Corporación Mujeres Tejiendo Paz",
        Sector.CIVIL_SOCIETY,
        "Organización de mujeres rurales y lideresas sociales.",
    ),
    (
        "Fundación Raíces del Caguán",
        Sector.CIVIL_SOCIETY,
        "Acompañamiento jurídico a víctimas y restitución de tierras.",
    ),
    (
        "Junta de Acción Comunal Vereda La Esperanza",
        Sector.COMMUNITY_GROUP,
        "180 familias campesinas junto a la plantación.",
    ),
    (
        "Asociación de Víctimas del Bajo Caguán",
        Sector.COMMUNITY_GROUP,
        "Personas desplazadas y retornadas.",
    ),
    (
        "Cabildo Indígena Nasa Kiwe Uma",
        Sector.COMMUNITY_GROUP,
        "Comunidad nasa reasentada en la cuenca del río Pato.",
    ),
    (
        "Universidad de la Amazonia",
        Sector.ACADEMIC,
        "Grupo de investigación en desarrollo territorial.",
    ),
]

ZENICA_PARTNERS = [
    ("Čeličana Zenica d.o.o.", Sector.COMPANY, "Proizvodnja čelika; 2.100 radnika."),
    ("Grad Zenica", Sector.LOCAL_GOVERNMENT, "Služba za privredu i zaštitu okoliša."),
    ("Udruženje Eko forum Zenica", Sector.CIVIL_SOCIETY, "Praćenje kvaliteta zraka."),
    ("Mjesna zajednica Tetovo", Sector.COMMUNITY_GROUP, "Naselje uz industrijsku zonu."),
]


def _person(session, admin, email, name, locale) -> User:
    return create_user(
        session, email=email, name=name, password=DEMO_PASSWORD, locale=locale, actor_id=admin.id
    )


def _member(session, partnership: Partnership, user: User, role: Role, partner=None) -> None:
    session.add(
        Membership(
            partnership_id=partnership.id,
            user_id=user.id,
            role=role,
            partner_id=partner.id if partner else None,
        )
    )


def seed_if_empty(session: Session) -> bool:
    """Seed the demo unless the database already has users. Returns True when it seeded."""
    if session.scalar(select(User.id).limit(1)) is not None:
        return False
    admin = create_user(
        session,
        email="admin@demo.hsbp.example",
        name="Administración hsbp",
        password=DEMO_PASSWORD,
        locale="es",
        is_site_admin=True,
    )
    caguan = services.create_partnership(
        session,
        actor=admin,
        name="Alianza por la Seguridad Humana del Caguán",
        country="CO",
        locality="San Vicente del Caguán, Caquetá",
        context_summary=CAGUAN_CONTEXT,
        stage=Stage.ACTIVE,
        default_locale="es",
        locales=["es", "en"],
        timezone="America/Bogota",
    )
    partners = {}
    for index, (name, sector, description) in enumerate(CAGUAN_PARTNERS):
        partners[name] = services.create_partner(
            session,
            actor=admin,
            partnership=caguan,
            name=name,
            sector=sector,
            description=description,
            joined_on=date(2026, 2, 3 + index),
            left_on=None,
        )
    facilitator = _person(
        session, admin, "lucia.hernandez@demo.hsbp.example", "Lucía Hernández Rojas", "es"
    )
    company = _person(
        session, admin, "andres.gomez@demo.hsbp.example", "Andrés Felipe Gómez Castaño", "es"
    )
    official = _person(
        session, admin, "martha.rincon@demo.hsbp.example", "Martha Cecilia Rincón Vargas", "es"
    )
    leader = _person(
        session, admin, "yuliana.perdomo@demo.hsbp.example", "Yuliana Perdomo Cuéllar", "es"
    )
    observer = _person(session, admin, "james.okafor@demo.hsbp.example", "James Okafor", "en")
    _member(session, caguan, facilitator, Role.FACILITATOR)
    _member(
        session, caguan, company, Role.REPRESENTATIVE, partners["Agroforestal del Caguán S.A.S."]
    )
    _member(
        session,
        caguan,
        official,
        Role.REPRESENTATIVE,
        partners["Alcaldía de San Vicente del Caguán"],
    )
    _member(
        session, caguan, leader, Role.REPRESENTATIVE, partners["Corporación Mujeres Tejiendo Paz"]
    )
    _member(session, caguan, observer, Role.OBSERVER)
    session.flush()
    seed_charter(
        session,
        partnership=caguan,
        partners=partners,
        facilitator=facilitator,
        representatives={
            "Agroforestal del Caguán S.A.S.": company,
            "Alcaldía de San Vicente del Caguán": official,
            "Corporación Mujeres Tejiendo Paz": leader,
        },
    )
    seed_suggestions(session, partnership=caguan, facilitator=facilitator)
    representatives = {
        m.partner.name: (m.user, m)
        for m in session.scalars(
            select(Membership).where(
                Membership.partnership_id == caguan.id, Membership.partner_id.is_not(None)
            )
        )
    }
    mapped = seed_participants(
        session,
        partnership=caguan,
        partners=partners,
        actor=facilitator,
        validators=representatives,
    )
    members.invite_member(
        session,
        actor=facilitator,
        partnership=caguan,
        email="dario.quintero@demo.hsbp.example",
        role=Role.REPRESENTATIVE,
        partner_id=partners["Junta de Acción Comunal Vereda La Esperanza"].id,
    )

    zenica = services.create_partnership(
        session,
        actor=admin,
        name="Partnerstvo za ljudsku sigurnost Zenica",
        country="BA",
        locality="Zenica, Zeničko-dobojski kanton",
        context_summary="Zagađenje zraka i zapošljavanje u gradu čelika.",
        stage=Stage.FORMING,
        default_locale="bs",
        locales=["bs", "en"],
        timezone="Europe/Sarajevo",
    )
    for name, sector, description in ZENICA_PARTNERS:
        services.create_partner(
            session,
            actor=admin,
            partnership=zenica,
            name=name,
            sector=sector,
            description=description,
            joined_on=date(2026, 9, 1),
            left_on=None,
        )
    amra = _person(session, admin, "amra.hodzic@demo.hsbp.example", "Amra Hodžić", "bs")
    _member(session, zenica, amra, Role.FACILITATOR)
    session.flush()
    contacts_before = session.scalar(select(func.max(Contact.id))) or 0
    seed_sms(session, partnership=caguan, other_partnership=zenica, participants=mapped)
    seed_consultation(session, caguan, facilitator)
    seed_actions(session, partnership=caguan, facilitator=facilitator)
    seed_grievances(session, partnership=caguan, facilitator=facilitator)
    seed_monitoring(session, partnership=caguan, facilitator=facilitator, password=DEMO_PASSWORD)
    seed_review_votes(session, partnership=caguan, facilitator=facilitator)
    seed_feedback(session, partnership=caguan, facilitator=facilitator)
    seed_validation(session, partnership=caguan, facilitator=facilitator)
    seed_checks(session, partnership=caguan, facilitator=facilitator)
    seed_assemblies(session, partnership=caguan, facilitator=facilitator)
    seed_votes(session, partnership=caguan, facilitator=facilitator)
    seed_profiles(session, partnership=caguan, facilitator=facilitator)
    seed_retention(session, partnership=caguan, facilitator=facilitator)
    seed_erased_contact(session, partnership=caguan, facilitator=facilitator)
    seed_risks(session, partnership=caguan, facilitator=facilitator)
    session.flush()
    # The demo's people are fictional: their numbers are the phone simulator's to act as.
    for contact in session.scalars(select(Contact).where(Contact.id > contacts_before)):
        contact.simulated = True
    session.flush()
    return True
