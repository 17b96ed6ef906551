"""Partners validate a consultation's outcome (issue 16, item 3): sending it with a deadline,
one changeable answer per partner, counting with the charter's decision rule, an edit that
asks again, proceeding past an unmet deadline, and the gate on charter goals."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from hsbp.audit import AuditEntry
from hsbp.consultations import outcome, services, validation
from hsbp.consultations.validation_models import OutcomeAnswer
from hsbp.consultations.validation_standing import standing
from hsbp.db import utcnow
from hsbp.errors import ServiceError
from hsbp.principles.models import CharterVersion
from tests.consultations.conftest import consultation_fields
from tests.consultations.outcome_validation_helpers import membership_of
from tests.principles import adopted_version, charter_content, partnership_with

MAJORITY = {"rule": "majority", "majority_percent": 67, "quorum_percent": 60}


def closed_with_outcome(session, setup, *, close=True, items=True):
    consultation = services.create_consultation(
        session,
        actor=setup.facilitator,
        partnership=setup.partnership,
        fields=consultation_fields(),
    )
    if items:
        outcome.save_outcome(
            session,
            actor=setup.facilitator,
            partnership=setup.partnership,
            consultation=consultation,
            raw={
                "needs": [{"text": {"es": "Agua limpia", "en": "Clean water"}}],
                "risks": [{"text": {"es": "Polvo"}}],
            },
        )
    if close:
        services.close_consultation(session, actor=setup.facilitator, consultation=consultation)
    return consultation


def send(session, setup, consultation, days=14, now=None):
    return validation.send(
        session,
        actor=setup.facilitator,
        partnership=setup.partnership,
        consultation=consultation,
        deadline=(now or utcnow()) + timedelta(days=days),
        now=now,
    )


def answer(session, setup, consultation, user, stance="confirm", comment="", now=None):
    return validation.answer(
        session,
        actor=user,
        membership=membership_of(session, setup.partnership, user),
        consultation=consultation,
        stance=stance,
        comment=comment,
        now=now,
    )


def actions(session, partnership) -> list[str]:
    return session.scalars(
        select(AuditEntry.action)
        .where(AuditEntry.partnership_id == partnership.id)
        .order_by(AuditEntry.id)
    ).all()


def refused(call, message: str, field=None):
    with pytest.raises(ServiceError) as caught:
        call()
    assert str(caught.value.message) == message
    assert caught.value.field == field


# Sending -------------------------------------------------------------------------------------


def test_sending_snapshots_the_outcome_with_its_deadline(session, make):
    setup = partnership_with(make, partners=2)
    consultation = closed_with_outcome(session, setup)
    sent = send(session, setup, consultation)
    assert (sent.round, sent.partnership_id, sent.consultation_id) == (
        1,
        setup.partnership.id,
        consultation.id,
    )
    assert sent.outcome["needs"][0]["text"] == {"es": "Agua limpia", "en": "Clean water"}
    assert set(sent.outcome["needs"][0]) == {"key", "text"}
    found = standing(session, consultation=consultation)
    assert (found.state, found.tally.partners, found.tally.endorsed) == ("open", 2, 0)
    assert [answer for _partner, answer in found.rows] == [None, None]
    assert actions(session, setup.partnership)[-1] == "consultation.outcome_sent"


def test_sending_is_refused_until_the_outcome_can_be_validated(session, make):
    setup = partnership_with(make, partners=1)
    still_open = closed_with_outcome(session, setup, close=False)
    refused(
        lambda: send(session, setup, still_open),
        "Close the consultation before sending its outcome to the partners.",
    )
    empty = closed_with_outcome(session, setup, items=False)
    refused(
        lambda: send(session, setup, empty), "Record the outcome before sending it to the partners."
    )
    consultation = closed_with_outcome(session, setup)
    refused(
        lambda: send(session, setup, consultation, days=-1),
        "Choose a deadline after today.",
        "deadline",
    )
    refused(
        lambda: send(session, setup, consultation, days=95),
        "Choose a deadline within 90 days.",
        "deadline",
    )
    send(session, setup, consultation)
    refused(
        lambda: send(session, setup, consultation),
        "The partners are already validating this outcome.",
    )


def test_sending_without_partners_is_refused(session, make):
    setup = partnership_with(make, partners=0)
    consultation = closed_with_outcome(session, setup)
    refused(
        lambda: send(session, setup, consultation),
        "Add the partners first: there is no one to validate the outcome.",
    )


# Answering -----------------------------------------------------------------------------------


def test_a_partner_answers_once_and_may_change_its_answer(session, make):
    setup = partnership_with(make, partners=2)
    consultation = closed_with_outcome(session, setup)
    send(session, setup, consultation)
    first = answer(session, setup, consultation, setup.representatives[0], comment="De acuerdo")
    again = answer(
        session, setup, consultation, setup.representatives[0], "changes", "Falta la vía"
    )
    assert again.id == first.id
    rows = session.scalars(select(OutcomeAnswer)).all()
    assert [(r.partner_id, r.stance, r.comment) for r in rows] == [
        (setup.partners[0].id, "changes", "Falta la vía")
    ]
    found = standing(session, consultation=consultation)
    assert (found.tally.endorsed, found.tally.objected, found.state) == (0, 1, "open")
    # Under consensus one request for changes means it cannot be validated as it stands.
    assert found.tally.blocked is True
    entries = session.scalars(
        select(AuditEntry)
        .where(AuditEntry.action.like("consultation.outcome_%"))
        .order_by(AuditEntry.id)
    ).all()
    assert [(e.action, e.details.get("changed")) for e in entries[-2:]] == [
        ("consultation.outcome_confirm", False),
        ("consultation.outcome_changes", True),
    ]


def test_asking_for_changes_needs_a_comment(session, make):
    setup = partnership_with(make, partners=1)
    consultation = closed_with_outcome(session, setup)
    send(session, setup, consultation)
    user = setup.representatives[0]
    refused(
        lambda: answer(session, setup, consultation, user, "changes", "  "),
        "Say which changes you ask for.",
        "comment",
    )
    refused(
        lambda: answer(session, setup, consultation, user, "maybe"),
        "Choose to confirm or to ask for changes.",
        "stance",
    )
    refused(
        lambda: answer(session, setup, consultation, user, "confirm", "x" * 2001),
        "Keep this text under 2000 characters.",
        "comment",
    )


def test_only_a_current_partners_representative_answers(session, make):
    setup = partnership_with(make, partners=2)
    consultation = closed_with_outcome(session, setup)
    only = "Only a partner representative can answer for their partner."
    refused(
        lambda: answer(session, setup, consultation, setup.representatives[0]),
        "This outcome is not waiting for the partners' answers.",
    )
    send(session, setup, consultation)
    refused(lambda: answer(session, setup, consultation, setup.facilitator), only)
    refused(lambda: answer(session, setup, consultation, setup.observer), only)
    # A representative of another partnership brings a membership that is not this one's.
    other = partnership_with(make, partners=1)
    refused(
        lambda: validation.answer(
            session,
            actor=other.representatives[0],
            membership=membership_of(session, other.partnership, other.representatives[0]),
            consultation=consultation,
            stance="confirm",
        ),
        only,
    )
    setup.partners[1].left_on = date.today() - timedelta(days=1)
    refused(
        lambda: answer(session, setup, consultation, setup.representatives[1]),
        f"{setup.partners[1].name} has left the partnership.",
    )
    later = utcnow() + timedelta(days=20)
    refused(
        lambda: answer(session, setup, consultation, setup.representatives[0], now=later),
        "The deadline to answer has passed.",
    )
    assert session.scalars(select(OutcomeAnswer)).all() == []


# Counting ------------------------------------------------------------------------------------


def test_consensus_without_a_charter_validates_when_every_partner_confirms(session, make):
    setup = partnership_with(make, partners=3)
    consultation = closed_with_outcome(session, setup)
    sent = send(session, setup, consultation)
    for user in setup.representatives[:2]:
        answer(session, setup, consultation, user)
    assert sent.validated_at is None
    assert validation.latest_validated(session, partnership_id=setup.partnership.id) is None
    answer(session, setup, consultation, setup.representatives[2])
    assert sent.validated_at is not None
    found = standing(session, consultation=consultation)
    assert (found.state, found.tally.endorsed, found.tally.partners) == ("validated", 3, 3)
    assert found.charter_rule is False
    entry = session.scalars(
        select(AuditEntry).where(AuditEntry.action == "consultation.outcome_validated")
    ).one()
    assert entry.details == {
        "round": 1,
        "rule": "consensus",
        "confirmed": 3,
        "changes": 0,
        "partners": 3,
    }
    assert validation.latest_validated(session, partnership_id=setup.partnership.id) is consultation


def test_the_majority_rule_of_the_charter_in_force_counts(session, make):
    setup = partnership_with(make, partners=4)
    adopted_version(session, setup, charter_content(decision_rule=MAJORITY))
    consultation = closed_with_outcome(session, setup)
    sent = send(session, setup, consultation)
    answer(session, setup, consultation, setup.representatives[0])
    answer(session, setup, consultation, setup.representatives[1], "changes", "Falta empleo")
    answer(session, setup, consultation, setup.representatives[2])
    found = standing(session, consultation=consultation)
    # 67 % of 4 is 3 confirmations: two are not enough yet.
    assert (found.tally.needed, found.tally.endorsed, found.charter_rule) == (3, 2, True)
    assert sent.validated_at is None
    answer(session, setup, consultation, setup.representatives[3])
    assert sent.validated_at is not None
    # Validated it stays, though a partner changes its answer before the deadline.
    answer(session, setup, consultation, setup.representatives[3], "changes", "Mejor no")
    found = standing(session, consultation=consultation)
    assert (found.state, found.tally.endorsed) == ("validated", 2)


def test_a_partner_that_left_is_not_counted(session, make):
    setup = partnership_with(make, partners=2)
    consultation = closed_with_outcome(session, setup)
    sent = send(session, setup, consultation)
    answer(session, setup, consultation, setup.representatives[1], "changes", "No")
    setup.partners[1].left_on = date.today()
    answer(session, setup, consultation, setup.representatives[0])
    found = standing(session, consultation=consultation)
    assert (found.tally.partners, found.tally.endorsed, found.tally.objected) == (1, 1, 0)
    assert [a.partner_id for a in found.former] == [setup.partners[1].id]
    assert sent.validated_at is not None


# Editing, deadlines and the gate on goals -----------------------------------------------------


def test_editing_a_sent_outcome_asks_the_partners_again(session, make):
    setup = partnership_with(make, partners=2)
    consultation = closed_with_outcome(session, setup)
    now = utcnow()
    first = send(session, setup, consultation, days=10)
    for user in setup.representatives:
        answer(session, setup, consultation, user)
    assert validation.latest_validated(session, partnership_id=setup.partnership.id) is consultation
    [need] = consultation.outcome["needs"]
    unchanged = {"needs": [{"key": need["key"], "text": need["text"]}], "risks": []}
    unchanged["risks"] = [{"key": consultation.outcome["risks"][0]["key"], "text": {"es": "Polvo"}}]
    assert not outcome.save_outcome(
        session,
        actor=setup.facilitator,
        partnership=setup.partnership,
        consultation=consultation,
        raw=unchanged,
    )
    assert first.superseded_at is None
    unchanged["needs"][0]["text"] = {"es": "Agua limpia y potable"}
    assert outcome.save_outcome(
        session,
        actor=setup.facilitator,
        partnership=setup.partnership,
        consultation=consultation,
        raw=unchanged,
    )
    assert first.superseded_at is not None
    found = standing(session, consultation=consultation)
    second = found.validation
    assert (second.round, found.state, found.earlier_rounds) == (2, "open", 1)
    assert second.outcome["needs"][0]["text"] == {"es": "Agua limpia y potable"}
    # The earlier answers stay on record under round 1 and no longer count.
    assert [answer for _partner, answer in found.rows] == [None, None]
    assert len(first.answers) == 2
    assert 10 <= (second.deadline - now).days <= 11
    assert validation.latest_validated(session, partnership_id=setup.partnership.id) is None
    entry = session.scalars(
        select(AuditEntry).where(AuditEntry.action == "consultation.outcome_reopened")
    ).one()
    assert (entry.details["round"], entry.details["set_aside"]) == (2, 2)


def make_goal(session, setup, consultation):
    return outcome.make_goal(
        session,
        actor=setup.facilitator,
        partnership=setup.partnership,
        consultation=consultation,
        key=consultation.outcome["needs"][0]["key"],
    )


def test_items_become_goals_only_once_validated(session, make):
    setup = partnership_with(make, partners=2)
    consultation = closed_with_outcome(session, setup)
    refused(
        lambda: make_goal(session, setup, consultation),
        "Send the outcome to the partners first: it feeds the charter once they validate it.",
    )
    send(session, setup, consultation)
    answer(session, setup, consultation, setup.representatives[0])
    refused(
        lambda: make_goal(session, setup, consultation),
        "Waiting for the partners to validate the outcome.",
    )
    assert session.scalars(select(CharterVersion)).all() == []
    answer(session, setup, consultation, setup.representatives[1])
    version = make_goal(session, setup, consultation)
    assert consultation.outcome["needs"][0]["goal_key"] == version.content["goals"][0]["key"]


def test_past_an_unmet_deadline_a_facilitator_proceeds_with_a_reason(session, make):
    setup = partnership_with(make, partners=2)
    consultation = closed_with_outcome(session, setup)
    sent = send(session, setup, consultation, days=3)
    answer(session, setup, consultation, setup.representatives[0])
    proceed = lambda reason, now=None: validation.proceed(  # noqa: E731
        session, actor=setup.facilitator, consultation=consultation, reason=reason, now=now
    )
    refused(lambda: proceed("Ya"), "Wait for the deadline: the partners can still answer.")
    sent.deadline = utcnow() - timedelta(minutes=1)
    assert standing(session, consultation=consultation).state == "expired"
    refused(
        lambda: make_goal(session, setup, consultation),
        "The partners did not validate the outcome by its deadline: send it again, or proceed "
        "with a recorded reason.",
    )
    refused(
        lambda: proceed("   "),
        "Say why the outcome feeds the charter without the partners' validation.",
        "reason",
    )
    proceed("La Alcaldía confirmó en la reunión del comité (acta 9).")
    assert (sent.proceeded_by_id, sent.proceed_reason) == (
        setup.facilitator.id,
        "La Alcaldía confirmó en la reunión del comité (acta 9).",
    )
    assert standing(session, consultation=consultation).state == "proceeded"
    make_goal(session, setup, consultation)
    entry = session.scalars(
        select(AuditEntry).where(AuditEntry.action == "consultation.outcome_proceed")
    ).one()
    assert entry.details == {
        "round": 1,
        "reason": "La Alcaldía confirmó en la reunión del comité (acta 9).",
        "rule": "consensus",
        "confirmed": 1,
        "changes": 0,
        "partners": 2,
    }
    # Proceeding is not the partners' validation.
    assert validation.latest_validated(session, partnership_id=setup.partnership.id) is None
    refused(
        lambda: proceed("Otra vez"), "Only an outcome whose deadline passed unvalidated needs this."
    )


def test_an_expired_outcome_may_be_sent_again(session, make):
    setup = partnership_with(make, partners=1)
    consultation = closed_with_outcome(session, setup)
    first = send(session, setup, consultation)
    first.deadline = utcnow() - timedelta(days=1)
    second = send(session, setup, consultation)
    assert (second.round, first.superseded_at is not None) == (2, True)
    answer(session, setup, consultation, setup.representatives[0])
    assert second.validated_at is not None
    refused(
        lambda: send(session, setup, consultation),
        "The partners have already validated this outcome.",
    )


def test_latest_validated_is_the_newest_of_this_partnership(session, make):
    setup = partnership_with(make, partners=1)
    other = partnership_with(make, partners=1)
    older = closed_with_outcome(session, setup)
    newer = closed_with_outcome(session, setup)
    elsewhere = closed_with_outcome(session, other)
    now = utcnow()
    for consultation, when in ((newer, now - timedelta(days=1)), (older, now - timedelta(days=2))):
        send(session, setup, consultation, now=when)
        answer(session, setup, consultation, setup.representatives[0], now=when)
    send(session, other, elsewhere)
    answer(session, other, elsewhere, other.representatives[0])
    assert validation.latest_validated(session, partnership_id=setup.partnership.id) is newer
    assert validation.latest_validated(session, partnership_id=other.partnership.id) is elsewhere
