"""Entry by the protocol: proposing a partner, the partners' answers counted under the
charter in force's decision rule, and the facilitator's direct add while none is in force."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from hsbp.audit import AuditEntry
from hsbp.governance.entry_hooks import entries_to_answer
from hsbp.notifications.items import items_for, memberships_of
from hsbp.partnerships import entry
from hsbp.partnerships.entry_models import PartnerProposal, ProposalAnswer
from hsbp.partnerships.models import Partner
from hsbp.principles import content as doc
from hsbp.principles.models import CharterStatus, CharterVersion
from hsbp.security import Role

PROPOSAL = {
    "name": "Cooperativa Amazónica",
    "sector": "civil_society",
    "description": "Cacao growers",
    "reason": "It runs the cacao value chain in the valley.",
    "contact_name": "Rosa Díaz",
    "contact_email": "rosa@coop.example",
}


def adopt_charter(session, partnership, *, rule="consensus", majority=67, quorum=60):
    content = doc.empty_content()
    content["decision_rule"] = {
        "rule": rule,
        "majority_percent": majority,
        "quorum_percent": quorum,
    }
    version = CharterVersion(
        partnership_id=partnership.id,
        number=1,
        status=CharterStatus.ADOPTED,
        content=content,
        adopted_at=datetime(2026, 1, 10, tzinfo=UTC),
    )
    session.add(version)
    session.flush()
    return version


@pytest.fixture
def setting(make, session):
    """A partnership with a consensus charter in force and three partners, each with a
    representative; a facilitator."""
    partnership = make.partnership(locales=["en"], default_locale="en")
    adopt_charter(session, partnership)
    partners = [make.partner(partnership, name=f"P{i}") for i in range(3)]
    reps = [
        make.member(partnership, Role.REPRESENTATIVE, user=make.user(locale="en"), partner=p)
        for p in partners
    ]
    facilitator = make.member(partnership, Role.FACILITATOR, user=make.user(locale="en"))
    return partnership, partners, reps, facilitator


def propose(client, partnership, **changes):
    return client.post(f"/p/{partnership.id}/partners/propose", data={**PROPOSAL, **changes})


def answer(client, partnership, proposal, stance, comment=""):
    return client.post(
        f"/p/{partnership.id}/partners/proposals/{proposal.id}/answer",
        data={"stance": stance, "comment": comment},
    )


def proposal_of(session) -> PartnerProposal:
    return session.scalars(select(PartnerProposal)).one()


def test_representative_proposes_a_partner(client, login, session, setting):
    partnership, _partners, reps, _facilitator = setting
    login(reps[0])
    response = propose(client, partnership)
    assert response.status_code == 302
    proposal = proposal_of(session)
    assert (proposal.name, proposal.status, proposal.proposed_by_id) == (
        "Cooperativa Amazónica",
        "open",
        reps[0].id,
    )
    assert session.scalar(select(func.count()).select_from(Partner)) == 3
    page = client.get(response.location).get_data(as_text=True)
    assert "Consensus: 0 of 3 partners have accepted" in page


def test_observer_may_not_propose(client, make, login, setting):
    partnership = setting[0]
    login(make.member(partnership, Role.OBSERVER))
    assert propose(client, partnership).status_code == 404


def test_proposal_needs_a_reason_and_a_free_name(client, login, session, setting):
    partnership, partners, reps, _facilitator = setting
    login(reps[0])
    response = propose(client, partnership, reason="")
    assert response.status_code == 422
    response = propose(client, partnership, name=partners[1].name.lower())
    assert response.status_code == 422
    assert "already has a partner of this name" in response.get_data(as_text=True)
    assert session.scalar(select(func.count()).select_from(PartnerProposal)) == 0


def test_unanimous_acceptance_creates_the_partner_joining_today(client, login, session, setting):
    partnership, _partners, reps, _facilitator = setting
    login(reps[0])
    propose(client, partnership)
    proposal = proposal_of(session)
    for rep in reps:
        login(rep)
        assert answer(client, partnership, proposal, "endorse").status_code == 302
    session.expire_all()
    assert proposal.status == "accepted"
    partner = session.get(Partner, proposal.partner_id)
    assert (partner.name, partner.sector, partner.left_on) == (
        "Cooperativa Amazónica",
        "civil_society",
        None,
    )
    assert partner.joined_on == entry.today_in(partnership)
    assert proposal.outcome == {
        "rule": "consensus",
        "partners": 3,
        "endorsed": 3,
        "objected": 0,
        "needed": 3,
    }
    actions = session.scalars(
        select(AuditEntry.action).where(AuditEntry.partnership_id == partnership.id)
    ).all()
    assert actions.count("partner_proposal.answer") == 3
    assert "partner.create" in actions and "partner_proposal.accept" in actions


def test_objection_under_consensus_refuses_and_creates_nothing(client, login, session, setting):
    partnership, _partners, reps, _facilitator = setting
    login(reps[0])
    propose(client, partnership)
    proposal = proposal_of(session)
    login(reps[1])
    response = answer(client, partnership, proposal, "object", "Conflict of interest")
    assert response.status_code == 302
    session.expire_all()
    assert proposal.status == "refused"
    assert proposal.partner_id is None
    assert session.scalar(select(func.count()).select_from(Partner)) == 3


def test_majority_rule_accepts_with_enough_answers(client, make, login, session):
    partnership = make.partnership(locales=["en"], default_locale="en")
    adopt_charter(session, partnership, rule="majority", majority=60, quorum=60)
    partners = [make.partner(partnership) for _ in range(5)]
    reps = [make.member(partnership, Role.REPRESENTATIVE, partner=p) for p in partners]
    login(reps[0])
    propose(client, partnership)
    proposal = proposal_of(session)
    for rep, stance in zip(reps[:4], ["endorse", "object", "endorse", "endorse"], strict=True):
        login(rep)
        answer(client, partnership, proposal, stance, "no" if stance == "object" else "")
    session.expire_all()
    assert proposal.status == "accepted"
    assert proposal.outcome["endorsed"] == 3 and proposal.outcome["needed"] == 3


def test_an_answer_is_replaced_until_decided(client, login, session, setting):
    partnership, partners, reps, _facilitator = setting
    login(reps[0])
    propose(client, partnership)
    proposal = proposal_of(session)
    answer(client, partnership, proposal, "endorse")
    answer(client, partnership, proposal, "endorse", "Still yes")
    rows = session.scalars(select(ProposalAnswer)).all()
    assert [(r.partner_id, r.stance, r.comment) for r in rows] == [
        (partners[0].id, "endorse", "Still yes")
    ]


def test_objection_needs_a_reason(client, login, session, setting):
    partnership, _partners, reps, _facilitator = setting
    login(reps[0])
    propose(client, partnership)
    response = answer(client, partnership, proposal_of(session), "object")
    assert response.status_code == 422
    assert "Say why you object." in response.get_data(as_text=True)


def test_facilitator_may_not_answer_for_a_partner(client, login, session, setting):
    partnership, _partners, reps, facilitator = setting
    login(reps[0])
    propose(client, partnership)
    login(facilitator)
    response = answer(client, partnership, proposal_of(session), "endorse")
    assert response.status_code == 422
    assert "Only a partner representative can answer" in response.get_data(as_text=True)


def test_a_decided_proposal_takes_no_more_answers(client, login, session, setting):
    partnership, _partners, reps, _facilitator = setting
    login(reps[0])
    propose(client, partnership)
    proposal = proposal_of(session)
    login(reps[1])
    answer(client, partnership, proposal, "object", "No")
    login(reps[2])
    response = answer(client, partnership, proposal, "endorse")
    assert response.status_code == 422
    assert "This proposal is decided" in response.get_data(as_text=True)


def test_proposer_withdraws_and_nothing_is_created(client, login, session, setting):
    partnership, _partners, reps, _facilitator = setting
    login(reps[0])
    propose(client, partnership)
    proposal = proposal_of(session)
    login(reps[1])
    url = f"/p/{partnership.id}/partners/proposals/{proposal.id}/withdraw"
    assert client.post(url).status_code == 422  # not theirs
    login(reps[0])
    assert client.post(url).status_code == 302
    session.expire_all()
    assert proposal.status == "withdrawn"
    assert session.scalar(select(func.count()).select_from(Partner)) == 3


def test_without_a_charter_the_facilitator_adds_directly(client, make, login, session):
    partnership = make.partnership()
    rep = make.member(partnership, Role.REPRESENTATIVE, user=make.user(locale="en"))
    login(rep)
    response = propose(client, partnership)
    assert response.status_code == 422
    assert "No charter is in force yet" in response.get_data(as_text=True)
    login(make.member(partnership, Role.FACILITATOR))
    assert client.get(f"/p/{partnership.id}/partners/new").status_code == 200


def test_with_a_charter_the_direct_add_sends_to_the_proposal(client, login, session, setting):
    partnership, _partners, _reps, facilitator = setting
    login(facilitator)
    response = client.post(
        f"/p/{partnership.id}/partners/new", data={"name": "X", "sector": "company"}
    )
    assert response.status_code == 302
    assert response.location.endswith(f"/p/{partnership.id}/partners/propose")
    assert session.scalar(select(func.count()).select_from(Partner)) == 3


def test_proposal_of_another_partnership_is_404(client, make, login, session, setting):
    partnership, _partners, reps, _facilitator = setting
    login(reps[0])
    propose(client, partnership)
    proposal = proposal_of(session)
    other = make.partnership()
    login(make.member(other, Role.FACILITATOR))
    assert client.get(f"/p/{other.id}/partners/proposals/{proposal.id}").status_code == 404


def test_representatives_are_told_until_their_partner_answers(client, login, session, setting):
    partnership, partners, reps, _facilitator = setting
    login(reps[0])
    propose(client, partnership)
    proposal = proposal_of(session)

    def kinds_for(user):
        found = items_for(
            session,
            user=user,
            memberships=memberships_of(session, user_id=user.id),
            locale="en",
            now=datetime.now(UTC),
        )
        return [(i.kind, i.key, i.url) for i in found if i.kind == "partner_entry"]

    assert kinds_for(reps[1]) == [
        (
            "partner_entry",
            f"partner_entry:{proposal.id}:{partners[1].id}",
            f"/p/{partnership.id}/partners/proposals/{proposal.id}",
        )
    ]
    answer(client, partnership, proposal, "endorse")
    assert kinds_for(reps[0]) == []
    assert len(kinds_for(reps[2])) == 1


def test_entry_provider_runs_a_fixed_number_of_queries(make, session, count_queries):
    user = make.user()
    counts = []
    for n in (1, 4):
        for _ in range(n):
            partnership = make.partnership()
            adopt_charter(session, partnership)
            partner = make.partner(partnership)
            make.member(partnership, Role.REPRESENTATIVE, user=user, partner=partner)
            session.add(
                PartnerProposal(
                    partnership_id=partnership.id, name=f"N{partnership.id}", sector="company"
                )
            )
        session.flush()
        memberships = memberships_of(session, user_id=user.id)
        for m in memberships:
            assert m.partner is not None
        with count_queries() as counter:
            items = entries_to_answer(
                session, user=user, memberships=memberships, locale="en", now=datetime.now(UTC)
            )
        counts.append(counter["n"])
        assert len(items) == len(memberships)
    assert counts[0] == counts[1] == 2
