"""How the audit log tells changes of consent (hsbp.audit_text).

A consent is named by its purpose and its person's number in the log ("SMS contact #12") or,
for a participant, their display name (a pseudonym once protected), never a phone or a real
name. Only facilitators, who keep consent, are linked to the person's consent page."""

from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from hsbp import audit_text
from hsbp.audit_text import register_object, says
from hsbp.consent.labels import PURPOSE_LABELS
from hsbp.consent.models import Consent
from hsbp.mapping.models import Participant
from hsbp.security import Role


def _labels(session, partnership_id, ids, _locale, _fallback) -> dict[int, str]:
    rows = session.execute(
        select(Consent.id, Consent.purpose, Consent.contact_id, Participant.display_name)
        .outerjoin(Participant, Participant.id == Consent.participant_id)
        .where(Consent.partnership_id == partnership_id, Consent.id.in_(ids))
    ).all()
    found = {}
    for consent_id, purpose, contact_id, name in rows:
        who = (
            _("SMS contact #%(id)s", id=contact_id)
            if contact_id is not None
            else _("participant “%(name)s”", name=name)
        )
        found[consent_id] = f"{PURPOSE_LABELS.get(purpose, purpose)} · {who}"
    return found


register_object(
    "Consent",
    phrase=_l("the consent (%(label)s)"),
    labels=_labels,
    url=lambda pid, oid, _label: url_for(
        "consent.open_consent", partnership_id=pid, consent_id=oid
    ),
    min_role=Role.FACILITATOR,
)
audit_text.SENTENCES.update(
    {
        "consent.grant": says(_l("%(actor)s recorded %(object)s as given.")),
        "consent.withdraw": says(_l("%(actor)s recorded %(object)s as withdrawn.")),
    }
)
audit_text.FAMILY_LABELS.update({"consent": _l("Consent")})
