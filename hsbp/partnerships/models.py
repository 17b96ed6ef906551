"""Partnerships, their partners, their members and invitations to join."""

from __future__ import annotations

import enum
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import Date, ForeignKey, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hsbp.auth.models import User
from hsbp.db import Base, JSONValue, UTCDateTime, utcnow


def zone_of(name: str | None) -> ZoneInfo:
    """The time zone called `name`; UTC when it is empty or unknown on this machine."""
    try:
        return ZoneInfo(name or "UTC")
    except (ValueError, KeyError):
        return ZoneInfo("UTC")


class Stage(enum.StrEnum):
    FORMING = "forming"
    ACTIVE = "active"
    UNDER_REVIEW = "under_review"
    CLOSED = "closed"


class Sector(enum.StrEnum):
    COMPANY = "company"
    LOCAL_GOVERNMENT = "local_government"
    NATIONAL_GOVERNMENT = "national_government"
    CIVIL_SOCIETY = "civil_society"
    COMMUNITY_GROUP = "community_group"
    INTERNATIONAL_ORGANISATION = "international_organisation"
    ACADEMIC = "academic"


class Partnership(Base):
    __tablename__ = "partnerships"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    country: Mapped[str] = mapped_column(String(2))
    locality: Mapped[str] = mapped_column(String(200), default="")
    context_summary: Mapped[str] = mapped_column(Text, default="")
    stage: Mapped[str] = mapped_column(String(20), default=Stage.FORMING)
    default_locale: Mapped[str] = mapped_column(String(10), default="en")
    # Languages the partnership's content must be written in; the default is always one.
    locales: Mapped[list[str]] = mapped_column(JSONValue, default=list)
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    # Every member must sign in with a second factor, not only those who see identities.
    require_two_factor: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def zone(self) -> ZoneInfo:
        return zone_of(self.timezone)

    partners: Mapped[list[Partner]] = relationship(
        back_populates="partnership", order_by="Partner.name"
    )


class Partner(Base):
    __tablename__ = "partners"
    __table_args__ = (UniqueConstraint("partnership_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(
        ForeignKey("partnerships.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    sector: Mapped[str] = mapped_column(String(32))
    description: Mapped[str] = mapped_column(Text, default="")
    joined_on: Mapped[date | None] = mapped_column(Date)
    left_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    partnership: Mapped[Partnership] = relationship(back_populates="partners")

    @property
    def is_current(self) -> bool:
        return self.left_on is None or self.left_on > date.today()


class Membership(Base):
    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("partnership_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(
        ForeignKey("partnerships.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    # Set for partner representatives only: the organisation they speak for.
    partner_id: Mapped[int | None] = mapped_column(
        ForeignKey("partners.id", ondelete="RESTRICT"), index=True
    )
    # May write the system SMS texts in the partnership's local languages, whatever the role.
    translator: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship()
    partner: Mapped[Partner | None] = relationship()
    partnership: Mapped[Partnership] = relationship()


class Invitation(Base):
    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(
        ForeignKey("partnerships.id", ondelete="CASCADE"), index=True
    )
    email: Mapped[str] = mapped_column(String(254))
    role: Mapped[str] = mapped_column(String(20))
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("partners.id", ondelete="CASCADE"))
    # Only a hash is kept: the link in the e-mail is the one copy of the token.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    partnership: Mapped[Partnership] = relationship()
    partner: Mapped[Partner | None] = relationship()
    invited_by: Mapped[User | None] = relationship()

    @property
    def is_pending(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None and self.expires_at > utcnow()
