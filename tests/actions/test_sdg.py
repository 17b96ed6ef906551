"""The SDG data: 17 goals, 169 targets with official numbering, texts in six languages."""

import random
import re

import pytest

from hsbp.actions import sdg

LANGUAGES = ("en", "es", "fr", "ar", "bs", "sw")
OFFICIAL_COUNTS = {
    1: 7, 2: 8, 3: 13, 4: 10, 5: 9, 6: 8, 7: 5, 8: 12, 9: 8,
    10: 10, 11: 10, 12: 11, 13: 5, 14: 10, 15: 12, 16: 12, 17: 19,
}  # fmt: skip
CODE = re.compile(r"^(?P<goal>[1-9]|1[0-7])\.(?P<target>[1-9][0-9]?|[a-z])$")


def all_targets():
    return [target for goal in sdg.goals() for target in goal["targets"]]


def test_goals_are_the_seventeen_in_order():
    assert [goal["number"] for goal in sdg.goals()] == list(range(1, 18))


def test_targets_number_169_in_all():
    assert len(all_targets()) == 169
    assert len(sdg.target_codes()) == 169


def test_targets_per_goal_match_the_official_counts():
    assert {goal["number"]: len(goal["targets"]) for goal in sdg.goals()} == OFFICIAL_COUNTS


def test_codes_are_unique_and_well_formed():
    codes = [target["code"] for target in all_targets()]
    assert len(set(codes)) == len(codes)
    for goal in sdg.goals():
        for target in goal["targets"]:
            match = CODE.match(target["code"])
            assert match, target["code"]
            assert int(match["goal"]) == goal["number"]


def test_codes_per_goal_run_without_gaps():
    for goal in sdg.goals():
        codes = [target["code"] for target in goal["targets"]]
        numbered = [c for c in codes if c.split(".")[1].isdigit()]
        lettered = [c for c in codes if not c.split(".")[1].isdigit()]
        number = goal["number"]
        assert numbered == [f"{number}.{i}" for i in range(1, len(numbered) + 1)]
        assert lettered == [f"{number}.{letter}" for letter in "abcd"[: len(lettered)]]


def test_goal_17_has_nineteen_numbered_targets_and_no_letters():
    codes = [target["code"] for target in sdg.goals()[16]["targets"]]
    assert codes == [f"17.{i}" for i in range(1, 20)]


def test_goal_3_has_lettered_targets_up_to_d():
    codes = [target["code"] for target in sdg.goals()[2]["targets"]]
    assert codes[-4:] == ["3.a", "3.b", "3.c", "3.d"]


def test_every_target_and_goal_has_text_in_all_six_languages():
    for goal in sdg.goals():
        assert set(goal["title"]) == set(LANGUAGES)
        assert all(goal["title"][lang].strip() for lang in LANGUAGES), goal["number"]
        for target in goal["targets"]:
            assert set(target["text"]) == set(LANGUAGES), target["code"]
            for lang in LANGUAGES:
                text = target["text"][lang]
                assert text.strip() == text, (target["code"], lang)
                assert len(text) > 20, (target["code"], lang)


def test_texts_keep_the_years_of_the_english_target():
    # A cheap guard against a translation that dropped or changed a deadline.
    for target in all_targets():
        years = sorted(re.findall(r"20[12]\d", target["text"]["en"]))
        for lang in LANGUAGES:
            assert sorted(re.findall(r"20[12]\d", target["text"][lang])) == years, (
                target["code"],
                lang,
            )


def test_arabic_texts_are_in_arabic_script():
    for target in all_targets():
        assert re.search(r"[\u0600-\u06ff]", target["text"]["ar"]), target["code"]
        assert "\u0640" not in target["text"]["ar"], target["code"]


def test_known_english_texts():
    assert sdg.target_text("6.1", "en") == (
        "By 2030, achieve universal and equitable access to safe and affordable drinking "
        "water for all"
    )
    assert sdg.target_text("16.1", "en") == (
        "Significantly reduce all forms of violence and related death rates everywhere"
    )
    assert sdg.target_text("17.17", "en").startswith(
        "Encourage and promote effective public, public-private and civil society partnerships"
    )
    assert sdg.target_text("1.1", "en").startswith("By 2030, eradicate extreme poverty")


def test_known_texts_in_other_languages():
    assert sdg.target_text("6.1", "es").startswith(
        "De aquí a 2030, lograr el acceso universal y equitativo al agua potable"
    )
    assert sdg.target_text("16.1", "fr").startswith("Réduire nettement, partout dans le monde")
    assert sdg.target_text("5.1", "ar") == (
        "القضاء على جميع أشكال التمييز ضد جميع النساء والفتيات في كل مكان"
    )
    assert sdg.target_text("16.1", "bs").startswith("Značajno smanjiti sve oblike nasilja")
    assert sdg.target_text("6.1", "sw").startswith("Kufikia mwaka 2030")


def test_goal_titles_are_the_official_short_titles():
    assert sdg.goal_title(1, "en") == "No poverty"
    assert sdg.goal_title(1, "es") == "Fin de la pobreza"
    assert sdg.goal_title(2, "en") == "Zero hunger"
    assert sdg.goal_title(16, "en") == "Peace, justice and strong institutions"
    assert sdg.goal_title(17, "fr") == "Partenariats pour la réalisation des objectifs"


def test_is_target_accepts_official_codes_only():
    assert sdg.is_target("6.1")
    assert sdg.is_target("16.a")
    assert sdg.is_target("17.19")
    for code in ("", "6", "6.", "6.9", "16.c", "17.20", "18.1", "0.1", "6.01", " 6.1", "16.A"):
        assert not sdg.is_target(code), code
    assert not sdg.is_target(None)


def test_goal_of_returns_the_goal_number():
    assert sdg.goal_of("1.1") == 1
    assert sdg.goal_of("16.a") == 16
    assert sdg.goal_of("17.19") == 17


def test_goal_of_rejects_unknown_codes():
    with pytest.raises(ValueError, match=r"18\.1"):
        sdg.goal_of("18.1")


def test_sort_key_orders_codes_officially():
    expected = ["1.1", "1.2", "1.5", "1.a", "1.b", "2.1", "8.2", "8.10", "8.a", "10.1", "16.10"]
    shuffled = expected[:]
    random.Random(7).shuffle(shuffled)
    assert sorted(shuffled, key=sdg.sort_key) == expected


def test_sort_key_puts_numbered_before_lettered_and_2_before_10():
    assert sdg.sort_key("1.2") < sdg.sort_key("1.10") < sdg.sort_key("1.a") < sdg.sort_key("2.1")


def test_data_is_stored_in_official_order():
    codes = [target["code"] for target in all_targets()]
    assert codes == sorted(codes, key=sdg.sort_key)


def test_fallback_to_the_given_language_for_an_unknown_locale():
    assert sdg.target_text("6.1", "de") == sdg.target_text("6.1", "en")
    assert sdg.target_text("6.1", "de", fallback="fr") == sdg.target_text("6.1", "fr")
    assert sdg.goal_title(6, "pt", fallback="es") == "Agua limpia y saneamiento"


def test_regional_locale_uses_its_language():
    assert sdg.target_text("6.1", "fr_CA") == sdg.target_text("6.1", "fr")
    assert sdg.goal_title(1, "es-CO") == "Fin de la pobreza"


def test_unknown_target_or_goal_raises():
    with pytest.raises(KeyError):
        sdg.target_text("18.1", "en")
    with pytest.raises(KeyError):
        sdg.goal_title(18, "en")


def test_choices_list_every_target_in_official_order_with_its_code():
    choices = sdg.choices("en")
    assert len(choices) == 169
    assert [code for code, _ in choices] == sorted(sdg.target_codes(), key=sdg.sort_key)
    assert choices[0] == ("1.1", "1.1 " + sdg.target_text("1.1", "en"))
    assert dict(choices)["16.a"].startswith("16.a Strengthen relevant national institutions")


def test_choices_follow_the_locale():
    assert dict(sdg.choices("sw"))["6.1"] == "6.1 " + sdg.target_text("6.1", "sw")


def test_grouped_choices_have_one_group_per_goal():
    groups = sdg.grouped_choices("es")
    assert len(groups) == 17
    assert groups[0][0] == "1. Fin de la pobreza"
    assert [len(options) for _, options in groups] == list(OFFICIAL_COUNTS.values())
    assert [option for _, options in groups for option in options] == sdg.choices("es")
