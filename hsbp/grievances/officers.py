"""Grievance officers: who may see who filed a grievance and handle it, and who must stay out.

An officer's rights last only while they hold, in that partnership, the role they had when
named: a facilitator or a partner representative, or an observer with no partner named as an
independent officer. Removing the member, or changing their role or partner, ends the rights
at once (a listener of hsbp.partnerships.members); a member invited back later is no officer
until named again. An officer who represents the partner a grievance concerns stays out of
it (recusal): they are not assigned to it, do not see who filed it and do not move it.
"""

from __future__ import annotations

from typing import NamedTuple

from flask import Flask
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session, selectinload

from hsbp import audit
from hsbp.auth.models import User
from hsbp.db import utcnow
from hsbp.errors import ServiceError
from hsbp.grievances.models import Grievance, GrievanceOfficer, Stage
from hsbp.partnerships import members
from hsbp.partnerships.models import Membership, Partner
from hsbp.security import Role

audit.ACTION_LABELS.update(
    {
        "grievance.officer_grant": _l("Grievance officer named"),
        "grievance.officer_revoke": _l("Grievance officer role removed"),
    }
)
# Roles whose members may be named officer under that role; an observer only as independent.
OFFICER_ROLES = (Role.FACILITATOR, Role.REPRESENTATIVE)
# Why officer rights ended, as the audit entry says it.
REVOKED, MEMBER_REMOVED, ROLE_CHANGED, PARTNER_CHANGED = (
    "revoked",
    "member_removed",
    "role_changed",
    "partner_changed",
)


def holds_rights():
    """SQL joining a GrievanceOfficer row to the membership that still carries its rights."""
    return and_(
        Membership.partnership_id == GrievanceOfficer.partnership_id,
        Membership.user_id == GrievanceOfficer.user_id,
        Membership.role == GrievanceOfficer.role,
        # Named during this membership: a member removed and invited back is no officer
        # until named again, even if a row outlived the old membership.
        GrievanceOfficer.granted_at >= Membership.created_at,
        or_(
            and_(
                GrievanceOfficer.independent.is_(False),
                GrievanceOfficer.role.in_(OFFICER_ROLES),
            ),
            and_(
                GrievanceOfficer.independent.is_(True),
                GrievanceOfficer.role == Role.OBSERVER,
                Membership.partner_id.is_(None),
            ),
        ),
    )


# Who is an officer, and for which grievance ---------------------------------------------------


def officer_membership(session: Session, *, user_id: int, partnership_id: int):
    """The membership through which `user_id` is a grievance officer of the partnership now,
    or None."""
    return session.scalar(
        select(Membership)
        .join(GrievanceOfficer, holds_rights())
        .where(Membership.partnership_id == partnership_id, Membership.user_id == user_id)
    )


def is_officer(session: Session, *, user_id: int, partnership_id: int) -> bool:
    return officer_membership(session, user_id=user_id, partnership_id=partnership_id) is not None


def conflicted(membership: Membership | None, grievance: Grievance) -> bool:
    """The member represents the partner the grievance concerns."""
    return (
        membership is not None
        and membership.partner_id is not None
        and membership.partner_id == grievance.partner_id
    )


def may_handle(
    session: Session, membership: Membership | None, grievance: Grievance | None = None
) -> bool:
    """Facilitators and grievance officers move grievances through their stages; for a given
    `grievance`, not one who represents the partner it concerns."""
    if membership is None:
        return False
    if grievance is not None and (
        membership.partnership_id != grievance.partnership_id or conflicted(membership, grievance)
    ):
        return False
    return membership.role == Role.FACILITATOR or is_officer(
        session, user_id=membership.user_id, partnership_id=membership.partnership_id
    )


def may_see_identity(session: Session, membership: Membership | None, grievance: Grievance):
    """A grievance officer of the grievance's partnership who does not represent the partner
    it concerns."""
    return (
        membership is not None
        and membership.partnership_id == grievance.partnership_id
        and not conflicted(membership, grievance)
        and is_officer(
            session, user_id=membership.user_id, partnership_id=membership.partnership_id
        )
    )


# The officers of a partnership ----------------------------------------------------------------


class Officer(NamedTuple):
    """A current officer: their row and the membership that carries the rights."""

    row: GrievanceOfficer
    membership: Membership

    @property
    def user(self) -> User:
        return self.row.user

    @property
    def partner(self) -> Partner | None:
        return self.membership.partner


def current_officers(session: Session, *, partnership_id: int) -> list[Officer]:
    """The partnership's grievance officers whose rights hold, by name; two queries."""
    rows = session.execute(
        select(GrievanceOfficer, Membership)
        .join(Membership, holds_rights())
        .join(User, User.id == GrievanceOfficer.user_id)
        .where(GrievanceOfficer.partnership_id == partnership_id)
        .options(selectinload(GrievanceOfficer.user), selectinload(Membership.partner))
        .order_by(User.name, User.id)
    ).all()
    return [Officer(row, membership) for row, membership in rows]


def free_for(officers: list[Officer], partner_id: int | None) -> list[Officer]:
    """The officers who may handle a grievance concerning `partner_id` (None: no partner)."""
    return [o for o in officers if partner_id is None or o.membership.partner_id != partner_id]


def partners_without_free_officer(officers: list[Officer]) -> list[Partner]:
    """Partners whose grievances no officer may handle, as every officer represents them.
    Empty when there is no officer at all (nobody handles anything: said apart)."""
    if not officers:
        return []
    partners = {o.membership.partner_id for o in officers}
    if len(partners) != 1 or None in partners:
        return []
    return [officers[0].partner]


def candidates(session: Session, *, partnership_id: int) -> list[Membership]:
    """Members who may be named officer and are not one now, by name: facilitators, partner
    representatives, and observers without a partner (as independent officers)."""
    named = (
        select(GrievanceOfficer.user_id)
        .join(Membership, holds_rights())
        .where(GrievanceOfficer.partnership_id == partnership_id)
    )
    return list(
        session.scalars(
            select(Membership)
            .join(User, User.id == Membership.user_id)
            .where(
                Membership.partnership_id == partnership_id,
                or_(
                    Membership.role.in_(OFFICER_ROLES),
                    and_(Membership.role == Role.OBSERVER, Membership.partner_id.is_(None)),
                ),
                Membership.user_id.not_in(named),
                User.active.is_(True),
            )
            .options(selectinload(Membership.user), selectinload(Membership.partner))
            .order_by(User.name, User.id)
        )
    )


# Naming and removing officers ----------------------------------------------------------------


def must_confirm(member: Membership) -> bool:
    """Naming this member asks the facilitator first: a partner representative stays out of
    their partner's grievances, yet sees who filed every other one."""
    return member.role == Role.REPRESENTATIVE


def _facilitator_only(membership: Membership) -> None:
    if membership.role != Role.FACILITATOR:
        raise ServiceError(_l("Only facilitators name grievance officers."))


def grant_officer(
    session: Session,
    *,
    actor: User,
    membership: Membership,
    user_id: int,
    confirm_recusal: bool = False,
) -> GrievanceOfficer:
    """Name the member `user_id` grievance officer of the facilitator's partnership, under
    their present role: a facilitator or partner representative, or an observer without a
    partner as an independent officer. A representative is named only with
    `confirm_recusal`, as they must stay out of the grievances about their partner.

    Raises ServiceError (not a facilitator, not a member who may be named, no confirmation).
    Side effects: the officer row (one that outlived its rights is renewed) and an audit
    entry; nothing when the member is an officer already."""
    _facilitator_only(membership)
    pid = membership.partnership_id
    member = session.scalar(
        select(Membership)
        .where(Membership.partnership_id == pid, Membership.user_id == user_id)
        .options(selectinload(Membership.user), selectinload(Membership.partner))
    )
    independent = member is not None and member.role == Role.OBSERVER
    if member is None or (independent and member.partner_id is not None):
        raise ServiceError(_l("Choose a member from the list."), field="user_id")
    if must_confirm(member) and not confirm_recusal:
        raise ServiceError(
            _l(
                "%(name)s represents %(partner)s. Confirm that they stay out of the grievances "
                "concerning it.",
                name=member.user.name,
                partner=member.partner.name,
            ),
            field="confirm_recusal",
        )
    row = session.scalar(
        select(GrievanceOfficer).where(
            GrievanceOfficer.partnership_id == pid, GrievanceOfficer.user_id == user_id
        )
    )
    if row is not None and is_officer(session, user_id=user_id, partnership_id=pid):
        return row
    if row is None:
        row = GrievanceOfficer(partnership_id=pid, user_id=user_id)
        session.add(row)
    row.role, row.independent = member.role, independent
    row.granted_by_id, row.granted_at = actor.id, utcnow()
    session.flush()
    audit.record(
        session,
        actor_id=actor.id,
        action="grievance.officer_grant",
        obj=member.user,
        partnership_id=pid,
        details={"role": str(member.role), "independent": independent},
    )
    return row


def officer_row(session: Session, *, partnership_id: int, user_id: int):
    """The officer row of `user_id` in this partnership, or None (ids elsewhere reveal nothing)."""
    return session.scalar(
        select(GrievanceOfficer)
        .where(
            GrievanceOfficer.partnership_id == partnership_id,
            GrievanceOfficer.user_id == user_id,
        )
        .options(selectinload(GrievanceOfficer.user))
    )


def revoke_officer(session: Session, *, actor: User, membership: Membership, user_id: int) -> bool:
    """End the officer rights of `user_id` in the facilitator's partnership. Returns False
    when they had none. Side effects: as `_end`."""
    _facilitator_only(membership)
    return _end(
        session,
        actor_id=actor.id,
        partnership_id=membership.partnership_id,
        user_id=user_id,
        reason=REVOKED,
    )


def open_assigned(session: Session, *, partnership_id: int, user_id: int) -> list[Grievance]:
    """The open grievances of the partnership assigned to `user_id`: those left without an
    officer when their rights end."""
    return list(
        session.scalars(
            select(Grievance).where(
                Grievance.partnership_id == partnership_id,
                Grievance.officer_id == user_id,
                Grievance.stage != Stage.CLOSED,
            )
        )
    )


def _end(session: Session, *, actor_id: int | None, partnership_id: int, user_id: int, reason):
    """Delete the officer row, take the officer off the open grievances assigned to them, and
    write one audit entry with the reason and those grievances' ids."""
    row = officer_row(session, partnership_id=partnership_id, user_id=user_id)
    if row is None:
        return False
    assigned = open_assigned(session, partnership_id=partnership_id, user_id=user_id)
    for grievance in assigned:
        grievance.officer_id = None
    details: dict = {"reason": reason}
    if assigned:
        details["unassigned"] = sorted(g.id for g in assigned)
    audit.record(
        session,
        actor_id=actor_id,
        action="grievance.officer_revoke",
        obj=row.user,
        partnership_id=partnership_id,
        details=details,
    )
    session.delete(row)
    session.flush()
    return True


def membership_changed(session: Session, change: members.MembershipChange) -> str | None:
    """The listener of hsbp.partnerships.members: any removal, change of role or change of
    partner ends the member's officer rights. Returns the notice for the facilitator."""
    membership = change.membership
    if change.removed:
        reason = MEMBER_REMOVED
    elif membership.role != change.old_role:
        reason = ROLE_CHANGED
    elif membership.partner_id != change.old_partner_id:
        reason = PARTNER_CHANGED
    else:
        return None
    ended = _end(
        session,
        actor_id=change.actor.id,
        partnership_id=membership.partnership_id,
        user_id=membership.user_id,
        reason=reason,
    )
    if not ended:
        return None
    name = membership.user.name
    if change.removed:
        return str(_l("%(name)s was a grievance officer: those rights ended too.", name=name))
    return str(
        _l(
            "%(name)s is no longer a grievance officer: the rights ended with the change of "
            "role or partner. Name them again on the officers page if they should keep them.",
            name=name,
        )
    )


def init_app(app: Flask) -> None:
    members.on_membership_change(app, membership_changed)


def is_officer_anywhere(session: Session, user_id: int) -> bool:
    """Whether `user_id` is a grievance officer of any partnership now: who may be assigned
    grievances, and so offered their notifications."""
    return (
        session.scalar(
            select(Membership.id)
            .join(GrievanceOfficer, holds_rights())
            .where(Membership.user_id == user_id)
            .limit(1)
        )
        is not None
    )
