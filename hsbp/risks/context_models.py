"""The context assessment: versioned, written by the facilitators, confirmed or commented on by
each partner as charter versions are endorsed, so the partnership works from one shared
reading of the place."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from hsbp.db import Base, JSONValue, UTCDateTime, utcnow


class ContextStatus(enum.StrEnum):
    DRAFT = "draft"
    PROPOSED = "proposed"  # put to the partners to confirm
    VALIDATED = "validated"  # every partner confirmed: the shared reading
    SUPERSEDED = "superseded"


class ContextAssessment(Base):
    """One version of the context. `content` is one JSON document:
    {"threats": [{"key", "dimension", "locality", "text"}], "dividers": [...],
    "connectors": [...], "actors": [{"key", "participant_id", "name", "role"}],
    "trends": [{"key", "locality", "text"}]}; a mapped actor is kept by participant id only,
    so a protected one is shown by pseudonym wherever the version is read."""

    __tablename__ = "context_assessments"
    __table_args__ = (UniqueConstraint("partnership_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(
        ForeignKey("partnerships.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int]
    status: Mapped[str] = mapped_column(String(12), default=ContextStatus.DRAFT)
    summary: Mapped[str] = mapped_column(Text, default="")
    content: Mapped[dict] = mapped_column(JSONValue, default=dict)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    proposed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    validated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ContextResponse(Base):
    """A partner's answer to a proposed version: it confirms it, or comments (with a text)."""

    __tablename__ = "context_responses"
    __table_args__ = (UniqueConstraint("assessment_id", "partner_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(
        ForeignKey("partnerships.id", ondelete="CASCADE"), index=True
    )
    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("context_assessments.id", ondelete="CASCADE")
    )
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    stance: Mapped[str] = mapped_column(String(10))  # confirm, comment
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
