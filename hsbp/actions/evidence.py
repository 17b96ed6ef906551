"""Evidence of an action's progress: files and web links, each with who added it and when.

Anyone who may report on an action adds evidence; the person who added an item, or a
facilitator, removes it. Files are checked and kept by hsbp.actions.uploads, outside the web
root, and served only to the partnership's members.
"""

from __future__ import annotations

import unicodedata
from typing import BinaryIO
from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from hsbp import audit
from hsbp.actions import permissions, services, uploads
from hsbp.actions.models import Action, Evidence
from hsbp.auth.models import User
from hsbp.errors import ServiceError
from hsbp.partnerships.models import Membership
from hsbp.security import Role

audit.ACTION_LABELS.update(
    {
        "action.evidence_add": _l("Evidence added to an action"),
        "action.evidence_remove": _l("Evidence removed from an action"),
    }
)

TITLE_MAX = 200
URL_MAX = 2000


def action_in(session: Session, *, partnership_id: int, action_id: int) -> Action | None:
    return session.scalar(
        select(Action).where(Action.id == action_id, Action.partnership_id == partnership_id)
    )


def evidence_in(
    session: Session, *, partnership_id: int, action_id: int, evidence_id: int
) -> Evidence | None:
    """One item of evidence, only if it belongs to that action of that partnership."""
    return session.scalar(
        select(Evidence).where(
            Evidence.id == evidence_id,
            Evidence.action_id == action_id,
            Evidence.partnership_id == partnership_id,
        )
    )


def evidence_of(session: Session, *, action: Action) -> list[Evidence]:
    """An action's evidence, newest first, with who added each, in one query."""
    return list(
        session.scalars(
            select(Evidence)
            .options(joinedload(Evidence.added_by))
            .where(
                Evidence.action_id == action.id,
                Evidence.partnership_id == action.partnership_id,
            )
            .order_by(Evidence.id.desc())
        )
    )


def may_add(session: Session, membership: Membership | None, action: Action) -> bool:
    rule = services.charter_rule(session, action.partnership_id)
    return permissions.may_report(membership, action, rule=rule)


def may_remove(membership: Membership | None, evidence: Evidence) -> bool:
    if membership is None or membership.partnership_id != evidence.partnership_id:
        return False
    return membership.role == Role.FACILITATOR or evidence.added_by_id == membership.user_id


def add_file(
    session: Session,
    *,
    actor: User,
    membership: Membership | None,
    action: Action,
    title: str,
    filename: str,
    stream: BinaryIO | None,
) -> Evidence:
    """Keep an uploaded file as evidence of `action`. Raises ServiceError (field "file" or
    "title") when it is refused, leaving nothing on disk. Side effects: the file in the
    partnership's folder (removed again if the transaction does not commit), the row, an
    audit entry."""
    _check_may_add(session, membership, action)
    title = _title(title)
    if stream is None or not (filename or "").strip():
        raise ServiceError(_l("Choose a file to upload."), field="file")
    stored = uploads.store(
        session, partnership_id=action.partnership_id, filename=filename, stream=stream
    )
    evidence = Evidence(
        partnership_id=action.partnership_id,
        action_id=action.id,
        kind="file",
        title=title,
        filename=uploads.clean_filename(filename),
        stored_name=stored.stored_name,
        content_type=stored.content_type,
        size=stored.size,
        sha256=stored.sha256,
        added_by_id=actor.id,
    )
    session.add(evidence)
    session.flush()
    _record(session, actor, evidence, "action.evidence_add")
    return evidence


def add_link(
    session: Session,
    *,
    actor: User,
    membership: Membership | None,
    action: Action,
    title: str,
    url: str,
) -> Evidence:
    """Keep a web link (http or https only) as evidence of `action`. Raises ServiceError
    (field "url" or "title") when it is refused. Side effects: the row, an audit entry."""
    _check_may_add(session, membership, action)
    title = _title(title)
    url = check_url(url)
    evidence = Evidence(
        partnership_id=action.partnership_id,
        action_id=action.id,
        kind="link",
        title=title,
        url=url,
        added_by_id=actor.id,
    )
    session.add(evidence)
    session.flush()
    _record(session, actor, evidence, "action.evidence_add")
    return evidence


def remove(
    session: Session, *, actor: User, membership: Membership | None, evidence: Evidence
) -> None:
    """Remove evidence, by the person who added it or a facilitator. Raises ServiceError for
    anyone else. Side effects: the row goes, an audit entry; its file is deleted once the
    removal is committed."""
    if not may_remove(membership, evidence):
        raise ServiceError(
            _l("Only the person who added this evidence or a facilitator can remove it.")
        )
    _record(session, actor, evidence, "action.evidence_remove")
    if evidence.kind == "file":
        uploads.delete_after_commit(
            session, uploads.path_of(evidence.partnership_id, evidence.stored_name)
        )
    session.delete(evidence)
    session.flush()


def check_url(url: str) -> str:
    """`url` stripped, if it is an http(s) address with a host; else ServiceError "url"."""
    url = (url or "").strip()
    if len(url) > URL_MAX:
        raise ServiceError(
            _l("The web address is too long (limit: %(max)d characters).", max=URL_MAX),
            field="url",
        )
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        parts, host = None, None
    if (
        parts is None
        or parts.scheme.lower() not in ("http", "https")
        or not host
        or any(ch.isspace() or unicodedata.category(ch) == "Cc" for ch in url)
    ):
        raise ServiceError(
            _l("Enter a web address that starts with http:// or https://."), field="url"
        )
    return url


def host_of(url: str) -> str:
    try:
        return urlsplit(url).hostname or ""
    except ValueError:
        return ""


def _check_may_add(session: Session, membership: Membership | None, action: Action) -> None:
    if not may_add(session, membership, action):
        raise ServiceError(
            _l(
                "Only facilitators and representatives of the action's lead and supporting "
                "partners can add evidence to it."
            )
        )


def _title(title: str) -> str:
    title = " ".join((title or "").split())
    if len(title) > TITLE_MAX:
        raise ServiceError(
            _l("The title is too long (limit: %(max)d characters).", max=TITLE_MAX),
            field="title",
        )
    return title


def _record(session: Session, actor: User, evidence: Evidence, action: str) -> None:
    details = {"action_id": evidence.action_id, "kind": evidence.kind, "title": evidence.title}
    if evidence.kind == "file":
        details.update(filename=evidence.filename, size=evidence.size, sha256=evidence.sha256)
    else:
        details["url"] = evidence.url
    audit.record(
        session,
        actor_id=actor.id,
        action=action,
        obj=evidence,
        partnership_id=evidence.partnership_id,
        details=details,
    )
