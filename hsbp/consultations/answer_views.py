"""Answering pages: a member's web form, the public link and a facilitator's assisted entry.

Without JavaScript the skip logic is followed one question per page: each page names the
question it answers, so a page left open in another tab records nothing out of order.
Every member may answer (observers included): the web channel is the members' own, and the
constituency counted is their partner's sector (none for observers and facilitators).
"""

from __future__ import annotations

from flask import abort, current_app, flash, g, redirect, render_template, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from hsbp import db
from hsbp.consultations import web_answers
from hsbp.consultations.answer_forms import (
    AssistedForm,
    PublicStartForm,
    QuestionForm,
    assisted_form,
    field_name,
    number_attributes,
)
from hsbp.consultations.answering import active_questions, answers_of, question_text
from hsbp.consultations.models import Channel, Consultation
from hsbp.consultations.views import bp, consultation_or_404
from hsbp.errors import ServiceError, apply_to_form
from hsbp.extensions import limiter
from hsbp.i18n import SESSION_KEY, UI_LOCALE_CODES, translated, use_partnership_language
from hsbp.mapping.labels import tag_label
from hsbp.mapping.models import Participant
from hsbp.mapping.tags import group_tags
from hsbp.partnerships.guard import partnership_guard
from hsbp.partnerships.models import Partnership
from hsbp.security import Role
from hsbp.views import render_form

# The public link's in-progress responses, {consultation id: response id}, kept in the signed
# session cookie: only the browser that started a response can go on with it.
PUBLIC_KEY = "public_responses"


def _start_limit() -> str:
    return current_app.config.get("PUBLIC_START_RATE_LIMIT", "30 per minute;500 per day")


def _answer_limit() -> str:
    return current_app.config.get("PUBLIC_ANSWER_RATE_LIMIT", "120 per minute;5000 per day")


def _unavailable(consultation, partnership, reason: str):
    return render_template(
        "consultations/answer_unavailable.html",
        title=_title(consultation, partnership, str(get_locale())),
        reason=reason,
    )


def _title(consultation, partnership, locale: str) -> str:
    return translated(consultation.title, locale=locale, fallback=partnership.default_locale)


def _question_page(form, *, consultation, partnership, answers, content_locale, action):
    step = web_answers.step(consultation, answers)
    fallback = partnership.default_locale
    question = step.question
    form.show(question, locale=content_locale, fallback=fallback)
    return render_form(
        "consultations/answer.html",
        form,
        form=form,
        title=_title(consultation, partnership, content_locale),
        step=step,
        question=question,
        text=question_text(question, content_locale, fallback) if question else "",
        field=form[field_name(question.kind)] if question else None,
        number_attributes=number_attributes(question) if question else {},
        content_locale=content_locale,
        action=action,
    )


def _record(form, *, consultation, response, question, participation=None) -> bool | None:
    """Record the posted answer; True when the response is finished, None when the form
    shows a refusal."""
    kind = question.kind if question else ""
    if not form.readable(kind):
        return None
    try:
        return web_answers.answer_on_web(
            db.session(),
            consultation=consultation,
            response=response,
            question_id=form.posted_question_id(),
            participation=participation,
            **(form.answer(kind) if question else {}),
        )
    except ServiceError as error:
        if isinstance(error, web_answers.StalePage):
            raise
        field = field_name(kind) if question else None
        apply_to_form(form, ServiceError(error.message, field=field))
        return None


# A member, signed in ---------------------------------------------------------------------


@bp.route(
    "/p/<int:partnership_id>/consultations/<int:consultation_id>/answer",
    methods=["GET", "POST"],
)
@partnership_guard(Role.OBSERVER)
def answer(partnership_id: int, consultation_id: int):
    consultation = consultation_or_404(consultation_id)
    partnership = g.partnership
    reason = web_answers.refusal(consultation, Channel.WEB)
    if reason:
        return _unavailable(consultation, partnership, reason)
    session_ = db.session()
    participation, response = web_answers.member_progress(
        session_, consultation=consultation, user_id=current_user.id
    )
    locale = str(get_locale())
    if participation is not None and participation.state in web_answers.DONE_STATES:
        return render_template(
            "consultations/answer_done.html", title=_title(consultation, partnership, locale)
        )
    answers = answers_of(session_, response) if response is not None else {}
    form = QuestionForm()
    here = url_for(".answer", partnership_id=partnership_id, consultation_id=consultation_id)
    if form.validate_on_submit():
        question = web_answers.step(consultation, answers).question
        try:
            participation, response = web_answers.member_response(
                session_, consultation=consultation, membership=g.membership, locale=locale
            )
            finished = _record(
                form,
                consultation=consultation,
                response=response,
                question=question,
                participation=participation,
            )
        except web_answers.StalePage as error:
            flash(error.message, "info")
            return redirect(here)
        except ServiceError as error:
            flash(error.message, "error")
            return redirect(here)
        if finished is not None:
            if finished:
                flash(_("Thank you: your answers are saved."), "success")
            return redirect(here)
    return _question_page(
        form,
        consultation=consultation,
        partnership=partnership,
        answers=answers,
        content_locale=locale,
        action=here,
    )


# The public link, no account -------------------------------------------------------------


def _public(token: str) -> tuple[Consultation, Partnership]:
    session_ = db.session()
    consultation = web_answers.public_consultation(session_, token)
    if consultation is None:
        abort(404)
    partnership = session_.get(Partnership, consultation.partnership_id)
    use_partnership_language(partnership)
    return consultation, partnership


def _remember(consultation, response_id: int | None) -> None:
    kept = dict(session.get(PUBLIC_KEY) or {})
    if response_id is None:
        kept.pop(str(consultation.id), None)
    else:
        kept[str(consultation.id)] = response_id
    session[PUBLIC_KEY] = kept


def _public_response(consultation):
    response_id = (session.get(PUBLIC_KEY) or {}).get(str(consultation.id))
    return web_answers.public_response(
        db.session(), consultation=consultation, response_id=response_id
    )


@bp.route("/c/<token>", methods=["GET", "POST"])
@limiter.limit(_start_limit, methods=["POST"])
def public_answer(token: str):
    """The public link's first page: language and constituency, then the questions."""
    consultation, partnership = _public(token)
    reason = web_answers.refusal(consultation, Channel.PUBLIC)
    if reason:
        return _unavailable(consultation, partnership, reason)
    if _public_response(consultation) is not None:
        return redirect(url_for(".public_question", token=token))
    session_ = db.session()
    locale = str(get_locale())
    form = PublicStartForm(
        languages=partnership.locales,
        tags=group_tags(session_, partnership_id=partnership.id),
        tag_label=lambda tag: tag_label(tag, locale=locale, fallback=partnership.default_locale),
    )
    if not form.is_submitted():
        form.language.data = locale if locale in partnership.locales else None
    if form.validate_on_submit():
        try:
            response = web_answers.start_public(
                session_,
                consultation=consultation,
                partnership=partnership,
                locale=form.language.data,
                sector=form.sector.data,
                tag_ids=form.tag_ids.data,
                locality=form.locality.data,
            )
        except ServiceError as error:
            apply_to_form(form, error)
        else:
            _remember(consultation, response.id)
            if response.locale in UI_LOCALE_CODES:
                session[SESSION_KEY] = response.locale
            return redirect(url_for(".public_question", token=token))
    return render_form(
        "consultations/public_start.html",
        form,
        form=form,
        title=_title(consultation, partnership, locale),
        purpose=translated(
            consultation.purpose, locale=locale, fallback=partnership.default_locale
        ),
        anonymous=consultation.anonymous,
    )


@bp.route("/c/<token>/question", methods=["GET", "POST"])
@limiter.limit(_answer_limit, methods=["POST"])
def public_question(token: str):
    consultation, partnership = _public(token)
    reason = web_answers.refusal(consultation, Channel.PUBLIC)
    if reason:
        return _unavailable(consultation, partnership, reason)
    response = _public_response(consultation)
    if response is None:
        return redirect(url_for(".public_answer", token=token))
    answers = answers_of(db.session(), response)
    form = QuestionForm()
    here = url_for(".public_question", token=token)
    if form.validate_on_submit():
        question = web_answers.step(consultation, answers).question
        try:
            finished = _record(
                form, consultation=consultation, response=response, question=question
            )
        except web_answers.StalePage as error:
            flash(error.message, "info")
            return redirect(here)
        if finished:
            _remember(consultation, None)
            return redirect(url_for(".public_thanks", token=token))
        if finished is not None:
            return redirect(here)
    return _question_page(
        form,
        consultation=consultation,
        partnership=partnership,
        answers=answers,
        content_locale=response.locale,
        action=here,
    )


@bp.get("/c/<token>/thanks")
def public_thanks(token: str):
    consultation, partnership = _public(token)
    return render_template(
        "consultations/answer_done.html",
        title=_title(consultation, partnership, str(get_locale())),
        public_token=token,
    )


# A facilitator types in answers gathered in a meeting or on paper -------------------------------


def _assisted_form(consultation, partnership) -> AssistedForm:
    session_ = db.session()
    locale = str(get_locale())
    fallback = partnership.default_locale
    participants = session_.scalars(
        select(Participant)
        .where(Participant.partnership_id == partnership.id)
        .order_by(Participant.sort_name, Participant.id)
    )
    return assisted_form(
        active_questions(consultation),
        locale=locale,
        fallback=fallback,
        languages=partnership.locales,
        tags=group_tags(session_, partnership_id=partnership.id),
        tag_label=lambda tag: tag_label(tag, locale=locale, fallback=fallback),
        participants=participants,
    )


@bp.route(
    "/p/<int:partnership_id>/consultations/<int:consultation_id>/assisted",
    methods=["GET", "POST"],
)
@partnership_guard(Role.FACILITATOR)
def assisted(partnership_id: int, consultation_id: int):
    consultation = consultation_or_404(consultation_id)
    partnership = g.partnership
    reason = web_answers.refusal(consultation, Channel.ASSISTED)
    if reason:
        return _unavailable(consultation, partnership, reason)
    form = _assisted_form(consultation, partnership)
    valid = form.validate_on_submit()
    # Numbers are read even when another field failed, so every mistake shows at once.
    if form.is_submitted() and form.readable() and valid:
        try:
            web_answers.record_assisted(
                db.session(),
                actor=current_user,
                partnership=partnership,
                consultation=consultation,
                **form.service_fields(),
            )
        except web_answers.AssistedRefused as error:
            form.form_errors.append(error.message)
            form.show_refusals(error.answers)
        except ServiceError as error:
            apply_to_form(form, error)
        else:
            flash(_("Saved. Enter the next respondent."), "success")
            return redirect(
                url_for(".assisted", partnership_id=partnership_id, consultation_id=consultation_id)
            )
    positions = {q.id: n for n, q in enumerate(form.questions, start=1)}
    return render_form(
        "consultations/assisted.html",
        form,
        form=form,
        conditions={
            q.id: positions.get(q.show_if_question_id)
            for q in form.questions
            if q.show_if_question_id is not None
        },
        title=_title(consultation, partnership, str(get_locale())),
        number_attributes=number_attributes,
    )
