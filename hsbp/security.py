"""Password hashing, membership roles, the site administrator check and security headers.

The partnership access guard lives with partnerships (hsbp.partnerships.guard): core knows
no feature."""

from __future__ import annotations

import enum
import functools

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import Flask, abort, request
from flask_login import current_user

_hasher = PasswordHasher()

# Compared against when an e-mail is unknown, so a login takes as long either way and does
# not reveal which addresses have accounts.
_DUMMY_HASH = _hasher.hash("not a real password")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and bool(password_hash)
    except (VerificationError, InvalidHashError):
        return False


def password_needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


class Role(enum.StrEnum):
    """A member's role in one partnership, from least to most power."""

    OBSERVER = "observer"
    REPRESENTATIVE = "representative"
    FACILITATOR = "facilitator"

    @property
    def rank(self) -> int:
        return list(Role).index(self)


def site_admin_required(view):
    """Only site administrators; others get 404, as for any page they may not know of."""

    @functools.wraps(view)
    def guarded(*args, **kwargs):
        if not (current_user.is_authenticated and current_user.is_site_admin):
            abort(404)
        return view(*args, **kwargs)

    return guarded


CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "object-src 'none'",
    )
)


def init_app(app: Flask) -> None:
    @app.after_request
    def _security_headers(response):
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if app.config["PUBLIC_URL"].startswith("https://"):
            headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        if current_user and current_user.is_authenticated and request.endpoint != "static":
            # Pages of a signed-in user may hold protected data: never keep them in a cache.
            headers.setdefault("Cache-Control", "no-store")
        return response
