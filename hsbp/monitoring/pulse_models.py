"""Partnership-health pulses: rounds in which members score the partnership 1-5 on each
LIFTS principle and on trust, equity and inclusivity.

Scores are stored one row per dimension with the respondent's constituency (the sector of the
partner they speak for, or "community" for SMS contacts) and no link to the respondent. Who
answered is kept apart, in `PulseResponse`, only to refuse a second answer in the same round;
results never read it, and a constituency with fewer than 5 respondents is pooled before
anything is shown.
Comments are kept apart from scores and without the respondent, so a comment cannot be tied
back to one person's scores. Nor can rows be matched by time or order: all three are dated
by the day only, and each new score or comment is swapped into a random place among its
round's (hsbp.monitoring.pulses).
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from hsbp.db import Base, EncryptedText, JSONValue, UTCDateTime, utcnow
from hsbp.principles.content import LIFTS

# The LIFTS principle "trust" asks whether the partnership is built for trust; the extra
# "mutual_trust" asks how much the respondent trusts the other partners today.
DIMENSIONS = (*LIFTS, "mutual_trust", "equity", "inclusivity")
COMMUNITY = "community"
SCORE_MIN, SCORE_MAX = 1, 5


class RoundStatus(enum.StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class PulseRound(Base):
    __tablename__ = "pulse_rounds"

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(
        ForeignKey("partnerships.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[dict] = mapped_column(JSONValue, default=dict)  # {locale: text}
    opens_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(8), default=RoundStatus.OPEN)
    include_sms: Mapped[bool] = mapped_column(default=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PulseResponse(Base):
    """That someone answered a round: one per user or contact, the guard against twice."""

    __tablename__ = "pulse_responses"
    __table_args__ = (
        UniqueConstraint("round_id", "user_id"),
        UniqueConstraint("round_id", "contact_id"),
        CheckConstraint("(user_id IS NULL) <> (contact_id IS NULL)", name="one_respondent"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(
        ForeignKey("partnerships.id", ondelete="CASCADE"), index=True
    )
    round_id: Mapped[int] = mapped_column(ForeignKey("pulse_rounds.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("sms_contacts.id", ondelete="CASCADE")
    )
    constituency: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PulseScore(Base):
    __tablename__ = "pulse_scores"
    __table_args__ = (
        CheckConstraint("score BETWEEN 1 AND 5", name="score_range"),
        Index("ix_pulse_scores_round_constituency", "round_id", "constituency"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(
        ForeignKey("partnerships.id", ondelete="CASCADE"), index=True
    )
    round_id: Mapped[int] = mapped_column(ForeignKey("pulse_rounds.id", ondelete="CASCADE"))
    constituency: Mapped[str] = mapped_column(String(32))
    # No longer written: a partner with one representative would name whose scores they are.
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("partners.id", ondelete="SET NULL"))
    dimension: Mapped[str] = mapped_column(String(24))
    score: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PulseComment(Base):
    __tablename__ = "pulse_comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(
        ForeignKey("partnerships.id", ondelete="CASCADE"), index=True
    )
    round_id: Mapped[int] = mapped_column(
        ForeignKey("pulse_rounds.id", ondelete="CASCADE"), index=True
    )
    constituency: Mapped[str] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(EncryptedText)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class TalkState(enum.StrEnum):
    WAITING = "waiting"  # behind another SMS conversation of the contact
    IN_PROGRESS = "in_progress"
    DONE = "done"
    ENDED = "ended"  # cut off by the round closing


class PulseTalk(Base):
    """One contact's SMS conversation about one round: where it stands and the answers so far.

    The answers stay here until the conversation ends and only then become a PulseResponse
    and its scores, so a round never holds half an answer; one talk per contact and round.
    """

    __tablename__ = "pulse_talks"
    __table_args__ = (
        UniqueConstraint("round_id", "contact_id"),
        Index("ix_pulse_talks_contact_state", "contact_id", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(
        ForeignKey("partnerships.id", ondelete="CASCADE"), index=True
    )
    round_id: Mapped[int] = mapped_column(ForeignKey("pulse_rounds.id", ondelete="CASCADE"))
    contact_id: Mapped[int] = mapped_column(ForeignKey("sms_contacts.id", ondelete="CASCADE"))
    state: Mapped[str] = mapped_column(String(12), default=TalkState.WAITING)
    step: Mapped[int] = mapped_column(default=0)  # index in DIMENSIONS; len(DIMENSIONS): comment
    reprompts: Mapped[int] = mapped_column(default=0)
    answers: Mapped[dict] = mapped_column(JSONValue, default=dict)  # {dimension: score}
    comment: Mapped[str] = mapped_column(EncryptedText, default="")
    # The round closed while this contact was answering: told at their next message.
    tell_closed: Mapped[bool] = mapped_column(default=False)
    invited_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_activity_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
