"""The report by framework: under each reference the goals, actions, indicators and risks
tagged with it, grievance figures under a grievance mechanism's references and the grievances
linked to the risks; risks the reader may not read left out; narrowed to one partner; the SDG
targets written on actions counted; a fixed number of queries whatever the size."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from hsbp.partnerships.models import Membership
from hsbp.risks import framework_report
from tests.risks import framework_rows as rows

NOW = datetime(2026, 7, 15, 15, tzinfo=UTC)
FSI, PDI = "\u2068", "\u2069"


def membership_of(session, user, partnership) -> Membership:
    return session.scalar(
        select(Membership).where(
            Membership.user_id == user.id, Membership.partnership_id == partnership.id
        )
    )


@pytest.fixture
def tagged(session, partnership, company, municipality, facilitator):
    """R-1 (the company contributes, the municipality is linked; two grievances linked), R-2
    (the municipality causes it, severity high), an action the company leads, an indicator
    with a value, a charter goal: all under IFC PS4; three grievances, two closed."""
    rows.charter(session, partnership)
    r1 = rows.risk(
        session,
        partnership,
        1,
        connections=[(company, "contributes"), (municipality, "linked")],
    )
    r2 = rows.risk(
        session,
        partnership,
        2,
        title="Desalojo de familias",
        connections=[(municipality, "causes")],
        scale=4,
        scope=3,
        irremediability=3,
        created_by_id=facilitator.id,
    )
    action = rows.action(session, partnership, company)
    indicator = rows.indicator(session, partnership, values=[(date(2026, 6, 30), 180)])
    closed = rows.grievance(session, partnership, "Q-1", stage="closed", days_to_close=10)
    waiting = rows.grievance(session, partnership, "Q-2")
    rows.grievance(session, partnership, "Q-3", stage="closed", days_to_close=4)
    rows.link_grievance(session, r1, closed)
    rows.link_grievance(session, r1, waiting)
    rows.tag(session, partnership, "risk", r1.id, "ifc:PS4", "ungp:13")
    rows.tag(session, partnership, "risk", r2.id, "ifc:PS4")
    rows.tag(session, partnership, "action", action.id, "ifc:PS4", "ungp:22")
    rows.tag(session, partnership, "indicator", indicator.id, "ifc:PS4")
    rows.tag(session, partnership, "goal", rows.WATER, "ifc:PS4")
    return {"r1": r1, "r2": r2, "action": action, "indicator": indicator}


def gather(session, partnership, user, key, **kwargs):
    return framework_report.gather(
        session,
        partnership=partnership,
        membership=membership_of(session, user, partnership),
        key=key,
        locale=kwargs.pop("locale", "en"),
        now=NOW,
        **kwargs,
    )


def test_ifc_lists_under_ps4_the_goal_action_indicator_and_risks(
    session, partnership, facilitator, tagged
):
    report = gather(session, partnership, facilitator, "ifc")
    assert [line.code for line in report.references] == [f"ifc:PS{n}" for n in range(1, 9)]
    # PS1 asks for a grievance mechanism: its figures make it a reference with something.
    assert [line.code for line in report.shown] == ["ifc:PS1", "ifc:PS4"]
    ps4 = report.references[3]
    assert [g.title for g in ps4.goals] == ["Clean water"]
    [action] = ps4.actions
    assert (action.title, action.status_label, action.progress_text, action.due, action.lead) == (
        "Planta de tratamiento (en)",
        "In progress",
        "40%",
        "Sep 30, 2026",
        "Palma del Caguán S.A.",
    )
    [indicator] = ps4.indicators
    assert indicator.name == "Familias con agua potable"
    assert indicator.latest == f"{FSI}180 familias{PDI} (Jun 30, 2026)"
    assert indicator.target == f"{FSI}300 familias{PDI} (Jan 1, 2027)"
    assert (indicator.achieved, indicator.track_label) == ("40%", "At risk")
    assert [(r.label, r.title, r.status_label, r.severity, r.likelihood) for r in ps4.risks] == [
        ("R-2", "Desalojo de familias", "Open", "High", "Likely"),
        ("R-1", "Contaminación del río", "Open", "Medium", "Likely"),
    ]
    assert ps4.risks[1].connections == "Contributes to: 1 · Directly linked to: 1"
    assert ps4.risks[0].connections == "Causes: 1"
    assert [r.grievances for r in ps4.risks] == [0, 2]
    assert ps4.grievances_linked == 2
    figures = report.grievances
    assert (figures.received, figures.open, figures.closed, figures.median_days_to_close) == (
        "3",
        "1",
        "2",
        "7",
    )
    assert report.references[0].shows_grievances and not ps4.shows_grievances
    assert report.heading == (
        f"What the partnership did, by {FSI}IFC Performance Standards on Environmental and "
        f"Social Sustainability{PDI}"
    )
    assert report.summary == (
        "References with something to show: 2 of 8. Tagged: goals 1, actions 1, indicators 1, "
        "risks 2."
    )


def test_ungp_lists_the_risk_under_13_and_the_action_under_22(
    session, partnership, facilitator, tagged
):
    report = gather(session, partnership, facilitator, "ungp")
    assert len(report.references) == 31
    shown = {line.code: line for line in report.shown}
    assert [r.label for r in shown["ungp:13"].risks] == ["R-1"]
    assert shown["ungp:13"].grievances_linked == 2
    assert [a.title for a in shown["ungp:22"].actions] == ["Planta de tratamiento (en)"]
    # UNGP 22 (remediation) and the grievance-mechanism principles carry the figures.
    assert shown["ungp:22"].shows_grievances and shown["ungp:29"].shows_grievances
    assert "ungp:1" not in shown
    everything = gather(session, partnership, facilitator, "ungp", everything=True)
    assert len(everything.shown) == 31


def test_a_risk_the_reader_may_not_read_is_left_out(
    session, partnership, company_rep, observer, tagged
):
    # Under the default rule a company reads the risks it is connected to: R-1, not R-2.
    ps4 = gather(session, partnership, company_rep, "ifc").references[3]
    assert [r.label for r in ps4.risks] == ["R-1"]
    ps4 = gather(session, partnership, observer, "ifc").references[3]
    assert ps4.risks == [] and ps4.grievances_linked == 0
    assert [a.title for a in ps4.actions] == ["Planta de tratamiento (en)"]


def test_narrowed_to_a_partner_it_shows_what_that_partner_leads_or_is_connected_to(
    session, partnership, municipality, facilitator, tagged
):
    report = gather(session, partnership, facilitator, "ifc", partner=municipality)
    ps4 = report.references[3]
    assert [r.label for r in ps4.risks] == ["R-2", "R-1"]
    assert ps4.actions == [] and ps4.indicators == []
    assert [g.title for g in ps4.goals] == ["Clean water"]  # the partnership's, shared
    assert report.heading == (
        f"What {FSI}Alcaldía de Cartagena del Chairá{PDI} did, by "
        f"{FSI}IFC Performance Standards on Environmental and Social Sustainability{PDI}"
    )


def test_sdg_targets_written_on_actions_count_as_tags(session, partnership, company, facilitator):
    first = rows.action(session, partnership, company, title="Acueducto", sdg_targets=["6.1"])
    second = rows.action(session, partnership, company, title="Letrinas", due_on=date(2026, 8, 1))
    rows.tag(session, partnership, "action", second.id, "sdg:6.1", "sdg:6.2")
    rows.tag(session, partnership, "action", first.id, "sdg:6.1")  # both ways: listed once
    report = gather(session, partnership, facilitator, "sdg")
    shown = {line.code: line for line in report.shown}
    assert list(shown) == ["sdg:6.1", "sdg:6.2"]
    assert [(a.title, a.by_sdg_target) for a in shown["sdg:6.1"].actions] == [
        ("Letrinas (en)", False),
        ("Acueducto (en)", False),
    ]
    rows.action(session, partnership, company, title="Pozos", sdg_targets=["6.1", "6.b"])
    shown = {line.code: line for line in gather(session, partnership, facilitator, "sdg").shown}
    assert [(a.title, a.by_sdg_target) for a in shown["sdg:6.1"].actions][-1] == (
        "Pozos (en)",
        True,
    )
    assert [a.title for a in shown["sdg:6.b"].actions] == ["Pozos (en)"]


def test_frameworks_with_tags_in_official_order(session, partnership, facilitator, tagged):
    assert framework_report.framework_keys_with_tags(session, partnership_id=partnership.id) == [
        "ungp",
        "ifc",
    ]


def test_an_unknown_framework_is_a_key_error(session, partnership, facilitator):
    with pytest.raises(KeyError):
        gather(session, partnership, facilitator, "iso9001")


def test_sdg_targets_on_actions_make_the_sdgs_a_framework_with_tags(session, partnership, company):
    rows.action(session, partnership, company, sdg_targets=[])
    assert framework_report.framework_keys_with_tags(session, partnership_id=partnership.id) == []
    rows.action(session, partnership, company, sdg_targets=["6.1"])
    assert framework_report.framework_keys_with_tags(session, partnership_id=partnership.id) == [
        "sdg"
    ]
