"""The escalation ladder: steps in date order, none in the future, skipped or repeated at
will, the highest one taken kept on the connection; and the guard on disengaging: without a
responsible-disengagement assessment it is refused, and nothing is written."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from hsbp.audit import AuditEntry
from hsbp.errors import ServiceError
from hsbp.risks import disengagement, escalation
from hsbp.risks.models import EscalationStep
from tests.risks.test_leverage_services import add_risk, connect

TODAY = date(2026, 6, 15)
NOW = datetime(2026, 6, 15, 15, tzinfo=UTC)


@pytest.fixture
def row(session, partnership, company):
    return connect(session, add_risk(session, partnership), company, "linked")


def take(session, row, step, on, note=""):
    return escalation.take_step(
        session,
        connection=row,
        step=step,
        taken_on=on,
        note=note,
        today=TODAY,
        now=NOW,
        actor_id=None,
    )


def steps(session, row):
    return [(s.step, s.taken_on) for s in escalation.steps_of(session, row)]


def audited(session):
    return [
        (e.action, e.details)
        for e in session.scalars(
            select(AuditEntry)
            .where(AuditEntry.action.like("risk_escalation.%"))
            .order_by(AuditEntry.id)
        )
    ]


def assess(session, row):
    return disengagement.save_assessment(
        session,
        connection=row,
        harmed_by_leaving="Forty drivers of the haulage firm.",
        mitigation="Six months to find other clients; a referral to the regional chamber.",
        notice="Written notice to the haulage firm's owner.",
        notice_on=date(2026, 6, 1),
        actor_id=None,
    )


def test_steps_may_be_skipped_and_the_highest_is_kept(session, row):
    first = take(session, row, "collective", date(2026, 3, 1), " With the palm growers. ")
    take(session, row, "engage", date(2026, 4, 1))
    assert steps(session, row) == [("collective", date(2026, 3, 1)), ("engage", date(2026, 4, 1))]
    assert row.escalation == "collective"
    assert first.note == "With the palm growers."
    assert row.disengaged_at is None
    assert audited(session) == [
        (
            "risk_escalation.collective",
            {"risk_id": row.risk_id, "step_id": first.id, "on": "2026-03-01"},
        ),
        (
            "risk_escalation.engage",
            {"risk_id": row.risk_id, "step_id": first.id + 1, "on": "2026-04-01"},
        ),
    ]


@pytest.mark.parametrize(
    ("step", "on", "message", "field"),
    [
        ("escalate", date(2026, 6, 1), "Choose a step of the ladder.", "step"),
        ("engage", None, "Give the date the step was taken.", "taken_on"),
        (
            "engage",
            date(2026, 6, 16),
            "A step is recorded once it is taken: give a date up to today.",
            "taken_on",
        ),
        (
            "suspend",
            date(2026, 4, 30),
            "Steps are recorded in date order: the last one was taken on May 1, 2026.",
            "taken_on",
        ),
    ],
)
def test_a_bad_step_is_refused(session, row, step, on, message, field):
    take(session, row, "engage", date(2026, 5, 1))
    with pytest.raises(ServiceError) as refused:
        take(session, row, step, on)
    assert (str(refused.value.message), refused.value.field) == (message, field)
    assert steps(session, row) == [("engage", date(2026, 5, 1))]
    assert row.escalation == "engage"
    assert len(audited(session)) == 1


def test_disengaging_without_an_assessment_is_refused_and_nothing_is_written(session, row):
    take(session, row, "suspend", date(2026, 5, 1))
    before_entries = session.scalar(select(func.count(AuditEntry.id)))

    with pytest.raises(ServiceError) as refused:
        take(session, row, "disengage", date(2026, 6, 10))

    assert str(refused.value.message) == (
        "A partner cannot disengage before a responsible-disengagement assessment is "
        "recorded: who would be harmed by leaving, how that is mitigated and what notice "
        "was given."
    )
    assert refused.value.field == "step"
    assert session.scalar(select(func.count(EscalationStep.id))) == 1
    assert session.scalar(select(func.count(AuditEntry.id))) == before_entries
    assert row.escalation == "suspend"
    assert row.disengaged_at is None


def test_disengaging_after_the_assessment_ends_the_ladder(session, row):
    assess(session, row)
    take(session, row, "disengage", date(2026, 6, 10), "Contract ended.")
    assert row.escalation == "disengage"
    assert row.disengaged_at == NOW
    with pytest.raises(ServiceError) as refused:
        take(session, row, "engage", date(2026, 6, 15))
    assert str(refused.value.message) == (
        "This relationship has ended: no step can follow the disengagement."
    )
    assert steps(session, row) == [("disengage", date(2026, 6, 10))]


def test_removing_the_last_step_corrects_the_ladder(session, row):
    assess(session, row)
    take(session, row, "engage", date(2026, 5, 1))
    take(session, row, "disengage", date(2026, 6, 1))

    removed = escalation.remove_last_step(session, connection=row, actor_id=None)

    assert removed.step == "disengage"
    assert steps(session, row) == [("engage", date(2026, 5, 1))]
    assert (row.escalation, row.disengaged_at) == ("engage", None)
    assert audited(session)[-1] == (
        "risk_escalation.remove",
        {"risk_id": row.risk_id, "on": "2026-06-01"},
    )
    escalation.remove_last_step(session, connection=row, actor_id=None)
    assert (steps(session, row), row.escalation) == ([], "")
    assert escalation.remove_last_step(session, connection=row, actor_id=None) is None
