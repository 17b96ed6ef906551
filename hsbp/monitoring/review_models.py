"""Monitoring: participatory reviews, their attendance, and the decision log.

A review is scheduled with a title and a date; while scheduled its agenda is generated live
from the partnership's data. Once held, the agenda is frozen into `agenda` (a JSON list), so
the record shows what the partners were looking at that day, not what the data says later.
Decisions keep the charter's decision rule in force when they were put to the partners' vote
(review_vote_models holds the votes), the follow-up actions and charter amendment they would
start (`proposal`, acted on only on adoption), what they created in the checklist and the
charter amendment draft they started. Once the minutes are finished, the partners present
sign them off within `signoff_days`.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hsbp.db import Base, JSONValue, UTCDateTime, utcnow
from hsbp.partnerships.models import Partner


class ReviewStatus(enum.StrEnum):
    SCHEDULED = "scheduled"
    HELD = "held"


class DecisionState(enum.StrEnum):
    # Typed before partners voted, with the partners that agreed ticked by hand: kept as it
    # was recorded, neither adopted nor refused by a tally.
    RECORDED = "recorded"
    VOTING = "voting"
    ADOPTED = "adopted"
    NOT_ADOPTED = "not_adopted"


DEFAULT_SIGNOFF_DAYS = 7


class Review(Base):
    __tablename__ = "monitoring_reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(
        ForeignKey("partnerships.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[dict] = mapped_column(JSONValue, default=dict)  # {locale: text}
    scheduled_at: Mapped[datetime] = mapped_column(UTCDateTime)
    place: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(12), default=ReviewStatus.SCHEDULED)
    # The agenda items as they stood when the review was held (see agenda.AgendaItem).
    agenda: Mapped[list] = mapped_column(JSONValue, default=list)
    minutes: Mapped[str] = mapped_column(Text, default="")
    held_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Finished minutes are locked and go to the partners present for sign-off until the due
    # time; past it they are final, with the sign-offs as they stand.
    minutes_finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    signoff_days: Mapped[int] = mapped_column(default=DEFAULT_SIGNOFF_DAYS)
    signoff_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ReviewAttendance(Base):
    """Whether a partner was present at a review, and who came for it."""

    __tablename__ = "monitoring_review_attendance"
    __table_args__ = (UniqueConstraint("review_id", "partner_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(
        ForeignKey("partnerships.id", ondelete="CASCADE"), index=True
    )
    review_id: Mapped[int] = mapped_column(ForeignKey("monitoring_reviews.id", ondelete="CASCADE"))
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id", ondelete="CASCADE"))
    present: Mapped[bool] = mapped_column(default=False)
    names: Mapped[str] = mapped_column(Text, default="")

    partner: Mapped[Partner] = relationship()


class Decision(Base):
    __tablename__ = "monitoring_decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(
        ForeignKey("partnerships.id", ondelete="CASCADE"), index=True
    )
    review_id: Mapped[int] = mapped_column(
        ForeignKey("monitoring_reviews.id", ondelete="CASCADE"), index=True
    )
    text: Mapped[str] = mapped_column(Text)
    decided_by: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[str] = mapped_column(String(16), default=DecisionState.RECORDED)
    # The partners that agreed: ticked by hand before voting; the partners that voted for
    # it, once adopted by vote.
    partner_ids: Mapped[list] = mapped_column(JSONValue, default=list)
    # The charter's decision rule in force when the decision was put to the vote
    # (principles.content), kept whole so a later charter does not change its count.
    rule: Mapped[str] = mapped_column(String(16), default="")
    majority_percent: Mapped[int | None] = mapped_column()
    quorum_percent: Mapped[int | None] = mapped_column()
    # What adoption will create: {"actions": [{title, lead_partner_id, due_on}],
    # "amend_charter": bool}; nothing of it exists before.
    proposal: Mapped[dict | None] = mapped_column(JSONValue)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    charter_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("charter_versions.id", ondelete="SET NULL")
    )


class DecisionAction(Base):
    """A follow-up action a decision created in the checklist."""

    __tablename__ = "monitoring_decision_actions"
    __table_args__ = (UniqueConstraint("decision_id", "action_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(
        ForeignKey("partnerships.id", ondelete="CASCADE"), index=True
    )
    decision_id: Mapped[int] = mapped_column(
        ForeignKey("monitoring_decisions.id", ondelete="CASCADE")
    )
    action_id: Mapped[int] = mapped_column(ForeignKey("actions.id", ondelete="CASCADE"))
