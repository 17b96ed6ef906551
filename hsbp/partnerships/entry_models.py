"""Proposed partners, and hand-overs of a leaving partner's work."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hsbp.auth.models import User
from hsbp.db import Base, JSONValue, UTCDateTime, utcnow
from hsbp.partnerships.models import Partner


class ProposalStatus(enum.StrEnum):
    OPEN = "open"
    ACCEPTED = "accepted"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"


class DepartureStatus(enum.StrEnum):
    OPEN = "open"  # announced, hand-overs still to do
    COMPLETED = "completed"  # everything handed over (or a facilitator overrode), left_on set
    CANCELLED = "cancelled"  # the partner stays


class PartnerProposal(Base):
    """A new partner proposed by a member, accepted or refused by the current partners
    under the charter's decision rule. Nothing becomes a partner until it is accepted."""

    __tablename__ = "partner_proposals"
    __table_args__ = (Index("ix_partner_proposals_partnership_status", "partnership_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnerships.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    sector: Mapped[str] = mapped_column(String(32))
    description: Mapped[str] = mapped_column(Text, default="")
    reason: Mapped[str] = mapped_column(Text, default="")
    # Who to talk to at the organisation: no account is made for them until they are invited.
    contact_name: Mapped[str] = mapped_column(String(200), default="")
    contact_email: Mapped[str] = mapped_column(String(254), default="")
    status: Mapped[str] = mapped_column(String(12), default=ProposalStatus.OPEN)
    # The decision rule it was counted under and the count when it was decided, for the record.
    outcome: Mapped[dict] = mapped_column(JSONValue, default=dict)
    proposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("partners.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    proposed_by: Mapped[User | None] = relationship()
    partner: Mapped[Partner | None] = relationship()
    answers: Mapped[list[ProposalAnswer]] = relationship(
        back_populates="proposal", cascade="all, delete-orphan", order_by="ProposalAnswer.id"
    )


class ProposalAnswer(Base):
    """One current partner's answer to a proposal, given by one of its representatives; it
    may be changed until the proposal is decided. `stance` is "endorse" or "object", the
    words the charter's endorsements use, so the same decision rule counts both."""

    __tablename__ = "partner_proposal_answers"
    __table_args__ = (UniqueConstraint("proposal_id", "partner_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(
        ForeignKey("partnerships.id", ondelete="CASCADE"), index=True
    )
    proposal_id: Mapped[int] = mapped_column(ForeignKey("partner_proposals.id", ondelete="CASCADE"))
    partner_id: Mapped[int] = mapped_column(
        ForeignKey("partners.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    stance: Mapped[str] = mapped_column(String(8))
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    proposal: Mapped[PartnerProposal] = relationship(back_populates="answers")
    partner: Mapped[Partner] = relationship()
    user: Mapped[User | None] = relationship()


class Departure(Base):
    """A partner's announced exit: its leaving date, and whether its work is handed over.
    The partner's `left_on` is set only when the departure completes."""

    __tablename__ = "partner_departures"
    __table_args__ = (
        Index("ix_partner_departures_partnership_status", "partnership_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnerships.id", ondelete="CASCADE"))
    partner_id: Mapped[int] = mapped_column(
        ForeignKey("partners.id", ondelete="CASCADE"), index=True
    )
    leaving_on: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(12), default=DepartureStatus.OPEN)
    announced_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set when a facilitator completed it with work still to hand over, and why.
    override_reason: Mapped[str] = mapped_column(Text, default="")
    overridden_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    # When the partner's representatives lost their membership (on the leaving date).
    members_removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    partner: Mapped[Partner] = relationship()
    handovers: Mapped[list[Handover]] = relationship(
        back_populates="departure", cascade="all, delete-orphan", order_by="Handover.id"
    )


class Handover(Base):
    """One item of a leaving partner's work handed to a named partner: an action (its id), a
    charter budget line (its stable key) or a grievance (its id)."""

    __tablename__ = "partner_handovers"

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(
        ForeignKey("partnerships.id", ondelete="CASCADE"), index=True
    )
    departure_id: Mapped[int] = mapped_column(
        ForeignKey("partner_departures.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(12))  # action, budget, grievance
    item: Mapped[str] = mapped_column(String(32))
    to_partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id", ondelete="CASCADE"))
    by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    departure: Mapped[Departure] = relationship(back_populates="handovers")
    to_partner: Mapped[Partner] = relationship()
