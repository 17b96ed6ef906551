"""The record that an erasure happened: who, when, on what grounds, how much; never whom."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from hsbp.db import Base, JSONValue, UTCDateTime, utcnow


class SubjectKind(enum.StrEnum):
    CONTACT = "contact"
    PARTICIPANT = "participant"
    COMPLAINANT = "complainant"


class Grounds(enum.StrEnum):
    PERSONS_REQUEST = "persons_request"
    SMS_REQUEST = "sms_request"
    CONSENT_WITHDRAWN = "consent_withdrawn"
    NO_LONGER_NEEDED = "no_longer_needed"
    SAFETY = "safety"
    LEGAL_OBLIGATION = "legal_obligation"


class Erasure(Base):
    __tablename__ = "erasures"

    id: Mapped[int] = mapped_column(primary_key=True)
    # None when the person asked by SMS: they are erased from every partnership.
    partnership_id: Mapped[int | None] = mapped_column(
        ForeignKey("partnerships.id", ondelete="CASCADE"), index=True
    )
    subject_kind: Mapped[str] = mapped_column(String(20))
    grounds: Mapped[str] = mapped_column(String(30))
    # "web" (a facilitator) or "sms" (the person, after confirming).
    requested_via: Mapped[str] = mapped_column(String(12))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # {table or kind: rows changed}
    removed: Mapped[dict] = mapped_column(JSONValue, default=dict)
