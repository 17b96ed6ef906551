"""The template globals of links run a fixed number of queries however many links a risk has
(and the risk's page with them), `labels` one query per kind, and the shared record tells
each link and unlink as a sentence."""

from __future__ import annotations

import pytest
from flask import g
from sqlalchemy import select

from hsbp import audit_text
from hsbp.audit import AuditEntry
from hsbp.monitoring.pulse_models import PulseRound
from hsbp.partnerships.models import Partnership
from hsbp.risks import link_hooks, links, targets
from hsbp.risks.models import RiskLink
from hsbp.security import Role
from tests.risks.test_links_pages import connect
from tests.risks.test_targets_resolve import (
    WHEN,
    add_action,
    add_grievance,
    add_incident,
    add_indicator,
    add_outcome,
    add_risk,
    membership_of,
)


def link(session, risk, kind, target_id, key="", role=""):
    return links.add_link(
        session, risk=risk, kind=kind, target_id=target_id, key=key, role=role, actor_id=None
    )


def add_pulse_round(session, partnership, n):
    row = PulseRound(
        partnership_id=partnership.id, title={"es": f"Pulso {n}"}, closes_at=WHEN, status="closed"
    )
    session.add(row)
    session.flush()
    return row


def link_everything(session, partnership, risk, company, municipality, n):
    """`n` links of each kind: grievances (half the company's, half the municipality's),
    incidents, outcome items, pulse gaps, actions (half for mitigation, half for remedy,
    some done) and indicators."""
    for i in range(n):
        partner = company if i % 2 else municipality
        link(session, risk, "grievance", add_grievance(session, partnership, partner, rating=4).id)
        link(session, risk, "incident", add_incident(session, partnership, number=i + 1).id)
        link(session, risk, "outcome_item", add_outcome(session, partnership).id, key="r1")
        link(session, risk, "pulse_gap", add_pulse_round(session, partnership, i).id, key="equity")
        action = add_action(
            session,
            partnership,
            company,
            title=f"Acción {i}",
            status="planned" if i % 3 else "done",
        )
        link(session, risk, "action", action.id, role="remediation" if i % 2 else "mitigation")
        link(session, risk, "indicator", add_indicator(session, partnership, f"Ind {i}").id)


def counted(session, count_queries, user, partnership, risk):
    """Statements run by the risk's two sections, as `user` reads them."""
    g.partnership = session.get(Partnership, partnership.id)
    g.membership = membership_of(session, user, partnership)
    session.expire_all()
    with count_queries() as counter:
        view = link_hooks.risk_links_view(risk)
        found = link_hooks.risk_remedy(risk)
    return counter["n"], view, found


@pytest.mark.parametrize("who", ["facilitator", "company_rep"])
def test_the_sections_run_as_many_queries_for_6_links_as_for_30(
    request, session, make, count_queries, partnership, company, municipality, who
):
    user = request.getfixturevalue(who)
    few = add_risk(session, partnership, number=1, kind="actual")
    many = add_risk(session, partnership, number=2, kind="actual")
    for risk in (few, many):
        connect(session, risk, company)
    link_everything(session, partnership, few, company, municipality, 1)
    link_everything(session, partnership, many, company, municipality, 5)
    n_few, _view, _remedy = counted(session, count_queries, user, partnership, few)
    n_many, view_many, remedy_many = counted(session, count_queries, user, partnership, many)
    assert n_few == n_many
    assert (
        sum(len(rows) for rows in view_many.sources.values())
        + view_many.hidden_grievances
        + (view_many.hidden_incidents)
        == 20
    )
    assert sum(len(rows) for rows in view_many.answers.values()) == 10
    assert (remedy_many.grievances, remedy_many.ratings, remedy_many.incidents) == (5, 5, 5)
    if who == "company_rep":
        # The municipality's grievances are counted, the company's named; incidents counted.
        assert (view_many.hidden_grievances, view_many.hidden_incidents) == (3, 5)
        assert view_many.can_edit is True


def test_labels_run_one_query_per_kind(session, count_queries, partnership, company, municipality):
    risk = add_risk(session, partnership, number=1)
    link_everything(session, partnership, risk, company, municipality, 4)
    rows = session.scalars(select(RiskLink).where(RiskLink.risk_id == risk.id)).all()
    with count_queries() as counter:
        found = targets.labels(session, partnership_id=partnership.id, links=rows)
    assert counter["n"] == 6
    assert len(found) == 24
    by_kind = {row.kind: found[row.id] for row in rows}
    assert by_kind["outcome_item"] == "Conflicto por el río"
    assert by_kind["incident"] == "I-4"
    assert by_kind["pulse_gap"] == "Equity, pulse round “Pulso 3”"


def test_risks_linked_is_one_query_for_one_risk_or_ten(
    session, count_queries, partnership, facilitator, company
):
    action = add_action(session, partnership, company)
    lone = add_action(session, partnership, company, title="Sola")
    link(session, add_risk(session, partnership, number=1), "action", lone.id, role="mitigation")
    for number in range(2, 12):
        link(
            session,
            add_risk(session, partnership, number=number),
            "action",
            action.id,
            role="mitigation",
        )
    g.membership = membership_of(session, facilitator, partnership)
    for target, expected in ((lone, [1]), (action, list(range(2, 12)))):
        with count_queries() as counter:
            found = link_hooks.risks_linked("action", target.id)
        assert counter["n"] == 1
        assert [risk.number for risk in found] == expected


def test_risks_linked_keeps_to_the_risks_the_reader_may_read(
    session, partnership, company_rep, company, municipality_rep
):
    grievance = add_grievance(session, partnership, company)
    seen = add_risk(session, partnership, number=1)
    connect(session, seen, company)
    unseen = add_risk(session, partnership, number=2)
    for risk in (seen, unseen):
        link(session, risk, "grievance", grievance.id)
    g.membership = membership_of(session, company_rep, partnership)
    assert [r.number for r in link_hooks.risks_linked("grievance", grievance.id)] == [1]
    g.membership = membership_of(session, municipality_rep, partnership)
    assert link_hooks.risks_linked("grievance", grievance.id) == []


def test_the_risk_page_costs_the_same_with_6_or_30_links(
    session, client, login, count_queries, facilitator, partnership, company, municipality
):
    few = add_risk(session, partnership, number=1, kind="actual")
    many = add_risk(session, partnership, number=2, kind="actual")
    link_everything(session, partnership, few, company, municipality, 1)
    link_everything(session, partnership, many, company, municipality, 5)
    login(facilitator)
    counts = []
    for risk in (few, many):
        with count_queries() as counter:
            response = client.get(f"/p/{partnership.id}/risks/{risk.id}")
        assert response.status_code == 200
        counts.append(counter["n"])
    assert counts[0] == counts[1]


# The shared record -----------------------------------------------------------------------------


def sentences(session, partnership) -> list[str]:
    entries = session.scalars(
        select(AuditEntry)
        .where(AuditEntry.partnership_id == partnership.id, AuditEntry.action.like("risk.%link%"))
        .order_by(AuditEntry.id)
    ).all()
    labels = audit_text.load_labels(
        session,
        partnership_id=partnership.id,
        wanted=audit_text.wanted_labels(entries),
        locale="en",
        fallback="es",
    )
    return [
        str(
            audit_text.sentence(
                entry,
                labels=labels,
                partnership_id=partnership.id,
                role=Role.FACILITATOR,
                locale="en",
            )
        )
        for entry in entries
    ]


def test_links_and_unlinks_read_as_sentences(
    session, client, login, facilitator, partnership, company
):
    risk = add_risk(session, partnership, number=7)
    grievance = add_grievance(session, partnership, company)
    incident = add_incident(session, partnership, number=9)
    outcome = add_outcome(session, partnership)
    pulse_round = add_pulse_round(session, partnership, 1)
    action = add_action(session, partnership, company)
    indicator = add_indicator(session, partnership)
    made = [
        link(session, risk, "grievance", grievance.id),
        link(session, risk, "incident", incident.id),
        link(session, risk, "outcome_item", outcome.id, key="n1"),
        link(session, risk, "pulse_gap", pulse_round.id, key="equity"),
        link(session, risk, "action", action.id, role="remediation"),
        link(session, risk, "indicator", indicator.id),
    ]
    links.remove_link(session, link=made[4], actor_id=None)
    links.remove_link(session, link=made[0], actor_id=None)
    pid = partnership.id
    the_risk = f'<a href="/p/{pid}/risks/{risk.id}">the risk <bdi>R-7 Risk 7</bdi></a>'
    assert sentences(session, partnership) == [
        f"<bdi>The system</bdi> linked a grievance to {the_risk}.",
        f"<bdi>The system</bdi> linked the incident <bdi>I-9</bdi> to {the_risk}.",
        "<bdi>The system</bdi> linked an item of the outcome of “<bdi>Consulta del río</bdi>” "
        f"to {the_risk}.",
        "<bdi>The system</bdi> linked a gap between constituencies in the pulse round "
        f"“<bdi>Pulso 1</bdi>” to {the_risk}.",
        "<bdi>The system</bdi> linked the action “<bdi>Tanques de agua (en)</bdi>” to "
        f"{the_risk}, to remedy it.",
        f"<bdi>The system</bdi> linked the indicator “<bdi>Acceso al agua</bdi>” to {the_risk}.",
        "<bdi>The system</bdi> unlinked the remediation action “<bdi>Tanques de agua (en)</bdi>” "
        f"from {the_risk}.",
        f"<bdi>The system</bdi> unlinked a grievance from {the_risk}.",
    ]
    # No grievance code in the record: it names the complaint to every reader of the log.
    entries = session.scalars(
        select(AuditEntry).where(AuditEntry.action == "risk.link_grievance")
    ).all()
    assert grievance.code not in str(entries[0].details)
