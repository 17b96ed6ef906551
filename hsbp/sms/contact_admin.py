"""Facilitators' SMS contacts: the sender; list, search, add, link to participants.

A number a facilitator adds (or imports: hsbp.sms.contact_import) is a pending contact
until the person answers the partnership's question with YES (hsbp.sms.confirmation).
Nothing here tells whether a number is known to other partnerships or sent STOP: adding it
looks exactly like adding a number never seen, and a contact not confirmed here shows only
what this partnership recorded.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from hsbp import audit
from hsbp.audit import ACTION_LABELS
from hsbp.auth.models import User
from hsbp.errors import ServiceError
from hsbp.mapping import picking
from hsbp.mapping.models import Participant, Risk
from hsbp.partnerships.models import Membership, Partnership
from hsbp.phones import e164
from hsbp.sms import confirmation, contacts, router
from hsbp.sms.admin_common import PER_PAGE, display_phone
from hsbp.sms.models import (
    ConsentEvent,
    Contact,
    ContactMembership,
    InboundMessage,
    MembershipStatus,
    SmsSettings,
)

ACTION_LABELS.update(
    {
        "sms.settings": _l("SMS sender changed"),
        "sms_contact.create": _l("SMS contact added by hand"),
        "sms_contact.link": _l("SMS contact linked to a participant"),
    }
)


# The sender


def save_settings(
    session: Session, *, actor: User, partnership: Partnership, sender: str, join_code: str
) -> SmsSettings:
    """Set the partnership's sender and join code; only a site administrator may give it a
    sender another partnership uses. Side effects: the row and an audit entry."""
    before = contacts.settings_of(session, partnership.id)
    old = (before.sender, before.join_code) if before else (None, None)
    settings = contacts.configure_sender(
        session,
        partnership_id=partnership.id,
        sender=sender,
        join_code=join_code,
        may_share=actor.is_site_admin,
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


def sender_shared_with(session: Session, *, partnership_id: int, viewer: User) -> list[str] | None:
    """The names of the other partnerships on this partnership's sender, for a site
    administrator; None for anyone else, who is told nothing of other partnerships."""
    if not viewer.is_site_admin:
        return None
    settings = contacts.settings_of(session, partnership_id)
    if settings is None:
        return []
    ids = contacts.shared_with(session, settings.sender, partnership_id)
    if not ids:
        return []
    return list(
        session.scalars(
            select(Partnership.name).where(Partnership.id.in_(ids)).order_by(Partnership.name)
        )
    )


# Contacts


def phone_lookup(raw: str, *, country: str) -> list[str]:
    """The keyed hashes a typed number (national or international format) may be stored
    under: one per field key, as rows keep an older key's until the key rotation is done."""
    number = e164(raw.strip(), region=country)
    if number is None:
        raise ServiceError(_l("This is not a phone number: %(value)s", value=raw), field="q")
    return contacts.phone_hashes(number)


# What the list shows of a contact: "stopped" is a confirmed contact who sent STOP since.
STATES = ("confirmed", "pending", "declined", "stopped")


@dataclass
class ContactFilter:
    phone_hashes: list[str] | None = None
    state: str = ""  # one of STATES
    locale: str = ""  # a language code, or "none"

    def where(self, partnership_id: int) -> list:
        clauses = [ContactMembership.partnership_id == partnership_id]
        if self.phone_hashes:
            clauses.append(Contact.phone_hash.in_(self.phone_hashes))
        if self.state in ("pending", "declined"):
            clauses.append(ContactMembership.status == self.state)
        elif self.state in ("confirmed", "stopped"):
            clauses += [contacts.confirmed(), Contact.opted_out.is_(self.state == "stopped")]
        if self.locale:
            # A language is shown, and so filtered, only for contacts who confirmed here:
            # another's may come from another partnership.
            clauses.append(contacts.confirmed())
            if self.locale == "none":
                clauses.append(Contact.locale.is_(None))
            else:
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
    # Partnerships the reader is a member of that this confirmed contact confirmed too.
    partnerships: list[str] = field(default_factory=list)
    # The reader may not see numbers (a co-facilitator from the community side).
    masked: bool = False

    @property
    def phone(self) -> str:
        return display_phone(self.contact.phone, hidden=self.protected or self.masked)

    @property
    def confirmed(self) -> bool:
        return self.membership.status == MembershipStatus.CONFIRMED

    @property
    def state(self) -> str:
        if self.confirmed:
            return "stopped" if self.contact.opted_out else "confirmed"
        return self.membership.status

    @property
    def asking(self) -> confirmation.AskState:
        return confirmation.ask_state(self.membership)


def list_contacts(
    session: Session, *, partnership_id: int, viewer_id: int, filters: ContactFilter, page: int = 1
) -> tuple[list[ContactRow], int]:
    """One page of the partnership's contacts, newest first, and how many match; four
    statements whatever the page holds. A contact not confirmed here comes with this
    partnership's own consent events only, and no other partnership."""
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
    # STOP and START are events of no partnership: only a contact confirmed here shows them.
    confirmed_ids = [row.contact.id for row in rows if row.confirmed] or [0]
    if ids:
        latest = (
            select(func.max(ConsentEvent.id))
            .where(
                ConsentEvent.contact_id.in_(ids),
                or_(
                    ConsentEvent.partnership_id == partnership_id,
                    and_(
                        ConsentEvent.partnership_id.is_(None),
                        ConsentEvent.contact_id.in_(confirmed_ids),
                    ),
                ),
            )
            .group_by(ConsentEvent.contact_id)
        )
        events = {
            e.contact_id: e
            for e in session.scalars(select(ConsentEvent).where(ConsentEvent.id.in_(latest)))
        }
        shared = session.execute(
            select(ContactMembership.contact_id, Partnership.name)
            .join(Partnership, Partnership.id == ContactMembership.partnership_id)
            .join(
                Membership,
                and_(
                    Membership.partnership_id == ContactMembership.partnership_id,
                    Membership.user_id == viewer_id,
                ),
            )
            .where(ContactMembership.contact_id.in_(confirmed_ids), contacts.confirmed())
            .order_by(Partnership.name)
        ).all()
        by_id = {row.contact.id: row for row in rows}
        for contact_id, name in shared:
            by_id[contact_id].partnerships.append(name)
        for row in rows:
            row.consent = events.get(row.contact.id)
    return rows, total or 0


def _participant_by_name(session: Session, partnership_id: int, name: str, field_name: str):
    return picking.participant_by_label(
        session, partnership_id=partnership_id, label=name, field=field_name
    )


def add_contact(
    session: Session,
    *,
    actor: User,
    partnership: Partnership,
    phone: str,
    locale: str,
    consent_note: str,
    participant_name: str = "",
) -> ContactMembership:
    """Add a contact by hand, with the consent a facilitator obtained outside SMS: pending
    until the person answers the partnership's question (sent now, if the sender is set)
    with YES. Any number not yet a contact of this partnership is added alike, whatever
    other partnerships know of it; one that sent STOP is simply never sent the question.
    The contact's own language choice is kept; `locale` applies to new contacts and to the
    question when they have none.

    Side effects: contact, membership and consent rows; the question (`confirmation.ask`);
    an audit entry.
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
    if contact is not None and contacts.membership(
        session, contact=contact, partnership_id=partnership.id
    ):
        raise ServiceError(
            _l("This number is already a contact of the partnership."), field="phone"
        )
    contact = contact or contacts.get_or_create_contact(session, number)
    contact.locale = contact.locale or locale or None
    member = contacts.add_pending(
        session,
        contact=contact,
        partnership_id=partnership.id,
        channel="web",
        user_id=actor.id,
        participant_id=participant.id if participant else None,
        note=note,
    )
    confirmation.ask(
        session, member=member, contact=contact, partnership=partnership, locale=locale
    )
    audit.record(
        session,
        actor_id=actor.id,
        action="sms_contact.create",
        obj=member,
        partnership_id=partnership.id,
        details={"participant_id": participant.id if participant else None},
    )
    return member


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
        details={"participant_id": participant.id},
    )
    return participant
