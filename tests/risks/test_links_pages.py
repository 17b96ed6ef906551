"""Linking a risk through its page: the forms, what a refusal shows (nothing saved), who may
link and unlink (an observer is refused, another partnership's ids are 404), the sources and
answers on the risk's page (a grievance named only to those who may see it), and the shared
record's sentences."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from hsbp.audit import AuditEntry
from hsbp.grievances import codes
from hsbp.risks import links
from hsbp.risks.models import RiskConnection, RiskLink
from hsbp.security import Role
from tests.risks.test_targets_resolve import (
    add_action,
    add_grievance,
    add_incident,
    add_indicator,
    add_outcome,
    add_pulse,
    add_risk,
    adopt_charter,
)


@pytest.fixture
def risk(session, partnership):
    return add_risk(session, partnership, number=3, kind="actual")


def links_url(risk) -> str:
    return f"/p/{risk.partnership_id}/risks/{risk.id}/links"


def link_count(session) -> int:
    return session.scalar(select(func.count(RiskLink.id)))


def audit_count(session) -> int:
    return session.scalar(
        select(func.count(AuditEntry.id)).where(AuditEntry.action.like("risk.%link%"))
    )


def post_link(client, risk, kind, ref, **extra):
    data = {"kind": kind, f"link-{kind}-ref": ref}
    data.update({f"link-{kind}-{name}": value for name, value in extra.items()})
    return client.post(links_url(risk), data=data)


def risk_page(client, risk) -> str:
    response = client.get(f"/p/{risk.partnership_id}/risks/{risk.id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def connect(session, risk, partner):
    session.add(
        RiskConnection(
            partnership_id=risk.partnership_id,
            risk_id=risk.id,
            partner_id=partner.id,
            connection="contributes",
            reasoning="Nuestros camiones cruzan el río.",
        )
    )
    session.flush()
    session.expire(risk, ["connections"])


# Adding ----------------------------------------------------------------------------------------


def test_a_facilitator_links_a_mitigation_action(
    session, client, login, facilitator, partnership, risk, company
):
    action = add_action(session, partnership, company)
    login(facilitator)
    response = post_link(client, risk, "action", str(action.id), role="mitigation")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/risks/{risk.id}#links")
    link = session.scalar(select(RiskLink))
    assert (link.kind, link.target_id, link.key, link.role, link.risk_id) == (
        "action",
        action.id,
        "",
        "mitigation",
        risk.id,
    )
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action.like("risk.%link%")))
    assert entry.action == "risk.link_mitigation"
    assert entry.details == {
        "kind": "action",
        "target_id": action.id,
        "key": "",
        "role": "mitigation",
        "action_id": action.id,
    }
    html = risk_page(client, risk)
    assert "Mitigation actions" in html
    assert f'href="/p/{partnership.id}/actions/{action.id}"' in html
    assert "Tanques de agua" in html


def test_linking_again_keeps_one_link(session, client, login, facilitator, partnership, risk):
    indicator = add_indicator(session, partnership)
    login(facilitator)
    for _ in range(2):
        assert post_link(client, risk, "indicator", str(indicator.id)).status_code == 302
    assert link_count(session) == 1
    assert audit_count(session) == 1


def test_an_action_linked_for_mitigation_is_not_silently_made_remediation(
    session, client, login, facilitator, partnership, risk, company
):
    action = add_action(session, partnership, company)
    login(facilitator)
    post_link(client, risk, "action", str(action.id), role="mitigation")
    response = post_link(client, risk, "action", str(action.id), role="remediation")
    assert response.status_code == 422
    assert "This action is already linked to the risk as mitigation." in response.get_data(
        as_text=True
    )
    assert session.scalar(select(RiskLink.role)) == "mitigation"


def test_an_action_without_a_role_is_refused_and_nothing_saved(
    session, client, login, facilitator, partnership, risk, company
):
    action = add_action(session, partnership, company)
    login(facilitator)
    response = post_link(client, risk, "action", str(action.id))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Choose mitigation or remediation." in html
    # The page keeps what was picked, and offers every form again.
    assert f'<option selected value="{action.id}">' in html
    assert 'id="link-form-grievance"' in html
    assert link_count(session) == 0
    assert audit_count(session) == 0


def test_a_wrong_grievance_code_is_refused_beside_the_field(
    session, client, login, facilitator, risk
):
    login(facilitator)
    response = post_link(client, risk, "grievance", "1234 5678")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert (
        "A grievance code has eight digits, as on the complainant&#39;s receipt: 4827 1936."
    ) in html
    assert 'value="1234 5678"' in html
    assert link_count(session) == 0


def test_an_action_of_another_partnership_is_refused_like_a_missing_one(
    session, make, client, login, facilitator, other, risk
):
    elsewhere = add_action(session, other, make.partner(other))
    login(facilitator)
    response = post_link(client, risk, "action", str(elsewhere.id), role="remediation")
    assert response.status_code == 422
    assert "There is no such action in this partnership." in response.get_data(as_text=True)
    assert link_count(session) == 0


def test_an_unknown_kind_is_a_bad_request(client, login, facilitator, risk):
    login(facilitator)
    assert client.post(links_url(risk), data={"kind": "risk"}).status_code == 400


def test_every_kind_links_through_its_form(
    session, make, client, login, facilitator, partnership, risk, company
):
    grievance = add_grievance(session, partnership, company)
    incident = add_incident(session, partnership, number=4)
    outcome = add_outcome(session, partnership)
    pulse_round = add_pulse(session, make, partnership, facilitator)
    action = add_action(session, partnership, company)
    indicator = add_indicator(session, partnership)
    login(facilitator)
    for kind, ref, extra in (
        ("grievance", codes.shown(grievance.code), {}),
        ("incident", "I-4", {}),
        ("outcome_item", f"{outcome.id}:n1", {}),
        ("pulse_gap", f"{pulse_round.id}:mutual_trust", {}),
        ("action", str(action.id), {"role": "remediation"}),
        ("indicator", str(indicator.id), {}),
    ):
        assert post_link(client, risk, kind, ref, **extra).status_code == 302, kind
    found = set(session.execute(select(RiskLink.kind, RiskLink.target_id, RiskLink.key)).all())
    assert found == {
        ("grievance", grievance.id, ""),
        ("incident", incident.id, ""),
        ("outcome_item", outcome.id, "n1"),
        ("pulse_gap", pulse_round.id, "mutual_trust"),
        ("action", action.id, ""),
        ("indicator", indicator.id, ""),
    }
    html = risk_page(client, risk)
    assert codes.shown(grievance.code) in html
    assert "I-4" in html
    assert "Agua limpia para la vereda" in html
    assert "Trust between partners, pulse round “Pulse 1”" in html
    assert "Remediation actions" in html
    assert "Acceso al agua" in html
    # The complaint's words and its complainant stay on the grievance's page.
    assert "Texto confidencial" not in html
    assert "Nombre secreto" not in html


def test_the_forms_offer_the_partnerships_own_rows_only(
    session, make, client, login, facilitator, partnership, other, risk, company
):
    add_action(session, partnership, company, title="Pozo comunitario")
    add_action(session, other, make.partner(other), title="Acción ajena")
    add_outcome(session, partnership)
    add_outcome(session, partnership, validated=False, title="Consulta abierta")
    login(facilitator)
    response = client.get(links_url(risk))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Pozo comunitario (en) (Planned)" in html
    assert "Acción ajena" not in html
    assert "Consulta del río: Agua limpia para la vereda" in html
    assert "Consulta abierta" not in html
    assert "No gap between constituencies in the latest pulse rounds." in html
    assert "No indicator yet." in html


# Who may link ---------------------------------------------------------------------------------


def test_an_observer_is_refused(session, client, login, observer, partnership, risk, company):
    adopt_charter(session, partnership, risk_rule="all_members")
    action = add_action(session, partnership, company)
    login(observer)
    assert risk_page(client, risk)  # they read the risk...
    response = post_link(client, risk, "action", str(action.id), role="mitigation")
    assert response.status_code == 403  # ...but do not change it
    assert client.get(links_url(risk)).status_code == 403
    assert link_count(session) == 0


def test_a_representative_not_connected_to_the_risk_cannot_reach_it(
    session, client, login, municipality_rep, partnership, risk, company
):
    action = add_action(session, partnership, company)
    login(municipality_rep)
    response = post_link(client, risk, "action", str(action.id), role="mitigation")
    assert response.status_code == 404  # under the default rule they do not read it
    assert link_count(session) == 0


def test_a_connected_representative_links(
    session, client, login, company_rep, partnership, risk, company
):
    connect(session, risk, company)
    action = add_action(session, partnership, company)
    login(company_rep)
    response = post_link(client, risk, "action", str(action.id), role="mitigation")
    assert response.status_code == 302
    assert link_count(session) == 1


def test_another_partnerships_risk_is_404(
    session, client, login, facilitator, outsider, other, risk, partnership, company
):
    action = add_action(session, partnership, company)
    login(outsider)
    assert post_link(client, risk, "action", str(action.id), role="mitigation").status_code == 404
    foreign = add_risk(session, other, number=1)
    login(facilitator)
    url = f"/p/{partnership.id}/risks/{foreign.id}/links"
    assert client.post(url, data={"kind": "indicator"}).status_code == 404
    assert client.get(url).status_code == 404
    assert link_count(session) == 0


# Removing --------------------------------------------------------------------------------------


def test_a_facilitator_removes_a_link(
    session, client, login, facilitator, partnership, risk, company
):
    action = add_action(session, partnership, company)
    link = links.add_link(
        session, risk=risk, kind="action", target_id=action.id, role="remediation", actor_id=None
    )
    login(facilitator)
    response = client.post(f"{links_url(risk)}/{link.id}/remove")
    assert response.status_code == 302
    assert link_count(session) == 0
    actions = session.scalars(
        select(AuditEntry.action)
        .where(AuditEntry.action.like("risk.%link%"))
        .order_by(AuditEntry.id)
    ).all()
    assert actions == ["risk.link_remediation", "risk.unlink_remediation"]


def test_a_link_of_another_risk_or_partnership_is_404(
    session, make, client, login, facilitator, partnership, other, risk, company
):
    second = add_risk(session, partnership, number=4)
    indicator = add_indicator(session, partnership)
    link = links.add_link(
        session, risk=second, kind="indicator", target_id=indicator.id, actor_id=None
    )
    foreign = add_risk(session, other, number=1)
    foreign_link = links.add_link(
        session, risk=foreign, kind="indicator", target_id=indicator.id, actor_id=None
    )
    login(facilitator)
    assert client.post(f"{links_url(risk)}/{link.id}/remove").status_code == 404
    assert client.post(f"{links_url(risk)}/{foreign_link.id}/remove").status_code == 404
    assert client.post(f"{links_url(risk)}/99999/remove").status_code == 404
    assert link_count(session) == 2


def test_an_observer_removes_nothing(session, client, login, observer, partnership, risk):
    adopt_charter(session, partnership, risk_rule="all_members")
    indicator = add_indicator(session, partnership)
    link = links.add_link(
        session, risk=risk, kind="indicator", target_id=indicator.id, actor_id=None
    )
    login(observer)
    assert client.post(f"{links_url(risk)}/{link.id}/remove").status_code == 403
    assert link_count(session) == 1


def test_a_grievance_link_is_removed_only_by_those_who_see_the_grievance(
    session, client, login, company_rep, facilitator, partnership, risk, company, municipality
):
    connect(session, risk, company)
    grievance = add_grievance(session, partnership, municipality)
    link = links.add_link(
        session, risk=risk, kind="grievance", target_id=grievance.id, actor_id=None
    )
    login(company_rep)
    assert client.post(f"{links_url(risk)}/{link.id}/remove").status_code == 404
    assert link_count(session) == 1
    login(facilitator)
    assert client.post(f"{links_url(risk)}/{link.id}/remove").status_code == 302
    assert link_count(session) == 0


# What the risk's page shows --------------------------------------------------------------------


def test_grievances_are_named_to_those_who_see_them_and_counted_for_others(
    session, client, login, facilitator, company_rep, partnership, risk, company, municipality
):
    connect(session, risk, company)
    own = add_grievance(session, partnership, company, stage="assessing")
    hidden = [add_grievance(session, partnership, municipality) for _ in range(2)]
    for grievance in (own, *hidden):
        links.add_link(session, risk=risk, kind="grievance", target_id=grievance.id, actor_id=None)
    login(company_rep)
    html = risk_page(client, risk)
    assert codes.shown(own.code) in html
    assert "Being assessed" in html
    for grievance in hidden:
        assert codes.shown(grievance.code) not in html
        assert f"/grievances/{grievance.id}" not in html
    assert "2 grievances are linked: grievances are confidential" in html
    login(facilitator)
    html = risk_page(client, risk)
    assert all(codes.shown(g.code) in html for g in (own, *hidden))
    assert "grievances are confidential" not in html


def test_incidents_are_counted_for_those_who_do_not_read_them(
    session, client, login, facilitator, company_rep, partnership, risk, company
):
    connect(session, risk, company)
    linked = add_incident(session, partnership, number=5)
    links.add_link(session, risk=risk, kind="incident", target_id=linked.id, actor_id=None)
    add_incident(session, partnership, number=6, risk_id=risk.id)  # attached by its report
    login(company_rep)
    html = risk_page(client, risk)
    assert "I-5" not in html and "I-6" not in html
    assert "2 incidents are linked: incident reports are confidential" in html
    login(facilitator)
    html = risk_page(client, risk)
    assert "I-5" in html and "I-6" in html
    # Only a link is removed here; the incident's own risk is changed on its page.
    assert html.count("/remove") == 1


def test_editors_see_the_link_forms_and_readers_do_not(
    session, client, login, facilitator, observer, partnership, risk
):
    adopt_charter(session, partnership, risk_rule="all_members")
    login(facilitator)
    html = risk_page(client, risk)
    assert "Link a source or an answer" in html
    assert f'action="{links_url(risk)}"' in html
    login(observer)
    html = risk_page(client, risk)
    assert "Nothing is linked to this risk yet." in html
    assert "Link a source or an answer" not in html


def test_a_link_to_a_row_gone_says_so(session, client, login, facilitator, risk):
    links.add_link(session, risk=risk, kind="indicator", target_id=424242, actor_id=None)
    login(facilitator)
    assert "Indicator #424242, no longer there" in risk_page(client, risk)


# The other direction ---------------------------------------------------------------------------


def test_the_grievance_page_names_the_linked_risks_its_reader_may_read(
    session, client, login, facilitator, company_rep, partnership, risk, company
):
    grievance = add_grievance(session, partnership, company)
    links.add_link(session, risk=risk, kind="grievance", target_id=grievance.id, actor_id=None)
    login(facilitator)
    page = f"/p/{partnership.id}/grievances/{grievance.id}"
    html = client.get(page).get_data(as_text=True)
    assert "Linked risks:" in html
    assert f'href="/p/{partnership.id}/risks/{risk.id}"' in html
    # The company's representative sees the grievance, but not the risk (not connected to it).
    login(company_rep)
    response = client.get(page)
    assert response.status_code == 200
    assert "Linked risks:" not in response.get_data(as_text=True)


def test_the_action_page_names_the_risks_it_answers(
    session, client, login, facilitator, partnership, risk, company
):
    action = add_action(session, partnership, company)
    links.add_link(
        session, risk=risk, kind="action", target_id=action.id, role="remediation", actor_id=None
    )
    login(facilitator)
    html = client.get(f"/p/{partnership.id}/actions/{action.id}").get_data(as_text=True)
    assert "Risks it answers" in html
    assert f'href="/p/{partnership.id}/risks/{risk.id}"' in html
    assert "R-3" in html and "Risk 3" in html and "remediation" in html


def test_the_action_page_says_nothing_of_risks_its_reader_may_not_read(
    session, make, client, login, partnership, risk, company
):
    action = add_action(session, partnership, company)
    links.add_link(
        session, risk=risk, kind="action", target_id=action.id, role="mitigation", actor_id=None
    )
    login(make.member(partnership, Role.OBSERVER))
    html = client.get(f"/p/{partnership.id}/actions/{action.id}").get_data(as_text=True)
    assert "Risks it answers" not in html
    assert "R-3" not in html


def test_the_indicator_page_names_the_linked_risks(
    session, client, login, facilitator, partnership, risk
):
    indicator = add_indicator(session, partnership)
    links.add_link(session, risk=risk, kind="indicator", target_id=indicator.id, actor_id=None)
    login(facilitator)
    html = client.get(f"/p/{partnership.id}/monitoring/{indicator.id}").get_data(as_text=True)
    assert "Linked risks:" in html
    assert f'href="/p/{partnership.id}/risks/{risk.id}"' in html


@pytest.mark.parametrize(
    "kind", ["grievance", "incident", "outcome_item", "pulse_gap", "action", "indicator"]
)
@pytest.mark.parametrize(
    "junk", ["99999999999999999999999999999", "²", "2147483648\x00", "1:²", "x" * 500]
)
def test_junk_in_any_link_form_is_refused_not_a_server_error(
    session, client, login, facilitator, risk, kind, junk
):
    login(facilitator)
    response = post_link(client, risk, kind, junk, role=junk)
    assert response.status_code == 422
    assert link_count(session) == 0
