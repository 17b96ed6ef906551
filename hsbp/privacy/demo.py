"""The demo's erased contact: a community member who joined Caguán by SMS, wrote to the
inbox, and later asked the facilitator in person to be forgotten."""

from __future__ import annotations

from datetime import timedelta
from secrets import token_hex

from sqlalchemy.orm import Session

from hsbp.auth.models import User
from hsbp.db import utcnow
from hsbp.partnerships.models import Partnership
from hsbp.privacy import erasure
from hsbp.privacy.models import Grounds
from hsbp.sms import contacts
from hsbp.sms.models import InboundMessage

# A fictional number of the phone simulator's range: after the erasure nothing holds it.
ERASED_PHONE = "+573105550199"


def seed_erased_contact(session: Session, *, partnership: Partnership, facilitator: User) -> None:
    """Side effects: a contact who joined three weeks ago and wrote twice, then erased by
    the facilitator on the person's request (an Erasure row and its audit entry)."""
    joined = utcnow() - timedelta(days=21)
    contact = contacts.get_or_create_contact(session, ERASED_PHONE)
    contact.locale = "es"
    member = contacts.join(session, contact=contact, partnership_id=partnership.id, channel="sms")
    member.joined_at = member.confirmed_at = joined
    for days, body in (
        (20, "Buenas, ¿cuándo es la próxima reunión en La Esperanza?"),
        (6, "Ya no quiero recibir mensajes, borren mi número por favor."),
    ):
        session.add(
            InboundMessage(
                provider_sid=f"SMdemo{token_hex(14)}",
                from_phone=ERASED_PHONE,
                from_hash=contact.phone_hash,
                to_number="",
                body=body,
                received_at=utcnow() - timedelta(days=days),
                contact_id=contact.id,
                partnership_id=partnership.id,
                route="inbox",
                in_inbox=True,
                handled_at=utcnow() - timedelta(days=days - 1),
                handled_by_id=facilitator.id,
            )
        )
    session.flush()
    erasure.erase_contact(
        session,
        actor=facilitator,
        partnership=partnership,
        contact=contact,
        grounds=Grounds.PERSONS_REQUEST,
    )
