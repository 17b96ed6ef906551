"""The do-no-harm screening rule through the services: an action in a place with recorded
tensions does not start before its three answers are given; one elsewhere starts freely; one
already under way is not stopped; who may answer, what is refused, what is audited."""

from datetime import date

import pytest
from sqlalchemy import func, select

from hsbp.actions import services as action_services
from hsbp.actions.models import ActionUpdate
from hsbp.actions.start_checks import StartRefused
from hsbp.audit import AuditEntry
from hsbp.audit_text import sentence
from hsbp.errors import ServiceError
from hsbp.partnerships.models import Membership
from hsbp.risks import screening
from hsbp.risks.context_models import ContextAssessment
from hsbp.risks.screening_models import ActionScreening
from hsbp.security import Role

TENSE = "Peñas Coloradas"
CALM = "Florencia"
ANSWERS = {
    "who_at_risk": "Families who sell to the buyer the company did not pick.",
    "divider": "Who gets the jobs at the collection centre.",
    "connector": "The shared market day in the village square.",
}
REFUSED = (
    "This action works where tensions are recorded (peñas coloradas): answer its do-no-harm "
    "screening before it starts."
)


def membership_of(session, user, partnership) -> Membership:
    return session.scalar(
        select(Membership).where(
            Membership.user_id == user.id, Membership.partnership_id == partnership.id
        )
    )


def fields(lead, **overrides) -> dict:
    values = {
        "title": {"es": "Centro de acopio", "en": "Collection centre"},
        "lead_partner_id": lead.id,
        "start_on": date(2026, 3, 1),
        "due_on": date(2026, 9, 30),
        "status": "planned",
        "progress": 0,
        "localities": [],
    }
    return {**values, **overrides}


@pytest.fixture
def tension(session, partnership):
    """A validated context naming a divider in Peñas Coloradas."""
    row = ContextAssessment(
        partnership_id=partnership.id,
        number=1,
        status="validated",
        content={"dividers": [{"key": "d1", "locality": TENSE, "text": "Land titles"}]},
    )
    session.add(row)
    session.flush()
    return row


@pytest.fixture
def add_action(session, partnership, facilitator):
    def add(lead, **overrides):
        return action_services.create_action(
            session,
            actor=facilitator,
            membership=membership_of(session, facilitator, partnership),
            partnership=partnership,
            fields=fields(lead, **overrides),
        )

    return add


def report(session, user, partnership, action, status="in_progress", progress=10):
    return action_services.report_progress(
        session,
        actor=user,
        membership=membership_of(session, user, partnership),
        action=action,
        status=status,
        progress=progress,
    )


def answer(session, user, partnership, action, **answers):
    return screening.save_screening(
        session,
        actor=user,
        membership=membership_of(session, user, partnership),
        action=action,
        answers={**ANSWERS, **answers},
    )


def updates(session, action) -> int:
    return session.scalar(
        select(func.count()).select_from(ActionUpdate).where(ActionUpdate.action_id == action.id)
    )


# Starting ---------------------------------------------------------------------------------


def test_reporting_a_start_in_a_tense_place_is_refused_and_nothing_saved(
    session, partnership, company, facilitator, tension, add_action
):
    action = add_action(company, localities=["peñas coloradas", CALM])
    with pytest.raises(StartRefused) as refused:
        report(session, facilitator, partnership, action)
    assert str(refused.value.message) == REFUSED
    assert refused.value.field == "status"
    found = refused.value.refusal
    assert (str(found.link_text), found.endpoint, found.values) == (
        "Answer the do-no-harm screening",
        "risks.screening",
        {"partnership_id": partnership.id, "action_id": action.id},
    )
    assert (action.status, action.progress, updates(session, action)) == ("planned", 0, 1)


def test_the_start_is_allowed_once_the_screening_is_answered(
    session, partnership, company, facilitator, tension, add_action
):
    action = add_action(company, localities=[TENSE])
    answer(session, facilitator, partnership, action)
    report(session, facilitator, partnership, action)
    assert (action.status, action.progress, updates(session, action)) == ("in_progress", 10, 2)


def test_an_action_elsewhere_starts_freely(
    session, partnership, company, facilitator, tension, add_action
):
    action = add_action(company, localities=[CALM])
    report(session, facilitator, partnership, action)
    assert action.status == "in_progress"
    whole = add_action(company, localities=[], status="in_progress")
    assert whole.status == "in_progress"


def test_other_moves_are_not_checked(
    session, partnership, company, facilitator, tension, add_action
):
    action = add_action(company, localities=[TENSE])
    action_services.report_progress(
        session,
        actor=facilitator,
        membership=membership_of(session, facilitator, partnership),
        action=action,
        status="blocked",
        progress=0,
        reason="Waiting for the rains to end",
    )
    assert action.status == "blocked"
    with pytest.raises(StartRefused):
        report(session, facilitator, partnership, action)
    assert action.status == "blocked"


def test_saving_the_action_to_in_progress_is_refused_with_its_new_places(
    session, partnership, company, facilitator, tension, add_action
):
    action = add_action(company, localities=[CALM])
    with pytest.raises(StartRefused) as refused:
        action_services.update_action(
            session,
            actor=facilitator,
            membership=membership_of(session, facilitator, partnership),
            partnership=partnership,
            action=action,
            fields=fields(
                company,
                title={"es": "Otro título"},
                status="in_progress",
                localities=[CALM, TENSE],
            ),
        )
    assert str(refused.value.message) == REFUSED.replace("peñas coloradas", TENSE)
    assert (action.status, action.localities, action.title["es"]) == (
        "planned",
        [CALM],
        "Centro de acopio",
    )


def test_adding_an_action_in_progress_in_a_tense_place_is_refused(
    session, partnership, company, facilitator, tension, add_action
):
    with pytest.raises(StartRefused) as refused:
        add_action(company, localities=[TENSE], status="in_progress")
    assert str(refused.value.message) == (
        "This action works where tensions are recorded (Peñas Coloradas): add it as planned, "
        "answer its do-no-harm screening, then start it."
    )
    assert refused.value.refusal.endpoint is None
    assert session.scalar(select(func.count()).select_from(ActionUpdate)) == 0


def test_an_action_already_under_way_is_not_stopped(
    session, partnership, company, facilitator, add_action
):
    action = add_action(company, localities=[TENSE], status="in_progress")
    session.add(
        ContextAssessment(
            partnership_id=partnership.id,
            number=1,
            status="validated",
            content={"threats": [{"key": "t1", "locality": TENSE, "text": "Threats"}]},
        )
    )
    session.flush()
    report(session, facilitator, partnership, action, progress=40)
    assert (action.status, action.progress) == ("in_progress", 40)
    shown = screening.standing(session, action=action)
    assert (shown.places, shown.state(action)) == ([TENSE], "needed")
    notes = screening.notes(session, partnership_id=partnership.id)
    assert {key: (note.text, note.flagged) for key, note in notes.items()} == {
        action.id: ("Do-no-harm screening needed", True)
    }
    assert screening.notes(session, partnership_id=partnership.id, public=True) == {}


# Answering --------------------------------------------------------------------------------


def test_answers_are_saved_stripped_and_audited_by_name_only(
    session, partnership, company, facilitator, tension, add_action
):
    action = add_action(company, localities=[TENSE])
    saved = answer(session, facilitator, partnership, action, divider="  Jobs  \r\nand land ")
    assert (saved.who_at_risk, saved.divider, saved.connector) == (
        ANSWERS["who_at_risk"],
        "Jobs  \nand land",
        ANSWERS["connector"],
    )
    assert (saved.partnership_id, saved.action_id, saved.answered_by_id) == (
        partnership.id,
        action.id,
        facilitator.id,
    )
    answer(session, facilitator, partnership, action, divider="Jobs  \nand land")  # no change
    answer(
        session, facilitator, partnership, action, divider="Jobs  \nand land", connector="School"
    )
    entries = session.scalars(
        select(AuditEntry).where(AuditEntry.action.like("screening.%")).order_by(AuditEntry.id)
    ).all()
    assert [(e.action, e.object_type, e.object_id, e.details) for e in entries] == [
        (
            "screening.answer",
            "Action",
            action.id,
            {
                "changed": [
                    "screening.who_at_risk",
                    "screening.divider",
                    "screening.connector",
                ]
            },
        ),
        ("screening.update", "Action", action.id, {"changed": ["screening.connector"]}),
    ]
    labels = {"Action": {action.id: "Collection centre"}}
    told = [
        str(
            sentence(
                e, labels=labels, partnership_id=partnership.id, role=Role.OBSERVER, locale="en"
            )
        )
        for e in entries
    ]
    link = (
        f'<a href="/p/{partnership.id}/actions/{action.id}">'
        "the action “<bdi>Collection centre</bdi>”</a>"
    )
    assert told == [
        f"<bdi>Fabiola</bdi> answered the do-no-harm screening of {link}.",
        "<bdi>Fabiola</bdi> changed the answers on the connector it strengthens in the "
        f"do-no-harm screening of {link}.",
    ]
    assert session.scalar(select(func.count()).select_from(ActionScreening)) == 1


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("who_at_risk", "", "Answer this question."),
        ("divider", "   \n ", "Answer this question."),
        ("connector", None, "Answer this question."),
        ("connector", "x" * 501, "Keep this answer under 500 characters."),
    ],
)
def test_a_missing_or_long_answer_is_refused_and_nothing_saved(
    session,
    partnership,
    company,
    facilitator,
    tension,
    add_action,
    name,
    value,
    message,
):
    action = add_action(company, localities=[TENSE])
    with pytest.raises(ServiceError) as refused:
        answer(session, facilitator, partnership, action, **{name: value})
    assert (refused.value.field, str(refused.value.message)) == (name, message)
    assert session.scalar(select(func.count()).select_from(ActionScreening)) == 0
    assert answer(session, facilitator, partnership, action, connector="y" * 500).connector == (
        "y" * 500
    )


def test_whoever_may_change_the_action_answers(
    session,
    partnership,
    company,
    municipality,
    facilitator,
    company_rep,
    municipality_rep,
    observer,
    tension,
    add_action,
):
    # The charter's default rule: the lead partner's representatives change the action; a
    # supporting partner reports progress only.
    action = add_action(company, localities=[TENSE], supporter_ids=[municipality.id])
    for user in (municipality_rep, observer):
        with pytest.raises(ServiceError) as refused:
            answer(session, user, partnership, action)
        assert refused.value.field is None
    assert str(refused.value.message) == (
        "The charter lets only the lead partner's representatives change this action; "
        "supporting partners can report progress."
    )
    assert session.scalar(select(func.count()).select_from(ActionScreening)) == 0
    assert answer(session, company_rep, partnership, action).answered_by_id == company_rep.id
    # The supporting partner may now report the start.
    report(session, municipality_rep, partnership, action)
    assert action.status == "in_progress"


def test_a_member_of_another_partnership_cannot_answer(
    session, partnership, company, outsider, other, tension, add_action
):
    action = add_action(company, localities=[TENSE])
    with pytest.raises(ServiceError):
        screening.save_screening(
            session,
            actor=outsider,
            membership=membership_of(session, outsider, other),
            action=action,
            answers=ANSWERS,
        )
    assert session.scalar(select(func.count()).select_from(ActionScreening)) == 0


def test_export_columns_only_where_screening_applies(
    session, partnership, company, facilitator, add_action
):
    calm = add_action(company, localities=[CALM])
    assert screening.columns(session, partnership_id=partnership.id) is None
    session.add(
        ContextAssessment(
            partnership_id=partnership.id,
            number=1,
            status="validated",
            content={"threats": [{"key": "t1", "locality": TENSE, "text": "Threats"}]},
        )
    )
    tense = add_action(company, localities=[TENSE])
    answered = add_action(company, localities=[TENSE])
    answer(session, facilitator, partnership, answered)
    found = screening.columns(session, partnership_id=partnership.id)
    assert found.headings == (
        "Do-no-harm screening",
        "Who could be put at risk",
        "Divider it could feed",
        "Connector it strengthens",
    )
    assert found.values == {
        tense.id: ("Needed", "", "", ""),
        answered.id: ("Answered", *ANSWERS.values()),
    }
    assert calm.id not in found.values
