"""The demo's checklist for the Caguán partnership: 16 actions across its partners, made and
moved through the services, with dates around today so some are always overdue and due soon.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from hsbp.actions import checks, public, services
from hsbp.actions.demo_data import ACTIONS, LOCALITIES
from hsbp.actions.models import ActionUpdate, Evidence
from hsbp.auth.models import User
from hsbp.db import utcnow
from hsbp.partnerships.models import Membership, Partner, Partnership
from hsbp.sms import updates
from hsbp.sms.models import ContactMembership


def seed(session: Session, *, partnership: Partnership, facilitator: User) -> None:
    """Make the checklist through the services, as the facilitator, then backdate its
    history so the timeline and the overdue lists look lived in."""
    today = date.today()
    partners = {
        p.name: p
        for p in session.scalars(select(Partner).where(Partner.partnership_id == partnership.id))
    }
    people = {
        u.email.split(".")[0]: u
        for u in session.scalars(
            select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.partnership_id == partnership.id)
        )
    }
    goal_keys = {
        title.get("es"): key
        for key, title in checks.goals(session, partnership_id=partnership.id).items()
    }
    membership = session.scalar(
        select(Membership).where(
            Membership.partnership_id == partnership.id, Membership.user_id == facilitator.id
        )
    )
    made = {}
    for row in ACTIONS:
        (
            key,
            es,
            en,
            goal,
            lead,
            supporters,
            start,
            due,
            status,
            progress,
            principles,
            targets,
            budget,
            responsible,
            depends,
            reason,
        ) = row
        action = services.create_action(
            session,
            actor=facilitator,
            membership=membership,
            partnership=partnership,
            fields={
                "title": {"es": es, "en": en},
                "description": {},
                "goal_key": goal_keys.get(goal, ""),
                "lead_partner_id": partners[lead].id,
                "supporter_ids": [partners[name].id for name in supporters],
                "responsible_ids": [people[name].id for name in responsible if name in people],
                "start_on": today + timedelta(days=start),
                "due_on": today + timedelta(days=due),
                "status": "planned",
                "progress": 0,
                "principles": principles,
                "sdg_targets": targets,
                "budget": budget or "",
                "currency": "COP" if budget else "",
                "contributions": _contributions(partners, lead, supporters, budget),
                "depends_on_ids": [made[k].id for k in depends],
                "localities": LOCALITIES.get(key, []),
                "comment": "Acordada en la mesa de la alianza.",
            },
        )
        made[key] = action
        if status != "planned":
            _move(session, facilitator, membership, action, status, progress, reason)
        _backdate(session, action, today + timedelta(days=start))
    session.add(
        Evidence(
            partnership_id=partnership.id,
            action_id=made["mesa"].id,
            kind="link",
            title="Acta de instalación de la mesa de tierras",
            url="https://example.org/caguan/acta-mesa-tierras",
            added_by_id=facilitator.id,
        )
    )
    public.save_settings(
        session,
        actor=facilitator,
        partnership=partnership,
        public_page=True,
        remind_days_before=7,
        due_soon_days=14,
    )
    # A few of the demo's SMS contacts asked for news, so a done action can be told.
    joined = session.scalars(
        select(ContactMembership)
        .where(ContactMembership.partnership_id == partnership.id)
        .order_by(ContactMembership.id)
        .limit(6)
    ).all()
    for membership_row in joined:
        updates.set_updates(
            session,
            contact=membership_row.contact,
            partnership_id=partnership.id,
            wanted=True,
            channel="sms",
        )
    session.flush()


def _contributions(partners, lead, supporters, budget) -> list[dict]:
    if not budget:
        return []
    rows = [{"partner_id": partners[lead].id, "kind": "cash", "amount": budget, "currency": "COP"}]
    rows += [
        {"partner_id": partners[name].id, "kind": "in_kind", "description": "Apoyo en especie"}
        for name in supporters[:1]
    ]
    return rows


def _move(session, facilitator, membership, action, status, progress, reason) -> None:
    """Reach `status` the way a partnership does: started first, then where it is now."""
    services.report_progress(
        session,
        actor=facilitator,
        membership=membership,
        action=action,
        status="in_progress",
        progress=min(progress, 30) or 10,
        comment="Arrancó el trabajo en campo.",
    )
    if (status, progress) != ("in_progress", min(progress, 30) or 10):
        services.report_progress(
            session,
            actor=facilitator,
            membership=membership,
            action=action,
            status=status,
            progress=progress,
            reason=reason,
            comment="Informe de la reunión de seguimiento.",
        )


def _backdate(session: Session, action, started: date) -> None:
    """Spread the action's updates from its start to today, a few weeks apart."""
    updates = session.scalars(
        select(ActionUpdate).where(ActionUpdate.action_id == action.id).order_by(ActionUpdate.id)
    ).all()
    now = utcnow()
    span = max((date.today() - started).days, len(updates))
    for index, update in enumerate(updates):
        days_ago = span - index * span // max(len(updates), 1)
        update.created_at = now - timedelta(days=max(days_ago, 0))
    if action.done_at is not None and updates:
        action.done_at = updates[-1].created_at
