"""What most monitoring tests start from: a partnership, its facilitator, a company partner,
and `add_indicator`. A test module that needs them otherwise defines its own, which wins."""

from datetime import date

import pytest

from hsbp.monitoring import services


@pytest.fixture
def partnership(make):
    return make.partnership()


@pytest.fixture
def facilitator(make, partnership):
    return make.member(partnership)


@pytest.fixture
def company(make, partnership):
    return make.partner(partnership, name="Minera Andina")


def add_indicator(session, partnership, actor, partner=None, name="Empleo local", **fields):
    """A percentage from 20 at the start of 2026 to 40 by 2028: the straight line gains 10
    points a year. `fields` adds to or replaces the indicator's fields."""
    return services.create_indicator(
        session,
        actor=actor,
        partnership=partnership,
        fields={
            "name": {"es": name},
            "kind": "percentage",
            "baseline_value": "20",
            "baseline_on": date(2026, 1, 1),
            "target_value": "40",
            "target_on": date(2028, 1, 1),
            "partner_id": partner.id if partner else None,
            **fields,
        },
    )
