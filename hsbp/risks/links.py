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
    unknown kind or, for an action, a role other than mitigation or remediation."""
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
        action="risk.link",
        obj=risk,
        partnership_id=risk.partnership_id,
        details={"kind": str(kind), "target_id": target_id, "key": key, "role": role},
    )
    return link


def remove_link(session: Session, *, link: RiskLink, actor_id: int | None) -> None:
    """Remove one link (audited); the rows on both sides stay."""
    details = {"kind": link.kind, "target_id": link.target_id, "key": link.key}
    risk = session.get(Risk, link.risk_id)
    session.delete(link)
    session.flush()
    audit.record(
        session,
        actor_id=actor_id,
        action="risk.unlink",
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
