"""User accounts."""

from __future__ import annotations

import secrets
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from hsbp.db import Base, EncryptedString, UTCDateTime, utcnow

EMAIL_MAX = 254
NAME_MAX = 120


def new_session_token() -> str:
    return secrets.token_urlsafe(24)


class User(UserMixin, Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(EMAIL_MAX), unique=True)
    name: Mapped[str] = mapped_column(String(NAME_MAX))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    locale: Mapped[str | None] = mapped_column(String(10))
    is_site_admin: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)
    # Part of the login cookie; replaced by a password change or reset and by "sign out
    # everywhere", so every cookie issued before stops working.
    session_token: Mapped[str] = mapped_column(String(64), default=new_session_token)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The second factor (TOTP, RFC 6238): the shared secret, encrypted at rest; confirmed
    # once the person has typed a code from their app. A secret not yet confirmed is an
    # enrolment in progress and signs nobody in.
    totp_secret: Mapped[str | None] = mapped_column(EncryptedString(500))
    totp_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The time step of the last code accepted: a code (or an older one) is never taken twice.
    totp_last_step: Mapped[int | None]
    # When a site administrator deactivated the account (None while active).
    deactivated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    # The login cookie's id (see UserSession): set on this object when a session starts or
    # a cookie is read (hsbp.auth.sessions). Not a column: the cookie's secret is never stored.
    session_cookie = None
    # The UserSession this object was signed in or loaded through, if any (its id, and the
    # row: whether this browser passed the second factor, and when it last proved it).
    current_session_id = None
    current_session = None

    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str:
        """What Flask-Login keeps in the session and remember-me cookies."""
        if self.session_cookie is None:
            raise RuntimeError("no session: sign in through hsbp.auth.sessions.start_session")
        return self.session_cookie

    # The same account, whichever session it was loaded through (Flask-Login's mixin compares
    # cookie ids, which now differ from one browser to the next).
    def __eq__(self, other):
        if isinstance(other, User):
            return self is other or (self.id is not None and self.id == other.id)
        return NotImplemented

    __hash__ = object.__hash__


class UserSession(Base):
    """One signed-in browser. The cookie carries the row's id and a secret whose hash is
    kept here, so signing out ends that session on the server: a copied cookie stops
    working, and "sign out everywhere" ends them all."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The browser, as its User-Agent names it (cut short), so a person recognises it.
    user_agent: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When this browser passed the second factor (None: password only, or no second factor).
    second_factor_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When the person last proved it was them again on this browser (password and code),
    # as revealing an identity or exporting identities asks.
    reauthenticated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class RecoveryCode(Base):
    """One of the single-use codes that stand in for the authenticator app when it is lost.
    Only a hash is kept; a code is shown once, when the set is made."""

    __tablename__ = "user_recovery_codes"
    __table_args__ = (UniqueConstraint("user_id", "code_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
