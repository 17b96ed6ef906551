"""Monitoring: indicators of the charter's goals and their measured values.

An indicator belongs to a partnership and measures one charter goal (by the goal's stable
key). A measured value is never overwritten: a correction is a new revision of the same
period (and breakdown), and the highest revision is the value in force, so the history of
who reported what, when and how is kept.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, Index, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hsbp.auth.models import User
from hsbp.db import Base, JSONValue, UTCDateTime, utcnow
from hsbp.partnerships.models import Partner


class Kind(enum.StrEnum):
    NUMBER = "number"
    PERCENTAGE = "percentage"
    MONEY = "money"
    SCALE = "scale"  # a qualitative scale whose levels are described


class Direction(enum.StrEnum):
    HIGHER = "higher"  # higher is better
    LOWER = "lower"


class Frequency(enum.StrEnum):
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    HALF_YEARLY = "half_yearly"
    YEARLY = "yearly"


class Method(enum.StrEnum):
    WEB = "web"
    IMPORT = "import"
    CONSULTATION = "consultation"
    SMS = "sms"


DISAGGREGATIONS = ("sex", "age_band", "locality", "tag")


class Indicator(Base):
    __tablename__ = "monitoring_indicators"

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(
        ForeignKey("partnerships.id", ondelete="CASCADE"), index=True
    )
    goal_key: Mapped[str] = mapped_column(String(32), default="")
    name: Mapped[dict] = mapped_column(JSONValue, default=dict)  # {locale: text}
    definition: Mapped[dict] = mapped_column(JSONValue, default=dict)
    kind: Mapped[str] = mapped_column(String(12), default=Kind.NUMBER)
    unit: Mapped[str] = mapped_column(String(40), default="")
    currency: Mapped[str] = mapped_column(String(3), default="")
    # For a scale: [{"value": 1, "label": {locale: text}}, ...] from worst to best.
    levels: Mapped[list] = mapped_column(JSONValue, default=list)
    baseline_value: Mapped[Decimal] = mapped_column(Numeric(20, 4))
    baseline_on: Mapped[date] = mapped_column(Date)
    target_value: Mapped[Decimal] = mapped_column(Numeric(20, 4))
    target_on: Mapped[date] = mapped_column(Date)
    direction: Mapped[str] = mapped_column(String(8), default=Direction.HIGHER)
    source: Mapped[str] = mapped_column(Text, default="")
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("partners.id", ondelete="SET NULL"))
    frequency: Mapped[str] = mapped_column(String(12), default=Frequency.QUARTERLY)
    disaggregation: Mapped[list] = mapped_column(JSONValue, default=list)
    # Computed from a consultation: the share of respondents who chose `answer_key` to
    # `question_id`, recorded each time the consultation closes.
    question_id: Mapped[int | None] = mapped_column(
        ForeignKey("consultation_questions.id", ondelete="SET NULL")
    )
    answer_key: Mapped[str] = mapped_column(String(64), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    partner: Mapped[Partner | None] = relationship()


class Measurement(Base):
    """One value of an indicator for one period (and breakdown), at one revision."""

    __tablename__ = "monitoring_measurements"
    __table_args__ = (
        UniqueConstraint("indicator_id", "period_on", "breakdown", "revision"),
        Index("ix_monitoring_measurements_indicator_period", "indicator_id", "period_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(
        ForeignKey("partnerships.id", ondelete="CASCADE"), index=True
    )
    indicator_id: Mapped[int] = mapped_column(
        ForeignKey("monitoring_indicators.id", ondelete="CASCADE")
    )
    # The first day of the period the value is for (a month, quarter, half-year or year).
    period_on: Mapped[date] = mapped_column(Date)
    # "" for the whole; "sex:female", "tag:12" for a part.
    breakdown: Mapped[str] = mapped_column(String(80), default="")
    revision: Mapped[int] = mapped_column(default=1)
    value: Mapped[Decimal] = mapped_column(Numeric(20, 4))
    note: Mapped[str] = mapped_column(Text, default="")
    method: Mapped[str] = mapped_column(String(14), default=Method.WEB)
    reported_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Evidence of the value: a web link, or a file kept like an action's (hsbp.actions.uploads).
    evidence_url: Mapped[str] = mapped_column(String(2000), default="", server_default="")
    evidence_filename: Mapped[str] = mapped_column(String(255), default="", server_default="")
    evidence_stored: Mapped[str] = mapped_column(String(64), default="", server_default="")
    evidence_type: Mapped[str] = mapped_column(String(120), default="", server_default="")
    evidence_size: Mapped[int] = mapped_column(default=0, server_default="0")
    evidence_sha256: Mapped[str] = mapped_column(String(64), default="", server_default="")

    reported_by: Mapped[User | None] = relationship()
