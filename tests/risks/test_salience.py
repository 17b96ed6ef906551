"""Salience: severity (scale + scope + irremediability) first, then likelihood (UNGP 24), as
one stored number the register sorts by; its bands; and the register's order over real rows:
a severe unlikely risk above a mild likely one, ties by likelihood then by number."""

from __future__ import annotations

import pytest

from hsbp.risks import queries, salience
from tests.risks.test_register_services import membership_of, record


def test_salience_puts_severity_in_the_tens_and_likelihood_in_the_units():
    assert salience.severity(3, 2, 4) == 9
    assert (
        salience.salience(scale=3, scope=2, irremediability=4, likelihood=2, kind="potential") == 92
    )
    assert (
        salience.salience(scale=1, scope=1, irremediability=1, likelihood=1, kind="potential") == 31
    )
    assert (
        salience.salience(scale=4, scope=4, irremediability=4, likelihood=4, kind="potential")
        == 124
    )


def test_an_actual_impact_has_likelihood_four_whatever_was_entered():
    assert salience.salience(scale=2, scope=2, irremediability=2, likelihood=1, kind="actual") == 64
    assert salience.likelihood_of("actual", 1) == 4
    assert salience.likelihood_of("potential", 1) == 1


def test_a_severe_unlikely_harm_outranks_a_mild_certain_one():
    severe_unlikely = salience.salience(
        scale=4, scope=3, irremediability=4, likelihood=1, kind="potential"
    )
    mild_certain = salience.salience(
        scale=2, scope=2, irremediability=2, likelihood=4, kind="actual"
    )
    assert severe_unlikely > mild_certain


@pytest.mark.parametrize(
    ("severity", "band"),
    [
        (3, "low"),
        (5, "low"),
        (6, "medium"),
        (8, "medium"),
        (9, "high"),
        (10, "high"),
        (11, "very_high"),
        (12, "very_high"),
    ],
)
def test_severity_bands(severity, band):
    assert salience.severity_band(severity) == band


@pytest.mark.parametrize(
    ("kind", "likelihood", "band"),
    [
        ("potential", 1, "unlikely"),
        ("potential", 2, "possible"),
        ("potential", 3, "likely"),
        ("potential", 4, "almost_certain"),
        ("actual", 1, "happened"),
    ],
)
def test_likelihood_bands(kind, likelihood, band):
    assert salience.likelihood_band(kind, likelihood) == band


def test_every_band_and_level_has_a_label():
    assert set(salience.SEVERITY_LABELS) == set(salience.SEVERITY_BANDS)
    assert set(salience.LIKELIHOOD_LABELS) == set(salience.LIKELIHOOD_BANDS)
    for factor in salience.FACTORS:
        assert set(salience.LEVEL_LABELS[factor]) == {1, 2, 3, 4}
        assert str(salience.FACTOR_LABELS[factor])


def titles(page) -> list[str]:
    return [row.risk.title["en"] for row in page.rows]


def test_the_register_orders_by_severity_then_likelihood_then_number(
    session, partnership, facilitator
):
    def add(title, scale, scope, irremediability, likelihood, kind="potential"):
        record(
            session,
            facilitator,
            partnership,
            title={"en": title},
            scale=str(scale),
            scope=str(scope),
            irremediability=str(irremediability),
            likelihood=str(likelihood),
            kind=kind,
        )

    add("Mild but likely", 1, 2, 1, 4)
    add("Severe but unlikely", 4, 4, 3, 1)
    add("Medium, possible", 2, 2, 2, 2)
    add("Medium, likely", 3, 2, 1, 3)
    add("Medium, possible, later", 2, 3, 1, 2)
    add("Mild, has happened", 1, 1, 2, 1, kind="actual")
    page = queries.register_page(
        session,
        membership=membership_of(session, facilitator, partnership),
        filters=queries.Filters(),
    )
    assert titles(page) == [
        "Severe but unlikely",
        "Medium, likely",
        "Medium, possible",
        "Medium, possible, later",
        "Mild but likely",
        "Mild, has happened",
    ]
    assert [row.risk.salience for row in page.rows] == [111, 63, 62, 62, 44, 44]
    first = page.rows[0]
    assert (first.severity, first.likelihood) == ("very_high", "unlikely")


def test_salience_follows_a_change_of_the_factors(session, partnership, facilitator):
    from hsbp.risks import services
    from tests.risks.test_register_services import risk_fields

    risk = record(session, facilitator, partnership)
    assert risk.salience == 82
    services.update_risk(
        session,
        actor=facilitator,
        membership=membership_of(session, facilitator, partnership),
        partnership=partnership,
        risk=risk,
        fields=risk_fields(scale="1", scope="1", irremediability="1", kind="actual"),
    )
    assert (risk.salience, risk.likelihood) == (34, 4)
