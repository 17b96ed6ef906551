"""The demo's SMS setup: the Caguán partnership's sender and code, and its contacts: those
who confirmed by SMS, and one still pending, so a trainee sees both states."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session

from hsbp.db import utcnow
from hsbp.sms import confirmation, contacts, sending, texts
from hsbp.sms.models import OutboundStatus

DEMO_SENDER = "+15005550006"


def seed_sms(session: Session, *, partnership, other_partnership, participants) -> None:
    """DEMO and ZENICA share one number, as partnerships may (a site administrator set it
    up). Mapped participants with a phone and written consent were imported as contacts of
    Caguán, in Spanish, and asked to confirm: all answered YES but the last, whose question
    went out two days ago and who has not answered yet."""
    contacts.configure_sender(
        session, partnership_id=partnership.id, sender=DEMO_SENDER, join_code="DEMO"
    )
    contacts.configure_sender(
        session,
        partnership_id=other_partnership.id,
        sender=DEMO_SENDER,
        join_code="ZENICA",
        may_share=True,
    )
    written = [p for p in participants if p.phone and p.consent_method == "written"]
    asked_at = utcnow() - timedelta(days=2)
    for index, participant in enumerate(written):
        contact = contacts.get_or_create_contact(session, participant.phone)
        contact.locale = "es"
        member = contacts.add_pending(
            session,
            contact=contact,
            partnership_id=partnership.id,
            channel="import",
            participant_id=participant.id,
            note="Consentimiento escrito en el mapeo",
        )
        # The question as sent (recorded, not sent again): a YES from the phone simulator
        # answers it.
        member.asks, member.asked_at = 1, asked_at
        question = sending.make_outbound(
            session,
            contact=contact,
            body=texts.with_name(
                confirmation.language_for(session, contact, partnership),
                "invitation",
                partnership.name,
            ),
            sender=DEMO_SENDER,
            kind=contacts.INVITATION_KIND,
            partnership_id=partnership.id,
            status=OutboundStatus.DELIVERED,
        )
        question.created_at = question.sent_at = asked_at
        if index < len(written) - 1:
            contacts.answer_invitation(session, contact=contact, member=member, yes=True)
