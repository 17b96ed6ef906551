"""What one partnership holds about one person: finding them (by phone number, contact or
participant) and counting what is held, kind by kind.

Everything here is scoped to the partnership in view. A number is found only through this
partnership's own records (its contact memberships, its mapped participants), so a number
that belongs to another partnership's contact answers exactly as a number never seen.
The clauses that say which rows are the person's are shared with the export
(hsbp.privacy.subject_parts), so the counts on the desk and the export always agree.

What is never linked to a person is never counted: answers to anonymous consultations,
anonymous grievances (their SMS contact is only a reply channel), pulse scores and comments
once sent, and messages of confidential conversations, whose time alone could tie the person
to an anonymous answer.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, false, func, or_, select
from sqlalchemy.orm import Session

from hsbp.community.models import Ballot, CheckAnswer
from hsbp.consent.models import Consent
from hsbp.consultations.models import Answer, Consultation, Participation, Response
from hsbp.errors import ServiceError
from hsbp.grievances.models import Grievance
from hsbp.mapping.models import Participant
from hsbp.monitoring.poll_models import PollReply
from hsbp.monitoring.pulse_models import PulseResponse, PulseTalk
from hsbp.monitoring.pulse_models import TalkState as PulseTalkState
from hsbp.partnerships.models import Partnership
from hsbp.phones import e164
from hsbp.privacy.models import SubjectKind
from hsbp.sms import contacts
from hsbp.sms.models import (
    ConsentEvent,
    Contact,
    ContactMembership,
    InboundMessage,
    MembershipStatus,
    OutboundMessage,
)

# The kinds the desk counts, in the order it lists them.
KINDS = (
    "messages",
    "consultation_answers",
    "consultations_asked",
    "grievances",
    "votes",
    "checks",
    "pulses",
    "poll_replies",
    "consents",
    "mapping_record",
)


@dataclass
class Subject:
    """A person as this partnership knows them: one SMS contact (a contact export) or one
    mapped participant with the contacts linked to it (a participant export)."""

    kind: str  # SubjectKind.CONTACT or SubjectKind.PARTICIPANT
    id: int
    partnership_id: int
    participant: Participant | None = None
    # (contact, its membership of this partnership)
    contacts: list[tuple[Contact, ContactMembership]] = field(default_factory=list)

    @property
    def contact_ids(self) -> list[int]:
        return [contact.id for contact, _member in self.contacts]

    @property
    def confirmed_contact_ids(self) -> list[int]:
        """Contacts who confirmed this partnership from their phone: only their events of no
        partnership (STOP, START) are theirs to show here, as on the contact list."""
        return [c.id for c, m in self.contacts if m.status == MembershipStatus.CONFIRMED]

    @property
    def protected(self) -> bool:
        return self.participant is not None and self.participant.is_protected


def _either(contact_column, participant_column, subject: Subject):
    """Rows of the subject's contacts or of its participant; never rows whose column is
    simply empty."""
    clauses = []
    if subject.contact_ids and contact_column is not None:
        clauses.append(contact_column.in_(subject.contact_ids))
    if subject.participant is not None and participant_column is not None:
        clauses.append(participant_column == subject.participant.id)
    return or_(*clauses) if clauses else false()


# Finding the person -----------------------------------------------------------------------


def find_by_phone(session: Session, *, partnership: Partnership, phone: str) -> Subject | None:
    """The contact of this partnership with this number, else the participant mapped here
    with it, else None: the same None for a number no one has and for one known only to
    other partnerships. Raises ServiceError when `phone` is no phone number."""
    number = e164(phone.strip(), region=partnership.country)
    if number is None:
        raise ServiceError(_l("This is not a phone number: %(value)s", value=phone), field="phone")
    hashes = contacts.phone_hashes(number)
    contact_id = session.scalar(
        select(Contact.id)
        .join(ContactMembership, ContactMembership.contact_id == Contact.id)
        .where(Contact.phone_hash.in_(hashes), ContactMembership.partnership_id == partnership.id)
    )
    if contact_id is not None:
        return for_contact(session, partnership_id=partnership.id, contact_id=contact_id)
    participant_id = session.scalar(
        select(Participant.id)
        .where(Participant.partnership_id == partnership.id, Participant.phone_hash.in_(hashes))
        .order_by(Participant.id)
    )
    if participant_id is not None:
        return for_participant(
            session, partnership_id=partnership.id, participant_id=participant_id
        )
    return None


def for_contact(session: Session, *, partnership_id: int, contact_id: int) -> Subject | None:
    """The contact as this partnership knows it, with the participant it is linked to here;
    None when the contact is no member of this partnership."""
    row = session.execute(
        select(Contact, ContactMembership, Participant)
        .join(ContactMembership, ContactMembership.contact_id == Contact.id)
        .outerjoin(
            Participant,
            and_(
                Participant.id == ContactMembership.participant_id,
                Participant.partnership_id == partnership_id,
            ),
        )
        .where(Contact.id == contact_id, ContactMembership.partnership_id == partnership_id)
    ).first()
    if row is None:
        return None
    contact, member, participant = row
    return Subject(
        kind=SubjectKind.CONTACT,
        id=contact.id,
        partnership_id=partnership_id,
        participant=participant,
        contacts=[(contact, member)],
    )


def for_participant(
    session: Session, *, partnership_id: int, participant_id: int
) -> Subject | None:
    """The participant mapped in this partnership with every contact linked to it here;
    None when no such participant is mapped here."""
    participant = session.scalar(
        select(Participant).where(
            Participant.id == participant_id, Participant.partnership_id == partnership_id
        )
    )
    if participant is None:
        return None
    linked = session.execute(
        select(Contact, ContactMembership)
        .join(ContactMembership, ContactMembership.contact_id == Contact.id)
        .where(
            ContactMembership.partnership_id == partnership_id,
            ContactMembership.participant_id == participant.id,
        )
        .order_by(Contact.id)
    ).all()
    return Subject(
        kind=SubjectKind.PARTICIPANT,
        id=participant.id,
        partnership_id=partnership_id,
        participant=participant,
        contacts=[(contact, member) for contact, member in linked],
    )


# Which rows are the person's ------------------------------------------------------------


def inbound_scope(subject: Subject) -> list:
    return [
        InboundMessage.partnership_id == subject.partnership_id,
        InboundMessage.contact_id.in_(subject.contact_ids),
        InboundMessage.confidential.is_(False),
    ]


def outbound_scope(subject: Subject) -> list:
    return [
        OutboundMessage.partnership_id == subject.partnership_id,
        OutboundMessage.contact_id.in_(subject.contact_ids),
        OutboundMessage.confidential.is_(False),
    ]


def response_scope(subject: Subject) -> list:
    """Responses that carry the person's identity: never an anonymous consultation's (which
    carry none; checked on the consultation too, should a row ever say otherwise)."""
    return [
        Consultation.partnership_id == subject.partnership_id,
        Consultation.anonymous.is_(False),
        _either(Response.contact_id, Response.participant_id, subject),
    ]


def participation_scope(subject: Subject) -> list:
    return [
        Consultation.partnership_id == subject.partnership_id,
        _either(Participation.contact_id, None, subject),
    ]


def grievance_scope(subject: Subject) -> list:
    """Grievances the person filed by SMS, not anonymously: an anonymous one keeps its
    contact only to answer it, never as who filed it."""
    return [
        Grievance.partnership_id == subject.partnership_id,
        Grievance.anonymous.is_(False),
        _either(Grievance.contact_id, None, subject),
    ]


def ballot_scope(subject: Subject) -> list:
    return [
        Ballot.partnership_id == subject.partnership_id,
        _either(Ballot.contact_id, None, subject),
    ]


def check_answer_scope(subject: Subject) -> list:
    return [
        CheckAnswer.partnership_id == subject.partnership_id,
        _either(CheckAnswer.contact_id, None, subject),
    ]


def poll_reply_scope(subject: Subject) -> list:
    return [
        PollReply.partnership_id == subject.partnership_id,
        _either(PollReply.contact_id, None, subject),
    ]


def pulse_response_scope(subject: Subject) -> list:
    return [
        PulseResponse.partnership_id == subject.partnership_id,
        _either(PulseResponse.contact_id, None, subject),
    ]


def pulse_talk_scope(subject: Subject) -> list:
    """Conversations under way: their answers wait there, still the person's, until the
    conversation ends and they become anonymous scores."""
    return [
        PulseTalk.partnership_id == subject.partnership_id,
        PulseTalk.state == PulseTalkState.IN_PROGRESS,
        _either(PulseTalk.contact_id, None, subject),
    ]


def consent_event_scope(subject: Subject) -> list:
    confirmed = subject.confirmed_contact_ids
    return [
        ConsentEvent.contact_id.in_(subject.contact_ids),
        or_(
            ConsentEvent.partnership_id == subject.partnership_id,
            and_(
                ConsentEvent.partnership_id.is_(None),
                ConsentEvent.contact_id.in_(confirmed) if confirmed else false(),
            ),
        ),
    ]


def consent_scope(subject: Subject) -> list:
    return [
        Consent.partnership_id == subject.partnership_id,
        _either(Consent.contact_id, Consent.participant_id, subject),
    ]


# Counting -------------------------------------------------------------------------------


def _count(session: Session, model, clauses: list, *joins) -> int:
    query = select(func.count()).select_from(model)
    for target, on in joins:
        query = query.join(target, on)
    return session.scalar(query.where(*clauses)) or 0


def counts(session: Session, *, subject: Subject, with_grievances: bool) -> dict[str, int | None]:
    """{kind: how many rows} of KINDS; grievances are None unless `with_grievances` (only a
    grievance officer may learn who filed one). One statement per kind, whatever the
    numbers."""
    consultation = (Consultation, Consultation.id == Response.consultation_id)
    return {
        "messages": _count(session, InboundMessage, inbound_scope(subject))
        + _count(session, OutboundMessage, outbound_scope(subject)),
        "consultation_answers": _count(
            session,
            Answer,
            response_scope(subject),
            (Response, Response.id == Answer.response_id),
            consultation,
        ),
        "consultations_asked": _count(
            session,
            Participation,
            participation_scope(subject),
            (Consultation, Consultation.id == Participation.consultation_id),
        ),
        "grievances": (
            _count(session, Grievance, grievance_scope(subject)) if with_grievances else None
        ),
        "votes": _count(session, Ballot, ballot_scope(subject)),
        "checks": _count(session, CheckAnswer, check_answer_scope(subject)),
        "pulses": _count(session, PulseResponse, pulse_response_scope(subject))
        + _count(session, PulseTalk, pulse_talk_scope(subject)),
        "poll_replies": _count(session, PollReply, poll_reply_scope(subject)),
        "consents": _count(session, ConsentEvent, consent_event_scope(subject))
        + _count(session, Consent, consent_scope(subject)),
        "mapping_record": 1 if subject.participant is not None else 0,
    }
