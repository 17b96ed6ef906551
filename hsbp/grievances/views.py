"""The grievance officers' pages: the list, a grievance's page and its handling, the officers
and the settings. Other modules (intake, dashboard) add their routes to `bp`.

Who sees what: facilitators and grievance officers see every grievance and handle it; a
partner representative sees only the grievances concerning their own partner, and of those
only the facts of handling (code, dates, category, severity, stage), never the text nor the
notes, which may tell who filed; observers see the dashboard. Only grievance officers see who
filed a grievance, by asking on purpose (a POST, audited). An officer or facilitator who
represents the partner a grievance concerns sees it as that partner's other representatives
do (recusal, hsbp.grievances.officers)."""

from __future__ import annotations

import segno
from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from markupsafe import Markup
from werkzeug.routing import BuildError

from hsbp import db
from hsbp.auth.reauth import fresh_auth_required
from hsbp.db import utcnow
from hsbp.errors import ServiceError, apply_to_form
from hsbp.grievances import escalation, officers, queries, services
from hsbp.grievances.codes import shown
from hsbp.grievances.forms import (
    CATEGORY_LABELS,
    CHANNEL_LABELS,
    SEVERITY_LABELS,
    STAGE_LABELS,
    FilterForm,
    HandlingForm,
    SettingsForm,
    StageForm,
    category_assessed,
    officer_label,
)
from hsbp.grievances.models import Grievance
from hsbp.partnerships.guard import partnership_guard
from hsbp.partnerships.services import list_partners
from hsbp.paths import public_url
from hsbp.security import Role
from hsbp.views import render_form

bp = Blueprint("grievances", __name__)


@bp.context_processor
def _grievance_helpers():
    return {
        "GRIEVANCE_STAGE_LABELS": STAGE_LABELS,
        "GRIEVANCE_CATEGORY_LABELS": CATEGORY_LABELS,
        "GRIEVANCE_SEVERITY_LABELS": SEVERITY_LABELS,
        "GRIEVANCE_CHANNEL_LABELS": CHANNEL_LABELS,
        "shown_code": shown,
        "category_assessed": category_assessed,
    }


def handles(grievance: Grievance | None = None) -> bool:
    """The signed-in member handles grievances here (a facilitator or grievance officer);
    given a `grievance`, this one (not when they represent the partner it concerns)."""
    return officers.may_handle(db.session(), g.membership, grievance)


def partner_scope() -> int | None:
    """The partner whose grievances a representative who does not handle them may see."""
    if g.membership.role == Role.REPRESENTATIVE and g.membership.partner_id:
        return g.membership.partner_id
    return None


def grievance_or_404(grievance_id: int) -> Grievance:
    """The grievance, for those who handle grievances here (an independent officer is an
    observer) and the representatives of the partner it concerns; 404 for anyone else."""
    found = queries.grievance_in(
        db.session(), partnership_id=g.partnership.id, grievance_id=grievance_id
    )
    if found is None:
        abort(404)
    if not handles() and (partner_scope() is None or found.partner_id != partner_scope()):
        abort(404)  # as for a grievance that does not exist: ids reveal nothing
    return found


def _dashboard_or_404():
    try:
        return redirect(url_for("grievances.dashboard", partnership_id=g.partnership.id))
    except BuildError:
        abort(404)


@bp.get("/p/<int:partnership_id>/grievances")
@partnership_guard()
def index(partnership_id: int):
    full = handles()
    if not full and partner_scope() is None:
        return _dashboard_or_404()
    session = db.session()
    settings = services.settings_of(session, partnership_id)
    form = FilterForm(request.args, partners=list_partners(session, partnership_id=partnership_id))
    filters = form.chosen()
    if not full:
        filters.pop("partner", None)
    now = utcnow()
    grievances = queries.filtered_grievances(
        session,
        partnership_id=partnership_id,
        filters=filters,
        settings=settings,
        now=now,
        partner_only=None if full else partner_scope(),
    )
    return render_template(
        "grievances/index.html",
        form=form,
        filtered=any(filters.values()),
        grievances=grievances,
        deadlines={gr.id: services.deadline(gr, settings) for gr in grievances},
        now=now,
        full=full,
        is_facilitator=g.membership.role == Role.FACILITATOR,
        # Those who handle grievances hand the public form's address out (and print it).
        public_link=_public_link(settings) if full else None,
    )


# A grievance's page and its handling ------------------------------------------------------


def _handling_form(
    grievance: Grievance, current: list[officers.Officer], formdata=None
) -> HandlingForm:
    """The handling form; the officers offered leave out those who represent the partner
    concerned (recusal), except one assigned already, whom the service then takes off."""
    session = db.session()
    offered = [
        (str(o.user.id), officer_label(o.membership))
        for o in current
        if o.user.id == grievance.officer_id or not officers.conflicted(o.membership, grievance)
    ]
    unassessed = [] if grievance.assessed_at else ["severity"]
    if not category_assessed(grievance):
        unassessed.append("category")
    return HandlingForm(
        formdata=formdata,
        partners=list_partners(session, partnership_id=grievance.partnership_id),
        officers=offered,
        unassessed=unassessed,
        data={
            "category": "" if "category" in unassessed else grievance.category,
            "severity": "" if "severity" in unassessed else grievance.severity,
            "partner_id": str(grievance.partner_id or ""),
            "officer_id": str(grievance.officer_id or ""),
        },
    )


def _detail_page(grievance: Grievance, *failed, looked=False, identity=None, refused=""):
    """The grievance's page; `looked` when an officer asked who filed it (`identity`, None
    for an anonymous grievance); `refused` the reason a look was refused."""
    session = db.session()
    settings = services.settings_of(session, grievance.partnership_id)
    full = handles(grievance)
    current = officers.current_officers(session, partnership_id=grievance.partnership_id)
    forms = {}
    if full:
        forms["stage_form"] = next(
            (f for f in failed if isinstance(f, StageForm)),
            StageForm(formdata=None, stage=grievance.stage),
        )
        forms["handling_form"] = next(
            (f for f in failed if isinstance(f, HandlingForm)), _handling_form(grievance, current)
        )
    body, code = render_form(
        "grievances/detail.html",
        *failed,
        grievance=grievance,
        events=queries.history(session, grievance) if full else [],
        deadline=services.deadline(grievance, settings),
        overdue=services.is_overdue(grievance, settings, utcnow()),
        full=full,
        recused=officers.conflicted(g.membership, grievance) and handles(),
        is_facilitator=g.membership.role == Role.FACILITATOR,
        officer_count=len(current),
        free_officers=len(officers.free_for(current, grievance.partner_id)),
        may_look=officers.may_see_identity(session, g.membership, grievance),
        looked=looked,
        identity=identity,
        refused=refused,
        **forms,
    )
    return body, 403 if refused else code


@bp.get("/p/<int:partnership_id>/grievances/<int:grievance_id>")
@partnership_guard(Role.OBSERVER)
def detail(partnership_id: int, grievance_id: int):
    return _detail_page(grievance_or_404(grievance_id))


def _back(grievance: Grievance):
    return redirect(
        url_for(
            "grievances.detail", partnership_id=grievance.partnership_id, grievance_id=grievance.id
        )
    )


@bp.post("/p/<int:partnership_id>/grievances/<int:grievance_id>/stage")
@partnership_guard(Role.OBSERVER)
def move(partnership_id: int, grievance_id: int):
    grievance = grievance_or_404(grievance_id)
    if not handles(grievance):
        abort(403)
    form = StageForm(stage=grievance.stage)
    if form.validate_on_submit():
        try:
            services.change_stage(
                db.session(),
                actor=current_user,
                membership=g.membership,
                grievance=grievance,
                to=form.to.data or "",
                note=form.note.data or "",
                referred_to=form.referred_to.data or "",
            )
        except ServiceError as error:
            apply_to_form(form, _stage_field(error))
        else:
            stage = STAGE_LABELS[grievance.stage]
            flash(_("The grievance is now at the stage: %(stage)s.", stage=stage), "success")
            return _back(grievance)
    return _detail_page(grievance, form)


def _stage_field(error: ServiceError) -> ServiceError:
    """The service names the stage `stage`; the form's field for it is `to`."""
    if error.field == "stage":
        error.field = "to"
    return error


@bp.post("/p/<int:partnership_id>/grievances/<int:grievance_id>/handling")
@partnership_guard(Role.OBSERVER)
def handling(partnership_id: int, grievance_id: int):
    grievance = grievance_or_404(grievance_id)
    if not handles(grievance):
        abort(403)
    session = db.session()
    current = officers.current_officers(session, partnership_id=partnership_id)
    form = _handling_form(grievance, current, formdata=request.form)
    if form.validate_on_submit():
        try:
            recused = services.update_handling(
                db.session(),
                actor=current_user,
                membership=g.membership,
                grievance=grievance,
                category=form.category.data,
                severity=form.severity.data,
                partner_id=form.partner_id.data,
                officer_id=form.officer_id.data,
            )
        except ServiceError as error:
            apply_to_form(form, error)
        else:
            flash(_("The handling of the grievance is saved."), "success")
            if recused is not None:
                name = next((o.user.name for o in current if o.user.id == recused), "")
                flash(
                    _(
                        "%(name)s represents the partner this grievance now concerns, so they "
                        "are no longer assigned to it. Choose another officer.",
                        name=name,
                    ),
                    "info",
                )
            return _back(grievance)
    return _detail_page(grievance, form)


@bp.post("/p/<int:partnership_id>/grievances/<int:grievance_id>/identity")
@partnership_guard(Role.OBSERVER)
@fresh_auth_required
def identity(partnership_id: int, grievance_id: int):
    """Who filed it, on this response only: a look is a deliberate, audited act."""
    grievance = grievance_or_404(grievance_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    try:
        found = services.identity(
            db.session(), actor=current_user, membership=g.membership, grievance=grievance
        )
    except ServiceError as error:
        return _detail_page(grievance, refused=str(error.message))
    body, code = _detail_page(grievance, looked=True, identity=found)
    # Neither the browser nor a proxy keeps the page that names the complainant.
    return body, code, {"Cache-Control": "no-store"}


# Settings ---------------------------------------------------------------------------------


def public_form_link(token: str | None) -> str | None:
    if not token:
        return None
    try:
        return public_url("grievances.public_form", token=token)
    except BuildError:
        # The public form is built apart; this is the address it is planned at.
        return current_app.config["PUBLIC_URL"] + f"/g/{token}"


def _public_link(settings) -> str | None:
    """The public form's address, while the form is on."""
    return public_form_link(settings.public_token) if settings.public_form else None


@bp.route("/p/<int:partnership_id>/grievances/settings", methods=["GET", "POST"])
@partnership_guard(Role.FACILITATOR)
def settings(partnership_id: int):
    session = db.session()
    current = services.settings_of(session, partnership_id)
    form = SettingsForm(obj=current)
    if form.validate_on_submit():
        try:
            escalation.save_settings(
                session,
                actor=current_user,
                membership=g.membership,
                acknowledge_days=form.acknowledge_days.data,
                respond_days=form.respond_days.data,
                public_form=form.public_form.data,
                new_address=form.new_address.data,
            )
        except ServiceError as error:
            apply_to_form(form, error)
        else:
            flash(_("The grievance settings are saved."), "success")
            return redirect(url_for("grievances.settings", partnership_id=partnership_id))
    form.new_address.data = False  # asked for each time, never kept ticked
    return render_form(
        "grievances/settings.html",
        form,
        form=form,
        current=current,
        link=public_form_link(current.public_token),
    )


def qr_code(link: str, *, title: str) -> Markup:
    """`link` as a QR code in inline SVG, drawn here (no image service sees the address).
    Error correction M survives a poster's wear; the 4-module margin is the standard's."""
    svg = segno.make(link, error="m").svg_inline(
        scale=1, border=4, omitsize=True, dark="#000", light="#fff", title=title
    )
    # Named for screen readers; crisp edges keep the modules from blurring apart when scaled.
    named = svg.replace("<svg ", '<svg role="img" shape-rendering="crispEdges" ', 1)
    return Markup(named)  # noqa: S704  (segno escapes the title; the rest is its own drawing)


@bp.get("/p/<int:partnership_id>/grievances/poster")
@partnership_guard(Role.OBSERVER)
def poster(partnership_id: int):
    """The public form's address as a printable poster with its QR code."""
    settings = services.settings_of(db.session(), partnership_id)
    link = _public_link(settings)
    if not handles() or link is None:
        abort(404)
    return render_template(
        "grievances/poster.html",
        link=link,
        qr=qr_code(link, title=_("QR code of the grievance form's address")),
    )
