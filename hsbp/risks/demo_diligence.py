"""The demo's due diligence on the Caguán register (hsbp.risks.demo makes the risks first):
leverage and the guiding questions on the company's and the municipality's connections, an
escalation to conditions with a beef supplier, a responsible disengagement from a timber
supplier, key moments (one inside its reminder window, so it is on "Needs me"), links to
grievances, actions, indicators and pulse gaps, incidents (one an anonymous ALERT by SMS),
framework tags and two do-no-harm screenings. All through the services, then dated back.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from hsbp.actions.checks import goals
from hsbp.actions.models import Action
from hsbp.grievances.models import Grievance
from hsbp.mapping.models import Participant
from hsbp.monitoring.models import Indicator
from hsbp.monitoring.pulse_models import PulseRound
from hsbp.partnerships.models import Partner, Partnership
from hsbp.risks import (
    disengagement,
    escalation,
    incidents,
    key_moments,
    leverage,
    links,
    questions,
    screening,
    tagging,
    targets,
)
from hsbp.risks.demo_diligence_data import (
    ACTION_TAGS,
    DISENGAGEMENT,
    ESCALATION,
    GOAL_TAGS,
    INCIDENTS,
    INDICATOR_TAGS,
    LEVERAGE,
    LINKS,
    MOMENTS,
    QUESTIONS,
    RISK_TAGS,
    SCREENINGS,
    TAGGED_BY_COMPANY,
)
from hsbp.risks.models import LinkKind, Risk, RiskConnection
from hsbp.sms.models import ContactMembership


def seed(
    session: Session,
    *,
    partnership: Partnership,
    people: dict,
    partners: dict[str, Partner],
    risks: dict[str, Risk],
    connections: dict[tuple[str, str], RiskConnection],
    now: datetime,
) -> None:
    """Side effects: as the module says; every change audited by its service."""
    today = now.astimezone(partnership.zone).date()
    _leverage(session, people, partners, connections)
    _escalation(session, people, connections, today, now)
    _moments(session, people, partners, today)
    actions = {
        a.title.get("es"): a
        for a in session.scalars(select(Action).where(Action.partnership_id == partnership.id))
    }
    indicators = {
        i.name.get("es"): i
        for i in session.scalars(
            select(Indicator).where(Indicator.partnership_id == partnership.id)
        )
    }
    _links(session, partnership, people, risks, actions, indicators)
    _incidents(session, partnership, people, risks, now)
    _tags(session, partnership, people, risks, actions, indicators)
    for title, (who, answers) in SCREENINGS.items():
        user, membership = people.get(who) or people["facilitator"]
        screening.save_screening(
            session, actor=user, membership=membership, action=actions[title], answers=answers
        )


def _leverage(session, people, partners, connections) -> None:
    for (risk_key, partner_name, who), (strengths, note) in LEVERAGE.items():
        user = (people.get(who) or people["facilitator"])[0]
        leverage.save_leverage(
            session,
            connection=connections[(risk_key, partner_name)],
            partner=partners[partner_name],
            strengths=strengths,
            note=note,
            actor_id=user.id,
        )
    company = (people.get("company") or people["facilitator"])[0]
    for key, answers in QUESTIONS.items():
        questions.save_answers(
            session,
            connection=connections[key],
            answers=dict(zip(questions.KEYS, answers, strict=False)),
            actor_id=company.id,
        )


def _escalation(session, people, connections, today, now) -> None:
    """The company's steps, in date order; the disengagement's assessment is recorded
    before its last step, which the ladder refuses without it."""
    company = (people.get("company") or people["facilitator"])[0]
    (assessed_key, texts, notice_days) = DISENGAGEMENT
    for key, steps in ESCALATION.items():
        connection = connections[key]
        for step, days_ago, note in steps:
            if step == escalation.DISENGAGE and key == assessed_key:
                assessment = disengagement.save_assessment(
                    session,
                    connection=connection,
                    notice_on=today - timedelta(days=notice_days),
                    actor_id=company.id,
                    **texts,
                )
                # Written when the notice was given, before the relationship ended.
                assessment.created_at = now - timedelta(days=notice_days)
            row = escalation.take_step(
                session,
                connection=connection,
                step=step,
                taken_on=today - timedelta(days=days_ago),
                note=note,
                today=today,
                now=now,
                actor_id=company.id,
            )
            row.created_at = now - timedelta(days=days_ago)
            if step == escalation.DISENGAGE:
                connection.disengaged_at = row.created_at


def _moments(session, people, partners, today) -> None:
    """Each partner's moments kept by its own representative (the facilitator for one
    without an account)."""
    speakers = {
        membership.partner_id: (user, membership)
        for user, membership in people.values()
        if membership.partner_id is not None
    }
    for partner_name, kind, title, days, remind, note in MOMENTS:
        partner = partners[partner_name]
        user, membership = speakers.get(partner.id) or people["facilitator"]
        key_moments.create_moment(
            session,
            membership=membership,
            values={
                "partner_id": partner.id,
                "kind": kind,
                "title": title,
                "occurs_on": today + timedelta(days=days),
                "remind_days_before": remind,
                "note": note,
            },
            today=today,
            actor_id=user.id,
        )


def _links(session, partnership, people, risks, actions, indicators) -> None:
    """Each link made as the facilitator makes it from a risk's page: the row resolved
    (and checked) as typed, then linked."""
    facilitator, membership = people["facilitator"]
    grievances = session.scalars(
        select(Grievance).where(Grievance.partnership_id == partnership.id).order_by(Grievance.id)
    ).all()
    rounds = session.scalars(
        select(PulseRound)
        .where(PulseRound.partnership_id == partnership.id)
        .order_by(PulseRound.id.desc())
    ).all()
    for key, wanted in LINKS.items():
        refs = [
            (LinkKind.GRIEVANCE, g.code, "")
            for start in wanted.get("grievances", [])
            for g in grievances
            if g.description.startswith(start)
        ]
        refs += [(LinkKind.ACTION, str(actions[t].id), r) for t, r in wanted.get("actions", [])]
        refs += [
            (LinkKind.INDICATOR, str(indicators[n].id), "") for n in wanted.get("indicators", [])
        ]
        refs += [
            (LinkKind.PULSE_GAP, f"{rounds[back].id}:{dimension}", "")
            for back, dimension in wanted.get("gaps", [])
            if back < len(rounds)
        ]
        for kind, ref, role in refs:
            found = targets.resolve(session, membership=membership, kind=kind, ref=ref)
            links.add_link(
                session,
                risk=risks[key],
                kind=kind,
                target_id=found.target_id,
                key=found.key,
                role=role,
                actor_id=facilitator.id,
            )


def _sender(session, partnership, name) -> ContactMembership | None:
    """The SMS membership of the contact mapped as the participant `name`."""
    return session.scalar(
        select(ContactMembership)
        .join(Participant, Participant.id == ContactMembership.participant_id)
        .where(
            ContactMembership.partnership_id == partnership.id,
            Participant.display_name == name,
        )
        .order_by(ContactMembership.id)
        .limit(1)
    )


def _incidents(session, partnership, people, risks, now) -> None:
    """Incidents by SMS (one anonymous, keeping its day only) and recorded on the web, dated
    back over three months; two attached to the risks they bear on."""
    facilitator, membership = people["facilitator"]
    for channel, who, days, anonymous, place, text, status, risk_key in INCIDENTS:
        if channel == "sms":
            sender = _sender(session, partnership, who)
            if sender is None:
                continue
            incident = incidents.report_by_sms(
                session,
                partnership=partnership,
                contact=sender.contact,
                member=sender,
                description=text,
                anonymous=anonymous,
            )
        else:
            user = (people.get(who) or people["facilitator"])[0]
            incident = incidents.record(
                session,
                actor=user,
                partnership=partnership,
                description=text,
                locality=place,
                anonymous=anonymous,
                locale="es",
            )
        received = now - timedelta(days=days, hours=5)
        if anonymous:
            incident.received_at = incidents.day_only(received, partnership.zone)
            # Seen to the next morning, dated from its day: the hour it came must not show
            # through how long after it was acknowledged.
            handled = incident.received_at + timedelta(days=1, hours=14)
        else:
            incident.received_at = received
            handled = received + timedelta(hours=20)
        if risk_key is not None:
            incidents.attach_to_risk(
                session,
                actor=facilitator,
                membership=membership,
                incident=incident,
                typed=f"R-{risks[risk_key].number}",
            )
        if status in ("acknowledged", "closed"):
            incidents.acknowledge(session, actor=facilitator, incident=incident)
            incident.acknowledged_at = handled
        if status == "closed":
            incidents.close(session, actor=facilitator, incident=incident)
            incident.closed_at = handled + timedelta(days=8)
    session.flush()


def _tags(session, partnership, people, risks, actions, indicators) -> None:
    facilitator, membership = people["facilitator"]
    company = people.get("company") or people["facilitator"]

    def tag(kind, key, references, who=(facilitator, membership)):
        tagging.set_tags(
            session,
            partnership_id=partnership.id,
            kind=kind,
            key=str(key),
            references=references,
            actor_id=who[0].id,
            membership=who[1],
        )

    for risk_key, references in RISK_TAGS.items():
        who = company if risk_key in TAGGED_BY_COMPANY else (facilitator, membership)
        tag(tagging.RISK, risks[risk_key].id, references, who)
    for title, references in ACTION_TAGS.items():
        tag(tagging.ACTION, actions[title].id, references)
    for name, references in INDICATOR_TAGS.items():
        tag(tagging.INDICATOR, indicators[name].id, references)
    by_title = {
        title.get("es"): key for key, title in goals(session, partnership_id=partnership.id).items()
    }
    for title, references in GOAL_TAGS.items():
        tag(tagging.GOAL, by_title[title], references)
