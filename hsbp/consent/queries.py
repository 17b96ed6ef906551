"""What the consent pages read: the person in view, their consent to each purpose, and the
history of its changes from the audit log. Reads only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from hsbp import db
from hsbp.audit import AuditEntry
from hsbp.consent import rules, services
from hsbp.consent.labels import CAUSE_LABELS, CHANNEL_LABELS, PURPOSE_HINTS, PURPOSE_LABELS
from hsbp.consent.models import Consent, Purpose
from hsbp.db import utcnow
from hsbp.mapping.models import Participant, Risk
from hsbp.sms.admin_common import display_phone
from hsbp.sms.models import Contact, ContactMembership

HISTORY_LIMIT = 100


@dataclass
class PurposeRow:
    """One purpose as a person's page shows it."""

    purpose: Purpose
    consent: Consent | None
    state: str  # granted, withdrawn, expired or none (hsbp.consent.labels.STATE_LABELS)

    @property
    def label(self):
        return PURPOSE_LABELS[self.purpose]

    @property
    def hint(self):
        return PURPOSE_HINTS[self.purpose]

    @property
    def channel_label(self):
        return (
            CHANNEL_LABELS.get(self.consent.channel, self.consent.channel) if self.consent else ""
        )


def summary(
    session: Session, *, partnership_id: int, contact_id=None, participant_id=None
) -> list[PurposeRow]:
    """Each purpose, in a fixed order, with the person's consent to it if any."""
    found = services.current(
        session,
        partnership_id=partnership_id,
        contact_id=contact_id,
        participant_id=participant_id,
    )
    today = utcnow().date()
    return [PurposeRow(p, found.get(p), state_of(found.get(p), today)) for p in Purpose]


def state_of(consent: Consent | None, today: date) -> str:
    if consent is None:
        return "none"
    if not consent.granted:
        return "withdrawn"
    if rules.expired(granted=True, expires_on=consent.expires_on, today=today):
        return "expired"
    return "granted"


def participant_summary(participant: Participant) -> list[PurposeRow]:
    """The template global the participant page includes (for facilitators only)."""
    return summary(
        db.session(), partnership_id=participant.partnership_id, participant_id=participant.id
    )


@dataclass
class ContactInView:
    contact: Contact
    membership: ContactMembership
    participant_id: int | None
    participant_name: str | None
    protected: bool

    def phone(self, *, masked: bool) -> str:
        """The number as the contact list shows it to the same reader."""
        return display_phone(self.contact.phone, hidden=self.protected or masked)


def contact_in(session: Session, *, partnership_id: int, contact_id: int) -> ContactInView | None:
    """The contact if it has a place in this partnership (whatever its state), else None:
    a contact of other partnerships only is no contact here."""
    row = session.execute(
        select(ContactMembership, Contact, Participant.display_name, Participant.risk)
        .join(Contact, Contact.id == ContactMembership.contact_id)
        .outerjoin(Participant, Participant.id == ContactMembership.participant_id)
        .where(
            ContactMembership.partnership_id == partnership_id,
            ContactMembership.contact_id == contact_id,
        )
    ).first()
    if row is None:
        return None
    member, contact, name, risk = row
    return ContactInView(
        contact=contact,
        membership=member,
        participant_id=member.participant_id if name else None,
        participant_name=name,
        protected=risk == Risk.HIGH,
    )


def participant_in(session: Session, *, partnership_id: int, participant_id: int):
    return session.scalar(
        select(Participant).where(
            Participant.id == participant_id, Participant.partnership_id == partnership_id
        )
    )


@dataclass
class Change:
    """One change of a consent, as its audit entry tells it."""

    at: datetime
    actor: object  # a User, or None for the person's own SMS and the system
    purpose: str
    granted: bool
    channel: str
    given_on: str | None
    expires_on: str | None
    cause: str

    @property
    def purpose_label(self):
        return PURPOSE_LABELS.get(self.purpose, self.purpose)

    @property
    def channel_label(self):
        return CHANNEL_LABELS.get(self.channel, self.channel)

    @property
    def cause_label(self):
        return CAUSE_LABELS.get(self.cause, "")

    @property
    def given_day(self) -> date | None:
        return _day(self.given_on)

    @property
    def expires_day(self) -> date | None:
        return _day(self.expires_on)


def history(session: Session, *, partnership_id: int, rows: list[PurposeRow]) -> list[Change]:
    """The latest changes of these consents, newest first."""
    ids = [row.consent.id for row in rows if row.consent is not None]
    if not ids:
        return []
    entries = session.scalars(
        select(AuditEntry)
        .where(
            AuditEntry.partnership_id == partnership_id,
            AuditEntry.object_type == Consent.__name__,
            AuditEntry.object_id.in_(ids),
            AuditEntry.action.in_((services.GRANT, services.WITHDRAW)),
        )
        .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
        .limit(HISTORY_LIMIT)
    ).all()
    return [
        Change(
            at=entry.created_at,
            actor=entry.actor,
            purpose=str(entry.details.get("purpose", "")),
            granted=entry.action == services.GRANT,
            channel=str(entry.details.get("channel", "")),
            given_on=entry.details.get("given_on"),
            expires_on=entry.details.get("expires_on"),
            cause=str(entry.details.get("cause", "")),
        )
        for entry in entries
    ]


def _day(value) -> date | None:
    try:
        return date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None
