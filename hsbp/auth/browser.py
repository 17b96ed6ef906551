"""Signing this browser in and out: Flask's session cookie and the session on the server
together (views call these; hsbp.auth.sessions does the work)."""

from __future__ import annotations

import time

from flask import current_app, request, session
from flask_login import current_user, login_user, logout_user

from hsbp import db
from hsbp.auth import sessions
from hsbp.auth.models import User
from hsbp.i18n import SESSION_KEY

# What survives signing in and out: the language a visitor chose from the menu.
KEPT = (SESSION_KEY,)
# A password given, a code owed: kept in the cookie this long (seconds), then asked again.
PENDING_KEY = "second_factor_pending"
PENDING_FOR = 5 * 60


def _fresh_cookie_session() -> None:
    """Empty Flask's session but for KEPT, so nothing planted before signing in (a CSRF
    token, a half-filled form's state) carries over: a fixed session cannot be ridden."""
    kept = {key: session[key] for key in KEPT if key in session}
    session.clear()
    session.update(kept)


def sign_in(user: User, *, remember: bool = False, second_factor: bool = False) -> None:
    """Sign `user` in on this browser with a new server-side session (`second_factor`: a
    code was checked too).

    Side effects: a user_sessions row; a new session cookie (and a remember-me cookie if
    asked for).
    """
    _fresh_cookie_session()
    sessions.start_session(
        db.session(),
        user=user,
        user_agent=request.headers.get("User-Agent", ""),
        second_factor=second_factor,
    )
    login_user(user, remember=remember)


def await_second_factor(user: User, *, remember: bool, next_url: str | None) -> None:
    """Remember, for PENDING_FOR, that this browser gave `user`'s password and now owes a
    code. Nobody is signed in yet: no session starts until both are given.

    Side effect: a new session cookie holding the user's id and the time.
    """
    _fresh_cookie_session()
    session[PENDING_KEY] = {
        "user": user.id,
        "at": int(time.time()),
        "remember": bool(remember),
        "next": next_url or "",
    }


def pending_second_factor() -> tuple[int, dict] | None:
    """(user id, what `await_second_factor` kept) while this browser owes a code in time;
    None otherwise. An expired one is forgotten."""
    kept = session.get(PENDING_KEY)
    if not isinstance(kept, dict) or not isinstance(kept.get("user"), int):
        return None
    if not 0 <= time.time() - kept.get("at", 0) <= PENDING_FOR:
        session.pop(PENDING_KEY, None)
        return None
    return kept["user"], kept


def forget_second_factor() -> None:
    session.pop(PENDING_KEY, None)


def keep_signed_in_after_token_change(user: User) -> None:
    """Re-issue this browser's cookie after `user`'s session token was replaced (a password
    change), keeping its session and its remember-me cookie if it had one."""
    sessions.renew_cookie(user)
    cookie_name = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token")
    login_user(user, remember=cookie_name in request.cookies)


def sign_out() -> None:
    """Sign this browser out and end its session on the server, so a copy of its cookie
    (remember-me included) no longer works.

    Side effects: ended_at on the session; the session and remember-me cookies cleared.
    """
    if current_user.is_authenticated:
        user = current_user._get_current_object()
        sessions.end_session(db.session(), user=user, session_id=user.current_session_id)
    # Emptied first: logout_user() then marks the remember-me cookie for deletion.
    _fresh_cookie_session()
    logout_user()


def current_session_id() -> int | None:
    return current_user.current_session_id if current_user.is_authenticated else None
