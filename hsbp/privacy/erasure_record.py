"""The record an erasure leaves, and what it wipes beyond the rows: the Erasure row, the
partnership's earlier audit entries scrubbed of the person, one "privacy.erase" entry, and on
SQLite the free space and write-ahead log that still hold overwritten values."""

from __future__ import annotations

import contextlib

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from hsbp import audit, db
from hsbp.audit import AuditEntry
from hsbp.auth.models import User
from hsbp.db import utcnow
from hsbp.privacy.models import Erasure, Grounds, SubjectKind

ACTION = "privacy.erase"
audit.ACTION_LABELS[ACTION] = _l("Person erased on request")
# Details keys of earlier entries about the person that are dropped whatever they hold.
PERSONAL_KEYS = (
    "participant",
    "name",
    "phone",
    "email",
    "intermediary",
    "protective_measures",
    "notes",
    "note",
    "text",
    "body",
    "comment",
    "description",
    "complainant_name",
    "complainant_phone",
    "complainant_email",
)


def erased_here(session: Session, partnership_id: int, key: str, subject_id: int):
    """When this partnership's log says the subject was erased, the latest time; or None."""
    found = None
    for created_at, details in session.execute(
        select(AuditEntry.created_at, AuditEntry.details).where(
            AuditEntry.partnership_id == partnership_id, AuditEntry.action == ACTION
        )
    ):
        if (details or {}).get(key) == subject_id:
            found = max(found or created_at, created_at)
    return found


def start(session: Session, *, actor: User | None, partnership, kind: SubjectKind) -> Erasure:
    secure_delete(session)
    erasure = Erasure(
        partnership_id=partnership.id if partnership is not None else None,
        subject_kind=kind,
        grounds=Grounds.PERSONS_REQUEST,
        requested_via="web" if actor is not None else "sms",
        actor_id=actor.id if actor is not None else None,
        created_at=utcnow(),
        removed={},
    )
    session.add(erasure)
    session.flush()
    return erasure


def finish(
    session: Session,
    erasure: Erasure,
    *,
    partnership_id: int | None,
    counts: dict,
    subject: tuple[str, int] | None,
    about: list[tuple[str, int]],
    texts: list[str],
) -> None:
    """Scrub the partnership's earlier entries of the person, then record the erasure."""
    erasure.removed = plain(counts)
    details = {
        "subject_kind": erasure.subject_kind,
        "grounds": erasure.grounds,
        "removed": plain(counts),
    }
    if subject is not None:
        details[subject[0]] = subject[1]
    if partnership_id is not None:
        audit.scrub(
            session,
            actor_id=erasure.actor_id,
            partnership_id=partnership_id,
            obj=erasure,
            subjects=about,
            keys=PERSONAL_KEYS,
            texts=texts,
        )
    audit.record(
        session,
        actor_id=erasure.actor_id,
        action=ACTION,
        obj=erasure,
        partnership_id=partnership_id,
        details=details,
    )
    db.after_commit(checkpoint)


def plain(counts: dict) -> dict[str, int]:
    return {str(key): int(n) for key, n in sorted(counts.items()) if n}


# The desk lists this many of a partnership's latest erasures.
LISTED = 20


def recent(session: Session, *, partnership_id: int) -> list[tuple[Erasure, str | None]]:
    """The partnership's latest erasures with the name of the member who made each, newest
    first: when, by whom, on what grounds and what kind of person; never whom (at most
    LISTED, in one query)."""
    return [
        (row.Erasure, row.name)
        for row in session.execute(
            select(Erasure, User.name)
            .outerjoin(User, User.id == Erasure.actor_id)
            .where(Erasure.partnership_id == partnership_id)
            .order_by(Erasure.created_at.desc(), Erasure.id.desc())
            .limit(LISTED)
        )
    ]


def erasure_of(session: Session, *, partnership_id: int, erasure_id: int) -> Erasure | None:
    return session.scalar(
        select(Erasure).where(Erasure.id == erasure_id, Erasure.partnership_id == partnership_id)
    )


# SQLite keeps what a statement overwrote in free space and in its write-ahead log


def secure_delete(session: Session) -> None:
    """On SQLite, have this transaction overwrite what it removes with zeros, so a blanked
    value does not linger in the database file's free space."""
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("PRAGMA secure_delete = ON")


def checkpoint() -> None:
    """On SQLite, fold the write-ahead log into the database file and empty it, so the pages
    as they were before an erasure do not stay in the log. Best effort: skipped at once,
    without waiting, while another connection reads (the next checkpoint folds it)."""
    engine = db.database().engine
    if engine.dialect.name != "sqlite":
        return
    with contextlib.suppress(Exception):
        raw = engine.raw_connection()
        cursor = raw.cursor()
        waits = cursor.execute("PRAGMA busy_timeout").fetchone()[0]
        try:
            cursor.execute("PRAGMA busy_timeout = 0")
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
        finally:
            # The connection goes back to the pool: its own patience comes back with it.
            cursor.execute(f"PRAGMA busy_timeout = {int(waits)}")
            cursor.close()
            raw.close()
