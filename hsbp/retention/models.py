"""A partnership's retention schedule and the record of each nightly run."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from hsbp.db import Base, JSONValue, UTCDateTime, utcnow

# The defaults, justified in the retention docs; a partnership without a row uses these.
SMS_BODY_DAYS = 90
GRIEVANCE_IDENTITY_MONTHS = 24
CONSULTATION_RAW_DAYS = 180
DROPPED_EVIDENCE_DAYS = 365
AUDIT_DETAIL_YEARS = 5


class RetentionSchedule(Base):
    __tablename__ = "retention_schedules"

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(
        ForeignKey("partnerships.id", ondelete="CASCADE"), unique=True
    )
    # SMS bodies, this many days after they were acted on (routed, handled).
    sms_body_days: Mapped[int] = mapped_column(default=SMS_BODY_DAYS)
    # Complainants' identities, this many months after their grievance closed.
    grievance_identity_months: Mapped[int] = mapped_column(default=GRIEVANCE_IDENTITY_MONTHS)
    # The raw SMS texts of a consultation's answers, this many days after it closed.
    consultation_raw_days: Mapped[int] = mapped_column(default=CONSULTATION_RAW_DAYS)
    # Files uploaded as evidence of an action that was dropped, this many days after.
    dropped_evidence_days: Mapped[int] = mapped_column(default=DROPPED_EVIDENCE_DAYS)
    # Personal details in audit entries older than this many years (entries are kept).
    audit_detail_years: Mapped[int] = mapped_column(default=AUDIT_DETAIL_YEARS)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class RetentionRun(Base):
    """One application of a partnership's schedule: what it removed, counted, never shown."""

    __tablename__ = "retention_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(
        ForeignKey("partnerships.id", ondelete="CASCADE"), index=True
    )
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # {rule: how many items it removed}
    removed: Mapped[dict] = mapped_column(JSONValue, default=dict)
