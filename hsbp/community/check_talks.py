"""Checks as a subject of the one-question SMS conversations (hsbp.community.talks): the
question, reading "1", "2" or "3" (in any digits a phone sends), keeping one answer per
contact with their locality as it was, and closing."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from hsbp.community import checks
from hsbp.community.models import Check, CheckAnswer, CheckAnswerValue, QuestionStatus
from hsbp.community.talks import Adapter, answer_day
from hsbp.db import utcnow
from hsbp.i18n import translated
from hsbp.mapping.models import Participant
from hsbp.sms.models import Contact, ContactMembership
from hsbp.sms.texts import N_, fold, in_language

# After a reply that is none of the three digits. Short: it follows the contact's own text.
RETRY = N_("Please reply 1 yes, 2 no or 3 don't know.")
DIGITS = {1: CheckAnswerValue.YES, 2: CheckAnswerValue.NO, 3: CheckAnswerValue.UNKNOWN}


def read_answer(reply: str) -> str | None:
    """yes, no or unknown for a reply of one digit 1 to 3 (Arabic-Indic and other decimal
    digits too, and with punctuation around it); None for anything else."""
    folded = fold(reply or "")
    if len(folded) != 1 or not folded.isdecimal():
        return None
    return DIGITS.get(int(folded))


def locality_of(session: Session, *, contact: Contact, partnership_id: int) -> str:
    """The locality of the participant the contact is linked to in this partnership's
    register, "" when none."""
    return (
        session.scalar(
            select(Participant.locality)
            .join(ContactMembership, ContactMembership.participant_id == Participant.id)
            .where(
                ContactMembership.contact_id == contact.id,
                ContactMembership.partnership_id == partnership_id,
                Participant.partnership_id == partnership_id,
            )
        )
        or ""
    )


class CheckAdapter(Adapter):
    def question(self, session: Session, subject_id: int, *, locale: str, fallback: str) -> str:
        check = session.get(Check, subject_id)
        return translated(check.question, locale=locale, fallback=fallback)

    def read(self, session: Session, subject_id: int, reply: str):
        return read_answer(reply)

    def retry(self, session: Session, subject_id: int, *, reply: str, locale: str) -> str:
        return in_language(locale, RETRY)

    def record(self, session: Session, subject_id: int, *, contact: Contact, value) -> bool:
        check = session.get(Check, subject_id)
        found = session.scalar(
            select(CheckAnswer).where(
                CheckAnswer.check_id == check.id, CheckAnswer.contact_id == contact.id
            )
        )
        locality = locality_of(session, contact=contact, partnership_id=check.partnership_id)
        if found is None:
            session.add(
                CheckAnswer(
                    partnership_id=check.partnership_id,
                    check_id=check.id,
                    contact_id=contact.id,
                    answer=value,
                    locality=locality,
                    created_at=answer_day(),
                    updated_at=answer_day(),
                )
            )
            session.flush()
            return False
        changed = found.answer != value
        found.answer, found.locality, found.updated_at = value, locality, answer_day()
        session.flush()
        return changed

    def is_open(self, session: Session, subject_id: int) -> bool:
        check = session.get(Check, subject_id)
        return check.status == QuestionStatus.OPEN and check.closes_at > utcnow()

    def close(self, session: Session, subject_id: int) -> None:
        checks.close_check(session, actor=None, check=session.get(Check, subject_id))

    def close_due(self, session: Session, *, now: datetime) -> int:
        return checks.close_due(session, now=now)
