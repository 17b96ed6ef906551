"""Read-side queries of the checklist: a person's commitments across their partnerships, and
the lists behind the timeline, the print view, the exports and the dashboard.

Each runs a fixed number of queries however many actions there are (related rows are loaded
in bulk), so the pages built on them stay as fast with 500 actions as with 5.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from hsbp.actions.models import (
    CLOSED,
    Action,
    ActionUpdate,
    ChecklistSettings,
    Contribution,
    action_responsibles,
    action_supporters,
)
from hsbp.auth.models import User
from hsbp.partnerships.models import Membership, Partnership, zone_of

DUE_SOON_DAYS = 14  # ChecklistSettings' default, for a partnership that never saved its own

RESPONSIBLE, LEAD, SUPPORTER = "responsible", "lead", "supporter"


def today_in(timezone: str | None) -> date:
    """Today's date where the partnership is: an action due today is not overdue there yet,
    even when it is already tomorrow in UTC."""
    return datetime.now(zone_of(timezone)).date()


def due_soon_days(session: Session, *, partnership_id: int) -> int:
    days = session.scalar(
        select(ChecklistSettings.due_soon_days).where(
            ChecklistSettings.partnership_id == partnership_id
        )
    )
    return DUE_SOON_DAYS if days is None else days


# My commitments -----------------------------------------------------------------------------


@dataclass
class Commitment:
    action: Action
    roles: list[str]  # RESPONSIBLE, LEAD, SUPPORTER: why it is this person's
    overdue: bool
    due_soon: bool


@dataclass
class PartnershipCommitments:
    partnership: Partnership
    membership: Membership
    today: date
    open: list[Commitment] = field(default_factory=list)
    closed: list[Commitment] = field(default_factory=list)


def my_commitments(session: Session, *, user: User) -> list[PartnershipCommitments]:
    """The actions of every partnership `user` is a member of where they are named responsible
    or where the partner they represent there leads or supports, by partnership name. Open
    actions come overdue first, then due soon, then by due date; done and dropped ones apart.
    A partnership they are not a member of (any more) is never looked at."""
    rows = session.execute(
        select(Membership, Partnership)
        .join(Partnership, Partnership.id == Membership.partnership_id)
        .where(Membership.user_id == user.id)
        .order_by(Partnership.name, Partnership.id)
    ).all()
    if not rows:
        return []
    memberships = {m.partnership_id: m for m, _p in rows}
    partner_ids = {m.partner_id for m in memberships.values() if m.partner_id is not None}
    responsible_for = select(action_responsibles.c.action_id).where(
        action_responsibles.c.user_id == user.id
    )
    mine = Action.id.in_(responsible_for)
    if partner_ids:
        supported = select(action_supporters.c.action_id).where(
            action_supporters.c.partner_id.in_(partner_ids)
        )
        mine = mine | Action.lead_partner_id.in_(partner_ids) | Action.id.in_(supported)
    actions = session.scalars(
        select(Action)
        .where(Action.partnership_id.in_(memberships), mine)
        .options(
            selectinload(Action.lead_partner),
            selectinload(Action.supporters),
            selectinload(Action.responsibles),
        )
        .order_by(Action.id)
    ).all()
    days = dict(
        session.execute(
            select(ChecklistSettings.partnership_id, ChecklistSettings.due_soon_days).where(
                ChecklistSettings.partnership_id.in_(memberships)
            )
        ).all()
    )
    groups = {
        p.id: PartnershipCommitments(partnership=p, membership=m, today=today_in(p.timezone))
        for m, p in rows
    }
    for action in actions:
        group = groups[action.partnership_id]
        roles = _roles(action, user, group.membership)
        if not roles:  # a partner id matched in another partnership than its own
            continue
        soon = group.today + timedelta(days=days.get(action.partnership_id, DUE_SOON_DAYS))
        overdue = action.is_overdue(group.today)
        due_soon = (
            not overdue
            and action.status not in CLOSED
            and action.due_on is not None
            and action.due_on <= soon
        )
        item = Commitment(action=action, roles=roles, overdue=overdue, due_soon=due_soon)
        (group.closed if action.status in CLOSED else group.open).append(item)
    for group in groups.values():
        group.open.sort(key=_urgency)
        group.closed.sort(key=lambda c: (c.action.due_on or date.max, c.action.id))
    return [g for g in groups.values() if g.open or g.closed]


def _roles(action: Action, user: User, membership: Membership) -> list[str]:
    roles = []
    if any(person.id == user.id for person in action.responsibles):
        roles.append(RESPONSIBLE)
    partner_id = membership.partner_id
    if partner_id is not None and action.lead_partner_id == partner_id:
        roles.append(LEAD)
    if partner_id is not None and any(p.id == partner_id for p in action.supporters):
        roles.append(SUPPORTER)
    return roles


def _urgency(item: Commitment) -> tuple:
    rank = 0 if item.overdue else 1 if item.due_soon else 2
    return rank, item.action.due_on or date.max, item.action.id


# One partnership's checklist ------------------------------------------------------------------


def actions_with_owners(session: Session, *, partnership_id: int) -> list[Action]:
    """Every action of the partnership with its lead and supporters, by dates then id
    (undated ones last), for the timeline and the print view."""
    return list(
        session.scalars(
            select(Action)
            .where(Action.partnership_id == partnership_id)
            .options(selectinload(Action.lead_partner), selectinload(Action.supporters))
            .order_by(
                func.coalesce(Action.start_on, Action.due_on).is_(None),
                func.coalesce(Action.start_on, Action.due_on),
                Action.due_on.is_(None),
                Action.due_on,
                Action.id,
            )
        )
    )


def by_goal(actions: list[Action], goals: dict[str, dict]) -> list[tuple[str, dict, list]]:
    """[(goal key, its title per locale, its actions)] in the charter's order, then the
    actions that serve no goal under the key "" (order within each kept)."""
    groups: dict[str, list[Action]] = {key: [] for key in [*goals, ""]}
    for action in actions:
        groups[action.goal_key if action.goal_key in goals else ""].append(action)
    return [(key, goals.get(key, {}), rows) for key, rows in groups.items() if rows]


def actions_for_export(session: Session, *, partnership_id: int) -> list[Action]:
    """Every action of the partnership with everything an export row names, by id."""
    return list(
        session.scalars(
            select(Action)
            .where(Action.partnership_id == partnership_id)
            .options(
                selectinload(Action.lead_partner),
                selectinload(Action.supporters),
                selectinload(Action.responsibles),
                selectinload(Action.depends_on),
                selectinload(Action.contributions).selectinload(Contribution.partner),
            )
            .order_by(Action.id)
        )
    )


def last_updates(session: Session, *, partnership_id: int) -> dict[int, datetime]:
    """{action id: time of its latest update} in one query."""
    return dict(
        session.execute(
            select(ActionUpdate.action_id, func.max(ActionUpdate.created_at))
            .where(ActionUpdate.partnership_id == partnership_id)
            .group_by(ActionUpdate.action_id)
        ).all()
    )
