"""The notifications' blueprint: "Needs me", preferences, the phone for SMS, unsubscribing.

"Needs me" and the settings are personal pages across the person's partnerships (login
required; every item comes from their own memberships). The unsubscribe page needs no
sign-in: the token in its address is the proof, so its POST is also RFC 8058's one-click
unsubscribe, sent by mail programs without a CSRF token.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from hsbp import db
from hsbp.db import id_or_none, utcnow
from hsbp.errors import ServiceError, apply_to_form
from hsbp.extensions import csrf
from hsbp.i18n import language_name
from hsbp.notifications import phones, preferences, services
from hsbp.notifications import unsubscribe as tokens
from hsbp.notifications.forms import ActionForm, CodeForm, PhoneForm, settings_form
from hsbp.notifications.items import day_text, kinds_for, locale_of, memberships_of
from hsbp.views import page_number, render_form

bp = Blueprint("notifications", __name__)


@bp.get("/needs-me")
@login_required
def needs_me():
    locale = str(get_locale())
    # ?p=<id>: one partnership's whole list, a page at a time; anything else is the overview.
    only = id_or_none(request.args.get("p")) if "p" in request.args else None
    if "p" in request.args and only is None:
        abort(404)
    data = services.needs_me(
        db.session(), user=current_user, locale=locale, now=utcnow(), partnership_id=only
    )
    if data is None:
        abort(404)  # not their partnership: as for any page they may not know of
    page = page_number()
    return render_template(
        "notifications/needs_me.html",
        data=data,
        only=only,
        page=page,
        per_page=services.PER_PAGE,
        shown=services.SHOWN,
        due_text=lambda item, partnership: day_text(item.due, zone=partnership.zone, locale=locale),
    )


def _preferences_form(session, memberships, **kwargs):
    """The preferences form, filled with what the person chose (and the request's values
    on a POST to the settings, unless `formdata=None`)."""
    own = preferences.settings_of(session, user_id=current_user.id)
    modes = preferences.modes_of(session, user_id=current_user.id)
    data = {f"mode_{name}": mode.value for name, mode in modes.items()}
    data.update(
        digest_hour=str(own.digest_hour), timezone=own.timezone, sms_immediate=own.sms_immediate
    )
    zone = memberships[0].partnership.timezone if memberships else "UTC"
    offered = kinds_for(session, user_id=current_user.id, memberships=memberships)
    return settings_form(offered, partnership_zone=zone, data=data, **kwargs)


@bp.route("/notifications/settings", methods=["GET", "POST"])
@login_required
def settings():
    session = db.session()
    memberships = memberships_of(session, user_id=current_user.id)
    # Only the kinds that can concern them; the others keep their mode.
    registered = kinds_for(session, user_id=current_user.id, memberships=memberships)
    form = _preferences_form(session, memberships)
    if form.validate_on_submit():
        # The SMS choice is offered, and saved, only with a verified number.
        texts = phones.verified_phone(session, user_id=current_user.id) != ""
        try:
            preferences.save(
                session,
                user_id=current_user.id,
                modes={name: form[f"mode_{name}"].data for name in registered},
                digest_hour=form.digest_hour.data,
                timezone=form.timezone.data,
                sms_immediate=form.sms_immediate.data if texts else None,
            )
        except ServiceError as error:
            apply_to_form(form, error)
        else:
            flash(_("Your notification settings are saved."), "success")
            return redirect(url_for(".settings"))
    return _settings_page(session, memberships, form=form)


def _settings_page(session, memberships, *, form=None, phone_form=None, code_form=None):
    """The settings page, its forms as given (with their errors) or fresh; 422 when any
    has errors."""
    form = form or _preferences_form(session, memberships, formdata=None)
    phone_form = phone_form or PhoneForm(formdata=None)
    code_form = code_form or CodeForm(formdata=None)
    return render_form(
        "notifications/settings.html",
        form,
        phone_form,
        code_form,
        form=form,
        mode_fields=[field for field in form if field.name.startswith("mode_")],
        language=language_name(locale_of(current_user, memberships)),
        phone=phones.state(session, user_id=current_user.id, memberships=memberships),
        phone_form=phone_form,
        code_form=code_form,
        action_form=ActionForm(formdata=None),
    )


@bp.post("/notifications/settings/phone")
@login_required
def phone_code():
    """Send a code to a number typed in, or again to the one waiting (`resend`)."""
    session = db.session()
    memberships = memberships_of(session, user_id=current_user.id)
    form = PhoneForm()
    if form.validate_on_submit():
        try:
            if request.form.get("resend"):
                phones.resend_code(
                    session, user=current_user, memberships=memberships, now=utcnow()
                )
            else:
                phones.request_code(
                    session,
                    user=current_user,
                    memberships=memberships,
                    raw_phone=form.phone.data,
                    now=utcnow(),
                )
        except ServiceError as error:
            apply_to_form(form, error)
        else:
            flash(_("A code is on its way by SMS. Type it below."), "success")
            return redirect(url_for(".settings", _anchor="sms"))
    return _settings_page(session, memberships, phone_form=form)


@bp.post("/notifications/settings/phone/confirm")
@login_required
def phone_confirm():
    session = db.session()
    form = CodeForm()
    if form.validate_on_submit():
        try:
            phones.confirm(session, user_id=current_user.id, code=form.code.data, now=utcnow())
        except phones.WrongCode as error:
            # A wrong guess counts even though the page answers 422 (which rolls back): it
            # is saved now, or the limit of attempts would never be reached.
            db.finish(commit=True)
            session = db.session()
            apply_to_form(form, error)
        except ServiceError as error:
            apply_to_form(form, error)
        else:
            flash(_("Your number is verified."), "success")
            return redirect(url_for(".settings", _anchor="sms"))
    memberships = memberships_of(session, user_id=current_user.id)
    return _settings_page(session, memberships, code_form=form)


@bp.post("/notifications/settings/phone/cancel")
@login_required
def phone_cancel():
    if ActionForm().validate_on_submit():
        phones.cancel_pending(db.session(), user_id=current_user.id)
    return redirect(url_for(".settings", _anchor="sms"))


@bp.post("/notifications/settings/phone/remove")
@login_required
def phone_remove():
    if ActionForm().validate_on_submit():
        phones.remove(db.session(), user_id=current_user.id)
        flash(_("Your number is removed: no SMS will be sent to it."), "success")
    return redirect(url_for(".settings", _anchor="sms"))


@bp.route("/notifications/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt
def unsubscribe(token: str):
    session = db.session()
    try:
        if request.method == "POST":
            kind = tokens.unsubscribe(session, token=token, now=utcnow())
            return render_template("notifications/unsubscribe.html", kind=kind, done=True)
        _row, kind = tokens.check(session, token=token, now=utcnow())
    except tokens.TokenUsed as error:
        return render_template("notifications/unsubscribe.html", refusal=error.message), 410
    except tokens.TokenRefused as error:
        return render_template("notifications/unsubscribe.html", refusal=error.message), 404
    return render_template("notifications/unsubscribe.html", kind=kind, done=False)
