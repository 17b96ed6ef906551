"""The charter document: cleaning form input, and comparing two versions field by field."""

import pytest

from hsbp.errors import ServiceError
from hsbp.principles.changes import describe, diff
from hsbp.principles.content import empty_content, normalise
from hsbp.principles.views import budget_totals, pick
from tests.principles import LINE_KEY, charter_content

LOCALES = ["es", "en"]


@pytest.fixture
def request_context(app):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        yield


def line(**fields):
    values = {
        "key": LINE_KEY,
        "description": {"es": "Vivero", "en": "Nursery"},
        "partner_id": 7,
        "kind": "cash",
        "amount": "1500000",
        "currency": "COP",
    }
    return {**values, **fields}


def test_normalise_strips_texts_and_keeps_only_the_partnership_languages():
    raw = charter_content()
    raw["principles"]["trust"] = {"es": "  Confianza \r\nmutua ", "en": "", "fr": "Confiance"}
    clean = normalise(raw, locales=LOCALES, partner_ids={7})
    assert clean["principles"]["trust"] == {"es": "Confianza \nmutua"}


def test_normalise_ignores_blank_and_removed_rows_and_keeps_keys():
    raw = empty_content()
    raw["budget"] = [
        line(),
        {"key": "", "description": {"es": "", "en": ""}, "partner_id": 0, "kind": "cash"},
        line(key="c" * 32, remove=True),
        line(key="not a key", amount=" 2 500 000.50 ", currency="cop", kind="in_kind"),
    ]
    clean = normalise(raw, locales=LOCALES, partner_ids={7})
    assert clean["budget"][0]["key"] == LINE_KEY
    second = clean["budget"][1]
    assert len(second["key"]) == 32 and second["key"] != "not a key"
    assert (second["amount"], second["currency"], second["kind"]) == ("2500000.5", "COP", "in_kind")
    assert len(clean["budget"]) == 2


def test_normalise_gives_new_goals_a_key_and_an_iso_date():
    raw = empty_content()
    raw["goals"] = [
        {"key": "", "title": {"es": "Vía segura"}, "due": "2027-06-30"},
        {"key": "", "title": {}, "baseline": {}, "target": {}, "due": None},
    ]
    clean = normalise(raw, locales=LOCALES, partner_ids=set())
    assert len(clean["goals"]) == 1
    goal = clean["goals"][0]
    assert (goal["title"], goal["baseline"], goal["target"], goal["due"]) == (
        {"es": "Vía segura"},
        {},
        {},
        "2027-06-30",
    )
    assert len(goal["key"]) == 32


@pytest.mark.parametrize(
    ("row", "field", "message"),
    [
        (line(currency="PESOS"), "budget-0-currency", "three-letter ISO 4217"),
        (line(currency="ZZZ"), "budget-0-currency", "three-letter ISO 4217"),
        (line(amount="mucho"), "budget-0-amount", "Write the amount as a number"),
        (line(amount="-5"), "budget-0-amount", "Write the amount as a number"),
        (line(amount="1.234"), "budget-0-amount", "at most two decimals"),
        (line(partner_id=99), "budget-0-partner_id", "Choose the partner who contributes."),
        (line(kind="loan"), "budget-0-kind", "Choose cash or in kind."),
        (line(description={}), "budget-0-description-es", "Describe this contribution."),
    ],
)
def test_normalise_refuses_a_bad_budget_line(request_context, row, field, message):
    raw = empty_content()
    raw["budget"] = [row]
    with pytest.raises(ServiceError) as refused:
        normalise(raw, locales=LOCALES, partner_ids={7})
    assert refused.value.field == field
    assert message in str(refused.value.message)


@pytest.mark.parametrize(
    ("rule", "field"),
    [
        ({"rule": "lottery", "majority_percent": 60, "quorum_percent": 50}, "rule"),
        ({"rule": "majority", "majority_percent": 50, "quorum_percent": 50}, "majority_percent"),
        ({"rule": "majority", "majority_percent": 101, "quorum_percent": 50}, "majority_percent"),
        ({"rule": "majority", "majority_percent": 60, "quorum_percent": 0}, "quorum_percent"),
        ({"rule": "majority", "majority_percent": "x", "quorum_percent": 5}, "majority_percent"),
    ],
)
def test_normalise_refuses_a_bad_decision_rule(request_context, rule, field):
    with pytest.raises(ServiceError) as refused:
        normalise(charter_content(decision_rule=rule), locales=LOCALES, partner_ids=set())
    assert refused.value.field == field


def test_goal_without_title_is_refused_on_its_field(request_context):
    raw = empty_content()
    raw["goals"] = [{"key": "", "title": {}, "target": {"es": "40 %"}}]
    with pytest.raises(ServiceError) as refused:
        normalise(raw, locales=LOCALES, partner_ids=set())
    assert refused.value.field == "goals-0-title-es"


def _rows(old, new, partner_names=None):
    changes = diff(old, new, locales=LOCALES)
    return [
        (row["label"], row["kind"], row["old"], row["new"], row["lang"])
        for row in describe(
            changes,
            old=old,
            new=new,
            partner_names=partner_names or {},
            locale="en",
            fallback="es",
        )
    ]


def test_diff_of_a_principle_changed_in_one_language(request_context):
    old = charter_content()
    new = charter_content()
    new["principles"]["trust"] = {"es": "Compromiso trust", "en": "We publish every decision."}
    assert _rows(old, new) == [
        ("Trust — English", "changed", "Commitment trust", "We publish every decision.", "en")
    ]


def test_diff_matches_goals_by_key_not_position(request_context):
    old = charter_content()
    new = charter_content()
    road = {
        "key": "d" * 32,
        "title": {"en": "Safe road"},
        "baseline": {},
        "target": {},
        "due": None,
    }
    # The new goal comes first; the old one moves to second place with a new target.
    new["goals"] = [road, {**old["goals"][0], "target": {"es": "2 casos", "en": "4 cases"}}]
    assert _rows(old, new) == [
        ("Goal: Safe road — Title — English", "added", None, "Safe road", "en"),
        ("Goal: Fewer land conflicts — Target — Spanish", "changed", "4 casos", "2 casos", "es"),
    ]


def test_diff_of_a_removed_goal_lists_each_of_its_fields(request_context):
    old = charter_content()
    new = charter_content(goals=[])
    assert _rows(old, new) == [
        (
            "Goal: Fewer land conflicts — Title — Spanish",
            "removed",
            "Menos conflictos de tierras",
            None,
            "es",
        ),
        (
            "Goal: Fewer land conflicts — Title — English",
            "removed",
            "Fewer land conflicts",
            None,
            "en",
        ),
        ("Goal: Fewer land conflicts — Baseline — Spanish", "removed", "12 casos", None, "es"),
        ("Goal: Fewer land conflicts — Target — Spanish", "removed", "4 casos", None, "es"),
        ("Goal: Fewer land conflicts — Target — English", "removed", "4 cases", None, "en"),
        ("Goal: Fewer land conflicts — Due date", "removed", "Dec 31, 2027", None, None),
    ]


def test_diff_of_a_budget_amount_and_partner(request_context):
    other = {**line(key="e" * 32), "amount": "10"}
    old = charter_content(budget=[other, line()])
    new = charter_content(budget=[other, line(amount="2000000", partner_id=8)])
    assert _rows(old, new, {7: "Alcaldía", 8: "Gobernación"}) == [
        ("Budget line 2 — Partner", "changed", "Alcaldía", "Gobernación", None),
        ("Budget line 2 — Amount", "changed", "1,500,000", "2,000,000", None),
    ]


def test_diff_of_the_decision_rule(request_context):
    old = charter_content()
    new = charter_content(
        decision_rule={"rule": "majority", "majority_percent": 67, "quorum_percent": 60}
    )
    assert _rows(old, new) == [
        ("Decision rule", "changed", "Consensus", "Majority", None),
        ("Majority needed (percentage of the partners)", "added", None, "67%", None),
        ("Quorum (percentage of the partners who answer)", "added", None, "60%", None),
    ]


def test_same_content_has_no_difference():
    assert diff(charter_content(), charter_content()) == []


def test_pick_falls_back_to_the_default_language_and_says_which():
    assert pick({"es": "Hola", "en": "Hello"}, locale="en", fallback="es") == ("Hello", "en")
    assert pick({"es": "Hola"}, locale="en", fallback="es") == ("Hola", "es")
    assert pick({"sw": "Habari"}, locale="en", fallback="es") == ("Habari", "sw")
    assert pick({}, locale="en", fallback="es") == ("", None)


def test_budget_totals_per_currency_and_kind():
    lines = [
        line(amount="100"),
        line(amount="50.5", kind="in_kind"),
        line(amount="7", currency="USD"),
    ]
    assert [(c, str(cash), str(kind)) for c, cash, kind in budget_totals(lines)] == [
        ("COP", "100", "50.5"),
        ("USD", "7", "0"),
    ]
