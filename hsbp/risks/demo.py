"""The demo's due diligence for the Caguán partnership: a context assessment the partners
validated (and its revision now with them, one partner commenting), and a register of ten
risks recorded by the facilitator and by the company, the municipality and the women's
organisation, each partner's connection with its reasoning, one risk addressed. Leverage,
escalation, key moments, links, incidents, framework tags and screenings follow
(hsbp.risks.demo_diligence). Everything goes through the services, as people would do it,
then the rows are dated back so the pages look lived in.
"""

from __future__ import annotations

import copy
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from hsbp import audit
from hsbp.auth.models import User
from hsbp.db import utcnow
from hsbp.mapping.models import Participant
from hsbp.partnerships.models import Membership, Partner, Partnership
from hsbp.risks import context, demo_diligence, services
from hsbp.risks.connections import add_connection
from hsbp.risks.context_models import ContextAssessment, ContextResponse
from hsbp.risks.demo_data import (
    ACTORS,
    AGRO,
    ALCALDIA,
    COMMENT_V2,
    CONFIRM_V2,
    CONNECTORS,
    DIVIDERS,
    MINUTES,
    MUJERES,
    SUMMARY_V1,
    SUMMARY_V2,
    THREAT_V2,
    THREATS,
    TREND_V2,
    TRENDS,
)
from hsbp.risks.demo_register_data import ADDRESSED, ORDER, RISKS
from hsbp.risks.models import Risk, RiskConnection

# The demo's people by the key the data uses (hsbp.demo names them; other seeds add more
# representatives of the same partners, who are not the ones acting here).
EMAILS = {
    "company": "andres.gomez@demo.hsbp.example",
    "official": "martha.rincon@demo.hsbp.example",
    "leader": "yuliana.perdomo@demo.hsbp.example",
}
SPEAKS_FOR = {"company": AGRO, "official": ALCALDIA, "leader": MUJERES}
# What each representative says when confirming the first version.
CONFIRMATIONS = {
    "official": "La Alcaldía confirma la lectura del territorio.",
    "leader": "Confirmamos; pedimos revisar el riesgo de las niñas en la próxima versión.",
    "company": "La empresa confirma y asume las tensiones que le tocan.",
}


def people_of(
    session: Session, partnership: Partnership, facilitator: User
) -> dict[str, tuple[User, Membership]]:
    """{"facilitator" | "company" | "official" | "leader": (user, membership)} of the demo:
    `facilitator`, and the representatives of EMAILS who are members."""
    rows = session.execute(
        select(User, Membership)
        .join(Membership, Membership.user_id == User.id)
        .where(
            Membership.partnership_id == partnership.id,
            User.email.in_([*EMAILS.values(), facilitator.email]),
        )
    ).all()
    by_email = {user.email: (user, membership) for user, membership in rows}
    found = {key: by_email[email] for key, email in EMAILS.items() if email in by_email}
    found["facilitator"] = by_email[facilitator.email]
    return found


def seed(session: Session, *, partnership: Partnership, facilitator: User) -> None:
    """Side effects: two context versions with their answers, ten risks with their
    connections, and what hsbp.risks.demo_diligence adds; every change audited."""
    people = people_of(session, partnership, facilitator)
    partners = {
        p.name: p
        for p in session.scalars(select(Partner).where(Partner.partnership_id == partnership.id))
    }
    now = utcnow()
    _context(session, partnership, people, partners, now)
    risks, connections = _register(session, partnership, people, partners, now)
    demo_diligence.seed(
        session,
        partnership=partnership,
        people=people,
        partners=partners,
        risks=risks,
        connections=connections,
        now=now,
    )
    session.flush()


# The context ------------------------------------------------------------------------------


def _participant_ids(session: Session, partnership: Partnership) -> dict:
    """{("participant", name) | ("protected", place): participant id} for the key actors: a
    protected person is found by where they live and their risk, never by name."""
    names = {name for kind, name, _role in ACTORS if kind == "participant"}
    found = {
        ("participant", name): pid
        for pid, name in session.execute(
            select(Participant.id, Participant.display_name).where(
                Participant.partnership_id == partnership.id, Participant.display_name.in_(names)
            )
        )
    }
    for kind, place, _role in ACTORS:
        if kind == "protected":
            found[(kind, place)] = session.scalar(
                select(Participant.id)
                .where(
                    Participant.partnership_id == partnership.id,
                    Participant.risk == "high",
                    Participant.locality == place,
                )
                .order_by(Participant.id)
                .limit(1)
            )
    return found


def _first_version(session: Session, partnership: Partnership) -> dict:
    ids = _participant_ids(session, partnership)
    actors = []
    for kind, name, role in ACTORS:
        if kind == "name":
            actors.append({"name": name, "role": role})
        elif ids.get((kind, name)) is not None:
            actors.append({"participant_id": ids[(kind, name)], "role": role})
    return {
        "threats": [{"dimension": d, "locality": p, "text": t} for d, p, t in THREATS],
        "dividers": [{"locality": p, "text": t} for p, t in DIVIDERS],
        "connectors": [{"locality": p, "text": t} for p, t in CONNECTORS],
        "actors": actors,
        "trends": [{"locality": p, "text": t} for p, t in TRENDS],
    }


def _context(session: Session, partnership: Partnership, people, partners, now) -> None:
    """Version 1 validated by every partner (those without an account at the assembly, as
    its minutes record), then version 2 proposed: the municipality confirms it, the women's
    organisation comments."""
    facilitator = people["facilitator"][0]
    first = context.start_draft(
        session, actor=facilitator, partnership=partnership, copy_validated=False
    )
    context.update_draft(
        session,
        actor=facilitator,
        partnership=partnership,
        version=first,
        raw=_first_version(session, partnership),
        summary=SUMMARY_V1,
    )
    context.propose(session, actor=facilitator, partnership=partnership, version=first)
    _confirm_at_assembly(session, first, facilitator, partners, people)
    for key, comment in CONFIRMATIONS.items():
        if key in people:
            context.answer(
                session, actor=people[key][0], version=first, stance="confirm", comment=comment
            )
    _date_version(session, first, proposed=now - timedelta(days=75), now=now)

    second = context.start_draft(
        session, actor=facilitator, partnership=partnership, copy_validated=True
    )
    revised = copy.deepcopy(second.content)
    dimension, place, text = THREAT_V2
    revised["threats"].append({"dimension": dimension, "locality": place, "text": text})
    revised["trends"].append({"locality": TREND_V2[0], "text": TREND_V2[1]})
    context.update_draft(
        session,
        actor=facilitator,
        partnership=partnership,
        version=second,
        raw=revised,
        summary=SUMMARY_V2,
    )
    context.propose(session, actor=facilitator, partnership=partnership, version=second)
    for key, stance, comment in (
        ("company", "confirm", ""),
        ("official", "confirm", CONFIRM_V2),
        ("leader", "comment", COMMENT_V2),
    ):
        if key in people:
            context.answer(
                session, actor=people[key][0], version=second, stance=stance, comment=comment
            )
    _date_version(session, second, proposed=now - timedelta(days=4), now=now)


def _confirm_at_assembly(session, version, facilitator, partners, people) -> None:
    """The partners with no account answered at the assembly: their confirmations are rows
    from its minutes, each with an audit entry naming the facilitator who wrote it down, as
    the charter's demo does for its endorsements. The representatives answer through the
    service afterwards, the last one validating the version."""
    represented = {SPEAKS_FOR[key] for key in SPEAKS_FOR if key in people}
    for name, partner in sorted(partners.items()):
        if name in represented or not partner.is_current:
            continue
        session.add(
            ContextResponse(
                partnership_id=version.partnership_id,
                assessment_id=version.id,
                partner_id=partner.id,
                stance=context.Stance.CONFIRM,
                comment=MINUTES,
            )
        )
        audit.record(
            session,
            actor_id=facilitator.id,
            action="context.confirm",
            obj=version,
            partnership_id=version.partnership_id,
            details={"number": version.number, "partner_id": partner.id, "comment": MINUTES},
        )
    session.flush()


def _date_version(
    session: Session, version: ContextAssessment, *, proposed: datetime, now: datetime
) -> None:
    """Date a version's life back: drafted a few days before its proposal, the answers over
    the week after it, validation with the last answer."""
    version.created_at = proposed - timedelta(days=6)
    version.proposed_at = proposed
    rows = session.scalars(
        select(ContextResponse)
        .where(ContextResponse.assessment_id == version.id)
        .order_by(ContextResponse.id)
    ).all()
    last = proposed
    for index, row in enumerate(rows):
        last = min(proposed + timedelta(days=1 + index // 3, hours=index), now)
        row.created_at = last
    if version.validated_at is not None:
        version.validated_at = last


# The register -------------------------------------------------------------------------------


def _register(session: Session, partnership: Partnership, people, partners, now):
    """The risks in the order the partnership came to record them, each by its recorder,
    with the partners' connections; the trucks' risk addressed. Returns ({key: risk},
    {(key, partner name): connection})."""
    risks: dict[str, Risk] = {}
    connections: dict[tuple[str, str], RiskConnection] = {}
    for index, key in enumerate(ORDER):
        recorder, fields, linked = RISKS[key]
        user, membership = people.get(recorder) or people["facilitator"]
        risk = services.create_risk(
            session, actor=user, membership=membership, partnership=partnership, fields=fields
        )
        for partner_name, by, connection, relationship, reasoning in linked:
            who, who_membership = people.get(by) or people["facilitator"]
            connections[(key, partner_name)] = add_connection(
                session,
                actor=who,
                membership=who_membership,
                risk=risk,
                partner_id=partners[partner_name].id,
                connection=connection,
                reasoning=reasoning,
                relationship_with=relationship,
            )
        # Recorded over five months, a fortnight or so apart.
        risk.created_at = now - timedelta(days=160 - index * 15)
        for row in risk.connections:
            row.created_at = risk.created_at + timedelta(days=2)
        risks[key] = risk
    facilitator, membership = people["facilitator"]
    for key, reason in ADDRESSED.items():
        services.change_status(
            session,
            actor=facilitator,
            membership=membership,
            risk=risks[key],
            status="addressed",
            reason=reason,
        )
        risks[key].closed_at = now - timedelta(days=12)
    return risks, connections
