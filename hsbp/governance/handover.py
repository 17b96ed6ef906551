"""A leaving partner's work and its hand-over to named partners (issue 16, item 6).

The work is read from where it lives, so it is always up to date: open actions the partner
leads or supports (hsbp.actions), its budget lines in the charter's latest version, the open
draft or proposal if there is one, else the charter in force (hsbp.principles), and open
grievances that concern it or that one of its representatives handles as officer
(hsbp.grievances). Each item is handed over through its own feature's services, so every
feature keeps its own history; a Handover row remembers who took what.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from hsbp import audit
from hsbp.actions import handover as action_handover
from hsbp.actions.models import CLOSED, Action, action_supporters
from hsbp.auth.models import User
from hsbp.errors import ServiceError
from hsbp.grievances import officers as grievance_officers
from hsbp.grievances import services as grievance_services
from hsbp.grievances.models import Grievance, Stage
from hsbp.partnerships.entry_models import Departure, DepartureStatus, Handover
from hsbp.partnerships.models import Membership, Partner, Partnership
from hsbp.principles import services as charter
from hsbp.principles.models import CharterStatus, CharterVersion
from hsbp.security import Role

audit.ACTION_LABELS["partner.handover"] = _l("Work of a leaving partner handed over")
KINDS = ("action", "budget", "grievance")
NOTE_MAX = 2000


@dataclass(frozen=True)
class Work:
    """One item of a leaving partner's work still in its name."""

    kind: str  # action, budget, grievance
    item: str  # the action's or grievance's id, the budget line's key
    title: dict | str  # {locale: text} for actions and budget lines; a code for grievances
    role: str  # lead, supporting, budget, concerned, officer
    row: object = None  # the Action, budget line (dict) or Grievance


def work_of(session: Session, *, departure: Departure) -> list[Work]:
    """Everything still in the leaving partner's name, in four queries."""
    partner_id = departure.partner_id
    found: list[Work] = []
    actions = session.scalars(
        select(Action)
        .options(selectinload(Action.supporters))
        .where(
            Action.partnership_id == departure.partnership_id,
            Action.status.not_in(CLOSED),
            or_(
                Action.lead_partner_id == partner_id,
                Action.id.in_(
                    select(action_supporters.c.action_id).where(
                        action_supporters.c.partner_id == partner_id
                    )
                ),
            ),
        )
        .order_by(Action.due_on.is_(None), Action.due_on, Action.id)
    )
    for action in actions:
        role = "lead" if action.lead_partner_id == partner_id else "supporting"
        found.append(Work("action", str(action.id), action.title, role, action))
    version = latest_version(session, partnership_id=departure.partnership_id)
    for line in (version.content or {}).get("budget", []) if version else []:
        if line.get("partner_id") == partner_id:
            found.append(Work("budget", line["key"], line.get("description") or {}, "budget", line))
    representatives = select(Membership.user_id).where(
        Membership.partnership_id == departure.partnership_id,
        Membership.partner_id == partner_id,
        Membership.role == Role.REPRESENTATIVE,
    )
    grievances = session.scalars(
        select(Grievance)
        .where(
            Grievance.partnership_id == departure.partnership_id,
            Grievance.stage != Stage.CLOSED,
            or_(Grievance.partner_id == partner_id, Grievance.officer_id.in_(representatives)),
        )
        .order_by(Grievance.received_at, Grievance.id)
    )
    for grievance in grievances:
        role = "concerned" if grievance.partner_id == partner_id else "officer"
        found.append(Work("grievance", str(grievance.id), grievance.code, role, grievance))
    return found


def latest_version(session: Session, *, partnership_id: int) -> CharterVersion | None:
    """The open draft or proposal if there is one, else the charter in force: where the
    partnership's budget stands now."""
    return session.scalar(
        select(CharterVersion)
        .where(
            CharterVersion.partnership_id == partnership_id,
            CharterVersion.status.in_(
                (CharterStatus.DRAFT, CharterStatus.PROPOSED, CharterStatus.ADOPTED)
            ),
        )
        .order_by(CharterVersion.number.desc())
        .limit(1)
    )


def handovers_of(session: Session, *, departure: Departure) -> list[Handover]:
    return list(
        session.scalars(
            select(Handover)
            .options(selectinload(Handover.to_partner))
            .where(
                Handover.partnership_id == departure.partnership_id,
                Handover.departure_id == departure.id,
            )
            .order_by(Handover.id)
        )
    )


def receivers(session: Session, *, departure: Departure) -> list[Partner]:
    """The partners who may take the work: current ones with no leaving date, announced or
    set."""
    leaving = select(Departure.partner_id).where(
        Departure.partnership_id == departure.partnership_id,
        Departure.status == DepartureStatus.OPEN,
    )
    rows = session.scalars(
        select(Partner)
        .where(Partner.partnership_id == departure.partnership_id, Partner.id.not_in(leaving))
        .order_by(Partner.name)
    )
    return [p for p in rows if p.left_on is None]


def may_hand_over(membership: Membership, departure: Departure, kind: str) -> bool:
    """Facilitators hand over everything; the leaving partner's representatives its actions
    and budget lines. Grievances stay with facilitators: who handles a complaint about a
    partner is not that partner's choice."""
    if membership.role == Role.FACILITATOR:
        return True
    return (
        kind != "grievance"
        and membership.role == Role.REPRESENTATIVE
        and membership.partner_id == departure.partner_id
    )


def _receiver(session: Session, departure: Departure, to_partner_id) -> Partner:
    to = session.get(Partner, to_partner_id) if isinstance(to_partner_id, int) else None
    if to is None or to.partnership_id != departure.partnership_id:
        raise ServiceError(_l("Choose a partner of this partnership."), field="to_partner_id")
    if to.id == departure.partner_id:
        raise ServiceError(
            _l("Hand the work to another partner than the one leaving."), field="to_partner_id"
        )
    if not to.is_current:
        raise ServiceError(
            _l("%(partner)s has left the partnership: choose a current partner.", partner=to.name),
            field="to_partner_id",
        )
    if to not in receivers(session, departure=departure):
        raise ServiceError(
            _l(
                "%(partner)s is leaving the partnership too: choose another partner.",
                partner=to.name,
            ),
            field="to_partner_id",
        )
    return to


def hand_over(
    session: Session,
    *,
    actor: User,
    membership: Membership,
    departure: Departure,
    kind: str,
    item: str,
    to_partner_id,
    note: str = "",
) -> Handover:
    """Hand one item of the leaving partner's work to the partner `to_partner_id`.

    Raises ServiceError (a departure no longer open, not allowed, an item not in the leaving
    partner's name, a partner that has left or is leaving, a charter proposal in the way).
    Side effects: what the item's feature writes (an action's update and audit entry, an
    amendment draft of the charter, the grievance's handling), a partner_handovers row and
    an audit entry.
    """
    if departure.status != DepartureStatus.OPEN:
        raise ServiceError(_l("This departure is settled: nothing is left to hand over."))
    if kind not in KINDS or not may_hand_over(membership, departure, kind):
        raise ServiceError(_l("Only a facilitator can hand this over."))
    work = next(
        (w for w in work_of(session, departure=departure) if (w.kind, w.item) == (kind, item)),
        None,
    )
    if work is None:
        raise ServiceError(_l("This is no longer in the leaving partner's name."))
    to = _receiver(session, departure, to_partner_id)
    note = (note or "").strip()[:NOTE_MAX]
    leaving = departure.partner
    if kind == "action":
        action_handover.hand_over(
            session, actor=actor, action=work.row, leaving=leaving, to=to, note=note
        )
    elif kind == "budget":
        _hand_over_budget_line(session, actor, departure, item, to)
    else:
        _hand_over_grievance(session, actor, membership, work, to)
    row = Handover(
        partnership_id=departure.partnership_id,
        departure_id=departure.id,
        kind=kind,
        item=item,
        to_partner_id=to.id,
        by_id=actor.id,
        note=note,
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor_id=actor.id,
        action="partner.handover",
        obj=leaving,
        partnership_id=departure.partnership_id,
        details={"kind": kind, "item": item, "to_partner_id": to.id, "departure_id": departure.id},
    )
    return row


def _hand_over_budget_line(
    session: Session, actor: User, departure: Departure, key: str, to: Partner
) -> None:
    """Name `to` on the budget line in the charter's open draft, starting an amendment of
    the charter in force when none is open: like any amendment, the partners adopt it by
    their rule. A version proposed to the partners cannot change until it is decided or
    withdrawn."""
    version = latest_version(session, partnership_id=departure.partnership_id)
    if version.status == CharterStatus.PROPOSED:
        raise ServiceError(
            _l(
                "Version %(number)d of the charter is proposed to the partners: the budget "
                "line can be handed over once it is decided or withdrawn.",
                number=version.number,
            )
        )
    partnership = session.get(Partnership, departure.partnership_id)
    if version.status != CharterStatus.DRAFT:
        version = charter.start_draft(session, actor=actor, partnership=partnership)
    raw = copy.deepcopy(version.content)
    for line in raw.get("budget", []):
        if line.get("key") == key:
            line["partner_id"] = to.id
    charter.update_draft(session, actor=actor, partnership=partnership, version=version, raw=raw)


def _hand_over_grievance(
    session: Session, actor: User, membership: Membership, work: Work, to: Partner
) -> None:
    """A grievance concerning the leaving partner now concerns `to`, which answers for it;
    one its representative handles as officer goes to an officer who represents `to`."""
    grievance: Grievance = work.row
    partner_id, officer_id = grievance.partner_id, grievance.officer_id
    if work.role == "concerned":
        partner_id = to.id
    else:
        found = [
            o
            for o in grievance_officers.current_officers(
                session, partnership_id=grievance.partnership_id
            )
            if o.membership.partner_id == to.id and o.membership.partner_id != partner_id
        ]
        if not found:
            raise ServiceError(
                _l(
                    "No grievance officer represents %(partner)s: name one on the grievance "
                    "officers page first, or choose another partner.",
                    partner=to.name,
                ),
                field="to_partner_id",
            )
        officer_id = found[0].user.id
    grievance_services.update_handling(
        session,
        actor=actor,
        membership=membership,
        grievance=grievance,
        category=grievance.category,
        severity=grievance.severity,
        partner_id=partner_id,
        officer_id=officer_id,
    )
