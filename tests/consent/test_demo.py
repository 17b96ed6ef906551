"""The demo's people hold the consents they gave: its SMS still go, none is withheld."""

from sqlalchemy import func, select

from hsbp import demo
from hsbp.consent.models import Consent
from hsbp.mapping.models import Participant
from hsbp.sms.models import ContactMembership, OutboundMessage


def test_the_demo_withholds_no_message_and_records_what_people_agreed_to(session):
    demo.seed_if_empty(session)
    statuses = session.scalars(select(OutboundMessage.status).distinct()).all()
    assert statuses and "withheld" not in statuses
    given = {
        (row.partnership_id, row.contact_id, row.participant_id, row.purpose)
        for row in session.scalars(select(Consent).where(Consent.granted.is_(True)))
    }
    members = session.execute(
        select(
            ContactMembership.partnership_id,
            ContactMembership.contact_id,
            ContactMembership.wants_updates,
        ).where(ContactMembership.status == "confirmed")
    ).all()
    mapped = session.execute(
        select(Participant.partnership_id, Participant.id).where(
            Participant.consent_on.is_not(None)
        )
    ).all()
    assert len(members) == 8 and sum(m.wants_updates for m in members) == 6
    assert given == {
        *((m.partnership_id, m.contact_id, None, "consultations") for m in members),
        *((m.partnership_id, m.contact_id, None, "grievance_follow_up") for m in members),
        *((m.partnership_id, m.contact_id, None, "news") for m in members if m.wants_updates),
        *((pid, None, participant_id, "consultations") for pid, participant_id in mapped),
    }
    assert session.scalar(select(func.count()).select_from(Consent)) == len(given)
