"""Filing grievances and moving them through their stages; deadlines; identities.

Who does what: anyone files (by SMS, the public form, as a member, or through a facilitator);
facilitators and grievance officers handle (stages, category, partner, severity, officer),
except one who represents the partner a grievance concerns (hsbp.grievances.officers); only
grievance officers see who filed, and each look is written to the audit log. The
complainant is told of each change of stage by SMS in their language when their grievance
has an SMS contact as its reply channel: the one it came from by SMS, or one a facilitator
chose on purpose while recording it (hsbp.grievances.messages). A phone typed on a web form
is never looked up: it is kept for the officers to call.
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
from hsbp.db import id_or_none, utcnow
from hsbp.errors import ServiceError
from hsbp.grievances import codes, messages, officers
from hsbp.grievances.models import (
    CATEGORIES,
    NEXT_STAGES,
    Channel,
    Grievance,
    GrievanceEvent,
    GrievanceSettings,
    Severity,
    Stage,
)
from hsbp.partnerships.models import Membership, Partner, Partnership
from hsbp.sms import contacts
from hsbp.sms.models import Contact, MembershipStatus

audit.ACTION_LABELS.update(
    {
        "grievance.file": _l("Grievance received"),
        "grievance.stage": _l("Grievance moved to another stage"),
        "grievance.update": _l("Grievance handling changed"),
        "grievance.identity_view": _l("Identity of a complainant viewed"),
    }
)
TEXT_MAX, NOTE_MAX, NAME_MAX = 5000, 2000, 200
CODE_ATTEMPTS = 5


# Filing ----------------------------------------------------------------------------------


@dataclass
class Complainant:
    """Who filed, as far as they said. Nothing of it is kept for an anonymous grievance,
    except an SMS contact as the way to answer them. `phone` is text for the officers only;
    only `contact` ever receives an SMS."""

    contact: Contact | None = None
    user: User | None = None
    name: str = ""
    phone: str = ""
    email: str = ""


def joined_contact(session: Session, *, partnership_id: int, phone: str) -> Contact:
    """The SMS contact of `phone` (E.164) if it joined this partnership from its own phone
    and takes messages: the only number a recorded grievance may send its news to. Raises
    ServiceError otherwise, in the same words whatever the reason. Reads only."""
    contact = contacts.find_contact(session, phone)
    joined = (
        contacts.membership(session, contact=contact, partnership_id=partnership_id)
        if contact is not None and not contact.opted_out
        else None
    )
    if joined is None or joined.status != MembershipStatus.CONFIRMED:
        raise ServiceError(
            _l(
                "This number does not take the partnership's SMS messages, so it cannot get "
                "the news of the grievance. Untick the box, or ask the complainant to join "
                "by SMS first."
            ),
            field="sms_updates",
        )
    return contact


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
        # Whether news goes by SMS, never which contact: it would name an anonymous one.
        details={
            "channel": channel,
            "anonymous": anonymous,
            "sms_reply": grievance.contact_id is not None,
        },
    )
    return grievance


def as_id(value) -> int | None:
    """The row id written in `value` (plain ASCII digits, within what the databases hold), or
    None: int() alone takes "²", " 7 " and 10**30, which no row has. PostgreSQL's INTEGER
    ends at 2**31 - 1 (hsbp.db.id_or_none)."""
    return id_or_none(value)


def _partner_id(session: Session, partnership: Partnership, partner_id) -> int | None:
    if partner_id in (None, ""):
        return None
    wanted = as_id(partner_id)
    partner = session.get(Partner, wanted) if wanted is not None else None
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

RECUSED = _l(
    "You represent the partner this grievance concerns, so another officer handles it: you "
    "see only its facts, as the other representatives of your partner do."
)
NOT_A_HANDLER = _l("Only facilitators and grievance officers handle grievances.")


def _check_handler(session: Session, membership: Membership, grievance: Grievance) -> None:
    if officers.may_handle(session, membership, grievance):
        return
    if officers.conflicted(membership, grievance) and officers.may_handle(session, membership):
        raise ServiceError(RECUSED)
    raise ServiceError(NOT_A_HANDLER)


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
    _check_handler(session, membership, grievance)
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
) -> int | None:
    """Category, severity, the partner concerned and the officer assigned: a grievance
    officer of this partnership who does not represent that partner, or none. An officer
    already assigned who represents the partner now named is taken off it (recusal).

    Raises ServiceError (not a handler, a value not offered, an officer who may not be
    assigned). Side effects: the grievance (marked assessed the first time) and an audit
    entry. Returns the id of the officer taken off by recusal, or None."""
    _check_handler(session, membership, grievance)
    if category not in CATEGORIES:
        raise ServiceError(_l("Choose a category."), field="category")
    if severity not in {s.value for s in Severity}:
        raise ServiceError(_l("Choose a severity."), field="severity")
    partnership = session.get(Partnership, grievance.partnership_id)
    partner = _partner_id(session, partnership, partner_id)
    officer = as_id(officer_id) if officer_id not in (None, "") else None
    recused = None
    if officer_id not in (None, ""):
        carrier = officers.officer_membership(
            session, user_id=officer or 0, partnership_id=grievance.partnership_id
        )
        if carrier is None:
            raise ServiceError(_l("Choose one of the grievance officers."), field="officer_id")
        if carrier.partner_id is not None and carrier.partner_id == partner:
            if officer != grievance.officer_id:
                raise ServiceError(
                    _l(
                        "This officer represents the partner the grievance concerns and may "
                        "not handle it. Choose another officer."
                    ),
                    field="officer_id",
                )
            recused, officer = officer, None
    fields = ["category", "severity", "partner_id", "officer_id"]
    before = audit.snapshot(grievance, fields)
    grievance.category, grievance.severity = category, severity
    grievance.partner_id, grievance.officer_id = partner, officer
    if grievance.assessed_at is None:
        grievance.assessed_at = utcnow()
    details = audit.changes(grievance, fields, before)
    if recused is not None:
        details["recused_officer_id"] = recused
    audit.record(
        session,
        actor_id=actor.id,
        action="grievance.update",
        obj=grievance,
        partnership_id=grievance.partnership_id,
        details=details,
    )
    return recused


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
    """Who filed the grievance, for a grievance officer of its partnership who does not
    represent the partner it concerns; None when anonymous. Raises ServiceError for anyone
    else. Side effect: every look is written to the audit log."""
    if membership.user_id != actor.id or not officers.may_see_identity(
        session, membership, grievance
    ):
        if officers.conflicted(membership, grievance) and officers.is_officer(
            session, user_id=membership.user_id, partnership_id=membership.partnership_id
        ):
            raise ServiceError(
                _l(
                    "You represent the partner this grievance concerns, so you may not see "
                    "who filed it. Another grievance officer handles it."
                )
            )
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
