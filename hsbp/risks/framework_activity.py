"""How the audit log tells the framework tags (hsbp.audit_text): the subject is named by the
features that own it (an action, an indicator, a risk, a version of the charter), the
references by their codes in the details."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from hsbp import audit, audit_text
from hsbp.audit_text import says

audit.ACTION_LABELS.update(
    {
        "framework.tag": _l("Framework references changed"),
        "framework.tag_goal": _l("Framework references of a charter goal changed"),
    }
)
audit_text.SENTENCES.update(
    {
        "framework.tag": says(_l("%(actor)s changed the framework references of %(object)s.")),
        "framework.tag_goal": says(
            _l("%(actor)s changed the framework references of a goal of %(object)s.")
        ),
    }
)
audit_text.FAMILY_LABELS["framework"] = _l("Frameworks")
