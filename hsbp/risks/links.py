"""Tying a risk to rows elsewhere, in both directions: where it was seen (a grievance, a
consultation outcome item, a pulse gap, an incident) and what answers it (an action for
mitigation or remediation, an indicator). Every feature that offers "link to a risk" goes
through `add_link`, so a link is checked and audited the same way wherever it is made."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from hsbp import audit
from hsbp.errors import ServiceError
from hsbp.risks.models import LinkKind, Risk, RiskLink

ACTION_ROLES = ("mitigation", "remediation")
ROLE_LABELS = {
    "mitigation": _l("mitigation"),
    "remediation": _l("remediation"),
}

# The details key naming the linked row by id, per kind, so the shared record reads it by its
# label (hsbp.risks.link_activity registers these keys). A grievance gets none: its code is
# seen by those who may see the grievance, not by every reader of the record.
REFERENCE_KEYS = {
    LinkKind.ACTION: "action_id",
    LinkKind.INDICATOR: "linked_indicator_id",
    LinkKind.INCIDENT: "linked_incident_id",
    LinkKind.OUTCOME_ITEM: "linked_outcome_id",
    LinkKind.PULSE_GAP: "linked_round_id",
}


def audit_action(verb: str, kind: str, role: str = "") -> str:
    """The audit action of linking ("link") or unlinking ("unlink") a row of `kind`: one per
    kind, and per role for an action, so each reads as its own sentence ("risk.link_mitigation",
    "risk.unlink_grievance")."""
    return f"risk.{verb}_{role if kind == LinkKind.ACTION and role else kind}"


# Every audit action of this module, for the shared record's rules.
AUDIT_ACTIONS = tuple(
    audit_action(verb, kind, role)
    for verb in ("link", "unlink")
    for kind, role in [
        *((kind, "") for kind in LinkKind if kind is not LinkKind.ACTION),
        *((LinkKind.ACTION, role) for role in ACTION_ROLES),
    ]
)


def _details(kind: str, target_id: int, key: str, role: str) -> dict:
    details = {"kind": str(kind), "target_id": target_id, "key": key, "role": role}
    reference = REFERENCE_KEYS.get(kind)
    if reference:
        details[reference] = target_id
    return details


def add_link(
    session: Session,
    *,
    risk: Risk,
    kind: str,
    target_id: int,
    key: str = "",
    role: str = "",
    actor_id: int | None,
) -> RiskLink:
    """Link `risk` to row `target_id` of `kind` (a LinkKind), once: linking again returns the
    link already there. The caller has checked that the target belongs to the risk's
    partnership (each kind lives in its own feature). Audited. Raises ServiceError for an
    unknown kind or, for an action, a role other than mitigation or remediation, or another
    role than the one it is linked with already."""
    try:
        kind = LinkKind(kind)
    except ValueError:
        raise ServiceError(_l("This cannot be linked to a risk.")) from None
    if kind is LinkKind.ACTION and role not in ACTION_ROLES:
        raise ServiceError(_l("Choose mitigation or remediation."), field="role")
    if kind is not LinkKind.ACTION:
        role = ""
    existing = session.scalar(
        select(RiskLink).where(
            RiskLink.risk_id == risk.id,
            RiskLink.kind == kind,
            RiskLink.target_id == target_id,
            RiskLink.key == key,
        )
    )
    if existing is not None:
        if existing.role != role:
            # One role per action and risk: saying it mitigates what it was linked to remedy
            # is a change to make on purpose (remove, then link again), not by a second click.
            raise ServiceError(
                _l(
                    "This action is already linked to the risk as %(role)s.",
                    role=ROLE_LABELS.get(existing.role, existing.role),
                ),
                field="role",
            )
        return existing
    link = RiskLink(
        partnership_id=risk.partnership_id,
        risk_id=risk.id,
        kind=kind,
        target_id=target_id,
        key=key,
        role=role,
        created_by_id=actor_id,
    )
    session.add(link)
    session.flush()
    audit.record(
        session,
        actor_id=actor_id,
        action=audit_action("link", kind, role),
        obj=risk,
        partnership_id=risk.partnership_id,
        details=_details(kind, target_id, key, role),
    )
    return link


def remove_link(session: Session, *, link: RiskLink, actor_id: int | None) -> None:
    """Remove one link (audited); the rows on both sides stay."""
    details = _details(link.kind, link.target_id, link.key, link.role)
    action = audit_action("unlink", link.kind, link.role)
    risk = session.get(Risk, link.risk_id)
    session.delete(link)
    session.flush()
    audit.record(
        session,
        actor_id=actor_id,
        action=action,
        obj=risk,
        partnership_id=risk.partnership_id,
        details=details,
    )


def risks_linked_to(
    session: Session, *, partnership_id: int, kind: str, target_ids: list[int]
) -> dict[int, list[Risk]]:
    """{target id: [risks]} for rows of `kind`, in one query: what a grievance, an outcome
    item or an action page shows as "linked to risk R-n" (the other direction)."""
    out: dict[int, list[Risk]] = {target_id: [] for target_id in target_ids}
    if not target_ids:
        return out
    rows = session.execute(
        select(RiskLink.target_id, Risk)
        .join(Risk, Risk.id == RiskLink.risk_id)
        .where(
            RiskLink.partnership_id == partnership_id,
            RiskLink.kind == kind,
            RiskLink.target_id.in_(target_ids),
        )
        .order_by(Risk.number)
    )
    for target_id, risk in rows:
        out[target_id].append(risk)
    return out
