"""Community assemblies on the web: their list, recording one (facilitators), its page with
the witness's "Confirm" button, deleting one not yet confirmed, and its minutes file.

The charter's pages show the assemblies through the template globals at the end: the
charter (hsbp.principles) sits below this package and knows it only by endpoint names.
"""

from __future__ import annotations

from datetime import datetime

from flask import abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from hsbp import db
from hsbp.actions import uploads
from hsbp.community import assemblies, assembly_queries, assembly_rules
from hsbp.community.assembly_forms import assembly_form, group_labels
from hsbp.community.models import Assembly
from hsbp.community.views import bp
from hsbp.errors import ServiceError, apply_error
from hsbp.i18n import translated
from hsbp.mapping.tags import group_tags
from hsbp.partnerships.forms import ConfirmForm
from hsbp.partnerships.guard import partnership_guard
from hsbp.partnerships.models import zone_of
from hsbp.partnerships.services import list_partners
from hsbp.principles import services as charter
from hsbp.security import Role
from hsbp.views import page_number, query_int, render_form

BASE = "/p/<int:partnership_id>/assemblies"
VOTE_PAGE = "community.vote_page"


def _assembly_or_404(partnership_id: int, assembly_id: int) -> Assembly:
    found = assembly_queries.get_assembly(
        db.session(), partnership_id=partnership_id, assembly_id=assembly_id
    )
    if found is None:
        abort(404)
    return found


def _groups() -> list[tuple[str, str]]:
    tags = group_tags(db.session(), partnership_id=g.partnership.id)
    return group_labels(tags, locale=str(get_locale()), fallback=g.partnership.default_locale)


def _title(values: dict | None) -> str:
    return translated(values, locale=str(get_locale()), fallback=g.partnership.default_locale)


@bp.get(BASE)
@partnership_guard()
def assemblies_list(partnership_id: int):
    session = db.session()
    page = page_number()
    rows, total = assembly_queries.list_assemblies(
        session, partnership_id=partnership_id, page=page
    )
    membership = g.membership
    to_confirm = []
    if membership.role == Role.REPRESENTATIVE and membership.partner_id:
        to_confirm = assembly_queries.awaiting(
            session, partnership_id=partnership_id, witness_partner_id=membership.partner_id
        )
    return render_template(
        "community/assemblies.html",
        rows=rows,
        total=total,
        page=page,
        per_page=assembly_queries.PER_PAGE,
        to_confirm=to_confirm,
        title_of=_title,
    )


def _subject():
    """The charter version (?charter=<number>) or vote (?vote=<id>) named in the address:
    (None, None) when neither is, a 404 when the one named is not the partnership's."""
    session, pid = db.session(), g.partnership.id
    if "charter" in request.args:
        number = query_int("charter", low=1)
        version = number and charter.get_version(session, partnership_id=pid, number=number)
        if not version:
            abort(404)
        return version, None
    if "vote" in request.args:
        vote_id = query_int("vote", low=1)
        vote = vote_id and assembly_queries.get_vote(session, partnership_id=pid, vote_id=vote_id)
        if not vote:
            abort(404)
        return None, vote
    return None, None


def _form_for(version, vote):
    session, pid = db.session(), g.partnership.id
    partners = list_partners(session, partnership_id=pid)
    accounts = assembly_queries.web_accounts(session, partnership_id=pid)
    unavailable = {}
    if version is not None:
        waiting = assembly_queries.on_charter(session, partnership_id=pid, version_id=version.id)
        answered = charter.answers(session, partnership_id=pid, version_ids=[version.id])
        unavailable |= {key: _("awaiting its witness") for key in waiting.pending}
        unavailable |= {key: _("has answered") for key in answered[version.id]}
        unavailable |= {key: _("answers on the web") for key in accounts}
    form = assembly_form(
        partners=partners,
        unavailable=unavailable,
        witnesses=set(accounts),
        groups=_groups(),
        results=assembly_rules.results_for(version=version),
    )
    # A hint to the date picker; the service refuses a day in the future whatever is sent.
    today = datetime.now(zone_of(g.partnership.timezone)).date()
    form.held_on.render_kw = {"max": today.isoformat()}
    return form


@bp.route(f"{BASE}/new", methods=["GET", "POST"])
@partnership_guard(Role.FACILITATOR)
def new_assembly(partnership_id: int):
    session = db.session()
    version, vote = _subject()
    if version is None and vote is None:
        choices = assembly_queries.subjects(session, partnership_id=partnership_id)
        return render_template("community/assembly_choose.html", title_of=_title, **choices)
    problem = assembly_rules.subject_problem(version=version, vote=vote)
    if problem is not None:
        choices = assembly_queries.subjects(session, partnership_id=partnership_id)
        page = render_template(
            "community/assembly_choose.html", problem=problem, title_of=_title, **choices
        )
        return page, 422 if request.method == "POST" else 200
    form = _form_for(version, vote)
    if form.validate_on_submit():
        upload = form.minutes_file.data
        try:
            assembly = assemblies.record(
                session,
                actor=current_user,
                partnership=g.partnership,
                version=version,
                vote=vote,
                minutes_file=(upload.filename, upload.stream) if upload else None,
                **form.service_fields(),
            )
        except ServiceError as error:
            apply_error(form, error, find=lambda f, name: f.field_named(name))
        else:
            flash(_("The assembly is recorded. It counts once the witness confirms it."), "success")
            return redirect(
                url_for(
                    "community.assembly", partnership_id=partnership_id, assembly_id=assembly.id
                ),
                303,
            )
    return render_form(
        "community/assembly_form.html",
        form,
        form=form,
        version=version,
        vote=vote,
        title_of=_title,
        file_lost=request.method == "POST" and bool(request.files.get("minutes_file")),
    )


def _assembly_page(assembly: Assembly, failed: ConfirmForm | None = None):
    session = db.session()
    shown = assembly_queries.detail(session, assembly=assembly)
    membership = g.membership
    pending = assembly.witnessed_at is None
    return render_form(
        "community/assembly.html",
        *([failed] if failed is not None else []),
        d=shown,
        vote_url=_vote_url(assembly),
        groups=dict(_groups()),
        title_of=_title,
        can_confirm=pending
        and membership.role == Role.REPRESENTATIVE
        and membership.partner_id == assembly.witness_partner_id,
        can_delete=pending and membership.role == Role.FACILITATOR,
        confirm=failed or ConfirmForm(formdata=None),
        failed=failed,
    )


def _vote_url(assembly: Assembly) -> str | None:
    # The votes' pages are their own route module: linked to when the app has them.
    if assembly.vote_id is None or VOTE_PAGE not in current_app.view_functions:
        return None
    return url_for(VOTE_PAGE, partnership_id=assembly.partnership_id, vote_id=assembly.vote_id)


@bp.get(f"{BASE}/<int:assembly_id>")
@partnership_guard()
def assembly(partnership_id: int, assembly_id: int):
    return _assembly_page(_assembly_or_404(partnership_id, assembly_id))


@bp.post(f"{BASE}/<int:assembly_id>/confirm")
@partnership_guard(Role.REPRESENTATIVE)
def confirm_assembly(partnership_id: int, assembly_id: int):
    session = db.session()
    found = _assembly_or_404(partnership_id, assembly_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        endorsement = assemblies.confirm(
            session, actor=current_user, membership=g.membership, assembly=found
        )
    except ServiceError as error:
        form.form_errors.append(error.message)
        return _assembly_page(found, failed=form)
    if endorsement is not None and endorsement.version.status == "adopted":
        number = endorsement.version.number
        flash(
            _(
                "Confirmed. The assembly's answer now counts, and version %(number)d is "
                "adopted: it is now in force.",
                number=number,
            ),
            "success",
        )
    elif found.vote_id is not None:
        flash(_("Confirmed. The assembly's result now shows beside the vote's."), "success")
    else:
        flash(_("Confirmed. The assembly's answer now counts."), "success")
    return redirect(
        url_for("community.assembly", partnership_id=partnership_id, assembly_id=assembly_id), 303
    )


@bp.post(f"{BASE}/<int:assembly_id>/delete")
@partnership_guard(Role.FACILITATOR)
def delete_assembly(partnership_id: int, assembly_id: int):
    found = _assembly_or_404(partnership_id, assembly_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        assemblies.delete(db.session(), actor=current_user, assembly=found)
    except ServiceError as error:
        form.form_errors.append(error.message)
        return _assembly_page(found, failed=form)
    flash(_("The assembly's record is deleted."), "success")
    return redirect(url_for("community.assemblies_list", partnership_id=partnership_id), 303)


@bp.get(f"{BASE}/<int:assembly_id>/minutes")
@partnership_guard()
def assembly_minutes(partnership_id: int, assembly_id: int):
    found = _assembly_or_404(partnership_id, assembly_id)
    if not found.minutes_stored:
        abort(404)
    return uploads.download_response(
        partnership_id=found.partnership_id,
        stored_name=found.minutes_stored,
        filename=found.minutes_filename or f"minutes-{found.id}",
        content_type=found.minutes_type,
        etag=found.minutes_sha256,
        last_modified=found.created_at,
        fallback=f"minutes-{found.id}",
    )


def _too_large(error):
    """A request past MAX_CONTENT_LENGTH is refused before the view reads it: for the
    assembly form, say so there (what was typed is lost with the request)."""
    args = request.view_args or {}
    if (
        request.endpoint != "community.new_assembly"
        or not current_user.is_authenticated
        or "partnership_id" not in args
    ):
        return render_template("errors/error.html", code=413), 413
    flash(uploads.too_large_message(), "error")
    return redirect(request.full_path, 303)


bp.register_error_handler(413, _too_large)
bp.add_app_template_global(assembly_rules.RESULT_LABELS, "ASSEMBLY_RESULT_LABELS")


# For the charter's pages (templates/principles/).


@bp.app_template_global()
def charter_assemblies(version):
    """The assemblies on a charter version: by id, and those awaiting their witness by
    partner."""
    return assembly_queries.on_charter(
        db.session(), partnership_id=version.partnership_id, version_id=version.id
    )


@bp.app_template_global()
def assemblies_to_confirm():
    """The records the signed-in representative's partner is asked to confirm as witness."""
    membership = g.get("membership")
    if membership is None or membership.role != Role.REPRESENTATIVE or not membership.partner_id:
        return []
    return assembly_queries.awaiting(
        db.session(),
        partnership_id=membership.partnership_id,
        witness_partner_id=membership.partner_id,
    )
