"""The partnership charter: versions of its content, and each partner's endorsement."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hsbp.auth.models import User
from hsbp.db import Base, JSONValue, UTCDateTime, utcnow
from hsbp.partnerships.models import Partner


class CharterStatus(enum.StrEnum):
    DRAFT = "draft"
    PROPOSED = "proposed"
    ADOPTED = "adopted"
    SUPERSEDED = "superseded"


class Stance(enum.StrEnum):
    ENDORSE = "endorse"
    OBJECT = "object"


class CharterVersion(Base):
    """One version of a partnership's charter.

    `content` is one JSON document (principles, protocols, roles, budget, goals; every text
    a {locale: text} dict), so a version is frozen as a whole once adopted and any two
    versions compare field by field. Goals keep a stable `key` across versions, for the
    indicators and actions that will point at them.
    """

    __tablename__ = "charter_versions"
    __table_args__ = (UniqueConstraint("partnership_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(
        ForeignKey("partnerships.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int]
    status: Mapped[str] = mapped_column(String(20), default=CharterStatus.DRAFT)
    based_on_id: Mapped[int | None] = mapped_column(
        ForeignKey("charter_versions.id", ondelete="SET NULL")
    )
    content: Mapped[dict] = mapped_column(JSONValue, default=dict)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    proposed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    adopted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    endorsements: Mapped[list[Endorsement]] = relationship(
        back_populates="version", order_by="Endorsement.created_at"
    )


class Endorsement(Base):
    """A partner's endorsement of, or objection to, a proposed (or the in-force) version."""

    __tablename__ = "charter_endorsements"
    __table_args__ = (UniqueConstraint("version_id", "partner_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(
        ForeignKey("partnerships.id", ondelete="CASCADE"), index=True
    )
    version_id: Mapped[int] = mapped_column(
        ForeignKey("charter_versions.id", ondelete="CASCADE"), index=True
    )
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    stance: Mapped[str] = mapped_column(String(10))
    comment: Mapped[str] = mapped_column(Text, default="")
    # Taken in a community assembly for a partner without web accounts (hsbp.community).
    assembly_id: Mapped[int | None] = mapped_column(
        ForeignKey("community_assemblies.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    version: Mapped[CharterVersion] = relationship(back_populates="endorsements")
    partner: Mapped[Partner] = relationship()
    user: Mapped[User | None] = relationship()
