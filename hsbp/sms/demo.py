"""The demo's SMS setup: the Caguán partnership's sender and code, and contacts who joined."""

from __future__ import annotations

from sqlalchemy.orm import Session

from hsbp.sms import contacts

DEMO_SENDER = "+15005550006"


def seed_sms(session: Session, *, partnership, other_partnership, participants) -> None:
    """DEMO and ZENICA share one number, as partnerships may; mapped participants with a
    phone and written consent are contacts of Caguán, in Spanish."""
    contacts.configure_sender(
        session, partnership_id=partnership.id, sender=DEMO_SENDER, join_code="DEMO"
    )
    contacts.configure_sender(
        session, partnership_id=other_partnership.id, sender=DEMO_SENDER, join_code="ZENICA"
    )
    for participant in participants:
        if not participant.phone or participant.consent_method != "written":
            continue
        contact = contacts.get_or_create_contact(session, participant.phone)
        contact.locale = "es"
        contacts.join(
            session,
            contact=contact,
            partnership_id=partnership.id,
            channel="import",
            participant_id=participant.id,
            note="Consentimiento escrito en el mapeo",
        )
