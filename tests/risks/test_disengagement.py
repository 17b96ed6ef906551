"""The responsible-disengagement assessment: who would be harmed by leaving, mitigation and
notice all required (the notice date optional), one per connection, amended in place."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from hsbp.audit import AuditEntry
from hsbp.errors import ServiceError
from hsbp.risks import disengagement
from hsbp.risks.models import DisengagementAssessment
from tests.risks.test_leverage_services import add_risk, connect

TEXTS = {
    "harmed_by_leaving": "Forty drivers of the haulage firm.",
    "mitigation": "Six months to find other clients.",
    "notice": "Written notice to the owner.",
}


@pytest.fixture
def row(session, partnership, company):
    return connect(session, add_risk(session, partnership), company, "linked")


def save(session, row, actor_id=None, notice_on=None, **texts):
    return disengagement.save_assessment(
        session, connection=row, notice_on=notice_on, actor_id=actor_id, **{**TEXTS, **texts}
    )


def test_an_assessment_is_recorded_then_amended(session, row, company_rep):
    first = save(session, row, company_rep.id, notice_on=date(2026, 6, 1))
    assert disengagement.assessment_of(session, row) is first
    assert (first.harmed_by_leaving, first.notice_on, first.created_by_id) == (
        "Forty drivers of the haulage firm.",
        date(2026, 6, 1),
        company_rep.id,
    )
    again = save(session, row, company_rep.id, mitigation="  Twelve months.  ")
    assert again.id == first.id
    assert (again.mitigation, again.notice_on) == ("Twelve months.", None)
    assert session.scalar(select(func.count(DisengagementAssessment.id))) == 1
    assert [
        (e.action, e.object_type, e.object_id, e.details)
        for e in session.scalars(select(AuditEntry).order_by(AuditEntry.id))
        if e.action.startswith("risk_disengagement.")
    ] == [
        (
            "risk_disengagement.record",
            "RiskConnection",
            row.id,
            {"risk_id": row.risk_id, "assessment_id": first.id},
        ),
        (
            "risk_disengagement.amend",
            "RiskConnection",
            row.id,
            {"risk_id": row.risk_id, "assessment_id": first.id},
        ),
    ]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("harmed_by_leaving", "  ", "Say who would be harmed if the relationship ended."),
        ("mitigation", "", "Say how the harm of leaving will be mitigated."),
        ("notice", "", "Say what notice was given, to whom."),
        ("notice", "x" * 4001, "Write at most 4000 characters."),
    ],
)
def test_a_missing_part_is_refused_and_nothing_is_written(session, row, field, value, message):
    with pytest.raises(ServiceError) as refused:
        save(session, row, **{field: value})
    assert (str(refused.value.message), refused.value.field) == (message, field)
    assert disengagement.assessment_of(session, row) is None
    assert session.scalar(select(func.count(DisengagementAssessment.id))) == 0


def test_an_assessment_belongs_to_its_connection_only(session, partnership, row, municipality):
    other = connect(session, add_risk(session, partnership, 2), municipality)
    save(session, row)
    assert disengagement.assessment_of(session, other) is None
