"""Members of a partnership: invitations by e-mail, accepting them, roles, the translator
permission, and removal.

Features that grant rights tied to a member's role (grievance officers) register a listener
with `on_membership_change`; it runs inside the change's own transaction, so the rights end
together with the role or not at all.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from flask import Flask, current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from hsbp import audit, mail
from hsbp.auth.models import User
from hsbp.auth.services import create_user, find_user_by_email, normalise_email
from hsbp.db import utcnow
from hsbp.errors import ServiceError
from hsbp.partnerships.models import Invitation, Membership, Partner, Partnership
from hsbp.paths import public_url
from hsbp.security import Role

LISTENERS_KEY = "hsbp.membership_listeners"

audit.ACTION_LABELS.update(
    {
        "membership.translator_grant": _l("Member may write the SMS texts in local languages"),
        "membership.translator_revoke": _l(
            "Member may no longer write the SMS texts in local languages"
        ),
    }
)


@dataclass(frozen=True)
class MembershipChange:
    """A member's role or partner changed, or the member was removed (`removed`)."""

    membership: Membership
    actor: User
    old_role: str
    old_partner_id: int | None
    removed: bool = False


Listener = Callable[[Session, MembershipChange], str | None]


def on_membership_change(app: Flask, callback: Listener) -> None:
    """Call `callback(session, change)` on every change of role or partner and every removal
    of a member, in the same transaction; it may return a (translated) notice for the
    facilitator who made the change, such as rights that ended with it."""
    listeners = app.extensions.setdefault(LISTENERS_KEY, [])
    if callback not in listeners:
        listeners.append(callback)


def _tell_listeners(session: Session, change: MembershipChange) -> list[str]:
    notices = (
        callback(session, change) for callback in current_app.extensions.get(LISTENERS_KEY, ())
    )
    return [notice for notice in notices if notice]


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _check_role(session: Session, partnership_id: int, role: str, partner_id: int | None):
    if role not in set(Role):
        raise ServiceError(_l("Choose a role from the list."), field="role")
    if role != Role.REPRESENTATIVE:
        return None
    partner = session.scalar(
        select(Partner).where(
            Partner.id == (partner_id or 0), Partner.partnership_id == partnership_id
        )
    )
    if partner is None:
        raise ServiceError(
            _l("A partner representative must speak for a partner of this partnership."),
            field="partner_id",
        )
    return partner.id


def list_members(session: Session, *, partnership_id: int) -> list[Membership]:
    return list(
        session.scalars(
            select(Membership)
            .options(joinedload(Membership.user), joinedload(Membership.partner))
            .join(User, User.id == Membership.user_id)
            .where(Membership.partnership_id == partnership_id)
            .order_by(User.name)
        )
    )


def pending_invitations(session: Session, *, partnership_id: int) -> list[Invitation]:
    return list(
        session.scalars(
            select(Invitation)
            .options(joinedload(Invitation.partner))
            .where(
                Invitation.partnership_id == partnership_id,
                Invitation.accepted_at.is_(None),
                Invitation.revoked_at.is_(None),
                Invitation.expires_at > utcnow(),
            )
            .order_by(Invitation.created_at.desc())
        )
    )


def get_membership(session: Session, *, partnership_id: int, membership_id: int):
    return session.scalar(
        select(Membership).where(
            Membership.id == membership_id, Membership.partnership_id == partnership_id
        )
    )


def invite_member(
    session: Session,
    *,
    actor: User,
    partnership: Partnership,
    email: str,
    role: str,
    partner_id: int | None = None,
) -> Invitation:
    """Invite `email` to the partnership with `role`, replacing an earlier pending invitation.

    Side effects: an invitations row, an e-mail with the one copy of the link (after the
    commit), an audit entry.
    """
    email = normalise_email(email)
    partner_id = _check_role(session, partnership.id, role, partner_id)
    already = session.scalar(
        select(Membership.id)
        .join(User, User.id == Membership.user_id)
        .where(Membership.partnership_id == partnership.id, func.lower(User.email) == email)
    )
    if already:
        raise ServiceError(_l("This person is already a member."), field="email")
    for old in pending_invitations(session, partnership_id=partnership.id):
        if old.email == email:
            old.revoked_at = utcnow()
    token = secrets.token_urlsafe(32)
    invitation = Invitation(
        partnership_id=partnership.id,
        email=email,
        role=role,
        partner_id=partner_id,
        token_hash=_token_hash(token),
        invited_by_id=actor.id,
        expires_at=utcnow() + timedelta(seconds=current_app.config["INVITATION_MAX_AGE"]),
    )
    session.add(invitation)
    session.flush()
    audit.record(
        session,
        actor_id=actor.id,
        action="invitation.create",
        obj=invitation,
        partnership_id=partnership.id,
        details={"email": email, "role": role, "partner_id": partner_id},
    )
    existing = find_user_by_email(session, email)
    with force_locale((existing and existing.locale) or partnership.default_locale):
        subject = _("Invitation to the partnership %(name)s", name=partnership.name)
        body = _(
            "%(inviter)s invites you to take part in the partnership %(name)s on hsbp.\n\n"
            "To accept, open this link within %(days)d days:\n%(link)s",
            inviter=actor.name,
            name=partnership.name,
            days=current_app.config["INVITATION_MAX_AGE"] // 86400,
            link=public_url("partnerships.accept_invitation", token=token),
        )
    link = public_url("partnerships.accept_invitation", token=token)
    mail.queue_email(session, to=email, subject=subject, body=body, secret=link)
    return invitation


def invitation_for_token(session: Session, token: str) -> Invitation:
    invitation = session.scalar(
        select(Invitation).where(Invitation.token_hash == _token_hash(token))
    )
    if invitation is None or invitation.revoked_at is not None:
        raise ServiceError(_l("This invitation is not valid. Ask the facilitator for a new one."))
    if invitation.accepted_at is not None:
        raise ServiceError(_l("This invitation has already been accepted."))
    if invitation.expires_at <= utcnow():
        raise ServiceError(_l("This invitation has expired. Ask the facilitator for a new one."))
    return invitation


def accept_invitation(session: Session, *, token: str, user: User) -> Membership:
    """Make `user` a member as the invitation says. Only the invited address may accept.

    Side effects: a memberships row, the invitation marked accepted, an audit entry.
    """
    invitation = invitation_for_token(session, token)
    if normalise_email(user.email) != invitation.email:
        raise ServiceError(
            _l("This invitation was sent to another e-mail address. Sign in with that address.")
        )
    membership = session.scalar(
        select(Membership).where(
            Membership.partnership_id == invitation.partnership_id, Membership.user_id == user.id
        )
    )
    if membership is None:
        membership = Membership(partnership_id=invitation.partnership_id, user_id=user.id)
        session.add(membership)
    membership.role, membership.partner_id = invitation.role, invitation.partner_id
    invitation.accepted_at = utcnow()
    session.flush()
    audit.record(
        session,
        actor_id=user.id,
        action="membership.create",
        obj=membership,
        partnership_id=invitation.partnership_id,
        details={"role": invitation.role, "partner_id": invitation.partner_id},
    )
    return membership


def accept_invitation_new_account(
    session: Session, *, token: str, name: str, password: str, locale: str | None
) -> User:
    """Create the invited person's account and accept the invitation in one step."""
    invitation = invitation_for_token(session, token)
    user = create_user(session, email=invitation.email, name=name, password=password, locale=locale)
    accept_invitation(session, token=token, user=user)
    return user


def revoke_invitation(session: Session, *, actor: User, invitation: Invitation) -> None:
    invitation.revoked_at = utcnow()
    audit.record(
        session,
        actor_id=actor.id,
        action="invitation.revoke",
        obj=invitation,
        partnership_id=invitation.partnership_id,
        details={"email": invitation.email},
    )


def get_pending_invitation(session: Session, *, partnership_id: int, invitation_id: int):
    return session.scalar(
        select(Invitation).where(
            Invitation.id == invitation_id,
            Invitation.partnership_id == partnership_id,
            Invitation.accepted_at.is_(None),
            Invitation.revoked_at.is_(None),
        )
    )


def _facilitators_left(session: Session, partnership_id: int, without: Membership) -> int:
    return session.scalar(
        select(func.count())
        .select_from(Membership)
        .where(
            Membership.partnership_id == partnership_id,
            Membership.role == Role.FACILITATOR,
            Membership.id != without.id,
        )
    )


def change_member(
    session: Session, *, actor: User, membership: Membership, role: str, partner_id: int | None
) -> list[str]:
    """Change a member's role (and partner). A partnership always keeps one facilitator.

    Side effects: the membership, an audit entry, and whatever the membership listeners do
    (a grievance officer's rights end). Returns the listeners' notices for the actor."""
    partner_id = _check_role(session, membership.partnership_id, role, partner_id)
    if (
        membership.role == Role.FACILITATOR
        and role != Role.FACILITATOR
        and not _facilitators_left(session, membership.partnership_id, membership)
    ):
        raise ServiceError(_l("A partnership needs at least one facilitator."), field="role")
    before = audit.snapshot(membership, ["role", "partner_id"])
    membership.role, membership.partner_id = role, partner_id
    diff = audit.changes(membership, ["role", "partner_id"], before)
    notices = []
    if diff:
        notices = _tell_listeners(
            session,
            MembershipChange(
                membership=membership,
                actor=actor,
                old_role=before["role"],
                old_partner_id=before["partner_id"],
            ),
        )
        audit.record(
            session,
            actor_id=actor.id,
            action="membership.update",
            obj=membership,
            partnership_id=membership.partnership_id,
            details=diff,
        )
    return notices


def set_translator(
    session: Session, *, actor: User, membership: Membership, translator: bool
) -> bool:
    """Give a member the permission to write the partnership's SMS texts in its local
    languages (hsbp.sms.local_text_admin), or take it back; facilitators have it by their
    role. Returns whether anything changed. Side effects: the flag, an audit entry."""
    if bool(membership.translator) == translator:
        return False
    membership.translator = translator
    audit.record(
        session,
        actor_id=actor.id,
        action="membership.translator_grant" if translator else "membership.translator_revoke",
        obj=membership,
        partnership_id=membership.partnership_id,
        details={"user_id": membership.user_id},
    )
    return True


def remove_member(session: Session, *, actor: User, membership: Membership) -> list[str]:
    """Side effects: deletes the membership; an audit entry keeps who it was; the listeners
    end whatever rights came with it. Returns the listeners' notices for the actor."""
    if membership.role == Role.FACILITATOR and not _facilitators_left(
        session, membership.partnership_id, membership
    ):
        raise ServiceError(_l("A partnership needs at least one facilitator."))
    notices = _tell_listeners(
        session,
        MembershipChange(
            membership=membership,
            actor=actor,
            old_role=membership.role,
            old_partner_id=membership.partner_id,
            removed=True,
        ),
    )
    audit.record(
        session,
        actor_id=actor.id,
        action="membership.delete",
        obj=membership,
        partnership_id=membership.partnership_id,
        details={"user_id": membership.user_id, "role": membership.role},
    )
    session.delete(membership)
    return notices
