"""Filing grievances and moving them through their stages; officers; deadlines; identities.

Who does what: anyone files (by SMS, the public form, as a member, or through a facilitator);
facilitators and grievance officers handle (stages, category, partner, severity, officer);
only grievance officers see who filed, and each look is written to the audit log. The
complainant is told of each change of stage by SMS in their language when they can be
reached (hsbp.grievances.messages).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from hsbp import audit
from hsbp.auth.models import User
from hsbp.db import utcnow
from hsbp.errors import ServiceError
from hsbp.grievances import codes, messages
from hsbp.grievances.models import (
    CATEGORIES,
    NEXT_STAGES,
    Channel,
    Grievance,
    GrievanceEvent,
    GrievanceOfficer,
    GrievanceSettings,
    Severity,
    Stage,
)
from hsbp.partnerships.models import Membership, Partner, Partnership
from hsbp.security import Role
from hsbp.sms.models import Contact

audit.ACTION_LABELS.update(
    {
        "grievance.file": _l("Grievance received"),
        "grievance.stage": _l("Grievance moved to another stage"),
        "grievance.update": _l("Grievance handling changed"),
        "grievance.identity_view": _l("Identity of a complainant viewed"),
        "grievance.officer_grant": _l("Grievance officer named"),
        "grievance.officer_revoke": _l("Grievance officer role removed"),
    }
)
TEXT_MAX, NOTE_MAX, NAME_MAX = 5000, 2000, 200
CODE_ATTEMPTS = 5


# Officers --------------------------------------------------------------------------------


def is_officer(session: Session, *, user_id: int, partnership_id: int) -> bool:
    return (
        session.scalar(
            select(GrievanceOfficer.id).where(
                GrievanceOfficer.partnership_id == partnership_id,
                GrievanceOfficer.user_id == user_id,
            )
        )
        is not None
    )


def may_handle(session: Session, membership: Membership | None) -> bool:
    """Facilitators and grievance officers move grievances through their stages."""
    if membership is None:
        return False
    return membership.role == Role.FACILITATOR or is_officer(
        session, user_id=membership.user_id, partnership_id=membership.partnership_id
    )


def grant_officer(session: Session, *, actor: User, membership: Membership, user: User):
    """Name `user` (a member of the facilitator's partnership) grievance officer."""
    pid = membership.partnership_id
    if membership.role != Role.FACILITATOR:
        raise ServiceError(_l("Only facilitators name grievance officers."))
    member = session.scalar(
        select(Membership).where(Membership.partnership_id == pid, Membership.user_id == user.id)
    )
    if member is None or member.role == Role.OBSERVER:
        raise ServiceError(
            _l("A grievance officer must be a facilitator or a partner representative here."),
            field="user_id",
        )
    if is_officer(session, user_id=user.id, partnership_id=pid):
        return
    session.add(GrievanceOfficer(partnership_id=pid, user_id=user.id, granted_by_id=actor.id))
    audit.record(
        session,
        actor_id=actor.id,
        action="grievance.officer_grant",
        obj=user,
        partnership_id=pid,
    )


def revoke_officer(session: Session, *, actor: User, membership: Membership, user: User):
    if membership.role != Role.FACILITATOR:
        raise ServiceError(_l("Only facilitators name grievance officers."))
    row = session.scalar(
        select(GrievanceOfficer).where(
            GrievanceOfficer.partnership_id == membership.partnership_id,
            GrievanceOfficer.user_id == user.id,
        )
    )
    if row is None:
        return
    session.delete(row)
    audit.record(
        session,
        actor_id=actor.id,
        action="grievance.officer_revoke",
        obj=user,
        partnership_id=membership.partnership_id,
    )


# Filing ----------------------------------------------------------------------------------


@dataclass
class Complainant:
    """Who filed, as far as they said. Nothing of it is kept for an anonymous grievance,
    except an SMS contact as the way to answer them."""

    contact: Contact | None = None
    user: User | None = None
    name: str = ""
    phone: str = ""
    email: str = ""


def settings_of(session: Session, partnership_id: int) -> GrievanceSettings:
    found = session.scalar(
        select(GrievanceSettings).where(GrievanceSettings.partnership_id == partnership_id)
    )
    if found is None:
        found = GrievanceSettings(partnership_id=partnership_id, public_token=_token())
        session.add(found)
        session.flush()
    return found


def _token() -> str:
    return secrets.token_urlsafe(32)


def file_grievance(
    session: Session,
    *,
    partnership: Partnership,
    channel: str,
    description: str,
    locale: str,
    complainant: Complainant,
    anonymous: bool = False,
    category: str = "other",
    partner_id=None,
    recorded_by: User | None = None,
) -> Grievance:
    """A new grievance at stage "received", with a fresh code. Raises ServiceError when the
    text is empty. Side effects: the grievance, its first event, an audit entry (no identity
    in it), and the code sent by SMS to a reply contact when it came another way."""
    text = (description or "").strip()
    if not text:
        raise ServiceError(_l("Say what happened."), field="description")
    if channel not in {c.value for c in Channel}:
        raise ServiceError(_l("Choose how the grievance was received."), field="channel")
    grievance = Grievance(
        partnership_id=partnership.id,
        channel=channel,
        description=text[:TEXT_MAX],
        locale=locale or partnership.default_locale,
        category=category if category in CATEGORIES else "other",
        partner_id=_partner_id(session, partnership, partner_id),
        anonymous=anonymous,
        contact_id=complainant.contact.id if complainant.contact else None,
        recorded_by_id=recorded_by.id if recorded_by else None,
    )
    if not anonymous:
        grievance.user_id = complainant.user.id if complainant.user else None
        grievance.complainant_name = complainant.name.strip()[:NAME_MAX]
        grievance.complainant_phone = complainant.phone.strip()[:NAME_MAX]
        grievance.complainant_email = complainant.email.strip()[:NAME_MAX]
    _insert_with_code(session, grievance)
    session.add(
        GrievanceEvent(
            partnership_id=partnership.id,
            grievance_id=grievance.id,
            stage_to=Stage.RECEIVED,
            actor_id=recorded_by.id if recorded_by else None,
        )
    )
    if channel != Channel.SMS:
        # By SMS the code is the reply to the REPORT itself (hsbp.grievances.sms).
        messages.tell_receipt(session, grievance)
    audit.record(
        session,
        actor_id=recorded_by.id if recorded_by else None,
        action="grievance.file",
        obj=grievance,
        partnership_id=partnership.id,
        details={"channel": channel, "anonymous": anonymous},
    )
    return grievance


def _partner_id(session: Session, partnership: Partnership, partner_id) -> int | None:
    try:
        wanted = int(partner_id) if partner_id not in (None, "") else None
    except (TypeError, ValueError):
        wanted = None
    if wanted is None:
        return None
    partner = session.get(Partner, wanted)
    if partner is None or partner.partnership_id != partnership.id:
        raise ServiceError(_l("Choose a partner of this partnership."), field="partner_id")
    return wanted


def _insert_with_code(session: Session, grievance: Grievance) -> None:
    for _attempt in range(CODE_ATTEMPTS):
        grievance.code = codes.new_code()
        try:
            with session.begin_nested():
                session.add(grievance)
                session.flush()
            return
        except IntegrityError:
            continue  # the code was taken: one chance in ten million per grievance
    raise RuntimeError("no free grievance code after several attempts")


# Handling --------------------------------------------------------------------------------


def change_stage(
    session: Session,
    *,
    actor: User,
    membership: Membership,
    grievance: Grievance,
    to: str,
    note: str = "",
    referred_to: str = "",
    now: datetime | None = None,
) -> GrievanceEvent:
    """Move the grievance to `to` if the workflow allows it from where it is, and tell the
    complainant. Raises ServiceError (out of order, not allowed, a referral without a forum).
    Side effects: the stage and its date, an event, an audit entry, an SMS to the
    complainant when reachable, and on closing the request to rate the outcome."""
    if not may_handle(session, membership) or membership.partnership_id != grievance.partnership_id:
        raise ServiceError(_l("Only facilitators and grievance officers handle grievances."))
    if to not in NEXT_STAGES.get(grievance.stage, ()):
        raise ServiceError(
            _l("A grievance cannot go to that stage from where it is now."), field="stage"
        )
    referred_to = (referred_to or "").strip()[:NOTE_MAX]
    if to == Stage.REFERRED and not referred_to:
        raise ServiceError(_l("Say to which forum the grievance is referred."), field="referred_to")
    now = now or utcnow()
    before = grievance.stage
    grievance.stage, grievance.stage_changed_at, grievance.escalated_at = to, now, None
    if to == Stage.ACKNOWLEDGED:
        grievance.acknowledged_at = now
    elif to == Stage.RESPONSE_PROPOSED:
        grievance.response_proposed_at = now
    elif to == Stage.REFERRED:
        grievance.referred_to = referred_to
    elif to == Stage.CLOSED:
        grievance.closed_at = now
    event = GrievanceEvent(
        partnership_id=grievance.partnership_id,
        grievance_id=grievance.id,
        stage_from=before,
        stage_to=to,
        note=(note or "").strip()[:NOTE_MAX],
        actor_id=actor.id,
        created_at=now,
    )
    session.add(event)
    session.flush()
    event.told_by_sms = messages.tell_stage(session, grievance)
    audit.record(
        session,
        actor_id=actor.id,
        action="grievance.stage",
        obj=grievance,
        partnership_id=grievance.partnership_id,
        details={"stage": [before, to]},
    )
    return event


def update_handling(
    session: Session,
    *,
    actor: User,
    membership: Membership,
    grievance: Grievance,
    category: str,
    severity: str,
    partner_id,
    officer_id,
) -> Grievance:
    """Category, severity, the partner concerned and the officer assigned (an officer of this
    partnership, or none)."""
    if not may_handle(session, membership) or membership.partnership_id != grievance.partnership_id:
        raise ServiceError(_l("Only facilitators and grievance officers handle grievances."))
    if category not in CATEGORIES:
        raise ServiceError(_l("Choose a category."), field="category")
    if severity not in {s.value for s in Severity}:
        raise ServiceError(_l("Choose a severity."), field="severity")
    partnership = session.get(Partnership, grievance.partnership_id)
    partner = _partner_id(session, partnership, partner_id)
    officer = int(officer_id) if str(officer_id or "").isdigit() else None
    if officer is not None and not is_officer(
        session, user_id=officer, partnership_id=grievance.partnership_id
    ):
        raise ServiceError(_l("Choose one of the grievance officers."), field="officer_id")
    fields = ["category", "severity", "partner_id", "officer_id"]
    before = audit.snapshot(grievance, fields)
    grievance.category, grievance.severity = category, severity
    grievance.partner_id, grievance.officer_id = partner, officer
    audit.record(
        session,
        actor_id=actor.id,
        action="grievance.update",
        obj=grievance,
        partnership_id=grievance.partnership_id,
        details=audit.changes(grievance, fields, before),
    )
    return grievance


# Deadlines ---------------------------------------------------------------------------------


def deadline(grievance: Grievance, settings: GrievanceSettings) -> datetime | None:
    """When the grievance's present stage must be over: acknowledged within
    `acknowledge_days` of receipt, a response proposed within `respond_days` of receipt
    (an appeal included). None once a response is proposed, referred or closed."""
    if grievance.stage == Stage.RECEIVED:
        return grievance.received_at + timedelta(days=settings.acknowledge_days)
    if grievance.stage in (Stage.ACKNOWLEDGED, Stage.ASSESSING, Stage.APPEALED):
        return grievance.received_at + timedelta(days=settings.respond_days)
    return None


def is_overdue(grievance: Grievance, settings: GrievanceSettings, now: datetime) -> bool:
    due = deadline(grievance, settings)
    return due is not None and due < now


# Identity ----------------------------------------------------------------------------------


@dataclass
class Identity:
    name: str
    phone: str
    email: str
    member: str  # the filing member's name


def identity(
    session: Session, *, actor: User, membership: Membership, grievance: Grievance
) -> Identity | None:
    """Who filed the grievance, for a grievance officer of its partnership only; None when
    anonymous. Every look is audited. Raises ServiceError for anyone else."""
    if membership.partnership_id != grievance.partnership_id or not is_officer(
        session, user_id=actor.id, partnership_id=grievance.partnership_id
    ):
        raise ServiceError(_l("Only grievance officers see who filed a grievance."))
    if grievance.anonymous:
        return None
    contact = session.get(Contact, grievance.contact_id) if grievance.contact_id else None
    member = session.get(User, grievance.user_id) if grievance.user_id else None
    audit.record(
        session,
        actor_id=actor.id,
        action="grievance.identity_view",
        obj=grievance,
        partnership_id=grievance.partnership_id,
    )
    return Identity(
        name=grievance.complainant_name,
        phone=grievance.complainant_phone or (contact.phone if contact else ""),
        email=grievance.complainant_email or (member.email if member else ""),
        member=member.name if member else "",
    )
