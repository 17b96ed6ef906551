"""A consultation's outcome: items of shared understanding, and items made charter goals with a
link back from the consultation."""

from sqlalchemy import select

from hsbp.audit import AuditEntry
from hsbp.consultations import outcome, services
from hsbp.principles.models import CharterVersion
from hsbp.security import Role
from tests.consultations.conftest import consultation_fields
from tests.consultations.outcome_validation_helpers import validate_outcome
from tests.principles import GOAL_KEY, adopted_version, partnership_with, proposed_version


def page(partnership, consultation, rest: str = "") -> str:
    return f"/p/{partnership.id}/consultations/{consultation.id}{rest}"


def outcome_data(**overrides) -> dict:
    data = {
        "needs-0-text-es": "Agua limpia en la vereda",
        "needs-0-text-en": "Clean water in the village",
        "risks-0-text-es": "Polvo de la vía",
        "gaps-0-text-en": "",
    }
    data.update(overrides)
    return data


def test_facilitator_records_the_outcome(client, login, session, build, partnership, facilitator):
    consultation = build()
    login(facilitator)
    answer = client.post(page(partnership, consultation, "/outcome"), data=outcome_data())
    assert answer.headers["Location"] == page(partnership, consultation)
    session.refresh(consultation)
    [need] = consultation.outcome["needs"]
    [risk] = consultation.outcome["risks"]
    assert need["text"] == {"es": "Agua limpia en la vereda", "en": "Clean water in the village"}
    assert (risk["text"], risk["goal_key"]) == ({"es": "Polvo de la vía"}, None)
    assert consultation.outcome["gaps"] == []

    # Saved again, items keep their keys; a removed one goes.
    form = {
        **outcome_data(),
        "needs-0-key": need["key"],
        "risks-0-key": risk["key"],
        "risks-0-remove": "y",
    }
    client.post(page(partnership, consultation, "/outcome"), data=form)
    session.refresh(consultation)
    assert [item["key"] for item in consultation.outcome["needs"]] == [need["key"]]
    assert consultation.outcome["risks"] == []
    detail = client.get(page(partnership, consultation)).get_data(as_text=True)
    assert "Clean water in the village" in detail
    # Its items wait for the partners' validation (tests/consultations/test_outcome_validation*).
    assert "Send the outcome to the partners first" in detail


def test_an_item_without_the_main_language_is_refused(
    client, login, build, partnership, facilitator
):
    consultation = build()
    login(facilitator)
    data = outcome_data(**{"needs-0-text-es": ""})
    answer = client.post(page(partnership, consultation, "/outcome"), data=data)
    text = answer.get_data(as_text=True)
    assert answer.status_code == 422
    assert "Write this item in the partnership&#39;s main language." in text or (
        "Write this item in the partnership's main language." in text
    )
    assert "Clean water in the village" in text
    assert consultation.outcome == {}


def test_an_item_becomes_a_goal_of_a_new_draft(
    client, login, session, make, build, partnership, facilitator
):
    consultation = build()
    outcome.save_outcome(
        session,
        actor=facilitator,
        partnership=partnership,
        consultation=consultation,
        raw={"needs": [{"text": {"es": "Agua limpia", "en": "Clean water"}}]},
    )
    representative = make.member(partnership, Role.REPRESENTATIVE)
    validate_outcome(
        session,
        partnership=partnership,
        consultation=consultation,
        facilitator=facilitator,
        representatives=[representative],
    )
    key = consultation.outcome["needs"][0]["key"]
    login(facilitator)
    answer = client.post(page(partnership, consultation, f"/outcome/{key}/goal"))
    assert answer.status_code == 302
    version = session.scalars(select(CharterVersion)).one()
    assert (version.number, version.status) == (1, "draft")
    [goal] = version.content["goals"]
    assert goal["title"] == {"es": "Agua limpia", "en": "Clean water"}
    session.refresh(consultation)
    assert consultation.outcome["needs"][0]["goal_key"] == goal["key"]

    detail = client.get(page(partnership, consultation)).get_data(as_text=True)
    assert f'href="/p/{partnership.id}/charter/1">Charter goal (version 1)</a>' in detail
    assert "Make it a charter goal" not in detail
    actions = session.scalars(
        select(AuditEntry.action).where(AuditEntry.partnership_id == partnership.id)
    ).all()
    assert {"consultation.outcome", "consultation.outcome_goal", "charter.create"} <= set(actions)

    again = client.post(page(partnership, consultation, f"/outcome/{key}/goal"))
    assert again.status_code == 422
    assert "This item is already a goal of the charter." in again.get_data(as_text=True)


def with_outcome(session, setup):
    consultation = services.create_consultation(
        session,
        actor=setup.facilitator,
        partnership=setup.partnership,
        fields=consultation_fields(),
    )
    outcome.save_outcome(
        session,
        actor=setup.facilitator,
        partnership=setup.partnership,
        consultation=consultation,
        raw={"gaps": [{"text": {"es": "Sin vivero"}}]},
    )
    validate_outcome(
        session,
        partnership=setup.partnership,
        consultation=consultation,
        facilitator=setup.facilitator,
        representatives=setup.representatives,
    )
    return consultation, consultation.outcome["gaps"][0]["key"]


def test_an_item_becomes_a_goal_of_an_amendment_to_the_charter_in_force(session, make):
    setup = partnership_with(make, partners=1)
    adopted = adopted_version(session, setup)
    consultation, key = with_outcome(session, setup)
    draft = outcome.make_goal(
        session,
        actor=setup.facilitator,
        partnership=setup.partnership,
        consultation=consultation,
        key=key,
    )
    assert (draft.number, draft.status, draft.based_on_id) == (2, "draft", adopted.id)
    goal_key = consultation.outcome["gaps"][0]["goal_key"]
    assert [goal["key"] for goal in draft.content["goals"]] == [GOAL_KEY, goal_key]
    assert draft.content["goals"][1]["title"] == {"es": "Sin vivero"}
    assert outcome.goal_versions(
        session, partnership_id=setup.partnership.id, consultation=consultation
    ) == {goal_key: 2}


def test_no_goal_while_a_proposal_is_open(client, login, session, make):
    setup = partnership_with(make, partners=1)
    proposed_version(session, setup)
    consultation, key = with_outcome(session, setup)
    login(setup.facilitator)
    answer = client.post(page(setup.partnership, consultation, f"/outcome/{key}/goal"))
    assert answer.status_code == 422
    assert "Version 1 is still open: finish it first." in answer.get_data(as_text=True)
    assert consultation.outcome["gaps"][0]["goal_key"] is None
