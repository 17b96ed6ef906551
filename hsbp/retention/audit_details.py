"""Rule 5: personal details in old audit entries. The entries stay (who did what, when, to
which item); the details that can hold a name, a number or a free text are dropped, listed
under "scrubbed" without their values, as hsbp.audit.scrub does."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Text, bindparam, cast, or_, select, update
from sqlalchemy.orm import Session

from hsbp import audit
from hsbp.audit import AuditEntry
from hsbp.retention.scope import Scope, Step, months_before, open_grievances, selecting

# Details keys under which features write names, numbers, addresses and free texts into the
# audit log (hsbp.mapping.history.IDENTIFYING_KEYS and the notes, reasons and comments that
# members type). Ids, stages, counts and field names stay: they name no one.
PERSONAL_KEYS = (
    "participant",
    "name",
    "phone",
    "email",
    "intermediary",
    "protective_measures",
    "note",
    "notes",
    "reason",
    "text",
    "comment",
    "filename",
    "file",
    "complainant_name",
    "complainant_phone",
    "complainant_email",
    "referred_to",
)


def audit_cutoff(scope: Scope) -> datetime:
    return months_before(scope.now, 12 * scope.schedule.audit_detail_years)


def _audit_due(scope: Scope) -> list:
    # A cheap pre-filter on the stored JSON text (a key is written `"name":`, a value never
    # holds an unescaped quote); each candidate's details are checked key by key after it.
    text = cast(AuditEntry.details, Text)
    return [
        AuditEntry.partnership_id == scope.partnership_id,
        AuditEntry.created_at < audit_cutoff(scope),
        or_(*(text.contains(f'"{key}":', autoescape=True) for key in PERSONAL_KEYS)),
        or_(
            AuditEntry.object_type != "Grievance",
            AuditEntry.object_id.is_(None),
            AuditEntry.object_id.not_in(open_grievances(scope.partnership_id)),
        ),
    ]


def without_personal(details: dict | None) -> dict | None:
    """The details without their personal keys, listing what they lost under "scrubbed" as
    hsbp.audit.scrub does; None when there is nothing to drop."""
    dropped = {key for key in details or {} if key in PERSONAL_KEYS}
    if not dropped:
        return None
    kept = {key: value for key, value in details.items() if key not in dropped}
    kept["scrubbed"] = sorted(dropped | set(details.get("scrubbed") or []))
    return kept


def _scrub_entries(session: Session, scope: Scope, ids: list[int]) -> int:
    rows = session.execute(
        select(AuditEntry.id, AuditEntry.details).where(AuditEntry.id.in_(ids), *_audit_due(scope))
    ).all()
    rewritten = [
        {"entry_id": row.id, "new_details": kept}
        for row in rows
        if (kept := without_personal(row.details)) is not None
    ]
    if not rewritten:
        return 0
    table = AuditEntry.__table__
    statement = (
        update(table)
        .where(table.c.id == bindparam("entry_id"))
        .values(details=bindparam("new_details", type_=table.c.details.type))
    )
    # The audit log's one guarded way to rewrite entries (see hsbp.audit.scrub): lifted for
    # this transaction only, restored before it commits.
    with audit.guard_lifted(session):
        session.execute(statement, rewritten)
    return len(rewritten)


def _count_entries(session: Session, scope: Scope) -> int:
    query = select(AuditEntry.details).where(*_audit_due(scope))
    return sum(
        without_personal(details) is not None
        for details in session.scalars(query.execution_options(yield_per=500))
    )


STEP = Step(selecting(AuditEntry.id, _audit_due), _scrub_entries, _count_entries)
