"""Adding and changing actions: every rule refuses with its field and leaves nothing changed;
status and progress changes become dated updates; dependencies never loop."""

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from hsbp.actions import services
from hsbp.actions.models import Action, ActionUpdate
from hsbp.errors import ServiceError
from tests.actions.conftest import GOAL, action_fields, membership_of


def edit(session, partnership, user, action, **overrides):
    fields = action_fields(action.lead_partner, **overrides)
    return services.update_action(
        session,
        actor=user,
        membership=membership_of(session, user, partnership),
        partnership=partnership,
        action=action,
        fields=fields,
    )


def refused(call) -> ServiceError:
    with pytest.raises(ServiceError) as caught:
        call()
    return caught.value


def test_an_action_is_saved_with_its_owners_goal_and_first_update(
    session, add_action, company, council, facilitator, company_rep, charter
):
    action = add_action(
        company,
        goal_key=GOAL,
        supporter_ids=[council.id, company.id],  # the lead is not its own supporter
        responsible_ids=[company_rep.id],
        budget="1500000.50",
        currency="cop",
        contributions=[
            {"partner_id": council.id, "kind": "in_kind", "description": "Maquinaria"},
            {"partner_id": "", "amount": "", "description": ""},  # an empty row of the form
        ],
        comment="Acordado en la mesa de marzo",
    )
    assert (action.lead_partner_id, [p.id for p in action.supporters]) == (company.id, [council.id])
    assert [u.id for u in action.responsibles] == [company_rep.id]
    assert (action.goal_key, action.budget, action.currency) == (GOAL, Decimal("1500000.50"), "COP")
    assert [(c.partner_id, c.kind, c.amount) for c in action.contributions] == [
        (council.id, "in_kind", None)
    ]
    (update,) = action.updates
    assert (update.status_from, update.status_to, update.progress_to, update.comment) == (
        "",
        "planned",
        0,
        "Acordado en la mesa de marzo",
    )
    assert update.author_id == facilitator.id


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": {"en": "Only English"}}, "title-es"),
        ({"due_on": date(2026, 2, 1)}, "due_on"),
        ({"progress": 101}, "progress"),
        ({"progress": "a lot"}, "progress"),
        ({"status": "finished"}, "status"),
        ({"status": "blocked"}, "status_reason"),
        ({"goal_key": "b" * 32}, "goal_key"),
        ({"sdg_targets": ["6.1", "18.1"]}, "sdg_targets"),
        ({"budget": "12.345", "currency": "COP"}, "budget"),
        ({"budget": "100", "currency": "XXQ"}, "budget_currency"),
        (
            {"contributions": [{"partner_id": 999999, "amount": "5", "currency": "COP"}]},
            "contributions-0-partner_id",
        ),
        (
            {"contributions": [{"partner_id": None, "kind": "cash", "amount": "-5"}]},
            "contributions-0-partner_id",
        ),
    ],
)
def test_a_bad_field_is_refused_with_its_name_and_nothing_is_saved(
    session, add_action, company, charter, overrides, field
):
    error = refused(lambda: add_action(company, **overrides))
    assert error.field == field
    assert session.scalar(select(func.count()).select_from(Action)) == 0


def test_an_owner_from_another_partnership_is_refused(session, make, add_action):
    elsewhere = make.partner(make.partnership(), name="Otra")
    assert refused(lambda: add_action(elsewhere)).field == "lead_partner_id"


def test_supporters_and_people_must_belong_to_the_partnership(session, make, add_action, company):
    other = make.partnership()
    stranger = make.member(other)
    assert (
        refused(lambda: add_action(company, supporter_ids=[make.partner(other).id])).field
        == "supporter_ids"
    )
    assert refused(lambda: add_action(company, responsible_ids=[stranger.id])).field == (
        "responsible_ids"
    )


def test_a_dependency_loop_is_refused_and_the_action_is_unchanged(
    session, partnership, add_action, facilitator, company
):
    first = add_action(company)
    second = add_action(company, depends_on_ids=[first.id])
    third = add_action(company, depends_on_ids=[second.id])
    error = refused(
        lambda: edit(session, partnership, facilitator, first, depends_on_ids=[third.id])
    )
    assert error.field == "depends_on_ids"
    assert "loop" in str(error.message)
    session.refresh(first)
    assert first.depends_on == []
    assert (
        refused(
            lambda: edit(session, partnership, facilitator, first, depends_on_ids=[first.id])
        ).field
        == "depends_on_ids"
    )


def test_an_action_is_done_only_after_what_it_depends_on(
    session, partnership, add_action, facilitator, company
):
    first = add_action(company)
    second = add_action(company, depends_on_ids=[first.id])
    assert (
        refused(
            lambda: edit(
                session, partnership, facilitator, second, status="done", depends_on_ids=[first.id]
            )
        ).field
        == "status"
    )
    edit(session, partnership, facilitator, first, status="done")
    edit(session, partnership, facilitator, second, status="done", depends_on_ids=[first.id])
    assert (second.status, second.progress, second.done_at is not None) == ("done", 100, True)


def test_a_dependency_from_another_partnership_is_refused(session, make, add_action, company):
    other = make.partnership()
    foreign = Action(
        partnership_id=other.id, title={"es": "x"}, lead_partner_id=make.partner(other).id
    )
    session.add(foreign)
    session.flush()
    assert refused(lambda: add_action(company, depends_on_ids=[foreign.id])).field == (
        "depends_on_ids"
    )


def test_progress_reports_keep_the_history(session, partnership, add_action, company, company_rep):
    action = add_action(company)
    member = membership_of(session, company_rep, partnership)
    services.report_progress(
        session,
        actor=company_rep,
        membership=member,
        action=action,
        status="in_progress",
        progress=40,
        comment="Perforación empezó",
    )
    services.report_progress(
        session,
        actor=company_rep,
        membership=member,
        action=action,
        status="blocked",
        progress=40,
        reason="Lluvias",
        comment="",
    )
    assert (action.status, action.progress, action.status_reason) == ("blocked", 40, "Lluvias")
    history = session.scalars(
        select(ActionUpdate).where(ActionUpdate.action_id == action.id).order_by(ActionUpdate.id)
    ).all()
    assert [(u.status_from, u.status_to, u.progress_from, u.progress_to) for u in history] == [
        ("", "planned", None, 0),
        ("planned", "in_progress", 0, 40),
        ("in_progress", "blocked", 40, 40),
    ]
    error = refused(
        lambda: services.report_progress(
            session,
            actor=company_rep,
            membership=member,
            action=action,
            status="blocked",
            progress=40,
        )
    )
    assert "Change the status" in str(error.message)


def test_overdue_and_due_soon(session, partnership, add_action, company):
    late = add_action(company, due_on=date(2026, 5, 1))
    soon = add_action(company, due_on=date(2026, 5, 20))
    add_action(company, due_on=date(2026, 9, 1))
    add_action(company, due_on=date(2026, 4, 1), status="dropped", status_reason="Sin fondos")
    overdue, due_soon = services.overdue_and_due_soon(
        session, partnership_id=partnership.id, today=date(2026, 5, 10), days=14
    )
    assert ([a.id for a in overdue], [a.id for a in due_soon]) == ([late.id], [soon.id])
