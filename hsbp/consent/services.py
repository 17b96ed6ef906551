"""Consent per purpose: recording it (a facilitator's form, the SMS channel's own consent
events), and the check every outgoing SMS passes before it is queued.

One row per person, partnership and purpose holds the current answer (hsbp.consent.models);
each change is an audit entry ("consent.grant", "consent.withdraw") naming the purpose, the
channel, the dates and the cause, never the person, and those entries are its history.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from hsbp import audit
from hsbp.audit import ACTION_LABELS
from hsbp.auth.models import User
from hsbp.consent import rules
from hsbp.consent.models import Consent, ConsentChannel, Purpose
from hsbp.db import utcnow
from hsbp.errors import ServiceError
from hsbp.mapping.models import Participant
from hsbp.partnerships.models import Partnership
from hsbp.sms import contacts, updates
from hsbp.sms.handlers import registry
from hsbp.sms.models import ConsentEvent, Contact, ContactMembership

GRANT, WITHDRAW = "consent.grant", "consent.withdraw"
ACTION_LABELS.update({GRANT: _l("Consent given"), WITHDRAW: _l("Consent withdrawn")})
FORM = "form"  # the cause of a change a facilitator recorded


def today_in(partnership: Partnership) -> date:
    """The partnership's date now: what a facilitator means by "today"."""
    return utcnow().astimezone(partnership.zone).date()


def current(
    session: Session, *, partnership_id: int, contact_id=None, participant_id=None
) -> dict[str, Consent]:
    """{purpose: row} of one contact's or participant's consents in a partnership."""
    person = (
        Consent.contact_id == contact_id
        if contact_id is not None
        else Consent.participant_id == participant_id
    )
    rows = session.scalars(
        select(Consent).where(Consent.partnership_id == partnership_id, person)
    ).all()
    return {row.purpose: row for row in rows}


def contact_holds(
    session: Session, *, partnership_id: int, contact_id: int, purpose: str, today: date
) -> bool:
    """Whether the contact's consent to `purpose` in the partnership is given and not past."""
    found = session.execute(
        select(Consent.granted, Consent.expires_on).where(
            Consent.partnership_id == partnership_id,
            Consent.contact_id == contact_id,
            Consent.purpose == purpose,
        )
    ).first()
    return found is not None and rules.holds(
        granted=found.granted, expires_on=found.expires_on, today=today
    )


def withheld_reason(
    session: Session, *, contact: Contact, partnership_id: int | None, kind: str
) -> str | None:
    """The SMS channel's send check (hsbp.sms.handlers.Registry.send_checks): why a message of
    `kind` to `contact` from a partnership must not be sent, or None. Messages of no
    partnership, and kinds of no purpose (replies, the joining texts), always go; a kind
    nobody gave a purpose is withheld. Reads only; the reason is for the message log."""
    if partnership_id is None:
        return None
    purposes = registry().purposes
    if kind not in purposes:
        return f"no consent purpose for the kind {kind!r}"
    purpose = purposes[kind]
    if not purpose:
        return None
    today = utcnow().date()
    if contact_holds(
        session, partnership_id=partnership_id, contact_id=contact.id, purpose=purpose, today=today
    ):
        return None
    return f"no consent to {purpose}"


def withheld_among(session: Session, *, contact_ids, partnership_id: int, kind: str) -> set[int]:
    """The SMS channel's audience check: the ids among `contact_ids` a message of `kind`
    from the partnership would be withheld from (as `withheld_reason` says of each), in one
    query. Reads only."""
    purposes = registry().purposes
    if kind not in purposes:
        return set(contact_ids)
    purpose = purposes[kind]
    if not purpose or not contact_ids:
        return set()
    today = utcnow().date()
    holding = {
        row.contact_id
        for row in session.execute(
            select(Consent.contact_id, Consent.granted, Consent.expires_on).where(
                Consent.partnership_id == partnership_id,
                Consent.contact_id.in_(list(contact_ids)),
                Consent.purpose == purpose,
            )
        )
        if rules.holds(granted=row.granted, expires_on=row.expires_on, today=today)
    }
    return set(contact_ids) - holding


def change(
    session: Session,
    *,
    partnership_id: int,
    purpose: str,
    granted: bool,
    channel: str,
    given_at: datetime,
    expires_on: date | None = None,
    contact_id: int | None = None,
    participant_id: int | None = None,
    actor_id: int | None = None,
    cause: str = FORM,
) -> Consent:
    """Set one person's answer for one purpose. The caller has checked it.

    Side effects: the consent row (its re-asking forgotten: a new answer may be asked again
    once it ends); an audit entry with the purpose, channel, dates and cause.
    """
    found = current(
        session, partnership_id=partnership_id, contact_id=contact_id, participant_id=participant_id
    ).get(purpose)
    if found is None:
        found = Consent(
            partnership_id=partnership_id,
            contact_id=contact_id,
            participant_id=participant_id,
            purpose=purpose,
        )
        session.add(found)
    found.granted, found.channel, found.given_at = granted, channel, given_at
    found.expires_on = expires_on if granted else None
    found.recorded_by_id = actor_id
    found.reasked_at = None
    session.flush()
    audit.record(
        session,
        actor_id=actor_id,
        action=GRANT if granted else WITHDRAW,
        obj=found,
        partnership_id=partnership_id,
        details={
            "purpose": purpose,
            "channel": channel,
            "given_on": given_at.date().isoformat(),
            "expires_on": found.expires_on.isoformat() if found.expires_on else None,
            "cause": cause,
        },
    )
    return found


def record(
    session: Session,
    *,
    actor: User,
    partnership: Partnership,
    purpose: str,
    granted: bool,
    channel: str,
    given_on: date | None,
    expires_on: date | None = None,
    contact: Contact | None = None,
    participant: Participant | None = None,
) -> Consent:
    """A facilitator records a contact's or participant's consent to `purpose`, given or
    withdrawn on `given_on` by `channel`, optionally until `expires_on` (its last day).
    Raises ServiceError (naming the field) for an unknown purpose or channel, a day in the
    future, an end before the day given or already past, an end to a withdrawal, or a person
    who was erased.

    Side effects: as `change`; for a contact's news, their news subscription follows
    (hsbp.sms.updates, with its consent event).
    """
    _check(partnership, purpose, granted, channel, given_on, expires_on)
    person = contact if contact is not None else participant
    if person is None or person.erased_at is not None:
        raise ServiceError(_l("This person was erased: nothing more is recorded about them."))
    today = today_in(partnership)
    given_at = utcnow() if given_on == today else _midday(given_on)
    found = change(
        session,
        partnership_id=partnership.id,
        purpose=purpose,
        granted=granted,
        channel=channel,
        given_at=given_at,
        expires_on=expires_on,
        contact_id=contact.id if contact is not None else None,
        participant_id=participant.id if participant is not None else None,
        actor_id=actor.id,
    )
    if contact is not None and purpose == Purpose.NEWS:
        updates.set_updates(
            session,
            contact=contact,
            partnership_id=partnership.id,
            wanted=granted,
            channel="web",
            user_id=actor.id,
        )
    return found


def _check(partnership, purpose, granted, channel, given_on, expires_on) -> None:
    if purpose not in set(Purpose):
        raise ServiceError(_l("Choose a purpose."), field="purpose")
    if channel not in set(ConsentChannel):
        raise ServiceError(_l("Choose how the answer was given."), field="channel")
    if given_on is None:
        raise ServiceError(_l("Give the day of the answer."), field="given_on")
    today = today_in(partnership)
    if given_on > today:
        raise ServiceError(_l("The day of the answer cannot be in the future."), field="given_on")
    if expires_on is None:
        return
    if not granted:
        raise ServiceError(
            _l("A withdrawal does not end: leave the last day empty."), field="expires_on"
        )
    if expires_on <= given_on:
        raise ServiceError(
            _l("The last day must come after the day the consent was given."),
            field="expires_on",
        )
    if expires_on < today:
        raise ServiceError(
            _l("This day has passed: the consent would have ended already."),
            field="expires_on",
        )


def _midday(day: date) -> datetime:
    """A past day as a time: noon UTC shows as that same day in every partnership's zone."""
    return datetime.combine(day, time(12), tzinfo=UTC)


def from_register(session: Session, *, participant: Participant) -> Consent | None:
    """The consent the mapping register notes for a participant (`consent_on`, how it was
    obtained) as their consent to consultations, unless one is recorded already; as the
    upgrade to consent per purpose records it. Returns the new row, or None.

    Side effects: as `change`, by no one (the register's record)."""
    if participant.consent_on is None:
        return None
    if Purpose.CONSULTATIONS in current(
        session, partnership_id=participant.partnership_id, participant_id=participant.id
    ):
        return None
    return change(
        session,
        partnership_id=participant.partnership_id,
        participant_id=participant.id,
        purpose=Purpose.CONSULTATIONS,
        granted=True,
        channel=rules.channel_of_method(participant.consent_method),
        given_at=_midday(participant.consent_on),
        cause="register",
    )


# The SMS channel's consent events (hsbp.sms.contacts.record_consent)


def on_sms_event(session: Session, *, contact: Contact, event: ConsentEvent) -> None:
    """Keep consents in step with what the person did by SMS (or a facilitator did for them
    on the SMS pages): joining or YES gives the joining purposes (news too for one who asked
    for it), NEWS and NEWS OFF give and withdraw news, NO withdraws that partnership's,
    STOP withdraws every partnership's, and START gives back what STOP withdrew.

    Side effects: as `change` for each consent that changes, by the event's recorder."""
    channel = rules.channel_of_event(event.channel)
    common = {"channel": channel, "actor_id": event.recorded_by_id, "cause": event.event}
    partnership_id = event.partnership_id
    if event.event in ("join", "confirm") and partnership_id is not None:
        member = contacts.membership(session, contact=contact, partnership_id=partnership_id)
        wanted = [*rules.JOINING, *([Purpose.NEWS] if member and member.wants_updates else [])]
        for purpose in wanted:
            _give(session, contact, partnership_id, purpose, **common)
    elif event.event == updates.UPDATES_ON and partnership_id is not None:
        _give(session, contact, partnership_id, Purpose.NEWS, **common)
    elif event.event == updates.UPDATES_OFF and partnership_id is not None:
        _withdraw(session, contact, [Purpose.NEWS], partnership_id, **common)
    elif event.event == "decline" and partnership_id is not None:
        _withdraw(session, contact, list(Purpose), partnership_id, **common)
    elif event.event == "opt_out":
        _withdraw(session, contact, list(Purpose), None, **common)
    elif event.event == "opt_in":
        _give_back(session, contact, **common)


def _give(session, contact: Contact, partnership_id: int, purpose: str, **common) -> None:
    found = current(session, partnership_id=partnership_id, contact_id=contact.id).get(purpose)
    today = utcnow().date()
    if found is not None and rules.holds(
        granted=found.granted, expires_on=found.expires_on, today=today
    ):
        return  # given already: the earlier answer, and its end, stand
    change(
        session,
        partnership_id=partnership_id,
        contact_id=contact.id,
        purpose=purpose,
        granted=True,
        given_at=utcnow(),
        **common,
    )


def _withdraw(
    session, contact: Contact, purposes: list[str], partnership_id: int | None, **common
) -> None:
    where = [Consent.contact_id == contact.id, Consent.granted.is_(True)]
    where.append(Consent.purpose.in_([str(p) for p in purposes]))
    if partnership_id is not None:
        where.append(Consent.partnership_id == partnership_id)
    for found in session.scalars(select(Consent).where(*where).order_by(Consent.id)).all():
        change(
            session,
            partnership_id=found.partnership_id,
            contact_id=contact.id,
            purpose=found.purpose,
            granted=False,
            given_at=utcnow(),
            **common,
        )


def _give_back(session, contact: Contact, **common) -> None:
    """START: the consents an SMS withdrew (STOP) come back in the partnerships the person
    still belongs to; news only while they want it (NEWS OFF stays off)."""
    rows = session.execute(
        select(Consent, ContactMembership.wants_updates)
        .join(
            ContactMembership,
            (ContactMembership.contact_id == Consent.contact_id)
            & (ContactMembership.partnership_id == Consent.partnership_id),
        )
        .where(
            Consent.contact_id == contact.id,
            Consent.granted.is_(False),
            Consent.channel == ConsentChannel.SMS,
            contacts.confirmed(),
        )
        .order_by(Consent.id)
    ).all()
    for found, wants_news in rows:
        if found.purpose == Purpose.NEWS and not wants_news:
            continue
        change(
            session,
            partnership_id=found.partnership_id,
            contact_id=contact.id,
            purpose=found.purpose,
            granted=True,
            given_at=utcnow(),
            **common,
        )
