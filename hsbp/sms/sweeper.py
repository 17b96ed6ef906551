"""The periodic sweep of outgoing SMS left behind by a lost task or a dead worker.

A message is a row before it is a task (see hsbp.sms.sending), so the rows say what is
owed. Two things can strand one: its task never reached the queue, or was dropped with a
killed worker, leaving it "queued"; or its worker died between the claim and Twilio's
answer, leaving it "sending". The first is handed to the queue again. The second is marked
failed and never sent again: Twilio's API cannot tell whether it went, and a second copy to
an at-risk person is worse than a message shown as failed.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from huey import crontab
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from hsbp import db
from hsbp.db import utcnow
from hsbp.extensions import app_task, queue
from hsbp.sms import sending
from hsbp.sms.models import Contact, OutboundMessage, OutboundStatus

log = logging.getLogger("hsbp.sms")

# How long a message may wait "queued" before its task is presumed lost. A retry waits up
# to the longest retry delay (5 minutes) on purpose, so the grace is that plus 5 minutes:
# pending retries are not handed over twice.
QUEUED_GRACE = timedelta(seconds=sending.retry_delay(sending.MAX_ATTEMPTS)) + timedelta(minutes=5)
# How long a message may stay "sending" before its worker is presumed dead. A live one
# records Twilio's answer within HSBP_SMS_SEND_TIMEOUT (10 s) plus the throttle's wait.
SENDING_GRACE = timedelta(minutes=15)
# Queued rows handed back per statement: keeps SQLite's write lock short and a crash in the
# middle of a large recovery costs one batch's tasks, found again after another grace.
BATCH = 500
# Stored raw, as Twilio's own error texts are: the outbox shows statuses and codes.
INTERRUPTED = (
    "interrupted: the worker stopped before Twilio answered; it is not known whether the "
    "message went out, so it was not sent again"
)
CORE = {"synchronize_session": False}
# Repeats the partial index's condition (ix_sms_outbound_unsettled): SQLite uses a partial
# index only when the query names its condition, and the sweep must not read every message.
UNSETTLED = OutboundMessage.status.in_((OutboundStatus.QUEUED, OutboundStatus.SENDING))


def requeue_stale(
    session: Session, *, now: datetime, grace: timedelta = QUEUED_GRACE, limit: int = BATCH
) -> list[int]:
    """Hand the oldest messages queued and untouched for `grace` (at most `limit`) back to
    the queue, and return their ids.

    Side effects: their `updated_at` becomes `now`, so a sweeper running at the same time
    and the next sweeps leave them alone for another `grace`; `send_outbound` is enqueued
    for each after the commit. A message whose first task was only late is still sent
    once: the claim is a conditional UPDATE, and the second task finds nothing to claim.
    A contact who opted out in the meantime is caught there too (the message is cancelled).
    """
    stale = (
        UNSETTLED,
        OutboundMessage.status == OutboundStatus.QUEUED,
        OutboundMessage.updated_at < now - grace,
    )
    oldest = (
        select(OutboundMessage.id)
        .where(*stale)
        .order_by(OutboundMessage.updated_at, OutboundMessage.id)
        .limit(limit)
    )
    # The conditions are repeated on the UPDATE: PostgreSQL checks them again on a row that
    # a concurrent sweeper touched first, and skips it.
    ids = list(
        session.scalars(
            update(OutboundMessage)
            .where(OutboundMessage.id.in_(oldest), *stale)
            .values(updated_at=now)
            .returning(OutboundMessage.id),
            execution_options=CORE,
        )
    )
    if ids:
        log.warning(
            "SMS: %d queued since before %s (ids %d-%d) handed to the queue again",
            len(ids),
            now - grace,
            min(ids),
            max(ids),
        )
        db.after_commit(lambda: _enqueue(ids))
    return ids


def _enqueue(ids: list[int]) -> None:
    for message_id in ids:
        sending.send_outbound(message_id)


def fail_interrupted(
    session: Session, *, now: datetime, grace: timedelta = SENDING_GRACE
) -> list[int]:
    """Mark failed the messages left "sending" for `grace`, and return their ids.

    Side effects: status "failed", no Twilio error code, INTERRUPTED as the error message,
    the text of a confidential one blanked; like every failure, it counts as done in its
    broadcast's progress. One conditional UPDATE, so two sweepers at once fail each message
    once. Should the worker come back after all, its record of "sent" overwrites this, which
    is then the truth.
    """
    ids = list(
        session.scalars(
            update(OutboundMessage)
            .where(
                UNSETTLED,
                OutboundMessage.status == OutboundStatus.SENDING,
                OutboundMessage.updated_at < now - grace,
            )
            .values(
                status=OutboundStatus.FAILED,
                error_code=None,
                error_message=INTERRUPTED,
                updated_at=now,
            )
            .returning(OutboundMessage.id),
            execution_options=CORE,
        )
    )
    if ids:
        log.error(
            "SMS: %d interrupted while sending (ids %d-%d), marked failed, not sent again",
            len(ids),
            min(ids),
            max(ids),
        )
        _blank_confidential(session, ids)
    return ids


def _blank_confidential(session: Session, ids: list[int]) -> None:
    """A confidential text that will never be sent again leaves no copy in the log (a
    training number of the phone simulator keeps its texts, for its screen)."""
    training = select(Contact.id).where(Contact.simulated.is_(True))
    session.execute(
        update(OutboundMessage)
        .where(
            OutboundMessage.id.in_(ids),
            OutboundMessage.confidential.is_(True),
            OutboundMessage.contact_id.not_in(training),
        )
        .values(body=""),
        execution_options=CORE,
    )


@app_task()
def sweep_outbound(batch: int = BATCH) -> None:
    """Fail the interrupted sends, then hand every stale queued message back to the queue,
    `batch` at a time, each batch committed and enqueued before the next is read."""
    now = utcnow()
    fail_interrupted(db.session(), now=now)
    while len(requeue_stale(db.session(), now=now, limit=batch)) == batch:
        db.finish(commit=True)


@queue.periodic_task(crontab(minute="*/5"), name="sms_outbound_sweep")
def sms_outbound_sweep() -> None:
    sweep_outbound.call_local()
