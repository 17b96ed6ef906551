"""The demo's community voice for the Caguán partnership, through the services a person uses."""

from __future__ import annotations

import io
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from hsbp import audit
from hsbp.actions.models import Action
from hsbp.auth.models import User
from hsbp.community import assemblies
from hsbp.community.check_talks import locality_of
from hsbp.community.models import Check, CheckAnswer, QuestionStatus, Talk, TalkState
from hsbp.db import utcnow
from hsbp.partnerships.models import Membership, Partner, Partnership, zone_of
from hsbp.principles import services as charter
from hsbp.principles.models import CharterStatus
from hsbp.sms import contacts
from hsbp.sms.models import Contact, ContactMembership

VICTIMS = "Asociación de Víctimas del Bajo Caguán"
CABILDO = "Cabildo Indígena Nasa Kiwe Uma"
WITNESS = "Alcaldía de San Vicente del Caguán"

VICTIMS_MINUTES = (
    "Acta 007. Asamblea general de la Asociación de Víctimas del Bajo Caguán. Orden del día: "
    "versión 2 de la carta de la alianza (meta de empleo local). Se leyó el texto en voz alta "
    "y se resolvieron preguntas sobre los cupos para personas retornadas. Votación a mano "
    "alzada: 52 a favor, 4 en contra, 8 se abstienen. La asamblea respalda la versión 2. "
    "Asistió como testigo la Secretaría de Gobierno municipal."
)
VICTIMS_FILE = (
    "ACTA 007 - ASOCIACIÓN DE VÍCTIMAS DEL BAJO CAGUÁN\n"
    "Asistentes: 64 (33 mujeres, 12 jóvenes, 41 personas desplazadas).\n"
    "Punto único: versión 2 de la carta. A favor 52, en contra 4, abstenciones 8.\n"
    "Firman: presidencia y secretaría de la asociación; testigo: Secretaría de Gobierno.\n"
)
CABILDO_MINUTES = (
    "Asamblea comunitaria del cabildo en la casa de pensamiento. Tras la traducción al nasa "
    "yuwe, la comunidad decidió por consenso respaldar la versión 2, y pide que las "
    "contrataciones se anuncien también en la emisora comunitaria."
)


def seed_assemblies(session: Session, *, partnership: Partnership, facilitator: User) -> None:
    """Propose the draft amendment of the charter (version 2), record the assembly of the
    victims' association endorsing it, confirmed by the municipality as witness, and the
    Nasa council's assembly, still awaiting the municipality's confirmation (its
    representative, a demo login, finds the "Confirm" button)."""
    versions = charter.list_versions(session, partnership_id=partnership.id)
    draft = next((v for v in versions if v.status == CharterStatus.DRAFT), None)
    if draft is None:
        return
    charter.propose(session, actor=facilitator, partnership=partnership, version=draft)
    partners = {
        p.name: p
        for p in session.scalars(select(Partner).where(Partner.partnership_id == partnership.id))
    }
    witness = session.scalars(
        select(Membership).where(
            Membership.partnership_id == partnership.id,
            Membership.partner_id == partners[WITNESS].id,
        )
    ).first()
    today = datetime.now(zone_of(partnership.timezone)).date()
    common = {
        "actor": facilitator,
        "partnership": partnership,
        "version": draft,
        "witness_partner_id": witness.partner_id,
        "held_on": today,
        "result": "endorse",
    }
    victims = assemblies.record(
        session,
        **common,
        partner_id=partners[VICTIMS].id,
        place="Casa de la memoria, Bajo Caguán",
        present_total=64,
        present={
            "tag:women": 33,
            "tag:youth": 12,
            "tag:displaced": 41,
            "tag:victims": 64,
            "sector:individual": 64,
        },
        counts={"endorse": 52, "object": 4},
        minutes=VICTIMS_MINUTES,
        minutes_file=("acta-007-bajo-caguan.txt", io.BytesIO(VICTIMS_FILE.encode())),
    )
    assemblies.confirm(session, actor=witness.user, membership=witness, assembly=victims)
    assemblies.record(
        session,
        **common,
        partner_id=partners[CABILDO].id,
        place="Casa de pensamiento, resguardo Nasa Kiwe Uma",
        present_total=41,
        present={"tag:indigenous": 41, "tag:women": 19, "tag:youth": 8},
        counts={},
        minutes=CABILDO_MINUTES,
    )


# The check: the company's haulage hours, done on paper, and the trucks still pass at school
# time (a question written by the facilitator, shorter than the prefilled one).
HAULAGE = "Horarios de carga acordados con la comunidad"
HAULAGE_QUESTION = {
    "es": "¿Se respetan los horarios de carga? 1 sí 2 no 3 no sé",
    "en": "Are the agreed haulage hours kept? 1 yes 2 no 3 don't know",
}
HAULAGE_ANSWERS = ("no", "no", "yes", "no", "unknown", "no", "yes", "no")


def seed_checks(session: Session, *, partnership: Partnership, facilitator: User) -> None:
    """A closed community check of a done action, the agreed haulage hours, that its
    confirmed contacts answered mostly "no": the action is flagged on the dashboard and is
    on the March review's agenda. The answers are written directly (the demo's people are
    fictional), with each contact's locality as the register has it."""
    action = next(
        (
            found
            for found in session.scalars(
                select(Action).where(Action.partnership_id == partnership.id)
            )
            if (found.title or {}).get("es") == HAULAGE
        ),
        None,
    )
    people = session.scalars(
        select(Contact)
        .join(ContactMembership, ContactMembership.contact_id == Contact.id)
        .where(ContactMembership.partnership_id == partnership.id, contacts.confirmed())
        .order_by(Contact.id)
    ).all()
    if action is None or len(people) < len(HAULAGE_ANSWERS):
        return
    now = utcnow()
    check = Check(
        partnership_id=partnership.id,
        action_id=action.id,
        question=HAULAGE_QUESTION,
        audience={"kind": "all", "value": ""},
        status=QuestionStatus.CLOSED,
        opens_at=now - timedelta(days=25),
        closes_at=now - timedelta(days=11),
        closed_at=now - timedelta(days=11),
        created_by_id=facilitator.id,
    )
    session.add(check)
    session.flush()
    for contact, answer in zip(people, HAULAGE_ANSWERS, strict=False):
        asked = now - timedelta(days=25)
        session.add(
            Talk(
                partnership_id=partnership.id,
                contact_id=contact.id,
                check_id=check.id,
                state=TalkState.ANSWERED,
                invited_at=asked,
                asked_at=asked,
            )
        )
        session.add(
            CheckAnswer(
                partnership_id=partnership.id,
                check_id=check.id,
                contact_id=contact.id,
                answer=answer,
                locality=locality_of(session, contact=contact, partnership_id=partnership.id),
                created_at=asked,
                updated_at=asked,
            )
        )
    session.flush()
    for action_name, details in (
        ("community_check.create", {"action_id": action.id, "audience": "all", "automatic": False}),
        ("community_check.close", {"action_id": action.id, "early": False}),
    ):
        audit.record(
            session,
            actor_id=facilitator.id if action_name.endswith("create") else None,
            action=action_name,
            obj=check,
            partnership_id=partnership.id,
            details=details,
        )
