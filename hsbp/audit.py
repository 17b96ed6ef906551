"""Append-only audit log: who did what, when, in which partnership."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Index, String, event, func, select
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
    session: Session, *, partnership_id: int, page: int = 1, per_page: int = 50
) -> tuple[list[AuditEntry], int]:
    """One page of a partnership's log, newest first, and the total count."""
    total = session.scalar(
        select(func.count())
        .select_from(AuditEntry)
        .where(AuditEntry.partnership_id == partnership_id)
    )
    rows = session.scalars(
        select(AuditEntry)
        .where(AuditEntry.partnership_id == partnership_id)
        .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
        .limit(per_page)
        .offset((max(page, 1) - 1) * per_page)
    ).all()
    return list(rows), total or 0
