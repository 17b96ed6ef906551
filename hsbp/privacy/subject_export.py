"""A person's own data: everything one partnership holds about a contact or a participant,
gathered for handing to them (as a page, a PDF or JSON), and the audit of each export.

The export is built once as plain values with stable keys (`build`); the page and the PDF
read it through hsbp.privacy.export_sections, the JSON is the values themselves. It holds
the person's identity as held (the point is to hand it to them, so a protected participant's
real name is in it), never another person's: other participants are named as everyone sees
them, a protected one by its pseudonym. What is not the person's, or not linked to them, is
left out, and the export's notes say so (anonymous answers, anonymous grievances, confidential
conversations, officers' notes on a grievance, relationship notes).

Grievances are in it only when a grievance officer exports: only officers may learn who filed
one. An officer leaves out the grievances about the partner they represent, as everywhere.
"""

from __future__ import annotations

import json
from datetime import date, datetime

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from hsbp import audit, audit_text
from hsbp.audit_text import says
from hsbp.auth.models import User
from hsbp.grievances import officers
from hsbp.partnerships.models import Membership, Partnership
from hsbp.privacy import registry, subject_mapping
from hsbp.privacy import subject_parts as parts
from hsbp.privacy.export_labels import NOTES
from hsbp.privacy.holdings import Subject
from hsbp.retention import models as retention
from hsbp.retention.models import RetentionSchedule
from hsbp.sms import contacts
from hsbp.sms.models import MembershipStatus

audit.ACTION_LABELS.update({"privacy.export": _l("A person's data exported")})
audit_text.SENTENCES.update(
    {
        "privacy.export": says(
            _l("%(actor)s exported what the partnership holds about a person (%(format)s).")
        )
    }
)
audit_text.FAMILY_LABELS.setdefault("privacy", _l("Privacy"))

SCHEMA = "hsbp.person-export"
VERSION = 1
FORMATS = ("html", "pdf", "json")
# The formats given as a file to download; the page is shown.
FILE_FORMATS = ("pdf", "json")
# The retention rules, in the order the export lists them: (key, schedule column, unit).
RETENTION_RULES = (
    ("sms_bodies", "sms_body_days", "days"),
    ("grievance_identity", "grievance_identity_months", "months"),
    ("consultation_raw", "consultation_raw_days", "days"),
    ("dropped_evidence", "dropped_evidence_days", "days"),
    ("audit_details", "audit_detail_years", "years"),
)
DEFAULTS = {
    "sms_body_days": retention.SMS_BODY_DAYS,
    "grievance_identity_months": retention.GRIEVANCE_IDENTITY_MONTHS,
    "consultation_raw_days": retention.CONSULTATION_RAW_DAYS,
    "dropped_evidence_days": retention.DROPPED_EVIDENCE_DAYS,
    "audit_detail_years": retention.AUDIT_DETAIL_YEARS,
}


def build(
    session: Session,
    *,
    subject: Subject,
    partnership: Partnership,
    membership: Membership,
    locale: str,
    now: datetime,
) -> dict:
    """Everything held about `subject` in `partnership`, as plain values (see the module
    note), in `locale`. Reads only; a fixed number of statements whatever the person's data
    holds."""
    reader = parts.Reader(session, subject, locale=locale, fallback=partnership.default_locale)
    officer = officers.is_officer(
        session, user_id=membership.user_id, partnership_id=partnership.id
    )
    items, left_out = (
        parts.grievances(reader, conflicted_partner_id=membership.partner_id)
        if officer
        else ([], 0)
    )
    consents, consent_changes = parts.consents(reader)
    settings = contacts.settings_of(session, partnership.id)
    note_keys = ["scope", "anonymous", "confidential", "grievance_notes", "relationships"]
    if not officer:
        note_keys.append("grievances_hidden")
    if left_out:
        note_keys.append("grievances_conflicted")
    with force_locale(locale):
        notes = [str(NOTES[key]) for key in note_keys]
    return {
        "schema": SCHEMA,
        "version": VERSION,
        "generated_at": now,
        "language": locale,
        "partnership": {"id": partnership.id, "name": partnership.name},
        "subject": {"kind": str(subject.kind), "id": subject.id},
        "identity": _identity(subject),
        "memberships": _memberships(reader),
        "consent_history": parts.consent_history(reader),
        "consents": consents,
        "consent_changes": consent_changes,
        "messages": parts.messages(reader),
        "consultations_asked": parts.consultations_asked(reader),
        "consultation_answers": parts.consultation_answers(reader),
        "grievances": {"included": officer, "left_out": left_out, "items": items},
        "votes": parts.votes(reader),
        "checks": parts.checks(reader),
        "pulses": parts.pulses(reader),
        "poll_replies": parts.poll_replies(reader),
        # What features privacy does not import hold (hsbp.privacy.registry).
        **{part.key: part.export(reader) for part in registry.parts()},
        "mapping_record": subject_mapping.mapping_record(reader),
        "retention": _retention(session, partnership.id),
        "erasure": {"sms_keyword": "DELETE", "sms_number": settings.sender if settings else None},
        "notes": notes,
    }


def _identity(subject: Subject) -> dict:
    participant = subject.participant
    phones = [contact.phone for contact, _member in subject.contacts if contact.phone]
    if participant is not None and participant.phone and participant.phone not in phones:
        phones.append(participant.phone)
    return {
        "name": (participant.protected_name or None) if participant else None,
        "display_name": participant.display_name if participant else None,
        "protected": subject.protected,
        "phones": phones,
        "email": (participant.email or None) if participant else None,
        "erased_at": participant.erased_at if participant else None,
    }


def _memberships(reader: parts.Reader) -> list[dict]:
    """The person's place in this partnership per number. Their language and a STOP are kept
    on the number, whatever the partnership: shown only where they confirmed this one, as
    the contact list does."""
    rows = parts.memberships(reader)
    by_id = {contact.id: contact for contact, _member in reader.subject.contacts}
    for row in rows:
        contact = by_id[row["contact_id"]]
        confirmed = row["status"] == MembershipStatus.CONFIRMED
        row["phone"] = contact.phone or ""
        row["language"] = contact.locale if confirmed else None
        row["stopped_all_messages"] = contact.opted_out if confirmed else None
    return rows


def _retention(session: Session, partnership_id: int) -> dict:
    """How long each kind of data is kept: the partnership's schedule, else the defaults."""
    schedule = session.scalar(
        select(RetentionSchedule).where(RetentionSchedule.partnership_id == partnership_id)
    )
    values = {
        column: getattr(schedule, column) if schedule else default
        for column, default in DEFAULTS.items()
    }
    return {
        "schedule": "partnership" if schedule else "default",
        "rules": [
            {"rule": key, "period": values[column], "unit": unit}
            for key, column, unit in RETENTION_RULES
        ],
    }


# The export's forms -----------------------------------------------------------------------


def _plain(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def to_json(data: dict) -> str:
    """The export as JSON: UTF-8 text as written (not escaped), dates in ISO 8601 (times in
    UTC, with their offset), keys in a fixed order."""
    return json.dumps(data, default=_plain, ensure_ascii=False, indent=2)


def filename(fmt: str, day: date) -> str:
    """A name that says what the file is and when, and nothing of whom."""
    return f"hsbp-person-export-{day.isoformat()}.{fmt}"


def record_export(
    session: Session, *, actor: User, subject: Subject, fmt: str, locale: str
) -> audit.AuditEntry:
    """Side effect: an audit entry naming the person by kind and id only (never a name or a
    number), the format and the language."""
    return audit.record(
        session,
        actor_id=actor.id,
        action="privacy.export",
        obj=subject.participant if subject.kind == "participant" else subject.contacts[0][0],
        partnership_id=subject.partnership_id,
        details={
            "format": fmt,
            "subject_kind": str(subject.kind),
            "subject_id": subject.id,
            "language": locale,
        },
    )
