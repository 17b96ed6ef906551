"""The key moments calendar: each partner's moments of leverage coming up (and the last 90
days'), each with the open risks where it could be used; and adding, changing and removing
one. Facilitators see and keep every partner's; a representative its own partner's;
observers see none (the page says so)."""

from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from hsbp import db
from hsbp.errors import ServiceError, apply_error
from hsbp.partnerships.guard import partnership_guard
from hsbp.partnerships.models import Partner
from hsbp.risks import key_moments as moments
from hsbp.risks import permissions
from hsbp.risks.leverage_views import link_to, local_today, risk_title
from hsbp.risks.models import KeyMoment
from hsbp.risks.moment_forms import moment_form, values_of
from hsbp.risks.views import bp
from hsbp.security import Role
from hsbp.views import int_value, render_form


@bp.get("/p/<int:partnership_id>/key-moments")
@partnership_guard(Role.OBSERVER)
def key_moments(partnership_id: int):
    membership = g.membership
    today = local_today()
    rows = moments.calendar(db.session(), membership=membership, today=today)
    return render_template(
        "risks/key_moments.html",
        sees_any=moments.sees_any(membership),
        may_add=moments.sees_any(membership),
        coming=[row for row in rows if row.moment.occurs_on >= today],
        past=[row for row in reversed(rows) if row.moment.occurs_on < today],
        today=today,
        can_manage=lambda moment: moments.can_manage(membership, moment.partner_id),
        KIND_LABELS=moments.KIND_LABELS,
        risk_title=risk_title,
        risk_url=lambda risk: link_to("risks.risk", partnership_id=partnership_id, risk_id=risk.id),
        past_days=moments.PAST_DAYS,
    )


def _partners() -> list[Partner]:
    """The partners the member may keep moments for, current ones only."""
    membership = g.membership
    query = select(Partner).where(Partner.partnership_id == g.partnership.id)
    if not permissions.is_facilitator(membership):
        query = query.where(Partner.id == membership.partner_id)
    return [p for p in db.session().scalars(query.order_by(Partner.name)) if p.is_current]


def _moment_or_404(moment_id: int) -> KeyMoment:
    found = db.session().scalar(
        select(KeyMoment).where(
            KeyMoment.id == moment_id, KeyMoment.partnership_id == g.partnership.id
        )
    )
    if found is None or not moments.can_manage(g.membership, found.partner_id):
        abort(404)
    return found


def _field(form, name: str):
    return form._fields.get(name)


def _calendar():
    return redirect(url_for("risks.key_moments", partnership_id=g.partnership.id))


@bp.route("/p/<int:partnership_id>/key-moments/new", methods=["GET", "POST"])
@partnership_guard(Role.REPRESENTATIVE)
def key_moment_new(partnership_id: int):
    partners = _partners()
    if not partners:
        # No partnership partner yet, or a representative's partner has left.
        flash(_("There is no current partner to add a key moment for."), "error")
        return _calendar()
    form = moment_form(partners)
    if request.method == "GET":
        wanted = int_value(request.args.get("partner"))
        if any(p.id == wanted for p in partners):
            form.partner_id.data = wanted
    elif form.validate_on_submit():
        try:
            moments.create_moment(
                db.session(),
                membership=g.membership,
                values=values_of(form),
                today=local_today(),
                actor_id=current_user.id,
            )
        except ServiceError as error:
            apply_error(form, error, _field)
        else:
            flash(_("The key moment is added."), "success")
            return _calendar()
    return render_form("risks/key_moment_form.html", form, form=form, moment=None)


@bp.route("/p/<int:partnership_id>/key-moments/<int:moment_id>/edit", methods=["GET", "POST"])
@partnership_guard(Role.REPRESENTATIVE)
def key_moment_edit(partnership_id: int, moment_id: int):
    moment = _moment_or_404(moment_id)
    partners = _partners()
    if moment.partner not in partners:
        partners.append(moment.partner)  # a partner that has left keeps its past moments
    form = moment_form(partners, obj=moment)
    if form.validate_on_submit():
        try:
            moments.update_moment(
                db.session(),
                membership=g.membership,
                moment=moment,
                values=values_of(form),
                today=local_today(),
                actor_id=current_user.id,
            )
        except ServiceError as error:
            apply_error(form, error, _field)
        else:
            flash(_("The key moment is saved."), "success")
            return _calendar()
    return render_form("risks/key_moment_form.html", form, form=form, moment=moment)


@bp.post("/p/<int:partnership_id>/key-moments/<int:moment_id>/delete")
@partnership_guard(Role.REPRESENTATIVE)
def key_moment_delete(partnership_id: int, moment_id: int):
    moment = _moment_or_404(moment_id)
    moments.delete_moment(
        db.session(), membership=g.membership, moment=moment, actor_id=current_user.id
    )
    flash(_("The key moment is removed."), "success")
    return _calendar()
