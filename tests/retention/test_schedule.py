"""Changing the schedule: bounds, audited changes, and the refusal of a period shorter than an
open grievance's life (nothing saved); and the forecast of what will go when."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from hsbp.audit import AuditEntry
from hsbp.errors import ServiceError
from hsbp.grievances.codes import shown
from hsbp.grievances.models import GrievanceSettings
from hsbp.retention import forecast, services
from hsbp.retention.models import RetentionSchedule
from hsbp.retention.scope import months_before
from tests.retention.conftest import NOW, days_ago


def save(session, partnership, user, **changes):
    return services.save_schedule(
        session,
        actor=user,
        partnership=partnership,
        values={**services.DEFAULTS, **changes},
        now=NOW,
    )


def saved_rows(session, partnership) -> list[RetentionSchedule]:
    return session.scalars(
        select(RetentionSchedule).where(RetentionSchedule.partnership_id == partnership.id)
    ).all()


def entries(session, partnership) -> list[AuditEntry]:
    return session.scalars(
        select(AuditEntry).where(
            AuditEntry.partnership_id == partnership.id, AuditEntry.action == "retention.settings"
        )
    ).all()


def test_without_a_saved_schedule_the_defaults_apply(session, partnership):
    current = services.schedule_of(session, partnership.id)
    assert {name: getattr(current, name) for name in services.FIELDS} == {
        "sms_body_days": 90,
        "grievance_identity_months": 24,
        "consultation_raw_days": 180,
        "dropped_evidence_days": 365,
        "audit_detail_years": 5,
    }
    assert saved_rows(session, partnership) == []


def test_a_change_is_saved_and_audited_before_and_after(session, partnership, facilitator):
    save(session, partnership, facilitator, sms_body_days=60, audit_detail_years=10)

    (row,) = saved_rows(session, partnership)
    assert (row.sms_body_days, row.audit_detail_years, row.updated_by_id) == (
        60,
        10,
        facilitator.id,
    )
    (entry,) = entries(session, partnership)
    assert (entry.actor_id, entry.object_type, entry.object_id) == (
        facilitator.id,
        "RetentionSchedule",
        row.id,
    )
    assert entry.details == {"sms_body_days": [90, 60], "audit_detail_years": [5, 10]}


def test_saving_the_same_values_writes_no_entry(session, partnership, facilitator):
    save(session, partnership, facilitator)
    assert entries(session, partnership) == []


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("sms_body_days", 6, "Choose from 7 to 3650 days."),
        ("sms_body_days", 3651, "Choose from 7 to 3650 days."),
        ("grievance_identity_months", 0, "Choose from 1 to 120 months."),
        ("grievance_identity_months", 121, "Choose from 1 to 120 months."),
        ("consultation_raw_days", "siete", "Choose from 7 to 3650 days."),
        ("dropped_evidence_days", 29, "Choose from 30 to 3650 days."),
        ("audit_detail_years", 31, "Choose from 1 to 30 years."),
        ("audit_detail_years", None, "Choose from 1 to 30 years."),
    ],
)
def test_a_value_out_of_bounds_is_refused(session, partnership, facilitator, field, value, message):
    with pytest.raises(ServiceError) as refused:
        save(session, partnership, facilitator, **{field: value})
    assert (str(refused.value.message), refused.value.field) == (message, field)
    assert saved_rows(session, partnership) == []


def test_sms_bodies_cannot_go_before_the_grievance_deadlines(
    session, partnership, facilitator, rows
):
    session.add(
        GrievanceSettings(partnership_id=partnership.id, acknowledge_days=10, respond_days=40)
    )
    session.flush()

    with pytest.raises(ServiceError) as refused:
        save(session, partnership, facilitator, sms_body_days=45, consultation_raw_days=30)

    assert str(refused.value.message) == (
        "SMS bodies cannot be removed sooner than the grievance deadlines: 50 days to "
        "acknowledge a grievance and respond to it."
    )
    assert refused.value.field == "sms_body_days"
    assert saved_rows(session, partnership) == [] and entries(session, partnership) == []


def test_sms_bodies_cannot_go_before_the_oldest_open_grievance(
    session, partnership, facilitator, rows
):
    save(session, partnership, facilitator, sms_body_days=120)
    rows.grievance(stage="closed", closed_at=days_ago(10), received_at=days_ago(300))
    oldest = rows.grievance(stage="assessing", received_at=days_ago(45.5))
    rows.grievance(stage="received", received_at=days_ago(3))

    with pytest.raises(ServiceError) as refused:
        save(session, partnership, facilitator, sms_body_days=40, dropped_evidence_days=60)

    assert str(refused.value.message) == (
        f"Grievance {shown(oldest.code)} has been open for 45 days; SMS bodies cannot be "
        "removed sooner than that."
    )
    # Nothing of the refused change is saved, the other field included.
    (row,) = saved_rows(session, partnership)
    session.refresh(row)
    assert (row.sms_body_days, row.dropped_evidence_days) == (120, 365)
    assert len(entries(session, partnership)) == 1
    # As long as the grievance's age, it is taken.
    save(session, partnership, facilitator, sms_body_days=45)
    assert row.sms_body_days == 45


def test_audit_details_cannot_go_before_the_oldest_open_grievance(
    session, partnership, facilitator, rows
):
    save(session, partnership, facilitator, audit_detail_years=3)
    case = rows.grievance(stage="appealed", received_at=days_ago(800))

    with pytest.raises(ServiceError) as refused:
        save(session, partnership, facilitator, audit_detail_years=2)

    assert str(refused.value.message) == (
        f"Grievance {shown(case.code)} has been open for 800 days; personal details cannot "
        "be removed from the audit log sooner than that."
    )
    assert refused.value.field == "audit_detail_years"


def test_a_period_made_longer_is_taken_whatever_is_open(session, partnership, facilitator, rows):
    save(session, partnership, facilitator, sms_body_days=60)
    rows.grievance(stage="assessing", received_at=days_ago(200))

    save(session, partnership, facilitator, sms_body_days=70, grievance_identity_months=1)

    (row,) = saved_rows(session, partnership)
    assert (row.sms_body_days, row.grievance_identity_months) == (70, 1)


# The forecast ------------------------------------------------------------------------------------


def test_the_next_run_is_the_next_half_past_two_utc():
    assert forecast.next_run_at(datetime(2027, 3, 1, 1, 0, tzinfo=UTC)) == datetime(
        2027, 3, 1, 2, 30, tzinfo=UTC
    )
    assert forecast.next_run_at(datetime(2027, 3, 1, 2, 30, tzinfo=UTC)) == datetime(
        2027, 3, 2, 2, 30, tzinfo=UTC
    )


def test_the_forecast_counts_what_goes_at_the_next_run_and_within_30_days(
    session, partnership, rows
):
    # NOW is 12:00; the next run is tomorrow at 02:30, 14.5 hours later.
    rows.inbound(received_at=days_ago(95))  # due already
    rows.outbound(created_at=days_ago(89.5))  # due by tomorrow night
    rows.inbound(received_at=days_ago(70))  # due in 20 days
    rows.inbound(received_at=days_ago(50))  # not within 30 days
    rows.grievance(closed_at=months_before(NOW, 24) + (NOW - days_ago(10)))
    rows.grievance(stage="assessing", received_at=days_ago(2000))  # open: never counted
    rows.answer(closes_at=days_ago(170))
    rows.entry(created_at=months_before(NOW, 60) - timedelta(days=1), details={"phone": "31"})
    rows.entry(created_at=months_before(NOW, 60) - timedelta(days=1), details={"stage": "x"})
    schedule = services.schedule_of(session, partnership.id)

    coming = forecast.forecast(session, schedule=schedule, now=NOW)

    assert coming.next_run_at == datetime(2027, 3, 2, 2, 30, tzinfo=UTC)
    assert coming.at_next_run == {
        "sms_bodies": 2,
        "grievance_identities": 0,
        "consultation_raw": 0,
        "dropped_evidence": 0,
        "audit_details": 1,
    }
    assert coming.within_window == {
        "sms_bodies": 3,
        "grievance_identities": 1,
        "consultation_raw": 1,
        "dropped_evidence": 0,
        "audit_details": 1,
    }
    # Counting removes nothing: a run now removes what is due now.
    due = services.due_now(session, partnership_id=partnership.id, now=NOW)
    assert due == {
        "sms_bodies": 1,
        "grievance_identities": 0,
        "consultation_raw": 0,
        "dropped_evidence": 0,
        "audit_details": 1,
    }
    assert services.run_partnership(session, partnership_id=partnership.id, now=NOW).removed == due
