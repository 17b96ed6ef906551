"""The demo's facilitator on the record: Lucía's profile in the Caguán partnership."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from hsbp.auth.models import User
from hsbp.partnerships import profiles
from hsbp.partnerships.models import Membership, Partnership

ORGANISATION = "Programa de las Naciones Unidas para el Desarrollo (PNUD), Colombia"
NEUTRALITY = {
    "es": (
        "Facilito por encargo de la Oficina del PNUD en Florencia. No represento a la empresa, "
        "al gobierno ni a ninguna organización de la comunidad, y no tomo parte en sus "
        "decisiones: mi papel es que cada parte sea escuchada y que los acuerdos se cumplan."
    ),
    "en": (
        "I facilitate for the UNDP office in Florencia. I represent neither the company, the "
        "government nor any community organisation, and I take no part in their decisions: "
        "my role is that every partner is heard and that agreements are kept."
    ),
}
INTERESTS = {
    "es": (
        "El PNUD cofinancia la secretaría técnica de la alianza. No tengo vínculos familiares "
        "ni comerciales con ningún socio."
    ),
    "en": (
        "UNDP co-funds the partnership's technical secretariat. I have no family or business "
        "ties with any partner."
    ),
}


def seed_profiles(session: Session, *, partnership: Partnership, facilitator: User) -> None:
    """Write the facilitator's profile (side effects as `profiles.save_profile`)."""
    membership = session.scalar(
        select(Membership).where(
            Membership.partnership_id == partnership.id, Membership.user_id == facilitator.id
        )
    )
    profiles.save_profile(
        session,
        actor=facilitator,
        membership=membership,
        partnership=partnership,
        organisation=ORGANISATION,
        neutrality=NEUTRALITY,
        interests=INTERESTS,
    )
