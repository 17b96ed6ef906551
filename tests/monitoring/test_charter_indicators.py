"""The indicator set as a charter section, through its services: taken into a draft, endorsed
with the charter, applied to monitoring on adoption; after that, a change is an amendment in
the charter's draft while values keep coming in; refusals write nothing."""

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from hsbp.audit import AuditEntry
from hsbp.errors import ServiceError
from hsbp.monitoring import charter_indicators as ci
from hsbp.monitoring import services
from hsbp.monitoring.charter_indicator_hooks import amendments_waiting
from hsbp.monitoring.charter_indicator_models import CharterIndicator
from hsbp.monitoring.models import Indicator
from hsbp.partnerships.models import Membership
from hsbp.principles import services as charter
from hsbp.principles.content import indicators_of
from hsbp.principles.drafting import save_section
from tests.monitoring.conftest import add_indicator
from tests.principles import charter_content, partnership_with


@pytest.fixture
def setup(make):
    return partnership_with(make, partners=2)


def form_fields(indicator: Indicator, **overrides) -> dict:
    """What the indicator form sends for `indicator`, with `overrides`."""
    return {
        "name": dict(indicator.name),
        "definition": dict(indicator.definition),
        "goal_key": indicator.goal_key,
        "kind": indicator.kind,
        "unit": indicator.unit,
        "baseline_value": str(indicator.baseline_value),
        "baseline_on": indicator.baseline_on,
        "target_value": str(indicator.target_value),
        "target_on": indicator.target_on,
        "direction": indicator.direction,
        "partner_id": indicator.partner_id,
        "frequency": indicator.frequency,
        **overrides,
    }


def adopt(session, setup, version):
    charter.propose(
        session, actor=setup.facilitator, partnership=setup.partnership, version=version
    )
    for user in setup.representatives:
        charter.endorse(session, actor=user, version=version, stance="endorse")
    assert version.status == "adopted"


def first_draft_with_set(session, setup):
    version = charter.start_draft(session, actor=setup.facilitator, partnership=setup.partnership)
    charter.update_draft(
        session,
        actor=setup.facilitator,
        partnership=setup.partnership,
        version=version,
        raw=charter_content(),
    )
    count = ci.take_set(
        session, actor=setup.facilitator, partnership=setup.partnership, version=version
    )
    return version, count


@pytest.fixture
def governed(session, setup):
    """An indicator whose set is in the charter in force (version 1)."""
    jobs = add_indicator(session, setup.partnership, setup.facilitator, setup.partners[0])
    version, _count = first_draft_with_set(session, setup)
    adopt(session, setup, version)
    return jobs


def test_taking_the_set_writes_each_indicator_into_the_draft(session, setup):
    jobs = add_indicator(session, setup.partnership, setup.facilitator, setup.partners[0])
    version, count = first_draft_with_set(session, setup)
    assert count == 1
    [item] = indicators_of(version.content)
    link = session.scalar(select(CharterIndicator).where(CharterIndicator.indicator_id == jobs.id))
    assert item == {
        "key": link.key,
        "name": {"es": "Empleo local"},
        "definition": {},
        "goal_key": "",
        "kind": "percentage",
        "unit": "",
        "currency": "",
        "levels": [],
        "baseline": "20",
        "baseline_on": "2026-01-01",
        "target": "40",
        "target_on": "2028-01-01",
        "direction": "higher",
        "source": "",
        "partner_id": setup.partners[0].id,
        "frequency": "quarterly",
        "disaggregation": [],
    }
    assert not ci.indicators_endorsed(session, partnership_id=setup.partnership.id)


def test_the_editor_content_of_a_charter_without_the_set_reads_none(session, setup):
    version = charter.start_draft(session, actor=setup.facilitator, partnership=setup.partnership)
    assert indicators_of(version.content) is None
    assert indicators_of({"principles": {}}) is None


def test_adopting_a_charter_with_the_set_puts_indicators_under_it(session, setup, governed):
    assert ci.indicators_endorsed(session, partnership_id=setup.partnership.id)
    assert not ci.indicators_endorsed(session, partnership_id=setup.partnership.id + 1000)


def test_before_adoption_a_change_applies_at_once_and_follows_into_the_open_draft(session, setup):
    jobs = add_indicator(session, setup.partnership, setup.facilitator, setup.partners[0])
    version, _count = first_draft_with_set(session, setup)
    outcome = ci.change_indicator(
        session,
        actor=setup.facilitator,
        partnership=setup.partnership,
        indicator=jobs,
        fields=form_fields(jobs, target_value="45"),
    )
    assert (outcome.indicator, outcome.amendment) == (jobs, False)
    assert jobs.target_value == Decimal("45")
    assert indicators_of(version.content)[0]["target"] == "45"


def test_after_adoption_a_change_is_an_amendment_in_a_new_draft(session, setup, governed):
    outcome = ci.change_indicator(
        session,
        actor=setup.facilitator,
        partnership=setup.partnership,
        indicator=governed,
        fields=form_fields(governed, target_value="50", partner_id=setup.partners[1].id),
    )
    assert outcome.amendment and outcome.indicator is None
    assert (outcome.draft.number, outcome.draft.status) == (2, "draft")
    session.refresh(governed)
    assert (governed.target_value, governed.partner_id) == (Decimal("40"), setup.partners[0].id)
    [item] = indicators_of(outcome.draft.content)
    assert (item["target"], item["partner_id"]) == ("50", setup.partners[1].id)
    assert ci.amendment_of(session, indicator=governed) == (outcome.draft, "changed")
    # The edit form starts from the amendment, not from the indicator in force.
    assert ci.definition(session, indicator=governed)["target_value"] == Decimal("50")


def test_values_keep_coming_in_while_an_amendment_waits(session, setup, governed):
    ci.change_indicator(
        session,
        actor=setup.facilitator,
        partnership=setup.partnership,
        indicator=governed,
        fields=form_fields(governed, target_value="50"),
    )
    row = services.record_value(
        session,
        actor=setup.facilitator,
        indicator=governed,
        period_on=date(2026, 4, 1),
        value="25",
    )
    assert row.value == Decimal("25")


def test_an_adopted_amendment_changes_creates_and_retires_indicators(session, setup, governed):
    actor, partnership = setup.facilitator, setup.partnership
    services.record_value(
        session, actor=actor, indicator=governed, period_on=date(2026, 4, 1), value="25"
    )
    water = add_indicator(session, partnership, actor, name="Agua")  # before: free edits
    draft = ci.change_indicator(
        session,
        actor=actor,
        partnership=partnership,
        indicator=governed,
        fields=form_fields(governed, target_value="50"),
    ).draft
    added = ci.add_indicator(
        session,
        actor=actor,
        partnership=partnership,
        fields=form_fields(governed, name={"es": "Conflictos"}, target_value="60"),
    )
    assert added.draft.id == draft.id and added.indicator is None
    assert [i["name"]["es"] for i in indicators_of(draft.content)] == ["Empleo local", "Conflictos"]
    adopt(session, setup, draft)
    session.refresh(governed)
    assert governed.target_value == Decimal("50")
    created = session.scalar(
        select(Indicator).where(
            Indicator.partnership_id == partnership.id,
            Indicator.name["es"].as_string() == "Conflictos",
        )
    )
    assert created is not None and created.target_value == Decimal("60")
    # `water` was created straight in monitoring, outside the set: left as it is.
    assert not services.is_retired(session, indicator=water)
    retired = ci.retire_indicator(session, actor=actor, partnership=partnership, indicator=governed)
    assert retired.amendment and retired.draft.number == 3
    assert ci.amendment_of(session, indicator=governed) == (retired.draft, "retired")
    adopt(session, setup, retired.draft)
    assert services.is_retired(session, indicator=governed)
    with pytest.raises(ServiceError) as caught:
        services.record_value(
            session, actor=actor, indicator=governed, period_on=date(2026, 7, 1), value="30"
        )
    assert caught.value.field == "value"
    # The values recorded before stay on record.
    assert services.values_in_force(session, indicator_id=governed.id) == [
        (date(2026, 4, 1), Decimal("25"))
    ]
    applied = session.scalars(
        select(AuditEntry.details).where(
            AuditEntry.partnership_id == partnership.id, AuditEntry.action == "indicator.adopt"
        )
    ).all()
    assert [(d["number"], d["changed"], d["retired"]) for d in applied] == [
        (2, [governed.id], []),
        (3, [], [governed.id]),
    ]
    assert applied[1]["created"] == [] and applied[0]["created"] == [created.id]


def test_a_change_is_refused_while_a_proposal_holding_the_set_is_before_the_partners(
    session, setup, governed
):
    draft = ci.change_indicator(
        session,
        actor=setup.facilitator,
        partnership=setup.partnership,
        indicator=governed,
        fields=form_fields(governed, target_value="50"),
    ).draft
    charter.propose(session, actor=setup.facilitator, partnership=setup.partnership, version=draft)
    before = dict(draft.content)
    with pytest.raises(ServiceError) as caught:
        ci.change_indicator(
            session,
            actor=setup.facilitator,
            partnership=setup.partnership,
            indicator=governed,
            fields=form_fields(governed, target_value="55"),
        )
    assert "Version 2" in str(caught.value.message)
    assert draft.content == before


def test_an_amendment_that_changes_the_kind_of_a_measured_indicator_is_refused(
    session, setup, governed
):
    services.record_value(
        session, actor=setup.facilitator, indicator=governed, period_on=date(2026, 4, 1), value="25"
    )
    with pytest.raises(ServiceError) as caught:
        ci.change_indicator(
            session,
            actor=setup.facilitator,
            partnership=setup.partnership,
            indicator=governed,
            fields=form_fields(governed, kind="number"),
        )
    assert caught.value.field == "kind"
    assert charter.list_versions(session, partnership_id=setup.partnership.id)[0].number == 1


def test_a_bad_amendment_is_refused_with_its_field_and_starts_no_draft(session, setup, governed):
    with pytest.raises(ServiceError) as caught:
        ci.change_indicator(
            session,
            actor=setup.facilitator,
            partnership=setup.partnership,
            indicator=governed,
            fields=form_fields(governed, target_value="140"),
        )
    assert caught.value.field == "target_value"
    assert ci.amendment_of(session, indicator=governed) is None


def test_taking_the_set_is_refused_once_the_charter_in_force_holds_it(session, setup, governed):
    draft = charter.start_draft(session, actor=setup.facilitator, partnership=setup.partnership)
    with pytest.raises(ServiceError):
        ci.take_set(session, actor=setup.facilitator, partnership=setup.partnership, version=draft)
    with pytest.raises(ServiceError):
        ci.leave_out_set(
            session, actor=setup.facilitator, partnership=setup.partnership, version=draft
        )
    assert indicators_of(draft.content) is not None


def test_saving_a_section_of_the_charter_editor_keeps_the_set(session, setup):
    add_indicator(session, setup.partnership, setup.facilitator)
    version, _count = first_draft_with_set(session, setup)
    kept = indicators_of(version.content)
    save_section(
        session,
        actor=setup.facilitator,
        partnership=setup.partnership,
        version=version,
        section="principles",
        raw={"principles": {"trust": {"es": "Rendimos cuentas."}}},
    )
    assert version.content["principles"]["trust"] == {"es": "Rendimos cuentas."}
    assert indicators_of(version.content) == kept


def test_the_amendment_item_waits_for_facilitators_in_needs_me(session, setup, governed):
    memberships = session.scalars(
        select(Membership).where(Membership.partnership_id == setup.partnership.id)
    ).all()

    def waiting(user):
        return amendments_waiting(
            session,
            user=user,
            memberships=[m for m in memberships if m.user_id == user.id],
            locale="en",
            now=None,
        )

    assert waiting(setup.facilitator) == []
    draft = ci.change_indicator(
        session,
        actor=setup.facilitator,
        partnership=setup.partnership,
        indicator=governed,
        fields=form_fields(governed, target_value="50"),
    ).draft
    [item] = waiting(setup.facilitator)
    assert (item.key, item.url) == (
        f"indicator_amendment:{draft.id}",
        f"/p/{setup.partnership.id}/charter/2/edit",
    )
    assert waiting(setup.representatives[0]) == []


def test_links_are_one_per_indicator(session, setup, governed):
    count = session.scalar(
        select(func.count())
        .select_from(CharterIndicator)
        .where(CharterIndicator.partnership_id == setup.partnership.id)
    )
    assert count == 1
