"""The mapping part of a person's export: their participant record as mapped, with its
group tags, who proposed and validated it, and its relationships (hsbp.privacy.subject_parts
has the other parts)."""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, aliased

from hsbp.mapping.labels import tag_label
from hsbp.mapping.models import GroupTag, Participant, ParticipantLink, participant_tags
from hsbp.partnerships.models import Partner
from hsbp.privacy.subject_parts import Reader


def mapping_record(reader: Reader) -> dict | None:
    """The participant's record as mapped: every field, its group tags, who proposed and
    validated it, and its relationships, the other participant named as everyone sees them
    (a protected one by its pseudonym, never its real name). Relationship notes are left
    out: they speak of the other participant too."""
    p = reader.subject.participant
    if p is None:
        return None
    session = reader.session
    tags = session.scalars(
        select(GroupTag)
        .join(participant_tags, participant_tags.c.tag_id == GroupTag.id)
        .where(participant_tags.c.participant_id == p.id)
        .order_by(GroupTag.position, GroupTag.id)
    )
    partner_ids = {p.proposed_by_partner_id, p.validated_by_partner_id} - {None}
    partners = dict(
        session.execute(
            select(Partner.id, Partner.name).where(
                Partner.id.in_(partner_ids), Partner.partnership_id == p.partnership_id
            )
        ).all()
    )
    return {
        "id": p.id,
        "kind": p.kind,
        "display_name": p.display_name,
        "name": p.protected_name or "",
        "protected": p.is_protected,
        "sector": p.sector,
        "locality": p.locality or "",
        "languages": list(p.languages or []),
        "interest": p.interest,
        "influence": p.influence,
        "phone": p.phone or "",
        "email": p.email or "",
        "intermediary": p.intermediary or "",
        "reachable": p.reachable,
        "consent_on": p.consent_on,
        "consent_method": p.consent_method or "",
        "consent_scope": p.consent_scope or "",
        "risk": p.risk,
        "protective_measures": p.protective_measures or "",
        "notes": p.notes or "",
        "status": p.status,
        "proposed_by": partners.get(p.proposed_by_partner_id),
        "validated_by": partners.get(p.validated_by_partner_id),
        "validated_at": p.validated_at,
        "created_at": p.created_at,
        "updated_at": p.updated_at,
        "erased_at": p.erased_at,
        "tags": [tag_label(t, locale=reader.locale, fallback=reader.fallback) for t in tags],
        "relationships": _relationships(session, p),
    }


def _relationships(session: Session, participant: Participant) -> list[dict]:
    other = aliased(Participant)
    found = session.execute(
        select(ParticipantLink.kind, ParticipantLink.source_id, other.display_name)
        .join(
            other,
            or_(
                (ParticipantLink.source_id == participant.id)
                & (other.id == ParticipantLink.target_id),
                (ParticipantLink.target_id == participant.id)
                & (other.id == ParticipantLink.source_id),
            ),
        )
        .where(ParticipantLink.partnership_id == participant.partnership_id)
        .order_by(ParticipantLink.kind, ParticipantLink.id)
    )
    return [
        {
            "kind": kind,
            "direction": "to" if source_id == participant.id else "from",
            "other": name,
        }
        for kind, source_id, name in found
    ]
