"""Facilitation pages: every facilitator's profile for all members, a facilitator's own
profile, and naming or standing down a co-facilitator from the community side.

Routes on the feature's blueprint; listed in ROUTE_MODULES."""

from __future__ import annotations

from flask import abort, flash, g, redirect, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from hsbp import db
from hsbp.errors import ServiceError, apply_error
from hsbp.i18n import missing_languages, translated
from hsbp.partnerships import identities, profiles
from hsbp.partnerships.forms import ConfirmForm
from hsbp.partnerships.guard import partnership_guard
from hsbp.partnerships.profile_forms import CoFacilitatorForm, profile_form
from hsbp.partnerships.views import bp
from hsbp.security import Role
from hsbp.views import render_form

# Pages ask these, not the role: a co-facilitator neither sees who people are nor manages
# the members.
bp.add_app_template_global(identities.sees_identities, "sees_identities")
bp.add_app_template_global(identities.is_lead_facilitator, "is_lead_facilitator")


@bp.app_template_global()
def co_facilitators_of(partnership_id: int) -> dict[int, str]:
    """{membership id: community-side partner's name} of a partnership's co-facilitators, for
    the pages that name members (the Members page)."""
    return profiles.co_facilitators(db.session(), partnership_id=partnership_id)


def _texts_context() -> dict:
    """What the profile macros need to show and edit texts in the partnership's languages."""
    locale, fallback = str(get_locale()), g.partnership.default_locale

    def pick(values: dict | None) -> tuple[str, str | None]:
        values = values or {}
        text = translated(values, locale=locale, fallback=fallback)
        codes = (locale, fallback, *values)
        code = next((c for c in codes if text and values.get(c) == text), None)
        return text, code

    return {"pick": pick, "missing_languages": missing_languages}


def _facilitation_page(partnership_id: int, name_form: CoFacilitatorForm | None = None):
    session = db.session()
    name_form = name_form or CoFacilitatorForm(prefix="co")
    if identities.is_lead_facilitator(g.membership):
        name_form.set_choices(
            profiles.community_representatives(session, partnership_id=partnership_id)
        )
    return render_form(
        "partnerships/facilitation.html",
        name_form,
        facilitators=profiles.facilitators(session, partnership_id=partnership_id),
        name_form=name_form,
        confirm=ConfirmForm(),
        **_texts_context(),
    )


@bp.get("/p/<int:partnership_id>/facilitation")
@partnership_guard()
def facilitation(partnership_id: int):
    return _facilitation_page(partnership_id)


@bp.route("/p/<int:partnership_id>/facilitation/profile", methods=["GET", "POST"])
@partnership_guard(Role.FACILITATOR)
def facilitator_profile(partnership_id: int):
    session = db.session()
    profile = profiles.profile_of(session, membership=g.membership)
    form = profile_form(partnership=g.partnership, profile=profile)
    if request.method == "POST" and form.validate_on_submit():
        try:
            profiles.save_profile(
                session,
                actor=current_user,
                membership=g.membership,
                partnership=g.partnership,
                organisation=form.organisation.data,
                neutrality=form.neutrality.data,
                interests=form.interests.data,
            )
        except ServiceError as error:
            apply_error(form, error)
        else:
            flash(_("Your facilitator's profile is saved."), "success")
            return redirect(url_for("partnerships.facilitation", partnership_id=partnership_id))
    return render_form("partnerships/profile_form.html", form, form=form, **_texts_context())


@bp.post("/p/<int:partnership_id>/facilitation/co-facilitators")
@partnership_guard(Role.FACILITATOR, lead=True)
def name_co_facilitator(partnership_id: int):
    form = CoFacilitatorForm(prefix="co")
    if form.validate_on_submit():
        try:
            membership, notices = profiles.name_co_facilitator(
                db.session(),
                actor=current_user,
                partnership=g.partnership,
                membership_id=form.membership_id.data,
            )
        except ServiceError as error:
            apply_error(form, error)
        else:
            flash(
                _(
                    "%(name)s is now co-facilitator from the community side.",
                    name=membership.user.name,
                ),
                "success",
            )
            for notice in notices:
                flash(notice, "info")
            return redirect(url_for("partnerships.facilitation", partnership_id=partnership_id))
    return _facilitation_page(partnership_id, name_form=form)


@bp.post("/p/<int:partnership_id>/facilitation/co-facilitators/<int:membership_id>/remove")
@partnership_guard(Role.FACILITATOR, lead=True)
def stand_down_co_facilitator(partnership_id: int, membership_id: int):
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        membership, notices = profiles.stand_down(
            db.session(),
            actor=current_user,
            partnership=g.partnership,
            membership_id=membership_id,
        )
    except ServiceError as error:
        flash(error.message, "error")
    else:
        flash(
            _(
                "%(name)s is no longer co-facilitator and speaks again for their partner.",
                name=membership.user.name,
            ),
            "success",
        )
        for notice in notices:
            flash(notice, "info")
    return redirect(url_for("partnerships.facilitation", partnership_id=partnership_id))
