"""The charter's community rule: community support informative (the default) or required for
adoption (a majority of the answers to the latest closed vote on the proposal, with a
minimum number of answers), the charter page saying what is missing, and the rule in the
editor."""

import pytest
from sqlalchemy import select

from hsbp.audit import AuditEntry
from hsbp.community import votes
from hsbp.principles import adoption
from hsbp.principles import changes as charter_changes
from hsbp.principles import content as doc
from hsbp.principles import services as charter
from tests.community.vote_world import put, resident, seed, world
from tests.principles import adopted_version, charter_content, form_fields, proposed_version
from tests.sms.conftest import page_text

REQUIRED = {"mode": "required", "min_answers": 10}


@pytest.fixture
def setup(session, make):
    setup = world(session, make)
    resident(session, setup)
    return setup


def endorse_all(session, setup, version) -> None:
    for user in setup.representatives:
        charter.endorse(session, actor=user, version=version, stance="endorse")


def closed_vote(session, setup, version, rows):
    vote = put(session, setup, {"charter_version": version})
    seed(session, vote, [(choice, "A", "community_group", [], n) for choice, n in rows])
    votes.close_vote(session, vote=vote, actor=setup.facilitator)
    return vote


def proposal(session, setup, rule=REQUIRED):
    return proposed_version(session, setup, charter_content(community_rule=dict(rule)))


def missing(session, version) -> list[str]:
    return adoption.adoption_missing(session, version=version)


def test_informative_support_leaves_adoption_to_the_partners(session, setup):
    version = proposal(session, setup, doc.DEFAULT_COMMUNITY_RULE)
    endorse_all(session, setup, version)
    assert (version.status, missing(session, version)) == ("adopted", [])


def test_required_support_without_a_vote_holds_the_adoption(session, setup):
    version = proposal(session, setup)
    endorse_all(session, setup, version)
    assert version.status == "proposed"
    assert missing(session, version) == [
        "Community support is required: put the proposal to the community by SMS."
    ]


def test_required_support_met_adopts_when_the_vote_closes(session, setup):
    version = proposal(session, setup)
    endorse_all(session, setup, version)
    closed_vote(session, setup, version, [("support", 6), ("object", 3), ("info", 1)])

    assert version.status == "adopted"
    adopted = session.scalars(
        select(AuditEntry.action).where(AuditEntry.object_id == version.id).order_by(AuditEntry.id)
    ).all()
    assert adopted[-1] == "charter.adopt"


def test_required_support_met_first_adopts_with_the_last_endorsement(session, setup):
    version = proposal(session, setup)
    closed_vote(session, setup, version, [("support", 10)])
    assert version.status == "proposed"  # the partners have not answered yet
    endorse_all(session, setup, version)
    assert version.status == "adopted"


def test_required_support_not_met_by_majority(session, setup):
    version = proposal(session, setup)
    endorse_all(session, setup, version)
    closed_vote(session, setup, version, [("support", 5), ("object", 3), ("info", 2)])
    assert version.status == "proposed"
    assert missing(session, version) == [
        "Community support is required: 5 of the 10 answers to the community's vote support "
        "it, a majority is needed."
    ]


def test_required_support_not_met_by_the_minimum_of_answers(session, setup):
    version = proposal(session, setup)
    endorse_all(session, setup, version)
    closed_vote(session, setup, version, [("support", 9)])
    assert version.status == "proposed"
    assert missing(session, version) == [
        "Community support is required: the community's vote had 9 answers, 10 are needed. "
        "Put it to the community again."
    ]


def test_an_open_vote_holds_the_adoption_until_it_closes(session, setup):
    version = proposal(session, setup)
    vote = put(session, setup, {"charter_version": version})
    seed(session, vote, [("support", "A", "community_group", [], 12)])
    endorse_all(session, setup, version)
    assert version.status == "proposed"
    assert missing(session, version) == [
        "Community support is required: the community's vote by SMS must close first."
    ]
    votes.close_vote(session, vote=vote)
    assert version.status == "adopted"


def test_a_vote_on_an_earlier_proposal_of_the_version_does_not_count(session, setup):
    version = proposal(session, setup)
    closed_vote(session, setup, version, [("support", 12)])
    charter.withdraw(session, actor=setup.facilitator, version=version)
    version.proposed_at = None
    charter.propose(
        session, actor=setup.facilitator, partnership=setup.partnership, version=version
    )
    endorse_all(session, setup, version)
    assert version.status == "proposed"
    assert missing(session, version) == [
        "Community support is required: put the proposal to the community by SMS."
    ]


def test_an_amendment_is_held_to_the_rule_of_the_charter_in_force(session, setup):
    adopted_version(session, setup, charter_content())  # informative
    strict = proposed_version(session, setup, charter_content(community_rule=dict(REQUIRED)))
    assert missing(session, strict) == []  # the charter in force says informative


def test_the_charter_page_shows_the_vote_and_what_is_missing(session, client, login, setup):
    version = proposal(session, setup)
    endorse_all(session, setup, version)
    closed_vote(session, setup, version, [("support", 4), ("object", 4)])
    login(setup.facilitator)
    shown = page_text(client.get(f"/p/{setup.partnership.id}/charter"))
    assert (
        "Community support is required: the community's vote had 8 answers, 10 are needed." in shown
    )
    assert (
        "The community's vote by SMS Community support is required for adoption: at least "
        "10 answers" in shown
    )
    assert "Answers by SMS: 8 Support Object Need more information 4 (50%) 4 (50%) 0 (0%)" in shown
    assert "Put to the community by SMS" in shown


def test_the_editor_saves_the_community_rule(session, client, login, setup):
    draft = charter.start_draft(session, actor=setup.facilitator, partnership=setup.partnership)
    charter.update_draft(
        session,
        actor=setup.facilitator,
        partnership=setup.partnership,
        version=draft,
        raw=charter_content(),
    )
    login(setup.facilitator)
    url = f"/p/{setup.partnership.id}/charter/{draft.number}/edit/decisions"
    fields = form_fields(client.get(url).get_data(as_text=True))
    assert (fields["community_mode"], fields["community_min_answers"]) == ("informative", "30")
    answer = client.post(
        url, data={**fields, "community_mode": "required", "community_min_answers": "25"}
    )
    assert answer.status_code == 302
    session.refresh(draft)
    assert draft.content["community_rule"] == {"mode": "required", "min_answers": 25}

    refused = client.post(url, data={**fields, "community_mode": "always"})
    assert refused.status_code == 422
    assert "Choose what the community's vote decides." in page_text(refused)


def test_a_document_written_before_the_rule_reads_as_informative():
    assert doc.community_rule_of({"decision_rule": {}}) == {
        "mode": "informative",
        "min_answers": 30,
    }
    before = charter_content()
    del before["community_rule"]
    after = charter_content(community_rule=dict(REQUIRED))
    changes = charter_changes.diff(before, after, locales=["es", "en"])
    assert [(c.path, c.old, c.new) for c in changes] == [
        (("community_rule", "mode"), "informative", "required"),
        (("community_rule", "min_answers"), None, 10),
    ]
