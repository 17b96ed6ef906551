"""The risks and impacts register: the list in salience order, a risk, recording and changing
one. Other modules of the capability add their routes to `bp`."""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from hsbp import db
from hsbp.auth.models import User
from hsbp.errors import ServiceError, apply_error
from hsbp.human_security import DIMENSION_LABELS
from hsbp.i18n import missing_languages
from hsbp.partnerships.guard import partnership_guard
from hsbp.partnerships.services import list_partners
from hsbp.principles.views import native_name, pick
from hsbp.risks import connections, permissions, queries, rights, salience, services
from hsbp.risks.forms import (
    KIND_HINTS,
    KIND_LABELS,
    STATUS_LABELS,
    RegisterFilterForm,
    StatusForm,
    risk_form,
)
from hsbp.risks.models import Risk
from hsbp.risks.responses import (
    CONNECTION_HINTS,
    CONNECTION_LABELS,
    RESPONSE_LABELS,
    expected_responses,
)
from hsbp.security import Role
from hsbp.views import page_number, render_form

bp = Blueprint("risks", __name__)


@bp.context_processor
def _register_helpers():
    partnership = g.get("partnership")
    locale = str(get_locale())
    fallback = partnership.default_locale if partnership else locale
    return {
        "pick": lambda values: pick(values, locale=locale, fallback=fallback),
        "native_name": native_name,
        "missing_languages": missing_languages,
        "RISK_STATUS_LABELS": STATUS_LABELS,
        "RISK_KIND_LABELS": KIND_LABELS,
        "RISK_KIND_HINTS": KIND_HINTS,
        "SEVERITY_LABELS": salience.SEVERITY_LABELS,
        "LIKELIHOOD_LABELS": salience.LIKELIHOOD_LABELS,
        "LEVEL_LABELS": salience.LEVEL_LABELS,
        "FACTOR_LABELS": salience.FACTOR_LABELS,
        "DIMENSION_LABELS": DIMENSION_LABELS,
        "RIGHT_LABELS": rights.RIGHTS,
        "CONNECTION_LABELS": CONNECTION_LABELS,
        "CONNECTION_HINTS": CONNECTION_HINTS,
        "RESPONSE_LABELS": RESPONSE_LABELS,
    }


def risk_or_404(risk_id: int) -> Risk:
    """The risk if the member may read it; the same 404 for one that does not exist, belongs
    to another partnership or is not shown to this member, so an id reveals nothing."""
    found = queries.visible_risk(db.session(), membership=g.membership, risk_id=risk_id)
    return found or abort(404)


# The register --------------------------------------------------------------------------------


def _filter_partners(session):
    """The partners the reader may filter by: every one for a facilitator, else its own (whom
    another partner is connected to is that partner's own due diligence)."""
    partners = list_partners(session, partnership_id=g.partnership.id)
    if permissions.is_facilitator(g.membership):
        return partners
    return [p for p in partners if p.id == g.membership.partner_id]


@bp.get("/p/<int:partnership_id>/risks")
@partnership_guard(Role.OBSERVER)
def register(partnership_id: int):
    session = db.session()
    form = RegisterFilterForm(
        request.args,
        places=queries.register_places(session, membership=g.membership),
        partners=_filter_partners(session),
    )
    filters, ignored = form.chosen()
    listing = queries.register_page(
        session, membership=g.membership, filters=filters, page=page_number()
    )
    return render_template(
        "risks/register.html",
        form=form,
        filters=filters,
        ignored=ignored,
        listing=listing,
        can_record=permissions.can_record_risk(g.membership),
        sees_all_connections=permissions.is_facilitator(g.membership),
    )


# Recording and changing a risk ---------------------------------------------------------------


def _form(risk: Risk | None = None):
    places = queries.known_places(db.session(), partnership_id=g.partnership.id)
    return risk_form(partnership=g.partnership, places=places, risk=risk)


def _source(form):
    """The source named by ?source= (GET) or the form's hidden field (POST): (kind, ref),
    and its label; an unknown or unreadable one is dropped with a notice on a GET."""
    raw = form.source.data if request.method == "POST" else request.args.get("source", "")
    source = services.parse_source(raw)
    if source is None:
        if raw and request.method == "GET":
            flash(_("The source named in the address cannot be linked: it is left out."), "error")
        return None, ""
    try:
        _target_id, _key, label = services.resolve_source(
            db.session(), membership=g.membership, source=source
        )
    except ServiceError as error:
        if request.method == "GET":
            flash(str(error.message), "error")
            return None, ""
        return source, ""
    return source, label


@bp.route("/p/<int:partnership_id>/risks/new", methods=["GET", "POST"])
@partnership_guard(Role.REPRESENTATIVE)
def new(partnership_id: int):
    if not permissions.can_record_risk(g.membership):
        abort(404)
    form = _form()
    source, source_label = _source(form)
    if request.method == "GET" and source is not None:
        form.source.data = ":".join(source)
    if form.validate_on_submit():
        try:
            risk = services.create_risk(
                db.session(),
                actor=current_user,
                membership=g.membership,
                partnership=g.partnership,
                fields=form.service_fields(),
                source=source,
            )
        except ServiceError as error:
            apply_error(form, error)
        else:
            flash(_("Risk R-%(number)d is on the register.", number=risk.number), "success")
            return redirect(url_for("risks.risk", partnership_id=partnership_id, risk_id=risk.id))
    return render_form(
        "risks/risk_form.html", form, form=form, risk=None, source_label=source_label
    )


@bp.route("/p/<int:partnership_id>/risks/<int:risk_id>/edit", methods=["GET", "POST"])
@partnership_guard(Role.REPRESENTATIVE)
def edit(partnership_id: int, risk_id: int):
    risk = risk_or_404(risk_id)
    if not permissions.can_edit_risk(g.membership, risk):
        abort(403)
    form = _form(risk)
    if form.validate_on_submit():
        try:
            services.update_risk(
                db.session(),
                actor=current_user,
                membership=g.membership,
                partnership=g.partnership,
                risk=risk,
                fields=form.service_fields(),
            )
        except ServiceError as error:
            apply_error(form, error)
        else:
            flash(_("Risk R-%(number)d is saved.", number=risk.number), "success")
            return redirect(url_for("risks.risk", partnership_id=partnership_id, risk_id=risk.id))
    return render_form("risks/risk_form.html", form, form=form, risk=risk, source_label="")


# A risk's page ---------------------------------------------------------------------------------


def _risk_page(risk: Risk, status_form: StatusForm | None = None):
    session = db.session()
    membership = g.membership
    readable, hidden = queries.readable_connections(membership, risk)
    connected = {c.partner_id for c in risk.connections}
    can_connect = any(
        p.id not in connected
        for p in connections.connectable_partners(session, membership=membership)
    )
    can_edit = permissions.can_edit_risk(membership, risk)
    failed = [status_form] if status_form is not None else []
    severity, likelihood = salience.bands(risk)
    return render_form(
        "risks/risk.html",
        *failed,
        risk=risk,
        membership=membership,
        partnership=g.partnership,
        severity=severity,
        severity_value=salience.severity(risk.scale, risk.scope, risk.irremediability),
        likelihood=likelihood,
        readable=[(c, expected_responses(c.connection, risk.kind)) for c in readable],
        hidden_connections=hidden,
        sees_all_connections=permissions.is_facilitator(membership),
        can_connect=can_connect,
        can_edit=can_edit,
        can_edit_connection=lambda c: permissions.can_edit_connection(membership, c),
        status_form=status_form or (StatusForm(current=risk.status) if can_edit else None),
        recorded_by=session.get(User, risk.created_by_id) if risk.created_by_id else None,
    )


@bp.get("/p/<int:partnership_id>/risks/<int:risk_id>")
@partnership_guard(Role.OBSERVER)
def risk(partnership_id: int, risk_id: int):
    return _risk_page(risk_or_404(risk_id))


@bp.post("/p/<int:partnership_id>/risks/<int:risk_id>/status")
@partnership_guard(Role.REPRESENTATIVE)
def status(partnership_id: int, risk_id: int):
    found = risk_or_404(risk_id)
    if not permissions.can_edit_risk(g.membership, found):
        abort(403)
    form = StatusForm(current=found.status)
    if form.validate_on_submit():
        try:
            services.change_status(
                db.session(),
                actor=current_user,
                membership=g.membership,
                risk=found,
                status=form.status.data,
                reason=form.reason.data or "",
            )
        except ServiceError as error:
            apply_error(form, error)
        else:
            flash(
                _(
                    "R-%(number)d is now %(status)s.",
                    number=found.number,
                    status=STATUS_LABELS[found.status],
                ),
                "success",
            )
            return redirect(url_for("risks.risk", partnership_id=partnership_id, risk_id=risk_id))
    return _risk_page(found, status_form=form)
