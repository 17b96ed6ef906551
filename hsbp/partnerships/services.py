"""Partnerships and their partners: create, change, list, and the dashboard's figures."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hsbp import audit
from hsbp.auth.models import User
from hsbp.db import utcnow
from hsbp.errors import ServiceError
from hsbp.partnerships.models import Invitation, Membership, Partner, Partnership, Sector, Stage
from hsbp.partnerships.reference import country_codes, is_language_code, timezones
from hsbp.security import Role

PARTNERSHIP_FIELDS = [
    "name",
    "country",
    "locality",
    "context_summary",
    "stage",
    "default_locale",
    "locales",
    "timezone",
    "require_two_factor",
]
PARTNER_FIELDS = ["name", "sector", "description", "joined_on", "left_on"]


def _check_partnership(fields: dict) -> dict:
    if fields["country"] not in country_codes():
        raise ServiceError(_l("Choose a country from the list."), field="country")
    if fields["timezone"] not in timezones():
        raise ServiceError(_l("Choose a time zone from the list."), field="timezone")
    if fields["stage"] not in set(Stage):
        raise ServiceError(_l("Choose a stage from the list."), field="stage")
    locales = []
    for code in [fields["default_locale"], *fields["locales"]]:
        code = code.strip().replace("-", "_")
        if not is_language_code(code):
            raise ServiceError(_l("Unknown language code: %(code)s", code=code), field="locales")
        if code not in locales:
            locales.append(code)
    return {**fields, "default_locale": locales[0], "locales": locales}


def create_partnership(session: Session, *, actor: User, **fields) -> Partnership:
    """Create a partnership (site administrators only; the view checks).

    Side effects: a partnerships row and an audit entry.
    """
    partnership = Partnership(**_check_partnership(fields))
    session.add(partnership)
    session.flush()
    audit.record(
        session,
        actor_id=actor.id,
        action="partnership.create",
        obj=partnership,
        partnership_id=partnership.id,
        details={"name": partnership.name},
    )
    return partnership


def update_partnership(session: Session, *, actor: User, partnership: Partnership, **fields):
    """Side effects: changes the row; an audit entry listing what changed."""
    checked = _check_partnership(fields)
    before = audit.snapshot(partnership, PARTNERSHIP_FIELDS)
    for name, value in checked.items():
        setattr(partnership, name, value)
    diff = audit.changes(partnership, PARTNERSHIP_FIELDS, before)
    if diff:
        audit.record(
            session,
            actor_id=actor.id,
            action="partnership.update",
            obj=partnership,
            partnership_id=partnership.id,
            details=diff,
        )


def partnerships_of(session: Session, *, user: User) -> list[tuple[Partnership, Membership]]:
    """The partnerships `user` belongs to, with their membership, by name."""
    rows = session.execute(
        select(Partnership, Membership)
        .join(Membership, Membership.partnership_id == Partnership.id)
        .where(Membership.user_id == user.id)
        .order_by(Partnership.name)
    ).all()
    return [(row.Partnership, row.Membership) for row in rows]


def all_partnerships(session: Session) -> list[tuple[Partnership, int]]:
    """Every partnership with its member count, for the site administrator's list."""
    counts = (
        select(Membership.partnership_id, func.count().label("n"))
        .group_by(Membership.partnership_id)
        .subquery()
    )
    rows = session.execute(
        select(Partnership, func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.partnership_id == Partnership.id)
        .order_by(Partnership.name)
    ).all()
    return [(p, n) for p, n in rows]


def get_partner(session: Session, *, partnership_id: int, partner_id: int) -> Partner | None:
    return session.scalar(
        select(Partner).where(Partner.id == partner_id, Partner.partnership_id == partnership_id)
    )


def list_partners(session: Session, *, partnership_id: int) -> list[Partner]:
    return list(
        session.scalars(
            select(Partner)
            .where(Partner.partnership_id == partnership_id)
            .order_by(Partner.left_on.is_not(None), Partner.name)
        )
    )


def _check_partner(session: Session, partnership_id: int, fields: dict, partner_id=None) -> dict:
    fields = {**fields, "name": fields["name"].strip()}
    if fields["sector"] not in set(Sector):
        raise ServiceError(_l("Choose a sector from the list."), field="sector")
    joined, left = fields.get("joined_on"), fields.get("left_on")
    if joined and left and left < joined:
        raise ServiceError(_l("The date left must not be before the date joined."), field="left_on")
    clash = session.scalar(
        select(Partner.id).where(
            Partner.partnership_id == partnership_id,
            func.lower(Partner.name) == fields["name"].lower(),
            Partner.id != (partner_id or 0),
        )
    )
    if clash:
        raise ServiceError(_l("This partnership already has a partner of this name."), field="name")
    return fields


def create_partner(session: Session, *, actor: User, partnership: Partnership, **fields) -> Partner:
    """Side effects: a partners row and an audit entry."""
    partner = Partner(
        partnership_id=partnership.id, **_check_partner(session, partnership.id, fields)
    )
    session.add(partner)
    session.flush()
    audit.record(
        session,
        actor_id=actor.id,
        action="partner.create",
        obj=partner,
        partnership_id=partnership.id,
        details={"name": partner.name, "sector": partner.sector},
    )
    return partner


def update_partner(session: Session, *, actor: User, partner: Partner, **fields) -> None:
    """Side effects: changes the row; an audit entry listing what changed."""
    checked = _check_partner(session, partner.partnership_id, fields, partner_id=partner.id)
    before = audit.snapshot(partner, PARTNER_FIELDS)
    for name, value in checked.items():
        setattr(partner, name, value)
    diff = audit.changes(partner, PARTNER_FIELDS, before)
    if diff:
        audit.record(
            session,
            actor_id=actor.id,
            action="partner.update",
            obj=partner,
            partnership_id=partner.partnership_id,
            details=diff,
        )


def dashboard(session: Session, *, partnership: Partnership, membership: Membership) -> dict:
    """The figures on a partnership's front page, in a fixed, small number of queries."""
    partners = list_partners(session, partnership_id=partnership.id)
    current = [p for p in partners if p.is_current]
    by_sector = {sector: 0 for sector in Sector}
    for partner in current:
        by_sector[Sector(partner.sector)] += 1
    members_by_role = dict(
        session.execute(
            select(Membership.role, func.count())
            .where(Membership.partnership_id == partnership.id)
            .group_by(Membership.role)
        ).all()
    )
    pending = session.scalar(
        select(func.count())
        .select_from(Invitation)
        .where(
            Invitation.partnership_id == partnership.id,
            Invitation.accepted_at.is_(None),
            Invitation.revoked_at.is_(None),
            Invitation.expires_at > utcnow(),
        )
    )
    recent = []
    if membership.role == Role.FACILITATOR:
        recent, _total = audit.entries_for_partnership(
            session, partnership_id=partnership.id, per_page=8
        )
    return {
        "partners": current,
        "former_partners": len(partners) - len(current),
        "by_sector": {s: n for s, n in by_sector.items() if n},
        "missing_sectors": [s for s, n in by_sector.items() if not n],
        "members_by_role": {Role(r): n for r, n in members_by_role.items()},
        "pending_invitations": pending or 0,
        "recent_activity": recent,
    }
