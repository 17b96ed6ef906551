"""Monitoring's periodic work: closing pulse rounds and SMS polls past their closing time, and
asking contacts who waited behind another SMS conversation once they are free."""

from __future__ import annotations

from datetime import datetime

from huey import crontab
from sqlalchemy import select
from sqlalchemy.orm import Session

from hsbp import db
from hsbp.db import utcnow
from hsbp.extensions import app_task, queue
from hsbp.monitoring import polls, pulses, sms_turns
from hsbp.monitoring.poll_models import PollReply, ReplyState
from hsbp.monitoring.pulse_models import PulseRound, PulseTalk, RoundStatus, TalkState
from hsbp.sms.models import Contact


def close_due_rounds(session: Session, *, now: datetime) -> int:
    """Close every open round past its closing time (ending its SMS conversations); how many."""
    due = session.scalars(
        select(PulseRound).where(PulseRound.status == RoundStatus.OPEN, PulseRound.closes_at <= now)
    ).all()
    for pulse_round in due:
        pulses.close_round(session, pulse_round)
    return len(due)


def start_waiting(session: Session) -> int:
    """Ask the contacts whose pulse or poll waits behind a conversation that has ended since;
    how many started."""
    waiting = set(
        session.scalars(select(PulseTalk.contact_id).where(PulseTalk.state == TalkState.WAITING))
    ) | set(
        session.scalars(select(PollReply.contact_id).where(PollReply.state == ReplyState.WAITING))
    )
    started = 0
    for contact_id in sorted(waiting):
        contact = session.get(Contact, contact_id)
        if contact is None or contact.opted_out or sms_turns.busy(session, contact_id):
            continue
        # Not a reply to anything: the texts go out from the conversation's own number.
        sms_turns.start_next(session, contact, replying_for=None)
        started += int(sms_turns.busy(session, contact_id))
    return started


@app_task()
def sweep_monitoring_sms() -> None:
    session = db.session()
    now = utcnow()
    close_due_rounds(session, now=now)
    polls.close_due(session, now=now)
    start_waiting(session)


# Every ten minutes: a poll or a round closes at any time, and a contact freed from a
# consultation should not wait long for the next question.
@queue.periodic_task(crontab(minute="*/10"), name="monitoring_sms_sweep")
def monitoring_sms_sweep() -> None:
    sweep_monitoring_sms.call_local()
