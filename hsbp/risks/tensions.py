"""Where tensions are recorded: the places the partnership's shared reading of its context
names for a threat or a divider, and those where an incident was reported lately. An action
in one of them is screened for harm before it starts (hsbp.risks.screening).

Places are compared as the SMS channel compares words (hsbp.sms.texts.fold): case, accents,
punctuation and spacing aside, so "Peñas Coloradas" in the context and "peñas  coloradas"
on an action are one place.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from hsbp.db import utcnow
from hsbp.risks.context_models import ContextAssessment, ContextStatus
from hsbp.risks.incident_models import Incident
from hsbp.sms.texts import fold

# An incident marks its place as tense this long after it was reported.
RECENT_DAYS = 90
# The parts of the context whose places carry tension: connectors and trends do not.
TENSE_PARTS = ("threats", "dividers")


def place_key(name: str) -> str:
    """How a place name compares: "Peñas  Coloradas." -> "PENAS COLORADAS"."""
    return " ".join(word for word in (fold(w) for w in str(name or "").split()) if word)


def context_places(content: dict | None) -> set[str]:
    """The places (compared as `place_key`) a context document names for a threat or a
    divider. A malformed document (a hand-edited row) gives what it can."""
    found = set()
    for part in TENSE_PARTS:
        items = (content or {}).get(part) if isinstance(content, dict) else None
        for item in items if isinstance(items, list) else ():
            if isinstance(item, dict) and isinstance(item.get("locality"), str):
                found.add(place_key(item["locality"]))
    found.discard("")
    return found


def places_with_tension(
    session: Session, *, partnership_id: int, now: datetime | None = None
) -> set[str]:
    """The partnership's places with recorded tensions, each as `place_key`: those the latest
    validated context assessment names for a threat or a divider, and those of incidents
    received in the last RECENT_DAYS days. Two queries."""
    content = session.scalar(
        select(ContextAssessment.content)
        .where(
            ContextAssessment.partnership_id == partnership_id,
            ContextAssessment.status == ContextStatus.VALIDATED,
        )
        .order_by(ContextAssessment.number.desc())
        .limit(1)
    )
    since = (now or utcnow()) - timedelta(days=RECENT_DAYS)
    reported = session.scalars(
        select(Incident.locality)
        .where(
            Incident.partnership_id == partnership_id,
            Incident.received_at >= since,
            Incident.locality != "",
        )
        .distinct()
    )
    found = context_places(content) | {place_key(place) for place in reported}
    found.discard("")
    return found


def tense_places(places: list[str] | None, tense: set[str]) -> list[str]:
    """The places of `places` (as written there) that are in `tense`, each once, in order."""
    out, seen = [], set()
    for place in places or []:
        key = place_key(place)
        if key in tense and key not in seen:
            seen.add(key)
            out.append(place)
    return out
