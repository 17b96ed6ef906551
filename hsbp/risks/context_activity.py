"""How the audit log tells the work on the context assessment (hsbp.audit_text)."""

from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l

from hsbp import audit_text
from hsbp.audit_text import column_labels, register_object, says
from hsbp.risks.context_models import ContextAssessment


def _version_url(pid: int, _oid: int, label: str) -> str:
    # A version's page is addressed by its number, which is its label.
    return url_for("risks.context_version", partnership_id=pid, number=int(label))


register_object(
    "ContextAssessment",
    phrase=_l("version %(label)s of the context assessment"),
    labels=column_labels(ContextAssessment, ContextAssessment.number),
    url=_version_url,
)

audit_text.SENTENCES.update(
    {
        "context.create": says(_l("%(actor)s started %(object)s as a draft.")),
        "context.update": says(
            _l(
                "%(actor)s edited %(object)s (items added: %(added)s, removed: %(removed)s, "
                "changed: %(changed)s)."
            )
        ),
        "context.propose": says(_l("%(actor)s proposed %(object)s to the partners.")),
        "context.withdraw": says(_l("%(actor)s withdrew the proposal of %(object)s to revise it.")),
        "context.confirm": says(_l("%(actor)s confirmed %(object)s for %(partner_id)s.")),
        "context.comment": says(_l("%(actor)s commented on %(object)s for %(partner_id)s.")),
        "context.validate": says(
            _l("Every current partner confirmed %(object)s: it is validated.")
        ),
    }
)
audit_text.FAMILY_LABELS["context"] = _l("Context assessment")
