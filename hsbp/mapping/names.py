"""How participants are told apart: normalised names and phones, and pseudonyms."""

from __future__ import annotations

import re
import secrets
import unicodedata

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from hsbp.errors import ServiceError
from hsbp.mapping.models import Participant
from hsbp.phones import e164

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


def pseudonym(session: Session, partnership_id: int) -> str:
    """A display name such as P-7KX3Q, unused in the partnership, that says nothing about
    the person."""
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
