"""A partner's connection to a risk, on its own page: what the connection asks of the partner,
its leverage, the guiding questions, the escalation ladder and the responsible-disengagement
assessment. Read by the facilitators and the connected partner's own members only
(hsbp.risks.permissions); changed by the facilitators and that partner's representatives.
Anyone else, and any id of another partnership, gets a 404."""

from __future__ import annotations

from datetime import date

from flask import abort, flash, g, redirect, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from werkzeug.routing import BuildError

from hsbp import db
from hsbp.db import utcnow
from hsbp.errors import ServiceError, apply_error
from hsbp.i18n import translated
from hsbp.partnerships.guard import partnership_guard
from hsbp.risks import (
    disengagement,
    escalation,
    key_moments,
    leverage,
    permissions,
    questions,
    responses,
)
from hsbp.risks.leverage_forms import (
    AssessmentForm,
    StepForm,
    answers_of,
    leverage_form,
    questions_form,
    strengths_of,
)
from hsbp.risks.models import Risk, RiskConnection
from hsbp.risks.views import bp
from hsbp.security import Role
from hsbp.views import render_form

PAGE = "/p/<int:partnership_id>/risks/<int:risk_id>/connections/<int:connection_id>"


def link_to(endpoint: str, **values) -> str | None:
    """The URL of `endpoint`, or None while the page is not there (other parts of risks are
    built alongside this one)."""
    try:
        return url_for(endpoint, **values)
    except BuildError:
        return None


def risk_title(risk: Risk) -> str:
    return translated(risk.title, locale=str(get_locale()), fallback=g.partnership.default_locale)


def local_today() -> date:
    return utcnow().astimezone(g.partnership.zone).date()


def _field(form, name: str):
    """A field by the name the service gives it: the forms carry a prefix, the services not."""
    return form._fields.get(name)


def _found_or_404(risk_id: int, connection_id: int, *, edit: bool = False):
    session = db.session()
    row = session.execute(
        select(RiskConnection, Risk)
        .join(Risk, Risk.id == RiskConnection.risk_id)
        .where(
            RiskConnection.id == connection_id,
            RiskConnection.risk_id == risk_id,
            RiskConnection.partnership_id == g.partnership.id,
            Risk.partnership_id == g.partnership.id,
        )
    ).first()
    if row is None:
        abort(404)
    found, risk = row
    membership = g.membership
    if not permissions.can_read_connection(membership, found):
        abort(404)
    if not permissions.can_read_risk(session, membership, risk):
        abort(404)
    if edit and not permissions.can_edit_connection(membership, found):
        abort(404)
    return found, risk


def _forms(found: RiskConnection, kinds: tuple[str, ...], posted: dict) -> dict:
    """Every form of the page: the one posted as given, the others filled from the record
    (never from the posted data, which is not theirs)."""
    forms = {
        "leverage_form": posted.get("leverage_form")
        or leverage_form(
            kinds,
            formdata=None,
            data={
                **{kind: (found.leverage or {}).get(kind, "") for kind in kinds},
                "leverage_note": found.leverage_note,
            },
        ),
        "questions_form": posted.get("questions_form")
        or questions_form(formdata=None, data=dict(found.questions or {})),
        "step_form": posted.get("step_form") or StepForm(formdata=None),
    }
    if "assessment_form" in posted:
        forms["assessment_form"] = posted["assessment_form"]
    else:
        current = disengagement.assessment_of(db.session(), found)
        forms["assessment_form"] = AssessmentForm(formdata=None, obj=current)
    return forms


def _page(found: RiskConnection, risk: Risk, **posted):
    session = db.session()
    membership = g.membership
    partner = found.partner
    kinds = leverage.kinds_for(partner)
    editable = permissions.can_edit_connection(membership, found)
    forms = _forms(found, kinds, posted) if editable else {}
    today = local_today()
    context = {
        "connection": found,
        "risk": risk,
        "partner": partner,
        "risk_title": risk_title(risk),
        "risk_url": link_to("risks.risk", partnership_id=risk.partnership_id, risk_id=risk.id),
        "edit_url": link_to(
            "risks.connection_edit",
            partnership_id=risk.partnership_id,
            risk_id=risk.id,
            connection_id=found.id,
        )
        if editable
        else None,
        "connection_label": responses.CONNECTION_LABELS.get(found.connection, found.connection),
        "connection_hint": responses.CONNECTION_HINTS.get(found.connection, ""),
        "expected": _expected(found.connection, risk.kind),
        "assessed": leverage.assessed(found, partner),
        "limited": leverage.is_limited(found),
        "LEVERAGE_LABELS": leverage.KIND_LABELS,
        "LEVERAGE_HINTS": leverage.KIND_HINTS,
        "STRENGTH_LABELS": leverage.STRENGTH_LABELS,
        "questions": [(q, (found.questions or {}).get(q.key, "")) for q in questions.QUESTIONS],
        "answered": questions.answered_count(found),
        "steps": escalation.steps_of(session, found),
        "STEP_LABELS": escalation.STEP_LABELS,
        "STEP_HINTS": escalation.STEP_HINTS,
        "ladder": escalation.STEPS,
        "assessment": disengagement.assessment_of(session, found),
        "moments": key_moments.upcoming_for_partner(
            session, membership=membership, partner_id=partner.id, today=today
        ),
        "MOMENT_KIND_LABELS": key_moments.KIND_LABELS,
        "moment_new_url": url_for(
            "risks.key_moment_new", partnership_id=risk.partnership_id, partner=partner.id
        )
        if key_moments.can_manage(membership, partner.id)
        else None,
        "can_edit": editable,
        "today": today,
        **forms,
    }
    return render_form("risks/connection.html", *forms.values(), **context)


def _expected(connection: str, kind: str) -> list:
    try:
        keys = responses.expected_responses(connection, kind)
    except ValueError:
        return []
    return [responses.RESPONSE_LABELS[key] for key in keys]


def _back(found: RiskConnection, anchor: str):
    return redirect(
        url_for(
            "risks.connection",
            partnership_id=found.partnership_id,
            risk_id=found.risk_id,
            connection_id=found.id,
            _anchor=anchor,
        )
    )


@bp.get(PAGE)
@partnership_guard(Role.OBSERVER)
def connection(partnership_id: int, risk_id: int, connection_id: int):
    found, risk = _found_or_404(risk_id, connection_id)
    return _page(found, risk)


@bp.get("/p/<int:partnership_id>/connections/<int:connection_id>")
@partnership_guard(Role.REPRESENTATIVE)
def connection_by_id(partnership_id: int, connection_id: int):
    """Where the audit log's sentences link a connection (they know its id alone)."""
    risk_id = db.session().scalar(
        select(RiskConnection.risk_id).where(
            RiskConnection.id == connection_id,
            RiskConnection.partnership_id == g.partnership.id,
        )
    )
    if risk_id is None:
        abort(404)
    found, _risk = _found_or_404(risk_id, connection_id)
    return _back(found, "")


@bp.post(PAGE + "/leverage")
@partnership_guard(Role.REPRESENTATIVE)
def connection_leverage(partnership_id: int, risk_id: int, connection_id: int):
    found, risk = _found_or_404(risk_id, connection_id, edit=True)
    form = leverage_form(leverage.kinds_for(found.partner))
    if form.validate_on_submit():
        try:
            leverage.save_leverage(
                db.session(),
                connection=found,
                partner=found.partner,
                strengths=strengths_of(form),
                note=form.leverage_note.data,
                actor_id=current_user.id,
            )
        except ServiceError as error:
            apply_error(form, error, _field)
        else:
            flash(_("The leverage is saved."), "success")
            return _back(found, "leverage")
    return _page(found, risk, leverage_form=form)


@bp.post(PAGE + "/questions")
@partnership_guard(Role.REPRESENTATIVE)
def connection_questions(partnership_id: int, risk_id: int, connection_id: int):
    found, risk = _found_or_404(risk_id, connection_id, edit=True)
    form = questions_form()
    if form.validate_on_submit():
        try:
            questions.save_answers(
                db.session(), connection=found, answers=answers_of(form), actor_id=current_user.id
            )
        except ServiceError as error:
            apply_error(form, error, _field)
        else:
            flash(_("The answers are saved."), "success")
            return _back(found, "questions")
    return _page(found, risk, questions_form=form)


@bp.post(PAGE + "/escalation")
@partnership_guard(Role.REPRESENTATIVE)
def connection_escalate(partnership_id: int, risk_id: int, connection_id: int):
    found, risk = _found_or_404(risk_id, connection_id, edit=True)
    form = StepForm()
    if form.validate_on_submit():
        try:
            escalation.take_step(
                db.session(),
                connection=found,
                step=form.step.data,
                taken_on=form.taken_on.data,
                note=form.note.data,
                today=local_today(),
                now=utcnow(),
                actor_id=current_user.id,
            )
        except ServiceError as error:
            apply_error(form, error, _field)
        else:
            flash(_("The step is recorded."), "success")
            return _back(found, "escalation")
    return _page(found, risk, step_form=form)


@bp.post(PAGE + "/escalation/remove-last")
@partnership_guard(Role.REPRESENTATIVE)
def connection_step_remove(partnership_id: int, risk_id: int, connection_id: int):
    found, _risk = _found_or_404(risk_id, connection_id, edit=True)
    removed = escalation.remove_last_step(db.session(), connection=found, actor_id=current_user.id)
    if removed is not None:
        flash(_("The last step is removed."), "success")
    return _back(found, "escalation")


@bp.post(PAGE + "/disengagement")
@partnership_guard(Role.REPRESENTATIVE)
def connection_disengagement(partnership_id: int, risk_id: int, connection_id: int):
    found, risk = _found_or_404(risk_id, connection_id, edit=True)
    form = AssessmentForm()
    if form.validate_on_submit():
        try:
            disengagement.save_assessment(
                db.session(),
                connection=found,
                harmed_by_leaving=form.harmed_by_leaving.data,
                mitigation=form.mitigation.data,
                notice=form.notice.data,
                notice_on=form.notice_on.data,
                actor_id=current_user.id,
            )
        except ServiceError as error:
            apply_error(form, error, _field)
        else:
            flash(_("The disengagement assessment is saved."), "success")
            return _back(found, "disengagement")
    return _page(found, risk, assessment_form=form)
