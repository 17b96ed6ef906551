"""Grievances: complaints about the partnership's work, their stages, and who may see whom.

A grievance's complainant is protected: names, phones, e-mails and the text itself are
encrypted at rest, and only grievance officers (a role facilitators grant) may see who filed
it, each view audited. An anonymous grievance keeps its reply channel (the SMS contact it
came from) without a readable identity.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hsbp.auth.models import User
from hsbp.db import Base, EncryptedString, EncryptedText, UTCDateTime, utcnow
from hsbp.partnerships.models import Partner


class Stage(enum.StrEnum):
    RECEIVED = "received"
    ACKNOWLEDGED = "acknowledged"
    ASSESSING = "assessing"
    RESPONSE_PROPOSED = "response_proposed"
    ACCEPTED = "accepted"
    APPEALED = "appealed"
    REFERRED = "referred"
    CLOSED = "closed"


# The workflow: from each stage, the stages it may move to. Remedy for past abuses belongs to
# forums outside the partnership, so a grievance may be referred at any point before a
# response is agreed.
NEXT_STAGES: dict[str, tuple[str, ...]] = {
    Stage.RECEIVED: (Stage.ACKNOWLEDGED, Stage.REFERRED),
    Stage.ACKNOWLEDGED: (Stage.ASSESSING, Stage.REFERRED),
    Stage.ASSESSING: (Stage.RESPONSE_PROPOSED, Stage.REFERRED),
    Stage.RESPONSE_PROPOSED: (Stage.ACCEPTED, Stage.APPEALED),
    Stage.APPEALED: (Stage.ASSESSING, Stage.REFERRED, Stage.CLOSED),
    Stage.ACCEPTED: (Stage.CLOSED,),
    Stage.REFERRED: (Stage.CLOSED,),
    Stage.CLOSED: (),
}
OPEN_STAGES = tuple(s for s in Stage if s != Stage.CLOSED)


class Channel(enum.StrEnum):
    SMS = "sms"
    PUBLIC = "public"  # the public web form, no account
    MEMBER = "member"  # a member on the web
    IN_PERSON = "in_person"  # recorded by a facilitator
    PHONE = "phone"  # recorded by a facilitator


class Severity(enum.StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"


CATEGORIES = (
    "land",
    "water",
    "environment",
    "employment",
    "security",
    "conduct",
    "consultation",
    "community_relations",
    "other",
)


class Grievance(Base):
    __tablename__ = "grievances"
    __table_args__ = (Index("ix_grievances_partnership_stage", "partnership_id", "stage"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnerships.id", ondelete="CASCADE"))
    # Short, random, with a check digit (hsbp.grievances.codes); unique across partnerships
    # so `STATUS <code>` needs no partnership.
    code: Mapped[str] = mapped_column(String(12), unique=True)
    channel: Mapped[str] = mapped_column(String(12))
    stage: Mapped[str] = mapped_column(String(20), default=Stage.RECEIVED)
    stage_changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    description: Mapped[str] = mapped_column(EncryptedText)
    locale: Mapped[str] = mapped_column(String(10), default="en")
    category: Mapped[str] = mapped_column(String(24), default="other")
    severity: Mapped[str] = mapped_column(String(10), default=Severity.MEDIUM)
    # When an officer first saved the category and severity. Until then both are only the
    # defaults a grievance is filed with (an SMS says neither), and pages say "Not assessed
    # yet" rather than present them as someone's judgement.
    assessed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    partner_id: Mapped[int | None] = mapped_column(
        ForeignKey("partners.id", ondelete="SET NULL"), index=True
    )
    officer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    anonymous: Mapped[bool] = mapped_column(default=False)
    # The reply channel: the SMS contact it came from (kept for anonymous ones too).
    contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("sms_contacts.id", ondelete="SET NULL"), index=True
    )
    # A member who filed it on the web (never set when anonymous).
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # Who filed it, as given on a form or to a facilitator (never set when anonymous).
    complainant_name: Mapped[str] = mapped_column(EncryptedString(500), default="")
    complainant_phone: Mapped[str] = mapped_column(EncryptedString(500), default="")
    complainant_email: Mapped[str] = mapped_column(EncryptedString(500), default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    response_proposed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When the facilitators were told it is past its deadline, so they are told once a stage.
    escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The forum it went to, with what was said about the case: encrypted like the note.
    referred_to: Mapped[str] = mapped_column(EncryptedText, default="")
    # The complainant's rating of the outcome, 1..5, asked by SMS on closing.
    rating: Mapped[int | None]
    rated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When the complainant's identity (name, phone, e-mail, contact) was removed, by the
    # retention schedule after closing or by an erasure.
    identity_removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    partner: Mapped[Partner | None] = relationship()
    officer: Mapped[User | None] = relationship(foreign_keys=[officer_id])
    events: Mapped[list[GrievanceEvent]] = relationship(
        back_populates="grievance", cascade="all, delete-orphan", order_by="GrievanceEvent.id"
    )


class GrievanceEvent(Base):
    """One dated step of a grievance: a change of stage (or of its handling) and its note."""

    __tablename__ = "grievance_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(
        ForeignKey("partnerships.id", ondelete="CASCADE"), index=True
    )
    grievance_id: Mapped[int] = mapped_column(
        ForeignKey("grievances.id", ondelete="CASCADE"), index=True
    )
    stage_from: Mapped[str] = mapped_column(String(20), default="")
    stage_to: Mapped[str] = mapped_column(String(20), default="")
    # Shown to the officers; may speak of the complainant, so encrypted.
    note: Mapped[str] = mapped_column(EncryptedText, default="")
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # Whether the complainant was told by SMS (an outgoing row), for the record.
    told_by_sms: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    grievance: Mapped[Grievance] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()


class GrievanceOfficer(Base):
    """A member named grievance officer of a partnership: the only people who see who filed a
    grievance. Only facilitators grant it."""

    __tablename__ = "grievance_officers"
    __table_args__ = (UniqueConstraint("partnership_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnerships.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # The member's role when named: the rights last only while the member holds that role.
    role: Mapped[str] = mapped_column(String(20), default="")
    # Named from outside the partners (an observer with no partner) to handle the grievances
    # every other officer must stay out of.
    independent: Mapped[bool] = mapped_column(default=False)
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship(foreign_keys=[user_id])


class GrievanceSettings(Base):
    """A partnership's grievance settings: deadlines per stage and the public form's address."""

    __tablename__ = "grievance_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(
        ForeignKey("partnerships.id", ondelete="CASCADE"), unique=True
    )
    acknowledge_days: Mapped[int] = mapped_column(default=7)
    respond_days: Mapped[int] = mapped_column(default=30)
    public_form: Mapped[bool] = mapped_column(default=True)
    public_token: Mapped[str | None] = mapped_column(String(43), unique=True)
