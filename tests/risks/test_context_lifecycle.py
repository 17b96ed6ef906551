"""The context assessment's life cycle through its services: a draft, its proposal, the
partners' comments and confirmations, validation, the next version superseding it, and every
refusal."""

from datetime import date

import pytest
from sqlalchemy import select

from hsbp.audit import AuditEntry
from hsbp.errors import ServiceError
from hsbp.risks import context
from hsbp.risks.context_models import ContextAssessment, ContextResponse

THREAT = {"dimension": "personal", "locality": "La Unión", "text": {"es": "Reclutamiento forzado."}}


def actions(session, partnership):
    return session.scalars(
        select(AuditEntry.action)
        .where(AuditEntry.partnership_id == partnership.id, AuditEntry.action.like("context.%"))
        .order_by(AuditEntry.id)
    ).all()


def refused(call, **kwargs) -> ServiceError:
    with pytest.raises(ServiceError) as error:
        call(**kwargs)
    return error.value


def drafted(session, partnership, facilitator, **raw):
    version = context.start_draft(
        session, actor=facilitator, partnership=partnership, copy_validated=False
    )
    context.update_draft(
        session,
        actor=facilitator,
        partnership=partnership,
        version=version,
        raw=raw or {"threats": [THREAT]},
        summary="Primera lectura.",
    )
    return version


def proposed(session, partnership, facilitator, **raw):
    version = drafted(session, partnership, facilitator, **raw)
    context.propose(session, actor=facilitator, partnership=partnership, version=version)
    return version


@pytest.fixture
def reps(company_rep, municipality_rep, civil_society_rep):
    return [company_rep, municipality_rep, civil_society_rep]


def test_the_whole_flow_from_draft_to_a_superseded_version(session, partnership, facilitator, reps):
    first = proposed(session, partnership, facilitator)
    assert (first.number, first.status) == (1, "proposed")
    company_rep, municipality_rep, civil_society_rep = reps
    context.answer(session, actor=company_rep, version=first, stance="confirm")
    context.answer(
        session,
        actor=municipality_rep,
        version=first,
        stance="comment",
        comment="Falta la vereda El Triunfo.",
    )
    context.answer(session, actor=civil_society_rep, version=first, stance="confirm")
    assert first.status == "proposed"

    context.withdraw(session, actor=facilitator, version=first)
    assert first.status == "draft"
    # The comments stay with the draft while it is revised.
    kept = context.answers(session, partnership_id=partnership.id, assessment_ids=[first.id])
    assert {a.stance for a in kept[first.id].values()} == {"confirm", "comment"}
    context.update_draft(
        session,
        actor=facilitator,
        partnership=partnership,
        version=first,
        raw={"threats": [*first.content["threats"], {**THREAT, "locality": "El Triunfo"}]},
    )
    context.propose(session, actor=facilitator, partnership=partnership, version=first)
    # Proposing again clears the answers: every partner answers the revised text.
    assert (
        session.scalars(
            select(ContextResponse).where(ContextResponse.assessment_id == first.id)
        ).all()
        == []
    )
    for rep in reps:
        context.answer(session, actor=rep, version=first, stance="confirm")
    assert first.status == "validated"
    assert first.validated_at is not None

    second = context.start_draft(
        session, actor=facilitator, partnership=partnership, copy_validated=True
    )
    assert second.number == 2
    assert second.content == first.content
    context.propose(session, actor=facilitator, partnership=partnership, version=second)
    for rep in reps:
        context.answer(session, actor=rep, version=second, stance="confirm")
    assert (first.status, second.status) == ("superseded", "validated")
    assert context.validated(session, partnership_id=partnership.id) is second
    assert actions(session, partnership) == [
        "context.create",
        "context.update",
        "context.propose",
        "context.confirm",
        "context.comment",
        "context.confirm",
        "context.withdraw",
        "context.update",
        "context.propose",
        "context.confirm",
        "context.confirm",
        "context.confirm",
        "context.validate",
        "context.create",
        "context.propose",
        "context.confirm",
        "context.confirm",
        "context.confirm",
        "context.validate",
    ]
    propose_again = session.scalars(
        select(AuditEntry)
        .where(AuditEntry.action == "context.propose", AuditEntry.partnership_id == partnership.id)
        .order_by(AuditEntry.id)
    ).all()[1]
    assert [a["stance"] for a in propose_again.details["answers"]] == [
        "confirm",
        "comment",
        "confirm",
    ]


def test_a_comment_needs_a_text_and_nothing_is_saved(session, partnership, facilitator, reps):
    version = proposed(session, partnership, facilitator)
    error = refused(
        context.answer, session=session, actor=reps[0], version=version, stance="comment"
    )
    assert (str(error.message), error.field) == (
        "Write your comment, so the facilitators can revise the context.",
        "comment",
    )
    error = refused(context.answer, session=session, actor=reps[0], version=version, stance="maybe")
    assert (str(error.message), error.field) == ("Choose to confirm or to comment.", "stance")
    assert session.scalars(select(ContextResponse)).all() == []


def test_only_a_representative_answers_and_only_once_for_their_partner(
    session, partnership, facilitator, observer, reps
):
    version = proposed(session, partnership, facilitator)
    for someone in (facilitator, observer):
        error = refused(
            context.answer, session=session, actor=someone, version=version, stance="confirm"
        )
        assert str(error.message) == "Only a partner representative can answer for their partner."
    context.answer(session, actor=reps[0], version=version, stance="confirm")
    error = refused(
        context.answer, session=session, actor=reps[0], version=version, stance="confirm"
    )
    assert str(error.message) == "Palma del Caguán S.A. has already answered on version 1."


def test_a_representative_of_another_partnership_cannot_answer(
    session, make, other, partnership, facilitator, reps
):
    version = proposed(session, partnership, facilitator)
    stranger = make.member(other, "representative")
    error = refused(
        context.answer, session=session, actor=stranger, version=version, stance="confirm"
    )
    assert str(error.message) == "Only a partner representative can answer for their partner."


def test_a_partner_that_left_neither_answers_nor_is_awaited(
    session, partnership, facilitator, reps, municipality
):
    version = proposed(session, partnership, facilitator)
    context.answer(session, actor=reps[0], version=version, stance="confirm")
    context.answer(session, actor=reps[2], version=version, stance="confirm")
    assert version.status == "proposed"
    municipality.left_on = date(2026, 1, 2)
    session.flush()
    error = refused(
        context.answer, session=session, actor=reps[1], version=version, stance="confirm"
    )
    assert str(error.message) == "Your partner has left the partnership."
    # Nobody is left to confirm: a facilitator records the validation.
    context.validate(session, actor=facilitator, version=version)
    assert version.status == "validated"


def test_validation_is_refused_while_a_partner_is_awaited(session, partnership, facilitator, reps):
    version = proposed(session, partnership, facilitator)
    context.answer(session, actor=reps[0], version=version, stance="confirm")
    error = refused(context.validate, session=session, actor=facilitator, version=version)
    assert str(error.message) == "Every current partner must confirm this version first."
    assert version.status == "proposed"


def test_refusals_of_the_life_cycle(session, partnership, facilitator, reps):
    error = refused(
        context.start_draft,
        session=session,
        actor=facilitator,
        partnership=partnership,
        copy_validated=True,
    )
    assert str(error.message) == "No version is validated yet: start from an empty one."
    empty = context.start_draft(
        session, actor=facilitator, partnership=partnership, copy_validated=False
    )
    error = refused(
        context.propose, session=session, actor=facilitator, partnership=partnership, version=empty
    )
    assert str(error.message) == "Write at least one item of the context before proposing it."
    error = refused(
        context.start_draft,
        session=session,
        actor=facilitator,
        partnership=partnership,
        copy_validated=False,
    )
    assert str(error.message) == "Version 1 is still open: finish it first."
    error = refused(context.answer, session=session, actor=reps[0], version=empty, stance="confirm")
    assert (
        str(error.message) == "This version is not proposed to the partners: it takes no answers."
    )
    error = refused(context.withdraw, session=session, actor=facilitator, version=empty)
    assert str(error.message) == "Only a proposed version can be withdrawn."
    context.update_draft(
        session,
        actor=facilitator,
        partnership=partnership,
        version=empty,
        raw={"threats": [THREAT]},
    )
    context.propose(session, actor=facilitator, partnership=partnership, version=empty)
    error = refused(
        context.update_draft,
        session=session,
        actor=facilitator,
        partnership=partnership,
        version=empty,
        raw={},
    )
    assert str(error.message) == "Withdraw the proposal before changing this version."
    for rep in reps:
        context.answer(session, actor=rep, version=empty, stance="confirm")
    error = refused(
        context.update_draft,
        session=session,
        actor=facilitator,
        partnership=partnership,
        version=empty,
        raw={},
    )
    assert str(error.message) == (
        "A validated version is frozen. Start a new draft to change the context."
    )


def test_a_partnership_without_partners_cannot_propose(session, partnership, facilitator):
    version = drafted(session, partnership, facilitator)
    error = refused(
        context.propose,
        session=session,
        actor=facilitator,
        partnership=partnership,
        version=version,
    )
    assert str(error.message) == "Add the partners first: there is no one to confirm the context."


def test_a_refused_row_leaves_the_draft_as_it_was(session, partnership, facilitator):
    version = drafted(session, partnership, facilitator)
    before = dict(version.content)
    error = refused(
        context.update_draft,
        session=session,
        actor=facilitator,
        partnership=partnership,
        version=version,
        raw={"threats": [THREAT, {"dimension": "food", "text": {}, "locality": "Remolinos"}]},
    )
    assert (str(error.message), error.field) == ("Describe this threat.", "threats-1-text-es")
    assert version.content == before
    assert version.summary == "Primera lectura."


def test_version_numbers_are_per_partnership(
    session, partnership, other, facilitator, outsider, company
):
    drafted(session, partnership, facilitator)
    theirs = drafted(session, other, outsider)
    assert theirs.number == 1
    assert session.scalars(select(ContextAssessment.number)).all() == [1, 1]
