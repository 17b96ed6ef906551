"""What waits for a representative: decisions to vote on, recorded votes to confirm and
minutes to sign off, across all their partnerships in a fixed number of queries, each gone
once done."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from hsbp.monitoring import review_vote_hooks as hooks
from hsbp.monitoring import review_votes, reviews
from hsbp.notifications import kinds
from hsbp.notifications.items import memberships_of
from hsbp.partnerships.models import Membership
from hsbp.security import Role

WHEN = datetime(2026, 11, 20, 14, 0, tzinfo=UTC)
NOW = WHEN + timedelta(days=2)


def membership_in(session, user, partnership):
    return session.scalar(
        select(Membership).where(
            Membership.user_id == user.id, Membership.partnership_id == partnership.id
        )
    )


def setting(session, make, person, n_partners_present=True):
    """A partnership where `person` represents a partner present at a held review with a
    decision open and finished minutes; returns (partnership, review, decision, facilitator)."""
    partnership = make.partnership()
    facilitator = make.member(partnership)
    partner = make.partner(partnership, name="Minera")
    other = make.partner(partnership, name="Alcaldía")
    make.member(partnership, Role.REPRESENTATIVE, user=person, partner=partner)
    review = reviews.schedule_review(
        session,
        actor=facilitator,
        partnership=partnership,
        fields={"title": {"es": "Revisión", "en": "Review"}, "scheduled_at": WHEN},
    )
    reviews.record_attendance(
        session,
        actor=facilitator,
        review=review,
        attendance={
            partner.id: {"present": n_partners_present, "names": ""},
            other.id: {"present": True, "names": ""},
        },
        now=WHEN,
    )
    reviews.update_minutes(session, actor=facilitator, review=review, minutes="Acta", now=WHEN)
    decision = reviews.record_decision(
        session, actor=facilitator, review=review, fields={"text": "Ampliar el pozo"}, now=WHEN
    )
    review_votes.finish_minutes(
        session,
        actor=facilitator,
        membership=membership_in(session, facilitator, partnership),
        review=review,
        days=7,
        now=WHEN,
    )
    return partnership, review, decision, facilitator


def items(session, user, provider, locale="en", now=NOW):
    return provider(
        session,
        user=user,
        memberships=memberships_of(session, user_id=user.id),
        locale=locale,
        now=now,
    )


def test_a_decision_to_vote_on_and_minutes_to_sign_off_are_listed(session, make):
    person = make.user()
    partnership, _review, decision, _ = setting(session, make, person)

    votes = items(session, person, hooks.votes_waiting)
    signoffs = items(session, person, hooks.signoffs_waiting, locale="es")

    assert [(i.kind, i.partnership_id, i.url, i.due) for i in votes] == [
        (
            "decision_vote",
            partnership.id,
            f"/p/{partnership.id}/monitoring/decisions/{decision.id}",
            None,
        )
    ]
    assert votes[0].text == "Vote on a decision of the review “Review”: Ampliar el pozo"
    assert votes[0].key.startswith(f"decision_vote:{decision.id}:")
    assert [(i.kind, i.due) for i in signoffs] == [("minutes_signoff", WHEN + timedelta(days=7))]
    assert "Revisión" in signoffs[0].text
    assert items(session, person, hooks.confirmations_waiting) == []


def test_items_are_gone_once_done_or_past_the_deadline(session, make):
    person = make.user()
    partnership, review, decision, _ = setting(session, make, person)
    membership = membership_in(session, person, partnership)
    review_votes.cast_vote(
        session, actor=person, membership=membership, decision=decision, choice="for", now=NOW
    )
    assert items(session, person, hooks.votes_waiting) == []
    assert len(items(session, person, hooks.signoffs_waiting)) == 1
    assert items(session, person, hooks.signoffs_waiting, now=WHEN + timedelta(days=8)) == []
    review_votes.sign_off(
        session, actor=person, membership=membership, review=review, stance="confirm", now=NOW
    )
    assert items(session, person, hooks.signoffs_waiting) == []


def test_a_recorded_vote_waits_for_confirmation(session, make):
    person = make.user()
    partnership, _review, decision, facilitator = setting(session, make, person)
    membership = membership_in(session, person, partnership)
    review_votes.record_vote(
        session,
        actor=facilitator,
        membership=membership_in(session, facilitator, partnership),
        decision=decision,
        partner_id=membership.partner_id,
        choice="for",
        now=NOW,
    )
    waiting = items(session, person, hooks.confirmations_waiting)
    assert [i.kind for i in waiting] == ["decision_vote_confirm"]
    assert items(session, person, hooks.votes_waiting) == []
    review_votes.confirm_vote(
        session, actor=person, membership=membership, decision=decision, now=NOW
    )
    assert items(session, person, hooks.confirmations_waiting) == []


def test_a_partner_not_present_is_not_asked(session, make):
    person = make.user()
    setting(session, make, person, n_partners_present=False)
    assert items(session, person, hooks.votes_waiting) == []
    assert items(session, person, hooks.signoffs_waiting) == []


def test_an_observer_or_facilitator_gets_nothing(session, make):
    person = make.user()
    _, _, _, facilitator = setting(session, make, person)
    for provider in (hooks.votes_waiting, hooks.signoffs_waiting, hooks.confirmations_waiting):
        assert items(session, facilitator, provider) == []


@pytest.mark.parametrize(
    "provider", [hooks.votes_waiting, hooks.signoffs_waiting, hooks.confirmations_waiting]
)
def test_providers_run_a_fixed_number_of_queries(session, make, count_queries, provider):
    person = make.user()
    setting(session, make, person)
    memberships = memberships_of(session, user_id=person.id)
    with count_queries() as few:
        provider(session, user=person, memberships=memberships, locale="en", now=NOW)
    for _ in range(4):
        setting(session, make, person)
    session.expire_all()
    memberships = memberships_of(session, user_id=person.id)
    with count_queries() as many:
        found = provider(session, user=person, memberships=memberships, locale="en", now=NOW)
    assert many["n"] == few["n"] == 1
    if provider is not hooks.confirmations_waiting:
        assert len(found) == 5


def test_the_providers_are_registered(app):
    assert {"decision_vote", "decision_vote_confirm", "minutes_signoff"} <= set(kinds(app))
