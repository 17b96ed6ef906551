"""The marginalised-group tags of a partnership: the default list and its own additions."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from hsbp import audit
from hsbp.auth.models import User
from hsbp.errors import ServiceError
from hsbp.mapping.models import DEFAULT_TAGS, GroupTag
from hsbp.mapping.names import normalise_name
from hsbp.partnerships.models import Partnership


def group_tags(session: Session, *, partnership_id: int) -> list[GroupTag]:
    """The partnership's group tags, creating the default list the first time."""
    tags = list(
        session.scalars(
            select(GroupTag)
            .where(GroupTag.partnership_id == partnership_id)
            .order_by(GroupTag.position, GroupTag.id)
        )
    )
    if tags:
        return tags
    tags = [
        GroupTag(partnership_id=partnership_id, key=key, names={}, position=index)
        for index, key in enumerate(DEFAULT_TAGS)
    ]
    session.add_all(tags)
    session.flush()
    return tags


def add_tag(session: Session, *, actor: User, partnership: Partnership, names: dict) -> GroupTag:
    """Add a group tag of the partnership's own, named in its languages."""
    names = {code: text.strip() for code, text in names.items() if text and text.strip()}
    if not names:
        raise ServiceError(_l("Give the group a name."), field="names")
    existing = group_tags(session, partnership_id=partnership.id)
    key = re.sub(r"[^a-z0-9]+", "-", normalise_name(next(iter(names.values())))).strip("-")[:40]
    if not key or key in {tag.key for tag in existing}:
        raise ServiceError(_l("This partnership already has a group of this name."), field="names")
    tag = GroupTag(partnership_id=partnership.id, key=key, names=names, position=len(existing))
    session.add(tag)
    session.flush()
    audit.record(
        session,
        actor_id=actor.id,
        action="tag.create",
        obj=tag,
        partnership_id=partnership.id,
        details={"key": key},
    )
    return tag


def remove_tag(session: Session, *, actor: User, tag: GroupTag) -> None:
    """Remove a tag; participants lose it (the mapping of the rows stays)."""
    audit.record(
        session,
        actor_id=actor.id,
        action="tag.delete",
        obj=tag,
        partnership_id=tag.partnership_id,
        details={"key": tag.key},
    )
    session.delete(tag)
