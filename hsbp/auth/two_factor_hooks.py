"""What the second factor plugs into the app: its pages, and the check on every request that
sends someone who must have a second factor, and has none, to set it up ("enrolment on first
sign-in")."""

from __future__ import annotations

import importlib

from flask import Flask, redirect, request, url_for
from flask_login import current_user

from hsbp import db
from hsbp.auth import reauth, two_factor

# Modules that only add routes to the auth blueprint.
ROUTE_MODULES = ("hsbp.auth.two_factor_views", "hsbp.auth.reauth_views")
# What someone who still owes a second factor may open: setting it up, proving it is them,
# signing out, the language menu and the stylesheet.
OPEN_ENDPOINTS = frozenset(
    {
        "static",
        "auth.two_factor_setup",
        "auth.reauth",
        "auth.logout",
        "auth.set_language",
        "auth.login",
        "auth.login_code",
    }
)


def init_app(app: Flask) -> None:
    """Register the second factor's pages and checks with the app."""
    for module in ROUTE_MODULES:
        importlib.import_module(module)
    app.before_request(second_factor_gate)


def second_factor_gate():
    """Before every page: a browser that has not passed the second factor goes on only if
    its person needs none. Costs no query once it has passed (the session row is loaded with
    the user)."""
    if request.endpoint is None or request.endpoint in OPEN_ENDPOINTS:
        return None
    if not current_user.is_authenticated:
        return None
    row = current_user.current_session
    if row is None or row.second_factor_at is not None:
        return None
    user = current_user._get_current_object()
    if two_factor.is_enrolled(user):
        # Signed in with the password alone before the second factor was set up on another
        # browser: this one proves it now, as every browser of theirs must.
        return reauth.ask_to_prove()
    if two_factor.must_have(db.session(), user):
        return redirect(url_for("auth.two_factor_setup"))
    return None
