"""A participant's fields: checked, kept when left blank, compared with those already mapped,
and applied with the hashes and the pseudonym their risk calls for."""

from __future__ import annotations

import json
from collections.abc import Collection
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from hsbp.db import field_cipher
from hsbp.errors import ServiceError
from hsbp.mapping.labels import CONSENT_METHOD_LABELS, PARTICIPANT_SECTOR_LABELS
from hsbp.mapping.models import Participant, ParticipantKind, Risk
from hsbp.mapping.names import normalise_name, normalise_phone, pseudonym
from hsbp.mapping.tags import group_tags
from hsbp.partnerships.models import Partner, Partnership
from hsbp.partnerships.reference import is_language_code

# What a participant's form or import row holds.
FIELD_NAMES = (
    "name",
    "kind",
    "sector",
    "locality",
    "languages",
    "tag_ids",
    "interest",
    "influence",
    "phone",
    "email",
    "intermediary",
    "consent_on",
    "consent_method",
    "consent_scope",
    "risk",
    "protective_measures",
    "proposed_by_partner_id",
    "external_ref",
    "notes",
)
# Fields someone may leave blank to keep what is on file without seeing it: the identity of a
# protected participant, the contacts for whoever may not see them.
KEEPABLE = ("name", "phone", "email", "intermediary")


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


def with_kept(fields: dict, participant: Participant, keep) -> dict:
    """`fields` where each of `keep` left blank takes the participant's value on file."""
    on_file = {
        "name": participant.protected_name,
        "phone": participant.phone,
        "email": participant.email,
        "intermediary": participant.intermediary,
    }
    out = dict(fields)
    for key in keep:
        if key in KEEPABLE and not (out.get(key) or "").strip():
            out[key] = on_file[key] or ""
    return out


def refuse_taken_reference(
    session: Session, *, partnership_id: int, external_ref: str | None, exclude_id: int | None
) -> None:
    if external_ref and session.scalar(
        select(Participant.id).where(
            Participant.partnership_id == partnership_id,
            Participant.external_ref == external_ref,
            Participant.id != (exclude_id or 0),
        )
    ):
        raise ServiceError(
            _l("Another participant already has this external reference."),
            field="external_ref",
        )


def find_duplicate(
    session: Session,
    *,
    partnership_id: int,
    name_hashes: list[str],
    locality: str,
    phone_hashes: list[str],
    exclude_ids: Collection[int | None] = (),
) -> Participant | None:
    """Another participant with the same phone, or the same name in the same locality.
    The hashes are every field key's (`FieldCipher.lookup_hashes`): rows keep an older key's
    until the key rotation is done."""
    query = select(Participant).where(
        Participant.partnership_id == partnership_id,
        Participant.id.not_in([pid for pid in exclude_ids if pid] or [0]),
    )
    if phone_hashes:
        same_phone = session.scalar(query.where(Participant.phone_hash.in_(phone_hashes)))
        if same_phone:
            return same_phone
    for candidate in session.scalars(query.where(Participant.name_hash.in_(name_hashes))):
        if candidate.locality.strip().lower() == locality.strip().lower():
            return candidate
    return None


def twin_of(
    session: Session, *, partnership_id: int, checked: dict, exclude_ids: Collection = ()
) -> Participant | None:
    """The participant already mapped that `checked` fields look like, if any, other than
    those of `exclude_ids` (the one being edited, one a facilitator said is someone else)."""
    cipher = field_cipher()
    return find_duplicate(
        session,
        partnership_id=partnership_id,
        name_hashes=cipher.lookup_hashes(normalise_name(checked["name"])),
        locality=checked["locality"],
        phone_hashes=cipher.lookup_hashes(checked["phone"]) if checked["phone"] else [],
        exclude_ids=exclude_ids,
    )


def apply_fields(session: Session, participant: Participant, checked: dict) -> bool:
    """Copy checked fields onto `participant`, hashing and protecting as its risk requires.
    True when this makes a participant already mapped protected."""
    cipher = field_cipher()
    was_protected = participant.id is None or participant.is_protected
    checked = dict(checked)
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
        if not was_protected or not participant.display_name:
            participant.display_name = pseudonym(session, participant.partnership_id)
    else:
        participant.display_name = name
    participant.sort_name = participant.display_name.lower()
    return not was_protected and participant.is_protected


def dump_typed(fields: dict) -> str:
    """What someone typed, as JSON, to be kept (encrypted) until a facilitator decides."""
    out = {key: fields.get(key) for key in FIELD_NAMES}
    if isinstance(out["consent_on"], date):
        out["consent_on"] = out["consent_on"].isoformat()
    out["keep"] = [key for key in fields.get("keep", ()) if key in KEEPABLE]
    return json.dumps(out, ensure_ascii=False)


def load_typed(text: str) -> dict:
    """The fields `dump_typed` kept, ready for `check_fields` again."""
    fields = json.loads(text or "{}")
    if fields.get("consent_on"):
        fields["consent_on"] = date.fromisoformat(fields["consent_on"])
    return fields
