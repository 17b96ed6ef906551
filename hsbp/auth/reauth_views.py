"""The re-authentication page: the password again, and a code for those with a second factor,
before a sensitive step (hsbp.auth.reauth)."""

from __future__ import annotations

from flask import redirect, render_template, request, url_for
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required

from hsbp import db
from hsbp.auth import throttle, two_factor
from hsbp.auth.forms import ReauthForm
from hsbp.auth.redirects import safe_next
from hsbp.auth.views import bp
from hsbp.errors import ServiceError, apply_to_form
from hsbp.views import render_form


@bp.route("/reauth", methods=["GET", "POST"])
@login_required
def reauth():
    """Throttled as signing in is: failed passwords and failed codes count against the
    account and the address, and while a wait is imposed nothing is checked."""
    me = current_user._get_current_object()
    enrolled = two_factor.is_enrolled(me)
    back = safe_next(request.args.get("next"), url_for("partnerships.index"))
    form = ReauthForm()
    if not enrolled:
        del form.code
    if form.validate_on_submit():
        address = get_remote_address()
        steps = (throttle.PASSWORD, throttle.CODE) if enrolled else (throttle.PASSWORD,)
        wait = max(throttle.wait_seconds(email=me.email, address=address, step=s) for s in steps)
        if wait:
            form.form_errors.append(throttle.refusal(wait))
            page = render_template("auth/reauth.html", form=form)
            return page, 429, {"Retry-After": str(wait)}
        try:
            two_factor.reauthenticate(
                db.session(),
                user=me,
                password=form.password.data,
                code=form.code.data if enrolled else None,
            )
        except ServiceError as error:
            step = throttle.CODE if error.field == "code" else throttle.PASSWORD
            throttle.record_failure(email=me.email, address=address, step=step)
            apply_to_form(form, error)
        else:
            for step in steps:
                throttle.forget_account_failures(email=me.email, step=step)
            return redirect(back)
    return render_form("auth/reauth.html", form, form=form)
