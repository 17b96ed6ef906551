"""The consultations' periodic work: closing consultations whose time is up, ending SMS
conversations left unanswered, inviting contacts who joined an audience since its SMS
invitation, and reminding those who have not finished."""

from __future__ import annotations

from datetime import datetime, timedelta

from huey import crontab
from sqlalchemy import select
from sqlalchemy.orm import Session

from hsbp import db
from hsbp.consultations import invitations, services
from hsbp.consultations.conversation import (
    IN_PROGRESS,
    SMS,
    Talk,
    close_partial,
    send_texts,
    start_next,
    with_note,
)
from hsbp.consultations.models import (
    Consultation,
    Participation,
    Question,
    Status,
)
from hsbp.db import utcnow
from hsbp.extensions import app_task, queue
from hsbp.partnerships.models import Partnership
from hsbp.sms.models import Contact

# Reminders, invitations and conversations started by the task wait for the partnership's
# daytime.
DAY_STARTS, DAY_ENDS = 8, 20


def close_due_consultations(session: Session, *, now: datetime) -> int:
    """Close the open consultations whose closing time has passed. Returns how many."""
    due = session.scalars(
        select(Consultation).where(
            Consultation.status == Status.OPEN,
            Consultation.closes_at.is_not(None),
            Consultation.closes_at <= now,
        )
    ).all()
    for consultation in due:
        services.close_consultation(session, actor=None, consultation=consultation)
    return len(due)


def end_conversations(session: Session, *, now: datetime) -> int:
    """End, as partial, the SMS conversations of closed consultations and those left
    unanswered for the consultation's `stale_days`, and start each contact's next waiting
    one. Partnerships where it is night are left for a later run. Returns how many ended."""
    rows = session.execute(
        select(Participation, Consultation, Contact)
        .join(Consultation, Consultation.id == Participation.consultation_id)
        .join(Contact, Contact.id == Participation.contact_id)
        .where(Participation.state == IN_PROGRESS, Participation.channel == SMS)
        .order_by(Participation.id)
    ).all()
    ended = 0
    for participation, consultation, contact in rows:
        closed = consultation.status == Status.CLOSED
        quiet_since = now - timedelta(days=consultation.stale_days)
        stale = (participation.last_activity_at or participation.invited_at) <= quiet_since
        if not (closed or stale) or not _daytime(session, consultation, now):
            continue
        # Cut off by the closing: the place is kept, so they are told if they write again.
        close_partial(Talk.of(session, participation, contact), keep_place=closed)
        start_next(session, contact)
        ended += 1
    return ended


def invite_newcomers(session: Session, *, now: datetime) -> int:
    """Invite by SMS, as a facilitator inviting again would, the contacts who entered the
    audience of an open consultation since its contacts were first invited. Partnerships
    where it is night are left for a later run. Returns how many were invited."""
    open_ones = session.scalars(
        select(Consultation).where(Consultation.status == Status.OPEN).order_by(Consultation.id)
    ).all()
    return sum(
        invitations.invite_newcomers(session, consultation=consultation)
        for consultation in open_ones
        if _daytime(session, consultation, now)
    )


def send_reminders(session: Session, *, now: datetime) -> int:
    """Send the current question again to those who have not answered for the
    consultation's `reminder_days`, nor been reminded since. Returns how many."""
    rows = session.execute(
        select(Participation, Consultation, Contact)
        .join(Consultation, Consultation.id == Participation.consultation_id)
        .join(Contact, Contact.id == Participation.contact_id)
        .where(
            Participation.state == IN_PROGRESS,
            Participation.channel == SMS,
            Participation.current_question_id.is_not(None),
            Consultation.status == Status.OPEN,
            Consultation.reminder_days > 0,
            Contact.opted_out.is_(False),
        )
        .order_by(Participation.id)
    ).all()
    sent = 0
    for participation, consultation, contact in rows:
        heard = participation.last_activity_at or participation.invited_at
        last = max(heard, participation.reminded_at or heard)
        if now - last < timedelta(days=consultation.reminder_days):
            continue
        if not _daytime(session, consultation, now):
            continue
        question = session.get(Question, participation.current_question_id)
        if question.retired:
            continue  # its successor is asked at the next reply
        talk = Talk.of(session, participation, contact)
        send_texts(talk, [with_note(talk.text("reminder"), talk.question_message(question))])
        participation.reminded_at = now
        sent += 1
    return sent


def _daytime(session: Session, consultation: Consultation, now: datetime) -> bool:
    """Whether it is day where the partnership is: nobody gets a question at night."""
    partnership = session.get(Partnership, consultation.partnership_id)
    return DAY_STARTS <= now.astimezone(partnership.zone).hour < DAY_ENDS


@app_task()
def sweep_consultation_sms() -> None:
    """Close due consultations, end forgotten conversations, invite newcomers, send
    reminders."""
    session = db.session()
    now = utcnow()
    close_due_consultations(session, now=now)
    session.flush()
    end_conversations(session, now=now)
    invite_newcomers(session, now=now)
    send_reminders(session, now=now)


@queue.periodic_task(crontab(minute="7"), name="consultation_sms_hourly")
def consultation_sms_hourly() -> None:
    sweep_consultation_sms.call_local()
