"""Framework tags: a goal, action, indicator or risk tagged with a reference of a framework
partners report against (hsbp.risks.frameworks), e.g. "ifc:PS4" or "ungp:13"."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from hsbp.db import Base, UTCDateTime, utcnow


class FrameworkTag(Base):
    """`subject_kind` is goal, action, indicator or risk; `subject_key` the row's id as text,
    or a charter goal's stable key (goals live in the charter's JSON, not in a table)."""

    __tablename__ = "framework_tags"
    __table_args__ = (
        UniqueConstraint("partnership_id", "subject_kind", "subject_key", "reference"),
        Index("ix_framework_tags_reference", "partnership_id", "reference"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnerships.id", ondelete="CASCADE"))
    subject_kind: Mapped[str] = mapped_column(String(12))
    subject_key: Mapped[str] = mapped_column(String(40))
    reference: Mapped[str] = mapped_column(String(40))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
