"""Recording and changing a partner's connection to a risk (causes, contributes to, directly
linked to, with the reasoning). The connection's own page, with its leverage, is
`risks.connection` (hsbp.risks.leverage_views)."""

from __future__ import annotations

from flask import abort, flash, g, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from hsbp import db
from hsbp.errors import ServiceError, apply_error
from hsbp.partnerships.guard import partnership_guard
from hsbp.risks import connections, permissions
from hsbp.risks.forms import connection_form
from hsbp.risks.models import RiskConnection
from hsbp.risks.views import bp, risk_or_404
from hsbp.security import Role
from hsbp.views import render_form

BASE = "/p/<int:partnership_id>/risks/<int:risk_id>/connections"


def _saved(partnership_id: int, row: RiskConnection):
    return redirect(
        url_for(
            "risks.connection",
            partnership_id=partnership_id,
            risk_id=row.risk_id,
            connection_id=row.id,
        )
    )


@bp.route(f"{BASE}/new", methods=["GET", "POST"])
@partnership_guard(Role.REPRESENTATIVE)
def connection_new(partnership_id: int, risk_id: int):
    risk = risk_or_404(risk_id)
    session = db.session()
    connected = {c.partner_id for c in risk.connections}
    partners = [
        p
        for p in connections.connectable_partners(session, membership=g.membership)
        if p.id not in connected or request.method == "POST"
    ]
    if not partners:
        # Nobody left to speak for: a representative whose partner is already connected
        # changes that connection instead.
        own = next((c for c in risk.connections if c.partner_id == g.membership.partner_id), None)
        if own is not None and request.method == "GET":
            flash(_("Your organisation's connection is already recorded: change it here."), "info")
            return redirect(
                url_for(
                    "risks.connection_edit",
                    partnership_id=partnership_id,
                    risk_id=risk_id,
                    connection_id=own.id,
                )
            )
        abort(403)
    form = connection_form(partners=partners)
    if form.validate_on_submit():
        try:
            row = connections.add_connection(
                session,
                actor=current_user,
                membership=g.membership,
                risk=risk,
                partner_id=form.partner_id.data,
                connection=form.connection.data or "",
                reasoning=form.reasoning.data or "",
                relationship_with=form.relationship_with.data or "",
            )
        except ServiceError as error:
            apply_error(form, error)
        else:
            flash(_("The connection to R-%(number)d is recorded.", number=risk.number), "success")
            return _saved(partnership_id, row)
    return render_form("risks/connection_form.html", form, form=form, risk=risk, row=None)


@bp.route(f"{BASE}/<int:connection_id>/edit", methods=["GET", "POST"])
@partnership_guard(Role.REPRESENTATIVE)
def connection_edit(partnership_id: int, risk_id: int, connection_id: int):
    risk = risk_or_404(risk_id)
    row = db.session().scalar(
        select(RiskConnection).where(
            RiskConnection.id == connection_id,
            RiskConnection.risk_id == risk.id,
            RiskConnection.partnership_id == partnership_id,
        )
    )
    # Another partner's entry is not shown to this member at all: the same 404 as for none.
    if row is None or not permissions.can_read_connection(g.membership, row):
        abort(404)
    if not permissions.can_edit_connection(g.membership, row):
        abort(403)
    form = connection_form(partners=[row.partner], row=row)
    if form.validate_on_submit():
        try:
            connections.update_connection(
                db.session(),
                actor=current_user,
                membership=g.membership,
                row=row,
                connection=form.connection.data or "",
                reasoning=form.reasoning.data or "",
                relationship_with=form.relationship_with.data or "",
            )
        except ServiceError as error:
            apply_error(form, error)
        else:
            flash(_("The connection to R-%(number)d is saved.", number=risk.number), "success")
            return _saved(partnership_id, row)
    return render_form("risks/connection_form.html", form, form=form, risk=risk, row=row)
