"""Who may do what with an action, by role, partner and the charter's action rule.

Two levels: *edit* (every field of the action) and *report* (add a progress update or
evidence). Facilitators do both on every action and observers neither. A representative acts
for their partner, and the charter in force says how far (hsbp.principles, "action rule"):

- lead: the lead partner's representatives edit; supporting partners' representatives report;
- owners: the lead and the supporting partners' representatives edit;
- any: every partner representative edits every action of the partnership.
"""

from __future__ import annotations

from hsbp.actions.models import Action
from hsbp.partnerships.models import Membership
from hsbp.security import Role

LEAD, OWNERS, ANY = "lead", "owners", "any"


def _role(membership: Membership | None) -> Role | None:
    return Role(membership.role) if membership is not None else None


def owners_of(action: Action) -> set[int]:
    return {action.lead_partner_id, *(p.id for p in action.supporters)}


def may_edit(membership: Membership | None, action: Action, *, rule: str) -> bool:
    role = _role(membership)
    if role is Role.FACILITATOR:
        return membership.partnership_id == action.partnership_id
    if role is not Role.REPRESENTATIVE or membership.partner_id is None:
        return False
    if membership.partnership_id != action.partnership_id:
        return False
    if rule == ANY:
        return True
    if rule == OWNERS:
        return membership.partner_id in owners_of(action)
    return membership.partner_id == action.lead_partner_id


def may_report(membership: Membership | None, action: Action, *, rule: str) -> bool:
    if may_edit(membership, action, rule=rule):
        return True
    role = _role(membership)
    return (
        role is Role.REPRESENTATIVE
        and membership.partnership_id == action.partnership_id
        and membership.partner_id in owners_of(action)
    )


def may_lead(membership: Membership | None, partner_id: int, *, rule: str) -> bool:
    """Whether this member may create (or hand) an action led by `partner_id`: facilitators
    for any partner, representatives for their own one, or any under the rule "any"."""
    role = _role(membership)
    if role is Role.FACILITATOR:
        return True
    if role is not Role.REPRESENTATIVE or membership.partner_id is None:
        return False
    return rule == ANY or membership.partner_id == partner_id


def may_create(membership: Membership | None) -> bool:
    role = _role(membership)
    return role is Role.FACILITATOR or (
        role is Role.REPRESENTATIVE and membership.partner_id is not None
    )
