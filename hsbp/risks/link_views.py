"""Linking a risk to where it was seen and to what answers it, and removing a link: for the
members who may change the risk (hsbp.risks.permissions.can_edit_risk). The forms sit on the
risk's page (templates/risks/_links.html); a refused one comes back on a page of its own with
the reason beside the field, and nothing is saved."""

from __future__ import annotations

from flask import abort, flash, g, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select

from hsbp import db
from hsbp.errors import ServiceError, apply_to_form
from hsbp.grievances.models import Grievance
from hsbp.partnerships.guard import partnership_guard
from hsbp.risks import links, permissions, queries, targets
from hsbp.risks.link_forms import forms_for, link_form
from hsbp.risks.models import LinkKind, Risk, RiskLink
from hsbp.risks.views import bp
from hsbp.security import Role
from hsbp.views import render_form


def _editable_risk(risk_id: int) -> Risk:
    """The risk, for a member who may change it: 404 when they may not read it (as for one
    that does not exist), 403 when they may read it only."""
    found = queries.visible_risk(db.session(), membership=g.membership, risk_id=risk_id)
    if found is None:
        abort(404)
    if not permissions.can_edit_risk(g.membership, found):
        abort(403)
    return found


def _forms(risk: Risk, failed=None):
    return forms_for(db.session(), partnership_id=risk.partnership_id, failed=failed)


def _back(risk: Risk):
    return redirect(
        url_for("risks.risk", partnership_id=risk.partnership_id, risk_id=risk.id) + "#links"
    )


@bp.route("/p/<int:partnership_id>/risks/<int:risk_id>/links", methods=["GET", "POST"])
@partnership_guard(Role.OBSERVER)
def link_add(partnership_id: int, risk_id: int):
    """GET: the link forms on a page of their own. POST: link the row the form names."""
    risk = _editable_risk(risk_id)
    if request.method == "GET":
        return render_form("risks/link_add.html", risk=risk, forms=_forms(risk))
    kind = request.form.get("kind", "")
    if kind not in {str(k) for k in LinkKind}:
        abort(400)
    form = link_form(kind, submitted=True)
    if form.validate_on_submit():
        session = db.session()
        try:
            target = targets.resolve(
                session, membership=g.membership, kind=kind, ref=form.ref.data or ""
            )
            links.add_link(
                session,
                risk=risk,
                kind=kind,
                target_id=target.target_id,
                key=target.key,
                role=form.role.data if kind == LinkKind.ACTION else "",
                actor_id=current_user.id,
            )
        except ServiceError as error:
            apply_to_form(form, error)
        else:
            flash(
                _("R-%(number)d is linked to %(label)s.", number=risk.number, label=target.label),
                "success",
            )
            return _back(risk)
    return render_form("risks/link_add.html", form, risk=risk, forms=_forms(risk, (kind, form)))


@bp.post("/p/<int:partnership_id>/risks/<int:risk_id>/links/<int:link_id>/remove")
@partnership_guard(Role.OBSERVER)
def link_remove(partnership_id: int, risk_id: int, link_id: int):
    risk = _editable_risk(risk_id)
    session = db.session()
    link = session.scalar(
        select(RiskLink).where(
            RiskLink.id == link_id,
            RiskLink.risk_id == risk.id,
            RiskLink.partnership_id == partnership_id,
        )
    )
    if link is None or not _may_see_target(link):
        abort(404)
    if not FlaskForm().validate_on_submit():
        abort(400)
    links.remove_link(session, link=link, actor_id=current_user.id)
    flash(_("The link is removed from R-%(number)d.", number=risk.number), "success")
    return _back(risk)


def _may_see_target(link: RiskLink) -> bool:
    """A linked grievance is removed only by those who may see it: to others its link is a
    count, never a row they could name."""
    if link.kind != LinkKind.GRIEVANCE:
        return True
    session = db.session()
    partner_id = session.scalar(
        select(Grievance.partner_id).where(
            Grievance.id == link.target_id, Grievance.partnership_id == link.partnership_id
        )
    )
    return targets.grievance_reader(session, g.membership)(partner_id)
