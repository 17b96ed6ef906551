"""Partners confirm or comment a consultation's outcome: the validation page (the outcome as
sent, each partner's answer and the count against the charter's rule), sending it (a
facilitator), a partner's answer (its representatives) and proceeding past an unmet deadline.

Routes on the feature's blueprint; listed in ROUTE_MODULES."""

from __future__ import annotations

from flask import flash, g, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from hsbp import db
from hsbp.consultations import validation
from hsbp.consultations.models import Status
from hsbp.consultations.validation_forms import (
    STANCE_LABELS,
    STATE_LABELS,
    AnswerForm,
    ProceedForm,
    SendForm,
)
from hsbp.consultations.validation_standing import (
    EXPIRED,
    OPEN,
    PROCEEDED,
    UNSENT,
    VALIDATED,
    deadline_day,
    deadline_time,
    default_deadline_day,
    standing,
)
from hsbp.consultations.views import bp, consultation_or_404
from hsbp.db import utcnow
from hsbp.errors import ServiceError, apply_to_form
from hsbp.partnerships.guard import partnership_guard
from hsbp.security import Role
from hsbp.views import render_form


def _path(consultation) -> str:
    return url_for(
        "consultations.validation_page",
        partnership_id=consultation.partnership_id,
        consultation_id=consultation.id,
    )


def _own_answer(found) -> object | None:
    partner_id = g.membership.partner_id
    return next((answer for partner, answer in found.rows if partner.id == partner_id), None)


def _page(consultation, *, failed=None):
    """The validation page, with the forms this member may use; `failed`, a submitted form
    that was refused, is shown in place of its blank one (422) with its message on top."""
    found = standing(db.session(), consultation=consultation)
    now = utcnow()
    role, partner_id = g.membership.role, g.membership.partner_id
    forms = {}
    if role == Role.FACILITATOR:
        if consultation.status == Status.CLOSED and found.state in (UNSENT, EXPIRED, PROCEEDED):
            forms["send"] = SendForm(formdata=None)
            forms["send"].deadline.data = default_deadline_day(g.partnership, now)
        if found.state == EXPIRED:
            forms["proceed"] = ProceedForm(formdata=None)
    own = _own_answer(found) if partner_id is not None else None
    answering = found.state in (OPEN, VALIDATED) and now < found.validation.deadline
    if role == Role.REPRESENTATIVE and partner_id is not None and answering:
        forms["answer"] = AnswerForm(formdata=None)
        if own is not None:
            forms["answer"].stance.data, forms["answer"].comment.data = own.stance, own.comment
    if failed is not None:
        name = {SendForm: "send", AnswerForm: "answer", ProceedForm: "proceed"}[type(failed)]
        if name in forms:
            forms[name] = failed
    return render_form(
        "consultations/validation.html",
        *([failed] if failed is not None else []),
        consultation=consultation,
        found=found,
        forms=forms,
        failed=failed,
        own=own,
        last_day=deadline_day(found.validation, g.partnership) if found.validation else None,
        STANCE_LABELS=STANCE_LABELS,
        STATE_LABELS=STATE_LABELS,
    )


@bp.get("/p/<int:partnership_id>/consultations/<int:consultation_id>/validation")
@partnership_guard()
def validation_page(partnership_id: int, consultation_id: int):
    return _page(consultation_or_404(consultation_id))


@bp.post("/p/<int:partnership_id>/consultations/<int:consultation_id>/validation/send")
@partnership_guard(Role.FACILITATOR)
def validation_send(partnership_id: int, consultation_id: int):
    consultation = consultation_or_404(consultation_id)
    form = SendForm()
    if form.validate_on_submit():
        try:
            validation.send(
                db.session(),
                actor=current_user,
                partnership=g.partnership,
                consultation=consultation,
                deadline=deadline_time(form.deadline.data, g.partnership),
            )
        except ServiceError as error:
            apply_to_form(form, error)
        else:
            flash(_("The outcome is with the partners for validation."), "success")
            return redirect(_path(consultation))
    return _page(consultation, failed=form)


@bp.post("/p/<int:partnership_id>/consultations/<int:consultation_id>/validation/answer")
@partnership_guard()
def validation_answer(partnership_id: int, consultation_id: int):
    consultation = consultation_or_404(consultation_id)
    form = AnswerForm()
    if form.validate_on_submit():
        try:
            validation.answer(
                db.session(),
                actor=current_user,
                membership=g.membership,
                consultation=consultation,
                stance=form.stance.data,
                comment=form.comment.data or "",
            )
        except ServiceError as error:
            apply_to_form(form, error)
        else:
            flash(_("Your partner's answer is recorded."), "success")
            return redirect(_path(consultation))
    return _page(consultation, failed=form)


@bp.post("/p/<int:partnership_id>/consultations/<int:consultation_id>/validation/proceed")
@partnership_guard(Role.FACILITATOR)
def validation_proceed(partnership_id: int, consultation_id: int):
    consultation = consultation_or_404(consultation_id)
    form = ProceedForm()
    if form.validate_on_submit():
        try:
            validation.proceed(
                db.session(),
                actor=current_user,
                consultation=consultation,
                reason=form.reason.data or "",
            )
        except ServiceError as error:
            apply_to_form(form, error)
        else:
            flash(_("The outcome can now feed the charter; the reason is recorded."), "success")
            return redirect(_path(consultation))
    return _page(consultation, failed=form)
