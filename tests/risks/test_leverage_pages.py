"""The connection's page: read by the facilitators and the connected partner's own members
only, whatever the charter's risk rule (404 for anyone else and for ids of another
partnership or risk); its forms save leverage, answers, steps and the disengagement
assessment, and re-render with messages on bad input, writing nothing."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from hsbp import audit_text
from hsbp.audit import AuditEntry
from hsbp.db import utcnow
from hsbp.principles.models import CharterVersion
from hsbp.risks.models import DisengagementAssessment, EscalationStep
from hsbp.security import Role
from tests.risks.test_leverage_services import add_risk, connect


@pytest.fixture
def risk(session, partnership):
    return add_risk(session, partnership)


@pytest.fixture
def row(session, risk, company):
    return connect(session, risk, company)


def page(row) -> str:
    return f"/p/{row.partnership_id}/risks/{row.risk_id}/connections/{row.id}"


def today_there(partnership) -> date:
    return utcnow().astimezone(partnership.zone).date()


def count(session, model) -> int:
    return session.scalar(select(func.count(model.id)))


def test_the_facilitator_reads_the_connection_with_what_it_asks(
    session, client, login, facilitator, row
):
    login(facilitator)
    response = client.get(page(row))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Palma del Caguán S.A." in html
    assert "Contributes to" in html
    assert "Our trucks use the river crossing." in html
    # contributes + potential: prevent, mitigate, use leverage, in that order
    assert html.index("Prevent it") < html.index("Mitigate it") < html.index("Use leverage")
    assert "Collective, through the partnership" in html
    assert "Regulatory" not in html  # a company holds no regulatory leverage
    assert f'action="{page(row)}/leverage"' in html
    assert f"/p/{row.partnership_id}/risks/{row.risk_id}/connections/{row.id}/edit" in html


def test_the_connected_partners_representative_reads_and_edits(client, login, company_rep, row):
    login(company_rep)
    html = client.get(page(row)).get_data(as_text=True)
    assert f'action="{page(row)}/questions"' in html


@pytest.mark.parametrize("who", ["municipality_rep", "observer"])
@pytest.mark.parametrize("rule", ["connected", "all_members"])
def test_no_one_else_reads_a_connection_whatever_the_rule(
    request, session, client, login, partnership, row, who, rule
):
    session.add(
        CharterVersion(
            partnership_id=partnership.id, number=1, status="adopted", content={"risk_rule": rule}
        )
    )
    login(request.getfixturevalue(who))
    assert client.get(page(row)).status_code == 404
    assert (
        client.post(page(row) + "/leverage", data={"leverage-commercial": "high"}).status_code
        == 404
    )
    assert row.leverage == {}


def test_ids_of_another_partnership_or_risk_are_not_found(
    session, client, login, make, partnership, other, facilitator, outsider, row, company
):
    login(outsider)
    assert client.get(f"/p/{other.id}/risks/{row.risk_id}/connections/{row.id}").status_code == 404
    assert client.get(page(row)).status_code == 404
    login(facilitator)
    second = add_risk(session, partnership, 2)
    assert (
        client.get(f"/p/{partnership.id}/risks/{second.id}/connections/{row.id}").status_code == 404
    )
    assert (
        client.get(f"/p/{partnership.id}/risks/{row.risk_id}/connections/2147483647").status_code
        == 404
    )
    assert (
        client.get(f"/p/{partnership.id}/connections/{row.id}")
        .headers["Location"]
        .endswith(page(row))
    )
    assert client.get(f"/p/{partnership.id}/connections/99999").status_code == 404


def test_the_leverage_form_saves_and_redirects(session, client, login, company_rep, row):
    login(company_rep)
    response = client.post(
        page(row) + "/leverage",
        data={
            "leverage-commercial": "high",
            "leverage-business": "",
            "leverage-collective": "medium",
            "leverage-podium": "low",
            "leverage-leverage_note": "The haulage contract is renewed in March.",
        },
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(page(row) + "#leverage")
    session.refresh(row)
    assert row.leverage == {"commercial": "high", "collective": "medium", "podium": "low"}
    html = client.get(page(row)).get_data(as_text=True)
    assert "The haulage contract is renewed in March." in html


def test_junk_in_the_leverage_form_re_renders_with_a_message(
    session, client, login, company_rep, row
):
    login(company_rep)
    response = client.post(page(row) + "/leverage", data={"leverage-commercial": "²"})
    assert response.status_code == 422
    assert "Not a valid choice" in response.get_data(as_text=True)
    assert row.leverage == {}


def test_questions_out_of_order_re_render_with_the_reason(session, client, login, company_rep, row):
    login(company_rep)
    response = client.post(
        page(row) + "/questions",
        data={"questions-involvement": "We contribute.", "questions-can_use": "Yes."},
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "The questions are answered in order: answer question 2 before question 3." in html
    assert row.questions == {}
    response = client.post(
        page(row) + "/questions",
        data={"questions-involvement": "We contribute.", "questions-influence": "As buyer."},
    )
    assert response.status_code == 302
    session.refresh(row)
    assert row.questions == {"involvement": "We contribute.", "influence": "As buyer."}


def test_disengaging_without_an_assessment_is_refused_on_the_page(
    session, client, login, partnership, company_rep, row
):
    login(company_rep)
    entries = count(session, AuditEntry)
    response = client.post(
        page(row) + "/escalation",
        data={"step-step": "disengage", "step-taken_on": today_there(partnership).isoformat()},
    )
    assert response.status_code == 422
    assert "A partner cannot disengage before a responsible-disengagement assessment" in (
        response.get_data(as_text=True)
    )
    assert count(session, EscalationStep) == 0
    assert count(session, AuditEntry) == entries
    assert (row.escalation, row.disengaged_at) == ("", None)


def test_a_step_in_the_future_or_with_a_junk_date_is_refused(
    session, client, login, partnership, facilitator, row
):
    login(facilitator)
    tomorrow = (today_there(partnership) + timedelta(days=1)).isoformat()
    for taken_on, message in (
        (tomorrow, "A step is recorded once it is taken: give a date up to today."),
        ("2026-99-99", "Not a valid date value."),
        ("", "Give the date the step was taken."),
    ):
        response = client.post(
            page(row) + "/escalation", data={"step-step": "engage", "step-taken_on": taken_on}
        )
        assert response.status_code == 422
        assert message in response.get_data(as_text=True)
    assert count(session, EscalationStep) == 0


def test_the_assessment_then_the_disengagement(
    session, client, login, partnership, company_rep, row
):
    login(company_rep)
    response = client.post(page(row) + "/disengagement", data={"assessment-notice": "Told them."})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Say who would be harmed if the relationship ended." in html
    assert "Say how the harm of leaving will be mitigated." in html
    assert count(session, DisengagementAssessment) == 0

    response = client.post(
        page(row) + "/disengagement",
        data={
            "assessment-harmed_by_leaving": "Forty drivers.",
            "assessment-mitigation": "Six months' notice.",
            "assessment-notice": "Written notice to the owner.",
            "assessment-notice_on": "2026-01-10",
        },
    )
    assert response.status_code == 302
    today = today_there(partnership).isoformat()
    response = client.post(
        page(row) + "/escalation",
        data={"step-step": "disengage", "step-taken_on": today, "step-note": "Ended."},
    )
    assert response.status_code == 302
    session.refresh(row)
    assert row.escalation == "disengage"
    assert row.disengaged_at is not None
    html = client.get(page(row)).get_data(as_text=True)
    assert "Forty drivers." in html
    assert "No step can follow." in html
    assert f'action="{page(row)}/escalation"' not in html

    assert client.post(page(row) + "/escalation/remove-last").status_code == 302
    session.refresh(row)
    assert (row.escalation, row.disengaged_at) == ("", None)


def test_the_shared_record_tells_the_work_in_sentences(session, client, login, facilitator, row):
    login(facilitator)
    client.post(page(row) + "/leverage", data={"leverage-podium": "high"})
    entry = session.scalars(
        select(AuditEntry).where(AuditEntry.action == "risk_connection.leverage")
    ).one()
    labels = audit_text.load_labels(
        session,
        partnership_id=row.partnership_id,
        wanted=audit_text.wanted_labels([entry]),
        locale="en",
        fallback="es",
    )
    text = audit_text.sentence(
        entry, labels=labels, partnership_id=row.partnership_id, role=Role.FACILITATOR, locale="en"
    )
    assert str(text) == (
        "<bdi>Fabiola</bdi> changed the podium leverage of "
        f'<a href="/p/{row.partnership_id}/connections/{row.id}">'
        "the connection “<bdi>Palma del Caguán S.A. · R-1</bdi>”</a>."
    )


JUNK = ("99999999999999999999999999999", "²", "2147483648\x00", "")


@pytest.mark.parametrize(
    ("suffix", "fields"),
    [
        ("/leverage", ["commercial", "business", "collective", "podium", "leverage_note"]),
        ("/questions", ["involvement", "influence", "can_use", "how_use", "increase"]),
        ("/escalation", ["step", "taken_on", "note"]),
        ("/disengagement", ["harmed_by_leaving", "mitigation", "notice", "notice_on"]),
        ("/escalation/remove-last", []),
    ],
)
def test_junk_in_every_field_never_answers_500(
    session, client, login, facilitator, row, suffix, fields
):
    login(facilitator)
    prefix = {
        "/leverage": "leverage-",
        "/questions": "questions-",
        "/escalation": "step-",
        "/disengagement": "assessment-",
    }.get(suffix, "")
    for junk in JUNK:
        data = {prefix + name: junk for name in fields}
        assert client.post(page(row) + suffix, data=data).status_code in (302, 422)
    assert session.scalar(select(func.count(EscalationStep.id))) == 0
