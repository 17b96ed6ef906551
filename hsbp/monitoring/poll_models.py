"""SMS polls of an indicator: a question put by SMS to chosen contacts, whose numeric replies
become one measured value of the indicator when the poll closes.

One reply row per contact asked (unique), so a second number replaces the first and nobody
is counted twice; its state says whether the contact still has to be asked, was asked, has
answered or was given up on after two replies that were not a number.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, Index, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from hsbp.db import Base, JSONValue, UTCDateTime, utcnow


class PollStatus(enum.StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class Aggregate(enum.StrEnum):
    MEAN = "mean"
    SUM = "sum"
    SHARE_AT_LEAST = "share"  # percentage of the replies at or above `threshold`


class ReplyState(enum.StrEnum):
    WAITING = "waiting"  # behind another SMS conversation of the contact
    ASKED = "asked"
    ANSWERED = "answered"
    GAVE_UP = "gave_up"  # no number after the re-prompts: not asked again
    ENDED = "ended"  # the poll closed before the contact answered


class SmsPoll(Base):
    __tablename__ = "monitoring_sms_polls"
    __table_args__ = (Index("ix_monitoring_sms_polls_status_closes", "status", "closes_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(
        ForeignKey("partnerships.id", ondelete="CASCADE"), index=True
    )
    indicator_id: Mapped[int] = mapped_column(
        ForeignKey("monitoring_indicators.id", ondelete="CASCADE"), index=True
    )
    question: Mapped[dict] = mapped_column(JSONValue, default=dict)  # {locale: text}
    audience: Mapped[dict] = mapped_column(JSONValue, default=dict)  # {"kind", "value"}
    period_on: Mapped[date] = mapped_column(Date)
    aggregate: Mapped[str] = mapped_column(String(8), default=Aggregate.MEAN)
    threshold: Mapped[Decimal | None] = mapped_column(Numeric(20, 4))
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(8), default=PollStatus.OPEN)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    measurement_id: Mapped[int | None] = mapped_column(
        ForeignKey("monitoring_measurements.id", ondelete="SET NULL")
    )


class PollReply(Base):
    __tablename__ = "monitoring_poll_replies"
    __table_args__ = (
        UniqueConstraint("poll_id", "contact_id"),
        Index("ix_monitoring_poll_replies_contact_state", "contact_id", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(
        ForeignKey("partnerships.id", ondelete="CASCADE"), index=True
    )
    poll_id: Mapped[int] = mapped_column(ForeignKey("monitoring_sms_polls.id", ondelete="CASCADE"))
    contact_id: Mapped[int] = mapped_column(ForeignKey("sms_contacts.id", ondelete="CASCADE"))
    state: Mapped[str] = mapped_column(String(10), default=ReplyState.WAITING)
    value: Mapped[Decimal | None] = mapped_column(Numeric(20, 4))
    reprompts: Mapped[int] = mapped_column(default=0)
    invited_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The poll closed while this contact had still to answer: told at their next message.
    tell_closed: Mapped[bool] = mapped_column(default=False)
