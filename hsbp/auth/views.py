"""Sign-in, sign-out, password reset, the account page and the language menu."""

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required

from hsbp import db
from hsbp.auth import services, sessions, throttle, two_factor
from hsbp.auth.browser import (
    await_second_factor,
    current_session_id,
    keep_signed_in_after_token_change,
    sign_in,
    sign_out,
)
from hsbp.auth.forms import (
    ChangePasswordForm,
    ForgotPasswordForm,
    LanguageForm,
    LoginForm,
    ProfileForm,
    ResetPasswordForm,
)
from hsbp.auth.redirects import safe_next
from hsbp.errors import ServiceError, apply_to_form
from hsbp.extensions import limiter
from hsbp.i18n import SESSION_KEY
from hsbp.views import render_form

bp = Blueprint("auth", __name__)


def _reset_request_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Only failed sign-ins count towards a wait (hsbp.auth.throttle); while one is imposed,
    even the right password is not checked: that is what stops guessing."""
    if current_user.is_authenticated:
        return redirect(url_for("partnerships.index"))
    form = LoginForm()
    if form.validate_on_submit():
        who = {"email": form.email.data, "address": get_remote_address()}
        wait = throttle.wait_seconds(**who)
        if wait:
            form.form_errors.append(throttle.refusal(wait))
            page = render_template("auth/login.html", form=form)
            return page, 429, {"Retry-After": str(wait)}
        user = services.authenticate(
            db.session(), email=form.email.data, password=form.password.data
        )
        if user is not None:
            throttle.forget_account_failures(email=form.email.data)
            if two_factor.is_enrolled(user):
                # No session yet: the code comes first (hsbp.auth.two_factor_views).
                await_second_factor(
                    user, remember=form.remember.data, next_url=request.args.get("next")
                )
                return redirect(url_for("auth.login_code"))
            sign_in(user, remember=form.remember.data)
            return redirect(safe_next(request.args.get("next"), url_for("partnerships.index")))
        throttle.record_failure(**who)
        form.form_errors.append(_("The e-mail address or the password is not correct."))
    return render_form("auth/login.html", form, form=form)


@bp.post("/logout")
def logout():
    sign_out()
    flash(_("You are signed out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit(_reset_request_limit, methods=["POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        services.request_password_reset(db.session(), email=form.email.data)
        flash(
            _("If an account uses this address, a link to reset its password is on its way."),
            "info",
        )
        return redirect(url_for("auth.login"))
    return render_form("auth/forgot.html", form, form=form)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    try:
        services.user_for_reset_token(db.session(), token)
    except ServiceError as error:
        flash(error.message, "error")
        return redirect(url_for("auth.forgot_password"))
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            services.reset_password(db.session(), token=token, password=form.password.data)
        except ServiceError as error:
            apply_to_form(form, error)
        else:
            flash(_("Your password is changed. Sign in with the new one."), "success")
            return redirect(url_for("auth.login"))
    return render_form("auth/reset.html", form, form=form)


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account():
    # The user itself, not Flask-Login's proxy: the audit log records the object's type.
    me = current_user._get_current_object()
    profile = ProfileForm(prefix="profile", obj=me)
    password = ChangePasswordForm(prefix="password")
    if request.method == "GET":
        profile.locale.data = me.locale or ""
    elif "profile-name" in request.form and profile.validate_on_submit():
        services.update_profile(
            db.session(),
            user=me,
            name=profile.name.data,
            locale=profile.locale.data or None,
        )
        flash(_("Your account is saved."), "success")
        return redirect(url_for("auth.account"))
    elif "password-current_password" in request.form and password.validate_on_submit():
        try:
            services.change_password(
                db.session(),
                user=me,
                current=password.current_password.data,
                new=password.password.data,
                keep_session_id=current_session_id(),
            )
        except ServiceError as error:
            apply_to_form(password, error)
        else:
            keep_signed_in_after_token_change(me)
            flash(_("Your password is changed. Other devices are signed out."), "success")
            return redirect(url_for("auth.account"))
    return render_form(
        "auth/account.html",
        profile,
        password,
        profile=profile,
        password=password,
        open_sessions=sessions.open_sessions(db.session(), user=me),
        this_session=current_session_id(),
        describe_browser=sessions.describe_browser,
        second_factor=_second_factor_state(me),
    )


def _second_factor_state(me) -> dict:
    """What the account page says of the second factor."""
    session = db.session()
    enrolled = two_factor.is_enrolled(me)
    return {
        "enrolled": enrolled,
        "since": me.totp_confirmed_at if enrolled else None,
        "codes_left": two_factor.codes_left(session, user=me) if enrolled else 0,
        "must_have": two_factor.must_have(session, me),
    }


@bp.post("/account/sign-out-everywhere")
@login_required
def sign_out_everywhere():
    # The CSRF token is checked for every POST before any view runs (hsbp.extensions).
    sessions.sign_out_everywhere(db.session(), user=current_user._get_current_object())
    sign_out()
    flash(_("You are signed out on every device, this one included."), "info")
    return redirect(url_for("auth.login"))


@bp.post("/language")
def set_language():
    form = LanguageForm()
    back = safe_next(request.form.get("next"), url_for("partnerships.index"))
    if form.validate_on_submit():
        session[SESSION_KEY] = form.locale.data
        if current_user.is_authenticated:
            services.set_locale(
                db.session(), user=current_user._get_current_object(), locale=form.locale.data
            )
    return redirect(back)
