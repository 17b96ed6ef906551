"""The sweep of outgoing SMS left behind by a lost task, a dead worker or an outage.

A message is a row before it is a task (see hsbp.sms.sending), so the rows say what is
owed. `hsbp worker` sweeps every SWEEP_SECONDS in a thread of its own (OutboundSweeper),
which goes on while the queue is out of reach; the queue's consumer sweeps every five
minutes too, a safety net where no such thread runs. Two things strand a message:

- "queued" with no task to run it: its task never reached the queue (out of reach), or was
  lost with it (Redis restarted empty) or with a killed worker. A queued row's `updated_at`
  says when its task is due, so a retry waiting for its turn is left alone. Overdue by
  QUEUED_GRACE, a message may still have its task waiting behind a long broadcast: the
  sweep hands over only as many as the queue lacks (overdue messages less tasks waiting),
  the oldest first, so a backlog is not doubled and a Redis restarted empty is refilled at
  once. The send claims the row with one conditional UPDATE: a task that was only late
  finds nothing to claim, and a message handed over twice is sent once.
- "sending" with no live send: a worker killed in the middle, a database gone before
  Twilio's answer was recorded, a time-out. Once a live send would have had its answer
  (outcome.sending_grace), Twilio is asked whether it has the message (hsbp.sms.outcome):
  then it is recorded as sent, or queued again; Twilio out of reach, the next sweep asks.
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import datetime, timedelta

from flask import Flask, current_app
from huey import crontab
from sqlalchemy import func, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from hsbp import db
from hsbp.db import utcnow
from hsbp.extensions import app_task, queue
from hsbp.sms import outcome, sending
from hsbp.sms.models import OutboundMessage, OutboundStatus

log = logging.getLogger("hsbp.sms")

# How often `hsbp worker` sweeps. With QUEUED_GRACE, a message whose task was lost is
# handed over again within 15 s of its due time, and one left "sending" is looked into 5 s
# at most after a live send would have had its answer.
SWEEP_SECONDS = 5.0
# While the database is out of reach, how often the sweeper looks whether it is back: the
# first sweep after an outage hands over at once what the outage held up.
RETRY_SECONDS = 2.0
# How long past its due time a queued message waits for its task before it is presumed lost.
QUEUED_GRACE = timedelta(seconds=10)
# The grace of a "sending" message with the default HSBP_SMS_SEND_TIMEOUT of 10 s;
# outcome.sending_grace(config) is the one in force.
SENDING_GRACE = timedelta(seconds=10) + outcome.MARGIN
# Queued rows handed back per statement: keeps SQLite's write lock short and a crash in the
# middle of a large recovery costs one batch's tasks, found again after another grace.
BATCH = 500
# "Sending" rows looked into per sweep, each one request to Twilio.
SETTLE_BATCH = 50
CORE = {"synchronize_session": False}
# Repeats the partial index's condition (ix_sms_outbound_unsettled): SQLite uses a partial
# index only when the query names its condition, and the sweep must not read every message.
UNSETTLED = OutboundMessage.status.in_((OutboundStatus.QUEUED, OutboundStatus.SENDING))


def requeue_stale(
    session: Session, *, now: datetime, grace: timedelta = QUEUED_GRACE, limit: int = BATCH
) -> list[int]:
    """Hand the messages queued whose task is overdue by `grace` (the oldest, at most
    `limit`) back to the queue, and return their ids.

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
    handed = session.execute(
        update(OutboundMessage)
        .where(OutboundMessage.id.in_(oldest), *stale)
        .values(updated_at=now)
        .returning(OutboundMessage.id, OutboundMessage.sender),
        execution_options=CORE,
    ).all()
    if handed:
        ids = [message_id for message_id, _sender in handed]
        log.warning(
            "SMS: %d queued with no task since before %s (ids %d-%d) handed to the queue again",
            len(ids),
            now - grace,
            min(ids),
            max(ids),
        )
        db.after_commit(lambda: _enqueue(handed))
    return [message_id for message_id, _sender in handed]


def _enqueue(handed: list) -> None:
    for message_id, sender in handed:
        sending.hand_over(sending.send_outbound, (message_id, sender))


def settle_interrupted(*, now: datetime, limit: int = SETTLE_BATCH, budget: float = SWEEP_SECONDS):
    """Ask Twilio about the messages left "sending" past their grace (the oldest, at most
    `limit`, for about `budget` seconds) and return {id: verdict}. Stops at the first that
    Twilio cannot be asked about: the others would only wait for it as well.

    Side effects: each is recorded as sent or queued again (and handed to the queue), or
    failed after too many attempts; see sending.settle.
    """
    grace = outcome.sending_grace(current_app.config)
    ids = list(
        db.session().scalars(
            select(OutboundMessage.id)
            .where(
                UNSETTLED,
                OutboundMessage.status == OutboundStatus.SENDING,
                OutboundMessage.updated_at < now - grace,
            )
            .order_by(OutboundMessage.updated_at, OutboundMessage.id)
            .limit(limit)
        )
    )
    db.finish(commit=True)
    verdicts = {}
    deadline = time.monotonic() + budget
    for message_id in ids:
        verdicts[message_id] = sending.settle(message_id, now=now)
        if verdicts[message_id] == outcome.Verdict.UNKNOWN or time.monotonic() > deadline:
            break
    return verdicts


def tasks_lacking(session: Session, *, now: datetime, grace: timedelta = QUEUED_GRACE) -> int:
    """How many overdue queued messages have no task waiting in the queue, at least: those
    overdue by `grace`, less the tasks ready in the queue (of any kind, so it errs towards
    handing over too few, and the next sweep hands over the rest)."""
    overdue = session.scalar(
        select(func.count())
        .select_from(OutboundMessage)
        .where(
            UNSETTLED,
            OutboundMessage.status == OutboundStatus.QUEUED,
            OutboundMessage.updated_at < now - grace,
        )
    )
    return max(overdue - queue.pending_count(), 0) if overdue else 0


@app_task()
def sweep_outbound(batch: int = BATCH) -> None:
    """Hand the queued messages whose task is lost back to the queue, `batch` at a time,
    each batch committed and enqueued before the next is read; then settle the interrupted
    sends by asking Twilio. A queue out of reach is left for the next sweep."""
    now = utcnow()
    try:
        lacking = tasks_lacking(db.session(), now=now)
    except SQLAlchemyError:
        raise
    except Exception as error:  # the queue is out of reach: nothing could be handed over
        log.warning("SMS sweep: the queue is out of reach (%s)", type(error).__name__)
        lacking = 0
    db.finish(commit=True)
    while lacking > 0:
        handed = requeue_stale(db.session(), now=now, limit=min(batch, lacking))
        db.finish(commit=True)
        lacking = lacking - len(handed) if len(handed) == min(batch, lacking) else 0
    settle_interrupted(now=now)


class OutboundSweeper(threading.Thread):
    """The thread of `hsbp worker` that sweeps at once, then every `interval` seconds (every
    RETRY_SECONDS while a sweep fails). A thread rather than a queued task: it must run
    while the queue is out of reach (that is when tasks are lost), and the queue's periodic
    tasks run once a minute at most."""

    def __init__(self, app: Flask, interval: float = SWEEP_SECONDS):
        super().__init__(name="hsbp-sms-sweeper", daemon=True)
        self.app, self.interval = app, interval
        self._stopping = threading.Event()
        self._failing = False

    def stop(self) -> None:
        self._stopping.set()

    def run(self) -> None:
        while True:
            swept = self.sweep_once()
            if self._stopping.wait(self.interval if swept else min(self.interval, RETRY_SECONDS)):
                return

    def sweep_once(self) -> bool:
        """One sweep; False if it failed (the database out of reach), logged in one line."""
        try:
            with self.app.app_context():
                sweep_outbound.call_local()
        except Exception as error:
            # Said once per outage, not every RETRY_SECONDS.
            level = logging.DEBUG if self._failing else logging.WARNING
            log.log(level, "SMS sweep: %s; trying again", str(error).split("\n")[0])
            self._failing = True
            return False
        if self._failing:
            log.warning("SMS sweep: working again")
            self._failing = False
        return True


@queue.periodic_task(crontab(minute="*/5"), name="sms_outbound_sweep")
def sms_outbound_sweep() -> None:
    sweep_outbound.call_local()
