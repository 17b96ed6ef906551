"""Facilitators' SMS work: the sender, contacts and their consent, broadcasts, the inbox."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

import phonenumbers
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session, aliased, joinedload, load_only

from hsbp import audit
from hsbp.audit import ACTION_LABELS
from hsbp.auth.models import User
from hsbp.db import utcnow
from hsbp.errors import ServiceError
from hsbp.i18n import UI_LOCALE_CODES, translated
from hsbp.mapping import queries
from hsbp.mapping.labels import CONSENT_METHOD_LABELS
from hsbp.mapping.models import Participant, Risk, participant_tags
from hsbp.partnerships.models import Membership, Partnership
from hsbp.sms import contacts, encoding, router, sending
from hsbp.sms.models import (
    Broadcast,
    ConsentEvent,
    Contact,
    ContactMembership,
    InboundMessage,
    OutboundMessage,
    OutboundStatus,
    SmsSettings,
)

PER_PAGE = 50
MAX_BODY = 1600  # Twilio refuses longer messages
AUDIENCE_KINDS = ("all", "sector", "tag", "locality")
FINISHED = frozenset(OutboundStatus) - {OutboundStatus.QUEUED, OutboundStatus.SENDING}

ACTION_LABELS.update(
    {
        "sms.settings": _l("SMS sender changed"),
        "sms_contact.create": _l("SMS contact added by hand"),
        "sms_contact.import": _l("SMS contacts imported from the register"),
        "sms_contact.link": _l("SMS contact linked to a participant"),
        "sms_broadcast.create": _l("SMS broadcast sent"),
        "sms_inbound.reply": _l("SMS message answered"),
        "sms_inbound.handle": _l("SMS message marked handled"),
    }
)


def display_phone(phone: str | None, *, hidden: bool = False) -> str:
    """A number as people read it; only its last two digits when it belongs to a protected
    participant, whose contacts facilitators see only through the audited identity view."""
    if not phone:
        return ""
    if hidden:
        return "••• " + phone[-2:]
    try:
        number = phonenumbers.parse(phone)
    except phonenumbers.NumberParseException:
        return phone
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


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
    number = contacts.e164(raw.strip(), region=country)
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
    number = contacts.e164(phone.strip(), region=partnership.country)
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


# Broadcasts


def body_field(code: str) -> str:
    """The form field holding the text in language `code`."""
    return "body_" + re.sub(r"\W", "_", code)


@dataclass(frozen=True)
class Audience:
    kind: str = "all"
    value: str = ""

    @classmethod
    def parse(cls, raw: str | None) -> Audience:
        """'all', 'sector:<key>', 'tag:<id>' or 'locality:<name>'."""
        kind, _sep, value = (raw or "all").partition(":")
        if kind not in AUDIENCE_KINDS or (kind != "all" and not value):
            raise ServiceError(_l("Choose an audience from the list."), field="audience")
        if kind == "tag" and not value.isdigit():
            raise ServiceError(_l("Choose an audience from the list."), field="audience")
        return cls(kind, value if kind != "all" else "")

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.value}" if self.kind != "all" else "all"


def audience_localities(session: Session, *, partnership_id: int) -> list[str]:
    """Localities of the participants that contacts are linked to."""
    return list(
        session.scalars(
            select(Participant.locality)
            .join(ContactMembership, ContactMembership.participant_id == Participant.id)
            .where(
                ContactMembership.partnership_id == partnership_id,
                Participant.partnership_id == partnership_id,
                Participant.locality != "",
            )
            .distinct()
            .order_by(Participant.locality)
        )
    )


def audience_contacts(session: Session, *, partnership_id: int, audience: Audience):
    """The audience's contacts (opted-out ones included: callers count them apart)."""
    query = (
        select(Contact)
        .options(load_only(Contact.id, Contact.locale, Contact.opted_out))
        .join(ContactMembership, ContactMembership.contact_id == Contact.id)
        .where(ContactMembership.partnership_id == partnership_id)
    )
    if audience.kind != "all":
        query = query.join(
            Participant,
            and_(
                Participant.id == ContactMembership.participant_id,
                Participant.partnership_id == partnership_id,
            ),
        )
    if audience.kind == "sector":
        query = query.where(Participant.sector == audience.value)
    elif audience.kind == "locality":
        query = query.where(Participant.locality == audience.value)
    elif audience.kind == "tag":
        query = query.where(
            Participant.id.in_(
                select(participant_tags.c.participant_id).where(
                    participant_tags.c.tag_id == int(audience.value)
                )
            )
        )
    return session.scalars(query.order_by(Contact.id)).all()


@dataclass
class LanguagePreview:
    code: str
    text: str  # normalised: exactly what is sent
    size: encoding.SegmentCount
    recipients: int = 0
    fallback: int = 0  # of them, contacts with no text in their own language


@dataclass
class BroadcastPreview:
    languages: list[LanguagePreview]
    missing: list[str]
    recipients: int = 0
    opted_out: int = 0
    segments: int = 0


def clean_bodies(bodies: dict[str, str], *, partnership: Partnership) -> dict[str, str]:
    """The texts per language of the partnership; the default language's is required."""
    cleaned = {}
    for code in partnership.locales:
        text = (bodies.get(code) or "").strip()
        if len(text) > MAX_BODY:
            raise ServiceError(
                _l("A message may have %(count)d characters at most.", count=MAX_BODY),
                field=body_field(code),
            )
        if text:
            cleaned[code] = text
    if partnership.default_locale not in cleaned:
        raise ServiceError(
            _l("Write the message in the partnership's default language at least."),
            field=body_field(partnership.default_locale),
        )
    return cleaned


def _plan_broadcast(
    session: Session, *, partnership: Partnership, bodies: dict, audience: Audience
) -> tuple[dict[str, str], BroadcastPreview, list[tuple[Contact, str]]]:
    bodies = clean_bodies(bodies, partnership=partnership)
    default = partnership.default_locale
    per_language = {
        code: LanguagePreview(code, text, encoding.measure(text))
        for code, text in ((c, encoding.normalise(t)) for c, t in bodies.items())
    }
    preview = BroadcastPreview(
        languages=list(per_language.values()),
        missing=[code for code in partnership.locales if code not in bodies],
    )
    recipients = []
    for contact in audience_contacts(session, partnership_id=partnership.id, audience=audience):
        if contact.opted_out:
            preview.opted_out += 1
            continue
        code = contact.locale if contact.locale in bodies else default
        line = per_language[code]
        line.recipients += 1
        line.fallback += int(code != contact.locale)
        preview.recipients += 1
        preview.segments += line.size.segments
        recipients.append((contact, code))
    if not recipients:
        raise ServiceError(
            _l(
                "Nobody in this audience can receive messages (%(count)d opted out).",
                count=preview.opted_out,
            ),
            field="audience",
        )
    return bodies, preview, recipients


def preview_broadcast(
    session: Session, *, partnership: Partnership, bodies: dict, audience: Audience
) -> BroadcastPreview:
    """What a broadcast would send, per language, to how many, for how many segments. Reads only."""
    return _plan_broadcast(session, partnership=partnership, bodies=bodies, audience=audience)[1]


def create_broadcast(
    session: Session, *, actor: User, partnership: Partnership, bodies: dict, audience: Audience
) -> Broadcast:
    """Send a message to an audience, each contact in their language (else the default one).

    Side effects: the broadcast row, one queued message per opted-in contact (sent by the
    task queue after the commit), an audit entry.
    """
    settings = contacts.settings_of(session, partnership.id)
    if settings is None:
        raise ServiceError(_l("Set the partnership's SMS sender first."))
    bodies, preview, recipients = _plan_broadcast(
        session, partnership=partnership, bodies=bodies, audience=audience
    )
    broadcast = Broadcast(
        partnership_id=partnership.id,
        bodies=bodies,
        audience={"kind": audience.kind, "value": audience.value},
        created_by_id=actor.id,
    )
    session.add(broadcast)
    session.flush()
    for contact, _code in recipients:
        sending.queue_sms(
            session,
            contact=contact,
            body=translated(
                bodies, locale=contact.locale or "", fallback=partnership.default_locale
            ),
            sender=settings.sender,
            kind="broadcast",
            partnership_id=partnership.id,
            broadcast_id=broadcast.id,
        )
    audit.record(
        session,
        actor_id=actor.id,
        action="sms_broadcast.create",
        obj=broadcast,
        partnership_id=partnership.id,
        details={
            "audience": audience.key,
            "recipients": preview.recipients,
            "segments": preview.segments,
        },
    )
    return broadcast


@dataclass
class Progress:
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(OutboundStatus, 0))

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def done(self) -> int:
        return sum(n for status, n in self.counts.items() if status in FINISHED)

    @property
    def active(self) -> bool:
        return self.done < self.total


def progress(session: Session, *, broadcast_ids: list[int]) -> dict[int, Progress]:
    """{broadcast id: its messages counted by status}, in one GROUP BY."""
    result = {broadcast_id: Progress() for broadcast_id in broadcast_ids}
    if not broadcast_ids:
        return result
    rows = session.execute(
        select(OutboundMessage.broadcast_id, OutboundMessage.status, func.count())
        .where(OutboundMessage.broadcast_id.in_(broadcast_ids))
        .group_by(OutboundMessage.broadcast_id, OutboundMessage.status)
    ).all()
    for broadcast_id, status, count in rows:
        result[broadcast_id].counts[status] = count
    return result


def get_broadcast(session: Session, *, partnership_id: int, broadcast_id: int):
    return session.scalar(
        select(Broadcast).where(
            Broadcast.id == broadcast_id, Broadcast.partnership_id == partnership_id
        )
    )


def list_broadcasts(
    session: Session, *, partnership_id: int, page: int = 1
) -> tuple[list[tuple[Broadcast, str | None]], int]:
    """One page of past broadcasts, newest first, with their authors' names, and the total."""
    scope = Broadcast.partnership_id == partnership_id
    total = session.scalar(select(func.count()).select_from(Broadcast).where(scope))
    rows = session.execute(
        select(Broadcast, User.name)
        .outerjoin(User, User.id == Broadcast.created_by_id)
        .where(scope)
        .order_by(Broadcast.created_at.desc(), Broadcast.id.desc())
        .limit(PER_PAGE)
        .offset((max(page, 1) - 1) * PER_PAGE)
    ).all()
    return [tuple(row) for row in rows], total or 0


# The inbox


@dataclass
class InboxRow:
    message: InboundMessage
    participant_id: int | None
    participant_name: str | None
    protected: bool
    handled_by: str | None

    @property
    def phone(self) -> str:
        return display_phone(self.message.from_phone, hidden=self.protected)


def _inbox_query(partnership_id: int):
    handler = aliased(User)
    return (
        select(
            InboundMessage,
            Participant.id,
            Participant.display_name,
            Participant.risk,
            handler.name,
        )
        .options(joinedload(InboundMessage.contact))
        .outerjoin(
            ContactMembership,
            and_(
                ContactMembership.contact_id == InboundMessage.contact_id,
                ContactMembership.partnership_id == partnership_id,
            ),
        )
        .outerjoin(Participant, Participant.id == ContactMembership.participant_id)
        .outerjoin(handler, handler.id == InboundMessage.handled_by_id)
        .where(InboundMessage.partnership_id == partnership_id, InboundMessage.in_inbox.is_(True))
    )


def _inbox_row(row) -> InboxRow:
    message, participant_id, name, risk, handled_by = row
    return InboxRow(message, participant_id, name, risk == Risk.HIGH, handled_by)


def inbox(
    session: Session, *, partnership_id: int, page: int = 1
) -> tuple[list[InboxRow], int, int]:
    """One page of the inbox (unhandled first, then newest first), the total and how many
    are unhandled."""
    scope = (InboundMessage.partnership_id == partnership_id, InboundMessage.in_inbox.is_(True))
    total, unhandled = session.execute(
        select(func.count(), func.sum(case((InboundMessage.handled_at.is_(None), 1), else_=0)))
        .select_from(InboundMessage)
        .where(*scope)
    ).one()
    rows = session.execute(
        _inbox_query(partnership_id)
        .order_by(
            case((InboundMessage.handled_at.is_(None), 0), else_=1),
            InboundMessage.received_at.desc(),
            InboundMessage.id.desc(),
        )
        .limit(PER_PAGE)
        .offset((max(page, 1) - 1) * PER_PAGE)
    ).all()
    return [_inbox_row(row) for row in rows], total or 0, int(unhandled or 0)


def get_inbox_message(session: Session, *, partnership_id: int, message_id: int):
    row = session.execute(
        _inbox_query(partnership_id).where(InboundMessage.id == message_id)
    ).first()
    return _inbox_row(row) if row else None


def mark_handled(session: Session, *, actor: User, message: InboundMessage) -> None:
    """Mark an inbox message as dealt with. Side effects: the message row, an audit entry."""
    if message.handled_at is not None:
        return
    message.handled_at, message.handled_by_id = utcnow(), actor.id
    audit.record(
        session,
        actor_id=actor.id,
        action="sms_inbound.handle",
        obj=message,
        partnership_id=message.partnership_id,
    )


def reply(
    session: Session, *, actor: User, partnership: Partnership, message: InboundMessage, body: str
) -> OutboundMessage:
    """Answer an inbox message from the partnership's sender.

    Refused for a number that has not joined or that sent STOP. Side effects: a queued
    message (sent after the commit), an audit entry.
    """
    text = body.strip()
    if not text:
        raise ServiceError(_l("Write a reply."), field="body")
    if len(text) > MAX_BODY:
        raise ServiceError(
            _l("A message may have %(count)d characters at most.", count=MAX_BODY), field="body"
        )
    contact = message.contact
    if contact is None:
        raise ServiceError(_l("This number has not joined the partnership: it cannot be answered."))
    if contact.opted_out:
        raise ServiceError(
            _l("This person sent STOP: nothing can be sent to them until they send START.")
        )
    settings = contacts.settings_of(session, partnership.id)
    if settings is None:
        raise ServiceError(_l("Set the partnership's SMS sender first."))
    outbound = sending.queue_sms(
        session,
        contact=contact,
        body=text,
        sender=settings.sender,
        kind="reply",
        partnership_id=partnership.id,
        reply_to_id=message.id,
    )
    audit.record(
        session,
        actor_id=actor.id,
        action="sms_inbound.reply",
        obj=message,
        partnership_id=partnership.id,
        details={"outbound_id": outbound.id, "segments": outbound.segments},
    )
    return outbound


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


# Conversations (the simulator's phone, a message's page)


@dataclass
class ThreadItem:
    incoming: bool  # written on the phone
    body: str
    at: datetime
    status: str = ""
    kind: str = ""


def conversation(
    session: Session, *, partnership_id: int, sender: str | None, phone: str, limit: int = 100
) -> list[ThreadItem]:
    """The last `limit` messages between `phone` and this partnership, oldest first:
    what it sent here and everything sent to it (replies, broadcasts). Messages tied to no
    partnership (STOP and its answer) count when they went through the partnership's sender."""
    number_hash = contacts.phone_hash(phone)
    inbound = session.scalars(
        select(InboundMessage)
        .where(
            InboundMessage.from_hash == number_hash,
            or_(
                InboundMessage.partnership_id == partnership_id,
                and_(InboundMessage.partnership_id.is_(None), InboundMessage.to_number == sender),
            ),
        )
        .order_by(InboundMessage.received_at.desc(), InboundMessage.id.desc())
        .limit(limit)
    ).all()
    outbound = session.scalars(
        select(OutboundMessage)
        .join(Contact, Contact.id == OutboundMessage.contact_id)
        .where(
            Contact.phone_hash == number_hash,
            or_(
                OutboundMessage.partnership_id == partnership_id,
                and_(OutboundMessage.partnership_id.is_(None), OutboundMessage.sender == sender),
            ),
        )
        .order_by(OutboundMessage.created_at.desc(), OutboundMessage.id.desc())
        .limit(limit)
    ).all()
    items = [(m.received_at, 0, m.id, ThreadItem(True, m.body, m.received_at)) for m in inbound]
    items += [
        (m.created_at, 1, m.id, ThreadItem(False, m.body, m.created_at, m.status, m.kind))
        for m in outbound
    ]
    items.sort(key=lambda item: item[:3])
    return [item[3] for item in items[-limit:]]
