"""Evidence of an action: adding files and links, downloading files, removing items.

The forms sit on the action's page (templates/actions/_evidence.html); each answer goes
back there with its message, since a file input cannot be filled in again anyway.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path
from urllib.parse import quote

from flask import abort, flash, g, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.utils import secure_filename

from hsbp import db
from hsbp.actions import evidence, uploads
from hsbp.actions.views import bp
from hsbp.errors import ServiceError
from hsbp.security import Role, partnership_guard

BASE = "/p/<int:partnership_id>/actions/<int:action_id>/evidence"
# A download cannot run anything, load anything or be framed, whatever it holds.
DOWNLOAD_POLICY = "default-src 'none'; sandbox"


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
    try:
        path = uploads.path_of(item.partnership_id, item.stored_name)
    except FileNotFoundError:
        abort(404)
    if item.kind != "file" or not path.is_file():
        abort(404)
    # Werkzeug adds "; charset=utf-8" to text types, which is what was checked on upload.
    response = send_file(
        path,
        mimetype=item.content_type,
        conditional=True,
        etag=item.sha256,
        last_modified=item.added_at,
    )
    disposition = "inline" if item.content_type in uploads.INLINE else "attachment"
    response.headers["Content-Disposition"] = _disposition(disposition, item)
    response.headers["Content-Security-Policy"] = DOWNLOAD_POLICY
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cross-Origin-Resource-Policy"] = "same-origin"
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _disposition(kind: str, item) -> str:
    """RFC 6266: an ASCII name for old clients, and the name as uploaded in filename*."""
    name = uploads.download_name(item.filename or f"evidence-{item.id}", item.content_type)
    suffix = Path(name).suffix
    # "año.pdf" falls back to "ano.pdf"; a name in another script would lose all but its
    # extension, so it falls back to the item's number instead.
    folded = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
    fallback = secure_filename(name) if folded.isascii() else ""
    if not fallback.lower().endswith(suffix.lower()) or fallback == suffix[1:]:
        fallback = f"evidence-{item.id}{suffix}"
    return f"{kind}; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


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
