"""The risks and impacts register: risks, each partner's connection to one (with its leverage,
guiding questions and escalation), responsible-disengagement assessments, and the links from a
risk to where it was seen (grievances, consultation outcome items, pulse gaps, incidents) and
to what answers it (actions, indicators)."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hsbp.db import Base, JSONValue, UTCDateTime, utcnow
from hsbp.partnerships.models import Partner


class RiskStatus(enum.StrEnum):
    OPEN = "open"  # still to be prevented, mitigated or remedied
    ADDRESSED = "addressed"  # the partners judge it prevented, mitigated or remedied
    CLOSED = "closed"  # no longer relevant (with a reason)


class RiskKind(enum.StrEnum):
    POTENTIAL = "potential"  # could happen: prevent and mitigate
    ACTUAL = "actual"  # has happened: remedy too


class Connection(enum.StrEnum):
    """UNGP 13 and 19: how a partner is involved in a harm, which sets what it must do."""

    CAUSES = "causes"
    CONTRIBUTES = "contributes"
    LINKED = "linked"  # directly linked through a business relationship


class Risk(Base):
    """One potential or actual harm to people, in the partnership's area.

    `salience` is computed from severity (scale + scope + irremediability, each 1..4) and
    likelihood (1..4) when they change, so the register is ordered in SQL (severity first, as
    UNGP 24 asks) however long it grows.
    """

    __tablename__ = "risks"
    __table_args__ = (
        UniqueConstraint("partnership_id", "number"),
        Index("ix_risks_partnership_salience", "partnership_id", "salience"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnerships.id", ondelete="CASCADE"))
    number: Mapped[int]  # ... within the partnership
    title: Mapped[dict] = mapped_column(JSONValue, default=dict)  # {locale: text}
    description: Mapped[dict] = mapped_column(JSONValue, default=dict)
    kind: Mapped[str] = mapped_column(String(10), default=RiskKind.POTENTIAL)
    status: Mapped[str] = mapped_column(String(10), default=RiskStatus.OPEN)
    status_reason: Mapped[str] = mapped_column(Text, default="")
    affected_groups: Mapped[str] = mapped_column(Text, default="")
    localities: Mapped[list] = mapped_column(JSONValue, default=list)
    rights: Mapped[list] = mapped_column(JSONValue, default=list)  # keys of hsbp.risks.rights
    dimensions: Mapped[list] = mapped_column(JSONValue, default=list)  # human-security keys
    scale: Mapped[int] = mapped_column(default=1)  # 1..4: how grave
    scope: Mapped[int] = mapped_column(default=1)  # 1..4: how many people
    irremediability: Mapped[int] = mapped_column(default=1)  # 1..4: how hard to put right
    likelihood: Mapped[int] = mapped_column(default=1)  # 1..4 (an actual impact is 4)
    salience: Mapped[int] = mapped_column(default=0)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    connections: Mapped[list[RiskConnection]] = relationship(
        back_populates="risk", order_by="RiskConnection.id", cascade="all, delete-orphan"
    )


class RiskConnection(Base):
    """One partner's connection to one risk, with the reasoning, its leverage and the guiding
    questions answered in order (hsbp.risks.leverage), and how far up the escalation ladder
    it has gone."""

    __tablename__ = "risk_connections"
    __table_args__ = (UniqueConstraint("risk_id", "partner_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(
        ForeignKey("partnerships.id", ondelete="CASCADE"), index=True
    )
    risk_id: Mapped[int] = mapped_column(ForeignKey("risks.id", ondelete="CASCADE"))
    partner_id: Mapped[int] = mapped_column(
        ForeignKey("partners.id", ondelete="CASCADE"), index=True
    )
    connection: Mapped[str] = mapped_column(String(12))
    reasoning: Mapped[str] = mapped_column(Text)
    # The business relationship through which the harm is linked (a supplier, a contractor,
    # a public security force), when there is one: what escalation and disengagement are about.
    relationship_with: Mapped[str] = mapped_column(String(300), default="")
    leverage: Mapped[dict] = mapped_column(JSONValue, default=dict)  # {type: strength}
    leverage_note: Mapped[str] = mapped_column(Text, default="")
    questions: Mapped[dict] = mapped_column(JSONValue, default=dict)  # {question key: answer}
    escalation: Mapped[str] = mapped_column(String(12), default="")  # highest step taken
    disengaged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    risk: Mapped[Risk] = relationship(back_populates="connections")
    partner: Mapped[Partner] = relationship()


class EscalationStep(Base):
    """A dated step on a connection's escalation ladder: engage, condition, act collectively,
    suspend, disengage."""

    __tablename__ = "risk_escalation_steps"

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(
        ForeignKey("partnerships.id", ondelete="CASCADE"), index=True
    )
    connection_id: Mapped[int] = mapped_column(
        ForeignKey("risk_connections.id", ondelete="CASCADE"), index=True
    )
    step: Mapped[str] = mapped_column(String(12))
    taken_on: Mapped[date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class DisengagementAssessment(Base):
    """What leaving a business relationship would do, written before a partner may be marked
    disengaged: who would be harmed by leaving, how that is mitigated, what notice was given."""

    __tablename__ = "risk_disengagements"

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(
        ForeignKey("partnerships.id", ondelete="CASCADE"), index=True
    )
    connection_id: Mapped[int] = mapped_column(
        ForeignKey("risk_connections.id", ondelete="CASCADE"), index=True
    )
    harmed_by_leaving: Mapped[str] = mapped_column(Text)
    mitigation: Mapped[str] = mapped_column(Text)
    notice: Mapped[str] = mapped_column(Text)
    notice_on: Mapped[date | None] = mapped_column(Date)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class LinkKind(enum.StrEnum):
    GRIEVANCE = "grievance"
    OUTCOME_ITEM = "outcome_item"  # an item of a consultation's validated outcome
    PULSE_GAP = "pulse_gap"  # a pulse round's gap between constituencies (round id, key)
    INCIDENT = "incident"
    ACTION = "action"
    INDICATOR = "indicator"


class RiskLink(Base):
    """A risk tied to a row elsewhere: where it was seen, or what answers it.

    `target_id` is the row's id in the table `kind` names; `key` narrows it where a row holds
    several things (a pulse round's gap is the round and the dimension). `role` says what a
    linked action does: "mitigation" or "remediation".
    """

    __tablename__ = "risk_links"
    __table_args__ = (
        UniqueConstraint("risk_id", "kind", "target_id", "key"),
        Index("ix_risk_links_target", "partnership_id", "kind", "target_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnerships.id", ondelete="CASCADE"))
    risk_id: Mapped[int] = mapped_column(ForeignKey("risks.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    target_id: Mapped[int]
    key: Mapped[str] = mapped_column(String(40), default="")
    role: Mapped[str] = mapped_column(String(12), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class KeyMoment(Base):
    """A date when a partner can use its leverage: a contract negotiation or renewal, a
    tender, a payment, an audit, a licence renewal, a board meeting."""

    __tablename__ = "key_moments"
    __table_args__ = (Index("ix_key_moments_partnership_on", "partnership_id", "occurs_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnerships.id", ondelete="CASCADE"))
    partner_id: Mapped[int] = mapped_column(
        ForeignKey("partners.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(24))
    title: Mapped[str] = mapped_column(String(300))
    occurs_on: Mapped[date] = mapped_column(Date)
    remind_days_before: Mapped[int] = mapped_column(default=14)
    note: Mapped[str] = mapped_column(Text, default="")
    # When the reminder went, so it goes once; cleared when the date moves.
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    partner: Mapped[Partner] = relationship()
