"""Partners' validation of a consultation's outcome: each round the outcome is sent to them,
and each partner's answer in that round.

A round is one sending of the outcome with its deadline. Editing the outcome ends the round
(`superseded_at`) and starts the next one, so earlier answers stay on record under the round
they answered but no longer count. A partner has one answer per round, which its
representatives may change until the deadline.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hsbp.auth.models import User
from hsbp.db import Base, JSONValue, UTCDateTime, utcnow
from hsbp.partnerships.models import Partner


class OutcomeStance(enum.StrEnum):
    CONFIRM = "confirm"
    CHANGES = "changes"  # asks for changes, and says which in the comment


class OutcomeValidation(Base):
    __tablename__ = "outcome_validations"
    __table_args__ = (UniqueConstraint("consultation_id", "round"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(
        ForeignKey("partnerships.id", ondelete="CASCADE"), index=True
    )
    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("consultations.id", ondelete="CASCADE"), index=True
    )
    round: Mapped[int] = mapped_column(default=1)
    # The items as sent ({section: [{"key", "text"}]}), so an earlier round still shows what
    # its answers were about once the outcome has been edited.
    outcome: Mapped[dict] = mapped_column(JSONValue, default=dict)
    sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    deadline: Mapped[datetime] = mapped_column(UTCDateTime)
    # When the answers first met the charter's decision rule; it stays validated after that.
    validated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When the outcome was edited, which ended this round.
    superseded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Past an unmet deadline, a facilitator may let the outcome feed the charter, saying why.
    proceeded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    proceeded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    proceed_reason: Mapped[str] = mapped_column(Text, default="")

    answers: Mapped[list[OutcomeAnswer]] = relationship(
        back_populates="validation", order_by="OutcomeAnswer.id"
    )


class OutcomeAnswer(Base):
    """A partner's answer in one round, given by one of its representatives."""

    __tablename__ = "outcome_answers"
    __table_args__ = (UniqueConstraint("validation_id", "partner_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(
        ForeignKey("partnerships.id", ondelete="CASCADE"), index=True
    )
    validation_id: Mapped[int] = mapped_column(
        ForeignKey("outcome_validations.id", ondelete="CASCADE"), index=True
    )
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    stance: Mapped[str] = mapped_column(String(10))
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    validation: Mapped[OutcomeValidation] = relationship(back_populates="answers")
    partner: Mapped[Partner] = relationship()
    user: Mapped[User | None] = relationship()
