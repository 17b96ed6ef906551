"""How the audit log tells erasures (hsbp.audit_text): that one happened, when and by whom,
named by the erasure's number, never by the person erased."""

from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from hsbp import audit_text
from hsbp.audit_text import register_object, says
from hsbp.privacy.models import Erasure
from hsbp.security import Role


def _numbers(session, partnership_id, ids, _locale, _fallback) -> dict[int, str]:
    found = session.scalars(
        select(Erasure.id).where(Erasure.partnership_id == partnership_id, Erasure.id.in_(ids))
    )
    return {erasure_id: str(erasure_id) for erasure_id in found}


register_object(
    "Erasure",
    phrase=_l("erasure %(label)s"),
    labels=_numbers,
    url=lambda pid, oid, _label: url_for(
        "privacy.erasure_done", partnership_id=pid, erasure_id=oid
    ),
    min_role=Role.FACILITATOR,
)
audit_text.SENTENCES["privacy.erase"] = says(
    _l("%(actor)s erased the data of a person (%(object)s).")
)
audit_text.FAMILY_LABELS.setdefault("privacy", _l("Privacy"))
