"""Which monitoring indicator each item of the charter's indicator set is.

The charter names an indicator by a stable key (its document is frozen once adopted, so it
cannot hold an id of a row created by its own adoption); this table ties the key to the
indicator, and marks an indicator an adopted charter left out as retired: its values stay on
record, no new one is taken.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from hsbp.db import Base, UTCDateTime


class CharterIndicator(Base):
    __tablename__ = "charter_indicators"
    __table_args__ = (UniqueConstraint("partnership_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(
        ForeignKey("partnerships.id", ondelete="CASCADE"), index=True
    )
    indicator_id: Mapped[int] = mapped_column(
        ForeignKey("monitoring_indicators.id", ondelete="CASCADE"), unique=True
    )
    key: Mapped[str] = mapped_column(String(32))
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
