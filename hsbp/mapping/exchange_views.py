"""Mapping import and export (CSV, XLSX), and the partnership's list of group tags."""

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from hsbp import db, spreadsheets
from hsbp.errors import ServiceError, apply_to_form
from hsbp.mapping import importing, queries, services
from hsbp.mapping import tags as mapping_tags
from hsbp.mapping.forms import ImportForm
from hsbp.mapping.views import _tags, bp, label_of_tag, register_filter
from hsbp.partnerships.forms import ConfirmForm
from hsbp.partnerships.guard import partnership_guard
from hsbp.security import Role
from hsbp.views import render_form


@bp.route("/p/<int:partnership_id>/mapping/import", methods=["GET", "POST"])
@partnership_guard(Role.FACILITATOR)
def import_file(partnership_id: int):
    form = ImportForm()
    if form.validate_on_submit():
        upload = form.file.data
        try:
            staged, preview = importing.stage(
                db.session(),
                actor=current_user,
                partnership=g.partnership,
                filename=upload.filename or "upload.csv",
                content=upload.read(),
            )
        except ServiceError as error:
            apply_to_form(form, error)
        else:
            return render_template(
                "mapping/import_preview.html",
                staged=staged,
                preview=preview,
                confirm=ConfirmForm(),
            )
    return render_form("mapping/import.html", form, form=form, columns=importing.COLUMNS)


@bp.post("/p/<int:partnership_id>/mapping/import/<int:import_id>")
@partnership_guard(Role.FACILITATOR)
def confirm_import(partnership_id: int, import_id: int):
    session = db.session()
    staged = importing.staged_import(
        session, partnership_id=partnership_id, import_id=import_id, user=current_user
    )
    if staged is None or not ConfirmForm().validate_on_submit():
        abort(404 if staged is None else 400)
    counts = importing.confirm(
        session, actor=current_user, partnership=g.partnership, staged=staged
    )
    flash(
        _(
            "Import done: %(created)d new, %(updated)d updated, %(skipped)d rows skipped.",
            **counts,
        ),
        "success",
    )
    return redirect(url_for("mapping.register", partnership_id=partnership_id))


@bp.get("/p/<int:partnership_id>/mapping/export")
@partnership_guard(Role.REPRESENTATIVE)
def export(partnership_id: int):
    kind = "xlsx" if request.args.get("format") == "xlsx" else "csv"
    _form, chosen = register_filter(request.args, _tags())
    participants = queries.all_for_export(
        db.session(), partnership_id=partnership_id, filters=chosen
    )
    rows = importing.export_rows(participants, show_contacts=services.sees_contacts(g.membership))
    return spreadsheets.download(rows, kind, sheet="participants", filename=f"participants.{kind}")


@bp.route("/p/<int:partnership_id>/mapping/groups", methods=["GET", "POST"])
@partnership_guard(Role.FACILITATOR)
def groups(partnership_id: int):
    confirm = ConfirmForm()
    errors = []
    if request.method == "POST" and confirm.validate_on_submit():
        names = {code: request.form.get(f"name-{code}", "") for code in g.partnership.locales}
        try:
            mapping_tags.add_tag(
                db.session(), actor=current_user, partnership=g.partnership, names=names
            )
        except ServiceError as error:
            errors.append(error.message)
        else:
            flash(_("The group is added."), "success")
            return redirect(url_for("mapping.groups", partnership_id=partnership_id))
    return render_template(
        "mapping/groups.html",
        tags=_tags(),
        label_of_tag=label_of_tag,
        confirm=confirm,
        errors=errors,
    ), 422 if errors else 200


@bp.post("/p/<int:partnership_id>/mapping/groups/<int:tag_id>/delete")
@partnership_guard(Role.FACILITATOR)
def remove_group(partnership_id: int, tag_id: int):
    tag = next((t for t in _tags() if t.id == tag_id), None)
    if tag is None or not ConfirmForm().validate_on_submit():
        abort(404 if tag is None else 400)
    mapping_tags.remove_tag(db.session(), actor=current_user, tag=tag)
    flash(_("The group is removed."), "success")
    return redirect(url_for("mapping.groups", partnership_id=partnership_id))
