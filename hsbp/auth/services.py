"""Accounts: sign-in, passwords, password reset and profile settings."""

from __future__ import annotations

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hsbp import audit, mail
from hsbp.auth import sessions
from hsbp.auth.models import User, new_session_token
from hsbp.db import utcnow
from hsbp.errors import ServiceError
from hsbp.i18n import UI_LOCALE_CODES
from hsbp.paths import public_url
from hsbp.security import hash_password, password_needs_rehash, verify_password

PASSWORD_MIN = 10
PASSWORD_MAX = 128


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user_by_email(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(func.lower(User.email) == normalise_email(email)))


def check_password_rules(password: str, *, email: str) -> None:
    if len(password) < PASSWORD_MIN:
        raise ServiceError(
            _l("Use at least %(count)d characters.", count=PASSWORD_MIN), field="password"
        )
    if len(password) > PASSWORD_MAX:
        raise ServiceError(
            _l("Use at most %(count)d characters.", count=PASSWORD_MAX), field="password"
        )
    if password.strip().lower() == normalise_email(email):
        raise ServiceError(_l("The password must not be your e-mail address."), field="password")


def create_user(
    session: Session,
    *,
    email: str,
    name: str,
    password: str,
    locale: str | None = None,
    is_site_admin: bool = False,
    actor_id: int | None = None,
) -> User:
    """Create an account. Side effects: a users row and an audit entry."""
    email = normalise_email(email)
    if find_user_by_email(session, email) is not None:
        raise ServiceError(_l("An account with this e-mail address already exists."), field="email")
    check_password_rules(password, email=email)
    if locale is not None and locale not in UI_LOCALE_CODES:
        raise ServiceError(_l("Unknown language."), field="locale")
    user = User(
        email=email,
        name=name.strip(),
        password_hash=hash_password(password),
        locale=locale,
        is_site_admin=is_site_admin,
    )
    session.add(user)
    session.flush()
    audit.record(
        session,
        actor_id=actor_id or user.id,
        action="user.create",
        obj=user,
        details={"email": email, "site_admin": is_site_admin},
    )
    return user


def authenticate(session: Session, *, email: str, password: str) -> User | None:
    """The active user with this e-mail and password, else None (same time either way).

    Side effects: upgrades an outdated password hash; sets last_login_at.
    """
    user = find_user_by_email(session, email)
    ok = verify_password(user.password_hash if user else None, password)
    if not (ok and user and user.is_active):
        return None
    if password_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()
    return user


def change_password(
    session: Session, *, user: User, current: str, new: str, keep_session_id: int | None
) -> None:
    """Set a new password; every other browser is signed out, the session `keep_session_id`
    (this one) stays open.

    Side effects: new hash, new session token, the other sessions ended, audit entry.
    """
    if not verify_password(user.password_hash, current):
        raise ServiceError(_l("The current password is not correct."), field="current_password")
    _set_password(
        session, user=user, password=new, action="user.password_change", keep=keep_session_id
    )


def _set_password(
    session: Session, *, user: User, password: str, action: str, keep: int | None
) -> None:
    check_password_rules(password, email=user.email)
    user.password_hash = hash_password(password)
    user.session_token = new_session_token()
    sessions.end_other_sessions(session, user=user, keep=keep)
    audit.record(session, actor_id=user.id, action=action, obj=user)


def _reset_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="hsbp.password-reset")


def make_reset_token(user: User) -> str:
    # The session token inside makes the link single-use: a reset replaces it.
    return _reset_serializer().dumps({"u": user.id, "s": user.session_token})


def request_password_reset(session: Session, *, email: str) -> None:
    """E-mail a reset link if the address has an active account; say nothing either way.

    Side effects: an OutboundEmail row, sent after the commit.
    """
    user = find_user_by_email(session, email)
    if user is None or not user.is_active:
        return
    link = public_url("auth.reset_password", token=make_reset_token(user))
    minutes = current_app.config["PASSWORD_RESET_MAX_AGE"] // 60
    with force_locale(user.locale or "en"):
        subject = _("Reset your hsbp password")
        body = _(
            "Hello %(name)s,\n\nTo choose a new password, open this link within %(minutes)d "
            "minutes:\n%(link)s\n\nIf you did not ask for this, ignore this message; your "
            "password stays as it is.",
            name=user.name,
            minutes=minutes,
            link=link,
        )
    mail.queue_email(session, to=user.email, subject=subject, body=body, secret=link)


def user_for_reset_token(session: Session, token: str) -> User:
    """The user a reset link belongs to; ServiceError if it is expired, used or forged."""
    try:
        data = _reset_serializer().loads(
            token, max_age=current_app.config["PASSWORD_RESET_MAX_AGE"]
        )
    except SignatureExpired as exc:
        raise ServiceError(_l("This link has expired. Ask for a new one.")) from exc
    except BadSignature as exc:
        raise ServiceError(_l("This link is not valid. Ask for a new one.")) from exc
    user = session.get(User, data.get("u")) if isinstance(data, dict) else None
    if user is None or not user.is_active or user.session_token != data.get("s"):
        raise ServiceError(_l("This link has already been used. Ask for a new one."))
    return user


def reset_password(session: Session, *, token: str, password: str) -> User:
    """Set a new password from an e-mailed link; every browser is signed out.

    Side effects: new hash, new session token, every session ended, audit entry.
    """
    user = user_for_reset_token(session, token)
    _set_password(session, user=user, password=password, action="user.password_reset", keep=None)
    return user


def update_profile(session: Session, *, user: User, name: str, locale: str | None) -> None:
    if locale is not None and locale not in UI_LOCALE_CODES:
        raise ServiceError(_l("Unknown language."), field="locale")
    before = audit.snapshot(user, ["name", "locale"])
    user.name, user.locale = name.strip(), locale
    diff = audit.changes(user, ["name", "locale"], before)
    if diff:
        audit.record(session, actor_id=user.id, action="user.update", obj=user, details=diff)


def set_locale(session: Session, *, user: User, locale: str) -> None:
    """Remember the interface language chosen from the language menu."""
    if locale not in UI_LOCALE_CODES:
        raise ServiceError(_l("Unknown language."), field="locale")
    user.locale = locale
