"""Erasing a mapped participant: names, number, address, intermediary, notes and consent
details go; the row stays, under a placeholder name, with what the register's counts and
breakdowns read (kind, sector, locality, tags, interest, influence, risk, validation)."""

from __future__ import annotations

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from hsbp.consent.models import Consent
from hsbp.consultations.models import Consultation, Response
from hsbp.mapping.models import DuplicateReview, Participant, ParticipantLink
from hsbp.privacy.erasure_common import (
    BLANK,
    Tally,
    erased_hash,
    filled,
    needles,
    phone_forms,
)
from hsbp.privacy.erasure_contact import erase_answer_texts, scrub_comments
from hsbp.sms.models import ContactMembership


def erased_name(participant: Participant, locale: str | None) -> str:
    """The name an erased participant is shown under, in the partnership's language: it
    says what happened and tells two erased participants apart, and nothing more."""
    with force_locale(locale or "en"):
        return _("Erased participant %(number)s", number=participant.id)


def participant_texts(participant: Participant) -> list[str]:
    """Who the participant is, as texts elsewhere (the audit log) may hold it."""
    return needles(
        [
            participant.protected_name,
            participant.display_name,
            *phone_forms(participant.phone),
            participant.email,
            participant.intermediary,
        ]
    )


def linked_contacts(session: Session, participant: Participant) -> list[ContactMembership]:
    """The partnership's SMS contacts linked to the participant."""
    return list(
        session.scalars(
            select(ContactMembership).where(
                ContactMembership.partnership_id == participant.partnership_id,
                ContactMembership.participant_id == participant.id,
            )
        )
    )


def erase_participant_rows(
    session: Session, participant: Participant, *, tally: Tally, locale: str | None
) -> None:
    """Every table's part of a participant's erasure, in its partnership."""
    pid = participant.partnership_id
    tally.add("participant", 1)
    links = [
        ParticipantLink.partnership_id == pid,
        or_(
            ParticipantLink.source_id == participant.id, ParticipantLink.target_id == participant.id
        ),
        filled(ParticipantLink.note),
    ]
    tally.change(session, "relationship_notes", ParticipantLink, links, {"note": BLANK})
    # What someone typed when the participant looked like a duplicate: their data too.
    tally.change(
        session,
        "duplicate_reviews",
        DuplicateReview,
        [
            DuplicateReview.partnership_id == pid,
            or_(
                DuplicateReview.candidate_id == participant.id,
                DuplicateReview.participant_id == participant.id,
            ),
        ],
    )
    here = select(Consultation.id).where(Consultation.partnership_id == pid)
    answered = [Response.participant_id == participant.id, Response.consultation_id.in_(here)]
    response_ids = list(session.scalars(select(Response.id).where(*answered)))
    erase_answer_texts(session, response_ids, tally=tally, locale=locale)
    if response_ids:
        tally.change(
            session,
            "consultation_responses",
            Response,
            [Response.id.in_(response_ids)],
            {"participant_id": None},
        )
    tally.change(
        session,
        "consent_records",
        Consent,
        [Consent.partnership_id == pid, Consent.participant_id == participant.id],
    )
    scrub_comments(
        session, partnership_id=pid, searched=participant_texts(participant), tally=tally
    )
    if not tally.dry:
        _blank(participant, locale=locale, now=tally.now)


def unlink_contacts(session: Session, participant: Participant, *, tally: Tally) -> None:
    """The SMS contacts linked to the participant stay contacts, no longer linked."""
    tally.change(
        session,
        "contact_links",
        ContactMembership,
        [
            ContactMembership.partnership_id == participant.partnership_id,
            ContactMembership.participant_id == participant.id,
        ],
        {"participant_id": None},
    )


def _blank(participant: Participant, *, locale: str | None, now) -> None:
    participant.display_name = erased_name(participant, locale)
    participant.sort_name = participant.display_name.lower()
    participant.protected_name = BLANK
    participant.name_hash = erased_hash()
    participant.phone = participant.phone_hash = participant.email = None
    participant.intermediary = participant.notes = participant.protective_measures = BLANK
    participant.reachable = False
    participant.consent_on, participant.consent_method, participant.consent_scope = None, "", ""
    participant.external_ref = None
    participant.erased_at = now
