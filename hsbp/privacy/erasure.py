"""Erasing a person on request: an SMS contact, a mapped participant or a complainant.

A facilitator erases within their partnership only. A contact leaves it (membership,
messages, answers, grievances); when no other partnership keeps the contact, the number
itself goes too (the contact row is pseudonymised: number blank, look-up hash random), and
the page never says which case it was, as that would tell of other partnerships. A contact
who asks by SMS is erased from every partnership (hsbp.privacy.erasure_sms).

Each erasure leaves an Erasure row (who, when, on what grounds, how many rows of each kind)
and, in each partnership it touched, earlier audit entries scrubbed of the person's name and
number and one "privacy.erase" entry on that row. The entry keeps the id of the contact,
participant or grievance: an id names nobody once the identity behind it is gone, and it
lets the page say that this person was erased already, and when.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import exists, or_, select
from sqlalchemy.orm import Session

from hsbp.auth.models import User
from hsbp.db import utcnow
from hsbp.grievances.models import Grievance
from hsbp.mapping.models import Participant
from hsbp.partnerships.models import Partnership
from hsbp.privacy import erasure_contact as contact_parts
from hsbp.privacy import erasure_grievances as grievance_parts
from hsbp.privacy import erasure_participant as participant_parts
from hsbp.privacy import erasure_record as record
from hsbp.privacy.erasure_common import Tally, erased_hash, needles, phone_forms
from hsbp.privacy.models import Erasure, Grounds, SubjectKind
from hsbp.sms import contacts
from hsbp.sms.models import (
    Contact,
    ContactMembership,
    InboundMessage,
    OutboundMessage,
)


@dataclass
class Plan:
    """What an erasure would remove ({kind: rows}), or when this person was erased."""

    counts: dict[str, int]
    erased_on: datetime | None = None
    # A participant's: what erasing the SMS contacts linked to it would remove as well.
    with_contacts: dict[str, int] = field(default_factory=dict)


# Contacts


def contact_of(session: Session, *, partnership_id: int, contact_id: int) -> Contact | None:
    """The contact, if the partnership holds anything of it or erased it: else None, as for a
    number it never knew (a facilitator reaches no other partnership's contacts)."""
    contact = session.get(Contact, contact_id)
    if contact is None:
        return None
    held = [
        exists().where(
            ContactMembership.contact_id == contact_id,
            ContactMembership.partnership_id == partnership_id,
        ),
        exists().where(
            InboundMessage.contact_id == contact_id, InboundMessage.partnership_id == partnership_id
        ),
        exists().where(
            OutboundMessage.contact_id == contact_id,
            OutboundMessage.partnership_id == partnership_id,
        ),
        exists().where(
            Grievance.contact_id == contact_id, Grievance.partnership_id == partnership_id
        ),
    ]
    if session.scalar(select(or_(*held))):
        return contact
    return (
        contact if record.erased_here(session, partnership_id, "contact_id", contact_id) else None
    )


def _keeps_contact_elsewhere(session: Session, contact: Contact, partnership_id: int) -> bool:
    return bool(
        session.scalar(
            select(
                exists().where(
                    ContactMembership.contact_id == contact.id,
                    ContactMembership.partnership_id != partnership_id,
                )
            )
        )
    )


def contact_scope(contact, partnership_id, *, stand_in, token, locale, keep=None, also=()):
    """One pass of a contact's erasure; `also`: more texts (a linked participant's name)
    that the texts staying must lose."""
    return contact_parts.ContactScope(
        contact=contact,
        partnership_id=partnership_id,
        stand_in=stand_in,
        token=token,
        locale=locale,
        searched=needles([*phone_forms(contact.phone), *also]),
        keep_outbound_id=keep,
    )


def contact_plan(session: Session, *, partnership: Partnership, contact: Contact) -> Plan:
    """What erasing the contact from the partnership would remove, or when it was."""
    if contact.erased_at is not None:
        return Plan({}, contact.erased_at)
    tally = Tally(dry=True, now=utcnow())
    scope = contact_scope(
        contact, partnership.id, stand_in=None, token="", locale=partnership.default_locale
    )
    contact_parts.erase_contact_rows(session, scope, tally)
    counts = {key: n for key, n in tally.counts.items() if n}
    if not counts:
        erased_on = record.erased_here(session, partnership.id, "contact_id", contact.id)
        if erased_on is not None:
            return Plan({}, erased_on)
    return Plan(counts)


def erase_contact(
    session: Session, *, actor: User, partnership: Partnership, contact: Contact, grounds: str
) -> Erasure:
    """Erase the contact from the partnership (see the module's note).

    Side effects: the rows of every table the contact appears in here, changed or deleted;
    when no other partnership keeps the contact, its number gone from the contact row and
    from every message it sent; earlier audit entries scrubbed; an Erasure row and its
    audit entry; after the commit, SQLite's log folded into the database file."""
    erasure = record.start(session, actor=actor, partnership=partnership, kind=SubjectKind.CONTACT)
    erasure.grounds = Grounds(grounds)
    tally = Tally(dry=False, now=erasure.created_at)
    texts = erase_contact_in(session, partnership=partnership, contact=contact, tally=tally)
    record.finish(
        session,
        erasure,
        partnership_id=partnership.id,
        counts=tally.counts,
        subject=("contact_id", contact.id),
        about=[("Contact", contact.id)],
        texts=texts,
    )
    return erasure


def erase_contact_in(
    session: Session, *, partnership: Partnership, contact: Contact, tally: Tally, also=()
) -> list[str]:
    """The contact's part of an erasure in one partnership (a participant's erasure may
    take its contact along, `also` holding its name). Returns the texts to scrub from the
    audit log."""
    texts = needles([*phone_forms(contact.phone), *also])
    whole = not _keeps_contact_elsewhere(session, contact, partnership.id)
    token = erased_hash()
    stand = contact.id if whole else contact_parts.stand_in(session).id
    for pid in (partnership.id, None) if whole else (partnership.id,):
        scope = contact_scope(
            contact, pid, stand_in=stand, token=token, locale=partnership.default_locale, also=also
        )
        contact_parts.erase_contact_rows(session, scope, tally)
    if whole:
        finish_number(session, contact=contact, token=token)
    return texts


def finish_number(session: Session, *, contact: Contact, token: str | None = None) -> None:
    """Remove the number from the contact row and every message it sent (see
    `erasure_contact.remove_number`) and mark the contact erased."""
    hashes = contacts.phone_hashes(contact.phone) if contact.phone else []
    contact_parts.remove_number(
        session, contact=contact, hashes=hashes, token=token or erased_hash()
    )
    contact.erased_at = utcnow()


# Participants


def participant_plan(
    session: Session, *, partnership: Partnership, participant: Participant
) -> Plan:
    if participant.erased_at is not None:
        return Plan({}, participant.erased_at)
    tally = Tally(dry=True, now=utcnow())
    participant_parts.erase_participant_rows(
        session, participant, tally=tally, locale=partnership.default_locale
    )
    participant_parts.unlink_contacts(session, participant, tally=tally)
    contacts_too = Counter()
    for member in participant_parts.linked_contacts(session, participant):
        contact = session.get(Contact, member.contact_id)
        contacts_too.update(contact_plan(session, partnership=partnership, contact=contact).counts)
    return Plan({key: n for key, n in tally.counts.items() if n}, with_contacts=dict(contacts_too))


def erase_participant(
    session: Session,
    *,
    actor: User,
    partnership: Partnership,
    participant: Participant,
    grounds: str,
    with_contacts: bool = False,
) -> Erasure:
    """Erase a mapped participant; with `with_contacts`, the SMS contacts linked to it too
    (as `erase_contact` would), else they stay contacts, unlinked.

    Side effects: as `erase_contact`, for the participant's rows (and its contacts')."""
    erasure = record.start(
        session, actor=actor, partnership=partnership, kind=SubjectKind.PARTICIPANT
    )
    erasure.grounds = Grounds(grounds)
    tally = Tally(dry=False, now=erasure.created_at)
    texts = participant_parts.participant_texts(participant)
    about = [("Participant", participant.id)]
    linked = participant_parts.linked_contacts(session, participant)
    if with_contacts:
        for member in linked:
            contact = session.get(Contact, member.contact_id)
            about.append(("Contact", contact.id))
            texts = erase_contact_in(
                session, partnership=partnership, contact=contact, tally=tally, also=texts
            )
    else:
        participant_parts.unlink_contacts(session, participant, tally=tally)
    participant_parts.erase_participant_rows(
        session, participant, tally=tally, locale=partnership.default_locale
    )
    record.finish(
        session,
        erasure,
        partnership_id=partnership.id,
        counts=tally.counts,
        subject=("participant_id", participant.id),
        about=about,
        texts=texts,
    )
    return erasure


# Complainants


def complainant_plan(session: Session, *, grievance: Grievance) -> Plan:
    removed = grievance.identity_removed_at
    if removed is not None and not grievance_parts.words_left(session, grievance):
        return Plan({}, removed)
    tally = Tally(dry=True, now=utcnow())
    _erase_complainant(session, grievance, tally)
    return Plan({key: n for key, n in tally.counts.items() if n})


def erase_complainant(
    session: Session, *, actor: User, partnership: Partnership, grievance: Grievance, grounds: str
) -> Erasure:
    """Remove who filed the grievance (see hsbp.privacy.erasure_grievances), and the
    grievance messages of their number in this partnership.

    Side effects: the grievance, its events' notes, those messages; earlier audit entries
    about the grievance scrubbed; an Erasure row and its audit entry."""
    erasure = record.start(
        session, actor=actor, partnership=partnership, kind=SubjectKind.COMPLAINANT
    )
    erasure.grounds = Grounds(grounds)
    tally = Tally(dry=False, now=erasure.created_at)
    texts = needles(grievance_parts.identity_texts(grievance))
    _erase_complainant(session, grievance, tally)
    record.finish(
        session,
        erasure,
        partnership_id=partnership.id,
        counts=tally.counts,
        subject=("grievance_id", grievance.id),
        about=[("Grievance", grievance.id)],
        texts=texts,
    )
    return erasure


def _erase_complainant(session: Session, grievance: Grievance, tally: Tally) -> None:
    made: list[Contact] = []

    def stand_in() -> Contact:
        if not made:
            made.append(contact_parts.stand_in(session))
        return made[0]

    grievance_parts.erase_grievance_messages(
        session, grievance, tally=tally, stand_in=stand_in, token=erased_hash()
    )
    grievance_parts.erase_grievance(session, grievance, tally=tally, searched=[])
