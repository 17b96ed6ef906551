"""Indicators and values: bad input refused with its field and nothing written; a second value
for a period only as a correction, which keeps the first on record."""

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from hsbp.errors import ServiceError
from hsbp.monitoring import services
from hsbp.monitoring.models import Indicator, Measurement


def fields(**overrides):
    values = {
        "name": {"es": "Empleo local de mujeres y jóvenes"},
        "kind": "percentage",
        "unit": "%",
        "baseline_value": "18",
        "baseline_on": date(2026, 1, 1),
        "target_value": "40",
        "target_on": date(2028, 1, 1),
        "direction": "higher",
        "frequency": "quarterly",
    }
    return {**values, **overrides}


@pytest.fixture
def jobs(session, partnership, facilitator):
    return services.create_indicator(
        session, actor=facilitator, partnership=partnership, fields=fields()
    )


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"name": {"en": "Only English"}}, "name-es"),
        ({"kind": "ratio"}, "kind"),
        ({"baseline_value": "ten"}, "baseline_value"),
        ({"target_value": "140"}, "target_value"),
        ({"target_on": date(2025, 1, 1)}, "target_on"),
        ({"direction": "lower"}, "target_value"),  # 18 -> 40 cannot be "lower is better"
        ({"kind": "scale", "levels": [{"label": {"es": "Mal"}}]}, "levels"),
        (
            {
                "kind": "scale",
                "levels": [{"label": {"es": "Mal"}}, {"label": {"es": "Bien"}}],
                "baseline_value": "1",
                "target_value": "3",
            },
            "target_value",
        ),
    ],
)
def test_a_bad_indicator_is_refused_with_its_field(
    session, partnership, facilitator, overrides, field
):
    with pytest.raises(ServiceError) as caught:
        services.create_indicator(
            session, actor=facilitator, partnership=partnership, fields=fields(**overrides)
        )
    assert caught.value.field == field
    assert session.scalar(select(func.count()).select_from(Indicator)) == 0


def test_a_value_of_the_wrong_kind_is_refused(session, jobs, facilitator):
    for bad in ("mucho", "101", "-1"):
        with pytest.raises(ServiceError) as caught:
            services.record_value(
                session, actor=facilitator, indicator=jobs, period_on=date(2026, 4, 1), value=bad
            )
        assert caught.value.field == "value"
    assert session.scalar(select(func.count()).select_from(Measurement)) == 0


def test_a_second_value_for_a_period_is_a_correction_that_keeps_the_first(
    session, jobs, facilitator
):
    period = date(2026, 4, 1)
    services.record_value(
        session, actor=facilitator, indicator=jobs, period_on=period, value="21,5"
    )
    with pytest.raises(ServiceError) as caught:
        services.record_value(
            session, actor=facilitator, indicator=jobs, period_on=period, value="22"
        )
    assert caught.value.field == "period_on"
    services.record_value(
        session,
        actor=facilitator,
        indicator=jobs,
        period_on=period,
        value="22",
        correction=True,
        note="Faltaba una vereda",
    )
    services.record_value(
        session, actor=facilitator, indicator=jobs, period_on=date(2026, 7, 1), value="24"
    )
    assert services.values_in_force(session, indicator_id=jobs.id) == [
        (period, Decimal("22")),
        (date(2026, 7, 1), Decimal("24")),
    ]
    revisions = session.scalars(
        select(Measurement.value)
        .where(Measurement.period_on == period)
        .order_by(Measurement.revision)
    ).all()
    assert revisions == [Decimal("21.5"), Decimal("22")]
