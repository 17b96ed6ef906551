"""Monitoring: values imported from a spreadsheet, and an indicator linked to a consultation
question (computed when the consultation closes)."""

from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import HiddenField

from hsbp import db
from hsbp.consultations.models import Question
from hsbp.errors import ServiceError, apply_to_form
from hsbp.mapping.forms import ImportForm
from hsbp.monitoring import from_consultation, importing
from hsbp.monitoring.forms import LinkForm
from hsbp.monitoring.views import bp, indicator_or_404
from hsbp.partnerships.guard import partnership_guard
from hsbp.security import Role
from hsbp.views import int_value, render_form


class ConfirmImportForm(FlaskForm):
    # The rows read from the file; checked again in full on confirming (see importing).
    rows = HiddenField()


@bp.route("/p/<int:partnership_id>/monitoring/import", methods=["GET", "POST"])
@partnership_guard(Role.FACILITATOR)
def import_values(partnership_id: int):
    form = ImportForm()
    if form.validate_on_submit():
        upload = form.file.data
        try:
            rows = importing.read(upload.filename or "upload.csv", upload.read())
        except ServiceError as error:
            apply_to_form(form, error)
        else:
            return _preview(rows)
    return render_form("monitoring/import.html", form, form=form, columns=importing.COLUMNS)


def _preview(rows, status: int = 200):
    preview = importing.check(db.session(), partnership=g.partnership, rows=rows)
    confirm = ConfirmImportForm(formdata=None, rows=preview.carried())
    page = render_template("monitoring/import_preview.html", preview=preview, confirm=confirm)
    return page, status


@bp.post("/p/<int:partnership_id>/monitoring/import/confirm")
@partnership_guard(Role.FACILITATOR)
def confirm_import(partnership_id: int):
    form = ConfirmImportForm()
    if not form.validate_on_submit():
        abort(400)
    session = db.session()
    try:
        rows = importing.carried_rows(form.rows.data or "")
        count = importing.confirm(session, actor=current_user, partnership=g.partnership, rows=rows)
    except ServiceError:
        # Something changed since the preview (nothing was written): show the rows again.
        try:
            return _preview(importing.carried_rows(form.rows.data or ""), 422)
        except ServiceError:
            return redirect(url_for("monitoring.import_values", partnership_id=partnership_id))
    flash(ngettext("%(num)d value imported.", "%(num)d values imported.", count), "success")
    return redirect(url_for("monitoring.import_values", partnership_id=partnership_id))


@bp.post("/p/<int:partnership_id>/monitoring/<int:indicator_id>/link")
@partnership_guard(Role.FACILITATOR)
def link_indicator(partnership_id: int, indicator_id: int):
    session = db.session()
    indicator = indicator_or_404(indicator_id)
    form = LinkForm()
    if not form.validate_on_submit():
        abort(400)
    question_id, _colon, answer_key = (form.source.data or "").partition(":")
    question = None
    if question_id:
        number = int_value(question_id, low=1)
        question = session.get(Question, number) if number is not None else None
        if question is None:
            abort(404)
    try:
        from_consultation.link_to_question(session, current_user, indicator, question, answer_key)
    except ServiceError as error:
        flash(str(error.message), "error")
    else:
        flash(
            _("The indicator will be computed when the consultation closes.")
            if question
            else _("The indicator is no longer computed from a consultation."),
            "success",
        )
    return redirect(
        url_for("monitoring.detail", partnership_id=partnership_id, indicator_id=indicator_id)
    )
