"""The charter's indicator section: cleaning it, reading documents written before it, and
how the compare page and a proposal's notice name its changes."""

import pytest

from hsbp.errors import ServiceError
from hsbp.monitoring.models import DISAGGREGATIONS, Direction, Frequency, Kind
from hsbp.principles import indicator_labels
from hsbp.principles.changes import describe, diff
from hsbp.principles.content import empty_content, indicators_of, normalise
from tests.principles import GOAL_KEY, charter_content

LOCALES = ["es", "en"]
KEY = "c" * 32


@pytest.fixture
def request_context(app):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        yield


def item(**fields):
    values = {
        "key": KEY,
        "name": {"es": "Empleo local", "en": "Local jobs"},
        "definition": {"es": "Parte de empleos locales"},
        "goal_key": GOAL_KEY,
        "kind": "percentage",
        "unit": "%",
        "currency": "",
        "levels": [],
        "baseline": "20",
        "baseline_on": "2026-01-01",
        "target": "40",
        "target_on": "2028-01-01",
        "direction": "higher",
        "source": "Nómina",
        "partner_id": 7,
        "frequency": "quarterly",
        "disaggregation": ["sex"],
    }
    return {**values, **fields}


def rows(old, new, partner_names=None):
    found = describe(
        diff(old, new, locales=LOCALES),
        old=old,
        new=new,
        partner_names=partner_names or {},
        locale="en",
        fallback="es",
    )
    return [(r["label"], r["kind"], r["old"], r["new"], r["lang"]) for r in found]


def test_the_charter_vocabularies_are_monitoring_s():
    assert tuple(Kind) == indicator_labels.INDICATOR_KINDS
    assert tuple(Direction) == indicator_labels.INDICATOR_DIRECTIONS
    assert tuple(Frequency) == indicator_labels.INDICATOR_FREQUENCIES
    assert indicator_labels.INDICATOR_DISAGGREGATIONS == DISAGGREGATIONS


def test_a_document_without_the_section_reads_as_holding_no_set():
    old = {k: v for k, v in charter_content().items() if k != "indicators"}
    assert normalise(old, locales=LOCALES, partner_ids={7})["indicators"] is None
    assert empty_content()["indicators"] is None
    assert indicators_of(old) is None


def test_normalise_keeps_a_clean_set_as_it_is():
    raw = charter_content(indicators=[item()])
    assert normalise(raw, locales=LOCALES, partner_ids={7})["indicators"] == [item()]
    empty = charter_content(indicators=[])
    assert normalise(empty, locales=LOCALES, partner_ids={7})["indicators"] == []


def test_normalise_writes_numbers_plainly_and_drops_other_languages():
    raw = charter_content(
        indicators=[
            item(baseline="20.5000", target="4E+1", name={"es": " Empleo ", "fr": "Emploi"})
        ]
    )
    [clean] = normalise(raw, locales=LOCALES, partner_ids={7})["indicators"]
    assert (clean["baseline"], clean["target"], clean["name"]) == ("20.5", "40", {"es": "Empleo"})


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"name": {}}, "indicators-0-name-es"),
        ({"kind": "ratio"}, "indicators-0-kind"),
        ({"baseline": "mucho"}, "indicators-0-baseline"),
        ({"target": "1e20"}, "indicators-0-target"),
        ({"target_on": "31/12/2027"}, "indicators-0-target_on"),
        ({"target_on": None}, "indicators-0-target_on"),
        ({"partner_id": 99}, "indicators-0"),
        ({"direction": "up"}, "indicators-0"),
    ],
)
def test_normalise_refuses_a_bad_item_with_its_field(fields, field):
    with pytest.raises(ServiceError) as caught:
        normalise(charter_content(indicators=[item(**fields)]), locales=LOCALES, partner_ids={7})
    assert caught.value.field == field


def test_diff_names_taking_the_set_into_the_charter(request_context):
    assert rows(charter_content(), charter_content(indicators=[])) == [
        ("Indicator set", "added", None, "Part of the charter", None)
    ]


def test_diff_names_each_changed_field_of_an_indicator(request_context):
    old = charter_content(indicators=[item()])
    new = charter_content(
        indicators=[
            item(
                target="45",
                target_on="2028-06-30",
                partner_id=8,
                name={"es": "Empleo local", "en": "Local work"},
                disaggregation=["sex", "locality"],
                frequency="yearly",
            )
        ]
    )
    assert rows(old, new, {7: "Alcaldía", 8: "Minera"}) == [
        ("Indicator: Local work — Name — English", "changed", "Local jobs", "Local work", "en"),
        ("Indicator: Local work — Target value", "changed", "40", "45", None),
        ("Indicator: Local work — Target date", "changed", "Jan 1, 2028", "Jun 30, 2028", None),
        (
            "Indicator: Local work — Partner responsible for reporting",
            "changed",
            "Alcaldía",
            "Minera",
            None,
        ),
        (
            "Indicator: Local work — Reporting frequency",
            "changed",
            "Every quarter",
            "Every year",
            None,
        ),
        (
            "Indicator: Local work — Break the values down by",
            "changed",
            "Sex",
            "Sex, Locality",
            None,
        ),
    ]


def test_diff_of_a_removed_indicator_and_a_scale_s_levels(request_context):
    scale = item(
        key="d" * 32,
        name={"es": "Confianza"},
        kind="scale",
        unit="",
        levels=[{"value": 1, "label": {"es": "Baja"}}, {"value": 2, "label": {"es": "Alta"}}],
        baseline="1",
        target="2",
        source="",
        definition={},
        partner_id=None,
        goal_key="",
        disaggregation=[],
    )
    old = charter_content(indicators=[scale, item()])
    new = charter_content(
        indicators=[
            {**scale, "levels": [scale["levels"][0], {"value": 2, "label": {"es": "Muy alta"}}]}
        ]
    )
    found = rows(old, new)
    assert found[0] == (
        "Indicator: Confianza — Levels of the scale — Level 2 — Spanish",
        "changed",
        "Alta",
        "Muy alta",
        "es",
    )
    assert ("Indicator: Local jobs — Kind", "removed", "Percentage", None, None) in found
    assert (
        "Indicator: Local jobs — Charter goal it measures",
        "removed",
        "Fewer land conflicts",
        None,
        None,
    ) in found
    assert all(row[1] == "removed" for row in found[1:])
