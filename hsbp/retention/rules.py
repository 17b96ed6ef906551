"""The five retention rules: what each selects in one partnership at a given time, and how it
removes one batch of it (the fifth, audit details, lives in hsbp.retention.audit_details).

Every rule is a list of steps, one per table it touches. A step selects the ids of what is due
(`due`), oldest id first, and removes one batch of them with a statement that checks the same
conditions again, so a row that changed in between (a consultation opened again, a message
taken back into the inbox) is left as it is. Nothing of a grievance that is not closed is
touched: its contact's messages and the audit entries about it wait until it closes.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from hsbp.actions import uploads
from hsbp.actions.models import Action, ActionStatus, ActionUpdate, Evidence
from hsbp.consultations.models import Answer, Consultation, Response
from hsbp.consultations.models import Status as ConsultationStatus
from hsbp.db import Sealed
from hsbp.grievances.models import Grievance, Stage
from hsbp.grievances.sms import RATING_WINDOW
from hsbp.retention import audit_details
from hsbp.retention.scope import (
    Rule,
    Scope,
    Step,
    months_before,
    open_grievance_contacts,
    selecting,
)
from hsbp.sms.models import InboundMessage, OutboundMessage, OutboundStatus

# Written as it is, never encrypted: an empty column holds no ciphertext whose length or key
# could say anything, and it reads back as "" (hsbp.db.EncryptedString).
BLANK = Sealed("")

# Outgoing messages whose fate is settled: nothing will send them again.
FINAL_STATUSES = (
    OutboundStatus.SENT,
    OutboundStatus.DELIVERED,
    OutboundStatus.FAILED,
    OutboundStatus.UNDELIVERED,
    # Never sent for want of consent: its body is kept no longer than a sent one's.
    OutboundStatus.WITHHELD,
    OutboundStatus.CANCELLED,
)


def sms_cutoff(scope: Scope) -> datetime:
    return scope.now - timedelta(days=scope.schedule.sms_body_days)


def identity_cutoff(scope: Scope) -> datetime:
    # Never while the complainant may still rate the outcome: the rating is matched to the
    # grievance by its contact (hsbp.grievances.sms), so it needs the link a while.
    return min(
        months_before(scope.now, scope.schedule.grievance_identity_months),
        scope.now - RATING_WINDOW,
    )


def consultation_cutoff(scope: Scope) -> datetime:
    return scope.now - timedelta(days=scope.schedule.consultation_raw_days)


def evidence_cutoff(scope: Scope) -> datetime:
    return scope.now - timedelta(days=scope.schedule.dropped_evidence_days)


# 1. SMS bodies --------------------------------------------------------------------------


def _inbound_due(scope: Scope) -> list:
    kept = open_grievance_contacts(scope.partnership_id)
    return [
        InboundMessage.partnership_id == scope.partnership_id,
        InboundMessage.route != "",
        InboundMessage.received_at < sms_cutoff(scope),
        InboundMessage.body_removed_at.is_(None),
        or_(InboundMessage.in_inbox.is_(False), InboundMessage.handled_at.is_not(None)),
        or_(InboundMessage.contact_id.is_(None), InboundMessage.contact_id.not_in(kept)),
    ]


def _remove_inbound(session: Session, scope: Scope, ids: list[int]) -> int:
    return _update(
        session,
        update(InboundMessage)
        .where(InboundMessage.id.in_(ids), *_inbound_due(scope))
        .values(body=BLANK, body_removed_at=scope.now),
    )


def _outbound_due(scope: Scope) -> list:
    kept = open_grievance_contacts(scope.partnership_id)
    return [
        OutboundMessage.partnership_id == scope.partnership_id,
        OutboundMessage.status.in_([str(status) for status in FINAL_STATUSES]),
        OutboundMessage.created_at < sms_cutoff(scope),
        OutboundMessage.body_removed_at.is_(None),
        OutboundMessage.contact_id.not_in(kept),
    ]


def _remove_outbound(session: Session, scope: Scope, ids: list[int]) -> int:
    # updated_at is kept: it tells when the delivery status last changed, not this.
    return _update(
        session,
        update(OutboundMessage)
        .where(OutboundMessage.id.in_(ids), *_outbound_due(scope))
        .values(body=BLANK, body_removed_at=scope.now, updated_at=OutboundMessage.updated_at),
    )


# 2. Identities of closed grievances ---------------------------------------------------------


def _grievance_due(scope: Scope) -> list:
    return [
        Grievance.partnership_id == scope.partnership_id,
        Grievance.stage == Stage.CLOSED,
        func.coalesce(Grievance.closed_at, Grievance.stage_changed_at) < identity_cutoff(scope),
        Grievance.identity_removed_at.is_(None),
    ]


def _remove_identities(session: Session, scope: Scope, ids: list[int]) -> int:
    return _update(
        session,
        update(Grievance)
        .where(Grievance.id.in_(ids), *_grievance_due(scope))
        .values(
            complainant_name=BLANK,
            complainant_phone=BLANK,
            complainant_email=BLANK,
            contact_id=None,
            user_id=None,
            identity_removed_at=scope.now,
        ),
    )


# 3. Raw SMS of closed consultations ----------------------------------------------------------


def _answer_due(scope: Scope) -> list:
    closed = select(Consultation.id).where(
        Consultation.partnership_id == scope.partnership_id,
        Consultation.status == ConsultationStatus.CLOSED,
        Consultation.closes_at < consultation_cutoff(scope),
    )
    return [
        Answer.response_id.in_(select(Response.id).where(Response.consultation_id.in_(closed))),
        Answer.raw.is_not(None),
    ]


def _remove_raw(session: Session, scope: Scope, ids: list[int]) -> int:
    return _update(
        session, update(Answer).where(Answer.id.in_(ids), *_answer_due(scope)).values(raw=None)
    )


# 4. Files of dropped actions ---------------------------------------------------------------


def _dropped_at():
    """When the action was last dropped: its latest update to "dropped", or, for an action
    made dropped without one, its last change."""
    last_drop = (
        select(func.max(ActionUpdate.created_at))
        .where(ActionUpdate.action_id == Action.id, ActionUpdate.status_to == ActionStatus.DROPPED)
        .correlate(Action)
        .scalar_subquery()
    )
    return func.coalesce(last_drop, Action.updated_at)


def _evidence_due(scope: Scope) -> list:
    cutoff = evidence_cutoff(scope)
    dropped = select(Action.id).where(
        Action.partnership_id == scope.partnership_id,
        Action.status == ActionStatus.DROPPED,
        _dropped_at() < cutoff,
    )
    return [
        Evidence.partnership_id == scope.partnership_id,
        Evidence.kind == "file",
        Evidence.stored_name != "",
        Evidence.action_id.in_(dropped),
        # A file added after the action was dropped gets its own full period.
        Evidence.added_at < cutoff,
    ]


def _remove_files(session: Session, scope: Scope, ids: list[int]) -> int:
    rows = session.execute(
        select(Evidence.id, Evidence.stored_name)
        .where(Evidence.id.in_(ids), *_evidence_due(scope))
        .with_for_update()
    ).all()
    if not rows:
        return 0
    session.execute(
        update(Evidence)
        .where(Evidence.id.in_([row.id for row in rows]))
        .values(stored_name="")
        .execution_options(synchronize_session=False)
    )
    for row in rows:
        try:
            path: Path = uploads.path_of(scope.partnership_id, row.stored_name)
        except FileNotFoundError:  # not a name the uploads make: there is no file to delete
            continue
        # Deleted once the batch commits, so a rolled-back batch keeps every file.
        uploads.delete_after_commit(session, path)
    return len(rows)


# ---------------------------------------------------------------------------------------------


def _update(session: Session, statement) -> int:
    # Rows loaded in the session are not refreshed: the runner holds none of them.
    return session.execute(statement.execution_options(synchronize_session=False)).rowcount


RULES = (
    Rule(
        "sms_bodies",
        "sms_body_days",
        (
            Step(selecting(InboundMessage.id, _inbound_due), _remove_inbound),
            Step(selecting(OutboundMessage.id, _outbound_due), _remove_outbound),
        ),
    ),
    Rule(
        "grievance_identities",
        "grievance_identity_months",
        (Step(selecting(Grievance.id, _grievance_due), _remove_identities),),
    ),
    Rule(
        "consultation_raw",
        "consultation_raw_days",
        (Step(selecting(Answer.id, _answer_due), _remove_raw),),
    ),
    Rule(
        "dropped_evidence",
        "dropped_evidence_days",
        (Step(selecting(Evidence.id, _evidence_due), _remove_files),),
    ),
    Rule(
        "audit_details",
        "audit_detail_years",
        (audit_details.STEP,),
    ),
)
