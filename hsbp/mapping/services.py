"""Participants: create, change, validate across sectors, protect identities, relate them."""

from __future__ import annotations

import re
import secrets
import unicodedata

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from hsbp import audit
from hsbp.audit import ACTION_LABELS
from hsbp.auth.models import User
from hsbp.db import field_cipher, utcnow
from hsbp.errors import ServiceError
from hsbp.mapping.labels import CONSENT_METHOD_LABELS, PARTICIPANT_SECTOR_LABELS
from hsbp.mapping.models import (
    Participant,
    ParticipantKind,
    Risk,
    Validation,
)
from hsbp.partnerships.models import Membership, Partner, Partnership
from hsbp.partnerships.reference import is_language_code
from hsbp.phones import e164
from hsbp.security import Role

ACTION_LABELS.update(
    {
        "participant.create": _l("Participant mapped"),
        "participant.update": _l("Participant changed"),
        "participant.validate": _l("Participant validated"),
        "participant.identity_view": _l("Protected identity viewed"),
        "participant.import": _l("Participants imported"),
        "relationship.create": _l("Relationship added"),
        "relationship.delete": _l("Relationship removed"),
        "tag.create": _l("Group tag added"),
        "tag.delete": _l("Group tag removed"),
    }
)

# Fields a change is audited on. Names, phones and e-mails are left out on purpose: the
# audit log must not become a second, unencrypted copy of protected identities.
AUDITED_FIELDS = [
    "kind",
    "sector",
    "locality",
    "languages",
    "interest",
    "influence",
    "intermediary",
    "consent_on",
    "consent_method",
    "risk",
    "proposed_by_partner_id",
    "status",
]
PSEUDONYM_ALPHABET = "ACDEFGHJKLMNPQRTUVWXY34679"


def normalise_name(name: str) -> str:
    """Lower case, no accents, single spaces: 'José  Pérez' and 'jose perez' are one person."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"\s+", " ", plain).strip().lower()


def normalise_phone(raw: str, *, country: str) -> str:
    """E.164 for `raw`, reading national numbers as of the partnership's country."""
    number = e164(raw, region=country)
    if number is None:
        raise ServiceError(_l("This is not a phone number: %(value)s", value=raw), field="phone")
    return number


def _pseudonym(session: Session, partnership_id: int) -> str:
    while True:
        code = "".join(secrets.choice(PSEUDONYM_ALPHABET) for _ in range(5))
        name = f"P-{code}"
        taken = session.scalar(
            select(Participant.id).where(
                Participant.partnership_id == partnership_id, Participant.display_name == name
            )
        )
        if not taken:
            return name


def check_fields(session: Session, partnership: Partnership, fields: dict) -> dict:
    """Validate and normalise a participant's fields; ServiceError names the first problem."""
    name = (fields.get("name") or "").strip()
    if not name:
        raise ServiceError(_l("A name is required."), field="name")
    if len(name) > 200:
        raise ServiceError(_l("The name is too long (200 characters at most)."), field="name")
    if fields.get("kind") not in set(ParticipantKind):
        raise ServiceError(_l("Choose a kind from the list."), field="kind")
    if fields.get("sector") not in PARTICIPANT_SECTOR_LABELS:
        raise ServiceError(_l("Choose a sector from the list."), field="sector")
    if fields.get("risk") not in set(Risk):
        raise ServiceError(_l("Choose a participation risk from the list."), field="risk")
    for scale in ("interest", "influence"):
        if not isinstance(fields.get(scale), int) or not 1 <= fields[scale] <= 5:
            raise ServiceError(_l("Use a number from 1 to 5."), field=scale)
    languages = [code.strip() for code in fields.get("languages") or [] if code.strip()]
    for code in languages:
        if not is_language_code(code):
            raise ServiceError(_l("Unknown language code: %(code)s", code=code), field="languages")
    method = fields.get("consent_method") or ""
    if method and method not in CONSENT_METHOD_LABELS:
        raise ServiceError(
            _l("Choose how consent was obtained from the list."), field="consent_method"
        )
    phone = (fields.get("phone") or "").strip()
    phone = normalise_phone(phone, country=partnership.country) if phone else None
    from hsbp.mapping.tags import group_tags  # tags imports this module's normalise_name

    tags = {tag.id: tag for tag in group_tags(session, partnership_id=partnership.id)}
    tag_ids = list(fields.get("tag_ids") or [])
    if any(tag_id not in tags for tag_id in tag_ids):
        raise ServiceError(_l("Unknown group."), field="tag_ids")
    partner_id = fields.get("proposed_by_partner_id")
    if partner_id and not session.scalar(
        select(Partner.id).where(Partner.id == partner_id, Partner.partnership_id == partnership.id)
    ):
        raise ServiceError(
            _l("Choose a partner of this partnership."), field="proposed_by_partner_id"
        )
    email = (fields.get("email") or "").strip() or None
    intermediary = (fields.get("intermediary") or "").strip()
    return {
        "name": name,
        "kind": fields["kind"],
        "sector": fields["sector"],
        "risk": fields["risk"],
        "interest": fields["interest"],
        "influence": fields["influence"],
        "locality": (fields.get("locality") or "").strip(),
        "languages": languages,
        "phone": phone,
        "email": email,
        "intermediary": intermediary,
        "consent_on": fields.get("consent_on"),
        "consent_method": method,
        "consent_scope": (fields.get("consent_scope") or "").strip(),
        "protective_measures": (fields.get("protective_measures") or "").strip(),
        "notes": (fields.get("notes") or "").strip(),
        "proposed_by_partner_id": partner_id or None,
        "external_ref": (fields.get("external_ref") or "").strip() or None,
        "tags": [tags[tag_id] for tag_id in tag_ids],
    }


def find_duplicate(
    session: Session,
    *,
    partnership_id: int,
    name_hash: str,
    locality: str,
    phone_hash: str | None,
    exclude_id: int | None = None,
) -> Participant | None:
    """Another participant with the same phone, or the same name in the same locality."""
    query = select(Participant).where(
        Participant.partnership_id == partnership_id, Participant.id != (exclude_id or 0)
    )
    if phone_hash:
        same_phone = session.scalar(query.where(Participant.phone_hash == phone_hash))
        if same_phone:
            return same_phone
    for candidate in session.scalars(query.where(Participant.name_hash == name_hash)):
        if candidate.locality.strip().lower() == locality.strip().lower():
            return candidate
    return None


def apply_fields(session: Session, participant: Participant, checked: dict) -> None:
    """Copy checked fields onto `participant`, hashing and protecting as its risk requires."""
    cipher = field_cipher()
    was_protected = participant.id is not None and participant.is_protected
    name = checked.pop("name")
    tags = checked.pop("tags")
    for key, value in checked.items():
        setattr(participant, key, value)
    participant.tags = tags
    participant.protected_name = name
    participant.name_hash = cipher.lookup_hash(normalise_name(name))
    participant.phone_hash = cipher.lookup_hash(checked["phone"]) if checked["phone"] else None
    participant.reachable = bool(checked["phone"] or checked["email"] or checked["intermediary"])
    if participant.is_protected:
        if not was_protected:
            participant.display_name = _pseudonym(session, participant.partnership_id)
    else:
        participant.display_name = name
    participant.sort_name = participant.display_name.lower()


def _refuse_duplicate(session: Session, partnership: Partnership, participant: Participant) -> None:
    twin = find_duplicate(
        session,
        partnership_id=partnership.id,
        name_hash=participant.name_hash,
        locality=participant.locality,
        phone_hash=participant.phone_hash,
        exclude_id=participant.id,
    )
    if twin is not None:
        raise ServiceError(
            _l("This participant is already mapped as %(name)s.", name=twin.display_name),
            field="name",
        )


def create_participant(
    session: Session, *, actor: User, partnership: Partnership, fields: dict
) -> Participant:
    """Map a participant (status: proposed). Side effects: rows and an audit entry."""
    checked = check_fields(session, partnership, fields)
    participant = Participant(partnership_id=partnership.id)
    with session.no_autoflush:
        apply_fields(session, participant, checked)
        _refuse_duplicate(session, partnership, participant)
    session.add(participant)
    session.flush()
    audit.record(
        session,
        actor_id=actor.id,
        action="participant.create",
        obj=participant,
        partnership_id=partnership.id,
        details={"participant": participant.display_name, "risk": participant.risk},
    )
    return participant


def update_participant(
    session: Session,
    *,
    actor: User,
    partnership: Partnership,
    participant: Participant,
    fields: dict,
) -> None:
    """Change a participant. Side effects: the row, an audit entry of what changed (never of
    names or phone numbers)."""
    checked = check_fields(session, partnership, fields)
    before = audit.snapshot(participant, AUDITED_FIELDS)
    with session.no_autoflush:
        apply_fields(session, participant, checked)
        _refuse_duplicate(session, partnership, participant)
    diff = audit.changes(participant, AUDITED_FIELDS, before)
    audit.record(
        session,
        actor_id=actor.id,
        action="participant.update",
        obj=participant,
        partnership_id=partnership.id,
        details={"participant": participant.display_name, **diff},
    )


def can_edit(membership: Membership, participant: Participant) -> bool:
    """Facilitators, and the representatives of the partner that proposed the participant,
    except for protected participants, whose real name only facilitators may see."""
    if membership.role == Role.FACILITATOR:
        return True
    return (
        not participant.is_protected
        and membership.role == Role.REPRESENTATIVE
        and participant.proposed_by_partner_id is not None
        and membership.partner_id == participant.proposed_by_partner_id
    )


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
        details={"participant": participant.display_name, "partner_id": membership.partner_id},
    )


def reveal_identity(
    session: Session, *, actor: User, membership: Membership, participant: Participant
) -> dict:
    """The real name and contacts of a high-risk participant, for facilitators only.

    Side effect: an audit entry, so every look at a protected identity leaves a trace.
    """
    if membership.role != Role.FACILITATOR:
        raise ServiceError(_l("Only facilitators can see a protected identity."))
    audit.record(
        session,
        actor_id=actor.id,
        action="participant.identity_view",
        obj=participant,
        partnership_id=participant.partnership_id,
        details={"participant": participant.display_name},
    )
    return {
        "name": participant.protected_name,
        "phone": participant.phone,
        "email": participant.email,
    }


def get_participant(session: Session, *, partnership_id: int, participant_id: int):
    return session.scalar(
        select(Participant).where(
            Participant.id == participant_id, Participant.partnership_id == partnership_id
        )
    )
