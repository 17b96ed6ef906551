"""The checklist's pages: the list with its filters, an action's page, adding and editing,
and reporting progress. Other modules (evidence, reports, the public page) add their routes
to `bp`."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import format_currency, format_decimal, format_percent, get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from hsbp import db
from hsbp.actions import checks, extras, permissions, queries, sdg, services, start_checks
from hsbp.actions.forms import (
    STATUS_LABELS,
    FilterForm,
    ProgressForm,
    action_form,
    apply_error,
)
from hsbp.actions.models import CLOSED, Action, ActionUpdate, action_dependencies
from hsbp.errors import ServiceError
from hsbp.i18n import missing_languages, translated
from hsbp.partnerships.guard import partnership_guard
from hsbp.partnerships.models import Membership, Partner
from hsbp.partnerships.services import list_partners
from hsbp.principles.labels import KIND_LABELS, PRINCIPLE_LABELS
from hsbp.principles.views import native_name, pick
from hsbp.security import Role
from hsbp.views import render_form

bp = Blueprint("actions", __name__)


def _fallback() -> str:
    partnership = g.get("partnership")
    return partnership.default_locale if partnership else "en"


def local_text(values: dict | None) -> str:
    """A text stored per language, in the reader's language or the partnership's default."""
    return translated(values, locale=str(get_locale()), fallback=_fallback())


def local_today() -> date:
    """Today where the partnership is: an action due today is not overdue there yet."""
    return queries.today_in(g.partnership.timezone)


def money(amount, currency: str = "") -> str:
    if amount is None:
        return ""
    return format_currency(amount, currency) if currency else format_decimal(amount)


def sdg_target(code: str) -> str:
    """A target as "6.1 text" in the reader's language."""
    return sdg.target_label(code, str(get_locale()))


@bp.context_processor
def _checklist_helpers():
    return {
        "local_text": local_text,
        "missing_languages": missing_languages,
        "pick": lambda values: pick(values, locale=str(get_locale()), fallback=_fallback()),
        "native_name": native_name,
        "money": money,
        "percent": lambda value: format_percent(value / 100),
        "sdg_target": sdg_target,
        "ACTION_STATUS_LABELS": STATUS_LABELS,
        "PRINCIPLE_LABELS": PRINCIPLE_LABELS,
        "CONTRIBUTION_KIND_LABELS": KIND_LABELS,
    }


def action_or_404(action_id: int) -> Action:
    found = db.session().scalar(
        select(Action).where(Action.id == action_id, Action.partnership_id == g.partnership.id)
    )
    return found or abort(404)


def filtered_actions(session, *, partnership_id: int, filters: dict, today: date) -> list[Action]:
    """The partnership's actions matching `filters` (FilterForm.chosen), soonest due first,
    with their lead and supporting partners loaded in a fixed number of queries."""
    query = (
        select(Action)
        .where(Action.partnership_id == partnership_id)
        .options(selectinload(Action.lead_partner), selectinload(Action.supporters))
        .order_by(Action.due_on.is_(None), Action.due_on, Action.id)
    )
    if partner_id := filters.get("partner"):
        query = query.where(
            or_(
                Action.lead_partner_id == partner_id,
                Action.supporters.any(Partner.id == partner_id),
            )
        )
    if filters.get("status"):
        query = query.where(Action.status == filters["status"])
    if filters.get("goal"):
        query = query.where(Action.goal_key == filters["goal"])
    if filters.get("overdue"):
        query = query.where(Action.due_on < today, Action.status.not_in(CLOSED))
    rows = list(session.scalars(query))
    # Principles and places are short JSON lists: matched here, the same way on every
    # database.
    if principle := filters.get("principle"):
        rows = [a for a in rows if principle in (a.principles or [])]
    if place := filters.get("place"):
        rows = [a for a in rows if place in (a.localities or [])]
    return rows


def _places_named(session, partnership_id: int) -> list[str]:
    """The places the partnership's actions name, for the checklist's filter."""
    named = session.scalars(
        select(Action.localities).where(Action.partnership_id == partnership_id)
    )
    return sorted({p for places in named for p in places or []}, key=str.casefold)


def _goal_labels(session) -> dict[str, str]:
    goals = checks.goals(session, partnership_id=g.partnership.id)
    return {key: local_text(title) for key, title in goals.items()}


@bp.get("/p/<int:partnership_id>/actions")
@partnership_guard()
def index(partnership_id: int):
    session = db.session()
    goals = _goal_labels(session)
    form = FilterForm(
        request.args,
        partners=list_partners(session, partnership_id=partnership_id),
        goals=goals,
        places=_places_named(session, partnership_id),
    )
    filters = form.chosen()
    today = local_today()
    return render_template(
        "actions/index.html",
        form=form,
        filtered=any(filters.values()),
        actions=filtered_actions(
            session, partnership_id=partnership_id, filters=filters, today=today
        ),
        goals=goals,
        today=today,
        can_create=permissions.may_create(g.membership),
    )


# Adding and editing


def _action_form(action: Action | None = None):
    session = db.session()
    rule = services.charter_rule(session, g.partnership.id)
    partners = list_partners(session, partnership_id=g.partnership.id)
    used = {action.lead_partner_id, *(p.id for p in action.supporters)} if action else set()
    partners = [p for p in partners if p.is_current or p.id in used]
    leads = [
        p
        for p in partners
        if permissions.may_lead(g.membership, p.id, rule=rule)
        or (action is not None and p.id == action.lead_partner_id)
    ]
    members = session.scalars(
        select(Membership)
        .where(Membership.partnership_id == g.partnership.id)
        .options(selectinload(Membership.user), selectinload(Membership.partner))
    ).all()
    others = select(Action).where(Action.partnership_id == g.partnership.id).order_by(Action.id)
    if action is not None:
        others = others.where(Action.id != action.id)
    form = action_form(
        partnership=g.partnership,
        goals=checks.goals(session, partnership_id=g.partnership.id),
        partners=partners,
        leads=leads,
        members=sorted(members, key=lambda m: m.user.name.casefold()),
        others=session.scalars(others).all(),
        places=checks.known_localities(session, partnership_id=g.partnership.id),
        action=action,
    )
    if action is None and request.method == "GET" and g.membership.partner_id:
        form.lead_partner_id.data = str(g.membership.partner_id)
    return form


@bp.route("/p/<int:partnership_id>/actions/new", methods=["GET", "POST"])
@partnership_guard(Role.REPRESENTATIVE)
def new(partnership_id: int):
    if not permissions.may_create(g.membership):
        abort(403)
    form = _action_form()
    refusal = None
    if form.validate_on_submit():
        try:
            action = services.create_action(
                db.session(),
                actor=current_user,
                membership=g.membership,
                partnership=g.partnership,
                fields=form.service_fields(),
            )
        except ServiceError as error:
            apply_error(form, error)
            refusal = _start_refusal(error)
        else:
            flash(_("The action is on the checklist."), "success")
            return redirect(
                url_for("actions.detail", partnership_id=partnership_id, action_id=action.id)
            )
    return render_form("actions/form.html", form, form=form, action=None, start_refusal=refusal)


@bp.route("/p/<int:partnership_id>/actions/<int:action_id>/edit", methods=["GET", "POST"])
@partnership_guard(Role.REPRESENTATIVE)
def edit(partnership_id: int, action_id: int):
    action = action_or_404(action_id)
    session = db.session()
    rule = services.charter_rule(session, partnership_id)
    if request.method == "GET" and not permissions.may_edit(g.membership, action, rule=rule):
        # Say why, as the service would on a save: the charter's rule, not a missing page.
        refused = str(services.not_allowed_message(rule))
        return render_template("actions/form.html", form=None, action=action, refused=refused), 403
    form = _action_form(action)
    refusal = None
    if form.validate_on_submit():
        try:
            services.update_action(
                session,
                actor=current_user,
                membership=g.membership,
                partnership=g.partnership,
                action=action,
                fields=form.service_fields(),
            )
        except ServiceError as error:
            apply_error(form, error)
            refusal = _start_refusal(error)
        else:
            flash(_("The action is saved."), "success")
            return redirect(
                url_for("actions.detail", partnership_id=partnership_id, action_id=action_id)
            )
    return render_form("actions/form.html", form, form=form, action=action, start_refusal=refusal)


# An action's page and its progress


def _start_refusal(error: ServiceError) -> start_checks.Refusal | None:
    """What a start check said, for the page to link to where it is put right."""
    return error.refusal if isinstance(error, start_checks.StartRefused) else None


def _detail_page(
    action: Action,
    failed: ProgressForm | None = None,
    refusal: start_checks.Refusal | None = None,
):
    session = db.session()
    rule = services.charter_rule(session, action.partnership_id)
    dependents = session.scalars(
        select(Action)
        .join(action_dependencies, action_dependencies.c.action_id == Action.id)
        .where(
            action_dependencies.c.depends_on_id == action.id,
            Action.partnership_id == action.partnership_id,
        )
        .order_by(Action.id)
    ).all()
    updates = session.scalars(
        select(ActionUpdate)
        .where(ActionUpdate.action_id == action.id)
        .options(selectinload(ActionUpdate.author))
        .order_by(ActionUpdate.created_at.desc(), ActionUpdate.id.desc())
    ).all()
    progress_form = failed or ProgressForm(
        formdata=None,
        data={
            "status": action.status,
            "progress": str(action.progress),
            "status_reason": action.status_reason,
        },
    )
    return render_form(
        "actions/detail.html",
        *([failed] if failed is not None else []),
        action=action,
        goal=_goal_labels(session).get(action.goal_key) if action.goal_key else None,
        dependents=dependents,
        updates=updates,
        progress_form=progress_form,
        can_edit=permissions.may_edit(g.membership, action, rule=rule),
        can_report=permissions.may_report(g.membership, action, rule=rule),
        is_facilitator=g.membership.role == Role.FACILITATOR,
        today=local_today(),
        sections=extras.sections(session, action=action, membership=g.membership),
        start_refusal=refusal,
    )


@bp.get("/p/<int:partnership_id>/actions/<int:action_id>")
@partnership_guard()
def detail(partnership_id: int, action_id: int):
    return _detail_page(action_or_404(action_id))


@bp.post("/p/<int:partnership_id>/actions/<int:action_id>/progress")
@partnership_guard(Role.REPRESENTATIVE)
def progress(partnership_id: int, action_id: int):
    action = action_or_404(action_id)
    form = ProgressForm()
    refusal = None
    if form.validate_on_submit():
        try:
            services.report_progress(
                db.session(),
                actor=current_user,
                membership=g.membership,
                action=action,
                status=form.status.data,
                progress=(form.progress.data or "").strip(),
                comment=form.comment.data or "",
                reason=form.status_reason.data or "",
            )
        except ServiceError as error:
            apply_error(form, error)
            refusal = _start_refusal(error)
        else:
            flash(_("The progress is reported."), "success")
            return redirect(
                url_for("actions.detail", partnership_id=partnership_id, action_id=action_id)
            )
    return _detail_page(action, failed=form, refusal=refusal)
