"""The demo's charter for the Caguán partnership: version 1 adopted by a two-thirds majority,
and version 2 drafted as an amendment that raises the local-hiring goal."""

from __future__ import annotations

import copy

from sqlalchemy.orm import Session

from hsbp import audit
from hsbp.auth.models import User
from hsbp.partnerships.models import Partner, Partnership
from hsbp.principles import services
from hsbp.principles.models import Endorsement, Stance

AGROFORESTAL = "Agroforestal del Caguán S.A.S."
ALCALDIA = "Alcaldía de San Vicente del Caguán"
GOBERNACION = "Gobernación del Caquetá"
MUJERES = "Corporación Mujeres Tejiendo Paz"
JAC = "Junta de Acción Comunal Vereda La Esperanza"
UNIVERSIDAD = "Universidad de la Amazonia"
# Left without an answer on purpose: the JAC's representative is still invited, and will
# endorse the charter in force once they join.
UNANSWERED = {JAC, "Cabildo Indígena Nasa Kiwe Uma"}
RULE = {"rule": "majority", "majority_percent": 67, "quorum_percent": 60}


def _t(es: str, en: str) -> dict:
    return {"es": es, "en": en}


PRINCIPLES = {
    "locally_driven": _t(
        "Las prioridades salen de las mesas veredales y del cabildo, no de la oficina de la "
        "empresa. Ninguna acción se hace en una vereda sin que su Junta de Acción Comunal la "
        "conozca antes, y cuidamos que participar no ponga en riesgo a lideresas ni a víctimas.",
        "Priorities come from the village tables and the indigenous council, not from the "
        "company's office. No action takes place in a village before its Community Action "
        "Board knows of it, and we make sure that taking part puts no woman leader or victim "
        "at risk.",
    ),
    "inclusive": _t(
        "Mujeres rurales, jóvenes, víctimas y el pueblo nasa tienen voz y voto igual que la "
        "empresa y el gobierno. Las reuniones se hacen en las veredas, en horarios posibles "
        "para quien trabaja la tierra, y con traducción al nasa yuwe cuando se necesite.",
        "Rural women, young people, victims and the Nasa people have the same voice and vote "
        "as the company and the government. Meetings are held in the villages, at times that "
        "suit people who work the land, with Nasa Yuwe interpretation when needed.",
    ),
    "forward_looking": _t(
        "Queremos un Caguán donde la tierra y el agua se compartan sin violencia. Fijamos metas "
        "medibles a 2028 y las revisamos cada seis meses con la comunidad.",
        "We want a Caguán where land and water are shared without violence. We set measurable "
        "goals for 2028 and review them with the community every six months.",
    ),
    "trust": _t(
        "Publicamos actas, presupuesto y avances en la emisora comunitaria y por SMS. Cada "
        "socio rinde cuentas de sus compromisos en la asamblea trimestral.",
        "We publish minutes, budget and progress on the community radio and by SMS. Each "
        "partner reports on its commitments at the quarterly assembly.",
    ),
    "sharing": _t(
        "Los beneficios del proyecto agroforestal se reparten: empleo local, compras a "
        "productores de la zona y un fondo común. Los riesgos también: cada socio responde por "
        "lo que le toca.",
        "The benefits of the agroforestry project are shared: local jobs, purchases from local "
        "growers and a common fund. So are the risks: each partner answers for its part.",
    ),
}
PROTOCOLS = {
    "entry_rules": _t(
        "Una organización entra si la propone un socio, la asamblea la acepta y firma esta carta.",
        "An organisation joins when a partner proposes it, the assembly accepts it and it "
        "endorses this charter.",
    ),
    "leaver_rules": _t(
        "Quien sale avisa por escrito con un mes de anticipación y entrega cuentas de los "
        "recursos a su cargo.",
        "A partner that leaves gives one month's notice in writing and accounts for the "
        "resources in its care.",
    ),
    "communication_protocol": _t(
        "Asamblea cada tres meses, mesas veredales cada mes; avisos por SMS en español y "
        "resúmenes en la emisora Ecos del Caguán.",
        "An assembly every three months and village tables every month; notices by SMS in "
        "Spanish and summaries on the Ecos del Caguán radio.",
    ),
    "grievance_handling": _t(
        "Cualquier persona puede presentar una queja por SMS, en la personería o ante la "
        "facilitadora. Respuesta en 15 días; las quejas contra un socio las revisa un comité "
        "en el que ese socio no participa.",
        "Anyone can file a grievance by SMS, at the ombudsman's office or with the "
        "facilitator. An answer within 15 days; grievances against a partner are reviewed by "
        "a committee that partner does not sit on.",
    ),
}
ROLES = {
    AGROFORESTAL: _t(
        "Aporta el fondo común, contrata localmente y coordina el uso compartido de la vía.",
        "Funds the common fund, hires locally and coordinates the shared use of the road.",
    ),
    ALCALDIA: _t(
        "Convoca las mesas veredales y pone la maquinaria para la vía.",
        "Convenes the village tables and provides machinery for the road.",
    ),
    GOBERNACION: _t(
        "Acompaña la mesa de tierras con la Oficina de Paz.",
        "Supports the land table through its Peace Office.",
    ),
    MUJERES: _t(
        "Vigila la meta de empleo de mujeres y acompaña a las lideresas.",
        "Watches the women's employment goal and supports women leaders.",
    ),
    JAC: _t(
        "Lleva la voz de las 180 familias de la vereda y reporta incidentes en la vía.",
        "Speaks for the village's 180 families and reports incidents on the road.",
    ),
}
BUDGET = [
    (
        AGROFORESTAL,
        "cash",
        "480000000",
        _t(
            "Fondo común: proyectos productivos y mantenimiento de la vía",
            "Common fund: productive projects and road upkeep",
        ),
    ),
    (
        ALCALDIA,
        "in_kind",
        "120000000",
        _t(
            "Maquinaria y personal técnico para la vía La Esperanza - El Pato",
            "Machinery and technical staff for the La Esperanza - El Pato road",
        ),
    ),
    (
        UNIVERSIDAD,
        "in_kind",
        "45000000",
        _t(
            "Línea de base, monitoreo participativo y formación",
            "Baseline survey, participatory monitoring and training",
        ),
    ),
]
GOALS = [
    (
        _t("Menos conflictos por la tierra y el agua", "Fewer conflicts over land and water"),
        _t(
            "23 conflictos por linderos y agua registrados en 2025.",
            "23 disputes over boundaries and water recorded in 2025.",
        ),
        _t(
            "Menos de 8 al año, cada uno atendido por la mesa de tierras en 60 días.",
            "Fewer than 8 a year, each handled by the land table within 60 days.",
        ),
        "2028-12-31",
    ),
    (
        _t("Empleo local para mujeres y jóvenes", "Local jobs for women and young people"),
        _t(
            "18 % de los empleos directos los ocupan mujeres y jóvenes del municipio.",
            "18% of direct jobs are held by women and young people from the municipality.",
        ),
        _t(
            "40 % de los nuevos empleos para mujeres y jóvenes de 18 a 28 años del municipio.",
            "40% of new jobs go to women and young people aged 18 to 28 from the municipality.",
        ),
        "2027-12-31",
    ),
    (
        _t("Uso seguro de la vía rural", "Safe use of the rural road"),
        _t(
            "Vía intransitable cuatro meses al año; 6 incidentes con camiones en 2025.",
            "Road impassable four months a year; 6 incidents with lorries in 2025.",
        ),
        _t(
            "Vía abierta todo el año, horarios de carga acordados y cero incidentes graves.",
            "Road open all year, agreed haulage hours and no serious incident.",
        ),
        "2027-06-30",
    ),
]
RAISED_TARGET = _t(
    "45 % de los nuevos empleos para mujeres y jóvenes de 18 a 28 años del municipio.",
    "45% of new jobs go to women and young people aged 18 to 28 from the municipality.",
)
COMMENTS = {
    AGROFORESTAL: "Respaldamos la carta; la meta de empleo local ya está en nuestro plan.",
    ALCALDIA: "La Alcaldía aprueba y asume la convocatoria de las mesas veredales.",
    MUJERES: "Apoyamos, y pedimos revisar la meta de empleo de mujeres en seis meses.",
}
MINUTES = "Aprobado en la asamblea del 14 de marzo de 2026 (acta 003)."


def _content(partners: dict[str, Partner]) -> dict:
    return {
        "principles": PRINCIPLES,
        "protocols": PROTOCOLS,
        "roles": [
            {"partner_id": partners[name].id, "text": text}
            for name, text in ROLES.items()
            if name in partners
        ],
        "decision_rule": RULE,
        # Lead and supporting partners both carry out the joint actions, so both update them.
        "action_rule": "owners",
        # A risk is read by the partners connected to it (a company's due diligence is its
        # own); the municipality and the women's organisation hear of incidents, as the
        # assembly chose the ones people trust with an early warning.
        "risk_rule": "connected",
        "incident_partners": [
            partners[name].id for name in (ALCALDIA, MUJERES) if name in partners
        ],
        "budget": [
            {
                "description": description,
                "partner_id": partners[name].id,
                "kind": kind,
                "amount": amount,
                "currency": "COP",
            }
            for name, kind, amount, description in BUDGET
        ],
        "goals": [
            {"title": title, "baseline": baseline, "target": target, "due": due}
            for title, baseline, target, due in GOALS
        ],
    }


def seed_charter(
    session: Session,
    *,
    partnership: Partnership,
    partners: dict[str, Partner],
    facilitator: User,
    representatives: dict[str, User],
) -> None:
    """Adopt version 1 and draft version 2 of the Caguán charter, through the services.

    Partners without an account in the demo answered at the assembly: their endorsements
    are written as rows from its minutes (with an audit entry each), just enough for the
    representatives' own endorsements, given last, to reach the two-thirds majority.
    """
    version = services.start_draft(session, actor=facilitator, partnership=partnership)
    services.update_draft(
        session,
        actor=facilitator,
        partnership=partnership,
        version=version,
        raw=_content(partners),
    )
    services.propose(session, actor=facilitator, partnership=partnership, version=version)

    needed = -(-len(partners) * RULE["majority_percent"] // 100)
    at_assembly = [
        partner
        for name, partner in partners.items()
        if name not in representatives and name not in UNANSWERED
    ][: max(needed - len(representatives), 0)]
    for partner in at_assembly:
        session.add(
            Endorsement(
                partnership_id=partnership.id,
                version_id=version.id,
                partner_id=partner.id,
                stance=Stance.ENDORSE,
                comment=MINUTES,
            )
        )
        audit.record(
            session,
            actor_id=facilitator.id,
            action="charter.endorse",
            obj=version,
            partnership_id=partnership.id,
            details={"number": version.number, "partner_id": partner.id, "comment": MINUTES},
        )
    session.flush()
    for name, user in representatives.items():
        services.endorse(
            session,
            actor=user,
            version=version,
            stance=Stance.ENDORSE,
            comment=COMMENTS.get(name, ""),
        )

    amendment = services.start_draft(session, actor=facilitator, partnership=partnership)
    revised = copy.deepcopy(amendment.content)
    revised["goals"][1]["target"] = RAISED_TARGET
    services.update_draft(
        session, actor=facilitator, partnership=partnership, version=amendment, raw=revised
    )
