"""How the audit log tells what site administrators did to accounts (hsbp.audit_text)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from hsbp import audit_text
from hsbp.audit_text import says

audit_text.SENTENCES.update(
    {
        "account.deactivate": says(_l("%(actor)s deactivated the account of %(object)s.")),
        "account.reactivate": says(_l("%(actor)s reactivated the account of %(object)s.")),
        "account.second_factor_reset": says(_l("%(actor)s reset the second factor of %(object)s.")),
    }
)
audit_text.FAMILY_LABELS["account"] = _l("Account administration")
