"""The demo's decisions by the rule: the September review's decisions adopted by the votes of
the partners present, with their actions and charter draft, and final minutes with their
sign-offs."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from hsbp import demo
from hsbp.auth.models import User
from hsbp.monitoring import demo_review_votes, review_outcome, review_votes, reviews
from hsbp.monitoring.review_models import DecisionState, Review, ReviewStatus
from hsbp.partnerships.models import Partnership

CAGUAN = "Alianza por la Seguridad Humana del Caguán"


@pytest.fixture
def caguan(session):
    demo.seed_if_empty(session)
    caguan = session.scalars(select(Partnership).where(Partnership.name == CAGUAN)).one()
    facilitator = session.scalar(
        select(User).where(User.email == "lucia.hernandez@demo.hsbp.example")
    )
    held = session.scalar(
        select(Review).where(Review.partnership_id == caguan.id, Review.status == ReviewStatus.HELD)
    )
    if held.minutes_finished_at is None:  # until hsbp.demo runs this seeder itself
        demo_review_votes.seed(session, partnership=caguan, facilitator=facilitator)
    return caguan


def test_demo_decisions_are_adopted_by_the_partners_present(session, caguan):
    log = reviews.decision_log(session, partnership_id=caguan.id)
    assert {e.decision.state for e in log} == {DecisionState.ADOPTED}
    assert sorted(len(e.actions) for e in log) == [1, 2]
    assert sorted(e.charter_draft_number or 0 for e in log) == [0, 2]
    found = review_outcome.standings(
        session, partnership_id=caguan.id, decisions=[e.decision for e in log]
    )
    for entry in log:
        tally = found[entry.decision.id].tally
        assert (tally.rule, tally.present, tally.abstained, tally.yes) == ("majority", 6, 1, 5)
        assert len(entry.decision.partner_ids) == 5


def test_demo_minutes_are_final_with_their_signoffs(session, caguan):
    review = session.scalar(
        select(Review).where(Review.partnership_id == caguan.id, Review.status == "held")
    )
    signoffs = review_votes.signoffs_of(
        session, review=review, now=datetime(2026, 12, 5, tzinfo=UTC)
    )
    assert signoffs.final
    assert (len(signoffs.present), signoffs.confirmed, signoffs.commented) == (6, 3, 1)
