"""The rows a risk links to: turning what a member typed or picked into a row of the
partnership (`resolve`), and naming linked rows (`labels`; hsbp.risks.link_rows describes
them for pages).

Every look-up is scoped to the member's partnership, so an id from another partnership is
refused exactly like one that does not exist. A grievance is confidential: only members who
may open its page (facilitators, grievance officers, and the representatives of the partner
it concerns, as hsbp.grievances.views decides) may link it, and a refusal says nothing of
whether the code exists. Incidents follow the same confidentiality (hsbp.risks.incidents
.may_read).

What each kind's `target_id` and `key` are (hsbp.risks.models.RiskLink):

- grievance: the grievance's id (typed as its code, "4827 1936");
- incident: the incident's id (typed as its number, "I-7" or "7");
- outcome_item: the id of the validation round that validated the outcome
  (hsbp.consultations.validation_models.OutcomeValidation) and the item's key: the round
  keeps the items as the partners validated them, so the linked text never changes under
  the link, even when the outcome is edited later;
- pulse_gap: the pulse round's id and the dimension of the gap;
- action: the action's id (with a role, mitigation or remediation);
- indicator: the indicator's id.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import NamedTuple

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from hsbp.actions.models import Action
from hsbp.consultations.validation_models import OutcomeValidation
from hsbp.db import id_or_none
from hsbp.errors import ServiceError
from hsbp.grievances import codes, officers
from hsbp.grievances.models import Grievance
from hsbp.monitoring import pulses
from hsbp.monitoring.models import Indicator
from hsbp.monitoring.pulse_models import DIMENSIONS, PulseRound
from hsbp.monitoring.pulse_views import DIMENSION_LABELS
from hsbp.partnerships.models import Membership
from hsbp.risks import incidents
from hsbp.risks.incident_models import Incident
from hsbp.risks.link_rows import describe, gap_label, in_reader_language, item_text
from hsbp.risks.models import LinkKind
from hsbp.security import Role

# "I-7", "i 7", "#7" or "7".
_INCIDENT = re.compile(r"^(?:[Ii]\s*-?\s*)?#?\s*([0-9]{1,10})$")


class Target(NamedTuple):
    """A row a risk may link to: its id and key as the link stores them, and its name."""

    target_id: int
    key: str
    label: str


# Resolving what was typed ----------------------------------------------------------------


def resolve(session: Session, *, membership: Membership, kind: str, ref: str) -> Target:
    """The row of `membership`'s partnership that `ref` names for `kind` (a LinkKind value):
    a grievance code, an incident number, "<round id>:<item key>" for an outcome item,
    "<round id>:<dimension>" for a pulse gap, an action's or an indicator's id. Raises
    ServiceError (field "ref") when `ref` is malformed or names no row the member may link."""
    try:
        kind = LinkKind(kind)
    except ValueError:
        raise ServiceError(_l("This cannot be linked to a risk.")) from None
    return _RESOLVERS[kind](session, membership, (ref or "").strip())


def _refuse(message) -> ServiceError:
    return ServiceError(message, field="ref")


def grievance_reader(session: Session, membership: Membership) -> Callable[[int | None], bool]:
    """Whether `membership` may see a grievance concerning a given partner (its partner_id):
    facilitators and grievance officers see all, a representative those concerning its own
    partner, others none. At most one query, whatever the number of grievances."""
    if Role(membership.role) is Role.FACILITATOR or officers.is_officer(
        session, user_id=membership.user_id, partnership_id=membership.partnership_id
    ):
        return lambda _partner_id: True
    own = membership.partner_id
    if Role(membership.role) is Role.REPRESENTATIVE and own is not None:
        return lambda partner_id: partner_id == own
    return lambda _partner_id: False


def _grievance(session: Session, membership: Membership, ref: str) -> Target:
    code = codes.normalise(ref)
    if code is None:
        raise _refuse(
            _l("A grievance code has eight digits, as on the complainant's receipt: 4827 1936.")
        )
    found = session.scalar(
        select(Grievance).where(
            Grievance.code == code, Grievance.partnership_id == membership.partnership_id
        )
    )
    # One refusal whether the code is unknown, elsewhere or not the member's to see: it
    # must not tell anyone that a complaint with this code exists.
    if found is None or not grievance_reader(session, membership)(found.partner_id):
        raise _refuse(_l("No grievance you may see has the code %(code)s.", code=codes.shown(code)))
    return Target(found.id, "", codes.shown(found.code))


def _incident(session: Session, membership: Membership, ref: str) -> Target:
    matched = _INCIDENT.match(ref)
    number = id_or_none(matched.group(1)) if matched else None
    if number is None:
        raise _refuse(_l("Write the incident's number, for example I-7."))
    found = session.scalar(
        select(Incident).where(
            Incident.number == number, Incident.partnership_id == membership.partnership_id
        )
    )
    # Incidents are read as grievances are: one refusal for a number that is unknown and for
    # one the member may not read.
    if found is None or not incidents.may_read(session, membership):
        raise _refuse(_l("No incident you may read has the number I-%(number)s.", number=number))
    return Target(found.id, "", f"I-{found.number}")


def _pair(ref: str) -> tuple[int | None, str]:
    """ "12:abc" as (12, "abc"); (None, "") when it is not an id and a key."""
    head, _sep, tail = ref.partition(":")
    tail = tail.strip()
    if not tail or len(tail) > 40:
        return None, ""
    return id_or_none(head), tail


def _outcome_item(session: Session, membership: Membership, ref: str) -> Target:
    round_id, key = _pair(ref)
    if round_id is None:
        raise _refuse(_l("Choose an item of a consultation outcome the partners validated."))
    found = session.scalar(
        select(OutcomeValidation).where(
            OutcomeValidation.id == round_id,
            OutcomeValidation.partnership_id == membership.partnership_id,
            OutcomeValidation.validated_at.is_not(None),
            OutcomeValidation.superseded_at.is_(None),
        )
    )
    text = item_text(found.outcome, key) if found is not None else None
    if text is None:
        raise _refuse(_l("This item is not in a consultation outcome the partners validated."))
    return Target(found.id, key, in_reader_language(text))


def _pulse_gap(session: Session, membership: Membership, ref: str) -> Target:
    round_id, dimension = _pair(ref)
    if round_id is None or dimension not in DIMENSIONS:
        raise _refuse(_l("Choose a gap between constituencies of a pulse round."))
    found = session.scalar(
        select(PulseRound).where(
            PulseRound.id == round_id, PulseRound.partnership_id == membership.partnership_id
        )
    )
    if found is None:
        raise _refuse(_l("There is no such pulse round in this partnership."))
    gaps = {gap.dimension: gap for gap in pulses.results(session, found).gaps}
    if dimension not in gaps or gaps[dimension].difference <= 0:
        raise _refuse(
            _l(
                "This pulse round shows no gap in %(dimension)s between constituencies.",
                dimension=DIMENSION_LABELS[dimension],
            )
        )
    return Target(found.id, dimension, gap_label(in_reader_language(found.title), dimension))


def _action(session: Session, membership: Membership, ref: str) -> Target:
    action_id = id_or_none(ref.removeprefix("#"))
    if action_id is None:
        raise _refuse(_l("Choose an action of the checklist."))
    found = session.scalar(
        select(Action).where(
            Action.id == action_id, Action.partnership_id == membership.partnership_id
        )
    )
    if found is None:
        raise _refuse(_l("There is no such action in this partnership."))
    return Target(found.id, "", in_reader_language(found.title))


def _indicator(session: Session, membership: Membership, ref: str) -> Target:
    indicator_id = id_or_none(ref.removeprefix("#"))
    if indicator_id is None:
        raise _refuse(_l("Choose an indicator."))
    found = session.scalar(
        select(Indicator).where(
            Indicator.id == indicator_id, Indicator.partnership_id == membership.partnership_id
        )
    )
    if found is None:
        raise _refuse(_l("There is no such indicator in this partnership."))
    return Target(found.id, "", in_reader_language(found.name))


_RESOLVERS = {
    LinkKind.GRIEVANCE: _grievance,
    LinkKind.INCIDENT: _incident,
    LinkKind.OUTCOME_ITEM: _outcome_item,
    LinkKind.PULSE_GAP: _pulse_gap,
    LinkKind.ACTION: _action,
    LinkKind.INDICATOR: _indicator,
}


def labels(session: Session, *, partnership_id: int, links: Iterable) -> dict[int, str]:
    """{link id: a name for the linked row} in a fixed number of queries (one per kind)."""
    found = describe(session, partnership_id=partnership_id, links=links)
    return {link_id: described.label for link_id, described in found.items()}
