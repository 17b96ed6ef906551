"""Facilitators' SMS contacts: the sender; list, search, add, import, link to participants."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session, load_only

from hsbp import audit
from hsbp.audit import ACTION_LABELS
from hsbp.auth.models import User
from hsbp.errors import ServiceError
from hsbp.i18n import UI_LOCALE_CODES
from hsbp.mapping import queries
from hsbp.mapping.labels import CONSENT_METHOD_LABELS
from hsbp.mapping.models import Participant, Risk
from hsbp.partnerships.models import Membership, Partnership
from hsbp.phones import e164
from hsbp.sms import contacts, router
from hsbp.sms.admin_common import PER_PAGE, display_phone
from hsbp.sms.models import (
    ConsentEvent,
    Contact,
    ContactMembership,
    InboundMessage,
    SmsSettings,
)

ACTION_LABELS.update(
    {
        "sms.settings": _l("SMS sender changed"),
        "sms_contact.create": _l("SMS contact added by hand"),
        "sms_contact.import": _l("SMS contacts imported from the register"),
        "sms_contact.link": _l("SMS contact linked to a participant"),
    }
)


def _chunks(items: list, size: int = 500):
    for start in range(0, len(items), size):
        yield items[start : start + size]


# The sender


def save_settings(
    session: Session, *, actor: User, partnership: Partnership, sender: str, join_code: str
) -> SmsSettings:
    """Set the partnership's sender and join code. Side effects: the row and an audit entry."""
    before = contacts.settings_of(session, partnership.id)
    old = (before.sender, before.join_code) if before else (None, None)
    settings = contacts.configure_sender(
        session, partnership_id=partnership.id, sender=sender, join_code=join_code
    )
    audit.record(
        session,
        actor_id=actor.id,
        action="sms.settings",
        obj=settings,
        partnership_id=partnership.id,
        details={"sender": [old[0], settings.sender], "join_code": [old[1], settings.join_code]},
    )
    return settings


# Contacts


def phone_lookup(raw: str, *, country: str) -> str:
    """The keyed hash a typed number (national or international format) is stored under."""
    number = e164(raw.strip(), region=country)
    if number is None:
        raise ServiceError(_l("This is not a phone number: %(value)s", value=raw), field="q")
    return contacts.phone_hash(number)


@dataclass
class ContactFilter:
    phone_hash: str | None = None
    state: str = ""  # "in" or "out"
    locale: str = ""  # a language code, or "none"

    def where(self, partnership_id: int) -> list:
        clauses = [ContactMembership.partnership_id == partnership_id]
        if self.phone_hash:
            clauses.append(Contact.phone_hash == self.phone_hash)
        if self.state in ("in", "out"):
            clauses.append(Contact.opted_out.is_(self.state == "out"))
        if self.locale == "none":
            clauses.append(Contact.locale.is_(None))
        elif self.locale:
            clauses.append(Contact.locale == self.locale)
        return clauses


@dataclass
class ContactRow:
    contact: Contact
    membership: ContactMembership
    participant_id: int | None
    participant_name: str | None
    protected: bool
    consent: ConsentEvent | None = None
    partnerships: list[str] = field(default_factory=list)  # those the reader is a member of
    other_partnerships: int = 0

    @property
    def phone(self) -> str:
        return display_phone(self.contact.phone, hidden=self.protected)


def list_contacts(
    session: Session, *, partnership_id: int, viewer_id: int, filters: ContactFilter, page: int = 1
) -> tuple[list[ContactRow], int]:
    """One page of the partnership's contacts, newest first, and how many match; four
    statements whatever the page holds."""
    clauses = filters.where(partnership_id)
    base = select(ContactMembership).join(Contact, Contact.id == ContactMembership.contact_id)
    total = session.scalar(select(func.count()).select_from(base.where(*clauses).subquery()))
    found = session.execute(
        select(ContactMembership, Contact, Participant.display_name, Participant.risk)
        .join(Contact, Contact.id == ContactMembership.contact_id)
        .outerjoin(Participant, Participant.id == ContactMembership.participant_id)
        .where(*clauses)
        .order_by(ContactMembership.joined_at.desc(), ContactMembership.id.desc())
        .limit(PER_PAGE)
        .offset((max(page, 1) - 1) * PER_PAGE)
    ).all()
    rows = [
        ContactRow(
            contact=contact,
            membership=member,
            participant_id=member.participant_id if name else None,
            participant_name=name,
            protected=risk == Risk.HIGH,
        )
        for member, contact, name, risk in found
    ]
    ids = [row.contact.id for row in rows]
    if ids:
        latest = (
            select(func.max(ConsentEvent.id))
            .where(
                ConsentEvent.contact_id.in_(ids),
                or_(
                    ConsentEvent.partnership_id == partnership_id,
                    ConsentEvent.partnership_id.is_(None),
                ),
            )
            .group_by(ConsentEvent.contact_id)
        )
        events = {
            e.contact_id: e
            for e in session.scalars(select(ConsentEvent).where(ConsentEvent.id.in_(latest)))
        }
        shared = session.execute(
            select(ContactMembership.contact_id, Partnership.name, Membership.id)
            .join(Partnership, Partnership.id == ContactMembership.partnership_id)
            .outerjoin(
                Membership,
                and_(
                    Membership.partnership_id == ContactMembership.partnership_id,
                    Membership.user_id == viewer_id,
                ),
            )
            .where(ContactMembership.contact_id.in_(ids))
            .order_by(Partnership.name)
        ).all()
        by_id = {row.contact.id: row for row in rows}
        for contact_id, name, member_id in shared:
            # Partnerships the reader does not belong to are counted, never named.
            if member_id is None:
                by_id[contact_id].other_partnerships += 1
            else:
                by_id[contact_id].partnerships.append(name)
        for row in rows:
            row.consent = events.get(row.contact.id)
    return rows, total or 0


def _participant_by_name(session: Session, partnership_id: int, name: str, field_name: str):
    try:
        return queries.by_display_name(session, partnership_id=partnership_id, name=name)
    except ServiceError as error:
        raise ServiceError(error.message, field=field_name) from error


def add_contact(
    session: Session,
    *,
    actor: User,
    partnership: Partnership,
    phone: str,
    locale: str,
    consent_note: str,
    participant_name: str = "",
) -> Contact:
    """Add a contact by hand, with the consent a facilitator obtained outside SMS.

    A number that sent STOP is refused: only its owner can restart messages (with START).
    The contact's own language choice is kept; `locale` applies to new contacts.
    Side effects: contact, membership and consent rows; an audit entry.
    """
    number = e164(phone.strip(), region=partnership.country)
    if number is None:
        raise ServiceError(_l("This is not a phone number: %(value)s", value=phone), field="phone")
    note = consent_note.strip()
    if not note:
        raise ServiceError(_l("Say how and when consent was obtained."), field="consent_note")
    if locale and locale not in router.sms_locales(partnership):
        raise ServiceError(_l("Choose a language from the list."), field="locale")
    participant = None
    if participant_name.strip():
        participant = _participant_by_name(session, partnership.id, participant_name, "participant")
    contact = contacts.find_contact(session, number)
    if contact is not None:
        if contacts.membership(session, contact=contact, partnership_id=partnership.id):
            raise ServiceError(
                _l("This number is already a contact of the partnership."), field="phone"
            )
        if contact.opted_out:
            raise ServiceError(
                _l("This number sent STOP. Only its owner can restart messages, by sending START."),
                field="phone",
            )
    contact = contact or contacts.get_or_create_contact(session, number)
    contact.locale = contact.locale or locale or None
    contacts.join(
        session,
        contact=contact,
        partnership_id=partnership.id,
        channel="web",
        user_id=actor.id,
        participant_id=participant.id if participant else None,
        note=note,
    )
    audit.record(
        session,
        actor_id=actor.id,
        action="sms_contact.create",
        obj=contact,
        partnership_id=partnership.id,
        details={"participant": participant.display_name if participant else None},
    )
    return contact


@dataclass
class ImportPlan:
    """What importing the register would do: who is added, who is skipped and why."""

    new: list[Participant] = field(default_factory=list)
    existing: int = 0
    opted_out: int = 0
    without_consent: int = 0


def plan_import(session: Session, *, partnership_id: int) -> ImportPlan:
    """Participants with a phone and recorded consent who are not contacts of the partnership
    yet; numbers that sent STOP are skipped. Reads only."""
    plan = ImportPlan()
    participants = session.scalars(
        select(Participant)
        .where(Participant.partnership_id == partnership_id, Participant.phone_hash.is_not(None))
        .order_by(Participant.sort_name, Participant.id)
    ).all()
    hashes = [p.phone_hash for p in participants]
    known: dict[str, Contact] = {}
    members: set[int] = set()
    for chunk in _chunks(hashes):
        found = session.scalars(
            select(Contact)
            .options(load_only(Contact.id, Contact.phone_hash, Contact.opted_out))
            .where(Contact.phone_hash.in_(chunk))
        ).all()
        known.update({c.phone_hash: c for c in found})
        members.update(
            session.scalars(
                select(ContactMembership.contact_id).where(
                    ContactMembership.partnership_id == partnership_id,
                    ContactMembership.contact_id.in_([c.id for c in found]),
                )
            )
        )
    seen: set[str] = set()
    for participant in participants:
        contact = known.get(participant.phone_hash)
        if participant.consent_on is None:
            plan.without_consent += 1
        elif (contact is not None and contact.id in members) or participant.phone_hash in seen:
            plan.existing += 1
        elif contact is not None and contact.opted_out:
            plan.opted_out += 1
        else:
            plan.new.append(participant)
        seen.add(participant.phone_hash)
    return plan


def _consent_note(participant: Participant, locale: str) -> str:
    """The register's consent as a note, in the partnership's language (it is a record)."""
    method = CONSENT_METHOD_LABELS.get(participant.consent_method)
    if method is None:
        return participant.consent_on.isoformat()
    with force_locale(locale if locale in UI_LOCALE_CODES else "en"):
        return f"{participant.consent_on.isoformat()} · {method}"


def import_from_register(session: Session, *, actor: User, partnership: Partnership) -> ImportPlan:
    """Make contacts of the register's participants with a phone and consent, linked to them.

    Side effects: contact, membership and consent rows (channel "import"); an audit entry.
    """
    plan = plan_import(session, partnership_id=partnership.id)
    languages = router.sms_locales(partnership)
    for participant in plan.new:
        contact = contacts.get_or_create_contact(session, participant.phone)
        if contact.locale is None:
            contact.locale = next((c for c in participant.languages if c in languages), None)
        contacts.join(
            session,
            contact=contact,
            partnership_id=partnership.id,
            channel="import",
            user_id=actor.id,
            participant_id=participant.id,
            note=_consent_note(participant, partnership.default_locale),
        )
    audit.record(
        session,
        actor_id=actor.id,
        action="sms_contact.import",
        obj=partnership,
        partnership_id=partnership.id,
        details={
            "added": len(plan.new),
            "existing": plan.existing,
            "opted_out": plan.opted_out,
            "without_consent": plan.without_consent,
        },
    )
    return plan


def link_participant(
    session: Session, *, actor: User, partnership: Partnership, message: InboundMessage, name: str
) -> Participant:
    """Link the sender of a message to the participant shown under `name` in the register.

    Side effects: the contact's membership row, an audit entry.
    """
    member = None
    if message.contact_id is not None:
        member = contacts.membership(
            session, contact=message.contact, partnership_id=partnership.id
        )
    if member is None:
        raise ServiceError(_l("This number has not joined the partnership."), field="target")
    participant = _participant_by_name(session, partnership.id, name, "target")
    member.participant_id = participant.id
    audit.record(
        session,
        actor_id=actor.id,
        action="sms_contact.link",
        obj=member,
        partnership_id=partnership.id,
        details={"participant": participant.display_name},
    )
    return participant
