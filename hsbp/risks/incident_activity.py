"""How the audit log tells the handling of incidents (hsbp.audit_text).

An incident is named by its number (I-7), never by its words, its sender or its place, and
opened from the log by facilitators only: others read these entries as their action alone."""

from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from hsbp import audit_text
from hsbp.audit_text import register_object, says
from hsbp.risks.incident_models import Incident
from hsbp.risks.incident_texts import shown
from hsbp.security import Role


def _labels(session, partnership_id, ids, _locale, _fallback) -> dict[int, str]:
    rows = session.execute(
        select(Incident.id, Incident.number).where(
            Incident.partnership_id == partnership_id, Incident.id.in_(ids)
        )
    )
    return {incident_id: shown(number) for incident_id, number in rows}


register_object(
    "Incident",
    phrase=_l("the incident %(label)s"),
    labels=_labels,
    url=lambda pid, oid, _label: url_for("risks.incident", partnership_id=pid, incident_id=oid),
    min_role=Role.FACILITATOR,
)

audit_text.SENTENCES.update(
    {
        "incident.report": says(_l("An ALERT by SMS reported %(object)s.")),
        "incident.record": says(_l("%(actor)s recorded %(object)s.")),
        "incident.acknowledge": says(_l("%(actor)s acknowledged %(object)s.")),
        "incident.close": says(_l("%(actor)s closed %(object)s.")),
        "incident.locality": says(_l("%(actor)s corrected the place of %(object)s.")),
        "incident.attach": says(_l("%(actor)s attached %(object)s to a risk.")),
    }
)
audit_text.FAMILY_LABELS["incident"] = _l("Incidents")
