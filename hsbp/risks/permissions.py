"""Who may read and change what in the register, by the charter's risk rule.

Under "all_members" every member reads every risk; under "connected" (the default) a risk is
read by the facilitators, by members of partners connected to it and by whoever recorded it.
A partner's connection entry (its reasoning, leverage, guiding questions, escalation and any
disengagement) is read only by the facilitators and that partner's own members, whatever the
rule: it is the company's own due diligence, shared with the facilitator who runs the
partnership, not with its peers.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, exists, or_, select, true
from sqlalchemy.orm import Session

from hsbp.partnerships.models import Membership
from hsbp.principles import services as charter
from hsbp.risks.models import Risk, RiskConnection
from hsbp.security import Role


def is_facilitator(membership: Membership) -> bool:
    return Role(membership.role) is Role.FACILITATOR


def visible_clause(session: Session, membership: Membership) -> ColumnElement[bool]:
    """A WHERE clause on Risk: the risks `membership` may read. One rule read, no row query."""
    if is_facilitator(membership):
        return true()
    rule = charter.risk_rule(session, partnership_id=membership.partnership_id)
    if rule == "all_members":
        return true()
    own = [Risk.created_by_id == membership.user_id]
    if membership.partner_id is not None:
        own.append(
            exists(
                select(RiskConnection.id).where(
                    RiskConnection.risk_id == Risk.id,
                    RiskConnection.partner_id == membership.partner_id,
                )
            )
        )
    return or_(*own)


def can_read_risk(session: Session, membership: Membership, risk: Risk) -> bool:
    if risk.partnership_id != membership.partnership_id:
        return False
    return bool(
        session.scalar(
            select(Risk.id).where(Risk.id == risk.id, visible_clause(session, membership))
        )
    )


def can_record_risk(membership: Membership) -> bool:
    """Facilitators and partner representatives record risks; observers read."""
    return Role(membership.role).rank >= Role.REPRESENTATIVE.rank


def can_edit_risk(membership: Membership, risk: Risk) -> bool:
    """Facilitators, whoever recorded it, and representatives of a partner connected to it."""
    if risk.partnership_id != membership.partnership_id or not can_record_risk(membership):
        return False
    if is_facilitator(membership) or risk.created_by_id == membership.user_id:
        return True
    return any(c.partner_id == membership.partner_id for c in risk.connections)


def can_read_connection(membership: Membership, connection: RiskConnection) -> bool:
    if connection.partnership_id != membership.partnership_id:
        return False
    return is_facilitator(membership) or connection.partner_id == membership.partner_id


def can_edit_connection(membership: Membership, connection: RiskConnection) -> bool:
    """Facilitators, and representatives of the connected partner itself."""
    return can_read_connection(membership, connection) and can_record_risk(membership)


def connectable_partner_ids(membership: Membership, partner_ids: list[int]) -> list[int]:
    """The partners `membership` may record a connection for: any, for a facilitator; its own
    partner, for a representative (a company speaks for itself)."""
    if is_facilitator(membership):
        return list(partner_ids)
    if can_record_risk(membership) and membership.partner_id in partner_ids:
        return [membership.partner_id]
    return []
