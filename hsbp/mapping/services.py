"""Participants: map, change, validate across sectors, protect identities."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from hsbp import audit
from hsbp.audit import ACTION_LABELS
from hsbp.auth.models import User
from hsbp.db import utcnow
from hsbp.errors import ServiceError
from hsbp.mapping.fields import (
    apply_fields,
    check_fields,
    dump_typed,
    refuse_taken_reference,
    twin_of,
    with_kept,
)
from hsbp.mapping.history import forget_identities
from hsbp.mapping.models import DuplicateReview, Participant, Validation
from hsbp.partnerships import identities
from hsbp.partnerships.models import Membership, Partner, Partnership
from hsbp.security import Role

ACTION_LABELS.update(
    {
        "participant.create": _l("Participant mapped"),
        "participant.update": _l("Participant changed"),
        "participant.validate": _l("Participant validated"),
        "participant.identity_view": _l("Protected identity viewed"),
        "participant.import": _l("Participants imported"),
        "participant.duplicate_check": _l("Possible duplicate found"),
        "participant.duplicate_resolve": _l("Possible duplicate decided"),
        "relationship.create": _l("Relationship added"),
        "relationship.delete": _l("Relationship removed"),
        "tag.create": _l("Group tag added"),
        "tag.delete": _l("Group tag removed"),
    }
)

# Fields a change is audited on, old and new value.
AUDITED_FIELDS = [
    "kind",
    "sector",
    "locality",
    "languages",
    "interest",
    "influence",
    "consent_on",
    "consent_method",
    "risk",
    "proposed_by_partner_id",
    "status",
]
# Fields whose change is audited without the values ({"changed": ["phone", ...]}): the audit
# log must not become a second, unencrypted copy of identities, contacts and notes.
SECRET_FIELDS = {
    "protected_name": "name",
    "phone": "phone",
    "email": "email",
    "intermediary": "intermediary",
    "protective_measures": "protective_measures",
    "notes": "notes",
    "consent_scope": "consent_scope",
}


@dataclass(frozen=True)
class PossibleDuplicate:
    """Nothing was mapped or changed: the fields look like `candidate`, already mapped.

    For a facilitator `review` is None (they may see the candidate); for anyone else it holds
    what they typed until a facilitator decides, and they are told nothing about whom.
    """

    candidate: Participant
    review: DuplicateReview | None = None


def membership_of(session: Session, *, user: User, partnership_id: int) -> Membership | None:
    return session.scalar(
        select(Membership).where(
            Membership.user_id == user.id, Membership.partnership_id == partnership_id
        )
    )


def sees_contacts(membership: Membership | None) -> bool:
    """Who sees names of protected participants and everyone's phones and e-mail addresses:
    facilitators, not a co-facilitator from the community side."""
    return identities.sees_identities(membership)


def _distinct(membership: Membership | None, distinct_from: int | None) -> int | None:
    """Only a facilitator, who sees the candidate, may say it is someone else."""
    return distinct_from if sees_contacts(membership) else None


def _possible_duplicate(
    session: Session,
    *,
    actor: User,
    membership: Membership | None,
    partnership: Partnership,
    twin: Participant,
    typed: dict,
    source: str,
    participant: Participant | None = None,
) -> PossibleDuplicate:
    """Side effects: for a facilitator, an audit entry when the twin is protected (the check
    tied what they typed to it); for anyone else, a review row and an audit entry."""
    if sees_contacts(membership):
        if twin.is_protected:
            audit.record(
                session,
                actor_id=actor.id,
                action="participant.duplicate_check",
                obj=twin,
                partnership_id=partnership.id,
                details={"candidate_id": twin.id, "source": source},
            )
        return PossibleDuplicate(candidate=twin)
    review = DuplicateReview(
        partnership_id=partnership.id,
        candidate_id=twin.id,
        fields=dump_typed(typed),
        source=source,
        proposed_by_id=actor.id,
        proposed_by_partner_id=membership.partner_id if membership else None,
        outcome="",
        participant_id=participant.id if participant is not None else None,
    )
    session.add(review)
    session.flush()
    details = {"review_id": review.id, "candidate_id": twin.id, "source": source}
    if participant is not None:
        details["participant_id"] = participant.id
    audit.record(
        session,
        actor_id=actor.id,
        action="participant.duplicate_check",
        obj=review,
        partnership_id=partnership.id,
        details=details,
    )
    return PossibleDuplicate(candidate=twin, review=review)


def create_participant(
    session: Session,
    *,
    actor: User,
    partnership: Partnership,
    fields: dict,
    distinct_from: int | None = None,
) -> Participant | PossibleDuplicate:
    """Map a participant (status: proposed), unless it looks like one already mapped (same
    phone, or same name in the same locality) other than `distinct_from`, which a facilitator
    said is someone else: then a PossibleDuplicate, and nothing is mapped.

    Side effects: the row and an audit entry; or those of a possible duplicate.
    """
    checked = check_fields(session, partnership, fields)
    refuse_taken_reference(
        session,
        partnership_id=partnership.id,
        external_ref=checked["external_ref"],
        exclude_id=None,
    )
    membership = membership_of(session, user=actor, partnership_id=partnership.id)
    twin = twin_of(
        session,
        partnership_id=partnership.id,
        checked=checked,
        exclude_ids=(_distinct(membership, distinct_from),),
    )
    if twin is not None:
        return _possible_duplicate(
            session,
            actor=actor,
            membership=membership,
            partnership=partnership,
            twin=twin,
            typed=fields,
            source="form",
        )
    participant = Participant(partnership_id=partnership.id)
    with session.no_autoflush:
        apply_fields(session, participant, checked)
    session.add(participant)
    session.flush()
    audit.record(
        session,
        actor_id=actor.id,
        action="participant.create",
        obj=participant,
        partnership_id=partnership.id,
        details={"participant_id": participant.id, "risk": participant.risk},
    )
    return participant


def update_participant(
    session: Session,
    *,
    actor: User,
    partnership: Partnership,
    participant: Participant,
    fields: dict,
    keep: Collection[str] = (),
    distinct_from: int | None = None,
) -> PossibleDuplicate | None:
    """Change a participant. Each field of `keep` (name, phone, email, intermediary) left
    blank keeps the value on file. A change that makes it look like another participant
    (other than `distinct_from`) is a PossibleDuplicate, and nothing changes.

    Side effects: the row and an audit entry of what changed (the values of names, contacts
    and notes left out); when this protects the participant, earlier audit entries scrubbed
    of its name. Or those of a possible duplicate.
    """
    typed = {**fields, "keep": list(keep)}
    checked = check_fields(session, partnership, with_kept(fields, participant, keep))
    refuse_taken_reference(
        session,
        partnership_id=partnership.id,
        external_ref=checked["external_ref"],
        exclude_id=participant.id,
    )
    membership = membership_of(session, user=actor, partnership_id=partnership.id)
    twin = twin_of(
        session,
        partnership_id=partnership.id,
        checked=checked,
        exclude_ids=(participant.id, _distinct(membership, distinct_from)),
    )
    if twin is not None:
        return _possible_duplicate(
            session,
            actor=actor,
            membership=membership,
            partnership=partnership,
            twin=twin,
            typed=typed,
            source="edit",
            participant=participant,
        )
    before = audit.snapshot(participant, [*AUDITED_FIELDS, *SECRET_FIELDS])
    with session.no_autoflush:
        protected_now = apply_fields(session, participant, checked)
    details = {
        "participant_id": participant.id,
        **audit.changes(participant, AUDITED_FIELDS, before),
    }
    changed = [
        label for name, label in SECRET_FIELDS.items() if before[name] != getattr(participant, name)
    ]
    if changed:
        details["changed"] = changed
    if protected_now:
        forget_identities(
            session,
            actor=actor,
            partnership_id=partnership.id,
            obj=participant,
            identities={participant.id: [before["protected_name"], participant.protected_name]},
        )
    audit.record(
        session,
        actor_id=actor.id,
        action="participant.update",
        obj=participant,
        partnership_id=partnership.id,
        details=details,
    )
    return None


def can_edit(membership: Membership, participant: Participant) -> bool:
    """Facilitators, and the representatives of the partner that proposed the participant,
    except for protected participants, whose real name only facilitators who see identities
    may see (not a co-facilitator from the community side)."""
    if membership.role == Role.FACILITATOR:
        return not participant.is_protected or sees_contacts(membership)
    return (
        not participant.is_protected
        and membership.role == Role.REPRESENTATIVE
        and participant.proposed_by_partner_id is not None
        and membership.partner_id == participant.proposed_by_partner_id
    )


def hidden_on_edit(membership: Membership, participant: Participant) -> list[str]:
    """The fields the edit form leaves blank ("keep what is on file"): a protected
    participant's identity until a facilitator asks to see it, and everyone's contacts for
    those who may not see them. Only fields with something on file."""
    if participant.is_protected:
        keys = ["name", "phone", "email", "intermediary"]
    elif not sees_contacts(membership):
        keys = ["phone", "email"]
    else:
        return []
    on_file = {
        "name": participant.protected_name,
        "phone": participant.phone,
        "email": participant.email,
        "intermediary": participant.intermediary,
    }
    return [key for key in keys if on_file[key]]


def validation_refusal(membership: Membership, participant: Participant, partners: dict):
    """Why `membership` may not validate `participant`, or None if it may.

    Mapping must be joint: a participant proposed by one sector is confirmed by a partner of
    another sector, never by the sector that proposed it.
    """
    if participant.status == Validation.VALIDATED:
        return _l("This participant is already validated.")
    if membership.role != Role.REPRESENTATIVE or membership.partner_id is None:
        return _l("Only a partner representative can validate a participant.")
    proposer = partners.get(participant.proposed_by_partner_id)
    mine = partners.get(membership.partner_id)
    if proposer is not None and mine is not None and proposer.sector == mine.sector:
        return _l("A partner of another sector than the one that proposed it must validate it.")
    return None


def validate_participant(
    session: Session, *, actor: User, membership: Membership, participant: Participant
) -> None:
    """Mark the participant validated by the actor's partner. Side effects: audit entry."""
    partners = {
        p.id: p
        for p in session.scalars(
            select(Partner).where(Partner.partnership_id == participant.partnership_id)
        )
    }
    refusal = validation_refusal(membership, participant, partners)
    if refusal is not None:
        raise ServiceError(refusal)
    participant.status = Validation.VALIDATED
    participant.validated_by_partner_id = membership.partner_id
    participant.validated_by_id = actor.id
    participant.validated_at = utcnow()
    audit.record(
        session,
        actor_id=actor.id,
        action="participant.validate",
        obj=participant,
        partnership_id=participant.partnership_id,
        details={"participant_id": participant.id, "partner_id": membership.partner_id},
    )


def reveal_identity(
    session: Session, *, actor: User, membership: Membership, participant: Participant
) -> dict:
    """The real name, contacts and intermediary of a high-risk participant, for facilitators
    only.

    Side effect: an audit entry, so every look at a protected identity leaves a trace.
    """
    if not sees_contacts(membership) or membership.partnership_id != participant.partnership_id:
        raise ServiceError(_l("Only facilitators can see a protected identity."))
    audit.record(
        session,
        actor_id=actor.id,
        action="participant.identity_view",
        obj=participant,
        partnership_id=participant.partnership_id,
        details={"participant_id": participant.id},
    )
    return {
        "name": participant.protected_name,
        "phone": participant.phone,
        "email": participant.email,
        "intermediary": participant.intermediary,
    }


def get_participant(session: Session, *, partnership_id: int, participant_id: int):
    return session.scalar(
        select(Participant).where(
            Participant.id == participant_id, Participant.partnership_id == partnership_id
        )
    )
