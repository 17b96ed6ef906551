"""One SMS conversation at a time: what pulses and polls by SMS share.

A contact answers one thing at a time (a consultation, a pulse, a poll), so a reply is never
ambiguous: `busy` says whether they are answering something now. When they finish, the
oldest thing waiting for them starts (`start_next`). Pulses and polls each say how to start
what waits for a contact (`on_free`, wired in create_app, pulses first); this module knows
neither, so neither has to import the other.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask, current_app
from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from hsbp.consultations import conversation as consultation_sms
from hsbp.consultations.conversation import IN_PROGRESS as CONSULTATION_IN_PROGRESS
from hsbp.consultations.models import Participation
from hsbp.monitoring.poll_models import PollReply, ReplyState
from hsbp.monitoring.pulse_models import PulseTalk, TalkState
from hsbp.sms import contacts, local_texts, sending
from hsbp.sms.handlers import is_confidential_text
from hsbp.sms.models import Contact

# starter(session, contact, replying_for) -> the texts of what it started for that
# partnership (anything else it sends itself), or [] when nothing of its kind waits.
Starter = Callable[[Session, Contact, int | None], list[str]]
STARTERS_KEY = "hsbp.monitoring.sms_starters"
# clause(contact_id) -> an SQL condition true while the contact answers another kind of
# SMS conversation (a community vote or check), for `busy`.
BUSY_KEY = "hsbp.monitoring.sms_busy"


def on_free(app: Flask, starter: Starter) -> None:
    """Ask `starter`, in the order of registration, for what waits once a contact is free."""
    starters = app.extensions.setdefault(STARTERS_KEY, [])
    if starter not in starters:
        starters.append(starter)


def also_busy(app: Flask, clause: Callable) -> None:
    """Count another kind of conversation in `busy` (its feature sits above this one); a
    consultation waits behind it too."""
    clauses = app.extensions.setdefault(BUSY_KEY, [])
    if clause not in clauses:
        clauses.append(clause)
    consultation_sms.also_busy(app, clause)


def locale_of(session: Session, contact: Contact, partnership_id: int) -> str:
    """The contact's language for the partnership's texts, else its default (a local
    language carries the partnership's translation: hsbp.sms.local_texts)."""
    return local_texts.contact_language(session, contact=contact, partnership_id=partnership_id)


def busy(session: Session, contact_id: int) -> bool:
    """Whether the contact is answering something by SMS now: a consultation, a pulse, a
    poll, or what `also_busy` added (the channel takes one conversation at a time, so
    replies are never ambiguous)."""
    condition = (
        exists().where(
            Participation.contact_id == contact_id,
            Participation.state == CONSULTATION_IN_PROGRESS,
        )
        | exists().where(
            PulseTalk.contact_id == contact_id, PulseTalk.state == TalkState.IN_PROGRESS
        )
        | exists().where(PollReply.contact_id == contact_id, PollReply.state == ReplyState.ASKED)
    )
    for clause in current_app.extensions.get(BUSY_KEY, ()):
        condition = condition | clause(contact_id)
    return bool(session.scalar(select(condition)))


def send(session: Session, contact: Contact, partnership_id: int, texts: list[str], *, kind):
    """Send texts that answer no message from the partnership's number (confidential ones,
    a pulse's, stay so)."""
    settings = contacts.settings_of(session, partnership_id)
    if settings is None:
        return  # the partnership's number was removed: nobody to send from
    for body in texts:
        sending.queue_sms(
            session,
            contact=contact,
            body=body,
            sender=settings.sender,
            kind=kind,
            partnership_id=partnership_id,
            confidential=is_confidential_text(body),
        )


def start_next(session: Session, contact: Contact, replying_for: int | None) -> list[str]:
    """Start the contact's oldest waiting pulse, else poll; its texts are returned when it is
    of `replying_for` (the partnership the contact writes to), else sent from its own
    number."""
    if contact.opted_out or busy(session, contact.id):
        return []
    for starter in current_app.extensions.get(STARTERS_KEY, ()):
        texts = starter(session, contact, replying_for)
        if texts or busy(session, contact.id):
            return texts
    return []
