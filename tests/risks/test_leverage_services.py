"""Leverage and the guiding questions of a partner's connection to a risk: the kinds a
partner can hold (regulatory only for a public one), strengths kept per kind, questions
answered in order and nothing written on a refusal."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from hsbp.audit import AuditEntry
from hsbp.errors import ServiceError
from hsbp.risks import leverage, questions
from hsbp.risks.models import Risk, RiskConnection


def add_risk(session, partnership, number=1):
    risk = Risk(
        partnership_id=partnership.id,
        number=number,
        title={"es": "Conflicto por el agua", "en": "Conflict over water"},
    )
    session.add(risk)
    session.flush()
    return risk


def connect(session, risk, partner, connection="contributes"):
    row = RiskConnection(
        partnership_id=risk.partnership_id,
        risk_id=risk.id,
        partner_id=partner.id,
        connection=connection,
        reasoning="Our trucks use the river crossing.",
    )
    session.add(row)
    session.flush()
    return row


def entries(session, action_prefix):
    return [
        (e.action, e.object_type, e.object_id, e.details)
        for e in session.scalars(
            select(AuditEntry)
            .where(AuditEntry.action.like(f"{action_prefix}%"))
            .order_by(AuditEntry.id)
        )
    ]


@pytest.fixture
def row(session, partnership, company):
    return connect(session, add_risk(session, partnership), company)


def test_regulatory_leverage_is_for_public_partners_only(company, municipality):
    assert leverage.kinds_for(company) == ("commercial", "business", "collective", "podium")
    assert leverage.kinds_for(municipality) == (
        "commercial",
        "business",
        "collective",
        "podium",
        "regulatory",
    )


def test_leverage_is_kept_per_kind_and_audited_by_name(session, company, company_rep, row):
    changed = leverage.save_leverage(
        session,
        connection=row,
        partner=company,
        strengths={"commercial": "high", "business": "", "collective": "low", "podium": "none"},
        note=" Renewal of the haulage contract in March. ",
        actor_id=company_rep.id,
    )
    assert changed == [
        "leverage_commercial",
        "leverage_collective",
        "leverage_podium",
        "leverage_note",
    ]
    assert row.leverage == {"commercial": "high", "collective": "low", "podium": "none"}
    assert row.leverage_note == "Renewal of the haulage contract in March."
    assert leverage.assessed(row, company) == [
        ("commercial", "high"),
        ("business", None),
        ("collective", "low"),
        ("podium", "none"),
    ]
    assert leverage.is_limited(row) is False
    assert entries(session, "risk_connection.") == [
        (
            "risk_connection.leverage",
            "RiskConnection",
            row.id,
            {"risk_id": row.risk_id, "changed": changed},
        )
    ]


def test_saving_the_same_leverage_again_writes_nothing(session, company, company_rep, row):
    values = {"commercial": "low", "business": "", "collective": "", "podium": ""}
    leverage.save_leverage(
        session, connection=row, partner=company, strengths=values, note="", actor_id=None
    )
    assert (
        leverage.save_leverage(
            session, connection=row, partner=company, strengths=values, note="", actor_id=None
        )
        == []
    )
    assert len(entries(session, "risk_connection.leverage")) == 1
    assert leverage.is_limited(row) is True


@pytest.mark.parametrize(
    ("strengths", "note", "message"),
    [
        ({"regulatory": "high"}, "", "This kind of leverage does not apply to this partner."),
        ({"commercial": "huge"}, "", "Choose how strong this leverage is."),
        ({}, "x" * 4001, "Write at most 4000 characters."),
    ],
)
def test_bad_leverage_is_refused_and_nothing_is_written(
    session, company, row, strengths, note, message
):
    with pytest.raises(ServiceError) as refused:
        leverage.save_leverage(
            session, connection=row, partner=company, strengths=strengths, note=note, actor_id=None
        )
    assert str(refused.value.message) == message
    assert row.leverage == {}
    assert entries(session, "risk_connection.") == []


def test_a_public_partner_holds_regulatory_leverage(session, partnership, municipality):
    row = connect(session, add_risk(session, partnership), municipality, "linked")
    leverage.save_leverage(
        session,
        connection=row,
        partner=municipality,
        strengths={"regulatory": "high"},
        note="",
        actor_id=None,
    )
    assert row.leverage == {"regulatory": "high"}


def test_the_guiding_questions_follow_the_seed_in_order():
    assert questions.KEYS == (
        "involvement",
        "influence",
        "can_use",
        "how_use",
        "increase",
        "replace",
        "justify",
    )


def test_questions_are_answered_in_order(session, company_rep, row):
    answered = questions.save_answers(
        session,
        connection=row,
        answers={"involvement": " We contribute: our trucks. ", "influence": "Yes, as buyer."},
        actor_id=company_rep.id,
    )
    assert answered == 2
    assert row.questions == {
        "involvement": "We contribute: our trucks.",
        "influence": "Yes, as buyer.",
    }
    assert questions.answered_count(row) == 2
    assert entries(session, "risk_connection.questions") == [
        (
            "risk_connection.questions",
            "RiskConnection",
            row.id,
            {"risk_id": row.risk_id, "answered": 2, "of": 7},
        )
    ]


def test_a_later_question_cannot_be_answered_while_an_earlier_is_blank(session, row):
    questions.save_answers(
        session, connection=row, answers={"involvement": "We contribute."}, actor_id=None
    )
    with pytest.raises(ServiceError) as refused:
        questions.save_answers(
            session,
            connection=row,
            answers={"involvement": "We contribute.", "can_use": "Yes."},
            actor_id=None,
        )
    assert str(refused.value.message) == (
        "The questions are answered in order: answer question 2 before question 3."
    )
    assert refused.value.field == "can_use"
    assert row.questions == {"involvement": "We contribute."}
    assert len(entries(session, "risk_connection.questions")) == 1


def test_clearing_an_earlier_answer_under_a_later_one_is_refused(session, row):
    questions.save_answers(
        session,
        connection=row,
        answers={"involvement": "We contribute.", "influence": "Some."},
        actor_id=None,
    )
    with pytest.raises(ServiceError):
        questions.save_answers(
            session,
            connection=row,
            answers={"involvement": "", "influence": "Some."},
            actor_id=None,
        )
    # Clearing from the end is fine.
    assert (
        questions.save_answers(
            session, connection=row, answers={"involvement": "We contribute."}, actor_id=None
        )
        == 1
    )
    assert row.questions == {"involvement": "We contribute."}


def test_an_unknown_question_or_a_long_answer_is_refused(session, row):
    with pytest.raises(ServiceError) as refused:
        questions.save_answers(session, connection=row, answers={"why": "x"}, actor_id=None)
    assert str(refused.value.message) == "This question is not one of the guiding questions."
    with pytest.raises(ServiceError) as refused:
        questions.save_answers(
            session, connection=row, answers={"involvement": "x" * 4001}, actor_id=None
        )
    assert refused.value.field == "involvement"
    assert row.questions == {}
