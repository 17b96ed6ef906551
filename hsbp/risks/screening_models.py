"""Do-no-harm screening of an action that works in a place with recorded tensions: three
short answers given before it starts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Text
from sqlalchemy.orm import Mapped, mapped_column

from hsbp.db import Base, UTCDateTime, utcnow


class ActionScreening(Base):
    __tablename__ = "action_screenings"

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(
        ForeignKey("partnerships.id", ondelete="CASCADE"), index=True
    )
    action_id: Mapped[int] = mapped_column(
        ForeignKey("actions.id", ondelete="CASCADE"), unique=True
    )
    who_at_risk: Mapped[str] = mapped_column(Text)  # who could be put at risk
    divider: Mapped[str] = mapped_column(Text)  # which divider it could feed
    connector: Mapped[str] = mapped_column(Text)  # which connector it strengthens
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
