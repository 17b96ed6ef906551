"""Incidents: early warnings of tension or violence, from an ALERT by SMS or recorded by a
member who heard of one in person, and their handling (acknowledge, close, correct the place,
attach to a risk).

Who reads an incident's words: the facilitators and the representatives of the partners the
charter names to hear of incidents (hsbp.principles.services.incident_partner_ids); everyone
else sees only the tension view's pooled counts. An anonymous incident keeps its day only
(UTC midnight of the partnership's local day, so the day shown is the day it came) and never
who recorded it; its SMS contact stays only as the way to answer, shown on no page.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, tzinfo

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hsbp import audit
from hsbp.actions.checks import known_localities
from hsbp.auth.models import User
from hsbp.db import utcnow
from hsbp.errors import ServiceError
from hsbp.mapping.models import Participant
from hsbp.partnerships.models import Membership, Partnership
from hsbp.principles import content as charter_content
from hsbp.principles.models import CharterStatus, CharterVersion
from hsbp.risks import links, permissions
from hsbp.risks.incident_models import Incident, IncidentStatus
from hsbp.risks.models import LinkKind, Risk
from hsbp.security import Role
from hsbp.sms.models import Contact, ContactMembership
from hsbp.sms.texts import fold

audit.ACTION_LABELS.update(
    {
        "incident.report": _l("Incident reported by SMS"),
        "incident.record": _l("Incident recorded"),
        "incident.acknowledge": _l("Incident acknowledged"),
        "incident.close": _l("Incident closed"),
        "incident.locality": _l("Incident place corrected"),
        "incident.attach": _l("Incident attached to a risk"),
    }
)

TEXT_MAX, LOCALITY_MAX = 5000, 200
PER_PAGE = 25
CHANNELS = ("sms", "web")
OPEN = (IncidentStatus.NEW, IncidentStatus.ACKNOWLEDGED)
RISK_NUMBER = re.compile(r"\s*(?:R\s*-?\s*)?([0-9]{1,9})\s*", re.ASCII | re.IGNORECASE)


# Who reads incidents -----------------------------------------------------------------------


def reader_partnerships(session: Session, memberships) -> set[int]:
    """The partnerships among `memberships` (one person's) where they read incidents: as a
    facilitator, or representing a partner the charter in force names. One statement at
    most, however many memberships."""
    found = {m.partnership_id for m in memberships if Role(m.role) is Role.FACILITATOR}
    partners = {
        m.partnership_id: m.partner_id
        for m in memberships
        if m.partnership_id not in found and m.partner_id is not None
    }
    if not partners:
        return found
    versions = session.execute(
        select(CharterVersion.partnership_id, CharterVersion.content).where(
            CharterVersion.partnership_id.in_(partners),
            CharterVersion.status == CharterStatus.ADOPTED,
        )
    )
    for partnership_id, content in versions:
        if partners[partnership_id] in charter_content.incident_partners_of(content):
            found.add(partnership_id)
    return found


def may_read(session: Session, membership: Membership) -> bool:
    return membership.partnership_id in reader_partnerships(session, [membership])


# When and where -----------------------------------------------------------------------------


def day_only(moment: datetime, zone: tzinfo) -> datetime:
    """The local day of `moment` in `zone`, kept as UTC midnight of that date: what an
    anonymous incident keeps of its time."""
    return datetime.combine(moment.astimezone(zone).date(), time(0), tzinfo=UTC)


def local_day(received_at: datetime, anonymous: bool, zone: tzinfo) -> date:
    """The day an incident came, in the partnership's time zone (`day_only` kept it so for
    an anonymous one)."""
    if anonymous:
        return received_at.astimezone(UTC).date()
    return received_at.astimezone(zone).date()


def _words(text: str) -> list[str]:
    return [word for word in (fold(w) for w in re.split(r"[\s,.;:!?()]+", text)) if word]


def place_in_text(known: list[str], text: str) -> str:
    """The known place `text` names (case and accents aside), the longest when several do;
    "" when it names none."""
    said = _words(text)
    found = ""
    for place in known:
        wanted = _words(place)
        size = len(wanted)
        if (
            size
            and len(place) > len(found)
            and any(said[i : i + size] == wanted for i in range(len(said) - size + 1))
        ):
            found = place
    return found


def own_locality(session: Session, member: ContactMembership) -> str:
    """The locality of the participant the contact is mapped as, if any."""
    if member.participant_id is None:
        return ""
    return (
        session.scalar(
            select(Participant.locality).where(
                Participant.id == member.participant_id,
                Participant.partnership_id == member.partnership_id,
            )
        )
        or ""
    )


def _clean_locality(value: str | None) -> str:
    place = " ".join((value or "").split())
    if len(place) > LOCALITY_MAX:
        raise ServiceError(
            _l("Keep the place under %(count)d characters.", count=LOCALITY_MAX), field="locality"
        )
    return place


# Recording -------------------------------------------------------------------------------------


def _next_number(session: Session, partnership_id: int) -> int:
    # Two warnings at once must not share a number: the partnership's row is held (on
    # PostgreSQL; SQLite writes one at a time) until the new incident is committed. NO KEY
    # UPDATE leaves every other insert that points at the partnership free.
    session.execute(
        select(Partnership.id)
        .where(Partnership.id == partnership_id)
        .with_for_update(key_share=True)
    )
    last = session.scalar(
        select(func.max(Incident.number)).where(Incident.partnership_id == partnership_id)
    )
    return (last or 0) + 1


def _new(session: Session, partnership: Partnership, **fields) -> Incident:
    now = utcnow()
    anonymous = fields["anonymous"]
    incident = Incident(
        partnership_id=partnership.id,
        number=_next_number(session, partnership.id),
        status=IncidentStatus.NEW,
        received_at=day_only(now, partnership.zone) if anonymous else now,
        **fields,
    )
    session.add(incident)
    session.flush()
    return incident


def _text(description: str | None) -> str:
    text = (description or "").replace("\r\n", "\n").strip()
    if not text:
        raise ServiceError(_l("Say what is happening."), field="description")
    if len(text) > TEXT_MAX:
        raise ServiceError(
            _l("Keep this text under %(count)d characters.", count=TEXT_MAX), field="description"
        )
    return text


def report_by_sms(
    session: Session,
    *,
    partnership: Partnership,
    contact: Contact,
    member: ContactMembership,
    description: str,
    anonymous: bool,
) -> Incident:
    """An incident from an ALERT of a contact who joined the partnership. Its place is the
    known place its text names, else the locality of the participant the contact is mapped
    as. Side effects: the incident, an audit entry with no identity in it (the system as
    actor). Raises ServiceError when the text is empty."""
    text = _text(description[:TEXT_MAX])
    known = known_localities(session, partnership_id=partnership.id)
    place = place_in_text(known, text) or own_locality(session, member)
    incident = _new(
        session,
        partnership,
        channel="sms",
        description=text,
        locale=contact.locale or partnership.default_locale,
        locality=place[:LOCALITY_MAX],
        anonymous=anonymous,
        contact_id=contact.id,
    )
    _audit(session, None, "incident.report", incident, {"anonymous": anonymous})
    return incident


def record(
    session: Session,
    *,
    actor: User,
    partnership: Partnership,
    description: str,
    locality: str,
    anonymous: bool,
    locale: str,
) -> Incident:
    """An incident a member heard of in person. An anonymous one keeps neither who recorded
    it nor its time of day. Side effects: the incident, an audit entry. Raises ServiceError
    on an empty or too long text, or a too long place."""
    incident = _new(
        session,
        partnership,
        channel="web",
        description=_text(description),
        locale=locale or partnership.default_locale,
        locality=_clean_locality(locality),
        anonymous=anonymous,
        recorded_by_id=None if anonymous else actor.id,
    )
    _audit(session, actor.id, "incident.record", incident, {"anonymous": anonymous})
    return incident


# Handling ------------------------------------------------------------------------------------


def incident_in(session: Session, *, partnership_id: int, incident_id: int) -> Incident | None:
    return session.scalar(
        select(Incident).where(
            Incident.id == incident_id, Incident.partnership_id == partnership_id
        )
    )


def acknowledge(session: Session, *, actor: User, incident: Incident) -> None:
    """A new incident is seen to. Side effects: status, date, audit entry."""
    if incident.status != IncidentStatus.NEW:
        raise ServiceError(_l("This incident was acknowledged already."))
    incident.status, incident.acknowledged_at = IncidentStatus.ACKNOWLEDGED, utcnow()
    _audit(session, actor.id, "incident.acknowledge", incident)


def close(session: Session, *, actor: User, incident: Incident) -> None:
    """Side effects: status, date (and acknowledgement, if it had none), audit entry."""
    if incident.status == IncidentStatus.CLOSED:
        raise ServiceError(_l("This incident is closed already."))
    now = utcnow()
    incident.acknowledged_at = incident.acknowledged_at or now
    incident.status, incident.closed_at = IncidentStatus.CLOSED, now
    _audit(session, actor.id, "incident.close", incident)


def set_locality(session: Session, *, actor: User, incident: Incident, locality: str) -> None:
    """Correct where the incident happened. Side effects: the place, an audit entry."""
    place = _clean_locality(locality)
    if place == incident.locality:
        return
    before, incident.locality = incident.locality, place
    _audit(session, actor.id, "incident.locality", incident, {"locality": [before, place]})


def attach_to_risk(
    session: Session, *, actor: User, membership: Membership, incident: Incident, typed: str
) -> Risk:
    """Tie the incident to the risk numbered `typed` ("R-4", "4") among those `membership`
    may read: a link both ways (hsbp.risks.links), and the incident's risk when it had
    none. Raises ServiceError for a number that names no such risk (the same refusal for one
    that exists but may not be read)."""
    match = RISK_NUMBER.fullmatch(typed or "")
    risk = None
    if match:
        risk = session.scalar(
            select(Risk).where(
                Risk.partnership_id == incident.partnership_id,
                Risk.number == int(match.group(1)),
                permissions.visible_clause(session, membership),
            )
        )
    if risk is None:
        raise ServiceError(_l("No risk you may read has this number."), field="risk")
    links.add_link(
        session, risk=risk, kind=LinkKind.INCIDENT, target_id=incident.id, actor_id=actor.id
    )
    if incident.risk_id is None:
        incident.risk_id = risk.id
    _audit(session, actor.id, "incident.attach", incident, {"risk_id": risk.id})
    return risk


def _audit(session: Session, actor_id, action: str, incident: Incident, details=None) -> None:
    audit.record(
        session,
        actor_id=actor_id,
        action=action,
        obj=incident,
        partnership_id=incident.partnership_id,
        details=details or {},
    )


# The list ----------------------------------------------------------------------------------------


def incidents_page(
    session: Session,
    *,
    partnership_id: int,
    status: str | None = None,
    locality: str | None = None,
    page: int = 1,
) -> tuple[list[tuple[Incident, int | None]], int]:
    """One page of the partnership's incidents, newest first, with the number of the risk
    each is attached to; and how many match. Two statements, whatever the page holds."""
    where = [Incident.partnership_id == partnership_id]
    if status:
        where.append(Incident.status == status)
    if locality is not None:
        where.append(Incident.locality == locality)
    total = session.scalar(select(func.count()).select_from(Incident).where(*where)) or 0
    rows = session.execute(
        select(Incident, Risk.number)
        .outerjoin(Risk, Risk.id == Incident.risk_id)
        .where(*where)
        .order_by(Incident.received_at.desc(), Incident.number.desc())
        .offset((page - 1) * PER_PAGE)
        .limit(PER_PAGE)
    ).all()
    return [(incident, number) for incident, number in rows], total


def localities(session: Session, *, partnership_id: int) -> list[str]:
    """The places incidents were recorded in, each once, by name."""
    found = session.scalars(
        select(Incident.locality).where(Incident.partnership_id == partnership_id).distinct()
    )
    return sorted(found, key=str.casefold)
