"""The charter draft editor: an overview of the draft's sections with their state, one page
per section whose form saves that section alone, and proposing the draft, refused with the
sections to fix.

Routes on the feature's blueprint; listed in ROUTE_MODULES. The overview keeps the address
of the former one-page editor, so every link into the editor (suggestions, indicators,
"needs me") leads to it."""

from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from hsbp import db
from hsbp.errors import ServiceError, apply_error
from hsbp.partnerships.forms import ConfirmForm
from hsbp.partnerships.guard import partnership_guard
from hsbp.partnerships.services import list_partners
from hsbp.principles import drafting, sections, services
from hsbp.principles.models import CharterVersion
from hsbp.principles.section_forms import section_form
from hsbp.principles.suggestion_models import SuggestionStatus
from hsbp.principles.suggestion_views import charter_suggestions
from hsbp.principles.views import bp, charter_page, version_or_404
from hsbp.security import Role
from hsbp.views import render_form

# Budget and goals offer empty rows to fill; this button saves and brings more of them.
MORE_ROWS = ("budget", "goals")


def _frozen(version: CharterVersion) -> ServiceError | None:
    try:
        services.ensure_draft(version)
    except ServiceError as error:
        return error
    return None


def _to_version(error: ServiceError, version: CharterVersion):
    flash(error.message, "error")
    return redirect(
        url_for("principles.version", partnership_id=version.partnership_id, number=version.number)
    )


def _overview(version: CharterVersion, *, refused=None, status: int = 200):
    data = drafting.outline(db.session(), partnership=g.partnership, version=version)
    page = render_template(
        "principles/editor.html",
        version=version,
        sections=sections.SECTIONS,
        section_labels={s.slug: s.label for s in sections.SECTIONS},
        STATE_LABELS=sections.STATE_LABELS,
        refused=refused,
        confirm=ConfirmForm(formdata=None),
        **data,
    )
    return page, status


@bp.route("/p/<int:partnership_id>/charter/<int:number>/edit", methods=["GET", "POST"])
@partnership_guard(Role.FACILITATOR)
def edit(partnership_id: int, number: int):
    version = version_or_404(db.session(), partnership_id, number)
    frozen = _frozen(version)
    if frozen is not None:
        return _to_version(frozen, version)
    if request.method == "POST":
        # The one-page form of before: a page still open from then is sent here, not saved.
        flash(
            _("The draft is now written one section at a time: open a section to change it."),
            "error",
        )
        return redirect(url_for("principles.edit", partnership_id=partnership_id, number=number))
    return _overview(version)


@bp.route("/p/<int:partnership_id>/charter/<int:number>/edit/<section>", methods=["GET", "POST"])
@partnership_guard(Role.FACILITATOR)
def edit_section(partnership_id: int, number: int, section: str):
    found = sections.BY_SLUG.get(section) or abort(404)
    if not found.editable and request.method == "POST":
        abort(405)
    session = db.session()
    version = version_or_404(session, partnership_id, number)
    frozen = _frozen(version)
    if frozen is not None and request.method == "GET":
        return _to_version(frozen, version)
    partners = list_partners(session, partnership_id=partnership_id)
    found_suggestions = charter_suggestions(version, {p.id: p.name for p in partners})
    context = {
        "version": version,
        "section": found,
        # Open suggestions on this section's clauses, for the facilitator to decide on.
        "waiting": [
            (row, label)
            for row, label in found_suggestions["rows"]
            if row.status == SuggestionStatus.OPEN and row.clause.startswith(f"{section}/")
        ],
    }
    if not found.editable:
        return render_template("principles/section.html", form=None, **context)
    form = section_form(
        section, partnership=g.partnership, partners=partners, content=version.content or {}
    )
    if frozen is not None:
        apply_error(form, frozen)
    elif form.validate_on_submit():
        try:
            changes = drafting.save_section(
                session,
                actor=current_user,
                partnership=g.partnership,
                version=version,
                section=section,
                raw=form.content(),
            )
        except ServiceError as error:
            apply_error(form, error)
        else:
            if changes:
                flash(_("“%(section)s” is saved.", section=found.label), "success")
            else:
                flash(_("Nothing has changed."), "success")
            if section in MORE_ROWS and request.form.get("more"):
                return redirect(request.path)
            target = url_for("principles.edit", partnership_id=partnership_id, number=number)
            return redirect(f"{target}#section-{section}")
    return render_form("principles/section.html", form, form=form, **context)


@bp.post("/p/<int:partnership_id>/charter/<int:number>/propose")
@partnership_guard(Role.FACILITATOR)
def propose(partnership_id: int, number: int):
    session = db.session()
    version = version_or_404(session, partnership_id, number)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        services.propose(session, actor=current_user, partnership=g.partnership, version=version)
    except sections.DraftIncomplete as error:
        return _overview(version, refused=error.problems, status=422)
    except ServiceError as error:
        form.form_errors.append(error.message)
        return charter_page(partnership_id, failed=form)
    flash(_("Version %(number)d is proposed to the partners.", number=number), "success")
    return redirect(url_for("principles.charter", partnership_id=partnership_id))
