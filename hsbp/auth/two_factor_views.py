"""Pages of the second factor: the code after the password, setting it up, new recovery
codes, removing it, and signing out one of one's own sessions."""

from __future__ import annotations

import segno
from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from markupsafe import Markup

from hsbp import db
from hsbp.auth import sessions, throttle, two_factor
from hsbp.auth.browser import (
    current_session_id,
    forget_second_factor,
    pending_second_factor,
    sign_in,
    sign_out,
)
from hsbp.auth.forms import EnrolForm, SecondFactorForm
from hsbp.auth.models import User
from hsbp.auth.reauth import fresh_auth_required
from hsbp.auth.redirects import safe_next
from hsbp.auth.views import bp
from hsbp.errors import ServiceError, apply_to_form
from hsbp.views import render_form

# Neither the browser nor a proxy keeps a page holding a secret or recovery codes.
NO_STORE = {"Cache-Control": "no-store"}


def _throttled(form, template: str, wait: int, **context):
    form.form_errors.append(throttle.refusal(wait))
    page = render_template(template, form=form, **context)
    return page, 429, {"Retry-After": str(wait)}


def _codes_page(codes: list[str]):
    return render_template("auth/recovery_codes.html", codes=codes), 200, NO_STORE


@bp.route("/login/code", methods=["GET", "POST"])
def login_code():
    """The second step of signing in. Failed codes are counted like failed passwords but
    apart from them (hsbp.auth.throttle), so giving the right password again does not buy
    more guesses."""
    if current_user.is_authenticated:
        return redirect(url_for("partnerships.index"))
    pending = pending_second_factor()
    user = db.session().get(User, pending[0]) if pending else None
    if user is None or not user.is_active or not two_factor.is_enrolled(user):
        forget_second_factor()
        flash(_("Please sign in again."), "info")
        return redirect(url_for("auth.login"))
    kept = pending[1]
    form = SecondFactorForm()
    if form.validate_on_submit():
        who = {"email": user.email, "address": get_remote_address(), "step": throttle.CODE}
        wait = throttle.wait_seconds(**who)
        if wait:
            return _throttled(form, "auth/login_code.html", wait)
        try:
            used, left = two_factor.check_code(db.session(), user=user, code=form.code.data)
        except ServiceError as error:
            throttle.record_failure(**who)
            apply_to_form(form, error)
        else:
            throttle.forget_account_failures(email=user.email, step=throttle.CODE)
            sign_in(user, remember=kept.get("remember", False), second_factor=True)
            if used == two_factor.RECOVERY:
                flash(_codes_left_note(left), "info")
            return redirect(safe_next(kept.get("next"), url_for("partnerships.index")))
    return render_form("auth/login_code.html", form, form=form)


def _codes_left_note(left: int) -> str:
    return ngettext(
        "You signed in with a recovery code: %(num)d is left. Make a new set on your account page.",
        "You signed in with a recovery code: %(num)d are left. Make a new set on your "
        "account page when few are left.",
        left,
    )


def qr_code(uri: str, *, title: str) -> Markup:
    """`uri` as a QR code in inline SVG drawn here: the secret it carries never reaches an
    image service. Sized in the drawing itself, so no style is needed."""
    svg = segno.make(uri, error="m").svg_inline(
        scale=4, border=4, dark="#000", light="#fff", title=title
    )
    named = svg.replace("<svg ", '<svg role="img" shape-rendering="crispEdges" ', 1)
    return Markup(named)  # noqa: S704  (segno escapes the title; the rest is its own drawing)


@bp.route("/account/two-factor", methods=["GET", "POST"])
@login_required
@fresh_auth_required
def two_factor_setup():
    """Setting up the second factor: the key as text and as a QR code, then a code from the
    app to prove it took it; the recovery codes are shown once, in that answer."""
    me = current_user._get_current_object()
    if two_factor.is_enrolled(me):
        return redirect(url_for("auth.account"))
    session = db.session()
    secret = two_factor.pending_secret(session, user=me)
    form = EnrolForm()
    if form.validate_on_submit():
        try:
            codes = two_factor.confirm(session, user=me, code=form.code.data)
        except ServiceError as error:
            apply_to_form(form, error)
        else:
            flash(_("Your second factor is set up."), "success")
            return _codes_page(codes)
    page, code = render_form(
        "auth/two_factor_setup.html",
        form,
        form=form,
        secret=secret,
        grouped=" ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        qr=qr_code(two_factor.provisioning_uri(me), title=_("QR code of the key")),
        required=two_factor.must_have(session, me),
    )
    return page, code, NO_STORE


@bp.post("/account/two-factor/recovery-codes")
@login_required
@fresh_auth_required
def new_recovery_codes():
    if not FlaskForm().validate_on_submit():
        abort(400)
    try:
        codes = two_factor.new_recovery_codes(db.session(), user=current_user._get_current_object())
    except ServiceError as error:
        flash(error.message, "error")
        return redirect(url_for("auth.account"))
    flash(_("New recovery codes are made: the earlier ones no longer work."), "success")
    return _codes_page(codes)


@bp.post("/account/two-factor/remove")
@login_required
@fresh_auth_required
def remove_second_factor():
    if not FlaskForm().validate_on_submit():
        abort(400)
    try:
        two_factor.remove(db.session(), user=current_user._get_current_object())
    except ServiceError as error:
        flash(error.message, "error")
    else:
        flash(_("Your second factor is removed: signing in asks for the password only."), "info")
    return redirect(url_for("auth.account"))


@bp.post("/account/sessions/<int:session_id>/sign-out")
@login_required
def end_one_session(session_id: int):
    """Sign out one browser of one's own. Another person's session id ends nothing and
    says nothing: the page just comes back."""
    if not FlaskForm().validate_on_submit():
        abort(400)
    me = current_user._get_current_object()
    if session_id == current_session_id():
        sign_out()
        flash(_("You are signed out."), "info")
        return redirect(url_for("auth.login"))
    if sessions.sign_out_device(db.session(), user=me, session_id=session_id):
        flash(_("That device is signed out."), "success")
    return redirect(url_for("auth.account", _anchor="sessions-heading"))
