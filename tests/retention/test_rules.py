"""Each retention rule removes exactly what it should: nothing newer than its cutoff, nothing
of another partnership, nothing of an open grievance; what it keeps stays as it was."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DatabaseError

from hsbp.audit import AuditEntry
from hsbp.consultations.models import AnswerChoice
from hsbp.grievances.models import GrievanceEvent
from hsbp.retention import services
from hsbp.retention.scope import months_before
from tests.retention.conftest import NOW, days_ago


def run(session, partnership, **options):
    ran = services.run_partnership(session, partnership_id=partnership.id, now=NOW, **options)
    session.expire_all()
    return ran


def stored(session, table: str, column: str, row_id: int):
    """A column as the database holds it, beneath the encryption."""
    return session.execute(
        text(f"SELECT {column} FROM {table} WHERE id = :id"),
        {"id": row_id},
    ).scalar()


# 1. SMS bodies ---------------------------------------------------------------------------------


def test_routed_inbound_bodies_past_the_period_are_blanked(session, partnership, rows):
    old = rows.inbound(received_at=days_ago(91))
    handled = rows.inbound(
        received_at=days_ago(200), route="inbox", in_inbox=True, handled_at=days_ago(150)
    )
    recent = rows.inbound(received_at=days_ago(89))
    unrouted = rows.inbound(received_at=days_ago(300), route="")
    waiting = rows.inbound(received_at=days_ago(300), route="inbox", in_inbox=True)

    ran = run(session, partnership)

    assert ran.removed["sms_bodies"] == 2
    for message in (old, handled):
        assert (message.body, message.body_removed_at) == ("", NOW)
        assert stored(session, "sms_inbound", "body", message.id) == ""
    for message in (recent, unrouted, waiting):
        assert message.body.startswith("mensaje ")
        assert message.body_removed_at is None


def test_outbound_bodies_in_a_final_status_are_blanked(session, partnership, rows):
    settled = {
        status: rows.outbound(created_at=days_ago(120), status=status)
        for status in ("sent", "delivered", "failed", "undelivered", "cancelled")
    }
    queued = rows.outbound(created_at=days_ago(120), status="queued")
    recent = rows.outbound(created_at=days_ago(30))
    changed_at = settled["delivered"].updated_at

    ran = run(session, partnership)

    assert ran.removed["sms_bodies"] == 5
    for message in settled.values():
        assert (message.body, message.body_removed_at) == ("", NOW)
        assert stored(session, "sms_outbound", "body", message.id) == ""
    assert settled["delivered"].updated_at == changed_at
    assert queued.body.startswith("respuesta ") and recent.body.startswith("respuesta ")


def test_no_message_of_a_contact_with_an_open_grievance_is_blanked(session, partnership, rows):
    complainant, settled = rows.contact(), rows.contact()
    rows.grievance(stage="assessing", contact_id=complainant.id, received_at=days_ago(400))
    rows.grievance(stage="closed", contact_id=settled.id, closed_at=days_ago(300))
    kept_in = rows.inbound(received_at=days_ago(365), contact=complainant, route="grievance_report")
    kept_out = rows.outbound(created_at=days_ago(365), contact=complainant)
    gone_in = rows.inbound(received_at=days_ago(365), contact=settled, route="grievance_report")
    gone_out = rows.outbound(created_at=days_ago(365), contact=settled)

    run(session, partnership)

    assert kept_in.body_removed_at is None and kept_out.body_removed_at is None
    assert kept_in.body.startswith("mensaje ") and kept_out.body.startswith("respuesta ")
    assert gone_in.body == "" and gone_out.body == ""


def test_messages_of_another_partnership_are_left(session, partnership, other, rows):
    theirs_in = rows.inbound(received_at=days_ago(365), partnership=other)
    theirs_out = rows.outbound(created_at=days_ago(365), partnership=other)

    assert run(session, partnership).removed["sms_bodies"] == 0
    assert theirs_in.body_removed_at is None and theirs_out.body_removed_at is None


# 2. Identities of closed grievances -------------------------------------------------------------


def test_identities_of_grievances_closed_past_the_period_are_removed(session, partnership, rows):
    closed_long_ago = rows.grievance(
        closed_at=months_before(NOW, 25), contact_id=rows.contact().id, rating=4
    )
    closed_lately = rows.grievance(closed_at=months_before(NOW, 23))
    open_for_years = rows.grievance(stage="assessing", received_at=days_ago(1500))

    ran = run(session, partnership)

    assert ran.removed["grievance_identities"] == 1
    gone = closed_long_ago
    assert (gone.complainant_name, gone.complainant_phone, gone.complainant_email) == ("", "", "")
    assert (gone.contact_id, gone.user_id, gone.identity_removed_at) == (None, None, NOW)
    assert stored(session, "grievances", "complainant_name", gone.id) == ""
    # The case record stays.
    assert gone.description == "El camión tumbó la cerca de mi finca."
    assert (gone.code, gone.stage, gone.rating) == (gone.code, "closed", 4)
    notes = session.scalars(
        select(GrievanceEvent.note).where(GrievanceEvent.grievance_id == gone.id)
    ).all()
    assert notes == ["Llamamos a María."]
    for kept in (closed_lately, open_for_years):
        assert kept.complainant_name == "María Lozano"
        assert kept.identity_removed_at is None


def test_an_identity_stays_while_the_outcome_may_still_be_rated(session, partnership, rows):
    services.save_schedule(
        session,
        actor=rows.make.user(),
        partnership=partnership,
        values={**services.DEFAULTS, "grievance_identity_months": 1},
        now=NOW,
    )
    # NOW is 1 March: a month back is 1 February, 28 days, inside the 30-day rating window.
    within = rows.grievance(closed_at=days_ago(29))
    past = rows.grievance(closed_at=days_ago(31))

    run(session, partnership)

    assert within.identity_removed_at is None and within.complainant_name == "María Lozano"
    assert past.identity_removed_at == NOW


# 3. Raw SMS of closed consultations --------------------------------------------------------------


def test_raw_answers_of_consultations_closed_past_the_period_are_removed(
    session, partnership, other, rows
):
    old = rows.answer(closes_at=days_ago(181))
    recent = rows.answer(closes_at=days_ago(179))
    still_open = rows.answer(closes_at=days_ago(400), status="open")
    theirs = rows.answer(closes_at=days_ago(400), partnership=other)

    ran = run(session, partnership)

    assert ran.removed["consultation_raw"] == 1
    assert (old.raw, old.text) == (None, "sí")
    assert session.scalars(
        select(AnswerChoice.choice).where(AnswerChoice.answer_id == old.id)
    ).all() == ["yes"]
    assert [a.raw for a in (recent, still_open, theirs)] == ["1 sí", "1 sí", "1 sí"]


# 4. Files of dropped actions ---------------------------------------------------------------------


def test_files_of_actions_dropped_past_the_period_are_deleted(session, partnership, rows):
    from hsbp.actions import uploads

    dropped = rows.action(dropped_at=days_ago(400))
    old_file = rows.evidence(dropped, added_at=days_ago(500))
    link = rows.evidence(dropped, added_at=days_ago(500), kind="link")
    late_file = rows.evidence(dropped, added_at=days_ago(10))
    recently_dropped = rows.action(dropped_at=days_ago(300))
    young = rows.evidence(recently_dropped, added_at=days_ago(500))
    done = rows.action(status="done", updated_at=days_ago(900))
    done_file = rows.evidence(done, added_at=days_ago(900))
    # Dropped without an update row: its last change tells when.
    silent = rows.action(updated_at=days_ago(366))
    silent_file = rows.evidence(silent, added_at=days_ago(700))
    paths = {
        e.id: uploads.path_of(partnership.id, e.stored_name)
        for e in (old_file, late_file, young, done_file, silent_file)
    }

    ran = run(session, partnership)

    assert ran.removed["dropped_evidence"] == 2
    for gone in (old_file, silent_file):
        assert gone.stored_name == ""
        assert (gone.title, gone.filename) == ("Acta", "acta.pdf")
        assert not paths[gone.id].exists()
    for kept in (late_file, young, done_file):
        assert kept.stored_name != ""
        assert paths[kept.id].exists()
    assert link.url == "https://example.org/acta"


# 5. Personal details in old audit entries ---------------------------------------------------------


def test_personal_details_of_old_entries_are_removed_and_the_entries_kept(
    session, partnership, other, rows
):
    five_years = months_before(NOW, 60)
    old = rows.entry(
        created_at=five_years - timedelta(days=1),
        details={
            "name": "María Lozano",
            "phone": "3104567890",
            "note": "vive en la vereda",
            "risk": ["low", "high"],
        },
    )
    already = rows.entry(
        created_at=five_years - timedelta(days=2),
        details={"email": "maria@example.org", "scrubbed": ["name"]},
    )
    nothing_personal = rows.entry(
        created_at=five_years - timedelta(days=3), details={"stage": ["received", "closed"]}
    )
    recent = rows.entry(created_at=five_years + timedelta(days=1), details={"name": "María"})
    theirs = rows.entry(
        created_at=five_years - timedelta(days=1), details={"name": "María"}, partnership=other
    )
    case = rows.grievance(stage="assessing", received_at=days_ago(2500))
    about_open_case = rows.entry(
        created_at=five_years - timedelta(days=1),
        details={"reason": "habló con María"},
        object_type="Grievance",
        object_id=case.id,
        action="grievance.update",
    )
    last_id = session.scalar(select(AuditEntry.id).order_by(AuditEntry.id.desc()).limit(1))

    ran = run(session, partnership)

    assert ran.removed["audit_details"] == 2
    assert old.details == {"risk": ["low", "high"], "scrubbed": ["name", "note", "phone"]}
    assert already.details == {"scrubbed": ["email", "name"]}
    assert nothing_personal.details == {"stage": ["received", "closed"]}
    assert recent.details == {"name": "María"}
    assert theirs.details == {"name": "María"}
    assert about_open_case.details == {"reason": "habló con María"}
    # Every entry is still there; the run added its own.
    assert session.get(AuditEntry, old.id) is not None
    newer = session.scalars(
        select(AuditEntry.action).where(AuditEntry.id > last_id).order_by(AuditEntry.id)
    ).all()
    assert newer == ["retention.run"]


def test_the_database_refuses_changes_to_the_log_again_after_a_run(session, partnership, rows):
    rows.entry(created_at=months_before(NOW, 61), details={"note": "vive en la vereda"})

    assert run(session, partnership).removed["audit_details"] == 1

    for statement in ("UPDATE audit_entries SET action = 'rewritten'", "DELETE FROM audit_entries"):
        with pytest.raises(DatabaseError, match="append-only"), session.begin_nested():
            session.execute(text(statement))
