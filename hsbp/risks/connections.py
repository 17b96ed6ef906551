"""A partner's connection to a risk: whether it causes the harm, contributes to it or is
directly linked to it through a business relationship (UNGP 13 and 19), and why. The
connection sets what the partner is expected to do (hsbp.risks.responses), so a connection
without its reasoning is refused: nothing is saved.

One connection per partner per risk. A facilitator records any partner's; a representative
records its own partner's only (hsbp.risks.permissions). The audit log names the risk and
the partner by id, never the reasoning, which is the partner's own due diligence.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from hsbp import audit
from hsbp.auth.models import User
from hsbp.errors import ServiceError
from hsbp.partnerships.models import Membership, Partner
from hsbp.risks import permissions
from hsbp.risks.models import Connection, Risk, RiskConnection

REASONING_MIN, REASONING_MAX, RELATIONSHIP_MAX = 20, 5000, 300


def connectable_partners(session: Session, *, membership: Membership) -> list[Partner]:
    """The current partners `membership` may record a connection for, by name."""
    partners = [
        p
        for p in session.scalars(
            select(Partner)
            .where(Partner.partnership_id == membership.partnership_id)
            .order_by(Partner.name)
        )
        if p.is_current
    ]
    allowed = set(permissions.connectable_partner_ids(membership, [p.id for p in partners]))
    return [p for p in partners if p.id in allowed]


def add_connection(
    session: Session,
    *,
    actor: User,
    membership: Membership,
    risk: Risk,
    partner_id,
    connection: str,
    reasoning: str,
    relationship_with: str = "",
) -> RiskConnection:
    """Record `partner_id`'s connection to `risk`. Raises ServiceError (with the form field)
    when the member may not speak for that partner, the partner is already connected, or a
    value is refused. Side effects: the connection and an audit entry."""
    if not permissions.can_read_risk(session, membership, risk):
        raise ServiceError(_l("This risk cannot be changed from here."))
    allowed = {p.id: p for p in connectable_partners(session, membership=membership)}
    partner = allowed.get(_int(partner_id))
    if partner is None:
        raise ServiceError(
            _l("Choose a partner you may record a connection for."), field="partner_id"
        )
    values = _checked(connection, reasoning, relationship_with)
    already = session.scalar(
        select(RiskConnection.id).where(
            RiskConnection.risk_id == risk.id, RiskConnection.partner_id == partner.id
        )
    )
    if already is not None:
        raise ServiceError(
            _l(
                "%(partner)s's connection to R-%(number)d is already recorded: change it "
                "rather than adding another.",
                partner=partner.name,
                number=risk.number,
            ),
            field="partner_id",
        )
    row = RiskConnection(
        partnership_id=risk.partnership_id,
        risk_id=risk.id,
        partner_id=partner.id,
        created_by_id=actor.id,
        **values,
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor_id=actor.id,
        action="risk.connect",
        obj=risk,
        partnership_id=risk.partnership_id,
        details={
            "label": f"R-{risk.number}",
            "connection_id": row.id,
            "partner_id": partner.id,
            "connection": row.connection,
        },
    )
    return row


def update_connection(
    session: Session,
    *,
    actor: User,
    membership: Membership,
    row: RiskConnection,
    connection: str,
    reasoning: str,
    relationship_with: str = "",
) -> RiskConnection:
    """Change a connection's kind, reasoning and business relationship (its partner stays),
    for the facilitators and the connected partner's representatives. Side effects: the
    connection and an audit entry listing what changed (when anything did)."""
    if not permissions.can_edit_connection(membership, row):
        raise ServiceError(_l("Only facilitators and the partner itself change its connection."))
    values = _checked(connection, reasoning, relationship_with)
    before = audit.snapshot(row, list(values))
    for name, value in values.items():
        setattr(row, name, value)
    session.flush()
    changed = list(audit.changes(row, list(values), before))
    if changed:
        risk = session.get(Risk, row.risk_id)
        audit.record(
            session,
            actor_id=actor.id,
            action="risk.connection_update",
            obj=risk,
            partnership_id=row.partnership_id,
            details={
                "label": f"R-{risk.number}",
                "connection_id": row.id,
                "partner_id": row.partner_id,
                "changed": changed,
                "connection": row.connection,
            },
        )
    return row


def _checked(connection: str, reasoning: str, relationship_with: str) -> dict:
    try:
        connection = Connection(connection or "")
    except ValueError:
        raise ServiceError(
            _l("Say whether the partner causes, contributes to or is directly linked to it."),
            field="connection",
        ) from None
    reasoning = (reasoning or "").strip()
    if len(reasoning) < REASONING_MIN:
        raise ServiceError(
            _l(
                "Explain the connection in at least %(count)d characters: what the partner "
                "does, or which business relationship ties it to the harm. Nothing was saved.",
                count=REASONING_MIN,
            ),
            field="reasoning",
        )
    if len(reasoning) > REASONING_MAX:
        raise ServiceError(
            _l("Keep the reasoning under %(count)d characters.", count=REASONING_MAX),
            field="reasoning",
        )
    relationship_with = " ".join((relationship_with or "").split())
    if len(relationship_with) > RELATIONSHIP_MAX:
        raise ServiceError(
            _l("Keep this under %(count)d characters.", count=RELATIONSHIP_MAX),
            field="relationship_with",
        )
    return {
        "connection": str(connection),
        "reasoning": reasoning,
        "relationship_with": relationship_with,
    }


def _int(value) -> int | None:
    text = str(value if value is not None else "").strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 10 else None
