"""Incidents in a person's erasure and export (hsbp.privacy.registry), as grievances are.

Erasing a contact unlinks its incidents (the contact was their reply channel); a closed one
loses its words too, replaced by the placeholder, while an open one keeps them, less the
person's name and number, as long as it is being handled. The export lists the person's own
incidents that are not anonymous: an anonymous one is not linked to them, as an anonymous
grievance is not.
"""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from hsbp.privacy.erasure_common import removed_text, without
from hsbp.privacy.export_labels import NONE_HELD
from hsbp.privacy.export_layout import Section, at_time, named, shown
from hsbp.privacy.registry import Part, add_part
from hsbp.risks.incident_forms import STATUS_LABELS
from hsbp.risks.incident_models import Incident, IncidentStatus
from hsbp.risks.incident_texts import shown as shown_number

KEY = "incidents"
REMOVED = {
    "incidents": _l("Closed incidents: the link to the number and their words"),
    "open_incidents": _l(
        "Open incidents: the link to the number. Their words stay while they are handled, "
        "without the person's name or number."
    ),
}


def partnerships(contact_id: int):
    return select(Incident.partnership_id).where(Incident.contact_id == contact_id)


def erase(session, scope, tally) -> None:
    """The contact's incidents in the scope's partnership (see the module)."""
    found = session.scalars(
        select(Incident)
        .where(
            Incident.partnership_id == scope.partnership_id,
            Incident.contact_id == scope.contact.id,
        )
        .order_by(Incident.id)
    )
    for incident in found:
        closed = incident.status == IncidentStatus.CLOSED
        tally.add("incidents" if closed else "open_incidents", 1)
        if tally.dry:
            continue
        incident.contact_id = None
        if closed:
            incident.description = removed_text(scope.locale)
        else:
            incident.description = without(incident.description, scope.searched)


def export(reader) -> list[dict]:
    subject = reader.subject
    if not subject.contact_ids:
        return []
    found = reader.session.scalars(
        select(Incident)
        .where(
            Incident.partnership_id == subject.partnership_id,
            Incident.contact_id.in_(subject.contact_ids),
            Incident.anonymous.is_(False),
        )
        .order_by(Incident.received_at, Incident.id)
    )
    return [
        {
            "number": shown_number(i.number),
            "channel": i.channel,
            "received_at": i.received_at,
            "status": i.status,
            "locality": i.locality,
            "description": i.description or "",
        }
        for i in found
    ]


def section(rows: list[dict]) -> Section:
    parts = [
        Section(
            "incident",
            row["number"],
            facts=[
                (_("Received"), at_time(row["received_at"])),
                (_("Status"), named(STATUS_LABELS, row["status"])),
                (_("Place"), shown(row["locality"])),
                (_("What you told us"), shown(row["description"])),
            ],
        )
        for row in rows
    ]
    notes = [] if rows else [str(NONE_HELD)]
    notes.append(_("Alerts you sent anonymously are not linked to you: they are not listed here."))
    return Section(KEY, _("Alerts you sent (incidents)"), parts=parts, paragraphs=notes)


def init_app(_app) -> None:
    add_part(
        Part(
            key=KEY,
            partnerships=partnerships,
            erase=erase,
            export=export,
            section=section,
            removed=REMOVED,
        )
    )
