"""What a review decision's votes come to under its rule (what adoption creates: review_adoption).

The rule is the charter's in force when the decision was put to the vote (consensus without a
charter), kept on the decision so a later charter does not recount it. The voters are the
current partners marked present at the review: the decision was discussed there. The quorum is
measured against all current partners of the partnership, because the charter's quorum guards
the partners who were not in the room: two partners of nine meeting alone do not bind the
other seven.

- Majority: adopted once "for" votes reach the majority share of the partners PRESENT (rounded
  up), with the quorum of responses. Counting all present partners, not the votes cast so far,
  means a result reached cannot be flipped by a late vote; an abstention therefore counts
  toward the quorum but not toward the majority.
- Consensus: adopted once every partner present has voted, none against, at least one for;
  an abstention is "standing aside" and does not block.

A decision is settled as soon as its count is met (adopted) or can no longer be met (not
adopted: one objection under consensus, too few partners left to reach the majority, too few
present for the quorum); then voting closes, so no later vote changes it. Only adoption
creates the follow-up actions (through the checklist's own service) and the charter
amendment draft the proposal asked for; a decision not adopted creates nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from hsbp import audit
from hsbp.auth.models import User
from hsbp.monitoring.review_adoption import adopt, record
from hsbp.monitoring.review_models import (
    Decision,
    DecisionState,
    Review,
    ReviewAttendance,
)
from hsbp.monitoring.review_vote_models import Choice, DecisionVote
from hsbp.partnerships.models import Partner
from hsbp.principles import services as charter
from hsbp.principles.adoption import governing_rule
from hsbp.principles.content import RULES

audit.ACTION_LABELS.update(
    {
        "review.decision_adopted": _l("Review decision adopted by the partners' vote"),
        "review.decision_not_adopted": _l("Review decision not adopted"),
    }
)
DEFAULT_RULE = {"rule": "consensus", "majority_percent": 67, "quorum_percent": 60}


@dataclass(frozen=True)
class DecisionTally:
    rule: str
    majority_percent: int
    quorum_percent: int
    partners: int  # current partners of the partnership: the quorum's base
    present: int  # current partners present at the review: the voters
    yes: int
    no: int
    abstained: int
    waiting: int  # votes the facilitator recorded, not yet confirmed: shown, not counted

    @property
    def responded(self) -> int:
        return self.yes + self.no + self.abstained

    @property
    def quorum(self) -> int:
        return -(-self.partners * self.quorum_percent // 100)

    @property
    def needed(self) -> int:
        """ "For" votes needed: every voter not standing aside under consensus (at least
        one), the majority share of those present otherwise."""
        if self.rule == "consensus":
            return max(1, self.present - self.abstained)
        return -(-self.present * self.majority_percent // 100)

    @property
    def adopted(self) -> bool:
        if self.present == 0 or self.responded < self.quorum:
            return False
        if self.rule == "consensus":
            return self.no == 0 and self.responded == self.present and self.yes >= 1
        return self.yes >= self.needed

    @property
    def blocked(self) -> bool:
        """No vote still to come can adopt it."""
        if self.present < self.quorum:
            return True
        if self.rule == "consensus":
            return self.no > 0 or self.present == self.abstained
        return self.present - self.no - self.abstained < self.needed


def rule_in_force(session: Session, *, partnership_id: int) -> dict:
    """The decision rule of the charter in force; consensus with none (nothing binds the
    partners but their agreement)."""
    version = charter.in_force(session, partnership_id=partnership_id)
    rule = governing_rule(version, None) if version else DEFAULT_RULE
    return rule if rule.get("rule") in RULES else DEFAULT_RULE


@dataclass(frozen=True)
class Standing:
    """Where a decision put to the vote stands: its tally, the voters' ids, and the votes
    given ({partner id: vote}, confirmed or waiting)."""

    tally: DecisionTally
    present: list[int]
    votes: dict[int, DecisionVote]


def _current(today: date):
    return or_(Partner.left_on.is_(None), Partner.left_on > today)


def voters(session: Session, *, review: Review) -> list[int]:
    """Ids of the current partners present at `review`: one query."""
    return list(
        session.scalars(
            select(ReviewAttendance.partner_id)
            .join(Partner, Partner.id == ReviewAttendance.partner_id)
            .where(
                ReviewAttendance.partnership_id == review.partnership_id,
                ReviewAttendance.review_id == review.id,
                ReviewAttendance.present.is_(True),
                _current(date.today()),
            )
            .order_by(ReviewAttendance.partner_id)
        )
    )


def standings(
    session: Session, *, partnership_id: int, decisions: list[Decision]
) -> dict[int, Standing]:
    """{decision id: Standing} of `decisions` put to the vote (those recorded before voting
    have none): three queries whatever their number."""
    counted = [d for d in decisions if d.state != DecisionState.RECORDED]
    if not counted:
        return {}
    today = date.today()
    partners = session.scalar(
        select(func.count(Partner.id)).where(
            Partner.partnership_id == partnership_id, _current(today)
        )
    )
    present: dict[int, list[int]] = {}
    for review_id, partner_id in session.execute(
        select(ReviewAttendance.review_id, ReviewAttendance.partner_id)
        .join(Partner, Partner.id == ReviewAttendance.partner_id)
        .where(
            ReviewAttendance.partnership_id == partnership_id,
            ReviewAttendance.review_id.in_({d.review_id for d in counted}),
            ReviewAttendance.present.is_(True),
            _current(today),
        )
        .order_by(ReviewAttendance.partner_id)
    ):
        present.setdefault(review_id, []).append(partner_id)
    votes: dict[int, dict[int, DecisionVote]] = {}
    for vote in session.scalars(
        select(DecisionVote).where(
            DecisionVote.partnership_id == partnership_id,
            DecisionVote.decision_id.in_([d.id for d in counted]),
        )
    ):
        votes.setdefault(vote.decision_id, {})[vote.partner_id] = vote
    out = {}
    for decision in counted:
        given = votes.get(decision.id, {})
        voting = present.get(decision.review_id, [])
        out[decision.id] = Standing(
            count(decision, partners=partners, present=voting, votes=list(given.values())),
            voting,
            given,
        )
    return out


def count(decision: Decision, *, partners: int, present: list[int], votes) -> DecisionTally:
    """The tally of `decision` from its `votes` (DecisionVote rows of it), `present` (the
    voters' ids) and `partners` (how many current partners the partnership has)."""
    voting = set(present)
    counted = [v.choice for v in votes if v.partner_id in voting and v.confirmed_at is not None]
    waiting = sum(1 for v in votes if v.partner_id in voting and v.confirmed_at is None)
    return DecisionTally(
        rule=decision.rule or DEFAULT_RULE["rule"],
        majority_percent=decision.majority_percent or DEFAULT_RULE["majority_percent"],
        quorum_percent=decision.quorum_percent or DEFAULT_RULE["quorum_percent"],
        partners=partners,
        present=len(voting),
        yes=counted.count(Choice.FOR),
        no=counted.count(Choice.AGAINST),
        abstained=counted.count(Choice.ABSTAIN),
        waiting=waiting,
    )


def standing_of(session: Session, *, decision: Decision) -> Standing | None:
    return standings(session, partnership_id=decision.partnership_id, decisions=[decision]).get(
        decision.id
    )


def settle(
    session: Session,
    *,
    actor: User,
    decision: Decision,
    review: Review,
    now: datetime,
    final: bool = False,
) -> DecisionTally:
    """Adopt `decision` if its tally is met; mark it not adopted if it can no longer be (or,
    `final`, if it is not met now: the facilitator closed the vote). Side effects on
    adoption: the decision's state, its agreeing partners, its follow-up actions (each with
    its audit entry), perhaps a charter draft, an audit entry; otherwise the state and an
    audit entry, or nothing while still open."""
    found = standing_of(session, decision=decision).tally
    if found.adopted:
        adopt(session, actor, decision, review, found, now)
    elif found.blocked or final:
        decision.state = DecisionState.NOT_ADOPTED
        decision.closed_at = now
        session.flush()
        record(session, actor, "review.decision_not_adopted", decision, found)
    return found
