"""Helpers the incident tests share (no tests here): a charter naming the partners told of
incidents, incidents made straight in the database, a joined SMS contact, page text."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from hsbp.principles.models import CharterVersion
from hsbp.risks.incident_models import Incident
from hsbp.risks.models import Risk
from hsbp.sms import contacts
from tests.sms.conftest import PHONE, SENDER, add_contact

__all__ = ["PHONE", "SENDER"]


def name_partners(session, partnership, *partners) -> CharterVersion:
    """An adopted charter naming `partners` to hear of incidents."""
    version = CharterVersion(
        partnership_id=partnership.id,
        number=1,
        status="adopted",
        content={"incident_partners": [p.id for p in partners]},
        adopted_at=datetime(2026, 1, 10, tzinfo=UTC),
    )
    session.add(version)
    session.flush()
    return version


def incident(session, partnership, *, number=None, days_ago=0, **fields) -> Incident:
    """An incident as if it came `days_ago` days before now (at the last number + 1)."""
    if number is None:
        found = session.scalars(
            select(Incident.number).where(Incident.partnership_id == partnership.id)
        ).all()
        number = max(found, default=0) + 1
    values = {
        "channel": "web",
        "description": f"Amenazas en la vereda, número {number}",
        "locality": "Vereda La Esperanza",
        "received_at": datetime.now(UTC) - timedelta(days=days_ago),
    }
    row = Incident(partnership_id=partnership.id, number=number, **{**values, **fields})
    session.add(row)
    session.flush()
    return row


def risk(session, partnership, number=1, *, created_by=None, title="Desalojo forzoso") -> Risk:
    row = Risk(
        partnership_id=partnership.id,
        number=number,
        title={"es": title, "en": title},
        created_by_id=created_by.id if created_by else None,
    )
    session.add(row)
    session.flush()
    return row


def joined_contact(session, partnership, *, phone=PHONE, locale="es", participant=None):
    """A contact who joined `partnership`, which has an SMS number."""
    if contacts.settings_of(session, partnership.id) is None:
        contacts.configure_sender(
            session, partnership_id=partnership.id, sender=SENDER, join_code="CAGUAN"
        )
    return add_contact(session, partnership, phone, locale=locale, participant=participant)
