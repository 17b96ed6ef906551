"""How the audit log tells the retention schedule's changes and runs (hsbp.audit_text)."""

from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l

from hsbp import audit_text
from hsbp.audit_text import register_object, says


def _schedule_page(pid: int, _oid: int, _label: str) -> str:
    return url_for("retention.schedule", partnership_id=pid)


register_object("RetentionSchedule", phrase=_l("the retention schedule"), url=_schedule_page)
register_object("RetentionRun", phrase=_l("the retention schedule"), url=_schedule_page)

audit_text.SENTENCES.update(
    {
        "retention.settings": says(
            _l("%(actor)s changed %(object)s."),
            _l("%(actor)s changed the %(fields)s of %(object)s."),
        ),
        "retention.run": says(
            _l(
                "%(actor)s applied %(object)s and removed the text of %(sms_bodies)s SMS "
                "messages, %(grievance_identities)s complainants' identities, "
                "%(consultation_raw)s raw SMS answers, %(dropped_evidence)s files and the "
                "personal details of %(audit_details)s audit entries."
            )
        ),
    }
)
audit_text.FIELD_LABELS.update(
    {
        "sms_body_days": _l("period for SMS texts"),
        "grievance_identity_months": _l("period for complainants' identities"),
        "consultation_raw_days": _l("period for raw SMS answers"),
        "dropped_evidence_days": _l("period for files of dropped actions"),
        "audit_detail_years": _l("period for audit details"),
    }
)
audit_text.FAMILY_LABELS["retention"] = _l("Retention")
