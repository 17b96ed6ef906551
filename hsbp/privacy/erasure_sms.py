"""DELETE by SMS: a person asks, from their own phone, to have their number and messages
erased from every partnership, and confirms.

DELETE (BORRAR, SUPPRIMER, OBRISI, حذف, FUTA) as the whole message is answered with the
question; DELETE YES (in the person's words for both) within WINDOW of it erases, and the
last SMS says so. A second DELETE alone never erases: a phone that sends a message twice,
or a neighbour who borrowed it once, erases nothing. A number that is no contact is told
nothing was deleted.
One that sent STOP gets no SMS at all (the channel sends it nothing): its DELETE reaches the
inbox, where a facilitator erases it from the web.

Every message of the flow is confidential (no page shows it, its body is blanked), and the
messages themselves go with the rest. The last SMS is written while the number is still on
the contact row, as sending reads it there: the data goes at once, and the number leaves the
row and its messages only once that SMS has left (`finish`), or after FINISH_WAIT if it
never does.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from flask import Flask
from flask_babel import lazy_gettext as _l
from huey import crontab
from sqlalchemy import select
from sqlalchemy.orm import Session

from hsbp import db
from hsbp.db import utcnow
from hsbp.extensions import app_task, queue
from hsbp.privacy import erasure, erasure_everywhere, erasure_record
from hsbp.privacy.erasure_common import BLANK
from hsbp.sms import sending
from hsbp.sms.handlers import Incoming, registry
from hsbp.sms.models import Contact, InboundMessage, OutboundMessage, OutboundStatus
from hsbp.sms.texts import N_, NP_, all_words, fold, with_keywords

log = logging.getLogger("hsbp.privacy")

KEYWORD_NAME = "privacy_erasure"
REQUEST_ROUTE, CONFIRM_ROUTE = "privacy_delete", "privacy_delete_yes"
UNKNOWN_ROUTE = "privacy_delete_unknown"
# The outgoing kind of the last SMS: the number stays until it has left.
FINAL_KIND = "privacy_erased"
# How long a DELETE waits for its confirmation.
WINDOW = timedelta(hours=24)
# How long the number waits for the last SMS to leave before it goes all the same.
FINISH_WAIT = timedelta(days=1)
RETRY_SECONDS = 120

KEYWORDS = {
    "delete": NP_("SMS keywords to erase one's number and messages; comma-separated", "DELETE"),
    "yes": NP_("SMS words said after the erasure keyword to confirm it; comma-separated", "YES"),
}
# Words that always count, whatever the catalogs hold: a request to be forgotten must never
# be missed while a language's catalog lacks them, nor from a number with no language yet.
ALWAYS = {
    "delete": ("DELETE", "BORRAR", "SUPPRIMER", "OBRISI", "حذف", "FUTA"),
    "yes": ("YES", "SI", "OUI", "DA", "نعم", "NDIYO"),
}
TEXTS = {
    "confirm": N_(
        "To erase your number and all your messages from every partnership, reply "
        "%(delete)s %(yes)s within 24 hours. This cannot be undone."
    ),
    "erased": N_("Your number and messages were erased. You will get no more messages from us."),
    "unknown": N_("This number is not registered; nothing was deleted."),
}
LABEL = _l("Erasure of one's own number and messages (DELETE)")


def words(key: str) -> set[str]:
    """Every language's words for `key` ("delete" or "yes"), folded."""
    return {*map(fold, ALWAYS[key]), *all_words(KEYWORDS[key])}


def text(locale: str | None, key: str) -> str:
    """An erasure text in the person's language, its keywords in that language too."""
    return with_keywords(locale, TEXTS[key], KEYWORDS)


def delete(session: Session, incoming: Incoming) -> list[str] | None:
    """DELETE, or DELETE YES after it: the question, or the erasure (see the module). Any
    other message that starts with the word ("Delete the photos of the meeting") passes,
    as the whole-message keywords do: it reaches the inbox, whole."""
    said = incoming.words
    confirming = len(said) == 2 and fold(said[1]) in words("yes")
    if len(said) != 1 and not confirming:
        return None
    incoming.mark_confidential()
    message, contact, locale = incoming.message, incoming.contact, incoming.locale
    if contact is None:
        message.route = UNKNOWN_ROUTE
        return [text(locale, "unknown")]
    if not (confirming and _asked(session, message, contact)):
        message.route = REQUEST_ROUTE
        return [text(locale, "confirm")]
    message.route = CONFIRM_ROUTE
    if _pending(session, contact):
        return []  # confirmed twice: erased already, the last SMS on its way
    last = sending.queue_sms(
        session,
        contact=contact,
        body=text(locale, "erased"),
        sender=message.to_number,
        kind=FINAL_KIND,
        reply_to_id=message.id,
        confidential=True,
    )
    erasure_everywhere.erase_everywhere(session, contact=contact, keep_outbound_id=last.id)
    # After the SMS is handed over (its callback came first), see whether it left.
    contact_id, last_id = contact.id, last.id
    db.after_commit(lambda: sending.hand_over(finish_erasure, (contact_id, last_id)))
    return []


def _asked(session: Session, message: InboundMessage, contact: Contact) -> bool:
    """Whether the contact sent DELETE within WINDOW before this message."""
    return (
        session.scalar(
            select(InboundMessage.id)
            .where(
                InboundMessage.contact_id == contact.id,
                InboundMessage.route == REQUEST_ROUTE,
                InboundMessage.id != message.id,
                InboundMessage.received_at >= message.received_at - WINDOW,
                InboundMessage.received_at <= message.received_at,
            )
            .limit(1)
        )
        is not None
    )


def _pending(session: Session, contact: Contact) -> bool:
    return (
        session.scalar(
            select(OutboundMessage.id)
            .where(
                OutboundMessage.contact_id == contact.id,
                OutboundMessage.kind == FINAL_KIND,
                OutboundMessage.body_removed_at.is_(None),
            )
            .limit(1)
        )
        is not None
    )


def finish(session: Session, *, contact_id: int, outbound_id: int, now=None) -> bool | None:
    """Remove the number of a contact erased by SMS once its last SMS has left (or, past
    FINISH_WAIT, all the same: the message is then cancelled). Returns True when it did,
    False while the SMS is still to leave, None when there is nothing (left) to do.

    Side effects: the contact row and its messages lose the number (erasure.finish_number);
    the last SMS is marked removed; after the commit, SQLite's log is folded."""
    now = now or utcnow()
    last = session.get(OutboundMessage, outbound_id)
    contact = session.get(Contact, contact_id)
    if last is None or contact is None or last.body_removed_at is not None:
        return None
    waiting = last.status in (OutboundStatus.QUEUED, OutboundStatus.SENDING)
    if waiting and now - last.created_at < FINISH_WAIT:
        return False
    if last.status == OutboundStatus.QUEUED:
        last.status, last.error_message = OutboundStatus.CANCELLED, "erased"
    last.body, last.body_removed_at = BLANK, now
    if contact.erased_at is None:
        erasure_record.secure_delete(session)
        erasure.finish_number(session, contact=contact)
        db.after_commit(erasure_record.checkpoint)
    return True


@app_task()
def finish_erasure(contact_id: int, outbound_id: int) -> None:
    """Finish an erasure asked by SMS; while its last SMS has not left, look again later
    (the periodic sweep is there should this task be lost)."""
    done = finish(db.session(), contact_id=contact_id, outbound_id=outbound_id)
    if done is False:
        db.after_commit(
            lambda: sending.hand_over(
                finish_erasure, (contact_id, outbound_id), delay=RETRY_SECONDS
            )
        )


def finish_pending(session: Session, *, now=None) -> int:
    """Finish every erasure by SMS whose last SMS has left (or waited too long). Returns
    how many."""
    waiting = session.execute(
        select(OutboundMessage.contact_id, OutboundMessage.id).where(
            OutboundMessage.kind == FINAL_KIND, OutboundMessage.body_removed_at.is_(None)
        )
    ).all()
    return sum(
        bool(finish(session, contact_id=contact_id, outbound_id=outbound_id, now=now))
        for contact_id, outbound_id in waiting
    )


@queue.periodic_task(crontab(minute="*/10"), name="privacy_erasure_finish")
def privacy_erasure_finish() -> None:
    finish_erasure_sweep.call_local()


@app_task()
def finish_erasure_sweep() -> None:
    finish_pending(db.session())


def init_app(app: Flask) -> None:
    """Register DELETE with the SMS channel: number-wide (it is about the number, in every
    partnership), never switched off."""
    # Its messages are confidential once the handler takes them (`mark_confidential`), not
    # as a keyword: a DELETE from a number that sent STOP goes to the inbox and must show
    # there, as it is a request a facilitator answers from the web.
    registry(app).keyword(
        KEYWORD_NAME, sorted(words("delete")), delete, label=LABEL, number_wide=True
    )
