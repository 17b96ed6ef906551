"""How the audit log tells the do-no-harm screening of actions (hsbp.audit_text). Entries are
on the action itself, so they link to its page; they name which answers changed, never what
they say."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from hsbp import audit_text
from hsbp.audit_text import says

audit_text.SENTENCES.update(
    {
        "screening.answer": says(_l("%(actor)s answered the do-no-harm screening of %(object)s.")),
        "screening.update": says(
            _l("%(actor)s changed the do-no-harm screening of %(object)s."),
            _l(
                "%(actor)s changed the answers on %(fields)s in the do-no-harm screening of "
                "%(object)s."
            ),
            listed=True,
        ),
    }
)
audit_text.FIELD_LABELS.update(
    {
        "screening.who_at_risk": _l("who could be put at risk"),
        "screening.divider": _l("the divider it could feed"),
        "screening.connector": _l("the connector it strengthens"),
    }
)
audit_text.FAMILY_LABELS["screening"] = _l("Do-no-harm screening")
