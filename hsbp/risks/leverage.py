"""A partner's leverage over a harm it is connected to: which kinds it has and how strong.

Leverage is the ability to bring whoever causes a harm to change. It comes in kinds (seed
001): what the partner buys, sells and signs (commercial and contractual); what it can offer
beyond the usual deal (broader business: expertise, capacity building, business contacts);
what it can do with others (collective, here through the partnership itself); the weight of
its voice (podium); and, for a public partner, what rules, permits and inspections can
require (regulatory). Responsibility does not shrink with leverage: a partner with little is
expected to build more, not to do less.

Stored on RiskConnection: `leverage` {kind: strength} for the kinds assessed (a kind left out
is not assessed yet, which is not the same as "none"), and `leverage_note`.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as _p
from sqlalchemy.orm import Session

from hsbp import audit
from hsbp.errors import ServiceError
from hsbp.partnerships.models import Partner, Sector
from hsbp.risks.models import RiskConnection

COMMERCIAL, BUSINESS, COLLECTIVE, PODIUM, REGULATORY = (
    "commercial",
    "business",
    "collective",
    "podium",
    "regulatory",
)
KINDS = (COMMERCIAL, BUSINESS, COLLECTIVE, PODIUM, REGULATORY)
STRENGTHS = ("none", "low", "medium", "high")
NOTE_MAX = 4000
# Partners that hold public authority: only they have regulatory leverage.
PUBLIC_SECTORS = frozenset({Sector.LOCAL_GOVERNMENT, Sector.NATIONAL_GOVERNMENT})

KIND_LABELS = {
    COMMERCIAL: _l("Commercial and contractual"),
    BUSINESS: _l("Broader business"),
    COLLECTIVE: _l("Collective, through the partnership"),
    PODIUM: _l("Podium"),
    REGULATORY: _l("Regulatory"),
}

KIND_HINTS = {
    COMMERCIAL: _l(
        "What the partner can ask for through what it buys, sells or signs: contract terms, "
        "tender requirements, payments it approves, audits it runs."
    ),
    BUSINESS: _l(
        "What it can offer beyond the usual deal: its know-how, training and capacity "
        "building, introductions to business contacts the other party values."
    ),
    COLLECTIVE: _l(
        "What it can do together with peers and the other partners of this partnership: "
        "joint requirements, a shared message, action with authorities and civil society."
    ),
    PODIUM: _l(
        "The weight of its name and voice: speaking publicly, raising the matter in forums "
        "where the other party listens."
    ),
    REGULATORY: _l(
        "For a public partner: what permits, licences, inspections and regulations can "
        "require of the other party."
    ),
}

STRENGTH_LABELS = {
    "none": _p("leverage strength", "None"),
    "low": _p("leverage strength", "Low"),
    "medium": _p("leverage strength", "Medium"),
    "high": _p("leverage strength", "High"),
}

# Field names the audit log lists when leverage changes (hsbp.risks.leverage_activity).
AUDIT_FIELDS = {kind: f"leverage_{kind}" for kind in KINDS}
AUDIT_NOTE = "leverage_note"


def kinds_for(partner: Partner) -> tuple[str, ...]:
    """The kinds of leverage `partner` can hold: regulatory only for a public partner."""
    if partner.sector in PUBLIC_SECTORS:
        return KINDS
    return tuple(kind for kind in KINDS if kind != REGULATORY)


def assessed(connection: RiskConnection, partner: Partner) -> list[tuple[str, str | None]]:
    """(kind, strength or None when not assessed) for each kind the partner can hold."""
    stored = connection.leverage or {}
    return [
        (kind, stored.get(kind) if stored.get(kind) in STRENGTHS else None)
        for kind in kinds_for(partner)
    ]


def is_limited(connection: RiskConnection) -> bool:
    """Whether every kind assessed so far is none or low (and at least one is assessed): the
    partner is expected to look for ways to build leverage, alone or with others."""
    values = [v for v in (connection.leverage or {}).values() if v in STRENGTHS]
    return bool(values) and all(v in ("none", "low") for v in values)


def save_leverage(
    session: Session,
    *,
    connection: RiskConnection,
    partner: Partner,
    strengths: dict[str, str],
    note: str,
    actor_id: int | None,
) -> list[str]:
    """Set the connection's leverage: `strengths` {kind: strength, or "" for not assessed}
    for the kinds `partner` can hold, and the note. Returns the audit names of what changed
    (nothing changed: nothing written). Raises ServiceError, writing nothing, for a kind the
    partner cannot hold, an unknown strength or a note too long.

    Side effects: the connection updated and flushed; one audit entry when anything changed.
    """
    allowed = kinds_for(partner)
    for kind, strength in strengths.items():
        if kind not in allowed:
            raise ServiceError(_l("This kind of leverage does not apply to this partner."))
        if strength and strength not in STRENGTHS:
            raise ServiceError(_l("Choose how strong this leverage is."), field=kind)
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise ServiceError(
            _l("Write at most %(max)d characters.", max=NOTE_MAX), field="leverage_note"
        )
    before = dict(connection.leverage or {})
    after = {kind: before[kind] for kind in before if kind not in allowed}  # kept as they are
    after.update({kind: strengths[kind] for kind in allowed if strengths.get(kind)})
    changed = [AUDIT_FIELDS[k] for k in allowed if before.get(k) != after.get(k)]
    if note != (connection.leverage_note or ""):
        changed.append(AUDIT_NOTE)
    if not changed:
        return []
    connection.leverage = after
    connection.leverage_note = note
    session.flush()
    audit.record(
        session,
        actor_id=actor_id,
        action="risk_connection.leverage",
        obj=connection,
        partnership_id=connection.partnership_id,
        details={"risk_id": connection.risk_id, "changed": changed},
    )
    return changed
