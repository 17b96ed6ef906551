"""Evidence of an action: adding files and links, downloading files, removing items.

The forms sit on the action's page (templates/actions/_evidence.html); each answer goes
back there with its message, since a file input cannot be filled in again anyway.
"""

from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from hsbp import db
from hsbp.actions import evidence, uploads
from hsbp.actions.views import bp
from hsbp.errors import ServiceError
from hsbp.partnerships.guard import partnership_guard
from hsbp.security import Role

BASE = "/p/<int:partnership_id>/actions/<int:action_id>/evidence"


def _action_or_404(partnership_id: int, action_id: int):
    action = evidence.action_in(db.session(), partnership_id=partnership_id, action_id=action_id)
    if action is None:
        abort(404)
    return action


def _evidence_or_404(partnership_id: int, action_id: int, evidence_id: int):
    item = evidence.evidence_in(
        db.session(), partnership_id=partnership_id, action_id=action_id, evidence_id=evidence_id
    )
    if item is None:
        abort(404)
    return item


def _back(partnership_id: int, action_id: int):
    return redirect(
        url_for(
            "actions.detail",
            partnership_id=partnership_id,
            action_id=action_id,
            _anchor="evidence",
        ),
        303,
    )


@bp.post(f"{BASE}/file")
@partnership_guard(Role.OBSERVER)
def add_evidence_file(partnership_id: int, action_id: int):
    action = _action_or_404(partnership_id, action_id)
    upload = request.files.get("file")
    try:
        evidence.add_file(
            db.session(),
            actor=current_user,
            membership=g.membership,
            action=action,
            title=request.form.get("title", ""),
            filename=upload.filename if upload else "",
            stream=upload.stream if upload else None,
        )
    except ServiceError as error:
        flash(str(error.message), "error")
    else:
        flash(_("The file is added to the evidence."), "success")
    return _back(partnership_id, action_id)


@bp.post(f"{BASE}/link")
@partnership_guard(Role.OBSERVER)
def add_evidence_link(partnership_id: int, action_id: int):
    action = _action_or_404(partnership_id, action_id)
    try:
        evidence.add_link(
            db.session(),
            actor=current_user,
            membership=g.membership,
            action=action,
            title=request.form.get("title", ""),
            url=request.form.get("url", ""),
        )
    except ServiceError as error:
        flash(str(error.message), "error")
    else:
        flash(_("The link is added to the evidence."), "success")
    return _back(partnership_id, action_id)


@bp.get(f"{BASE}/<int:evidence_id>")
@partnership_guard(Role.OBSERVER)
def evidence_file(partnership_id: int, action_id: int, evidence_id: int):
    item = _evidence_or_404(partnership_id, action_id, evidence_id)
    if item.kind != "file":
        abort(404)
    return uploads.download_response(
        partnership_id=item.partnership_id,
        stored_name=item.stored_name,
        filename=item.filename or f"evidence-{item.id}",
        content_type=item.content_type,
        etag=item.sha256,
        last_modified=item.added_at,
        fallback=f"evidence-{item.id}",
    )


@bp.post(f"{BASE}/<int:evidence_id>/remove")
@partnership_guard(Role.OBSERVER)
def remove_evidence(partnership_id: int, action_id: int, evidence_id: int):
    item = _evidence_or_404(partnership_id, action_id, evidence_id)
    try:
        evidence.remove(db.session(), actor=current_user, membership=g.membership, evidence=item)
    except ServiceError as error:
        flash(str(error.message), "error")
    else:
        flash(_("The evidence is removed."), "success")
    return _back(partnership_id, action_id)


def _too_large(error):
    """A request past MAX_CONTENT_LENGTH is refused before any view reads it; for an upload
    of evidence, say so on the action's page like any other refused file."""
    args = request.view_args or {}
    if (
        request.endpoint != "actions.add_evidence_file"
        or not current_user.is_authenticated
        or not {"partnership_id", "action_id"} <= args.keys()
    ):
        return render_template("errors/error.html", code=413), 413
    flash(uploads.too_large_message(), "error")
    return _back(args["partnership_id"], args["action_id"])


bp.register_error_handler(413, _too_large)


# For templates/actions/_evidence.html.


@bp.app_template_global()
def action_evidence(action):
    return evidence.evidence_of(db.session(), action=action)


@bp.app_template_global()
def evidence_accepted() -> str:
    return uploads.accepted_text()


@bp.app_template_global()
def evidence_accept() -> str:
    return uploads.ACCEPT


@bp.app_template_global()
def evidence_file_size(size: int) -> str:
    return uploads.file_size(size)


@bp.app_template_global()
def evidence_type_name(content_type: str) -> str:
    return uploads.type_name(content_type)


@bp.app_template_global()
def evidence_host(url: str) -> str:
    return evidence.host_of(url)
