"""The context document: cleaning what the editor sends, and comparing two versions item by
item."""

import pytest

from hsbp.errors import ServiceError
from hsbp.risks.context_content import compare, empty_content, normalise

LOCALES = ["es", "en"]
KEY = "a" * 32


def clean(raw, known=frozenset({7})):
    return normalise(raw, locales=LOCALES, known_participants=set(known))


def refusal(raw, known=frozenset({7})) -> tuple[str, str]:
    with pytest.raises(ServiceError) as error:
        clean(raw, known)
    return str(error.value.message), error.value.field


def test_a_document_keeps_texts_in_the_partnerships_languages_only(app):
    out = clean(
        {
            "threats": [
                {
                    "key": KEY,
                    "dimension": "food",
                    "locality": "  Vereda   La Unión ",
                    "text": {"es": " Sequía \r\n larga ", "fr": "Sécheresse", "en": ""},
                }
            ],
            "dividers": [{"text": {"en": "Land titles"}}],
            "connectors": [{"text": {"es": "El mercado"}, "locality": ""}],
            "actors": [
                {"participant_id": 7, "name": "", "role": {"es": "Lidera la junta"}},
                {"participant_id": None, "name": "Frente 62", "role": {}},
            ],
            "trends": [{"locality": "Remolinos", "text": {"es": "Más coca"}}],
        }
    )
    assert out["threats"] == [
        {
            "key": KEY,
            "dimension": "food",
            "locality": "Vereda La Unión",
            "text": {"es": "Sequía \n larga"},
        }
    ]
    assert [item["text"] for item in out["dividers"]] == [{"en": "Land titles"}]
    assert out["connectors"][0]["locality"] == ""
    assert [(a["participant_id"], a["name"], a["role"]) for a in out["actors"]] == [
        (7, "", {"es": "Lidera la junta"}),
        (None, "Frente 62", {}),
    ]
    assert out["trends"][0]["locality"] == "Remolinos"
    keys = [item["key"] for section in out.values() for item in section]
    assert len(set(keys)) == 6 and all(len(k) == 32 for k in keys)


def test_blank_and_removed_rows_are_dropped(app):
    out = clean(
        {
            "threats": [
                {"dimension": "", "locality": "", "text": {"es": ""}},
                {"dimension": "food", "text": {"es": "Hambre"}, "remove": True},
            ],
            "actors": [{"participant": "", "name": "", "role": {}}],
        }
    )
    assert out == empty_content()


def test_a_repeated_or_malformed_key_gets_a_new_one(app):
    out = clean(
        {
            "dividers": [
                {"key": KEY, "text": {"es": "Uno"}},
                {"key": KEY, "text": {"es": "Dos"}},
                {"key": "not-a-key", "text": {"es": "Tres"}},
            ]
        }
    )
    keys = [item["key"] for item in out["dividers"]]
    assert keys[0] == KEY
    assert len(set(keys)) == 3


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (
            {"threats": [{"dimension": "spiritual", "text": {"es": "x"}}]},
            ("Choose the human-security dimension this threat touches.", "threats-0-dimension"),
        ),
        (
            {"threats": [{"dimension": "food", "locality": "Remolinos"}]},
            ("Describe this threat.", "threats-0-text-es"),
        ),
        (
            {"dividers": [{"text": {"es": "a"}}, {"locality": "El Triunfo"}]},
            ("Describe what divides people here.", "dividers-1-text-es"),
        ),
        (
            {"connectors": [{"locality": "El Triunfo"}]},
            ("Describe what connects people here.", "connectors-0-text-es"),
        ),
        (
            {"trends": [{"text": {"es": "Más coca"}}]},
            ("Name the place where this trend is seen.", "trends-0-locality"),
        ),
        (
            {"actors": [{"role": {"es": "Manda"}}]},
            ("Choose a mapped participant or write the actor's name.", "actors-0-participant"),
        ),
        (
            {"actors": [{"participant_id": 7, "name": "Ana"}]},
            ("Choose a mapped participant or write a name, not both.", "actors-0-name"),
        ),
        (
            {"actors": [{"participant_id": 8, "name": ""}]},
            ("Choose a participant of this partnership.", "actors-0-participant"),
        ),
        (
            {"actors": [{"participant_id": "x", "name": ""}]},
            ("Choose a participant of this partnership.", "actors-0-participant"),
        ),
        (
            {"threats": [{"dimension": "food", "text": {"en": "x" * 5001}}]},
            ("Keep this text under 5000 characters.", "threats-0-text-en"),
        ),
        (
            {"trends": [{"locality": "x" * 201, "text": {"es": "y"}}]},
            ("Keep this under 200 characters.", "trends-0-locality"),
        ),
        (
            {"dividers": [{"text": {"es": "x"}}] * 101},
            ("At most 100 items in each part.", "dividers"),
        ),
        ({"trends": "nope"}, ("At most 100 items in each part.", "trends")),
    ],
)
def test_refusals_name_the_field(app, raw, expected):
    assert refusal(raw) == expected


def test_compare_matches_items_by_key_whatever_their_order(app):
    old = clean(
        {
            "threats": [
                {"key": "1" * 32, "dimension": "food", "text": {"es": "Sequía"}},
                {"key": "2" * 32, "dimension": "health", "text": {"es": "Malaria"}},
                {"key": "3" * 32, "dimension": "personal", "text": {"es": "Minas"}},
            ]
        }
    )
    new = clean(
        {
            "threats": [
                {"key": "3" * 32, "dimension": "personal", "text": {"es": "Minas"}},
                {"key": "1" * 32, "dimension": "food", "text": {"es": "Sequía", "en": "Drought"}},
                {"key": "4" * 32, "dimension": "economic", "text": {"es": "Desempleo"}},
            ],
            "trends": [{"key": "5" * 32, "locality": "Remolinos", "text": {"es": "Retornos"}}],
        }
    )
    found = [(c.section, c.kind, (c.old or c.new)["key"][0]) for c in compare(old, new)]
    assert found == [
        ("threats", "changed", "1"),
        ("threats", "added", "4"),
        ("threats", "removed", "2"),
        ("trends", "added", "5"),
    ]
    assert compare(new, new) == []
    assert [c.kind for c in compare(None, new)] == ["added"] * 4
