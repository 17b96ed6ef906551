"""Decisions by the rule: partners present vote on a review's decision; the tally applies the
charter in force's rule (consensus, or majority with quorum over all current partners); a
decision is adopted as soon as the rule is met and creates its follow-ups only then, not
adopted when the rule can no longer be met or the facilitator closes the vote, and a late vote
cannot flip it. Who may vote, recorded votes and their confirmation, and the pages."""

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from hsbp.actions.models import Action
from hsbp.audit import AuditEntry
from hsbp.errors import ServiceError
from hsbp.monitoring import review_outcome, review_votes, reviews
from hsbp.monitoring.review_models import Decision, DecisionAction, DecisionState
from hsbp.monitoring.review_outcome import DecisionTally
from hsbp.monitoring.review_vote_models import DecisionVote
from hsbp.partnerships.models import Membership
from hsbp.principles.content import empty_content
from hsbp.principles.models import CharterStatus, CharterVersion
from hsbp.security import Role

WHEN = datetime(2026, 11, 20, 14, 0, tzinfo=UTC)


def tally(rule="majority", partners=5, present=5, yes=0, no=0, abstained=0, majority=67, quorum=60):
    return DecisionTally(rule, majority, quorum, partners, present, yes, no, abstained, 0)


# The tally -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("counts", "adopted", "blocked"),
    [
        # 5 present of 5, 67 %: 4 for needed (3.35 rounded up), quorum 3 responses.
        ({"yes": 3}, False, False),
        ({"yes": 4}, True, False),
        ({"yes": 3, "abstained": 1}, False, False),
        # Two against or abstaining leave at most 3 for: out of reach.
        ({"yes": 1, "no": 2}, False, True),
        ({"yes": 2, "no": 1, "abstained": 1}, False, True),
    ],
)
def test_majority_tally_counts_all_partners_present(counts, adopted, blocked):
    found = tally(**counts)
    assert (found.needed, found.quorum) == (4, 3)
    assert (found.adopted, found.blocked) == (adopted, blocked)


def test_majority_of_votes_cast_is_not_enough_so_a_late_vote_cannot_flip_it():
    # 3 for of 3 cast is 100 % of the votes, but 2 partners present may still vote against:
    # counted over the 5 present, 3 is short of the 4 needed, so it waits.
    early = tally(yes=3)
    assert (early.responded >= early.quorum, early.adopted) == (True, False)
    late = tally(yes=3, no=2)
    assert (late.adopted, late.blocked) == (False, True)


def test_majority_quorum_is_measured_against_all_current_partners():
    # 3 present of 9 partners: all 3 for is a majority of those present, but the quorum is
    # 60 % of the 9 (6): the meeting cannot bind the absent six.
    found = tally(partners=9, present=3, yes=3)
    assert (found.quorum, found.adopted, found.blocked) == (6, False, True)
    enough = tally(partners=9, present=6, yes=5, abstained=1)
    assert (enough.needed, enough.adopted) == (5, True)


@pytest.mark.parametrize(
    ("counts", "adopted", "blocked"),
    [
        ({"yes": 4}, False, False),
        ({"yes": 5}, True, False),
        ({"yes": 4, "abstained": 1}, True, False),  # standing aside does not block
        ({"yes": 4, "no": 1}, False, True),  # one objection is enough to block
        ({"abstained": 5}, False, True),  # nobody for
    ],
)
def test_consensus_tally(counts, adopted, blocked):
    found = tally(rule="consensus", **counts)
    assert (found.adopted, found.blocked) == (adopted, blocked)


def test_consensus_also_needs_the_quorum_of_all_partners():
    found = tally(rule="consensus", partners=10, present=4, yes=4)
    assert (found.quorum, found.adopted, found.blocked) == (6, False, True)


# Fixtures --------------------------------------------------------------------------------


@pytest.fixture
def charter(session, partnership):
    """Version 1 in force: majority of 67 %, quorum 60 %."""
    content = empty_content()
    content["decision_rule"] = {"rule": "majority", "majority_percent": 67, "quorum_percent": 60}
    version = CharterVersion(
        partnership_id=partnership.id, number=1, status=CharterStatus.ADOPTED, content=content
    )
    session.add(version)
    session.flush()
    return version


@pytest.fixture
def partners(make, partnership):
    return [make.partner(partnership, name=f"Socio {n}") for n in range(5)]


@pytest.fixture
def reps(session, make, partnership, partners):
    """{partner: (user, membership)} for every partner."""
    out = {}
    for partner in partners:
        user = make.member(partnership, Role.REPRESENTATIVE, partner=partner)
        out[partner.id] = (user, membership_of(session, user))
    return out


def membership_of(session, user):
    return session.scalar(select(Membership).where(Membership.user_id == user.id))


@pytest.fixture
def review(session, partnership, facilitator, partners):
    found = reviews.schedule_review(
        session,
        actor=facilitator,
        partnership=partnership,
        fields={"title": {"es": "Revisión anual"}, "scheduled_at": WHEN},
    )
    reviews.record_attendance(
        session,
        actor=facilitator,
        review=found,
        attendance={p.id: {"present": True, "names": ""} for p in partners},
    )
    return found


def put(session, facilitator, review, partners, **fields):
    values = {
        "text": "Ampliar el pozo",
        "actions": [
            {"title": "Ampliar", "lead_partner_id": partners[0].id, "due_on": "2027-03-31"}
        ],
        "amend_charter": True,
    }
    return reviews.record_decision(
        session, actor=facilitator, review=review, fields={**values, **fields}
    )


def vote(session, reps, partner, decision, choice):
    user, membership = reps[partner.id]
    return review_votes.cast_vote(
        session, actor=user, membership=membership, decision=decision, choice=choice
    )


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


# Voting ----------------------------------------------------------------------------------


def test_majority_adopts_on_the_fourth_vote_and_refuses_a_late_one(
    session, facilitator, review, partners, reps, charter
):
    decision = put(session, facilitator, review, partners)
    for partner in partners[:3]:
        vote(session, reps, partner, decision, "for")
    assert decision.state == DecisionState.VOTING
    assert (count(session, Action), count(session, DecisionAction)) == (0, 0)
    assert decision.charter_version_id is None

    found = vote(session, reps, partners[3], decision, "for")

    assert (found.yes, found.adopted, decision.state) == (4, True, DecisionState.ADOPTED)
    assert decision.partner_ids == sorted(p.id for p in partners[:4])
    assert count(session, DecisionAction) == 1
    action = session.scalar(select(Action))
    assert (action.title, action.lead_partner_id, action.due_on) == (
        {"es": "Ampliar"},
        partners[0].id,
        date(2027, 3, 31),
    )
    draft = session.get(CharterVersion, decision.charter_version_id)
    assert (draft.number, draft.status) == (2, CharterStatus.DRAFT)
    with pytest.raises(ServiceError) as refused:
        vote(session, reps, partners[4], decision, "against")
    assert str(refused.value.message) == "Voting on this decision is closed."
    assert count(session, DecisionVote) == 4
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "review.decision_adopted"))
    assert (entry.object_id, entry.details["for"], entry.details["present"]) == (decision.id, 4, 5)


def test_a_decision_out_of_reach_is_not_adopted_and_creates_nothing(
    session, facilitator, review, partners, reps, charter
):
    decision = put(session, facilitator, review, partners)
    vote(session, reps, partners[0], decision, "for")
    vote(session, reps, partners[1], decision, "against")
    assert decision.state == DecisionState.VOTING

    found = vote(session, reps, partners[2], decision, "abstain")

    assert (found.blocked, decision.state) == (True, DecisionState.NOT_ADOPTED)
    assert (count(session, Action), count(session, DecisionAction)) == (0, 0)
    assert (count(session, CharterVersion), decision.charter_version_id) == (1, None)
    assert decision.partner_ids == []
    with pytest.raises(ServiceError):
        vote(session, reps, partners[3], decision, "for")


def test_consensus_without_a_charter_is_blocked_by_one_objection(
    session, facilitator, review, partners, reps
):
    decision = put(session, facilitator, review, partners, amend_charter=False)
    assert decision.rule == "consensus"
    for partner in partners[:3]:
        vote(session, reps, partner, decision, "for")
    vote(session, reps, partners[3], decision, "against")
    assert decision.state == DecisionState.NOT_ADOPTED
    assert count(session, Action) == 0


def test_consensus_is_adopted_when_everyone_present_agrees_or_stands_aside(
    session, facilitator, review, partners, reps
):
    decision = put(session, facilitator, review, partners, amend_charter=False)
    for partner in partners[:3]:
        vote(session, reps, partner, decision, "for")
    vote(session, reps, partners[3], decision, "abstain")
    assert decision.state == DecisionState.VOTING  # one partner present has not voted
    vote(session, reps, partners[4], decision, "for")
    assert decision.state == DecisionState.ADOPTED
    assert count(session, Action) == 1


def test_a_second_vote_replaces_the_first_while_open(
    session, facilitator, review, partners, reps, charter
):
    decision = put(session, facilitator, review, partners)
    vote(session, reps, partners[0], decision, "against")
    vote(session, reps, partners[0], decision, "for")
    votes = session.scalars(select(DecisionVote)).all()
    assert [(v.partner_id, v.choice) for v in votes] == [(partners[0].id, "for")]


def test_the_rule_is_the_one_in_force_when_put_to_the_vote(
    session, facilitator, review, partners, reps, charter
):
    decision = put(session, facilitator, review, partners)
    charter.content = {**charter.content, "decision_rule": {"rule": "consensus"}}
    session.flush()
    assert (decision.rule, decision.majority_percent, decision.quorum_percent) == (
        "majority",
        67,
        60,
    )


# Who may vote ----------------------------------------------------------------------------


def test_a_partner_not_present_cannot_vote(
    session, make, partnership, facilitator, review, partners, reps
):
    late = make.partner(partnership, name="Ausente")
    user = make.member(partnership, Role.REPRESENTATIVE, partner=late)
    decision = put(session, facilitator, review, partners)
    with pytest.raises(ServiceError) as refused:
        review_votes.cast_vote(
            session,
            actor=user,
            membership=membership_of(session, user),
            decision=decision,
            choice="for",
        )
    assert "not present" in str(refused.value.message)
    assert count(session, DecisionVote) == 0


def test_a_partner_that_has_left_cannot_vote(session, facilitator, review, partners, reps):
    decision = put(session, facilitator, review, partners)
    partners[0].left_on = date(2020, 1, 1)
    session.flush()
    with pytest.raises(ServiceError) as refused:
        vote(session, reps, partners[0], decision, "for")
    assert str(refused.value.message) == (
        "Your organisation has left the partnership: it no longer votes."
    )


def test_an_observer_or_a_facilitator_cannot_cast_a_partner_vote(
    session, make, partnership, facilitator, review, partners
):
    decision = put(session, facilitator, review, partners)
    observer = make.member(partnership, Role.OBSERVER)
    for user in (observer, facilitator):
        with pytest.raises(ServiceError) as refused:
            review_votes.cast_vote(
                session,
                actor=user,
                membership=membership_of(session, user),
                decision=decision,
                choice="for",
            )
        assert str(refused.value.message) == "Only a partner's representative votes on a decision."


def test_a_representative_cannot_vote_for_another_partner(
    session, client, login, partnership, facilitator, review, partners, reps
):
    decision = put(session, facilitator, review, partners)
    user, _ = reps[partners[0].id]
    login(user)
    # The partner is the membership's; a partner id typed in the form is not read.
    client.post(
        f"/p/{partnership.id}/monitoring/decisions/{decision.id}/vote",
        data={"choice": "for", "partner_id": str(partners[1].id)},
    )
    assert [(v.partner_id, v.choice) for v in session.scalars(select(DecisionVote))] == [
        (partners[0].id, "for")
    ]
    response = client.post(
        f"/p/{partnership.id}/monitoring/decisions/{decision.id}/record",
        data={"record-partner_id": str(partners[1].id), "record-choice": "for"},
    )
    assert response.status_code == 404


def test_a_bad_choice_is_refused(session, facilitator, review, partners, reps):
    decision = put(session, facilitator, review, partners)
    with pytest.raises(ServiceError) as refused:
        vote(session, reps, partners[0], decision, "maybe")
    assert refused.value.field == "choice"


# Recorded by the facilitator -------------------------------------------------------------


def chair(session, facilitator):
    return membership_of(session, facilitator)


def test_a_recorded_vote_counts_once_the_representative_confirms_it(
    session, facilitator, review, partners, reps, charter
):
    decision = put(session, facilitator, review, partners)
    for partner in partners[:3]:
        vote(session, reps, partner, decision, "for")
    found = review_votes.record_vote(
        session,
        actor=facilitator,
        membership=chair(session, facilitator),
        decision=decision,
        partner_id=partners[3].id,
        choice="for",
    )
    assert (found.yes, found.waiting, decision.state) == (3, 1, DecisionState.VOTING)

    user, membership = reps[partners[3].id]
    found = review_votes.confirm_vote(session, actor=user, membership=membership, decision=decision)
    assert (found.yes, decision.state) == (4, DecisionState.ADOPTED)


def test_a_recorded_vote_for_a_partner_without_an_account_counts_at_once(
    session, make, partnership, facilitator, review, partners, charter
):
    decision = put(session, facilitator, review, partners)
    for partner in partners[:4]:
        review_votes.record_vote(
            session,
            actor=facilitator,
            membership=chair(session, facilitator),
            decision=decision,
            partner_id=partner.id,
            choice="for",
        )
    assert decision.state == DecisionState.ADOPTED


def test_the_facilitator_cannot_overwrite_a_representative_vote(
    session, facilitator, review, partners, reps, charter
):
    decision = put(session, facilitator, review, partners)
    vote(session, reps, partners[0], decision, "against")
    with pytest.raises(ServiceError) as refused:
        review_votes.record_vote(
            session,
            actor=facilitator,
            membership=chair(session, facilitator),
            decision=decision,
            partner_id=partners[0].id,
            choice="for",
        )
    assert refused.value.field == "partner_id"
    assert session.scalar(select(DecisionVote.choice)) == "against"


def test_closing_the_vote_adopts_if_met_else_not_adopted(
    session, make, partnership, facilitator, review, partners, reps, charter
):
    decision = put(session, facilitator, review, partners)
    vote(session, reps, partners[0], decision, "for")
    review_votes.record_vote(
        session,
        actor=facilitator,
        membership=chair(session, facilitator),
        decision=decision,
        partner_id=partners[1].id,
        choice="for",
    )
    found = review_votes.close_voting(
        session, actor=facilitator, membership=chair(session, facilitator), decision=decision
    )
    # The recorded vote was never confirmed: 1 for, no quorum.
    assert (found.yes, decision.state) == (1, DecisionState.NOT_ADOPTED)
    assert decision.closed_at is not None and count(session, Action) == 0
    with pytest.raises(ServiceError):
        review_votes.close_voting(
            session, actor=facilitator, membership=chair(session, facilitator), decision=decision
        )


# Pages -----------------------------------------------------------------------------------


def url(partnership, decision, tail=""):
    return f"/p/{partnership.id}/monitoring/decisions/{decision.id}{tail}"


def test_the_representative_votes_on_the_decision_page(
    session, client, login, partnership, facilitator, review, partners, reps, charter
):
    decision = put(session, facilitator, review, partners)
    user, _ = reps[partners[0].id]
    login(user)
    page = client.get(url(partnership, decision)).get_data(as_text=True)
    assert "Your organisation's vote" in page and 'value="against"' in page

    response = client.post(url(partnership, decision, "/vote"), data={"choice": "for"})

    assert response.status_code == 302
    page = client.get(url(partnership, decision)).get_data(as_text=True)
    assert "For: <bdi>1</bdi>" in page
    assert '<input checked id="choice-0" name="choice" required type="radio" value="for">' in page


def test_a_vote_without_a_choice_re_renders_with_422(
    session, client, login, partnership, facilitator, review, partners, reps
):
    decision = put(session, facilitator, review, partners)
    login(reps[partners[0].id][0])
    response = client.post(url(partnership, decision, "/vote"), data={"choice": "perhaps"})
    assert response.status_code == 422
    assert "Choose for, against or abstain." in response.get_data(as_text=True)
    assert count(session, DecisionVote) == 0


def test_a_late_vote_on_the_page_is_refused_clearly(
    session, client, login, partnership, facilitator, review, partners, reps, charter
):
    decision = put(session, facilitator, review, partners)
    for partner in partners[:4]:
        vote(session, reps, partner, decision, "for")
    login(reps[partners[4].id][0])
    response = client.post(url(partnership, decision, "/vote"), data={"choice": "against"})
    assert response.status_code == 422
    assert "Voting on this decision is closed." in response.get_data(as_text=True)


def test_the_facilitator_records_and_closes_on_the_page(
    session, client, login, partnership, facilitator, review, partners, charter
):
    decision = put(session, facilitator, review, partners)
    login(facilitator)
    page = client.get(url(partnership, decision)).get_data(as_text=True)
    assert "Record a partner's vote" in page and "Close the vote" in page
    response = client.post(
        url(partnership, decision, "/record"),
        data={"record-partner_id": str(partners[0].id), "record-choice": "abstain"},
    )
    assert response.status_code == 302
    assert session.scalar(select(DecisionVote.choice)) == "abstain"
    assert client.post(url(partnership, decision, "/close")).status_code == 302
    session.refresh(decision)
    assert decision.state == DecisionState.NOT_ADOPTED
    log = client.get(f"/p/{partnership.id}/monitoring/decisions").get_data(as_text=True)
    assert "Not adopted" in log and "Put to the community by SMS" not in log


def test_a_decision_of_another_partnership_is_404(
    session, client, login, make, partnership, facilitator, review, partners
):
    decision = put(session, facilitator, review, partners)
    other = make.partnership()
    login(make.member(other))
    for tail in ("", "/close"):
        method = client.get if not tail else client.post
        assert method(f"/p/{other.id}/monitoring/decisions/{decision.id}{tail}").status_code == 404


def test_a_recorded_decision_stays_readable(
    session, client, login, partnership, facilitator, review
):
    old = Decision(
        partnership_id=partnership.id,
        review_id=review.id,
        text="Reparar la vía",
        partner_ids=[],
        rule="consensus",
        decided_at=WHEN,
    )
    session.add(old)
    session.flush()
    assert old.state == DecisionState.RECORDED
    login(facilitator)
    page = client.get(url(partnership, old)).get_data(as_text=True)
    assert "recorded before partners voted" in page
    log = client.get(f"/p/{partnership.id}/monitoring/decisions").get_data(as_text=True)
    assert "Recorded before voting" in log and "Put to the community by SMS" in log


def test_the_decisions_page_query_count_is_flat_with_votes(
    session, client, login, partnership, facilitator, review, partners, reps, count_queries
):
    login(facilitator)
    decision = put(session, facilitator, review, partners)
    vote(session, reps, partners[0], decision, "for")
    with count_queries() as few:
        client.get(f"/p/{partnership.id}/monitoring/decisions")
    for _ in range(4):
        more = put(session, facilitator, review, partners)
        vote(session, reps, partners[1], more, "for")
    with count_queries() as many:
        client.get(f"/p/{partnership.id}/monitoring/decisions")
    assert many["n"] == few["n"]
    found = review_outcome.standings(
        session,
        partnership_id=partnership.id,
        decisions=session.scalars(select(Decision)).all(),
    )
    assert len(found) == 5
