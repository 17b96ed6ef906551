"""What the account pages read: accounts with their partnerships and second-factor state, in a
fixed number of queries whatever the number of rows."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from sqlalchemy import exists, func, or_, select
from sqlalchemy.orm import Session, aliased

from hsbp.audit import AuditEntry
from hsbp.auth.models import User, UserSession
from hsbp.grievances import officers as grievance_officers
from hsbp.grievances.models import GrievanceOfficer
from hsbp.partnerships.models import Membership, Partnership
from hsbp.security import Role

PER_PAGE = 50
SEARCH_MAX = 254
# Account events shown on an account's page, newest first.
HISTORY_SHOWN = 20


class SecondFactor(enum.StrEnum):
    """An account's second factor as the list shows it."""

    ON = "on"
    OFF = "off"
    # Site administrators, facilitators, grievance officers and members of a partnership
    # that asks it of everyone must sign in with one, and this account has none yet.
    MISSING = "missing"


class State(enum.StrEnum):
    ACTIVE = "active"
    DEACTIVATED = "deactivated"


@dataclass(frozen=True)
class PartnershipRole:
    """A partnership the account is a member of, and what it is there."""

    partnership_id: int
    name: str
    role: str
    officer: bool
    # The partnership asks a second factor of every member.
    asks_second_factor: bool


@dataclass
class AccountRow:
    user: User
    required: bool
    partnerships: list[PartnershipRole] = field(default_factory=list)

    @property
    def required_because(self) -> list[str]:
        """Why a second factor is required of the account: any of "site_admin",
        "facilitator", "officer", "partnership" (one asks it of every member)."""
        reasons = ["site_admin"] if self.user.is_site_admin else []
        for reason, holds in (
            ("facilitator", lambda p: p.role == Role.FACILITATOR),
            ("officer", lambda p: p.officer),
            ("partnership", lambda p: p.asks_second_factor),
        ):
            if any(holds(p) for p in self.partnerships):
                reasons.append(reason)
        return reasons

    @property
    def second_factor(self) -> SecondFactor:
        if self.user.totp_confirmed_at is not None:
            return SecondFactor.ON
        return SecondFactor.MISSING if self.required else SecondFactor.OFF


@dataclass
class AccountFilter:
    q: str = ""
    state: str = ""
    second_factor: str = ""

    def where(self) -> list:
        clauses = []
        needle = self.q.strip()[:SEARCH_MAX]
        if needle:
            # Case folding of the database: every letter on PostgreSQL, ASCII on SQLite.
            clauses.append(
                or_(
                    User.name.icontains(needle, autoescape=True),
                    User.email.icontains(needle, autoescape=True),
                )
            )
        if self.state in set(State):
            clauses.append(User.active.is_(self.state == State.ACTIVE))
        if self.second_factor == SecondFactor.ON:
            clauses.append(User.totp_confirmed_at.is_not(None))
        elif self.second_factor == SecondFactor.OFF:
            clauses.append(User.totp_confirmed_at.is_(None))
        elif self.second_factor == SecondFactor.MISSING:
            clauses.extend([User.totp_confirmed_at.is_(None), second_factor_required()])
        return clauses


def _officer_anywhere():
    # The grievances feature's own rule of when an officer's rights still hold, so an officer
    # whose role changed since being named is not counted.
    return exists(
        select(Membership.id)
        .join(GrievanceOfficer, grievance_officers.holds_rights())
        .where(Membership.user_id == User.id)
    )


def second_factor_required():
    """SQL, correlated to `User`: the account must sign in with a second factor (a site
    administrator, a facilitator or grievance officer anywhere, or a member of a partnership
    that asks it of every member)."""
    facilitator = exists(
        select(Membership.id).where(
            Membership.user_id == User.id, Membership.role == Role.FACILITATOR
        )
    )
    asked = exists(
        select(Membership.id)
        .join(Partnership, Partnership.id == Membership.partnership_id)
        .where(Membership.user_id == User.id, Partnership.require_two_factor.is_(True))
    )
    return or_(User.is_site_admin.is_(True), facilitator, _officer_anywhere(), asked)


def list_accounts(
    session: Session, *, filters: AccountFilter, page: int = 1, per_page: int = PER_PAGE
) -> tuple[list[AccountRow], int]:
    """One page of accounts by name, and how many match: three queries whatever the page."""
    clauses = filters.where()
    total = session.scalar(select(func.count()).select_from(User).where(*clauses)) or 0
    found = session.execute(
        select(User, second_factor_required().label("required"))
        .where(*clauses)
        .order_by(User.name, User.id)
        .limit(per_page)
        .offset((max(page, 1) - 1) * per_page)
    ).all()
    rows = [AccountRow(user=user, required=bool(required)) for user, required in found]
    _add_partnerships(session, rows)
    return rows, total


def account(session: Session, *, user_id: int) -> AccountRow | None:
    """One account as the list shows it, or None for an unknown id."""
    found = session.execute(
        select(User, second_factor_required().label("required")).where(User.id == user_id)
    ).first()
    if found is None:
        return None
    row = AccountRow(user=found[0], required=bool(found[1]))
    _add_partnerships(session, [row])
    return row


def _add_partnerships(session: Session, rows: list[AccountRow]) -> None:
    by_user = {row.user.id: row for row in rows}
    if not by_user:
        return
    found = session.execute(
        select(
            Membership.user_id,
            Partnership.id,
            Partnership.name,
            Membership.role,
            GrievanceOfficer.id.is_not(None),
            Partnership.require_two_factor,
        )
        .join(Partnership, Partnership.id == Membership.partnership_id)
        .outerjoin(GrievanceOfficer, grievance_officers.holds_rights())
        .where(Membership.user_id.in_(by_user))
        .order_by(Partnership.name, Partnership.id)
    )
    for user_id, partnership_id, name, role, officer, asks in found:
        by_user[user_id].partnerships.append(
            PartnershipRole(partnership_id, name, role, bool(officer), bool(asks))
        )


def open_session_count(session: Session, *, user_id: int) -> int:
    return (
        session.scalar(
            select(func.count())
            .select_from(UserSession)
            .where(UserSession.user_id == user_id, UserSession.ended_at.is_(None))
        )
        or 0
    )


def sole_facilitator_of(session: Session, *, user_id: int) -> list[tuple[int, str]]:
    """(id, name) of the partnerships, by name, where `user_id` is the only facilitator whose
    account is active: they would be left with nobody to run them."""
    other = aliased(Membership)
    someone_else = exists(
        select(other.id)
        .join(User, User.id == other.user_id)
        .where(
            other.partnership_id == Membership.partnership_id,
            other.role == Role.FACILITATOR,
            other.user_id != user_id,
            User.active.is_(True),
        )
    )
    return [
        (pid, name)
        for pid, name in session.execute(
            select(Partnership.id, Partnership.name)
            .join(Membership, Membership.partnership_id == Partnership.id)
            .where(
                Membership.user_id == user_id,
                Membership.role == Role.FACILITATOR,
                ~someone_else,
            )
            .order_by(Partnership.name, Partnership.id)
        )
    ]


def member_of(session: Session, *, user_id: int, partnership_ids: list[int]) -> set[int]:
    """Which of `partnership_ids` `user_id` is a member of (whose members page they may open)."""
    if not partnership_ids:
        return set()
    return set(
        session.scalars(
            select(Membership.partnership_id).where(
                Membership.user_id == user_id, Membership.partnership_id.in_(partnership_ids)
            )
        )
    )


def history(session: Session, *, user_id: int) -> list[AuditEntry]:
    """The latest account-wide entries about `user_id` (created, changed, deactivated...),
    newest first; entries of a partnership stay in its own log."""
    return list(
        session.scalars(
            select(AuditEntry)
            .where(
                AuditEntry.object_type == "User",
                AuditEntry.object_id == user_id,
                AuditEntry.partnership_id.is_(None),
            )
            .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
            .limit(HISTORY_SHOWN)
        )
    )
