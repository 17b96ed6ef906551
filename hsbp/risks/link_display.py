"""What the pages show of a risk's links, in both directions: on the risk's page its sources
(grievances, incidents, consultation outcome items, pulse gaps) and answers (mitigation and
remediation actions, indicators); on a grievance's, an action's, an indicator's or an
incident's page the risks linked to it that the reader may read. Each in a fixed number of
queries, however many links (the template globals of hsbp.risks.link_hooks)."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import url_for
from flask_babel import format_percent
from sqlalchemy import or_, select
from sqlalchemy.orm import Session
from werkzeug.routing import BuildError

from hsbp.actions.forms import STATUS_LABELS as ACTION_STATUS_LABELS
from hsbp.grievances.forms import STAGE_LABELS
from hsbp.partnerships.models import Membership
from hsbp.risks import incidents, permissions
from hsbp.risks.incident_forms import STATUS_LABELS as INCIDENT_STATUS_LABELS
from hsbp.risks.incident_models import Incident
from hsbp.risks.link_forms import forms_for
from hsbp.risks.link_rows import Described, describe, incident_described
from hsbp.risks.models import LinkKind, Risk, RiskLink
from hsbp.risks.targets import grievance_reader

SOURCES = (LinkKind.GRIEVANCE, LinkKind.INCIDENT, LinkKind.OUTCOME_ITEM, LinkKind.PULSE_GAP)
# Answers by what they do: actions by their role, then indicators.
ANSWERS = ("mitigation", "remediation", LinkKind.INDICATOR)
STATUS_LABELS = {
    LinkKind.GRIEVANCE: STAGE_LABELS,
    LinkKind.ACTION: ACTION_STATUS_LABELS,
    LinkKind.INCIDENT: INCIDENT_STATUS_LABELS,
}


@dataclass(frozen=True)
class Row:
    """One linked row on the risk's page. `link_id` is None for an incident attached to the
    risk by its own report (hsbp.risks.incident_models.Incident.risk_id), not by a link."""

    link_id: int | None
    kind: str
    role: str
    described: Described
    url: str | None

    @property
    def progress_text(self) -> str:
        return format_percent(self.described.progress / 100)

    @property
    def status_label(self) -> str:
        labels = STATUS_LABELS.get(self.kind, {})
        status = self.described.status
        return str(labels.get(status, status)) if status else ""


@dataclass
class LinksView:
    sources: dict[str, list[Row]] = field(default_factory=dict)
    answers: dict[str, list[Row]] = field(default_factory=dict)
    # Linked grievances and incidents the reader may not see: counted, never named.
    hidden_grievances: int = 0
    hidden_incidents: int = 0
    can_edit: bool = False
    forms: list = field(default_factory=list)  # [(kind, form)] for those who may link

    @property
    def empty(self) -> bool:
        return not (self.hidden_grievances or self.hidden_incidents) and not any(
            [*self.sources.values(), *self.answers.values()]
        )


def page_url(partnership_id: int, described: Described) -> str | None:
    """The linked row's own page, or None when it is gone or its page is not built."""
    if described.page is None or not described.exists:
        return None
    endpoint, values = described.page
    try:
        return url_for(endpoint, partnership_id=partnership_id, **values)
    except BuildError:
        return None


def links_of(session: Session, risk: Risk) -> list[RiskLink]:
    return list(
        session.scalars(
            select(RiskLink)
            .where(RiskLink.risk_id == risk.id, RiskLink.partnership_id == risk.partnership_id)
            .order_by(RiskLink.created_at, RiskLink.id)
        )
    )


def incidents_of(session: Session, risk: Risk, links: list[RiskLink]) -> list:
    """The incidents linked to the risk or attached to it by their report, oldest first: one
    query (rows with id, number, status and risk_id)."""
    linked = [link.target_id for link in links if link.kind == LinkKind.INCIDENT]
    return list(
        session.execute(
            select(Incident.id, Incident.number, Incident.status, Incident.risk_id)
            .where(
                Incident.partnership_id == risk.partnership_id,
                or_(Incident.risk_id == risk.id, Incident.id.in_(linked)),
            )
            .order_by(Incident.number)
        )
    )


def links_view(session: Session, *, risk: Risk, membership: Membership) -> LinksView:
    """The risk's sources and answers as `membership` may see them: a grievance by its code
    and stage to those who may see it, as a count to others (an incident likewise), and the
    link forms for those who may change the risk."""
    pid = risk.partnership_id
    links = links_of(session, risk)
    others = [link for link in links if link.kind != LinkKind.INCIDENT]
    described = describe(session, partnership_id=pid, links=others)
    view = LinksView(
        sources={kind: [] for kind in SOURCES},
        answers={key: [] for key in ANSWERS},
        can_edit=permissions.can_edit_risk(membership, risk),
    )
    sees = (
        grievance_reader(session, membership)
        if any(link.kind == LinkKind.GRIEVANCE for link in links)
        else None
    )
    for link in others:
        found = described[link.id]
        if link.kind == LinkKind.GRIEVANCE and not (found.exists and sees(found.partner_id)):
            view.hidden_grievances += 1
            continue
        row = Row(link.id, link.kind, link.role, found, page_url(pid, found))
        if link.kind in SOURCES:
            view.sources[link.kind].append(row)
        else:
            view.answers[link.role if link.kind == LinkKind.ACTION else link.kind].append(row)
    link_ids = {link.target_id: link.id for link in links if link.kind == LinkKind.INCIDENT}
    attached = incidents_of(session, risk, links)
    if attached and not incidents.may_read(session, membership):
        view.hidden_incidents = len(attached)
        attached = []
    for incident in attached:
        found = incident_described(incident)
        view.sources[LinkKind.INCIDENT].append(
            Row(link_ids.get(incident.id), LinkKind.INCIDENT, "", found, page_url(pid, found))
        )
    if view.can_edit:
        view.forms = forms_for(session, partnership_id=pid)
    return view


def risks_linked(
    session: Session, *, membership: Membership | None, kind: str, target_id: int
) -> list[Risk]:
    """The risks linked to row `target_id` of `kind` that `membership` may read, by number:
    one query (and the charter's risk rule, read once, for members other than facilitators).
    An incident's own risk (the one its report attached it to) counts as linked."""
    if membership is None:
        return []
    linked = select(RiskLink.risk_id).where(
        RiskLink.partnership_id == membership.partnership_id,
        RiskLink.kind == kind,
        RiskLink.target_id == target_id,
    )
    wanted = Risk.id.in_(linked)
    if kind == LinkKind.INCIDENT:
        attached = select(Incident.risk_id).where(
            Incident.id == target_id, Incident.partnership_id == membership.partnership_id
        )
        wanted = or_(wanted, Risk.id.in_(attached))
    return list(
        session.scalars(
            select(Risk)
            .where(
                Risk.partnership_id == membership.partnership_id,
                wanted,
                permissions.visible_clause(session, membership),
            )
            .order_by(Risk.number)
        )
    )


def action_section(session: Session, *, action, membership: Membership) -> dict | None:
    """The action page's section (hsbp.actions.extras): the risks it answers that the
    reader may read, each with the role it plays. Two queries at most; nothing when none."""
    rows = session.execute(
        select(Risk, RiskLink.role)
        .join(RiskLink, RiskLink.risk_id == Risk.id)
        .where(
            RiskLink.partnership_id == action.partnership_id,
            Risk.partnership_id == action.partnership_id,
            RiskLink.kind == LinkKind.ACTION,
            RiskLink.target_id == action.id,
            permissions.visible_clause(session, membership),
        )
        .order_by(Risk.number)
    ).all()
    if not rows:
        return None
    return {"risks": [(risk, role) for risk, role in rows]}
