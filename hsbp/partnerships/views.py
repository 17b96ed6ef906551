"""Partnership pages: the list, the dashboard, settings, partners and the audit log."""

import sys

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from hsbp import db
from hsbp.actions import extras as action_extras
from hsbp.actions import queries as action_queries
from hsbp.actions.services import overdue_and_due_soon
from hsbp.db import utcnow
from hsbp.errors import ServiceError, apply_to_form
from hsbp.i18n import translated
from hsbp.monitoring import display as monitoring_display
from hsbp.monitoring import queries as monitoring_queries
from hsbp.monitoring.progress import Track
from hsbp.partnerships import activity, attention, entry, members, profiles, services, setup
from hsbp.partnerships.forms import NewPartnershipForm, PartnerForm, PartnershipSettingsForm
from hsbp.partnerships.guard import partnership_guard
from hsbp.security import Role, site_admin_required
from hsbp.views import page_number, render_form

bp = Blueprint("partnerships", __name__)


def _attention() -> list[attention.Count]:
    """What needs attention in the partnership in view, for the signed-in member: read once
    a request, by the dashboard and the menu's badges alike."""
    if "attention" not in g:
        g.attention = attention.collect(
            db.session(), partnership=g.partnership, membership=g.membership, now=utcnow()
        )
    return g.attention


def _menu_badges() -> dict[str, int]:
    # An error page may be rendered with a failed transaction: it shows no badge rather
    # than fail again.
    if sys.exc_info()[0] is not None:
        return {}
    return attention.badges(_attention())


@bp.app_context_processor
def _partnership_menu():
    # A function, so only pages that show the partnership menu run its queries.
    return {"menu_badges": _menu_badges}


@bp.get("/")
def home():
    return redirect(
        url_for("partnerships.index" if current_user.is_authenticated else "auth.login")
    )


@bp.get("/partnerships")
@login_required
def index():
    rows = services.partnerships_of(db.session(), user=current_user)
    # The landing page after signing in: a list of one is a detour, and a site administrator
    # with no partnership of their own has nothing to open here.
    if current_user.is_site_admin and not rows:
        return redirect(url_for("partnerships.admin_index"))
    if len(rows) == 1 and not current_user.is_site_admin:
        return redirect(url_for("partnerships.dashboard", partnership_id=rows[0][0].id))
    return render_template("partnerships/index.html", rows=rows)


@bp.get("/admin/partnerships")
@login_required
@site_admin_required
def admin_index():
    rows = services.all_partnerships(db.session())
    return render_template("partnerships/admin_index.html", rows=rows)


@bp.route("/admin/partnerships/new", methods=["GET", "POST"])
@login_required
@site_admin_required
def create():
    form = NewPartnershipForm()
    if request.method == "GET":
        form.locales.data, form.timezone.data = ["en"], "UTC"
    if form.validate_on_submit():
        session = db.session()
        try:
            partnership = services.create_partnership(
                session, actor=current_user, **form.service_fields()
            )
            if form.facilitator_email.data:
                members.invite_member(
                    session,
                    actor=current_user,
                    partnership=partnership,
                    email=form.facilitator_email.data,
                    role=Role.FACILITATOR,
                )
        except ServiceError as error:
            apply_to_form(form, error)
        else:
            flash(_("The partnership %(name)s is created.", name=partnership.name), "success")
            return redirect(url_for("partnerships.admin_index"))
    return render_form("partnerships/create.html", form, form=form)


@bp.get("/p/<int:partnership_id>/")
@partnership_guard()
def dashboard(partnership_id: int):
    session = db.session()
    figures = services.dashboard(session, partnership=g.partnership, membership=g.membership)
    days = action_queries.due_soon_days(session, partnership_id=partnership_id)
    overdue, due_soon = overdue_and_due_soon(
        session,
        partnership_id=partnership_id,
        today=action_queries.today_in(g.partnership.timezone),
        days=days,
    )
    locale, fallback = str(get_locale()), g.partnership.default_locale
    checklist = {
        "overdue": overdue,
        "due_soon": due_soon,
        "days": days,
        "shown": 10,
        "title": lambda action: translated(action.title, locale=locale, fallback=fallback),
        # Done actions the community says are not real, say (hsbp.actions.extras).
        "flagged": action_extras.flagged(session, partnership_id=partnership_id),
    }
    standings = monitoring_queries.latest_standings(session, partnership_id=partnership_id)
    watch = {
        "off_track": [s for s in standings if s.progress.track == Track.OFF],
        "at_risk": sum(1 for s in standings if s.progress.track == Track.AT_RISK),
        "indicators": len(standings),
        "shown": 10,
        "name": monitoring_display.local_text,
        "amount": monitoring_display.amount,
    }
    facilitator = g.membership.role == Role.FACILITATOR
    return render_template(
        "partnerships/dashboard.html",
        attention=_attention(),
        setup=setup.progress(session, partnership_id=partnership_id) if facilitator else None,
        checklist=checklist,
        watch=watch,
        profile_missing=profiles.needs_profile(session, membership=g.membership),
        **figures,
    )


@bp.route("/p/<int:partnership_id>/settings", methods=["GET", "POST"])
@partnership_guard(Role.FACILITATOR)
def settings(partnership_id: int):
    form = PartnershipSettingsForm(obj=g.partnership)
    if request.method == "GET":
        form.populate_extra(g.partnership)
    if form.validate_on_submit():
        try:
            services.update_partnership(
                db.session(),
                actor=current_user,
                partnership=g.partnership,
                **form.service_fields(),
            )
        except ServiceError as error:
            apply_to_form(form, error)
        else:
            flash(_("The partnership's settings are saved."), "success")
            return redirect(url_for("partnerships.dashboard", partnership_id=partnership_id))
    return render_form("partnerships/settings.html", form, form=form)


@bp.get("/p/<int:partnership_id>/partners")
@partnership_guard()
def partners(partnership_id: int):
    session = db.session()
    rows = services.list_partners(session, partnership_id=partnership_id)
    return render_template(
        "partnerships/partners.html",
        partners=rows,
        proposals=entry.list_proposals(session, partnership_id=partnership_id),
        departures=entry.departures_by_partner(session, partnership_id=partnership_id),
        direct=entry.may_add_directly(session, partnership_id=partnership_id),
    )


@bp.route("/p/<int:partnership_id>/partners/new", methods=["GET", "POST"])
@partnership_guard(Role.FACILITATOR)
def create_partner(partnership_id: int):
    # Once a charter is in force, partners join by the partners' decision (entry_views).
    if not entry.may_add_directly(db.session(), partnership_id=partnership_id):
        flash(_("A charter is in force: a new partner joins when the partners accept it."), "info")
        return redirect(url_for("partnerships.propose_partner", partnership_id=partnership_id))
    form = PartnerForm()
    if form.validate_on_submit():
        try:
            partner = services.create_partner(
                db.session(),
                actor=current_user,
                partnership=g.partnership,
                **form.service_fields(),
            )
        except ServiceError as error:
            apply_to_form(form, error)
        else:
            flash(_("The partner %(name)s is added.", name=partner.name), "success")
            return redirect(url_for("partnerships.partners", partnership_id=partnership_id))
    return render_form("partnerships/partner_form.html", form, form=form, partner=None)


@bp.route("/p/<int:partnership_id>/partners/<int:partner_id>", methods=["GET", "POST"])
@partnership_guard(Role.FACILITATOR)
def edit_partner(partnership_id: int, partner_id: int):
    session = db.session()
    partner = services.get_partner(session, partnership_id=partnership_id, partner_id=partner_id)
    if partner is None:
        abort(404)
    form = PartnerForm(obj=partner)
    if form.validate_on_submit():
        try:
            services.update_partner(
                session,
                actor=current_user,
                partner=partner,
                # Leaving goes through the leaver protocol (hsbp.governance.departures).
                **{**form.service_fields(), "left_on": partner.left_on},
            )
        except ServiceError as error:
            apply_to_form(form, error)
        else:
            flash(_("The partner %(name)s is saved.", name=partner.name), "success")
            return redirect(url_for("partnerships.partners", partnership_id=partnership_id))
    return render_form("partnerships/partner_form.html", form, form=form, partner=partner)


@bp.get("/p/<int:partnership_id>/audit")
@partnership_guard()
def audit_log(partnership_id: int):
    session, page = db.session(), page_number()
    full = g.membership.role == Role.FACILITATOR
    offered = activity.choices(session, partnership_id=partnership_id, full=full)
    filters, problems = activity.parse_filters(request.args, offered=offered)
    lines, total = activity.page(
        session,
        partnership=g.partnership,
        membership=g.membership,
        filters=filters,
        page_number=page,
        locale=str(get_locale()),
    )
    return render_template(
        "partnerships/audit.html",
        lines=lines,
        total=total,
        page=page,
        per_page=activity.PER_PAGE,
        full=full,
        offered=offered,
        filters=filters,
        problems=problems,
    )


@bp.app_template_global()
def activity_lines(entries: list) -> list:
    """Entries of the partnership in view as sentences, for lists that hold raw entries (the
    dashboard's recent activity)."""
    return activity.lines(
        db.session(),
        partnership=g.partnership,
        membership=g.get("membership"),
        entries=entries,
        locale=str(get_locale()),
    )
