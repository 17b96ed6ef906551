"""The question editor of a consultation: questions in every language with their SMS
preview and segment count, versions after answers, skip logic, order."""

from __future__ import annotations

from flask import (
    abort,
    flash,
    g,
    redirect,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from hsbp import db
from hsbp.confirmation import ask_first, confirmed
from hsbp.consultations import questions as editing
from hsbp.consultations.answering import active_questions, choice_label
from hsbp.consultations.forms import (
    apply_error,
    question_form,
)
from hsbp.consultations.models import (
    CHOICE_KINDS,
    Consultation,
    Question,
)
from hsbp.consultations.sms_format import render_question
from hsbp.consultations.views import (
    answered_question_ids,
    bp,
    consultation_or_404,
    question_or_404,
)
from hsbp.errors import ServiceError
from hsbp.i18n import language_name, missing_languages, translated
from hsbp.partnerships.forms import ConfirmForm
from hsbp.partnerships.guard import partnership_guard
from hsbp.security import Role
from hsbp.sms.encoding import measure
from hsbp.views import render_form


def _label_of(question: Question, key: str | None) -> str:
    """A question (key None) or one of its options, in the reader's language, numbered as
    the question editor numbers them."""
    locale, fallback = str(get_locale()), g.partnership.default_locale
    active = active_questions(question.consultation)
    number = active.index(question) + 1 if question in active else 0
    if key is None:
        return f"{number}. {translated(question.text, locale=locale, fallback=fallback)}"
    return f"{number}. {choice_label(question, key, locale, fallback)}"


def _option_label(question: Question, key: str) -> str:
    return choice_label(question, key, str(get_locale()), g.partnership.default_locale)


def sms_previews(question: Question, number: int, total: int) -> list[dict]:
    """The question as each language's contacts will read it, with what it costs."""
    partnership = g.partnership
    previews = []
    for code in partnership.locales:
        text = render_question(question, code, number, total, partnership.default_locale)
        missing = code not in (question.text or {}) or any(
            code not in choice["label"] for choice in question.choices
        )
        previews.append({"code": code, "text": text, "size": measure(text), "missing": missing})
    return previews


def _history(question: Question, by_id: dict[int, Question]) -> list[Question]:
    """The earlier versions of `question`, newest first."""
    chain, seen = [], {question.id}
    earlier = by_id.get(question.replaces_id)
    while earlier is not None and earlier.id not in seen:
        seen.add(earlier.id)
        chain.append(earlier)
        earlier = by_id.get(earlier.replaces_id)
    return chain


def _questions_page(consultation: Consultation, failed: ConfirmForm | None = None):
    active = active_questions(consultation)
    by_id = {q.id: q for q in consultation.questions}
    replaced = {q.replaces_id for q in consultation.questions if q.replaces_id}
    rows = [
        {
            "question": q,
            "number": number,
            "previews": sms_previews(q, number, len(active)),
            "history": _history(q, by_id),
            "depends_on": by_id.get(q.show_if_question_id),
            "missing": [
                language_name(code) for code in missing_languages(q.text, g.partnership.locales)
            ],
            "shown_after": [
                _option_label(by_id[q.show_if_question_id], key)
                for key in q.show_if_choices
                if q.show_if_question_id in by_id
            ],
        }
        for number, q in enumerate(active, start=1)
    ]
    removed = [q for q in consultation.questions if q.retired and q.id not in replaced]
    return render_form(
        "consultations/questions.html",
        *([failed] if failed is not None else []),
        consultation=consultation,
        rows=rows,
        removed=removed,
        answered=answered_question_ids(consultation),
        failed=failed,
        confirm=ConfirmForm(formdata=None),
        label_of=_label_of,
    )


@bp.get("/p/<int:partnership_id>/consultations/<int:consultation_id>/questions")
@partnership_guard(Role.FACILITATOR)
def questions(partnership_id: int, consultation_id: int):
    return _questions_page(consultation_or_404(consultation_id))


def _earlier_choice_questions(consultation: Consultation, before: Question | None):
    return [
        q
        for q in active_questions(consultation)
        if q.kind in CHOICE_KINDS and (before is None or q.position < before.position)
    ]


def _question_editor(consultation, question, form, *, answered: bool):
    active = active_questions(consultation)
    previews = None
    if question is not None:
        previews = sms_previews(question, active.index(question) + 1, len(active))
    return render_form(
        "consultations/question_form.html",
        form,
        form=form,
        consultation=consultation,
        question=question,
        answered=answered,
        previews=previews,
        history=_history(question, {q.id: q for q in consultation.questions}) if question else [],
        earlier=_earlier_choice_questions(consultation, question),
        label_of=_label_of,
    )


def _ids(consultation: Consultation) -> dict:
    return {"partnership_id": consultation.partnership_id, "consultation_id": consultation.id}


def _to_questions(consultation: Consultation):
    return redirect(url_for("consultations.questions", **_ids(consultation)))


@bp.route(
    "/p/<int:partnership_id>/consultations/<int:consultation_id>/questions/new",
    methods=["GET", "POST"],
)
@partnership_guard(Role.FACILITATOR)
def new_question(partnership_id: int, consultation_id: int):
    consultation = consultation_or_404(consultation_id)
    form = question_form(
        partnership=g.partnership,
        earlier=_earlier_choice_questions(consultation, None),
        label_of=_label_of,
    )
    if form.validate_on_submit():
        try:
            editing.add_question(
                db.session(),
                actor=current_user,
                partnership=g.partnership,
                consultation=consultation,
                fields=form.service_fields(),
            )
        except ServiceError as error:
            apply_error(form, error)
        else:
            flash(_("The question is added."), "success")
            return _to_questions(consultation)
    return _question_editor(consultation, None, form, answered=False)


@bp.route(
    "/p/<int:partnership_id>/consultations/<int:consultation_id>/questions/<int:question_id>/edit",
    methods=["GET", "POST"],
)
@partnership_guard(Role.FACILITATOR)
def edit_question(partnership_id: int, consultation_id: int, question_id: int):
    consultation = consultation_or_404(consultation_id)
    question = question_or_404(consultation, question_id)
    answered = editing.is_answered(db.session(), question)
    form = question_form(
        partnership=g.partnership,
        earlier=_earlier_choice_questions(consultation, question),
        question=question,
        label_of=_label_of,
    )
    if form.validate_on_submit():
        try:
            saved = editing.edit_question(
                db.session(),
                actor=current_user,
                partnership=g.partnership,
                question=question,
                fields=form.service_fields(),
            )
        except ServiceError as error:
            apply_error(form, error)
        else:
            if saved is question:
                flash(_("The question is saved."), "success")
            else:
                message = _(
                    "Version %(number)d of the question is saved; earlier answers keep the "
                    "earlier wording.",
                    number=saved.version,
                )
                flash(message, "success")
            return _to_questions(consultation)
    return _question_editor(consultation, question, form, answered=answered)


@bp.post(
    "/p/<int:partnership_id>/consultations/<int:consultation_id>/questions/<int:question_id>/remove"
)
@partnership_guard(Role.FACILITATOR)
def remove_question(partnership_id: int, consultation_id: int, question_id: int):
    consultation = consultation_or_404(consultation_id)
    question = question_or_404(consultation, question_id)
    if not confirmed():
        return ask_first(
            "consultations/confirm_remove_question.html",
            cancel=url_for("consultations.questions", **_ids(consultation)),
            consultation=consultation,
            question=question,
            answered=editing.is_answered(db.session(), question),
        )
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        editing.remove_question(db.session(), actor=current_user, question=question)
    except ServiceError as error:
        form.form_errors.append(error.message)
        return _questions_page(consultation, failed=form)
    flash(_("The question is removed."), "success")
    return _to_questions(consultation)


@bp.post(
    "/p/<int:partnership_id>/consultations/<int:consultation_id>/questions/<int:question_id>/move"
)
@partnership_guard(Role.FACILITATOR)
def move_question(partnership_id: int, consultation_id: int, question_id: int):
    consultation = consultation_or_404(consultation_id)
    question = question_or_404(consultation, question_id)
    form = ConfirmForm()
    step = {"up": -1, "down": 1}.get(request.form.get("step", ""))
    if not form.validate_on_submit() or step is None:
        abort(400)
    try:
        editing.move_question(db.session(), question=question, step=step)
    except ServiceError as error:
        form.form_errors.append(error.message)
        return _questions_page(consultation, failed=form)
    return _to_questions(consultation)


# Outcome
