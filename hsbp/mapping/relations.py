"""Relationships between participants of one partnership."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from hsbp import audit
from hsbp.auth.models import User
from hsbp.errors import ServiceError
from hsbp.mapping.models import Participant, ParticipantLink, RelationshipKind
from hsbp.partnerships.models import Partnership


def add_relationship(
    session: Session,
    *,
    actor: User,
    partnership: Partnership,
    source_id: int,
    target_id: int,
    kind: str,
    note: str = "",
) -> ParticipantLink:
    """Relate two participants of this partnership. Side effects: a row, an audit entry."""
    if kind not in set(RelationshipKind):
        raise ServiceError(_l("Choose a kind of relationship from the list."), field="kind")
    if source_id == target_id:
        raise ServiceError(_l("A participant cannot be related to itself."), field="target_id")
    found = session.scalars(
        select(Participant.id).where(
            Participant.partnership_id == partnership.id,
            Participant.id.in_([source_id, target_id]),
        )
    ).all()
    if len(set(found)) != 2:
        raise ServiceError(
            _l("Both participants must be mapped in this partnership."), field="target_id"
        )
    exists = session.scalar(
        select(ParticipantLink.id).where(
            ParticipantLink.source_id == source_id,
            ParticipantLink.target_id == target_id,
            ParticipantLink.kind == kind,
        )
    )
    if exists:
        raise ServiceError(_l("This relationship is already recorded."), field="target_id")
    link = ParticipantLink(
        partnership_id=partnership.id,
        source_id=source_id,
        target_id=target_id,
        kind=kind,
        note=note.strip(),
    )
    session.add(link)
    session.flush()
    audit.record(
        session,
        actor_id=actor.id,
        action="relationship.create",
        obj=link,
        partnership_id=partnership.id,
        details={"participant_id": source_id, "other_participant_id": target_id, "kind": kind},
    )
    return link


def remove_relationship(session: Session, *, actor: User, link: ParticipantLink) -> None:
    """Side effects: the row deleted, an audit entry (by ids: its note is never written)."""
    audit.record(
        session,
        actor_id=actor.id,
        action="relationship.delete",
        obj=link,
        partnership_id=link.partnership_id,
        details={
            "participant_id": link.source_id,
            "other_participant_id": link.target_id,
            "kind": link.kind,
        },
    )
    session.delete(link)
