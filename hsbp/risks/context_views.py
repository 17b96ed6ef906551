"""Context pages: the validated context with the open proposal and each partner's answer,
one version with what changed since the version validated before it, the draft editor, and
the buttons of the life cycle (hsbp.risks.context). Every member reads; facilitators write
and see drafts; a representative answers for their own partner."""

from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from hsbp import db
from hsbp.errors import ServiceError, apply_error
from hsbp.human_security import DIMENSION_LABELS, Dimension
from hsbp.i18n import missing_languages
from hsbp.mapping import picking
from hsbp.partnerships.forms import ConfirmForm
from hsbp.partnerships.guard import partnership_guard
from hsbp.partnerships.services import list_partners
from hsbp.principles.views import native_name, pick
from hsbp.risks import context as assessments
from hsbp.risks import context_actors, context_content
from hsbp.risks.context_forms import (
    ANSWER_LABELS,
    CHANGE_LABELS,
    SECTION_HINTS,
    SECTION_LABELS,
    STATUS_LABELS,
    AnswerForm,
    StartForm,
    editor_form,
)
from hsbp.risks.context_models import ContextAssessment, ContextStatus
from hsbp.risks.views import bp
from hsbp.security import Role
from hsbp.views import render_form


def _is_facilitator() -> bool:
    return Role(g.membership.role) is Role.FACILITATOR


def _helpers() -> dict:
    locale = str(get_locale())
    fallback = g.partnership.default_locale
    return {
        "pick": lambda values: pick(values, locale=locale, fallback=fallback),
        "native_name": native_name,
        "missing_languages": missing_languages,
        "DIMENSIONS": list(Dimension),
        "DIMENSION_LABELS": DIMENSION_LABELS,
        "SECTIONS": context_content.SECTIONS,
        "item_count": context_content.item_count,
        "SECTION_LABELS": SECTION_LABELS,
        "SECTION_HINTS": SECTION_HINTS,
        "STATUS_LABELS": STATUS_LABELS,
        "ANSWER_LABELS": ANSWER_LABELS,
        "CHANGE_LABELS": CHANGE_LABELS,
        "facilitator": _is_facilitator(),
    }


def version_or_404(number: int) -> ContextAssessment:
    """The version `number` of the partnership in view; a draft only for facilitators."""
    found = assessments.get_version(db.session(), partnership_id=g.partnership.id, number=number)
    if found is None or (found.status == ContextStatus.DRAFT and not _is_facilitator()):
        abort(404)
    return found


def _may_answer(version: ContextAssessment | None, given: dict) -> bool:
    membership = g.membership
    return (
        version is not None
        and version.status == ContextStatus.PROPOSED
        and Role(membership.role) is Role.REPRESENTATIVE
        and membership.partner is not None
        and membership.partner.is_current
        and membership.partner_id not in given[version.id]
    )


def context_page(*, failed=None):
    """The context page; `failed`: a refused form to show with its messages (422)."""
    data = assessments.overview(db.session(), partnership_id=g.partnership.id)
    pending = data["pending"]
    answer_form = None
    if _may_answer(pending, data["answers"]):
        answer_form = failed if isinstance(failed, AnswerForm) else AnswerForm(formdata=None)
    start_form = None
    if _is_facilitator() and pending is None:
        start_form = failed if isinstance(failed, StartForm) else StartForm(formdata=None)
    waiting, complete = [], False
    if pending is not None and pending.status == ContextStatus.PROPOSED:
        waiting = assessments.awaited(data["partners"], data["answers"][pending.id])
        complete = not waiting and any(p.is_current for p in data["partners"])
    return render_form(
        "risks/context.html",
        *([failed] if failed is not None else []),
        **data,
        **_helpers(),
        failed=failed,
        answer_form=answer_form,
        start_form=start_form,
        waiting=waiting,
        complete=complete,
        counts=context_content.change_counts(data["changes"] or []),
        confirm=ConfirmForm(formdata=None),
    )


@bp.get("/p/<int:partnership_id>/context")
@partnership_guard(Role.OBSERVER)
def context(partnership_id: int):
    return context_page()


@bp.post("/p/<int:partnership_id>/context/drafts")
@partnership_guard(Role.FACILITATOR)
def context_start(partnership_id: int):
    form = StartForm()
    if not form.validate_on_submit():
        return context_page(failed=form)
    try:
        version = assessments.start_draft(
            db.session(),
            actor=current_user,
            partnership=g.partnership,
            copy_validated=form.start.data == "copy",
        )
    except ServiceError as error:
        apply_error(form, error)
        return context_page(failed=form)
    flash(_("Version %(number)d is started as a draft.", number=version.number), "success")
    return redirect(
        url_for("risks.context_edit", partnership_id=partnership_id, number=version.number)
    )


def _act(number: int, action, message: str):
    """Run a one-button action on a version; a refusal shows on the context page (422)."""
    version = version_or_404(number)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        action(db.session(), version)
    except ServiceError as error:
        form.form_errors.append(error.message)
        return context_page(failed=form)
    flash(message, "success")
    return redirect(url_for("risks.context", partnership_id=g.partnership.id))


@bp.post("/p/<int:partnership_id>/context/<int:number>/propose")
@partnership_guard(Role.FACILITATOR)
def context_propose(partnership_id: int, number: int):
    def action(session, version):
        assessments.propose(session, actor=current_user, partnership=g.partnership, version=version)

    message = _("Version %(number)d is proposed to the partners.", number=number)
    return _act(number, action, message)


@bp.post("/p/<int:partnership_id>/context/<int:number>/withdraw")
@partnership_guard(Role.FACILITATOR)
def context_withdraw(partnership_id: int, number: int):
    def action(session, version):
        assessments.withdraw(session, actor=current_user, version=version)

    message = _("Version %(number)d is a draft again: revise it.", number=number)
    return _act(number, action, message)


@bp.post("/p/<int:partnership_id>/context/<int:number>/validate")
@partnership_guard(Role.FACILITATOR)
def context_validate(partnership_id: int, number: int):
    def action(session, version):
        assessments.validate(session, actor=current_user, version=version)

    message = _("Version %(number)d is validated.", number=number)
    return _act(number, action, message)


@bp.post("/p/<int:partnership_id>/context/<int:number>/answer")
@partnership_guard(Role.REPRESENTATIVE)
def context_answer(partnership_id: int, number: int):
    version = version_or_404(number)
    form = AnswerForm()
    if form.validate_on_submit():
        try:
            assessments.answer(
                db.session(),
                actor=current_user,
                version=version,
                stance=form.stance.data,
                comment=form.comment.data or "",
            )
        except ServiceError as error:
            apply_error(form, error)
        else:
            if version.status == ContextStatus.VALIDATED:
                flash(
                    _(
                        "Every partner has confirmed: version %(number)d is validated.",
                        number=number,
                    ),
                    "success",
                )
            else:
                flash(_("Your partner's answer is recorded."), "success")
            return redirect(url_for("risks.context", partnership_id=partnership_id))
    return context_page(failed=form)


@bp.get("/p/<int:partnership_id>/context/<int:number>")
@partnership_guard(Role.OBSERVER)
def context_version(partnership_id: int, number: int):
    session = db.session()
    shown = version_or_404(number)
    versions = assessments.list_versions(session, partnership_id=partnership_id)
    base = assessments.previous_validated(versions, shown)
    changes = context_content.compare(base.content if base else None, shown.content)
    given = assessments.answers(session, partnership_id=partnership_id, assessment_ids=[shown.id])
    return render_template(
        "risks/context_version.html",
        version=shown,
        base=base,
        changes=changes,
        counts=context_content.change_counts(changes),
        answers=given[shown.id],
        partners=list_partners(session, partnership_id=partnership_id),
        names=context_actors.actor_names(
            session,
            partnership_id=partnership_id,
            contents=[shown.content, base.content if base else None],
        ),
        **_helpers(),
    )


@bp.route("/p/<int:partnership_id>/context/<int:number>/edit", methods=["GET", "POST"])
@partnership_guard(Role.FACILITATOR)
def context_edit(partnership_id: int, number: int):
    session = db.session()
    version = version_or_404(number)
    try:
        assessments.ensure_draft(version)
    except ServiceError as error:
        flash(error.message, "error")
        return redirect(
            url_for("risks.context_version", partnership_id=partnership_id, number=number)
        )
    content = version.content or {}
    form = editor_form(
        g.partnership.locales,
        content,
        version.summary or "",
        context_actors.participant_labels_for(
            session,
            partnership_id=partnership_id,
            ids=context_content.participant_ids(content),
        ),
    )
    if form.validate_on_submit():
        try:
            changes = assessments.update_draft(
                session,
                actor=current_user,
                partnership=g.partnership,
                version=version,
                raw=form.content(),
                summary=form.summary.data or "",
            )
        except ServiceError as error:
            apply_error(form, error)
        else:
            if changes:
                flash(_("Version %(number)d is saved.", number=number), "success")
            else:
                flash(_("Nothing has changed."), "success")
            if request.form.get("more"):
                return redirect(request.path)
            return redirect(url_for("risks.context", partnership_id=partnership_id))
    given = assessments.answers(session, partnership_id=partnership_id, assessment_ids=[version.id])
    return render_form(
        "risks/context_edit.html",
        form,
        version=version,
        form=form,
        answers=given[version.id],
        partners=list_partners(session, partnership_id=partnership_id),
        suggestions=picking.participant_labels(session, partnership_id=partnership_id),
        **_helpers(),
    )
