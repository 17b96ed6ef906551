"""Participant mapping: participants, their group tags, and the relationships between them."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hsbp.db import (
    ENCRYPTED_BYTES,
    Base,
    EncryptedString,
    EncryptedText,
    JSONValue,
    UTCDateTime,
    lookup_hash_of,
    utcnow,
)
from hsbp.partnerships.models import Partner


class ParticipantKind(enum.StrEnum):
    PERSON = "person"
    GROUP = "group"
    ORGANISATION = "organisation"


class Risk(enum.StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class Validation(enum.StrEnum):
    PROPOSED = "proposed"
    VALIDATED = "validated"


class RelationshipKind(enum.StrEnum):
    REPRESENTS = "represents"
    COOPERATES = "cooperates"
    TENSION = "tension"
    DEPENDS = "depends"


# The marginalised groups every partnership starts with; each may add its own.
DEFAULT_TAGS = (
    "women",
    "youth",
    "indigenous",
    "minorities",
    "displaced",
    "victims",
    "disabilities",
    "older",
)


class GroupTag(Base):
    """A marginalised-group tag of one partnership (default ones are named by the catalogs)."""

    __tablename__ = "mapping_tags"
    __table_args__ = (UniqueConstraint("partnership_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(
        ForeignKey("partnerships.id", ondelete="CASCADE"), index=True
    )
    key: Mapped[str] = mapped_column(String(40))
    # {locale: text} for tags a partnership adds; empty for the defaults.
    names: Mapped[dict] = mapped_column(JSONValue, default=dict)
    position: Mapped[int] = mapped_column(default=0)


participant_tags = Table(
    "mapping_participant_tags",
    Base.metadata,
    Column(
        "participant_id",
        Integer,
        ForeignKey("mapping_participants.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("tag_id", Integer, ForeignKey("mapping_tags.id", ondelete="CASCADE"), primary_key=True),
    Index("ix_mapping_participant_tags_tag_id", "tag_id"),
)


class Participant(Base):
    __tablename__ = "mapping_participants"
    __table_args__ = (
        UniqueConstraint("partnership_id", "external_ref"),
        Index("ix_mapping_participants_partnership_name", "partnership_id", "sort_name"),
        Index("ix_mapping_participants_partnership_phone", "partnership_id", "phone_hash"),
        Index("ix_mapping_participants_partnership_name_hash", "partnership_id", "name_hash"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(
        ForeignKey("partnerships.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20), default=ParticipantKind.PERSON)
    # The name everyone may see: the real name, or for high-risk participants a pseudonym.
    display_name: Mapped[str] = mapped_column(String(200))
    # Lower-cased display name, for sorting and searching without functions on the column.
    sort_name: Mapped[str] = mapped_column(String(200))
    # The real name, encrypted; shown to facilitators only when the participant is high-risk.
    protected_name: Mapped[str] = mapped_column(EncryptedString(1000))
    # Keyed hash of the normalised real name: finds duplicates without reading names.
    name_hash: Mapped[str] = mapped_column(
        String(64), info=lookup_hash_of("protected_name", "hsbp.mapping.names:normalise_name")
    )
    sector: Mapped[str] = mapped_column(String(32))
    locality: Mapped[str] = mapped_column(String(200), default="")
    languages: Mapped[list[str]] = mapped_column(JSONValue, default=list)
    interest: Mapped[int] = mapped_column(default=3)
    influence: Mapped[int] = mapped_column(default=3)
    # Reach: phone (E.164, encrypted, looked up by keyed hash), e-mail, or a named intermediary.
    phone: Mapped[str | None] = mapped_column(EncryptedString(500))
    phone_hash: Mapped[str | None] = mapped_column(String(64), info=lookup_hash_of("phone"))
    email: Mapped[str | None] = mapped_column(EncryptedString(1000))
    # Who carries messages in person: often a named person, so encrypted like the name.
    intermediary: Mapped[str] = mapped_column(EncryptedString(1000), default="")
    reachable: Mapped[bool] = mapped_column(default=False)
    consent_on: Mapped[date | None] = mapped_column(Date)
    consent_method: Mapped[str] = mapped_column(String(20), default="")
    consent_scope: Mapped[str] = mapped_column(Text, default="")
    proposed_by_partner_id: Mapped[int | None] = mapped_column(
        ForeignKey("partners.id", ondelete="SET NULL"), index=True
    )
    status: Mapped[str] = mapped_column(String(20), default=Validation.PROPOSED)
    validated_by_partner_id: Mapped[int | None] = mapped_column(
        ForeignKey("partners.id", ondelete="SET NULL")
    )
    validated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    validated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    risk: Mapped[str] = mapped_column(String(10), default=Risk.LOW)
    # What keeps an at-risk person safe, and notes about them: encrypted at rest.
    protective_measures: Mapped[str] = mapped_column(EncryptedText, default="")
    notes: Mapped[str] = mapped_column(EncryptedText, default="")
    external_ref: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    # Erased on request: names, phone, e-mail and notes are gone, the display name is a
    # placeholder; the row stays so counts and anonymous answers still add up.
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    tags: Mapped[list[GroupTag]] = relationship(
        secondary=participant_tags, order_by=GroupTag.position
    )
    proposed_by: Mapped[Partner | None] = relationship(foreign_keys=[proposed_by_partner_id])
    validated_by_partner: Mapped[Partner | None] = relationship(
        foreign_keys=[validated_by_partner_id]
    )

    @property
    def is_protected(self) -> bool:
        return self.risk == Risk.HIGH


class ParticipantLink(Base):
    """A relationship from one participant to another of the same partnership."""

    __tablename__ = "mapping_relationships"
    __table_args__ = (UniqueConstraint("source_id", "target_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(
        ForeignKey("partnerships.id", ondelete="CASCADE"), index=True
    )
    source_id: Mapped[int] = mapped_column(
        ForeignKey("mapping_participants.id", ondelete="CASCADE"), index=True
    )
    target_id: Mapped[int] = mapped_column(
        ForeignKey("mapping_participants.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20))
    # May say who is in tension with whom about what: encrypted at rest.
    note: Mapped[str] = mapped_column(EncryptedText, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    source: Mapped[Participant] = relationship(foreign_keys=[source_id])
    target: Mapped[Participant] = relationship(foreign_keys=[target_id])


class ParticipantImport(Base):
    """An uploaded file waiting for the user to confirm its preview. Encrypted: it may hold
    phone numbers of people at risk."""

    __tablename__ = "mapping_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(
        ForeignKey("partnerships.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    filename: Mapped[str] = mapped_column(String(200))
    content: Mapped[bytes] = mapped_column(LargeBinary, info=ENCRYPTED_BYTES)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class DuplicateReview(Base):
    """A participant someone other than a facilitator tried to map who may already be mapped.

    The refusal they see names nobody; what they typed is kept here, encrypted, so nothing is
    lost, and a facilitator compares it with the candidate and decides: map it as a new
    participant, or drop it as the same person.
    """

    __tablename__ = "mapping_duplicate_reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(
        ForeignKey("partnerships.id", ondelete="CASCADE"), index=True
    )
    # The participant already mapped that looks like the same one.
    candidate_id: Mapped[int | None] = mapped_column(
        ForeignKey("mapping_participants.id", ondelete="SET NULL")
    )
    # What was typed, as JSON (names and phones included), encrypted.
    fields: Mapped[str] = mapped_column(EncryptedText)
    # "form" (a new participant), "edit" (a change to `participant_id`) or "import"
    source: Mapped[str] = mapped_column(String(10), default="form")
    proposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    proposed_by_partner_id: Mapped[int | None] = mapped_column(
        ForeignKey("partners.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # "mapped" (a new participant after all) or "same" (dropped as the candidate's twin)
    outcome: Mapped[str] = mapped_column(String(10), default="")
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The participant mapped when the outcome is "mapped"; for an edit, the one it changes.
    participant_id: Mapped[int | None] = mapped_column(
        ForeignKey("mapping_participants.id", ondelete="SET NULL")
    )

    candidate: Mapped[Participant | None] = relationship(foreign_keys=[candidate_id])
    participant: Mapped[Participant | None] = relationship(foreign_keys=[participant_id])
    proposed_by = relationship("User", foreign_keys=[proposed_by_id])
    proposed_by_partner: Mapped[Partner | None] = relationship(
        foreign_keys=[proposed_by_partner_id]
    )
