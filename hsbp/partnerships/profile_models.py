"""Facilitators' profiles in a partnership, and the co-facilitator."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hsbp.db import Base, JSONValue, UTCDateTime, utcnow
from hsbp.partnerships.models import Membership, Partner


class FacilitatorProfile(Base):
    """What a facilitator declares to every member: the organisation they come from, why they
    are neutral, and the interests they hold. One per facilitator membership.

    A co-facilitator from the community side is a facilitator whose profile names the
    community-side partner they come from (`community_partner_id`); the row then exists from
    the moment they are named, before they write anything (`updated_at` stays empty until
    they do).
    """

    __tablename__ = "facilitator_profiles"
    __table_args__ = (UniqueConstraint("membership_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(
        ForeignKey("partnerships.id", ondelete="CASCADE"), index=True
    )
    membership_id: Mapped[int] = mapped_column(ForeignKey("memberships.id", ondelete="CASCADE"))
    organisation: Mapped[str] = mapped_column(String(200), default="")
    # {locale: text}, in the partnership's languages like its other shared content.
    neutrality: Mapped[dict] = mapped_column(JSONValue, default=dict)
    interests: Mapped[dict] = mapped_column(JSONValue, default=dict)
    community_partner_id: Mapped[int | None] = mapped_column(
        ForeignKey("partners.id", ondelete="RESTRICT"), index=True
    )
    named_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    named_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    membership: Mapped[Membership] = relationship()
    community_partner: Mapped[Partner | None] = relationship()

    @property
    def is_written(self) -> bool:
        return self.updated_at is not None
