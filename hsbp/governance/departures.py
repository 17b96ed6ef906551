"""A partner's exit by the leaver protocol: announced with a leaving date, its work handed
over to named partners (hsbp.governance.handover), then settled: the partner's `left_on` is
set only once nothing is left in its name, or when a facilitator overrides with a reason.
On the leaving date its representatives lose their membership, as a removal does.
"""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from hsbp import audit
from hsbp.auth.models import User
from hsbp.db import utcnow
from hsbp.errors import ServiceError
from hsbp.governance import handover
from hsbp.partnerships import members
from hsbp.partnerships.entry_models import Departure, DepartureStatus, Handover
from hsbp.partnerships.models import Membership, Partner, Partnership, zone_of
from hsbp.security import Role

audit.ACTION_LABELS.update(
    {
        "partner.departure": _l("Partner's departure announced"),
        "partner.departure_cancel": _l("Partner's departure cancelled"),
        "partner.leave": _l("Partner left the partnership"),
        "partner.leave_override": _l("Partner left with work not handed over (facilitator)"),
    }
)
REASON_MAX = 2000


def today_in(partnership: Partnership) -> date:
    return datetime.now(zone_of(partnership.timezone)).date()


def get_departure(session: Session, *, partnership_id: int, departure_id: int):
    return session.scalar(
        select(Departure)
        .options(joinedload(Departure.partner))
        .where(Departure.id == departure_id, Departure.partnership_id == partnership_id)
    )


def list_departures(session: Session, *, partnership_id: int) -> list[Departure]:
    """The partnership's departures, open ones first, then by leaving date; one query."""
    return list(
        session.scalars(
            select(Departure)
            .options(joinedload(Departure.partner))
            .where(Departure.partnership_id == partnership_id)
            .order_by(Departure.status != DepartureStatus.OPEN, Departure.leaving_on.desc())
        )
    )


def may_announce(membership: Membership, partner: Partner) -> bool:
    return membership.role == Role.FACILITATOR or (
        membership.role == Role.REPRESENTATIVE and membership.partner_id == partner.id
    )


def announce(
    session: Session,
    *,
    actor: User,
    membership: Membership,
    partnership: Partnership,
    partner_id,
    leaving_on: date | None,
    reason: str = "",
) -> Departure:
    """A facilitator sets a partner's leaving date, or its representative announces it.
    A departure with nothing in the partner's name is settled at once.

    Raises ServiceError (not allowed, a partner that left or is already leaving, a date
    in the past). Side effects: a partner_departures row and an audit entry; on settling,
    what `_settle` does.
    """
    partner = session.get(Partner, partner_id) if isinstance(partner_id, int) else None
    if partner is None or partner.partnership_id != partnership.id:
        raise ServiceError(_l("Choose a partner of this partnership."), field="partner_id")
    if not may_announce(membership, partner):
        raise ServiceError(
            _l("Only a facilitator or the partner's own representatives announce its departure.")
        )
    if not partner.is_current or partner.left_on is not None:
        raise ServiceError(_l("%(partner)s has left the partnership.", partner=partner.name))
    if session.scalar(
        select(Departure.id).where(
            Departure.partnership_id == partnership.id,
            Departure.partner_id == partner.id,
            Departure.status == DepartureStatus.OPEN,
        )
    ):
        raise ServiceError(_l("This partner's departure is already announced."), field="partner_id")
    if leaving_on is None:
        raise ServiceError(_l("Give the leaving date."), field="leaving_on")
    if leaving_on < today_in(partnership):
        raise ServiceError(_l("The leaving date cannot be in the past."), field="leaving_on")
    reason = (reason or "").strip()
    if len(reason) > REASON_MAX:
        raise ServiceError(
            _l("Keep this text under %(count)d characters.", count=REASON_MAX), field="reason"
        )
    departure = Departure(
        partnership_id=partnership.id,
        partner_id=partner.id,
        partner=partner,
        leaving_on=leaving_on,
        reason=reason,
        announced_by_id=actor.id,
    )
    session.add(departure)
    session.flush()
    _record(session, actor, "partner.departure", departure, leaving_on=leaving_on.isoformat())
    settle_if_done(session, actor=actor, departure=departure)
    return departure


def hand_over(session: Session, *, actor: User, departure: Departure, **item) -> Handover:
    """`handover.hand_over`, then settle the departure if nothing is left."""
    row = handover.hand_over(session, actor=actor, departure=departure, **item)
    settle_if_done(session, actor=actor, departure=departure)
    return row


def settle_if_done(session: Session, *, actor: User, departure: Departure) -> bool:
    """Settle an open departure that has nothing left in the partner's name."""
    if departure.status != DepartureStatus.OPEN or handover.work_of(session, departure=departure):
        return False
    _settle(session, actor, departure, override="")
    return True


def settle(
    session: Session, *, actor: User, membership: Membership, departure: Departure, reason: str
) -> None:
    """A facilitator ends the departure now, with the work still to hand over (listed in
    the audit entry) and the reason why. Raises ServiceError (not a facilitator, no reason,
    not open). Side effects: as `_settle`."""
    if membership.role != Role.FACILITATOR:
        raise ServiceError(
            _l("Only a facilitator can let a partner leave with work not handed over.")
        )
    if departure.status != DepartureStatus.OPEN:
        raise ServiceError(_l("This departure is settled already."))
    if settle_if_done(session, actor=actor, departure=departure):
        return
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(
            _l("Say why the partner leaves before its work is handed over."), field="reason"
        )
    if len(reason) > REASON_MAX:
        raise ServiceError(
            _l("Keep this text under %(count)d characters.", count=REASON_MAX), field="reason"
        )
    _settle(session, actor, departure, override=reason)


def _settle(session: Session, actor: User, departure: Departure, *, override: str) -> None:
    """Side effects: the partner's left_on (the leaving date), the departure completed, an
    audit entry (with what was left and why, on an override); when the leaving date has
    come, what `end_representation` does."""
    left = handover.work_of(session, departure=departure) if override else []
    departure.status, departure.completed_at = DepartureStatus.COMPLETED, utcnow()
    departure.partner.left_on = departure.leaving_on
    details = {"leaving_on": departure.leaving_on.isoformat()}
    if override:
        departure.override_reason, departure.overridden_by_id = override, actor.id
        details |= {"reason": override, "left": [f"{w.kind}:{w.item}" for w in left]}
    action = "partner.leave_override" if override else "partner.leave"
    _record(session, actor, action, departure, **details)
    partnership = session.get(Partnership, departure.partnership_id)
    if departure.leaving_on <= today_in(partnership):
        end_representation(session, actor=actor, departure=departure)


def cancel(session: Session, *, actor: User, membership: Membership, departure: Departure) -> None:
    """The partner stays after all. What was handed over stays handed over.
    Side effects: the departure cancelled, an audit entry."""
    if not may_announce(membership, departure.partner):
        raise ServiceError(
            _l("Only a facilitator or the partner's own representatives can do this.")
        )
    if departure.status != DepartureStatus.OPEN:
        raise ServiceError(_l("This departure is settled already."))
    departure.status = DepartureStatus.CANCELLED
    _record(session, actor, "partner.departure_cancel", departure)


def end_representation(session: Session, *, actor: User | None, departure: Departure) -> None:
    """The partner has left: its representatives' memberships end through the members'
    removal (so the rights tied to them end too) and its pending invitations are revoked.
    Side effects: memberships deleted, invitations revoked, their audit entries."""
    if departure.members_removed_at is not None:
        return
    departure.members_removed_at = utcnow()
    actor = actor or session.get(User, departure.overridden_by_id or departure.announced_by_id or 0)
    if actor is None:
        actor = session.scalar(
            select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(
                Membership.partnership_id == departure.partnership_id,
                Membership.role == Role.FACILITATOR,
            )
            .limit(1)
        )
    if actor is None:
        return
    for membership in session.scalars(
        select(Membership).where(
            Membership.partnership_id == departure.partnership_id,
            Membership.partner_id == departure.partner_id,
        )
    ).all():
        members.remove_member(session, actor=actor, membership=membership)
    for invitation in members.pending_invitations(session, partnership_id=departure.partnership_id):
        if invitation.partner_id == departure.partner_id:
            members.revoke_invitation(session, actor=actor, invitation=invitation)
    session.flush()


def end_due_representation(session: Session) -> int:
    """End the representation of every partner whose leaving date has come (a daily task).
    Returns how many departures it ended."""
    due = session.scalars(
        select(Departure)
        .options(joinedload(Departure.partner))
        .where(
            Departure.status == DepartureStatus.COMPLETED,
            Departure.members_removed_at.is_(None),
        )
    ).all()
    ended = 0
    for departure in due:
        partnership = session.get(Partnership, departure.partnership_id)
        if departure.leaving_on <= today_in(partnership):
            end_representation(session, actor=None, departure=departure)
            ended += 1
    return ended


def _record(session: Session, actor: User, action: str, departure: Departure, **details):
    audit.record(
        session,
        actor_id=actor.id if actor else None,
        action=action,
        obj=departure.partner,
        partnership_id=departure.partnership_id,
        details={"partner_id": departure.partner_id, "departure_id": departure.id, **details},
    )
