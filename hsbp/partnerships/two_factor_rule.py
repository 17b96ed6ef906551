"""Who needs a second factor because of a partnership: its facilitators, and every member of
a partnership that asks it of all (hsbp.auth.two_factor)."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import exists, or_, select
from sqlalchemy.orm import Session

from hsbp.auth import two_factor
from hsbp.auth.models import User
from hsbp.partnerships.models import Membership, Partnership
from hsbp.security import Role


def facilitator_or_member_of_strict_partnership(session: Session, user: User) -> bool:
    """A facilitator of any partnership, or a member of one with require_two_factor."""
    return bool(
        session.scalar(
            select(
                exists()
                .where(Membership.user_id == user.id)
                .where(Partnership.id == Membership.partnership_id)
                .where(
                    or_(
                        Membership.role == Role.FACILITATOR,
                        Partnership.require_two_factor.is_(True),
                    )
                )
            )
        )
    )


def init_app(app: Flask) -> None:
    two_factor.add_requirement_rule(facilitator_or_member_of_strict_partnership)
