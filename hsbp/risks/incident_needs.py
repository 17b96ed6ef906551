"""Who is told of a new incident at once (hsbp.notifications): the facilitators and the
representatives of the partners the charter names, until one of them acknowledges it.

An item says the incident's number and place, never its words, who sent it or when: an
e-mail is read in many places, and the time of an anonymous warning could name its sender.
"""

from __future__ import annotations

from datetime import datetime

from flask import Flask
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from hsbp.notifications import Item, add_provider, path_for
from hsbp.notifications.items import memberships_of
from hsbp.risks.incident_models import Incident, IncidentStatus
from hsbp.risks.incident_texts import shown
from hsbp.risks.incidents import reader_partnerships

KIND = "incident"


def _text(number: int, locality: str) -> str:
    if locality:
        return _("New incident %(number)s in %(place)s.", number=shown(number), place=locality)
    return _("New incident %(number)s, place not known.", number=shown(number))


def incidents_new(session: Session, *, user, memberships, locale: str, now: datetime) -> list[Item]:
    """Incidents not acknowledged yet in the partnerships where `user` reads incidents.
    Two statements at most for all partnerships (the charters' named partners, the
    incidents; the words are never read, so nothing is decrypted)."""
    readable = reader_partnerships(session, memberships)
    if not readable:
        return []
    rows = session.execute(
        select(Incident.id, Incident.partnership_id, Incident.number, Incident.locality)
        .where(Incident.partnership_id.in_(readable), Incident.status == IncidentStatus.NEW)
        .order_by(Incident.partnership_id, Incident.number)
    ).all()
    return [
        Item(
            kind=KIND,
            key=f"{KIND}:{row.id}",
            partnership_id=row.partnership_id,
            text=_text(row.number, row.locality),
            url=path_for("risks.incident", partnership_id=row.partnership_id, incident_id=row.id),
        )
        for row in rows
    ]


def concerns(session: Session, user_id: int) -> bool:
    """Whether the person reads incidents in any of their partnerships."""
    return bool(reader_partnerships(session, memberships_of(session, user_id=user_id)))


def init_app(app: Flask) -> None:
    add_provider(
        app,
        KIND,
        label=_l("New incidents (early warnings)"),
        provider=incidents_new,
        immediate=True,
        concerns=concerns,
    )
