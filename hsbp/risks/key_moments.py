"""Key moments: the dates when a partner has most leverage over a business relationship (a
contract negotiated or renewed, a tender, a payment, an audit, a licence renewal, a board
meeting), kept as a calendar per partnership so the partner can use them on open risks.

Who sees and keeps them (least privilege): facilitators, every partner's; a representative,
its own partner's only (its commercial calendar is its own); observers, none. Each moment
lists the open risks where it could be used: those with status open where its partner has a
connection not disengaged.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, false, select, true
from sqlalchemy.orm import Session, aliased, joinedload

from hsbp import audit
from hsbp.errors import ServiceError
from hsbp.partnerships.models import Membership, Partner
from hsbp.risks import permissions
from hsbp.risks.models import KeyMoment, Risk, RiskConnection, RiskStatus
from hsbp.security import Role

KINDS = (
    "contract_negotiation",
    "contract_renewal",
    "tender",
    "payment",
    "audit",
    "licence_renewal",
    "board_meeting",
    "other",
)
KIND_LABELS = {
    "contract_negotiation": _l("Contract negotiation"),
    "contract_renewal": _l("Contract renewal"),
    "tender": _l("Tender"),
    "payment": _l("Payment"),
    "audit": _l("Audit"),
    "licence_renewal": _l("Licence renewal"),
    "board_meeting": _l("Board meeting"),
    "other": _l("Other moment"),
}
TITLE_MAX = 300
NOTE_MAX = 2000
REMIND_DEFAULT, REMIND_MAX = 14, 365
PAST_DAYS = 90  # the calendar shows the past this far back, and takes moments this old
FUTURE_YEARS = 10
FIELDS = ("partner_id", "kind", "title", "occurs_on", "remind_days_before", "note")


def can_manage(membership: Membership, partner_id: int | None) -> bool:
    """Facilitators manage every partner's moments; a representative its own partner's."""
    if permissions.is_facilitator(membership):
        return True
    return (
        Role(membership.role) is Role.REPRESENTATIVE
        and membership.partner_id is not None
        and membership.partner_id == partner_id
    )


def sees_any(membership: Membership) -> bool:
    """Whether the calendar shows this member anything at all (observers: no)."""
    return permissions.is_facilitator(membership) or (
        Role(membership.role) is Role.REPRESENTATIVE and membership.partner_id is not None
    )


def visible_clause(membership: Membership) -> ColumnElement[bool]:
    """A WHERE clause on KeyMoment: the moments `membership` may read, in its partnership."""
    if not sees_any(membership):
        return false()
    scope = KeyMoment.partnership_id == membership.partnership_id
    if permissions.is_facilitator(membership):
        return scope & true()
    return scope & (KeyMoment.partner_id == membership.partner_id)


@dataclass(frozen=True)
class Row:
    moment: KeyMoment
    risks: list[Risk]  # open risks where it could be used, most salient first


def open_risks_by_partner(
    session: Session, *, partnership_id: int, partner_ids: set[int], membership=None
) -> dict[int, list[Risk]]:
    """{partner id: open risks it is connected to (not disengaged), most salient first}, in
    one query (two when the charter's risk rule must be read); with `membership`, only the
    risks it may read."""
    out: dict[int, list[Risk]] = {pid: [] for pid in partner_ids}
    if not partner_ids:
        return out
    # An alias: the risk rule's own subquery on risk_connections must not correlate to it.
    link = aliased(RiskConnection)
    query = (
        select(link.partner_id, Risk)
        .join(Risk, Risk.id == link.risk_id)
        .where(
            link.partnership_id == partnership_id,
            Risk.partnership_id == partnership_id,
            link.partner_id.in_(partner_ids),
            link.disengaged_at.is_(None),
            Risk.status == RiskStatus.OPEN,
        )
        .order_by(Risk.salience.desc(), Risk.number)
    )
    if membership is not None:
        query = query.where(permissions.visible_clause(session, membership))
    for partner_id, risk in session.execute(query):
        out[partner_id].append(risk)
    return out


def calendar(session: Session, *, membership: Membership, today: date) -> list[Row]:
    """The moments `membership` may read from PAST_DAYS ago on, by date, each with the open
    risks (that it may read) where it could be used. A fixed number of queries."""
    if not sees_any(membership):
        return []
    moments = session.scalars(
        select(KeyMoment)
        .options(joinedload(KeyMoment.partner))
        .where(visible_clause(membership), KeyMoment.occurs_on >= today - timedelta(PAST_DAYS))
        .order_by(KeyMoment.occurs_on, KeyMoment.id)
    ).all()
    risks = open_risks_by_partner(
        session,
        partnership_id=membership.partnership_id,
        partner_ids={m.partner_id for m in moments},
        membership=membership,
    )
    return [Row(moment, risks[moment.partner_id]) for moment in moments]


def upcoming_for_partner(
    session: Session, *, membership: Membership, partner_id: int, today: date, limit: int = 5
) -> list[KeyMoment]:
    """The next moments of one partner that `membership` may read (for a connection's page)."""
    return list(
        session.scalars(
            select(KeyMoment)
            .where(
                visible_clause(membership),
                KeyMoment.partner_id == partner_id,
                KeyMoment.occurs_on >= today,
            )
            .order_by(KeyMoment.occurs_on, KeyMoment.id)
            .limit(limit)
        )
    )


def _clean(session: Session, membership: Membership, values: dict, today: date) -> dict:
    """`values` checked and tidied, or ServiceError naming the field."""
    partner_id = values.get("partner_id")
    partner = session.get(Partner, partner_id) if isinstance(partner_id, int) else None
    if partner is None or partner.partnership_id != membership.partnership_id:
        raise ServiceError(_l("Choose a partner of this partnership."), field="partner_id")
    if not can_manage(membership, partner.id):
        raise ServiceError(_l("You can keep only your own organisation's key moments."))
    if values.get("kind") not in KINDS:
        raise ServiceError(_l("Choose what kind of moment it is."), field="kind")
    title = (values.get("title") or "").strip()
    if not title:
        raise ServiceError(_l("Say what the moment is."), field="title")
    if len(title) > TITLE_MAX:
        raise ServiceError(_l("Write at most %(max)d characters.", max=TITLE_MAX), field="title")
    occurs_on = values.get("occurs_on")
    if not isinstance(occurs_on, date):
        raise ServiceError(_l("Give the date of the moment."), field="occurs_on")
    if occurs_on < today - timedelta(PAST_DAYS):
        raise ServiceError(
            _l("Give a date within the last %(days)d days, or to come.", days=PAST_DAYS),
            field="occurs_on",
        )
    if occurs_on > _years_ahead(today, FUTURE_YEARS):
        raise ServiceError(
            _l("Give a date within %(years)d years.", years=FUTURE_YEARS), field="occurs_on"
        )
    days = values.get("remind_days_before")
    if not isinstance(days, int) or isinstance(days, bool) or not 0 <= days <= REMIND_MAX:
        raise ServiceError(
            _l("Give a number of days from 0 to %(max)d.", max=REMIND_MAX),
            field="remind_days_before",
        )
    note = (values.get("note") or "").strip()
    if len(note) > NOTE_MAX:
        raise ServiceError(_l("Write at most %(max)d characters.", max=NOTE_MAX), field="note")
    return {
        "partner_id": partner.id,
        "kind": values["kind"],
        "title": title,
        "occurs_on": occurs_on,
        "remind_days_before": days,
        "note": note,
    }


def _years_ahead(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def create_moment(
    session: Session, *, membership: Membership, values: dict, today: date, actor_id: int | None
) -> KeyMoment:
    """Add a key moment with `values` (FIELDS) to `membership`'s partnership; `today` is the
    partnership's date. Raises ServiceError, writing nothing, for a bad value or a partner
    the member may not keep moments for. Side effects: the row flushed; one audit entry."""
    clean = _clean(session, membership, values, today)
    moment = KeyMoment(partnership_id=membership.partnership_id, created_by_id=actor_id, **clean)
    session.add(moment)
    session.flush()
    audit.record(
        session,
        actor_id=actor_id,
        action="key_moment.create",
        obj=moment,
        partnership_id=moment.partnership_id,
        details={"partner_id": moment.partner_id},
    )
    return moment


def update_moment(
    session: Session,
    *,
    membership: Membership,
    moment: KeyMoment,
    values: dict,
    today: date,
    actor_id: int | None,
) -> list[str]:
    """Change a key moment; returns the names of the fields changed. A new date clears the
    reminder already sent, so the new date is reminded of in its turn. Raises ServiceError,
    writing nothing, as create_moment does. Side effects: the row flushed; one audit entry
    when anything changed (the names of the fields, not their values)."""
    if not can_manage(membership, moment.partner_id):
        raise ServiceError(_l("You can keep only your own organisation's key moments."))
    clean = _clean(session, membership, values, today)
    changed = [name for name in FIELDS if getattr(moment, name) != clean[name]]
    if not changed:
        return []
    if "occurs_on" in changed:
        moment.reminded_at = None
    for name in changed:
        setattr(moment, name, clean[name])
    session.flush()
    audit.record(
        session,
        actor_id=actor_id,
        action="key_moment.update",
        obj=moment,
        partnership_id=moment.partnership_id,
        details={"changed": changed},
    )
    return changed


def delete_moment(
    session: Session, *, membership: Membership, moment: KeyMoment, actor_id: int | None
) -> None:
    """Remove a key moment. Side effects: the row deleted; one audit entry (by id, with the
    title as its label while the entry is read: gone, it reads as its number)."""
    if not can_manage(membership, moment.partner_id):
        raise ServiceError(_l("You can keep only your own organisation's key moments."))
    audit.record(
        session,
        actor_id=actor_id,
        action="key_moment.delete",
        obj=moment,
        partnership_id=moment.partnership_id,
        details={"partner_id": moment.partner_id},
    )
    session.delete(moment)
    session.flush()
