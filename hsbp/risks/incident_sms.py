"""Early warning on the SMS channel: ALERT <what is happening>.

ALERT (ALERTA, ALERTE, UZBUNA, تنبيه, TAHADHARI) from a contact who joined the partnership
their message reaches records an incident and answers at once with its number; ALERT ANON
<text> (the grievance mechanism's words for "anonymous") records it without a readable
identity, the contact kept only as the way to answer, its time kept to the day. ALERT alone
says how to send one, and keeps nothing. Apart from grievances: a warning of tension goes to
those the charter names to act on it, not to the grievance officers.

The keyword is confidential (hsbp.sms.handlers): a warning's words beside the number that
sent them could put its sender at risk, so the message log keeps no readable body and no
page shows the message; those who may read incidents read it on the incident's page.
"""

from __future__ import annotations

import re

from flask import Flask
from sqlalchemy.orm import Session

from hsbp.partnerships.models import Partnership
from hsbp.risks import incident_texts as texts
from hsbp.risks import incidents
from hsbp.sms import contacts
from hsbp.sms.handlers import Incoming, registry
from hsbp.sms.texts import fold

ROUTE = "incident_alert"


def _rest(text: str, words: int) -> str:
    """`text` without its first `words` words, its own line breaks kept."""
    parts = re.split(r"\s+", text.strip(), maxsplit=words)
    return parts[words].strip() if len(parts) > words else ""


def alert(session: Session, incoming: Incoming) -> list[str]:
    """ALERT [ANON] <text>: record an incident and answer with its number."""
    contact, locale, partnership_id = incoming.contact, incoming.locale, incoming.partnership_id
    member = None
    if contact is not None and partnership_id is not None:
        member = contacts.confirmed_membership(
            session, contact=contact, partnership_id=partnership_id
        )
    if member is None:
        return [texts.text(locale, "not_joined")]
    words = incoming.words
    anonymous = len(words) > 1 and fold(words[1]) in texts.anonymous_words(locale)
    description = _rest(incoming.text, 2 if anonymous else 1)
    if not description:
        return [texts.text(locale, "needs_text")]
    incident = incidents.report_by_sms(
        session,
        partnership=session.get(Partnership, partnership_id),
        contact=contact,
        member=member,
        description=description,
        anonymous=anonymous,
    )
    key = "receipt_anonymous" if anonymous else "receipt"
    return [texts.text(locale, key, number=texts.shown(incident.number))]


def init_app(app: Flask) -> None:
    """Register ALERT with the SMS channel: confidential, and listed by HELP."""
    registry(app).keyword(
        ROUTE,
        texts.words(),
        alert,
        confidential=True,
        catalog_words=texts.KEYWORD,
        hint=texts.HELP_HINT,
    )
