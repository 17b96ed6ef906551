"""How the audit log tells the work on the action checklist (hsbp.audit_text)."""

from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l

from hsbp import audit_text
from hsbp.actions.models import Action
from hsbp.audit_text import column_labels, register_object, says

register_object(
    "Action",
    phrase=_l("the action “%(label)s”"),
    labels=column_labels(Action, Action.title, multilingual=True),
    url=lambda pid, oid, _label: url_for("actions.detail", partnership_id=pid, action_id=oid),
)
register_object("Evidence", phrase=_l("evidence"))
register_object("ChecklistSettings", phrase=_l("the checklist settings"))
audit_text.REFERENCE_KINDS["action_id"] = "Action"

audit_text.SENTENCES.update(
    {
        "action.create": says(_l("%(actor)s added %(object)s to the checklist.")),
        "action.update": says(
            _l("%(actor)s changed %(object)s."),
            _l("%(actor)s changed the %(fields)s of %(object)s."),
        ),
        "action.progress": says(
            _l("%(actor)s reported progress on %(object)s."),
            _l("%(actor)s reported the %(fields)s of %(object)s."),
        ),
        "action.handover": says(
            _l("%(actor)s handed %(object)s over from %(from_partner_id)s to %(to_partner_id)s.")
        ),
        "action.community_update": says(
            _l("%(actor)s told %(recipients)s community members by SMS that %(object)s is done.")
        ),
        "action.evidence_add": says(_l("%(actor)s added evidence to the action “%(action_id)s”.")),
        "action.evidence_remove": says(
            _l("%(actor)s removed evidence from the action “%(action_id)s”.")
        ),
        "action_settings.save": says(
            _l("%(actor)s changed %(object)s."),
            _l("%(actor)s changed the %(fields)s of %(object)s."),
        ),
    }
)
audit_text.FIELD_LABELS.update(
    {
        "title": _l("title"),
        "goal_key": _l("charter goal"),
        "lead_partner_id": _l("lead partner"),
        "start_on": _l("start date"),
        "due_on": _l("due date"),
        "status": _l("status"),
        "progress": _l("progress"),
        "principles": _l("principles"),
        "sdg_targets": _l("SDG targets"),
        "budget": _l("budget"),
        "currency": _l("currency"),
        "localities": _l("places"),
    }
)
audit_text.FAMILY_LABELS.update(
    {"action": _l("Action checklist"), "action_settings": _l("Action checklist")}
)
