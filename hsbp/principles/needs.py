"""What this feature needs of a person, for "Needs me" and the notifications
(hsbp.notifications): its item providers, registered by init_app (wired in create_app)."""

from __future__ import annotations

from datetime import datetime

from flask import Flask
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from hsbp.notifications import Item, add_provider, path_for
from hsbp.principles.models import CharterStatus, CharterVersion, Endorsement
from hsbp.security import Role

ENDORSEMENT = "charter_endorsement"


def endorsements_waiting(
    session: Session, *, user, memberships, locale: str, now: datetime
) -> list[Item]:
    """Proposed charter versions that the partner `user` represents has not answered yet.
    One statement for all partnerships."""
    today = now.date()
    partners = {
        m.partner_id: m
        for m in memberships
        if m.role == Role.REPRESENTATIVE
        and m.partner is not None
        and (m.partner.left_on is None or m.partner.left_on > today)
    }
    if not partners:
        return []
    # Partner ids are unique across partnerships, so one IN over them is each version's own.
    answered = exists().where(
        Endorsement.version_id == CharterVersion.id,
        Endorsement.partnership_id == CharterVersion.partnership_id,
        Endorsement.partner_id.in_(partners),
    )
    rows = session.execute(
        select(CharterVersion.id, CharterVersion.partnership_id, CharterVersion.number)
        .where(
            CharterVersion.partnership_id.in_({m.partnership_id for m in partners.values()}),
            CharterVersion.status == CharterStatus.PROPOSED,
            ~answered,
        )
        .order_by(CharterVersion.id)
    ).all()
    by_partnership = {m.partnership_id: m for m in partners.values()}
    return [
        Item(
            kind=ENDORSEMENT,
            key=f"{ENDORSEMENT}:{row.id}",
            partnership_id=row.partnership_id,
            text=_(
                "Version %(number)d of the charter awaits the answer of %(partner)s: "
                "endorse it or object.",
                number=row.number,
                partner=by_partnership[row.partnership_id].partner.name,
            ),
            url=path_for("principles.charter", partnership_id=row.partnership_id),
        )
        for row in rows
    ]


def init_app(app: Flask) -> None:
    """Register this feature's item providers with hsbp.notifications."""
    add_provider(
        app,
        ENDORSEMENT,
        label=_l("Charter proposals to endorse"),
        provider=endorsements_waiting,
        roles=[Role.REPRESENTATIVE],
    )
