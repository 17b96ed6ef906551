"""Notification preferences, what was sent, unsubscribe tokens, the phone a person verified.

A person's preferences are theirs, across every partnership they belong to, so they carry
no partnership_id; what was sent about an item does, as the item is partnership data.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from hsbp.db import Base, EncryptedString, UTCDateTime, lookup_hash_of, utcnow


class Mode(enum.StrEnum):
    OFF = "off"
    IMMEDIATE = "immediate"
    DIGEST = "digest"


# Digest for every kind until the person chooses: partners who rarely sign in are the ones
# the issue wants told, and one daily e-mail, sent only when something waits, tells them
# without the noise of an e-mail per event.
DEFAULT_MODE = Mode.DIGEST
DEFAULT_DIGEST_HOUR = 7  # local morning, as the action reminders


class NotificationPreference(Base):
    """How one person wants to hear of one kind of item; no row: DEFAULT_MODE."""

    __tablename__ = "notification_preferences"
    __table_args__ = (UniqueConstraint("user_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))
    mode: Mapped[str] = mapped_column(String(12), default=DEFAULT_MODE)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class NotificationSettings(Base):
    """One person's digest clock, and the last day a digest was made for them."""

    __tablename__ = "notification_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    digest_hour: Mapped[int] = mapped_column(default=DEFAULT_DIGEST_HOUR)
    # An IANA name; "" means the time zone of the person's first partnership.
    timezone: Mapped[str] = mapped_column(String(64), default="")
    # The local date of the last digest run for them (sent or found empty): the claim that
    # makes a second run the same day, even a concurrent one, send nothing.
    last_digest_on: Mapped[date | None] = mapped_column(Date)
    last_digest_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # "Also tell me by SMS": an SMS to their verified phone with each immediate e-mail.
    sms_immediate: Mapped[bool] = mapped_column(default=False)


class NotificationSeen(Base):
    """An item the notifications have met for a person: when it was e-mailed on its own
    (immediate) and when it first went into a digest, so nothing goes twice and a digest can
    say what is new. Deleted once the item no longer waits."""

    __tablename__ = "notification_seen"
    __table_args__ = (
        UniqueConstraint("user_id", "key"),
        Index("ix_notification_seen_partnership_id", "partnership_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnerships.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))
    key: Mapped[str] = mapped_column(String(200))
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    emailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When an SMS counted it (its partnership's "N new things need you"); None when it went
    # by e-mail alone (no phone, no sender, opted out, or the day's SMS were spent).
    texted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    digested_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class UnsubscribeToken(Base):
    """A one-click unsubscribe link of one e-mail, for one person and kind. Only the hash
    is kept: the e-mail holds the one copy of the token (and loses it once sent)."""

    __tablename__ = "notification_unsubscribe_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class NotificationPhone(Base):
    """The mobile number a person gave for notification SMS, and its verification.

    Personal data: the numbers are encrypted at rest and shown to their owner alone (no
    audit entry, no other page, no log). `phone` is the verified number ("" until one is);
    `pending_phone` a number waiting for its code, kept only as a keyed hash bound to the
    person and the number. The two windows count codes sent (a code an hour or so) and
    notification SMS (a few a day), each from the first one of its window.
    """

    __tablename__ = "notification_phones"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    phone: Mapped[str] = mapped_column(EncryptedString(500), default="")
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    pending_phone: Mapped[str] = mapped_column(EncryptedString(500), default="")
    code_hash: Mapped[str] = mapped_column(String(64), default="", info=lookup_hash_of(None))
    code_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(default=0)
    codes_window_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    codes_in_window: Mapped[int] = mapped_column(default=0)
    texts_window_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    texts_in_window: Mapped[int] = mapped_column(default=0)
