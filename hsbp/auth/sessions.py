"""Signed-in sessions kept on the server, so signing out ends them for good.

The login cookie (Flask's session and the remember-me cookie alike) carries
`<session id>:<secret>:<session token>`. Only the secret's SHA-256 is stored, so the table
alone cannot sign anyone in. A cookie counts only while its session is open, its account
active and the account's session token unchanged: signing out ends the session at once,
even for a copy of the cookie, and a password change or "sign out everywhere" ends the
others.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from hsbp import audit
from hsbp.auth.models import User, UserSession, new_session_token
from hsbp.db import id_or_none, utcnow

# A page view moves "last seen" forward only this often: no write on every request.
LAST_SEEN_EVERY = timedelta(minutes=5)
USER_AGENT_MAX = 200
# Sessions shown on the account page: the most recently used.
LISTED = 20
_COOKIE = re.compile(r"([0-9]{1,10}):([A-Za-z0-9_-]{20,100}):([A-Za-z0-9_-]{10,64})")


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def start_session(
    session: Session, *, user: User, user_agent: str = "", second_factor: bool = False
) -> str:
    """Open a session for `user` on one browser and return its login cookie's id (also
    what `user.get_id()` answers from now on). Signing in counts as proving it is them
    (reauthenticated_at); `second_factor` says a code was checked too.

    Side effects: a user_sessions row holding the hash of a new random secret, flushed.
    """
    secret = secrets.token_urlsafe(32)
    now = utcnow()
    row = UserSession(
        user_id=user.id,
        token_hash=_digest(secret),
        user_agent=user_agent[:USER_AGENT_MAX],
        reauthenticated_at=now,
        second_factor_at=now if second_factor else None,
    )
    session.add(row)
    session.flush()
    user.session_cookie = f"{row.id}:{secret}:{user.session_token}"
    user.current_session_id, user.current_session = row.id, row
    return user.session_cookie


def mark_proved(session: Session, *, user: User, second_factor: bool) -> None:
    """Record on the session `user` is signed in with that its person proved it is them just
    now (a password, and a code if `second_factor`).

    Side effects: reauthenticated_at (and second_factor_at) on that session.
    """
    row = user.current_session
    if row is None:
        return
    now = utcnow()
    row.reauthenticated_at = now
    if second_factor:
        row.second_factor_at = now


def renew_cookie(user: User) -> str:
    """The cookie id of the session `user` is signed in with, after its session token was
    replaced (a password change keeps this browser signed in)."""
    session_id, secret, _token = user.session_cookie.split(":")
    user.session_cookie = f"{session_id}:{secret}:{user.session_token}"
    return user.session_cookie


def user_for_cookie(session: Session, cookie_id: str) -> User | None:
    """The active user the cookie id names, if its session is open and the user's session
    token still matches; None otherwise (a forged, copied-after-sign-out or old cookie).

    Side effect: moves the session's last_seen_at forward, at most every LAST_SEEN_EVERY.
    """
    match = _COOKIE.fullmatch(cookie_id or "")
    if match is None:
        return None
    session_id, secret, token = match.groups()
    if id_or_none(session_id) is None:
        return None
    found = session.execute(
        select(UserSession, User)
        .join(User, User.id == UserSession.user_id)
        .where(UserSession.id == int(session_id))
    ).first()
    if found is None:
        return None
    row, user = found
    if (
        row.ended_at is not None
        or not user.is_active
        or not hmac.compare_digest(row.token_hash, _digest(secret))
        or not hmac.compare_digest(user.session_token, token)
    ):
        return None
    now = utcnow()
    if now - row.last_seen_at >= LAST_SEEN_EVERY:
        row.last_seen_at = now
    user.session_cookie, user.current_session_id, user.current_session = cookie_id, row.id, row
    return user


def end_session(session: Session, *, user: User, session_id: int | None) -> bool:
    """Sign one of `user`'s browsers out (another user's session is left alone, so a page
    listing sessions can offer this for each of them). True if an open session was ended.

    Side effect: sets ended_at on that session if it is open.
    """
    if session_id is None:
        return False
    done = session.execute(
        update(UserSession)
        .where(
            UserSession.id == session_id,
            UserSession.user_id == user.id,
            UserSession.ended_at.is_(None),
        )
        .values(ended_at=utcnow())
    )
    return done.rowcount == 1


def sign_out_device(session: Session, *, user: User, session_id: int) -> bool:
    """`user` signs one of their other browsers out from the account page; True if it was
    open. Another user's session is left alone and nothing is recorded.

    Side effects: ended_at on that session, an audit entry naming it by id.
    """
    if not end_session(session, user=user, session_id=session_id):
        return False
    audit.record(
        session,
        actor_id=user.id,
        action="user.session_end",
        obj=user,
        details={"session_id": session_id},
    )
    return True


def end_other_sessions(session: Session, *, user: User, keep: int | None) -> None:
    """Sign `user` out of every browser but the session `keep` (None: all of them).

    Side effect: sets ended_at on those sessions.
    """
    query = update(UserSession).where(
        UserSession.user_id == user.id, UserSession.ended_at.is_(None)
    )
    if keep is not None:
        query = query.where(UserSession.id != keep)
    session.execute(query.values(ended_at=utcnow()))


def sign_out_everywhere(session: Session, *, user: User) -> None:
    """End every session of `user`, this browser's too, so no cookie of theirs works any more
    (remember-me cookies included).

    Side effects: ended_at on every open session, a new session token, an audit entry.
    """
    end_other_sessions(session, user=user, keep=None)
    user.session_token = new_session_token()
    audit.record(session, actor_id=user.id, action="user.sign_out_everywhere", obj=user)


def open_sessions(session: Session, *, user: User) -> list[UserSession]:
    """The user's open sessions, most recently used first (at most LISTED)."""
    return list(
        session.scalars(
            select(UserSession)
            .where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
            .order_by(UserSession.last_seen_at.desc(), UserSession.id.desc())
            .limit(LISTED)
        )
    )


# (what the User-Agent holds, what a person calls it); the first that matches wins, so
# Edge and Opera (which also say "Chrome") come before Chrome, and Chrome before Safari.
_BROWSERS = (
    ("Edg", "Edge"),
    ("OPR/", "Opera"),
    ("SamsungBrowser/", "Samsung Internet"),
    ("Firefox/", "Firefox"),
    ("FxiOS/", "Firefox"),
    ("CriOS/", "Chrome"),
    ("Chrome/", "Chrome"),
    ("Safari/", "Safari"),
)
_SYSTEMS = (
    ("Android", "Android"),
    ("iPhone", "iOS"),
    ("iPad", "iPadOS"),
    ("CrOS", "ChromeOS"),
    ("Windows", "Windows"),
    ("Mac OS X", "macOS"),
    ("Linux", "Linux"),
)


def describe_browser(user_agent: str) -> str:
    """A short name a person recognises ("Firefox on Windows") for a User-Agent header."""
    browser = next((name for token, name in _BROWSERS if token in user_agent), None)
    system = next((name for token, name in _SYSTEMS if token in user_agent), None)
    if browser and system:
        return _("%(browser)s on %(system)s", browser=browser, system=system)
    if browser:
        return browser
    if system:
        return _("A browser on %(system)s", system=system)
    return _("Unknown browser")
