"""A run: counts recorded per rule (never content), one audit entry, batches that commit one by
one, a second run that removes nothing, the nightly task through the queue, and the command."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from hsbp.audit import AuditEntry
from hsbp.cli import main
from hsbp.db import utcnow
from hsbp.retention import services, tasks
from hsbp.retention.models import RetentionRun
from hsbp.retention.scope import months_before
from hsbp.sms.models import InboundMessage
from tests.retention.conftest import NOW, days_ago

RULES = [
    "sms_bodies",
    "grievance_identities",
    "consultation_raw",
    "dropped_evidence",
    "audit_details",
]


def one_of_each(rows) -> None:
    rows.inbound(received_at=days_ago(100))
    rows.outbound(created_at=days_ago(100))
    rows.grievance(closed_at=months_before(NOW, 30))
    rows.answer(closes_at=days_ago(200))
    rows.evidence(rows.action(dropped_at=days_ago(400)), added_at=days_ago(400))
    rows.entry(created_at=months_before(NOW, 61), details={"name": "María Lozano"})


def runs_of(session, partnership) -> list[RetentionRun]:
    return session.scalars(
        select(RetentionRun)
        .where(RetentionRun.partnership_id == partnership.id)
        .order_by(RetentionRun.id)
    ).all()


def run_entries(session, partnership) -> list[AuditEntry]:
    return session.scalars(
        select(AuditEntry).where(
            AuditEntry.partnership_id == partnership.id, AuditEntry.action == "retention.run"
        )
    ).all()


def test_a_run_records_its_counts_and_a_second_run_removes_nothing(session, partnership, rows):
    one_of_each(rows)

    first = services.run_partnership(session, partnership_id=partnership.id, now=NOW)
    second = services.run_partnership(session, partnership_id=partnership.id, now=NOW)

    counts = {
        "sms_bodies": 2,
        "grievance_identities": 1,
        "consultation_raw": 1,
        "dropped_evidence": 1,
        "audit_details": 1,
    }
    assert first.removed == counts
    assert second.removed == dict.fromkeys(RULES, 0)
    assert [r.id for r in runs_of(session, partnership)] == [first.id, second.id]
    assert first.finished_at is not None and second.finished_at is not None
    # One entry, for the first run only: counts, no content.
    (entry,) = run_entries(session, partnership)
    assert (entry.actor_id, entry.object_type, entry.object_id) == (None, "RetentionRun", first.id)
    assert entry.details == counts


def test_a_run_that_removes_nothing_keeps_its_row_without_an_entry(session, partnership, rows):
    rows.inbound(received_at=days_ago(10))

    ran = services.run_partnership(session, partnership_id=partnership.id, now=NOW)

    assert ran.removed == dict.fromkeys(RULES, 0)
    assert runs_of(session, partnership) == [ran]
    assert run_entries(session, partnership) == []


def test_a_backlog_larger_than_a_batch_is_removed_batch_by_batch(session, partnership, rows):
    messages = [rows.inbound(received_at=days_ago(100 + n)) for n in range(7)]
    for n in range(5):
        rows.entry(created_at=months_before(NOW, 70 + n), details={"note": f"nota {n}"})
    commits = []

    def commit():
        commits.append(
            session.scalar(
                select(func.count())
                .select_from(InboundMessage)
                .where(
                    InboundMessage.partnership_id == partnership.id,
                    InboundMessage.body_removed_at.is_not(None),
                )
            )
        )
        session.commit()

    ran = services.run_partnership(
        session, partnership_id=partnership.id, now=NOW, batch=3, commit=commit
    )

    assert (ran.removed["sms_bodies"], ran.removed["audit_details"]) == (7, 5)
    # The run's row, then 3 + 3 + 1 messages, then 3 + 2 entries, then the record.
    assert commits == [0, 3, 6, 7, 7, 7, 7]
    session.expire_all()
    assert all(m.body == "" for m in messages)


def test_one_partnership_s_run_leaves_the_others_rows(session, partnership, other, rows):
    theirs = rows.inbound(received_at=days_ago(100), partnership=other)

    runs = services.run_all(session, now=NOW, partnership_ids=[partnership.id])

    assert [r.partnership_id for r in runs] == [partnership.id]
    session.expire_all()
    assert theirs.body_removed_at is None


def test_the_nightly_task_runs_through_the_queue(app, session, partnership, rows):
    message = rows.inbound(received_at=utcnow() - timedelta(days=100))
    session.commit()

    with app.app_context():  # as the worker runs it
        tasks.apply_retention_schedules()
    with app.app_context():
        tasks.apply_retention_schedules()

    session.expire_all()
    assert message.body == "" and message.body_removed_at is not None
    removed = [r.removed["sms_bodies"] for r in runs_of(session, partnership)]
    assert removed == [1, 0]


def test_the_worker_app_declares_the_nightly_run_at_half_past_two(tmp_path):
    """In a fresh process, as `hsbp worker` starts: create_app() alone declares the task."""
    script = (
        "from datetime import datetime\n"
        "from hsbp import create_app\n"
        "from hsbp.extensions import queue\n"
        "create_app({'ENV': 'testing', 'QUEUE_URL': 'immediate'})\n"
        "for hour, minute in ((2, 30), (2, 31), (3, 30), (14, 30)):\n"
        "    due = queue.read_periodic(datetime(2026, 1, 1, hour, minute))\n"
        "    print(hour, minute, 'retention_nightly' in [task.name for task in due])\n"
    )
    environment = {**os.environ, "HSBP_INSTANCE_PATH": str(tmp_path)}
    result = subprocess.run(  # noqa: S603  (this interpreter, our script)
        [sys.executable, "-c", script], env=environment, capture_output=True, text=True, check=True
    )
    assert result.stdout.splitlines() == ["2 30 True", "2 31 False", "3 30 False", "14 30 False"]


def command(app, *args):
    with app.app_context():  # the command's own (the test's context is another's)
        return app.test_cli_runner().invoke(main, ["retention", "run", *args])


def test_the_command_counts_in_a_dry_run_and_removes_when_run(app, session, partnership, rows):
    message = rows.inbound(received_at=datetime.now(UTC) - timedelta(days=100))
    session.commit()

    dry = command(app, "--partnership", str(partnership.id), "--dry-run")

    assert dry.exit_code == 0, dry.output
    assert dry.output == (
        f"Partnership {partnership.id}: would remove sms_bodies 1, grievance_identities 0, "
        "consultation_raw 0, dropped_evidence 0, audit_details 0.\n"
    )
    session.expire_all()
    assert message.body_removed_at is None and runs_of(session, partnership) == []

    done = command(app, "--partnership", str(partnership.id))

    assert done.exit_code == 0, done.output
    assert done.output.startswith(f"Partnership {partnership.id}: removed sms_bodies 1,")
    session.expire_all()
    assert message.body == ""


def test_the_command_refuses_an_unknown_partnership(app, session, partnership):
    result = command(app, "--partnership", "999999")

    assert result.exit_code == 1
    assert "No partnership 999999." in result.output
