"""Incidents: early warnings of tension or violence (ALERT by SMS, or recorded by a member),
kept apart from grievances but with the same confidentiality: the text is encrypted, and an
anonymous one keeps only its reply channel, never a readable identity."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from hsbp.db import Base, EncryptedText, UTCDateTime, utcnow


class IncidentStatus(enum.StrEnum):
    NEW = "new"
    ACKNOWLEDGED = "acknowledged"
    CLOSED = "closed"


class Incident(Base):
    __tablename__ = "incidents"
    __table_args__ = (Index("ix_incidents_partnership_received", "partnership_id", "received_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnerships.id", ondelete="CASCADE"))
    number: Mapped[int]  # I-1, I-2 ... within the partnership
    channel: Mapped[str] = mapped_column(String(12))  # sms, web
    description: Mapped[str] = mapped_column(EncryptedText)
    locale: Mapped[str] = mapped_column(String(10), default="en")
    locality: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(14), default=IncidentStatus.NEW)
    anonymous: Mapped[bool] = mapped_column(default=False)
    # The reply channel (kept for anonymous ones too, never shown beside them).
    contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("sms_contacts.id", ondelete="SET NULL"), index=True
    )
    # The member who recorded it on the web (never set when anonymous).
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # An anonymous incident keeps its day only: an exact time beside the SMS log would name
    # the sender.
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    risk_id: Mapped[int | None] = mapped_column(
        ForeignKey("risks.id", ondelete="SET NULL"), index=True
    )
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
