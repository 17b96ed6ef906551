"""Consent per purpose, for a contact or a participant in one partnership."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from hsbp.db import Base, UTCDateTime, utcnow


class Purpose(enum.StrEnum):
    CONSULTATIONS = "consultations"
    NEWS = "news"
    GRIEVANCE_FOLLOW_UP = "grievance_follow_up"
    RESEARCH = "research"


class ConsentChannel(enum.StrEnum):
    SMS = "sms"
    WEB = "web"
    PAPER = "paper"
    VERBAL = "verbal"
    IMPORT = "import"


class Consent(Base):
    """The current answer of one person for one purpose; earlier answers are in the audit log.
    Exactly one of contact_id and participant_id is set."""

    __tablename__ = "consents"
    __table_args__ = (
        UniqueConstraint("partnership_id", "contact_id", "purpose"),
        UniqueConstraint("partnership_id", "participant_id", "purpose"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(
        ForeignKey("partnerships.id", ondelete="CASCADE"), index=True
    )
    contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("sms_contacts.id", ondelete="CASCADE"), index=True
    )
    participant_id: Mapped[int | None] = mapped_column(
        ForeignKey("mapping_participants.id", ondelete="CASCADE"), index=True
    )
    purpose: Mapped[str] = mapped_column(String(24))
    # Given (True) or withdrawn/refused (False), as of given_at.
    granted: Mapped[bool] = mapped_column(default=True)
    channel: Mapped[str] = mapped_column(String(12))
    given_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_on: Mapped[date | None] = mapped_column(Date)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # When an expired consent was asked again by SMS: it is asked at most once.
    reasked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
