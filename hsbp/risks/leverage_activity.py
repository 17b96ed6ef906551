"""How the audit log tells the work on leverage, escalation, disengagement and key moments
(hsbp.audit_text). Entries name a connection and a key moment by id; their labels are read
when the log is, so a renamed partner or moment reads as it is now."""

from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from hsbp import audit, audit_text
from hsbp.audit_text import column_labels, register_object, says
from hsbp.partnerships.models import Partner
from hsbp.risks import leverage
from hsbp.risks.models import KeyMoment, Risk, RiskConnection
from hsbp.security import Role


def _connection_labels(session, partnership_id, ids, _locale, _fallback):
    rows = session.execute(
        select(RiskConnection.id, Risk.number, Partner.name)
        .join(Risk, Risk.id == RiskConnection.risk_id)
        .join(Partner, Partner.id == RiskConnection.partner_id)
        .where(RiskConnection.partnership_id == partnership_id, RiskConnection.id.in_(ids))
    )
    return {cid: f"{name} · R-{number}" for cid, number, name in rows}


# The register part may name connections first (its hooks run before these); either wording
# opens the same page, which checks who may read it.
if "RiskConnection" not in audit_text.OBJECT_KINDS:
    register_object(
        "RiskConnection",
        phrase=_l("the connection “%(label)s”"),
        labels=_connection_labels,
        url=lambda pid, oid, _label: url_for(
            "risks.connection_by_id", partnership_id=pid, connection_id=oid
        ),
        min_role=Role.REPRESENTATIVE,
    )
register_object(
    "KeyMoment",
    phrase=_l("the key moment “%(label)s”"),
    labels=column_labels(KeyMoment, KeyMoment.title),
    url=lambda pid, _oid, _label: url_for("risks.key_moments", partnership_id=pid),
    min_role=Role.REPRESENTATIVE,
)

audit.ACTION_LABELS.update(
    {
        "risk_connection.leverage": _l("Leverage assessed"),
        "risk_connection.questions": _l("Guiding questions answered"),
        "risk_escalation.engage": _l("Escalation: engaged"),
        "risk_escalation.condition": _l("Escalation: conditions set"),
        "risk_escalation.collective": _l("Escalation: collective action"),
        "risk_escalation.suspend": _l("Escalation: relationship suspended"),
        "risk_escalation.disengage": _l("Escalation: disengaged"),
        "risk_escalation.remove": _l("Escalation step removed"),
        "risk_disengagement.record": _l("Disengagement assessment recorded"),
        "risk_disengagement.amend": _l("Disengagement assessment amended"),
        "key_moment.create": _l("Key moment added"),
        "key_moment.update": _l("Key moment changed"),
        "key_moment.delete": _l("Key moment removed"),
        "key_moment.remind": _l("Key moment reminder sent"),
    }
)

audit_text.SENTENCES.update(
    {
        "risk_connection.leverage": says(
            _l("%(actor)s assessed the leverage of %(object)s."),
            _l("%(actor)s changed the %(fields)s of %(object)s."),
            listed=True,
        ),
        "risk_connection.questions": says(
            _l(
                "%(actor)s answered the guiding questions of %(object)s: %(answered)s of "
                "%(of)s answered."
            )
        ),
        "risk_escalation.engage": says(
            _l("%(actor)s recorded engaging with the other party on %(on)s, in %(object)s.")
        ),
        "risk_escalation.condition": says(
            _l("%(actor)s recorded conditions set on %(on)s, in %(object)s.")
        ),
        "risk_escalation.collective": says(
            _l("%(actor)s recorded collective action on %(on)s, in %(object)s.")
        ),
        "risk_escalation.suspend": says(
            _l("%(actor)s recorded the relationship suspended on %(on)s, in %(object)s.")
        ),
        "risk_escalation.disengage": says(
            _l("%(actor)s recorded the disengagement on %(on)s, in %(object)s.")
        ),
        "risk_escalation.remove": says(
            _l("%(actor)s removed the step of %(on)s from the escalation ladder of %(object)s.")
        ),
        "risk_disengagement.record": says(
            _l("%(actor)s recorded the responsible-disengagement assessment of %(object)s.")
        ),
        "risk_disengagement.amend": says(
            _l("%(actor)s amended the responsible-disengagement assessment of %(object)s.")
        ),
        "key_moment.create": says(_l("%(actor)s added %(object)s for %(partner_id)s.")),
        "key_moment.update": says(
            _l("%(actor)s changed %(object)s."),
            _l("%(actor)s changed the %(fields)s of %(object)s."),
            listed=True,
        ),
        "key_moment.delete": says(_l("%(actor)s removed %(object)s of %(partner_id)s.")),
        "key_moment.remind": says(
            _l(
                "%(actor)s reminded %(recipients)s people of %(object)s, listing %(risks)s "
                "open risks."
            )
        ),
    }
)

audit_text.FIELD_LABELS.update(
    {
        leverage.AUDIT_FIELDS[leverage.COMMERCIAL]: _l("commercial and contractual leverage"),
        leverage.AUDIT_FIELDS[leverage.BUSINESS]: _l("broader business leverage"),
        leverage.AUDIT_FIELDS[leverage.COLLECTIVE]: _l("collective leverage"),
        leverage.AUDIT_FIELDS[leverage.PODIUM]: _l("podium leverage"),
        leverage.AUDIT_FIELDS[leverage.REGULATORY]: _l("regulatory leverage"),
        leverage.AUDIT_NOTE: _l("note on leverage"),
        "occurs_on": _l("date"),
        "remind_days_before": _l("reminder"),
    }
)
# Generic names other features may have labelled already: theirs stay.
for key, label in (("kind", _l("kind")), ("partner_id", _l("partner")), ("note", _l("note"))):
    audit_text.FIELD_LABELS.setdefault(key, label)
for family, label in (
    ("risk_connection", _l("Risks")),
    ("risk_escalation", _l("Risks")),
    ("risk_disengagement", _l("Risks")),
    ("key_moment", _l("Key moments")),
):
    audit_text.FAMILY_LABELS.setdefault(family, label)
