"""Append-only audit log: who did what, when, in which partnership."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Collection, Iterator
from datetime import datetime
from typing import ClassVar

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    ColumnElement,
    ForeignKey,
    Index,
    String,
    and_,
    bindparam,
    event,
    func,
    or_,
    select,
    update,
)
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from hsbp.db import Base, JSONValue, UTCDateTime, utcnow


class AuditEntry(Base):
    __tablename__ = "audit_entries"
    __table_args__ = (
        Index("ix_audit_entries_partnership_created", "partnership_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    partnership_id: Mapped[int | None] = mapped_column(
        ForeignKey("partnerships.id", ondelete="RESTRICT")
    )
    action: Mapped[str] = mapped_column(String(64))
    object_type: Mapped[str] = mapped_column(String(64))
    object_id: Mapped[int | None]
    details: Mapped[dict] = mapped_column(JSONValue, default=dict)

    actor = relationship("User", lazy="joined")

    # {details key: current label} of the ids the details hold, set when a page reads the log
    # (see `name_references`); not stored.
    named: ClassVar[dict[str, str]] = {}


# What each action means, for readers of the log; features add their own actions here.
ACTION_LABELS = {
    "user.create": _l("Account created"),
    "user.update": _l("Profile changed"),
    "user.password_change": _l("Password changed"),
    "user.password_reset": _l("Password reset by e-mail link"),
    "user.sign_out_everywhere": _l("Signed out on every device"),
    "partnership.create": _l("Partnership created"),
    "partnership.update": _l("Partnership settings changed"),
    "partner.create": _l("Partner added"),
    "partner.update": _l("Partner changed"),
    "invitation.create": _l("Invitation sent"),
    "invitation.revoke": _l("Invitation withdrawn"),
    "membership.create": _l("Member joined"),
    "membership.update": _l("Member's role changed"),
    "membership.delete": _l("Member removed"),
    "audit.scrub": _l("Personal details removed from earlier entries"),
}


def action_label(action: str):
    return ACTION_LABELS.get(action, action)


class AppendOnlyError(RuntimeError):
    """Raised when code tries to change or delete an audit entry."""


@event.listens_for(AuditEntry, "before_update")
@event.listens_for(AuditEntry, "before_delete")
def _refuse_change(_mapper, _connection, _target):
    raise AppendOnlyError("the audit log is append-only")


def record(
    session: Session,
    *,
    actor_id: int | None,
    action: str,
    obj,
    partnership_id: int | None = None,
    details: dict | None = None,
) -> AuditEntry:
    """Append one entry for `action` (e.g. "partner.create") on `obj` (a flushed model row).

    Side effect: adds a row to the session; the caller's transaction commits it, so the log
    and the change it describes are saved together or not at all.
    """
    entry = AuditEntry(
        actor_id=actor_id,
        partnership_id=partnership_id,
        action=action,
        object_type=type(obj).__name__,
        object_id=getattr(obj, "id", None),
        details=details or {},
    )
    session.add(entry)
    return entry


def changes(obj, fields: list[str], before: dict) -> dict:
    """The {field: [old, new]} of `fields` that differ between `before` and `obj` now."""
    out = {}
    for name in fields:
        new = getattr(obj, name)
        if before.get(name) != new:
            out[name] = [_plain(before.get(name)), _plain(new)]
    return out


def snapshot(obj, fields: list[str]) -> dict:
    return {name: getattr(obj, name) for name in fields}


def _plain(value):
    if value is None or isinstance(value, str | int | float | bool | list | dict):
        return value
    return str(value)


def entries_for_partnership(
    session: Session,
    *,
    partnership_id: int,
    page: int = 1,
    per_page: int = 50,
    shown: ColumnElement[bool] | None = None,
    actor_id: int | None = None,
    families: Collection[str] = (),
    since: datetime | None = None,
    until: datetime | None = None,
) -> tuple[list[AuditEntry], int]:
    """One page of a partnership's log, newest first, and the total count; when `shown` is
    given, entries not matching it are left out of both (the record members other than
    facilitators read).
    Narrowed, when given, to one actor, to actions of `families` ("charter" holds
    "charter.endorse"), and to entries written from `since` and before `until`."""
    scope = [AuditEntry.partnership_id == partnership_id]
    if shown is not None:
        scope.append(shown)
    if actor_id is not None:
        scope.append(AuditEntry.actor_id == actor_id)
    if families:
        scope.append(
            or_(*(AuditEntry.action.startswith(f"{f}.", autoescape=True) for f in families))
        )
    if since is not None:
        scope.append(AuditEntry.created_at >= since)
    if until is not None:
        scope.append(AuditEntry.created_at < until)
    total = session.scalar(select(func.count()).select_from(AuditEntry).where(*scope))
    rows = list(
        session.scalars(
            select(AuditEntry)
            .where(*scope)
            .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
            .limit(per_page)
            .offset((max(page, 1) - 1) * per_page)
        )
    )
    name_references(session, partnership_id=partnership_id, entries=rows)
    return rows, total or 0


# How features name the ids their entries hold: {details key: lookup}, where
# lookup(session, partnership_id, ids) returns {id: label}. Entries store ids only; the label
# is read when the log is shown, so it is the current one (a pseudonym once someone is
# protected), never a name frozen into the log.
REFERENCE_LOOKUPS: dict[str, Callable[[Session, int, set[int]], dict[int, str]]] = {}


def name_references(session: Session, *, partnership_id: int, entries: list[AuditEntry]) -> None:
    """Set `entry.named` on each of `entries`: one look-up per kind of reference, however
    many entries there are."""
    wanted: dict[Callable, set[int]] = {}
    for entry in entries:
        for key, value in (entry.details or {}).items():
            lookup = REFERENCE_LOOKUPS.get(key)
            if lookup is not None and _is_id(value):
                wanted.setdefault(lookup, set()).add(value)
    found = {lookup: lookup(session, partnership_id, ids) for lookup, ids in wanted.items()}
    for entry in entries:
        entry.named = {
            key: found[REFERENCE_LOOKUPS[key]][value]
            for key, value in (entry.details or {}).items()
            if key in REFERENCE_LOOKUPS and _is_id(value) and value in found[REFERENCE_LOOKUPS[key]]
        }


def _is_id(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


# The database itself refuses to change the log (triggers of migration 0001).
_SQLITE_UPDATE_GUARD = "audit_entries_no_update"
_POSTGRES_FLAG = "hsbp.audit_scrub"
# A text this short matches too much inside longer values: it is scrubbed where it is the
# whole value only.
_SHORTEST_SEARCHED = 4


def scrub(
    session: Session,
    *,
    actor_id: int | None,
    partnership_id: int,
    obj,
    subjects: Collection[tuple[str, int]] = (),
    keys: Collection[str] = (),
    texts: Collection[str] = (),
) -> int:
    """Rewrite a partnership's earlier entries so they no longer hold someone's identity.

    The one deliberate exception to append-only, for a participant who has become at risk:
    entries written before then may hold their real name. In the entries about `subjects`
    ((object type, id) pairs) the details under `keys` are dropped; in every entry of the
    partnership, any detail whose value holds one of `texts` (ignoring case) is dropped too.
    A rewritten entry lists what it lost under "scrubbed", without the values.

    Side effects: the rewritten entries (a Core UPDATE, inside the caller's transaction), and
    one "audit.scrub" entry on `obj` that counts them, when there are any. Returns the count.
    """
    needles = [_folded(text) for text in texts if text and text.strip()]
    if not needles and not (subjects and keys):
        return 0
    query = select(AuditEntry.id, AuditEntry.object_type, AuditEntry.object_id, AuditEntry.details)
    query = query.where(AuditEntry.partnership_id == partnership_id)
    if not needles:
        query = query.where(
            or_(
                *(and_(AuditEntry.object_type == t, AuditEntry.object_id == i) for t, i in subjects)
            )
        )
    about = set(subjects)
    rewritten = []
    for entry_id, object_type, object_id, details in session.execute(
        query.execution_options(yield_per=1000)
    ):
        dropped = {
            key
            for key, value in (details or {}).items()
            if key != "scrubbed"
            and (
                ((object_type, object_id) in about and key in keys)
                or any(_holds(value, needle) for needle in needles)
            )
        }
        if dropped:
            kept = {key: value for key, value in details.items() if key not in dropped}
            kept["scrubbed"] = sorted(dropped | set(details.get("scrubbed") or []))
            rewritten.append({"entry_id": entry_id, "new_details": kept})
    if not rewritten:
        return 0
    table = AuditEntry.__table__
    statement = (
        update(table)
        .where(table.c.id == bindparam("entry_id"))
        .values(details=bindparam("new_details", type_=table.c.details.type))
    )
    with guard_lifted(session):
        session.execute(statement, rewritten)
    ids = {row["entry_id"] for row in rewritten}
    for loaded in list(session.identity_map.values()):
        if isinstance(loaded, AuditEntry) and loaded.id in ids:
            session.expire(loaded, ["details"])
    record(
        session,
        actor_id=actor_id,
        action="audit.scrub",
        obj=obj,
        partnership_id=partnership_id,
        details={"entries": len(rewritten)},
    )
    return len(rewritten)


def _folded(text: str) -> str:
    return " ".join(text.split()).casefold()


def _holds(value, needle: str) -> bool:
    if isinstance(value, str):
        folded = _folded(value)
        return folded == needle or (len(needle) >= _SHORTEST_SEARCHED and needle in folded)
    if isinstance(value, list | tuple):
        return any(_holds(item, needle) for item in value)
    if isinstance(value, dict):
        return any(_holds(item, needle) for item in value.values())
    return False


@contextlib.contextmanager
def guard_lifted(session: Session) -> Iterator[None]:
    """Let the statements run inside rewrite entries, which the database otherwise refuses.

    PostgreSQL: the trigger lets an UPDATE of the details alone through while this
    transaction's own flag is on (migration 0017); no other transaction sees it, and nothing
    is locked beyond the rows rewritten. SQLite has one writer at a time: its trigger is
    dropped and re-created inside the transaction (DDL is transactional there), so no other
    connection ever sees the log unguarded. Not restored on an error on purpose: the
    transaction is then rolled back, which restores it.
    """
    connection = session.connection()
    dialect = connection.dialect.name
    if dialect == "sqlite":
        found = connection.exec_driver_sql(
            "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?",
            (_SQLITE_UPDATE_GUARD,),
        ).scalar()
        if found:
            connection.exec_driver_sql(f"DROP TRIGGER {_SQLITE_UPDATE_GUARD}")
        yield
        if found:
            connection.exec_driver_sql(found)
    elif dialect == "postgresql":
        connection.exec_driver_sql(f"SET LOCAL {_POSTGRES_FLAG} = 'on'")
        yield
        connection.exec_driver_sql(f"SET LOCAL {_POSTGRES_FLAG} = 'off'")
    else:
        yield
