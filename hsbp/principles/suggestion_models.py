"""Suggestions on a draft charter's clauses: a partner's proposed wording, and its fate."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hsbp.auth.models import User
from hsbp.db import Base, JSONValue, UTCDateTime, utcnow
from hsbp.partnerships.models import Partner
from hsbp.principles.models import CharterVersion


class SuggestionStatus(enum.StrEnum):
    OPEN = "open"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"
    # The draft was proposed before a facilitator decided: closed, kept in the history.
    LAPSED = "lapsed"


class CharterSuggestion(Base):
    """New wording for one clause of a draft version, by a partner's representative.

    `clause` names a text of the document ("principles/trust", "roles/12",
    "goals/<key>/target": hsbp.principles.suggestion_clauses). `before` is what the clause
    said when the suggestion was made, so a facilitator sees whether the draft moved since;
    `wording` holds only the languages the suggestion changes ({locale: text}).
    """

    __tablename__ = "charter_suggestions"

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(
        ForeignKey("partnerships.id", ondelete="CASCADE"), index=True
    )
    version_id: Mapped[int] = mapped_column(
        ForeignKey("charter_versions.id", ondelete="CASCADE"), index=True
    )
    clause: Mapped[str] = mapped_column(String(100))
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("partners.id", ondelete="SET NULL"))
    before: Mapped[dict] = mapped_column(JSONValue, default=dict)
    wording: Mapped[dict] = mapped_column(JSONValue, default=dict)
    comment: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(10), default=SuggestionStatus.OPEN)
    reason: Mapped[str] = mapped_column(Text, default="")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    version: Mapped[CharterVersion] = relationship()
    partner: Mapped[Partner | None] = relationship()
    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
