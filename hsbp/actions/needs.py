"""What this feature needs of a person, for "Needs me" and the notifications
(hsbp.notifications): its item providers, registered by init_app (wired in create_app)."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import Flask
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from hsbp.actions.models import (
    CLOSED,
    Action,
    ChecklistSettings,
    action_responsibles,
    action_supporters,
)
from hsbp.actions.public import DUE_SOON_DAYS_MAX
from hsbp.actions.queries import DUE_SOON_DAYS
from hsbp.i18n import translated
from hsbp.notifications import Item, add_provider, path_for
from hsbp.notifications.items import day_text, start_of

ACTION_DUE = "action_due"


def actions_due(session: Session, *, user, memberships, locale: str, now: datetime) -> list[Item]:
    """Open actions due soon (the partnership's "due soon" days) or overdue, by each
    partnership's local date, that `user` is named responsible for or whose lead or
    supporting partner they represent. Two statements for all partnerships."""
    by_partnership = {m.partnership_id: m for m in memberships}
    partner_ids = {m.partner_id for m in memberships if m.partner_id is not None}
    mine = Action.id.in_(
        select(action_responsibles.c.action_id).where(action_responsibles.c.user_id == user.id)
    )
    if partner_ids:
        supported = select(action_supporters.c.action_id).where(
            action_supporters.c.partner_id.in_(partner_ids)
        )
        mine = mine | Action.lead_partner_id.in_(partner_ids) | Action.id.in_(supported)
    # + 1: time zones ahead of UTC; each partnership's own horizon is applied below.
    horizon = now.date() + timedelta(days=DUE_SOON_DAYS_MAX + 1)
    actions = session.scalars(
        select(Action)
        .where(
            Action.partnership_id.in_(by_partnership),
            Action.status.not_in(CLOSED),
            Action.due_on.is_not(None),
            Action.due_on <= horizon,
            mine,
        )
        .order_by(Action.due_on, Action.id)
    ).all()
    if not actions:
        return []
    days = dict(
        session.execute(
            select(ChecklistSettings.partnership_id, ChecklistSettings.due_soon_days).where(
                ChecklistSettings.partnership_id.in_({a.partnership_id for a in actions})
            )
        ).all()
    )
    items = []
    for action in actions:
        partnership = by_partnership[action.partnership_id].partnership
        zone = partnership.zone
        today = now.astimezone(zone).date()
        overdue = action.due_on < today
        if not overdue and action.due_on > today + timedelta(
            days=days.get(action.partnership_id, DUE_SOON_DAYS)
        ):
            continue
        values = {
            "title": translated(action.title, locale=locale, fallback=partnership.default_locale),
            "date": day_text(action.due_on, zone=zone, locale=locale),
        }
        if overdue:
            text = _("“%(title)s” is overdue: it was due on %(date)s.", **values)
        else:
            text = _("“%(title)s” is due on %(date)s.", **values)
        stage = "overdue" if overdue else "soon"
        items.append(
            Item(
                kind=ACTION_DUE,
                # A new due date, or passing it, makes a new item: told again.
                key=f"{ACTION_DUE}:{action.id}:{action.due_on.isoformat()}:{stage}",
                partnership_id=action.partnership_id,
                text=text,
                url=path_for(
                    "actions.detail", partnership_id=action.partnership_id, action_id=action.id
                ),
                due=start_of(action.due_on, zone),
                overdue=overdue,
            )
        )
    return items


def init_app(app: Flask) -> None:
    """Register this feature's item providers with hsbp.notifications."""
    add_provider(app, ACTION_DUE, label=_l("Actions due soon or overdue"), provider=actions_due)
