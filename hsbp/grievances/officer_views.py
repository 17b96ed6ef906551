"""The grievance officers' page: naming officers and removing the role, each asked first
when it weighs: naming a partner representative (a conflict of interest) and removing an
officer (their open grievances are left without one)."""

from __future__ import annotations

from flask import abort, flash, g, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from hsbp import db
from hsbp.confirmation import ask, confirmed
from hsbp.errors import ServiceError, apply_to_form
from hsbp.grievances import officers
from hsbp.grievances.forms import OfficerForm
from hsbp.grievances.views import bp
from hsbp.partnerships.guard import partnership_guard
from hsbp.security import Role
from hsbp.views import render_form


def _officers_url(partnership_id: int) -> str:
    return url_for("grievances.officers", partnership_id=partnership_id)


@bp.route(
    "/p/<int:partnership_id>/grievances/officers", methods=["GET", "POST"], endpoint="officers"
)
@partnership_guard(Role.FACILITATOR)
def officers_page(partnership_id: int):
    session = db.session()
    candidates = officers.candidates(session, partnership_id=partnership_id)
    form = OfficerForm(candidates=candidates)
    if form.validate_on_submit():
        chosen = next((m for m in candidates if m.user_id == form.chosen_user_id()), None)
        if chosen is not None and officers.must_confirm(chosen) and not confirmed():
            return ask(
                "grievances/confirm_officer.html",
                cancel=_officers_url(partnership_id),
                hidden={"user_id": str(chosen.user_id)},
                member=chosen,
            )
        try:
            if form.chosen_user_id() is None:
                raise ServiceError(_("Choose a member from the list."), field="user_id")
            named = officers.grant_officer(
                session,
                actor=current_user,
                membership=g.membership,
                user_id=form.chosen_user_id(),
                confirm_recusal=confirmed(),
            )
        except ServiceError as error:
            apply_to_form(form, error)
        else:
            flash(_("%(name)s is now a grievance officer.", name=named.user.name), "success")
            return redirect(_officers_url(partnership_id))
    current = officers.current_officers(session, partnership_id=partnership_id)
    return render_form(
        "grievances/officers.html",
        form,
        form=form,
        officers=current,
        uncovered=officers.partners_without_free_officer(current),
        revoke_form=FlaskForm(formdata=None),
    )


@bp.post("/p/<int:partnership_id>/grievances/officers/<int:user_id>/revoke")
@partnership_guard(Role.FACILITATOR)
def revoke(partnership_id: int, user_id: int):
    session = db.session()
    # Only this partnership's officers: any other id is a 404 that names nobody.
    row = officers.officer_row(session, partnership_id=partnership_id, user_id=user_id)
    if row is None:
        abort(404)
    if not FlaskForm().validate_on_submit():
        abort(400)
    if not confirmed():
        assigned = officers.open_assigned(session, partnership_id=partnership_id, user_id=user_id)
        return ask(
            "grievances/confirm_revoke.html",
            cancel=_officers_url(partnership_id),
            officer=row,
            assigned=len(assigned),
        )
    name = row.user.name
    officers.revoke_officer(session, actor=current_user, membership=g.membership, user_id=user_id)
    flash(_("%(name)s is no longer a grievance officer.", name=name), "success")
    return redirect(_officers_url(partnership_id))
