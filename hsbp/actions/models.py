"""The joint action checklist: actions, who owns and funds them, their evidence and history.

An action belongs to one partnership and serves one of its charter goals (by the goal's
stable key, which outlives charter versions). One partner leads it; others support it, and
any of them may contribute money or work in kind. Every change of status or progress is an
update row with its comment, so the history is never rewritten; the action row holds the
current state for listing and filtering.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hsbp.auth.models import User
from hsbp.db import Base, JSONValue, UTCDateTime, utcnow
from hsbp.partnerships.models import Partner


class ActionStatus(enum.StrEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    BLOCKED = "blocked"
    DROPPED = "dropped"


# Statuses that need a reason, and those after which nothing is due any more.
NEEDS_REASON = (ActionStatus.BLOCKED, ActionStatus.DROPPED)
CLOSED = (ActionStatus.DONE, ActionStatus.DROPPED)

action_supporters = Table(
    "action_supporters",
    Base.metadata,
    Column("action_id", Integer, ForeignKey("actions.id", ondelete="CASCADE"), primary_key=True),
    Column("partner_id", Integer, ForeignKey("partners.id", ondelete="CASCADE"), primary_key=True),
    Index("ix_action_supporters_partner_id", "partner_id"),
)

# Named people responsible: members of the partnership, reminded by e-mail.
action_responsibles = Table(
    "action_responsibles",
    Base.metadata,
    Column("action_id", Integer, ForeignKey("actions.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Index("ix_action_responsibles_user_id", "user_id"),
)

# Action `action_id` cannot finish before `depends_on_id` does.
action_dependencies = Table(
    "action_dependencies",
    Base.metadata,
    Column("action_id", Integer, ForeignKey("actions.id", ondelete="CASCADE"), primary_key=True),
    Column(
        "depends_on_id", Integer, ForeignKey("actions.id", ondelete="CASCADE"), primary_key=True
    ),
    Index("ix_action_dependencies_depends_on_id", "depends_on_id"),
)


class Action(Base):
    __tablename__ = "actions"
    __table_args__ = (
        Index("ix_actions_partnership_status_due", "partnership_id", "status", "due_on"),
        Index("ix_actions_lead_partner_id", "lead_partner_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnerships.id", ondelete="CASCADE"))
    # {locale: text}, like every text that must reach people in several languages.
    title: Mapped[dict] = mapped_column(JSONValue, default=dict)
    description: Mapped[dict] = mapped_column(JSONValue, default=dict)
    # The charter goal's stable key (hsbp.principles.content), "" when it serves none yet.
    goal_key: Mapped[str] = mapped_column(String(32), default="")
    lead_partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id", ondelete="RESTRICT"))
    start_on: Mapped[date | None] = mapped_column(Date)
    due_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(12), default=ActionStatus.PLANNED)
    status_reason: Mapped[str] = mapped_column(Text, default="")
    progress: Mapped[int] = mapped_column(default=0)  # percent, 0..100
    principles: Mapped[list] = mapped_column(JSONValue, default=list)  # LIFTS keys
    sdg_targets: Mapped[list] = mapped_column(JSONValue, default=list)  # "6.1", "16.a"
    # The places it serves (localities as the register names them): ACTIONS by SMS, and who
    # is asked whether it works for them once done.
    localities: Mapped[list] = mapped_column(JSONValue, default=list)
    budget: Mapped[Decimal | None] = mapped_column(Numeric(17, 2))
    currency: Mapped[str] = mapped_column(String(3), default="")
    # The SMS broadcast that told the community it was done, so it is told once.
    community_update_id: Mapped[int | None] = mapped_column(
        ForeignKey("sms_broadcasts.id", ondelete="SET NULL")
    )
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    lead_partner: Mapped[Partner] = relationship()
    supporters: Mapped[list[Partner]] = relationship(
        secondary=action_supporters, order_by=Partner.name
    )
    responsibles: Mapped[list[User]] = relationship(
        secondary=action_responsibles, order_by=User.name
    )
    depends_on: Mapped[list[Action]] = relationship(
        secondary=action_dependencies,
        primaryjoin="Action.id == action_dependencies.c.action_id",
        secondaryjoin="Action.id == action_dependencies.c.depends_on_id",
        order_by="Action.id",
    )
    contributions: Mapped[list[Contribution]] = relationship(
        back_populates="action", cascade="all, delete-orphan", order_by="Contribution.id"
    )
    updates: Mapped[list[ActionUpdate]] = relationship(
        back_populates="action", cascade="all, delete-orphan", order_by="ActionUpdate.id.desc()"
    )
    evidence: Mapped[list[Evidence]] = relationship(
        back_populates="action", cascade="all, delete-orphan", order_by="Evidence.id.desc()"
    )

    def is_overdue(self, today: date) -> bool:
        return self.due_on is not None and self.due_on < today and self.status not in CLOSED


class Contribution(Base):
    """What one partner puts into an action: money (amount and currency) or work in kind."""

    __tablename__ = "action_contributions"

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("actions.id", ondelete="CASCADE"), index=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(10), default="cash")  # cash, in_kind
    amount: Mapped[Decimal | None] = mapped_column(Numeric(17, 2))
    currency: Mapped[str] = mapped_column(String(3), default="")
    description: Mapped[str] = mapped_column(Text, default="")

    action: Mapped[Action] = relationship(back_populates="contributions")
    partner: Mapped[Partner] = relationship()


class ActionUpdate(Base):
    """One dated change of an action: status and progress before and after, and why."""

    __tablename__ = "action_updates"

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(
        ForeignKey("partnerships.id", ondelete="CASCADE"), index=True
    )
    action_id: Mapped[int] = mapped_column(ForeignKey("actions.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    status_from: Mapped[str] = mapped_column(String(12), default="")
    status_to: Mapped[str] = mapped_column(String(12), default="")
    progress_from: Mapped[int | None]
    progress_to: Mapped[int | None]
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    action: Mapped[Action] = relationship(back_populates="updates")
    author: Mapped[User | None] = relationship()


class Evidence(Base):
    """A file or a link that shows an action's progress. Files are stored outside the web
    root under a random name and served only to the partnership's members."""

    __tablename__ = "action_evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(
        ForeignKey("partnerships.id", ondelete="CASCADE"), index=True
    )
    action_id: Mapped[int] = mapped_column(ForeignKey("actions.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(8))  # file, link
    title: Mapped[str] = mapped_column(String(200), default="")
    url: Mapped[str] = mapped_column(String(2000), default="")
    filename: Mapped[str] = mapped_column(String(255), default="")  # as uploaded, for display
    stored_name: Mapped[str] = mapped_column(String(64), default="")
    content_type: Mapped[str] = mapped_column(String(100), default="")
    size: Mapped[int] = mapped_column(default=0)
    sha256: Mapped[str] = mapped_column(String(64), default="")
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    action: Mapped[Action] = relationship(back_populates="evidence")
    added_by: Mapped[User | None] = relationship()


class Reminder(Base):
    """A reminder e-mail sent to a responsible person, once per action, kind and due date (a
    new due date earns new reminders)."""

    __tablename__ = "action_reminders"
    __table_args__ = (UniqueConstraint("action_id", "user_id", "kind", "due_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("actions.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(10))  # due_soon, overdue
    due_on: Mapped[date] = mapped_column(Date)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ChecklistSettings(Base):
    """A partnership's checklist settings: reminders and the public transparency page (off
    until a facilitator switches it on; its address holds a random token)."""

    __tablename__ = "action_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(
        ForeignKey("partnerships.id", ondelete="CASCADE"), unique=True
    )
    public_page: Mapped[bool] = mapped_column(default=False)
    public_token: Mapped[str | None] = mapped_column(String(43), unique=True)
    remind_days_before: Mapped[int] = mapped_column(default=7)
    due_soon_days: Mapped[int] = mapped_column(default=14)
