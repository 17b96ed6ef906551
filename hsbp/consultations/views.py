"""The consultations blueprint: preparing a consultation, its questions and its outcome.

Other modules (answering pages, results) add their routes to `bp`.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    url_for,
)
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select
from werkzeug.routing import BuildError

from hsbp import db
from hsbp.confirmation import ask_first, confirmed
from hsbp.consultations import invitations, services
from hsbp.consultations import outcome as outcomes
from hsbp.consultations.answering import active_questions
from hsbp.consultations.forms import (
    CHANNEL_NAMES,
    DIMENSION_LABELS,
    KIND_LABELS,
    STATUS_LABELS,
    apply_error,
    consultation_form,
    local_day,
    outcome_form,
)
from hsbp.consultations.models import (
    Answer,
    Channel,
    Consultation,
    Question,
    Response,
)
from hsbp.errors import ServiceError
from hsbp.i18n import missing_languages, translated
from hsbp.mapping.labels import PARTICIPANT_SECTOR_LABELS
from hsbp.mapping.tags import group_tags
from hsbp.mapping.views import label_of_tag
from hsbp.partnerships.forms import ConfirmForm
from hsbp.partnerships.guard import partnership_guard
from hsbp.paths import public_url
from hsbp.security import Role
from hsbp.views import render_form

bp = Blueprint("consultations", __name__)


def in_reader_language(values: dict | None) -> str:
    partnership = g.get("partnership")
    fallback = partnership.default_locale if partnership else "en"
    return translated(values, locale=str(get_locale()), fallback=fallback)


@bp.context_processor
def _consultation_helpers():
    return {
        "local_text": in_reader_language,
        "missing_languages": missing_languages,
        "CONSULTATION_STATUS_LABELS": STATUS_LABELS,
        "CHANNEL_NAMES": CHANNEL_NAMES,
        "DIMENSION_LABELS": DIMENSION_LABELS,
        "QUESTION_KIND_LABELS": KIND_LABELS,
        "OUTCOME_SECTION_LABELS": outcomes.SECTION_LABELS,
    }


def consultation_or_404(consultation_id: int) -> Consultation:
    found = db.session().scalar(
        select(Consultation).where(
            Consultation.id == consultation_id,
            Consultation.partnership_id == g.partnership.id,
        )
    )
    return found or abort(404)


def question_or_404(consultation: Consultation, question_id: int) -> Question:
    """An active question of `consultation` (retired versions are history, not editable)."""
    found = next((q for q in consultation.questions if q.id == question_id and not q.retired), None)
    return found or abort(404)


def _optional_url(endpoint: str, **values) -> str | None:
    """A link to a page another part of the feature provides; None until it exists."""
    try:
        return url_for(endpoint, **values)
    except BuildError:
        return None


def _public_link(consultation: Consultation) -> str | None:
    if Channel.PUBLIC not in consultation.channels or not consultation.public_token:
        return None
    try:
        return public_url("consultations.public_answer", token=consultation.public_token)
    except BuildError:
        # The answering page is built apart; this is the address it is planned at.
        return current_app.config["PUBLIC_URL"] + f"/c/{consultation.public_token}"


def _response_counts(consultation_ids: list[int]) -> dict[int, dict[str, int]]:
    """{consultation id: {state: responses}} in one query, however many consultations."""
    counts: dict[int, dict[str, int]] = {cid: {} for cid in consultation_ids}
    if not consultation_ids:
        return counts
    rows = db.session().execute(
        select(Response.consultation_id, Response.state, func.count())
        .where(Response.consultation_id.in_(consultation_ids))
        .group_by(Response.consultation_id, Response.state)
    )
    for consultation_id, state, count in rows:
        counts[consultation_id][state] = count
    return counts


def answered_question_ids(consultation: Consultation) -> set[int]:
    ids = [q.id for q in consultation.questions]
    if not ids:
        return set()
    return set(
        db.session().scalars(
            select(Answer.question_id).where(Answer.question_id.in_(ids)).distinct()
        )
    )


# Consultations


@bp.get("/p/<int:partnership_id>/consultations")
@partnership_guard()
def index(partnership_id: int):
    rows = list(
        db.session().scalars(
            select(Consultation)
            .where(Consultation.partnership_id == partnership_id)
            .order_by(Consultation.created_at.desc(), Consultation.id.desc())
        )
    )
    return render_template(
        "consultations/index.html",
        consultations=rows,
        counts=_response_counts([c.id for c in rows]),
    )


def _settings_form(consultation=None):
    return consultation_form(
        partnership=g.partnership,
        tags=group_tags(db.session(), partnership_id=g.partnership.id),
        tag_label=label_of_tag,
        consultation=consultation,
    )


@bp.route("/p/<int:partnership_id>/consultations/new", methods=["GET", "POST"])
@partnership_guard(Role.FACILITATOR)
def new(partnership_id: int):
    form = _settings_form()
    if form.validate_on_submit():
        try:
            consultation = services.create_consultation(
                db.session(),
                actor=current_user,
                partnership=g.partnership,
                fields=form.service_fields(),
            )
        except ServiceError as error:
            apply_error(form, error)
        else:
            flash(_("The consultation is prepared as a draft: add its questions."), "success")
            return redirect(
                url_for(
                    "consultations.questions",
                    partnership_id=partnership_id,
                    consultation_id=consultation.id,
                )
            )
    return render_form("consultations/form.html", form, form=form, consultation=None)


@bp.route(
    "/p/<int:partnership_id>/consultations/<int:consultation_id>/edit", methods=["GET", "POST"]
)
@partnership_guard(Role.FACILITATOR)
def edit(partnership_id: int, consultation_id: int):
    consultation = consultation_or_404(consultation_id)
    form = _settings_form(consultation)
    if form.validate_on_submit():
        try:
            services.update_consultation(
                db.session(),
                actor=current_user,
                partnership=g.partnership,
                consultation=consultation,
                fields=form.service_fields(),
            )
        except ServiceError as error:
            apply_error(form, error)
        else:
            flash(_("The consultation is saved."), "success")
            return redirect(
                url_for(
                    "consultations.detail",
                    partnership_id=partnership_id,
                    consultation_id=consultation_id,
                )
            )
    answered = services.has_responses(db.session(), consultation)
    return render_form(
        "consultations/form.html", form, form=form, consultation=consultation, answered=answered
    )


def _detail_page(consultation: Consultation, failed: ConfirmForm | None = None):
    session = db.session()
    audience = consultation.audience or {}
    tag_names = {
        tag.id: label_of_tag(tag) for tag in group_tags(session, partnership_id=g.partnership.id)
    }
    ids = dict(partnership_id=g.partnership.id, consultation_id=consultation.id)
    return render_form(
        "consultations/detail.html",
        *([failed] if failed is not None else []),
        consultation=consultation,
        questions=active_questions(consultation),
        counts=_response_counts([consultation.id])[consultation.id],
        sectors=[PARTICIPANT_SECTOR_LABELS.get(s, s) for s in audience.get("sectors", [])],
        tags=[tag_names[t] for t in audience.get("tags", []) if t in tag_names],
        closes_on=local_day(consultation.closes_at, g.partnership.timezone, closing=True),
        public_link=_public_link(consultation),
        # The results pages are their own module: link to them once they exist.
        results_link=_optional_url("consultations.results_page", **ids)
        or _optional_url("consultations.results", **ids),
        outcome_items=outcomes.items(consultation),
        goal_versions=outcomes.goal_versions(
            session, partnership_id=g.partnership.id, consultation=consultation
        ),
        failed=failed,
        confirm=ConfirmForm(formdata=None),
        is_facilitator=g.membership.role == Role.FACILITATOR,
    )


@bp.get("/p/<int:partnership_id>/consultations/<int:consultation_id>")
@partnership_guard()
def detail(partnership_id: int, consultation_id: int):
    return _detail_page(consultation_or_404(consultation_id))


def _act(consultation: Consultation, action, message: str):
    """Run a one-button action; a refusal shows on the consultation's page (422)."""
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        action(db.session())
    except ServiceError as error:
        form.form_errors.append(error.message)
        return _detail_page(consultation, failed=form)
    flash(message, "success")
    return redirect(
        url_for(
            "consultations.detail",
            partnership_id=consultation.partnership_id,
            consultation_id=consultation.id,
        )
    )


@bp.post("/p/<int:partnership_id>/consultations/<int:consultation_id>/open", endpoint="open")
@partnership_guard(Role.FACILITATOR)
def open_view(partnership_id: int, consultation_id: int):
    consultation = consultation_or_404(consultation_id)

    def action(session):
        services.open_consultation(session, actor=current_user, consultation=consultation)

    return _act(consultation, action, _("The consultation is open."))


@bp.post("/p/<int:partnership_id>/consultations/<int:consultation_id>/close", endpoint="close")
@partnership_guard(Role.FACILITATOR)
def close_view(partnership_id: int, consultation_id: int):
    consultation = consultation_or_404(consultation_id)
    if not confirmed():
        back = url_for(
            "consultations.detail", partnership_id=partnership_id, consultation_id=consultation_id
        )
        return ask_first("consultations/confirm_close.html", cancel=back, consultation=consultation)

    def action(session):
        services.close_consultation(session, actor=current_user, consultation=consultation)

    return _act(consultation, action, _("The consultation is closed."))


@bp.post("/p/<int:partnership_id>/consultations/<int:consultation_id>/invite")
@partnership_guard(Role.FACILITATOR)
def invite(partnership_id: int, consultation_id: int):
    """First who would get what, at what cost (nothing sent); confirmed, invite them."""
    consultation = consultation_or_404(consultation_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    if not confirmed():
        try:
            preview = invitations.preview_invitations(db.session(), consultation=consultation)
        except ServiceError as error:
            form.form_errors.append(error.message)
            return _detail_page(consultation, failed=form)
        detail = url_for(
            "consultations.detail", partnership_id=partnership_id, consultation_id=consultation_id
        )
        return ask_first(
            "consultations/invite_preview.html",
            cancel=detail,
            consultation=consultation,
            preview=preview,
        )
    try:
        invited = invitations.invite_by_sms(
            db.session(), actor=current_user, consultation=consultation
        )
    except ServiceError as error:
        form.form_errors.append(error.message)
        return _detail_page(consultation, failed=form)
    message = ngettext(
        "%(num)d contact is invited by SMS.", "%(num)d contacts are invited by SMS.", invited
    )
    flash(message, "success")
    return redirect(
        url_for(
            "consultations.detail", partnership_id=partnership_id, consultation_id=consultation_id
        )
    )


# Questions


@bp.route(
    "/p/<int:partnership_id>/consultations/<int:consultation_id>/outcome",
    methods=["GET", "POST"],
)
@partnership_guard(Role.FACILITATOR)
def outcome(partnership_id: int, consultation_id: int):
    consultation = consultation_or_404(consultation_id)
    form = outcome_form(
        partnership=g.partnership,
        outcome=consultation.outcome or {},
        sections=outcomes.SECTIONS,
    )
    if form.validate_on_submit():
        try:
            changed = outcomes.save_outcome(
                db.session(),
                actor=current_user,
                partnership=g.partnership,
                consultation=consultation,
                raw={section: form[section].data for section in outcomes.SECTIONS},
            )
        except ServiceError as error:
            apply_error(form, error)
        else:
            flash(_("The outcome is saved.") if changed else _("Nothing has changed."), "success")
            return redirect(
                url_for(
                    "consultations.detail",
                    partnership_id=partnership_id,
                    consultation_id=consultation_id,
                )
            )
    return render_form("consultations/outcome.html", form, form=form, consultation=consultation)


@bp.post("/p/<int:partnership_id>/consultations/<int:consultation_id>/outcome/<key>/goal")
@partnership_guard(Role.FACILITATOR)
def outcome_goal(partnership_id: int, consultation_id: int, key: str):
    consultation = consultation_or_404(consultation_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        version = outcomes.make_goal(
            db.session(),
            actor=current_user,
            partnership=g.partnership,
            consultation=consultation,
            key=key,
        )
    except ServiceError as error:
        form.form_errors.append(error.message)
        return _detail_page(consultation, failed=form)
    message = _(
        "The item is a goal of version %(number)d of the charter, a draft.", number=version.number
    )
    flash(message, "success")
    return redirect(
        url_for(
            "consultations.detail", partnership_id=partnership_id, consultation_id=consultation_id
        )
    )
