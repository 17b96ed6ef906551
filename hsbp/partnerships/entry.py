"""Entry by the protocol: any member proposes a new partner, the current partners accept or
object, and the charter in force's decision rule decides.

The rule lives in the charter (hsbp.principles), a feature above this package, so it comes
in through `use_charter`, wired in create_app by hsbp.governance.entry_hooks: `rule(session,
partnership_id=)` is the charter in force's decision rule or None, and `count(rule, partners,
answers)` the tally of answers under it (decided, blocked, endorsed, objected, needed...).
With no charter in force there is no rule to count by: while the partnership is forming,
its facilitator adds partners directly, as before.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from flask import Flask, current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from hsbp import audit
from hsbp.auth.models import User
from hsbp.db import utcnow
from hsbp.errors import ServiceError
from hsbp.partnerships import services
from hsbp.partnerships.entry_models import (
    Departure,
    DepartureStatus,
    PartnerProposal,
    ProposalAnswer,
    ProposalStatus,
)
from hsbp.partnerships.models import Membership, Partner, Partnership, Sector, zone_of
from hsbp.security import Role

audit.ACTION_LABELS.update(
    {
        "partner_proposal.create": _l("New partner proposed"),
        "partner_proposal.answer": _l("Answer to a proposed partner"),
        "partner_proposal.accept": _l("Proposed partner accepted"),
        "partner_proposal.refuse": _l("Proposed partner refused"),
        "partner_proposal.withdraw": _l("Proposed partner withdrawn"),
    }
)
CHARTER_KEY = "hsbp.partnerships.entry_charter"
NAME_MAX, CONTACT_MAX, EMAIL_MAX, TEXT_MAX = 200, 200, 254, 2000
STANCES = ("endorse", "object")


def use_charter(app: Flask, *, rule: Callable, count: Callable) -> None:
    """Where the decision rule of the charter in force comes from, and how answers are
    counted under it (see the module's docstring)."""
    app.extensions[CHARTER_KEY] = (rule, count)


def charter_rule(session: Session, *, partnership_id: int) -> dict | None:
    """The decision rule of the charter in force, or None when none is in force."""
    found = current_app.extensions.get(CHARTER_KEY)
    return found[0](session, partnership_id=partnership_id) if found else None


def may_add_directly(session: Session, *, partnership_id: int) -> bool:
    """Whether a facilitator may still add a partner without the partners' decision: only
    while no charter is in force, since the partners have no agreed rule to decide by yet."""
    return charter_rule(session, partnership_id=partnership_id) is None


def today_in(partnership: Partnership) -> date:
    return datetime.now(zone_of(partnership.timezone)).date()


# Reading ---------------------------------------------------------------------------------


def list_proposals(session: Session, *, partnership_id: int) -> list[PartnerProposal]:
    """The partnership's proposals, open ones first, newest first; one query."""
    return list(
        session.scalars(
            select(PartnerProposal)
            .options(joinedload(PartnerProposal.proposed_by))
            .where(PartnerProposal.partnership_id == partnership_id)
            .order_by(
                (PartnerProposal.status != ProposalStatus.OPEN),
                PartnerProposal.created_at.desc(),
                PartnerProposal.id.desc(),
            )
        )
    )


def get_proposal(session: Session, *, partnership_id: int, proposal_id: int):
    return session.scalar(
        select(PartnerProposal).where(
            PartnerProposal.id == proposal_id, PartnerProposal.partnership_id == partnership_id
        )
    )


def tally(session: Session, *, proposal: PartnerProposal, partners: list[Partner] | None = None):
    """Where `proposal` stands under the charter in force's rule, or None with no charter."""
    found = current_app.extensions.get(CHARTER_KEY)
    rule = charter_rule(session, partnership_id=proposal.partnership_id)
    if not found or rule is None:
        return None
    if partners is None:
        partners = services.list_partners(session, partnership_id=proposal.partnership_id)
    return found[1](rule, partners, {a.partner_id: a for a in proposal.answers})


def may_answer(membership: Membership, proposal: PartnerProposal) -> bool:
    """Whether this member answers for a current partner on an open proposal."""
    return (
        proposal.status == ProposalStatus.OPEN
        and membership.role == Role.REPRESENTATIVE
        and membership.partner is not None
        and membership.partner.is_current
    )


def may_withdraw(membership: Membership, proposal: PartnerProposal) -> bool:
    return proposal.status == ProposalStatus.OPEN and (
        membership.role == Role.FACILITATOR or proposal.proposed_by_id == membership.user_id
    )


# Changing --------------------------------------------------------------------------------


def _text(value, limit: int, field: str) -> str:
    text = (value or "").replace("\r\n", "\n").strip()
    if len(text) > limit:
        raise ServiceError(
            _l("Keep this text under %(count)d characters.", count=limit), field=field
        )
    return text


def propose(
    session: Session,
    *,
    actor: User,
    membership: Membership,
    partnership: Partnership,
    name: str,
    sector: str,
    description: str = "",
    reason: str = "",
    contact_name: str = "",
    contact_email: str = "",
) -> PartnerProposal:
    """Propose a new partner to the current partners. Facilitators and the representatives
    of current partners may; observers follow the partnership without speaking for anyone.

    Raises ServiceError (not allowed, no charter in force, a bad or taken name). Side
    effects: a partner_proposals row and an audit entry.
    """
    if not (
        membership.role == Role.FACILITATOR
        or (membership.role == Role.REPRESENTATIVE and membership.partner is not None)
    ):
        raise ServiceError(_l("Only facilitators and partner representatives propose partners."))
    if membership.role == Role.REPRESENTATIVE and not membership.partner.is_current:
        raise ServiceError(
            _l("%(partner)s has left the partnership.", partner=membership.partner.name)
        )
    if charter_rule(session, partnership_id=partnership.id) is None:
        raise ServiceError(
            _l(
                "No charter is in force yet, so there is no rule for the partners to decide "
                "by: while the partnership is forming, its facilitator adds partners."
            )
        )
    name = _text(name, NAME_MAX, "name")
    if not name:
        raise ServiceError(_l("Give the partner's name."), field="name")
    if sector not in set(Sector):
        raise ServiceError(_l("Choose a sector from the list."), field="sector")
    folded = name.lower()
    if session.scalar(
        select(Partner.id).where(
            Partner.partnership_id == partnership.id, func.lower(Partner.name) == folded
        )
    ):
        raise ServiceError(_l("This partnership already has a partner of this name."), field="name")
    if session.scalar(
        select(PartnerProposal.id).where(
            PartnerProposal.partnership_id == partnership.id,
            PartnerProposal.status == ProposalStatus.OPEN,
            func.lower(PartnerProposal.name) == folded,
        )
    ):
        raise ServiceError(_l("This partner is already proposed."), field="name")
    reason = _text(reason, TEXT_MAX, "reason")
    if not reason:
        raise ServiceError(
            _l("Say why it should join, so the partners can decide."), field="reason"
        )
    email = _text(contact_email, EMAIL_MAX, "contact_email").lower()
    if email and ("@" not in email or " " in email):
        raise ServiceError(_l("Write a valid e-mail address."), field="contact_email")
    proposal = PartnerProposal(
        partnership_id=partnership.id,
        name=name,
        sector=sector,
        description=_text(description, TEXT_MAX, "description"),
        reason=reason,
        contact_name=_text(contact_name, CONTACT_MAX, "contact_name"),
        contact_email=email,
        proposed_by_id=actor.id,
    )
    session.add(proposal)
    session.flush()
    _record(session, actor, "partner_proposal.create", proposal, sector=sector)
    return proposal


def answer(
    session: Session,
    *,
    actor: User,
    membership: Membership,
    proposal: PartnerProposal,
    stance: str,
    comment: str = "",
) -> ProposalAnswer:
    """Record (or change) the answer of the actor's partner: one answer per partner, which
    its representatives may change until the proposal is decided. A proposal the rule now
    decides is accepted (the partner is created, joining today) or refused at once.

    Side effects: the answer row, an audit entry; on a decision, what `_settle` does.
    """
    if membership.role != Role.REPRESENTATIVE or membership.partner is None:
        raise ServiceError(_l("Only a partner representative can answer for their partner."))
    partner = membership.partner
    if not partner.is_current:
        raise ServiceError(_l("%(partner)s has left the partnership.", partner=partner.name))
    # Two last answers at once must not both miss the decision.
    session.refresh(proposal, with_for_update=True)
    if proposal.status != ProposalStatus.OPEN:
        raise ServiceError(_l("This proposal is decided: answers can no longer change."))
    if stance not in STANCES:
        raise ServiceError(_l("Choose to accept or to object."), field="stance")
    comment = _text(comment, TEXT_MAX, "comment")
    if stance == "object" and not comment:
        raise ServiceError(_l("Say why you object."), field="comment")
    row = next((a for a in proposal.answers if a.partner_id == partner.id), None)
    before = (row.stance, row.comment) if row else None
    if row is None:
        row = ProposalAnswer(partnership_id=proposal.partnership_id, partner_id=partner.id)
        proposal.answers.append(row)
    row.user_id, row.stance, row.comment, row.updated_at = actor.id, stance, comment, utcnow()
    session.flush()
    _record(
        session,
        actor,
        "partner_proposal.answer",
        proposal,
        partner_id=partner.id,
        stance=stance,
        changed_from=before[0] if before else None,
    )
    _settle(session, actor=actor, proposal=proposal)
    return row


def _settle(session: Session, *, actor: User, proposal: PartnerProposal) -> None:
    result = tally(session, proposal=proposal)
    if result is None or not (result.decided or result.blocked):
        return
    proposal.decided_at = utcnow()
    proposal.outcome = {
        "rule": result.rule,
        "partners": result.partners,
        "endorsed": result.endorsed,
        "objected": result.objected,
        "needed": result.needed,
    }
    if result.decided:
        partnership = session.get(Partnership, proposal.partnership_id)
        partner = services.create_partner(
            session,
            actor=actor,
            partnership=partnership,
            name=proposal.name,
            sector=proposal.sector,
            description=proposal.description,
            joined_on=today_in(partnership),
            left_on=None,
        )
        proposal.status, proposal.partner_id = ProposalStatus.ACCEPTED, partner.id
        _record(session, actor, "partner_proposal.accept", proposal, partner_id=partner.id)
    else:
        proposal.status = ProposalStatus.REFUSED
        _record(session, actor, "partner_proposal.refuse", proposal, **proposal.outcome)


def withdraw(
    session: Session, *, actor: User, membership: Membership, proposal: PartnerProposal
) -> None:
    """The proposer or a facilitator takes an open proposal back; nothing is created.
    Side effects: the proposal's status and an audit entry (keeping the answers given)."""
    if not may_withdraw(membership, proposal):
        if proposal.status != ProposalStatus.OPEN:
            raise ServiceError(_l("This proposal is decided: it can no longer be withdrawn."))
        raise ServiceError(_l("Only its proposer or a facilitator can withdraw a proposal."))
    proposal.status, proposal.decided_at = ProposalStatus.WITHDRAWN, utcnow()
    _record(
        session,
        actor,
        "partner_proposal.withdraw",
        proposal,
        answers={str(a.partner_id): a.stance for a in proposal.answers},
    )


def _record(session: Session, actor: User, action: str, proposal: PartnerProposal, **details):
    audit.record(
        session,
        actor_id=actor.id,
        action=action,
        obj=proposal,
        partnership_id=proposal.partnership_id,
        details={"name": proposal.name, **details},
    )


def open_for_representatives(session: Session, *, partnership_ids: list[int]) -> list[tuple]:
    """(proposal id, partnership id, name, created_at, partner ids that answered) of every
    open proposal in `partnership_ids`, in two queries: for the notifications."""
    if not partnership_ids:
        return []
    rows = session.execute(
        select(
            PartnerProposal.id,
            PartnerProposal.partnership_id,
            PartnerProposal.name,
            PartnerProposal.created_at,
        ).where(
            PartnerProposal.partnership_id.in_(partnership_ids),
            PartnerProposal.status == ProposalStatus.OPEN,
        )
    ).all()
    answered: dict[int, set[int]] = {}
    if rows:
        for proposal_id, partner_id in session.execute(
            select(ProposalAnswer.proposal_id, ProposalAnswer.partner_id).where(
                ProposalAnswer.proposal_id.in_([r.id for r in rows])
            )
        ):
            answered.setdefault(proposal_id, set()).add(partner_id)
    return [(*row, answered.get(row.id, set())) for row in rows]


def departures_by_partner(session: Session, *, partnership_id: int) -> dict[int, Departure]:
    """{partner id: its open departure, else its latest settled one}, for the partners list;
    one query."""
    rows = session.scalars(
        select(Departure)
        .where(
            Departure.partnership_id == partnership_id,
            Departure.status != DepartureStatus.CANCELLED,
        )
        .order_by(Departure.id)
    )
    found: dict[int, Departure] = {}
    for row in rows:
        if found.get(row.partner_id) is None or found[row.partner_id].status != "open":
            found[row.partner_id] = row
    return found
