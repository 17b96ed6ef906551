"""Suggesting wording on a draft charter, and accepting or declining it.

Routes on the feature's blueprint; listed in ROUTE_MODULES. Every member reads a version's
suggestions; representatives of current partners suggest; facilitators decide."""

from __future__ import annotations

from flask import abort, flash, g, redirect, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from hsbp import db
from hsbp.errors import ServiceError, apply_error, form_fields
from hsbp.partnerships.forms import ConfirmForm
from hsbp.partnerships.guard import partnership_guard
from hsbp.partnerships.services import list_partners
from hsbp.principles import services, suggestions
from hsbp.principles.models import CharterStatus, CharterVersion
from hsbp.principles.suggestion_clauses import clause_name, text_of
from hsbp.principles.suggestion_forms import (
    SUGGESTION_STATUS_LABELS,
    DeclineForm,
    suggestion_form,
)
from hsbp.principles.suggestion_models import CharterSuggestion, SuggestionStatus
from hsbp.principles.views import bp, pick
from hsbp.security import Role
from hsbp.views import render_form

bp.add_app_template_global(SUGGESTION_STATUS_LABELS, "SUGGESTION_STATUS_LABELS")


def _shown_field(form, name: str):
    """The field a refusal names, unless hidden: a refused clause shows at the top."""
    return next((f for f in form_fields(form) if f.name == name and f.type != "HiddenField"), None)


def _version_or_404(partnership_id: int, number: int) -> CharterVersion:
    found = services.get_version(db.session(), partnership_id=partnership_id, number=number)
    return found or abort(404)


def _suggestion_or_404(version: CharterVersion, suggestion_id: int) -> CharterSuggestion:
    found = suggestions.get_suggestion(
        db.session(),
        partnership_id=version.partnership_id,
        version_id=version.id,
        suggestion_id=suggestion_id,
    )
    return found or abort(404)


def _namer(content: dict, partner_names: dict[int, str]):
    def name(path: str) -> str:
        return clause_name(
            path,
            content=content or {},
            partner_names=partner_names,
            title_of=lambda values: _pick(values)[0],
        )

    return name


def _pick(values):
    locale = str(get_locale())
    return pick(values, locale=locale, fallback=g.partnership.default_locale)


def may_suggest(version: CharterVersion | None) -> bool:
    """Whether the signed-in member may suggest wording on `version`."""
    membership = g.get("membership")
    return (
        version is not None
        and version.status == CharterStatus.DRAFT
        and membership is not None
        and membership.role == Role.REPRESENTATIVE
        and membership.partner is not None
        and membership.partner.is_current
    )


@bp.app_template_global()
def charter_suggestions(version: CharterVersion, partner_names: dict[int, str]) -> dict:
    """A version's suggestions for its pages: every one with its clause's name, how many are
    open, and whether the reader may add one. One query, however many there are."""
    rows = suggestions.history(
        db.session(), partnership_id=version.partnership_id, version_id=version.id
    )
    name = _namer(version.content, partner_names)
    return {
        "rows": [(row, name(row.clause)) for row in rows],
        "open": sum(row.status == SuggestionStatus.OPEN for row in rows),
        "may_suggest": may_suggest(version),
    }


def _refused_to_version(error: ServiceError, partnership_id: int, number: int):
    flash(error.message, "error")
    return redirect(url_for("principles.version", partnership_id=partnership_id, number=number))


@bp.route("/p/<int:partnership_id>/charter/<int:number>/suggest", methods=["GET", "POST"])
@partnership_guard(Role.REPRESENTATIVE)
def suggest(partnership_id: int, number: int):
    session = db.session()
    version = _version_or_404(partnership_id, number)
    if request.method == "GET":
        try:
            suggestions.ensure_takes_suggestions(version)
            suggestions.suggesting_partner(session, actor=current_user, version=version)
        except ServiceError as error:
            return _refused_to_version(error, partnership_id, number)
    offered = suggestions.offered_clauses(session, version=version)
    partners = list_partners(session, partnership_id=partnership_id)
    name = _namer(version.content, {p.id: p.name for p in partners})
    chosen_path = request.args.get("clause") if request.method == "GET" else None
    form = suggestion_form(locales=g.partnership.locales)
    if chosen_path is not None:
        chosen = next((c for c in offered if c.path == chosen_path), None)
        if chosen is None:
            abort(404)
        form = suggestion_form(
            locales=g.partnership.locales,
            formdata=None,
            data={"clause": chosen.path, "wording": chosen.texts},
        )
    elif request.method == "POST" and form.validate_on_submit():
        try:
            made = suggestions.suggest(
                session,
                actor=current_user,
                partnership=g.partnership,
                version=version,
                clause=form.clause.data or "",
                wording=form.wording.data,
                comment=form.comment.data or "",
            )
        except ServiceError as error:
            apply_error(form, error, find=_shown_field)
        else:
            flash(_("Your suggestion is sent to the facilitators."), "success")
            return redirect(
                url_for(
                    "principles.suggestion",
                    partnership_id=partnership_id,
                    number=number,
                    suggestion_id=made.id,
                )
            )
    elif request.method == "POST":
        form.form_errors.append(_("Please correct the fields marked below."))
    clause = next((c for c in offered if c.path == form.clause.data), None)
    return render_form(
        "principles/suggest.html",
        form,
        form=form,
        version=version,
        clauses=[(c, name(c.path)) for c in offered],
        clause=clause,
        clause_label=name(clause.path) if clause else None,
    )


@bp.get("/p/<int:partnership_id>/charter/<int:number>/suggestions/<int:suggestion_id>")
@partnership_guard()
def suggestion(partnership_id: int, number: int, suggestion_id: int):
    return _suggestion_page(partnership_id, number, suggestion_id)


def _suggestion_page(partnership_id: int, number: int, suggestion_id: int, failed=None):
    session = db.session()
    version = _version_or_404(partnership_id, number)
    shown = _suggestion_or_404(version, suggestion_id)
    partners = list_partners(session, partnership_id=partnership_id)
    now_text = text_of(version.content or {}, shown.clause)
    decline_form = failed if isinstance(failed, DeclineForm) else DeclineForm(formdata=None)
    return render_form(
        "principles/suggestion.html",
        *([failed] if failed is not None else []),
        version=version,
        suggestion=shown,
        clause_label=_namer(version.content, {p.id: p.name for p in partners})(shown.clause),
        now_text=now_text,
        moved=now_text is None
        or any(now_text.get(code) != shown.before.get(code) for code in shown.wording),
        failed=failed,
        confirm=failed if isinstance(failed, ConfirmForm) else ConfirmForm(formdata=None),
        decline_form=decline_form,
    )


def _decided(partnership_id: int, number: int, suggestion_id: int, form, act, message: str):
    """Run a decision on a suggestion; a refusal shows on its page (422)."""
    session = db.session()
    version = _version_or_404(partnership_id, number)
    found = _suggestion_or_404(version, suggestion_id)
    if not form.validate_on_submit():
        if isinstance(form, ConfirmForm):
            abort(400)
        return _suggestion_page(partnership_id, number, suggestion_id, failed=form)
    try:
        act(session, found)
    except ServiceError as error:
        apply_error(form, error)
        return _suggestion_page(partnership_id, number, suggestion_id, failed=form)
    flash(message, "success")
    return redirect(
        url_for(
            "principles.suggestion",
            partnership_id=partnership_id,
            number=number,
            suggestion_id=suggestion_id,
        )
    )


@bp.post("/p/<int:partnership_id>/charter/<int:number>/suggestions/<int:suggestion_id>/accept")
@partnership_guard(Role.FACILITATOR)
def accept_suggestion(partnership_id: int, number: int, suggestion_id: int):
    def act(session, found):
        suggestions.accept(session, actor=current_user, partnership=g.partnership, suggestion=found)

    message = _("The suggested wording is now in the draft.")
    return _decided(partnership_id, number, suggestion_id, ConfirmForm(), act, message)


@bp.post("/p/<int:partnership_id>/charter/<int:number>/suggestions/<int:suggestion_id>/decline")
@partnership_guard(Role.FACILITATOR)
def decline_suggestion(partnership_id: int, number: int, suggestion_id: int):
    form = DeclineForm()

    def act(session, found):
        suggestions.decline(
            session, actor=current_user, suggestion=found, reason=form.reason.data or ""
        )

    message = _("The suggestion is declined; the draft is unchanged.")
    return _decided(partnership_id, number, suggestion_id, form, act, message)


@bp.post("/p/<int:partnership_id>/charter/<int:number>/suggestions/<int:suggestion_id>/withdraw")
@partnership_guard(Role.REPRESENTATIVE)
def withdraw_suggestion(partnership_id: int, number: int, suggestion_id: int):
    def act(session, found):
        suggestions.withdraw(session, actor=current_user, suggestion=found)

    message = _("Your suggestion is withdrawn.")
    return _decided(partnership_id, number, suggestion_id, ConfirmForm(), act, message)
