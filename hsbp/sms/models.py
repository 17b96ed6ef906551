"""Tables of the SMS channel: contacts and their consent, senders, and every message."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hsbp.db import (
    Base,
    EncryptedString,
    EncryptedText,
    JSONValue,
    UTCDateTime,
    lookup_hash_of,
    utcnow,
)


class OutboundStatus(enum.StrEnum):
    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    DELIVERED = "delivered"
    UNDELIVERED = "undelivered"
    FAILED = "failed"
    # Never handed to Twilio: the contact had opted out by the time of sending.
    CANCELLED = "cancelled"
    # Never handed to Twilio: the contact gave no consent to what it is for (its kind's
    # purpose, hsbp.sms.handlers.Registry.purposes).
    WITHHELD = "withheld"


class MembershipStatus(enum.StrEnum):
    """Whether the person behind a number agreed, from their own phone, to hear from a
    partnership. Only a JOIN or a YES sent from the phone confirms: a number typed in by a
    facilitator, or imported from the register, waits for that answer."""

    PENDING = "pending"
    CONFIRMED = "confirmed"
    DECLINED = "declined"


class Contact(Base):
    """Someone reachable by SMS. One row per phone number, whatever the partnerships."""

    __tablename__ = "sms_contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    phone: Mapped[str] = mapped_column(EncryptedString(500))
    phone_hash: Mapped[str] = mapped_column(String(64), unique=True, info=lookup_hash_of("phone"))
    locale: Mapped[str | None] = mapped_column(String(10))
    opted_out: Mapped[bool] = mapped_column(default=False)
    # A question the contact was asked and whose answer is a bare number (the language menu).
    awaiting: Mapped[str] = mapped_column(String(40), default="")
    # When the "here is what you can send" reply last went out (at most once a day).
    last_options_reply_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # First written to by the phone simulator: a training number, whose whole thread the
    # simulator may show. A real person's number is never one.
    simulated: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Erased on request: the number and its look-up hash are gone (the hash replaced by a
    # random value so the unique index holds), the row stays so aggregates still add up.
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    memberships: Mapped[list[ContactMembership]] = relationship(back_populates="contact")


class ContactMembership(Base):
    """A contact's place in one partnership, optionally linked to a mapped participant."""

    __tablename__ = "sms_contact_memberships"
    __table_args__ = (UniqueConstraint("contact_id", "partnership_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("sms_contacts.id", ondelete="CASCADE"))
    partnership_id: Mapped[int] = mapped_column(
        ForeignKey("partnerships.id", ondelete="CASCADE"), index=True
    )
    participant_id: Mapped[int | None] = mapped_column(
        ForeignKey("mapping_participants.id", ondelete="SET NULL"), index=True
    )
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    status: Mapped[str] = mapped_column(String(12), default=MembershipStatus.PENDING)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The person's own latest choice of this partnership (a JOIN, a YES, a pick from the
    # numbered list): on a sender several partnerships share, messages go to the latest.
    chosen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The confirmation question: when it was last sent, and how often (it is never nagged).
    asked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    asks: Mapped[int] = mapped_column(default=0)
    # Opted in to news of the partnership's work (an action done, say); its own consent,
    # apart from joining: the history is in ConsentEvent ("updates_on", "updates_off").
    wants_updates: Mapped[bool] = mapped_column(default=False)

    contact: Mapped[Contact] = relationship(back_populates="memberships")


class ConsentEvent(Base):
    """The opt-in history: when, how, and by which message a contact joined or left."""

    __tablename__ = "sms_consent_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(
        ForeignKey("sms_contacts.id", ondelete="CASCADE"), index=True
    )
    partnership_id: Mapped[int | None] = mapped_column(
        ForeignKey("partnerships.id", ondelete="CASCADE")
    )
    event: Mapped[str] = mapped_column(String(20))  # opt_in, opt_out, join
    channel: Mapped[str] = mapped_column(String(20))  # sms, web, import, provider
    inbound_id: Mapped[int | None] = mapped_column(
        ForeignKey("sms_inbound.id", ondelete="SET NULL")
    )
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # How consent was obtained, as a facilitator wrote it: it may name people, so encrypted.
    note: Mapped[str] = mapped_column(EncryptedText, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SmsSettings(Base):
    """A partnership's sender (phone number or Messaging Service SID) and join code."""

    __tablename__ = "sms_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(
        ForeignKey("partnerships.id", ondelete="CASCADE"), unique=True
    )
    sender: Mapped[str] = mapped_column(String(40), index=True)
    join_code: Mapped[str] = mapped_column(String(20), unique=True)
    # Keywords the partnership switched off (INFO, ACTIONS, CHARTER, RESULTS...): their
    # actions, as registered, not the words of any language.
    keywords_off: Mapped[list] = mapped_column(JSONValue, default=list)


class InboundMessage(Base):
    """Every valid message Twilio delivered, stored before anything acts on it."""

    __tablename__ = "sms_inbound"
    __table_args__ = (
        Index("ix_sms_inbound_inbox", "partnership_id", "in_inbox", "received_at"),
        # The inbox's threads: each contact's messages to a partnership, newest first.
        Index("ix_sms_inbound_threads", "partnership_id", "contact_id", "received_at"),
        # The router's work list: the few messages not routed yet, in arrival order.
        Index(
            "ix_sms_inbound_unrouted",
            "received_at",
            "id",
            sqlite_where=text("route = ''"),
            postgresql_where=text("route = ''"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    provider_sid: Mapped[str] = mapped_column(String(64), unique=True)
    from_phone: Mapped[str] = mapped_column(EncryptedString(500))
    from_hash: Mapped[str] = mapped_column(
        String(64), index=True, info=lookup_hash_of("from_phone")
    )
    to_number: Mapped[str] = mapped_column(String(40))
    body: Mapped[str] = mapped_column(EncryptedText)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("sms_contacts.id", ondelete="SET NULL"), index=True
    )
    partnership_id: Mapped[int | None] = mapped_column(
        ForeignKey("partnerships.id", ondelete="CASCADE")
    )
    # What took it: a keyword ("stop", "join"...), a feature's handler name, or "inbox".
    route: Mapped[str] = mapped_column(String(40), default="")
    in_inbox: Mapped[bool] = mapped_column(default=False)
    # What the person was answering, as the handler that took it said ("kind:id", a
    # reference its feature's describer words: hsbp.sms.contexts); empty when unknown.
    about: Mapped[str] = mapped_column(String(60), default="", server_default="")
    # Part of a confidential flow (a grievance, an anonymous consultation, a pulse): its body
    # is blanked once the feature has stored what it needs, and no SMS page shows it.
    confidential: Mapped[bool] = mapped_column(default=False)
    handled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    handled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # When retention or an erasure blanked the body (and, for an erasure, the number).
    body_removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    contact: Mapped[Contact | None] = relationship()


class Broadcast(Base):
    """A message a facilitator sent to an audience, written in each language."""

    __tablename__ = "sms_broadcasts"

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(
        ForeignKey("partnerships.id", ondelete="CASCADE"), index=True
    )
    bodies: Mapped[dict] = mapped_column(JSONValue, default=dict)
    audience: Mapped[dict] = mapped_column(JSONValue, default=dict)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class OutboundMessage(Base):
    """Every message sent: a row first, then a request to Twilio, then its delivery status."""

    __tablename__ = "sms_outbound"
    __table_args__ = (
        Index("ix_sms_outbound_broadcast_status", "broadcast_id", "status"),
        # The sweeper's work list (hsbp.sms.sweeper): the few rows not settled yet.
        Index(
            "ix_sms_outbound_unsettled",
            "status",
            "updated_at",
            sqlite_where=text("status IN ('queued', 'sending')"),
            postgresql_where=text("status IN ('queued', 'sending')"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int | None] = mapped_column(
        ForeignKey("partnerships.id", ondelete="CASCADE"), index=True
    )
    contact_id: Mapped[int] = mapped_column(
        ForeignKey("sms_contacts.id", ondelete="CASCADE"), index=True
    )
    sender: Mapped[str] = mapped_column(String(40))
    body: Mapped[str] = mapped_column(EncryptedText)
    encoding: Mapped[str] = mapped_column(String(8), default="GSM-7")
    segments: Mapped[int] = mapped_column(default=1)
    # reply (in the webhook's TwiML), queued reply, broadcast, notification
    kind: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), default=OutboundStatus.QUEUED)
    provider_sid: Mapped[str | None] = mapped_column(String(64), unique=True)
    error_code: Mapped[int | None]
    error_message: Mapped[str] = mapped_column(Text, default="")
    attempts: Mapped[int] = mapped_column(default=0)
    # Sent in a confidential flow (a grievance receipt, a question of an anonymous
    # consultation): blanked once sent, and no SMS page shows it.
    confidential: Mapped[bool] = mapped_column(default=False)
    broadcast_id: Mapped[int | None] = mapped_column(
        ForeignKey("sms_broadcasts.id", ondelete="SET NULL")
    )
    reply_to_id: Mapped[int | None] = mapped_column(
        ForeignKey("sms_inbound.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    # When retention or an erasure blanked the body.
    body_removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    contact: Mapped[Contact] = relationship()


class LocalText(Base):
    """A system SMS text in a language the platform does not ship (Nasa Yuwe, Wayuunaiki...),
    written by a partnership's facilitators or translators; a text with none falls back to the
    partnership's default language."""

    __tablename__ = "sms_local_texts"
    __table_args__ = (UniqueConstraint("partnership_id", "locale", "msgid_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(
        ForeignKey("partnerships.id", ondelete="CASCADE"), index=True
    )
    locale: Mapped[str] = mapped_column(String(10))
    # The English text it translates, as marked in the code, and its sha256 for the index.
    msgid: Mapped[str] = mapped_column(Text)
    msgid_hash: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
