"""Proving it is you again before a sensitive step: revealing an identity, exporting
identities, erasing a person.

A browser counts as fresh for REAUTH_WINDOW after its person signed in or re-authenticated
on it (UserSession.reauthenticated_at); past that, the step waits for the password, and the
code when they have a second factor, on the re-authentication page (hsbp.auth.reauth_views).
An unattended signed-in laptop, or a stolen cookie, then opens no identity.
"""

from __future__ import annotations

import functools
from datetime import timedelta
from urllib.parse import urlsplit

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from hsbp.auth.redirects import safe_next
from hsbp.db import utcnow

REAUTH_WINDOW = timedelta(minutes=10)


def is_fresh(user) -> bool:
    """Whether the browser `user` is signed in with proved it was them within the window."""
    row = getattr(user, "current_session", None)
    proved = row.reauthenticated_at if row is not None else None
    return proved is not None and utcnow() - proved < REAUTH_WINDOW


def _default() -> str:
    return url_for("partnerships.index")


def back_here() -> str:
    """Where to come back to once it is proved: a page asked for (GET) is opened again; a
    form sent (POST) is not sent again, its page in this app is shown, to ask again."""
    if request.method == "GET":
        return safe_next(request.full_path if request.query_string else request.path, _default())
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc != request.host or not referrer.path:
        return _default()
    page = referrer.path + (f"?{referrer.query}" if referrer.query else "")
    return safe_next(page, _default())


def ask_to_prove():
    """The answer to a step that needs a fresh proof: to the re-authentication page."""
    if request.method == "GET":
        flash(_("Confirm it is you to open this page."), "info")
    else:
        flash(_("Confirm it is you, then ask again."), "info")
    return redirect(url_for("auth.reauth", next=back_here()))


def fresh_auth_needed():
    """None when this browser is fresh, else the redirect to the re-authentication page: for
    a view that needs the proof for one of its answers only (an export with names)."""
    if current_user.is_authenticated and not is_fresh(current_user):
        return ask_to_prove()
    return None


def fresh_auth_required(view):
    """Only for a browser whose person re-authenticated a short while ago. Put it below the
    partnership guard, so an outsider still gets the guard's 404, not a question."""

    @functools.wraps(view)
    def checked(*args, **kwargs):
        refused = fresh_auth_needed()
        return refused if refused is not None else view(*args, **kwargs)

    return checked
