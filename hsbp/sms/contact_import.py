"""Facilitators' import of SMS contacts from the mapping register: participants with a phone
and a recorded consent become pending contacts, linked to their entry, and are asked to
confirm. What other partnerships know of a number (or that it sent STOP) changes nothing
the import shows or does, but that nobody is sent a question after STOP."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session, load_only

from hsbp import audit
from hsbp.auth.models import User
from hsbp.i18n import UI_LOCALE_CODES
from hsbp.mapping.labels import CONSENT_METHOD_LABELS
from hsbp.mapping.models import Participant
from hsbp.partnerships.models import Partnership
from hsbp.sms import confirmation, contacts, router
from hsbp.sms.models import Contact, ContactMembership

audit.ACTION_LABELS["sms_contact.import"] = _l("SMS contacts imported from the register")


def _chunks(items: list, size: int = 500):
    for start in range(0, len(items), size):
        yield items[start : start + size]


@dataclass
class ImportPlan:
    """What importing the register would do: who is added, who is skipped and why."""

    new: list[Participant] = field(default_factory=list)
    existing: int = 0
    without_consent: int = 0


def plan_import(session: Session, *, partnership_id: int) -> ImportPlan:
    """Participants with a phone and recorded consent who are not contacts of the partnership
    yet (whatever other partnerships know of their number). Reads only."""
    plan = ImportPlan()
    participants = session.scalars(
        select(Participant)
        .where(Participant.partnership_id == partnership_id, Participant.phone_hash.is_not(None))
        .order_by(Participant.sort_name, Participant.id)
    ).all()
    # A number is known by its newest-key hash; a contact is found by any key's, as rows
    # keep an older key's until the key rotation is done (hsbp keys rotate).
    number = {p.id: contacts.phone_hash(p.phone or "") for p in participants}
    newest = {h: number[p.id] for p in participants for h in contacts.phone_hashes(p.phone or "")}
    known: dict[str, Contact] = {}
    members: set[int] = set()
    for chunk in _chunks(list(newest)):
        found = session.scalars(
            select(Contact)
            .options(load_only(Contact.id, Contact.phone_hash))
            .where(Contact.phone_hash.in_(chunk))
        ).all()
        known.update({newest[c.phone_hash]: c for c in found})
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
        contact = known.get(number[participant.id])
        if participant.consent_on is None:
            plan.without_consent += 1
        elif (contact is not None and contact.id in members) or number[participant.id] in seen:
            plan.existing += 1
        else:
            plan.new.append(participant)
        seen.add(number[participant.id])
    return plan


def _consent_note(participant: Participant, locale: str) -> str:
    """The register's consent as a note, in the partnership's language (it is a record)."""
    method = CONSENT_METHOD_LABELS.get(participant.consent_method)
    if method is None:
        return participant.consent_on.isoformat()
    with force_locale(locale if locale in UI_LOCALE_CODES else "en"):
        return f"{participant.consent_on.isoformat()} · {method}"


def import_from_register(session: Session, *, actor: User, partnership: Partnership) -> ImportPlan:
    """Make pending contacts of the register's participants with a phone and consent, linked
    to them, and ask each to confirm (in their language, else the partnership's).

    Side effects: contact, membership and consent rows (channel "import"); the questions
    (`confirmation.ask`); an audit entry.
    """
    plan = plan_import(session, partnership_id=partnership.id)
    languages = router.sms_locales(partnership)
    for participant in plan.new:
        contact = contacts.get_or_create_contact(session, participant.phone)
        spoken = next((c for c in participant.languages if c in languages), None)
        if contact.locale is None:
            contact.locale = spoken
        member = contacts.add_pending(
            session,
            contact=contact,
            partnership_id=partnership.id,
            channel="import",
            user_id=actor.id,
            participant_id=participant.id,
            note=_consent_note(participant, partnership.default_locale),
        )
        confirmation.ask(
            session, member=member, contact=contact, partnership=partnership, locale=spoken
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
            "without_consent": plan.without_consent,
        },
    )
    return plan
