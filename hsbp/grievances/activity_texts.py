"""How the audit log tells the handling of grievances (hsbp.audit_text).

A grievance is named by its reference code, never by its complainant, and opened from the
log by facilitators only (others read these entries as their action alone)."""

from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l

from hsbp import audit_text
from hsbp.audit_text import column_labels, register_object, says
from hsbp.grievances.models import Grievance
from hsbp.security import Role

register_object(
    "Grievance",
    phrase=_l("the grievance %(label)s"),
    labels=column_labels(Grievance, Grievance.code),
    url=lambda pid, oid, _label: url_for("grievances.detail", partnership_id=pid, grievance_id=oid),
    min_role=Role.FACILITATOR,
)
register_object("GrievanceSettings", phrase=_l("the grievance settings"))

audit_text.SENTENCES.update(
    {
        "grievance.file": says(_l("%(actor)s recorded that %(object)s was received.")),
        "grievance.stage": says(_l("%(actor)s moved %(object)s to another stage.")),
        "grievance.update": says(_l("%(actor)s changed the handling of %(object)s.")),
        "grievance.identity_view": says(
            _l("%(actor)s looked at the identity of the complainant of %(object)s.")
        ),
        "grievance.rate": says(_l("The outcome of %(object)s was rated.")),
        "grievance.escalate": says(_l("%(actor)s escalated %(object)s, which was overdue.")),
        "grievance.settings": says(
            _l("%(actor)s changed %(object)s."),
            _l("%(actor)s changed the %(fields)s of %(object)s."),
        ),
        "grievance.officer_grant": says(_l("%(actor)s named %(object)s grievance officer.")),
        "grievance.officer_revoke": says(
            _l("%(actor)s removed the grievance officer role from %(object)s.")
        ),
    }
)
audit_text.FAMILY_LABELS["grievance"] = _l("Grievances")
