"""What this feature needs of a person, for "Needs me" and the notifications
(hsbp.notifications): its item providers, registered by init_app (wired in create_app)."""

from __future__ import annotations

from datetime import datetime

from flask import Flask
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from hsbp.grievances import officers, services
from hsbp.grievances.models import Grievance, GrievanceSettings, Stage
from hsbp.notifications import Item, add_provider, path_for
from hsbp.notifications.items import day_text

GRIEVANCE_ASSIGNED = "grievance_assigned"
# The stages in which the officer, not the complainant or an outside forum, must act next.
WAITING_ON_OFFICER = (
    Stage.RECEIVED,
    Stage.ACKNOWLEDGED,
    Stage.ASSESSING,
    Stage.APPEALED,
    Stage.ACCEPTED,
)


def _sentence(stage: str, received: str) -> str:
    if stage == Stage.RECEIVED:
        return _("A grievance received on %(date)s waits for you to acknowledge it.", date=received)
    if stage == Stage.ACCEPTED:
        return _("A grievance received on %(date)s is resolved: close it.", date=received)
    return _("A grievance received on %(date)s waits for your proposed response.", date=received)


def grievances_assigned(
    session: Session, *, user, memberships, locale: str, now: datetime
) -> list[Item]:
    """Open grievances whose assigned officer is `user` and whose next step is theirs, with
    their deadline. Never who filed it, nor what it says: an e-mail is read in many places.
    Two statements for all partnerships (only the columns shown are read, so no protected
    field is decrypted)."""
    by_partnership = {m.partnership_id: m for m in memberships}
    rows = session.execute(
        select(
            Grievance.id,
            Grievance.partnership_id,
            Grievance.stage,
            Grievance.received_at,
            Grievance.partner_id,
        )
        .where(
            Grievance.partnership_id.in_(by_partnership),
            Grievance.officer_id == user.id,
            Grievance.stage.in_(WAITING_ON_OFFICER),
        )
        .order_by(Grievance.received_at, Grievance.id)
    ).all()
    if not rows:
        return []
    settings = {
        s.partnership_id: s
        for s in session.scalars(
            select(GrievanceSettings).where(
                GrievanceSettings.partnership_id.in_({row.partnership_id for row in rows})
            )
        )
    }
    columns = GrievanceSettings.__table__.c
    default = GrievanceSettings(
        acknowledge_days=columns.acknowledge_days.default.arg,
        respond_days=columns.respond_days.default.arg,
    )
    items = []
    for row in rows:
        membership = by_partnership[row.partnership_id]
        # Recusal clears the assignment; this keeps a stale one out all the same.
        if membership.partner_id is not None and membership.partner_id == row.partner_id:
            continue
        shape = Grievance(stage=row.stage, received_at=row.received_at)
        due = services.deadline(shape, settings.get(row.partnership_id, default))
        zone = membership.partnership.zone
        items.append(
            Item(
                kind=GRIEVANCE_ASSIGNED,
                key=f"{GRIEVANCE_ASSIGNED}:{row.id}:{row.stage}",
                partnership_id=row.partnership_id,
                text=_sentence(row.stage, day_text(row.received_at, zone=zone, locale=locale)),
                url=path_for(
                    "grievances.detail", partnership_id=row.partnership_id, grievance_id=row.id
                ),
                due=due,
                overdue=due is not None and due < now,
            )
        )
    return items


def init_app(app: Flask) -> None:
    """Register this feature's item providers with hsbp.notifications."""
    add_provider(
        app,
        GRIEVANCE_ASSIGNED,
        label=_l("Grievances assigned to you"),
        provider=grievances_assigned,
        concerns=officers.is_officer_anywhere,
    )
