"""Partners' votes on review decisions, and sign-offs of the minutes.

One vote per partner and decision, changeable while the decision is open. A vote the partner's
representative casts counts at once; one the facilitator records for a partner (its people in
the room, voting by show of hands) counts once a representative confirms it, unless the
partner has no representative account to confirm with (then it counts as recorded).
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from hsbp.db import Base, UTCDateTime, utcnow


class Choice(enum.StrEnum):
    FOR = "for"
    AGAINST = "against"
    ABSTAIN = "abstain"


class Stance(enum.StrEnum):
    CONFIRM = "confirm"
    COMMENT = "comment"


class DecisionVote(Base):
    __tablename__ = "monitoring_decision_votes"
    __table_args__ = (UniqueConstraint("decision_id", "partner_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(
        ForeignKey("partnerships.id", ondelete="CASCADE"), index=True
    )
    decision_id: Mapped[int] = mapped_column(
        ForeignKey("monitoring_decisions.id", ondelete="CASCADE")
    )
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id", ondelete="CASCADE"))
    choice: Mapped[str] = mapped_column(String(8))
    cast_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # Set when the facilitator recorded it for the partner.
    recorded_by_facilitator: Mapped[bool] = mapped_column(default=False)
    # A vote counts once confirmed (at once when the representative casts it).
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cast_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class MinutesSignoff(Base):
    __tablename__ = "monitoring_minutes_signoffs"
    __table_args__ = (UniqueConstraint("review_id", "partner_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(
        ForeignKey("partnerships.id", ondelete="CASCADE"), index=True
    )
    review_id: Mapped[int] = mapped_column(ForeignKey("monitoring_reviews.id", ondelete="CASCADE"))
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id", ondelete="CASCADE"))
    stance: Mapped[str] = mapped_column(String(8))
    comment: Mapped[str] = mapped_column(Text, default="")
    signed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
