"""Inviting a consultation's SMS contacts: by a facilitator, after a preview of what it will
send and cost, then those who join after."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask
from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from hsbp import audit, db
from hsbp.auth.models import User
from hsbp.consultations import answering
from hsbp.consultations.conversation import (
    IN_PROGRESS,
    SMS,
    WAITING,
    Talk,
    begin,
    busy_elsewhere,
    opening,
    send_texts,
)
from hsbp.consultations.models import Consultation, Participation, Question, Status
from hsbp.errors import ServiceError
from hsbp.mapping.models import Participant, participant_tags
from hsbp.partnerships.models import Partnership
from hsbp.sms import contacts, local_texts
from hsbp.sms.models import Contact, ContactMembership
from hsbp.sms.previews import LanguagePreview, SmsPreview, SmsText

audit.ACTION_LABELS["consultation.invite_sms"] = _l("Consultation sent to SMS contacts")


def invite_by_sms(session: Session, *, actor: User, consultation: Consultation) -> int:
    """Ask the partnership's SMS contacts in the consultation's audience to take part.

    Each new contact gets a participation; one not answering another consultation now gets
    the intro and the first question at once, the others wait their turn. Contacts asked
    before are left alone, so inviting again only reaches newcomers. Returns how many were
    added. Side effects: participation rows, outgoing SMS rows, an audit entry.
    """
    _check_can_invite(session, consultation)
    added, started = _invite(session, consultation)
    _record(session, consultation, actor_id=actor.id, added=added, started=started)
    return added


@dataclass
class InvitationPreview(SmsPreview):
    already: int = 0  # contacts of the audience asked before: inviting again skips them


def preview_invitations(session: Session, *, consultation: Consultation) -> InvitationPreview:
    """What `invite_by_sms` would send now: per language, the intro and first question as
    the phone shows them, to how many contacts, for how many segments. Reads only; raises
    ServiceError as `invite_by_sms` does."""
    _check_can_invite(session, consultation)
    partnership = session.get(Partnership, consultation.partnership_id)
    fallback = partnership.default_locale
    asked = _asked(session, consultation)
    first = answering.next_question(consultation, {})
    preview = InvitationPreview(opted_out=None)
    lines: dict[str, LanguagePreview] = {}
    for contact, _participant in _audience(session, consultation):
        if contact.id in asked:
            preview.already += 1
            continue
        locale = local_texts.language(session, partnership=partnership, code=contact.locale)
        if locale not in lines:
            texts = opening(consultation, locale, fallback)
            lines[locale] = LanguagePreview(str(locale), [SmsText.of(text) for text in texts])
        preview.count(
            lines[locale],
            fallback=contact.locale != locale or not _written_in(consultation, first, locale),
        )
    preview.languages = list(lines.values())
    preview.missing = [
        code for code in partnership.locales if not _written_in(consultation, first, code)
    ]
    return preview


def _written_in(consultation: Consultation, first: Question | None, locale: str) -> bool:
    """Whether the title and the first question are written in `locale`."""
    written = [consultation.title or {}, first.text if first is not None else {}]
    return all((values or {}).get(locale) for values in written)


def invite_newcomers(session: Session, *, consultation: Consultation) -> int:
    """Invite, as `invite_by_sms` does, the contacts who entered the audience since a
    facilitator invited the consultation's contacts; nobody before that first invitation,
    nor once the consultation can no longer be invited to. Returns how many were added.
    Side effects: as `invite_by_sms`, the audit entry without actor and only when someone
    was added (the periodic task calls this every hour).
    """
    if not invited_by_sms(session, consultation=consultation):
        return 0
    try:
        _check_can_invite(session, consultation)
    except ServiceError:
        return 0  # closed, or its SMS channel or contacts taken out since
    added, started = _invite(session, consultation)
    if added:
        _record(session, consultation, actor_id=None, added=added, started=started)
    return added


def invited_by_sms(session: Session, *, consultation: Consultation) -> bool:
    """Whether the consultation's contacts were invited by SMS at least once."""
    return bool(
        session.scalar(
            select(
                exists().where(
                    Participation.consultation_id == consultation.id,
                    Participation.channel == SMS,
                    Participation.contact_id.is_not(None),
                )
            )
        )
    )


def _check_can_invite(session: Session, consultation: Consultation) -> None:
    if consultation.status != Status.OPEN:
        raise ServiceError(_l("Open the consultation before inviting by SMS."))
    if SMS not in consultation.channels:
        raise ServiceError(_l("This consultation does not take answers by SMS."))
    if not (consultation.audience or {}).get("contacts"):
        raise ServiceError(_l("This consultation's audience does not include SMS contacts."))
    if contacts.settings_of(session, consultation.partnership_id) is None:
        raise ServiceError(_l("Set up the partnership's SMS sender first."))


def _invite(session: Session, consultation: Consultation) -> tuple[int, int]:
    """Add the audience's contacts not asked yet; (how many added, how many started now)."""
    asked = _asked(session, consultation)
    busy = set(
        session.scalars(
            select(Participation.contact_id).where(
                Participation.state == IN_PROGRESS, Participation.contact_id.is_not(None)
            )
        )
    )
    added = started = 0
    for contact, participant in _audience(session, consultation):
        if contact.id in asked:
            continue
        participation = Participation(
            consultation_id=consultation.id,
            contact_id=contact.id,
            channel=SMS,
            state=WAITING,
            sector=participant.sector if participant else "",
        )
        try:
            with session.begin_nested():
                session.add(participation)
                session.flush()
        except IntegrityError:
            continue  # invited at this very moment by another request
        added += 1
        if contact.id not in busy and not busy_elsewhere(session, contact.id):
            talk = Talk.of(session, participation, contact)
            send_texts(talk, begin(talk))
            busy.add(contact.id)
            started += 1
    return added, started


def _asked(session: Session, consultation: Consultation) -> set[int]:
    """The contacts invited to the consultation before (by a facilitator or the sweep)."""
    return set(
        session.scalars(
            select(Participation.contact_id).where(
                Participation.consultation_id == consultation.id,
                Participation.contact_id.is_not(None),
            )
        )
    )


def _record(
    session: Session, consultation: Consultation, *, actor_id: int | None, added: int, started: int
) -> None:
    audit.record(
        session,
        actor_id=actor_id,
        action="consultation.invite_sms",
        obj=consultation,
        partnership_id=consultation.partnership_id,
        details={"invited": added, "started": started},
    )


def _audience(session: Session, consultation: Consultation):
    """(contact, mapped participant or None) of every reachable contact in the audience.
    The filters apply through the participant, so they leave out unmapped contacts."""
    audience = consultation.audience or {}
    query = (
        select(Contact, Participant)
        .join(ContactMembership, ContactMembership.contact_id == Contact.id)
        .outerjoin(
            Participant,
            (Participant.id == ContactMembership.participant_id)
            & (Participant.partnership_id == consultation.partnership_id),
        )
        .where(
            ContactMembership.partnership_id == consultation.partnership_id,
            contacts.confirmed(),
            Contact.opted_out.is_(False),
        )
        .order_by(Contact.id)
    )
    if audience.get("sectors"):
        query = query.where(Participant.sector.in_(audience["sectors"]))
    if audience.get("localities"):
        query = query.where(Participant.locality.in_(audience["localities"]))
    if audience.get("tags"):
        query = query.where(
            exists().where(
                participant_tags.c.participant_id == Participant.id,
                participant_tags.c.tag_id.in_(audience["tags"]),
            )
        )
    return session.execute(query).all()


def init_app(app: Flask) -> None:
    """Let the consultation page tell whether its contacts were invited (it then says that
    those who join later are invited too) without its view knowing about SMS."""
    app.add_template_global(
        lambda consultation: invited_by_sms(db.session(), consultation=consultation),
        "invited_by_sms",
    )
