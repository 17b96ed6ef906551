"""The charter's life cycle through its services: drafts, proposals, decision rules,
withdrawals, amendments, and every refusal."""

from datetime import date

import pytest
from sqlalchemy import select

from hsbp.audit import AuditEntry
from hsbp.errors import ServiceError
from hsbp.principles import services
from hsbp.principles.models import CharterVersion, Endorsement
from hsbp.security import Role
from tests.principles import (
    adopted_version,
    charter_content,
    partnership_with,
    proposed_version,
)

MAJORITY = {"rule": "majority", "majority_percent": 67, "quorum_percent": 60}


def actions(session, partnership):
    return session.scalars(
        select(AuditEntry.action)
        .where(AuditEntry.partnership_id == partnership.id)
        .order_by(AuditEntry.id)
    ).all()


def refused(call, **kwargs) -> str:
    with pytest.raises(ServiceError) as error:
        call(**kwargs)
    return str(error.value.message)


def test_consensus_is_reached_when_every_partner_endorses(session, make):
    setup = partnership_with(make, partners=3)
    version = proposed_version(session, setup)
    first, second, third = setup.representatives
    services.endorse(session, actor=first, version=version, stance="endorse")
    services.endorse(session, actor=second, version=version, stance="endorse", comment="Sí")
    assert version.status == "proposed"
    services.endorse(session, actor=third, version=version, stance="endorse")
    assert version.status == "adopted"
    assert version.adopted_at is not None
    assert actions(session, setup.partnership) == [
        "charter.create",
        "charter.update",
        "charter.propose",
        "charter.endorse",
        "charter.endorse",
        "charter.endorse",
        "charter.adopt",
    ]


def test_consensus_with_an_objection_is_not_adopted_and_is_blocked(session, make):
    setup = partnership_with(make, partners=3)
    version = proposed_version(session, setup)
    first, second, third = setup.representatives
    services.endorse(session, actor=first, version=version, stance="endorse")
    services.endorse(
        session, actor=second, version=version, stance="object", comment="Falta el agua."
    )
    services.endorse(session, actor=third, version=version, stance="endorse")
    assert version.status == "proposed"
    page = services.overview(session, partnership_id=setup.partnership.id)
    tally = page["tally"]
    assert (tally.endorsed, tally.objected, tally.partners, tally.blocked) == (2, 1, 3, True)


def test_an_objection_needs_a_comment(session, make, app):
    setup = partnership_with(make, partners=1)
    version = proposed_version(session, setup)
    message = refused(
        services.endorse,
        session=session,
        actor=setup.representatives[0],
        version=version,
        stance="object",
        comment="  ",
    )
    assert message == "Say why you object, so the draft can be revised."


def test_majority_needs_the_share_of_all_current_partners(session, make):
    setup = partnership_with(make, partners=5)
    version = proposed_version(session, setup, charter_content(decision_rule=MAJORITY))
    reps = setup.representatives
    services.endorse(session, actor=reps[0], version=version, stance="endorse")
    services.endorse(session, actor=reps[1], version=version, stance="endorse")
    services.endorse(session, actor=reps[2], version=version, stance="object", comment="No.")
    # 3 answers of 5 meet the 60 % quorum, but 2 endorsements are short of 67 % (4 of 5).
    assert version.status == "proposed"
    services.endorse(session, actor=reps[3], version=version, stance="endorse")
    assert version.status == "proposed"
    services.endorse(session, actor=reps[4], version=version, stance="endorse")
    assert version.status == "adopted"


def test_majority_without_quorum_waits_for_more_answers(session, make):
    setup = partnership_with(make, partners=4)
    rule = {"rule": "majority", "majority_percent": 51, "quorum_percent": 100}
    version = proposed_version(session, setup, charter_content(decision_rule=rule))
    reps = setup.representatives
    for user in reps[:3]:
        services.endorse(session, actor=user, version=version, stance="endorse")
    # 3 of 4 endorse, well past 51 %, but the quorum asks for every partner's answer.
    assert version.status == "proposed"
    services.endorse(session, actor=reps[3], version=version, stance="object", comment="No.")
    assert version.status == "adopted"


def test_partners_who_left_do_not_count(session, make):
    setup = partnership_with(make, partners=3)
    setup.partners[2].left_on = date(2020, 1, 1)
    version = proposed_version(session, setup)
    for user in setup.representatives[:2]:
        services.endorse(session, actor=user, version=version, stance="endorse")
    assert version.status == "adopted"
    message = refused(
        services.endorse,
        session=session,
        actor=setup.representatives[2],
        version=version,
        stance="endorse",
    )
    assert message == f"{setup.partners[2].name} has left the partnership."


def test_an_amendment_is_decided_by_the_rule_in_force(session, make):
    setup = partnership_with(make, partners=3)
    adopted_version(session, setup)
    amendment = services.start_draft(
        session, actor=setup.facilitator, partnership=setup.partnership
    )
    lowered = {"rule": "majority", "majority_percent": 51, "quorum_percent": 1}
    services.update_draft(
        session,
        actor=setup.facilitator,
        partnership=setup.partnership,
        version=amendment,
        raw=charter_content(decision_rule=lowered),
    )
    services.propose(
        session, actor=setup.facilitator, partnership=setup.partnership, version=amendment
    )
    for user in setup.representatives[:2]:
        services.endorse(session, actor=user, version=amendment, stance="endorse")
    # Its own rule would adopt it now; the consensus in force still needs the third partner.
    assert amendment.status == "proposed"
    services.endorse(session, actor=setup.representatives[2], version=amendment, stance="endorse")
    assert amendment.status == "adopted"


def test_adopting_an_amendment_supersedes_the_version_in_force(session, make):
    setup = partnership_with(make, partners=2)
    first = adopted_version(session, setup)
    amendment = services.start_draft(
        session, actor=setup.facilitator, partnership=setup.partnership
    )
    assert (amendment.number, amendment.based_on_id, amendment.content) == (
        2,
        first.id,
        first.content,
    )
    services.propose(
        session, actor=setup.facilitator, partnership=setup.partnership, version=amendment
    )
    for user in setup.representatives:
        services.endorse(session, actor=user, version=amendment, stance="endorse")
    assert (first.status, amendment.status) == ("superseded", "adopted")
    assert services.in_force(session, partnership_id=setup.partnership.id) is amendment


def test_a_partner_that_joins_later_endorses_the_version_in_force(session, make):
    setup = partnership_with(make, partners=2)
    version = adopted_version(session, setup)
    newcomer_partner = make.partner(setup.partnership, name="Cabildo Nasa")
    newcomer = make.member(setup.partnership, Role.REPRESENTATIVE, partner=newcomer_partner)
    endorsement = services.endorse(
        session, actor=newcomer, version=version, stance="endorse", comment="Nos sumamos."
    )
    assert (endorsement.partner_id, endorsement.stance, version.status) == (
        newcomer_partner.id,
        "endorse",
        "adopted",
    )
    assert actions(session, setup.partnership)[-1] == "charter.endorse"


def test_endorsing_twice_is_refused(session, make):
    setup = partnership_with(make, partners=2)
    version = proposed_version(session, setup)
    user = setup.representatives[0]
    services.endorse(session, actor=user, version=version, stance="endorse")
    message = refused(
        services.endorse, session=session, actor=user, version=version, stance="object"
    )
    assert message == f"{setup.partners[0].name} has already answered on version 1."


def test_endorsing_a_draft_is_refused(session, make):
    setup = partnership_with(make, partners=1)
    draft = services.start_draft(session, actor=setup.facilitator, partnership=setup.partnership)
    message = refused(
        services.endorse,
        session=session,
        actor=setup.representatives[0],
        version=draft,
        stance="endorse",
    )
    assert message == "This version is a draft: it can be endorsed once it is proposed."


@pytest.mark.parametrize("who", ["facilitator", "observer"])
def test_only_representatives_endorse(session, make, who):
    setup = partnership_with(make, partners=1)
    version = proposed_version(session, setup)
    message = refused(
        services.endorse,
        session=session,
        actor=getattr(setup, who),
        version=version,
        stance="endorse",
    )
    assert message == "Only a partner representative can answer for their partner."


def test_a_superseded_version_cannot_be_endorsed(session, make):
    setup = partnership_with(make, partners=1)
    first = adopted_version(session, setup)
    second = services.start_draft(session, actor=setup.facilitator, partnership=setup.partnership)
    services.propose(
        session, actor=setup.facilitator, partnership=setup.partnership, version=second
    )
    services.endorse(session, actor=setup.representatives[0], version=second, stance="endorse")
    newcomer = make.member(setup.partnership, Role.REPRESENTATIVE)
    message = refused(
        services.endorse, session=session, actor=newcomer, version=first, stance="endorse"
    )
    assert message == "This version is no longer in force."


def test_editing_an_adopted_or_proposed_version_is_refused(session, make):
    setup = partnership_with(make, partners=1)
    version = proposed_version(session, setup)
    edit = {
        "session": session,
        "actor": setup.facilitator,
        "partnership": setup.partnership,
        "version": version,
        "raw": charter_content(goals=[]),
    }
    assert refused(services.update_draft, **edit) == (
        "Withdraw the proposal before changing this version."
    )
    services.endorse(session, actor=setup.representatives[0], version=version, stance="endorse")
    assert refused(services.update_draft, **edit) == (
        "An adopted version is frozen. Start an amendment to change it."
    )
    assert len(version.content["goals"]) == 1


def test_proposing_with_no_current_partner_is_refused(session, make):
    setup = partnership_with(make, partners=0)
    draft = services.start_draft(session, actor=setup.facilitator, partnership=setup.partnership)
    message = refused(
        services.propose,
        session=session,
        actor=setup.facilitator,
        partnership=setup.partnership,
        version=draft,
    )
    assert message == "Add the partners first: there is no one to endorse the charter."


def test_proposing_without_every_principle_in_the_default_language_is_refused(session, make, app):
    setup = partnership_with(make, partners=1)
    draft = services.start_draft(session, actor=setup.facilitator, partnership=setup.partnership)
    content = charter_content()
    content["principles"]["sharing"] = {"en": "Only in English"}
    services.update_draft(
        session,
        actor=setup.facilitator,
        partnership=setup.partnership,
        version=draft,
        raw=content,
    )
    with app.test_request_context(headers={"Accept-Language": "en"}):
        message = refused(
            services.propose,
            session=session,
            actor=setup.facilitator,
            partnership=setup.partnership,
            version=draft,
        )
    assert message == "Write the commitments for every principle in Spanish before proposing."
    assert draft.status == "draft"


def test_only_one_open_version_at_a_time(session, make):
    setup = partnership_with(make, partners=1)
    services.start_draft(session, actor=setup.facilitator, partnership=setup.partnership)
    message = refused(
        services.start_draft,
        session=session,
        actor=setup.facilitator,
        partnership=setup.partnership,
    )
    assert message == "Version 1 is still open: finish it first."


def test_withdrawing_deletes_the_answers_and_audits_them(session, make):
    setup = partnership_with(make, partners=2)
    version = proposed_version(session, setup)
    services.endorse(
        session, actor=setup.representatives[0], version=version, stance="object", comment="No."
    )
    services.withdraw(session, actor=setup.facilitator, version=version)
    assert (version.status, version.proposed_at) == ("draft", None)
    assert session.scalars(select(Endorsement)).all() == []
    entry = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert (entry.action, entry.details) == (
        "charter.withdraw",
        {
            "number": 1,
            "endorsements": [
                {
                    "partner_id": setup.partners[0].id,
                    "user_id": setup.representatives[0].id,
                    "stance": "object",
                    "comment": "No.",
                }
            ],
        },
    )
    # Revised and proposed again, the same partner answers anew.
    services.propose(
        session, actor=setup.facilitator, partnership=setup.partnership, version=version
    )
    services.endorse(session, actor=setup.representatives[0], version=version, stance="endorse")


def test_withdrawing_a_draft_is_refused(session, make):
    setup = partnership_with(make, partners=1)
    draft = services.start_draft(session, actor=setup.facilitator, partnership=setup.partnership)
    message = refused(services.withdraw, session=session, actor=setup.facilitator, version=draft)
    assert message == "Only a proposed version can be withdrawn."


def test_editing_records_the_changed_paths(session, make):
    setup = partnership_with(make, partners=1)
    draft = services.start_draft(session, actor=setup.facilitator, partnership=setup.partnership)
    content = charter_content()
    services.update_draft(
        session,
        actor=setup.facilitator,
        partnership=setup.partnership,
        version=draft,
        raw=content,
    )
    content["principles"]["trust"]["en"] = "Open books."
    changes = services.update_draft(
        session,
        actor=setup.facilitator,
        partnership=setup.partnership,
        version=draft,
        raw=content,
    )
    assert [change.path for change in changes] == [("principles", "trust", "en")]
    entry = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert entry.details == {"number": 1, "changed": ["principles/trust/en"], "count": 1}
    # Saving the same content again changes nothing and logs nothing.
    assert (
        services.update_draft(
            session,
            actor=setup.facilitator,
            partnership=setup.partnership,
            version=draft,
            raw=content,
        )
        == []
    )
    assert actions(session, setup.partnership).count("charter.update") == 2


def test_versions_of_another_partnership_are_not_listed(session, make):
    mine = partnership_with(make, partners=1)
    theirs = partnership_with(make, partners=1)
    services.start_draft(session, actor=theirs.facilitator, partnership=theirs.partnership)
    assert services.list_versions(session, partnership_id=mine.partnership.id) == []
    assert services.get_version(session, partnership_id=mine.partnership.id, number=1) is None
    assert session.scalars(select(CharterVersion.partnership_id)).all() == [theirs.partnership.id]
