"""Whether remedy is under way for a risk and what the affected people said: from the linked
remediation actions, grievances (counts and pooled ratings only), validated outcome items,
community checks of done actions and incidents; and the risk page's warning for a harm that
happened with no remedy under way."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from hsbp.community.models import Check, CheckAnswer
from hsbp.db import utcnow
from hsbp.risks import links, remedy
from hsbp.sms import contacts
from tests.risks.test_targets_resolve import (
    add_action,
    add_grievance,
    add_incident,
    add_outcome,
    add_risk,
)


def link(session, risk, kind, target_id, key="", role=""):
    return links.add_link(
        session, risk=risk, kind=kind, target_id=target_id, key=key, role=role, actor_id=None
    )


def remedy_of(session, risk) -> remedy.Remedy:
    return remedy.remedy_of(session, risk=risk)


@pytest.fixture
def actual(session, partnership):
    return add_risk(session, partnership, number=1, kind="actual")


def test_an_actual_harm_without_remediation_has_no_remedy_under_way(
    session, partnership, actual, company
):
    mitigation = add_action(session, partnership, company, status="in_progress")
    link(session, actual, "action", mitigation.id, role="mitigation")
    found = remedy_of(session, actual)
    assert (found.state, found.warn, found.actions) == ("none", True, [])
    assert str(found.state_label) == "No remedy under way"


def test_a_potential_harm_without_remediation_is_no_warning(session, partnership):
    potential = add_risk(session, partnership, number=2, kind="potential")
    found = remedy_of(session, potential)
    assert (found.state, found.warn) == ("none", False)


def test_a_closed_actual_harm_is_no_warning(session, partnership):
    closed = add_risk(session, partnership, number=2, kind="actual", status="closed")
    assert remedy_of(session, closed).warn is False


@pytest.mark.parametrize(
    ("statuses", "state", "progress"),
    [
        (["in_progress"], "under_way", 40),
        (["planned", "blocked"], "planned", 20),
        (["done", "planned"], "under_way", 60),
        (["done", "done", "dropped"], "done", 100),
        (["dropped"], "none", 0),
    ],
)
def test_the_state_follows_the_remediation_actions(
    session, partnership, actual, company, statuses, state, progress
):
    for n, status in enumerate(statuses):
        action = add_action(
            session, partnership, company, title=f"Reparación {n}", status=status, progress=20
        )
        if status == "in_progress":
            action.progress = 40
        link(session, actual, "action", action.id, role="remediation")
    session.flush()
    found = remedy_of(session, actual)
    assert (found.state, found.progress) == (state, progress)
    assert found.warn is (state == "none")
    assert [row.described.status for row in found.actions] == statuses


def test_grievances_count_and_pool_their_ratings(session, partnership, actual, company):
    for rating in (5, 4, 2):
        grievance = add_grievance(session, partnership, company, stage="closed", rating=rating)
        link(session, actual, "grievance", grievance.id)
    link(session, actual, "grievance", add_grievance(session, partnership, company).id)
    found = remedy_of(session, actual)
    assert (found.grievances, found.grievances_closed, found.ratings) == (4, 3, 3)
    assert (found.few_ratings, found.mean_rating) == (True, None)
    for rating in (3, 4):
        grievance = add_grievance(session, partnership, company, stage="closed", rating=rating)
        link(session, actual, "grievance", grievance.id)
    found = remedy_of(session, actual)
    assert (found.ratings, found.few_ratings, found.mean_rating) == (5, False, Decimal("3.6"))


def test_what_people_said_holds_outcome_items_checks_and_incidents(
    session, partnership, actual, company
):
    outcome = add_outcome(session, partnership)
    link(session, actual, "outcome_item", outcome.id, key="r1")
    done = add_action(session, partnership, company, title="Acueducto", status="done")
    link(session, actual, "action", done.id, role="mitigation")
    check = Check(
        partnership_id=partnership.id,
        action_id=done.id,
        status="closed",
        closes_at=utcnow() - timedelta(days=1),
    )
    session.add(check)
    session.flush()
    for n, answer in enumerate(("yes", "yes", "yes", "no", "unknown")):
        contact = contacts.get_or_create_contact(session, f"+5731045678{n:02d}")
        session.add(
            CheckAnswer(
                partnership_id=partnership.id,
                check_id=check.id,
                contact_id=contact.id,
                answer=answer,
            )
        )
    incident = add_incident(session, partnership, number=1)
    link(session, actual, "incident", incident.id)
    add_incident(session, partnership, number=2, risk_id=actual.id)
    session.flush()
    found = remedy_of(session, actual)
    assert [(s.text, s.source) for s in found.said] == [
        ("Conflicto por el río", "Consulta del río")
    ]
    assert [(s.text, s.source) for s in found.checks] == [
        ("Community check: 3 yes, 1 no, 1 don't know.", "Acueducto (en)")
    ]
    assert found.incidents == 2


def test_the_risk_page_warns_when_no_remedy_is_under_way(
    session, client, login, facilitator, partnership, actual, company
):
    login(facilitator)
    html = client.get(f"/p/{partnership.id}/risks/{actual.id}").get_data(as_text=True)
    assert "No remedy under way: this harm has happened" in html
    action = add_action(session, partnership, company, status="in_progress", progress=30)
    link(session, actual, "action", action.id, role="remediation")
    html = client.get(f"/p/{partnership.id}/risks/{actual.id}").get_data(as_text=True)
    assert "No remedy under way" not in html
    assert "Remedy under way" in html
    assert "30% done on average" in html


def test_the_risk_page_shows_ratings_pooled(
    session, client, login, facilitator, partnership, actual, company
):
    for rating in (5, 1):
        grievance = add_grievance(session, partnership, company, stage="closed", rating=rating)
        link(session, actual, "grievance", grievance.id)
    login(facilitator)
    html = client.get(f"/p/{partnership.id}/risks/{actual.id}").get_data(as_text=True)
    assert "fewer than 5 ratings, so no average is shown" in html
    assert "2 linked grievances, 2 closed." in html
    assert "out of 5 on average" not in html
