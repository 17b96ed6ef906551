"""Pages of the indicator set as a charter section: changing and retiring an indicator (at
once, or as an amendment in the charter's draft), and taking the set into a draft or out.

Routes on the feature's blueprint; listed in ROUTE_MODULES."""

from __future__ import annotations

from flask import abort, flash, g, redirect, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from hsbp import db
from hsbp.errors import ServiceError, apply_error
from hsbp.monitoring import charter_indicators
from hsbp.monitoring.forms import form_data, indicator_form
from hsbp.monitoring.views import _goal_titles, after_change, bp, indicator_or_404
from hsbp.partnerships.forms import ConfirmForm
from hsbp.partnerships.guard import partnership_guard
from hsbp.partnerships.services import list_partners
from hsbp.principles import services as charter
from hsbp.security import Role
from hsbp.views import render_form


@bp.route("/p/<int:partnership_id>/monitoring/<int:indicator_id>/edit", methods=["GET", "POST"])
@partnership_guard(Role.FACILITATOR)
def edit_indicator(partnership_id: int, indicator_id: int):
    session = db.session()
    indicator = indicator_or_404(indicator_id)
    columns = charter_indicators.definition(session, indicator=indicator)
    partners = [
        p
        for p in list_partners(session, partnership_id=partnership_id)
        if p.is_current or p.id == columns["partner_id"]
    ]
    form = indicator_form(
        partnership=g.partnership,
        goals=_goal_titles(session),
        partners=partners,
        data=form_data(columns),
    )
    if form.validate_on_submit():
        try:
            outcome = charter_indicators.change_indicator(
                session,
                actor=current_user,
                partnership=g.partnership,
                indicator=indicator,
                fields=form.service_fields(),
            )
        except ServiceError as error:
            apply_error(form, error)
        else:
            return after_change(outcome, _("The indicator is changed."))
    return render_form(
        "monitoring/form.html",
        form,
        form=form,
        indicator=indicator,
        confirm=ConfirmForm(formdata=None),
        governed=charter_indicators.indicators_endorsed(session, partnership_id=partnership_id),
    )


@bp.post("/p/<int:partnership_id>/monitoring/<int:indicator_id>/retire")
@partnership_guard(Role.FACILITATOR)
def retire_indicator(partnership_id: int, indicator_id: int):
    indicator = indicator_or_404(indicator_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        outcome = charter_indicators.retire_indicator(
            db.session(), actor=current_user, partnership=g.partnership, indicator=indicator
        )
    except ServiceError as error:
        # A one-button action with nothing typed: the refusal is told on the indicator's page.
        flash(error.message, "error")
        return redirect(
            url_for("monitoring.detail", partnership_id=partnership_id, indicator_id=indicator_id)
        )
    return after_change(outcome, _("The indicator is retired: its values stay on record."))


def _draft_action(partnership_id: int, number: int, action, done) -> object:
    session = db.session()
    version = charter.get_version(session, partnership_id=partnership_id, number=number)
    if version is None:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        result = action(session, version)
    except ServiceError as error:
        flash(error.message, "error")
    else:
        flash(done(result), "success")
    return redirect(url_for("principles.edit", partnership_id=partnership_id, number=number))


@bp.post("/p/<int:partnership_id>/charter/<int:number>/indicators")
@partnership_guard(Role.FACILITATOR)
def take_indicator_set(partnership_id: int, number: int):
    def action(session, version):
        return charter_indicators.take_set(
            session, actor=current_user, partnership=g.partnership, version=version
        )

    def done(count):
        return ngettext(
            "The indicator set (%(num)d indicator) is in this draft.",
            "The indicator set (%(num)d indicators) is in this draft.",
            count,
        )

    return _draft_action(partnership_id, number, action, done)


@bp.post("/p/<int:partnership_id>/charter/<int:number>/indicators/leave")
@partnership_guard(Role.FACILITATOR)
def leave_out_indicator_set(partnership_id: int, number: int):
    def action(session, version):
        charter_indicators.leave_out_set(
            session, actor=current_user, partnership=g.partnership, version=version
        )

    return _draft_action(
        partnership_id, number, action, lambda _result: _("The indicator set is out of this draft.")
    )
