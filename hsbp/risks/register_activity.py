"""How the audit log tells the work on the risks register (hsbp.audit_text).

A risk is named by its number and title in the reader's language, and opened from the log by
facilitators only: who else may read a risk depends on the charter's rule and on the risk
(hsbp.risks.permissions), which one log line cannot check, so members other than facilitators
do not see these entries at all (hsbp.partnerships.shared_record.HIDDEN_FAMILIES)."""

from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from hsbp import audit, audit_text
from hsbp.audit_text import register_object, says
from hsbp.i18n import translated
from hsbp.risks.models import Risk
from hsbp.security import Role

# Every action the register part writes (the links part writes risk.link and risk.unlink).
ACTIONS = ("risk.create", "risk.update", "risk.status", "risk.connect", "risk.connection_update")


def _risk_labels(session, partnership_id, ids, locale, fallback) -> dict[int, str]:
    rows = session.execute(
        select(Risk.id, Risk.number, Risk.title).where(
            Risk.partnership_id == partnership_id, Risk.id.in_(ids)
        )
    )
    return {
        risk_id: f"R-{number} {translated(title, locale=locale, fallback=fallback)}".strip()
        for risk_id, number, title in rows
    }


register_object(
    "Risk",
    phrase=_l("the risk %(label)s"),
    labels=_risk_labels,
    url=lambda pid, oid, _label: url_for("risks.risk", partnership_id=pid, risk_id=oid),
    min_role=Role.FACILITATOR,
)

audit.ACTION_LABELS.update(
    {
        "risk.create": _l("Risk recorded"),
        "risk.update": _l("Risk changed"),
        "risk.status": _l("Risk status changed"),
        "risk.connect": _l("Partner's connection to a risk recorded"),
        "risk.connection_update": _l("Partner's connection to a risk changed"),
    }
)
audit_text.SENTENCES.update(
    {
        "risk.create": says(_l("%(actor)s recorded %(object)s in the risks register.")),
        "risk.update": says(
            _l("%(actor)s changed %(object)s."),
            _l("%(actor)s changed the %(fields)s of %(object)s."),
            listed=True,
        ),
        "risk.status": says(_l("%(actor)s changed the status of %(object)s.")),
        "risk.connect": says(
            _l("%(actor)s recorded how %(partner_id)s is connected to %(object)s.")
        ),
        "risk.connection_update": says(
            _l("%(actor)s changed how %(partner_id)s is connected to %(object)s."),
            _l(
                "%(actor)s changed the %(fields)s of the connection of %(partner_id)s to "
                "%(object)s."
            ),
            listed=True,
        ),
    }
)
for key, label in {
    "description": _l("description"),
    "kind": _l("kind"),
    "affected_groups": _l("people harmed"),
    "localities": _l("places"),
    "rights": _l("rights"),
    "dimensions": _l("human-security dimensions"),
    "scale": _l("scale"),
    "scope": _l("scope"),
    "irremediability": _l("irremediability"),
    "likelihood": _l("likelihood"),
    "connection": _l("connection"),
    "reasoning": _l("reasoning"),
    "relationship_with": _l("business relationship"),
}.items():
    # Labels other features registered first for the same word stand.
    audit_text.FIELD_LABELS.setdefault(key, label)
audit_text.FAMILY_LABELS["risk"] = _l("Risks")
