"""Framework dataset integrity: every framework and reference present once, in official order,
with an English title, a named source, and either a title in each shipped UI language or an
English one marked as a fallback."""

from __future__ import annotations

import json
import re
from dataclasses import FrozenInstanceError

import pytest

from hsbp.actions import sdg
from hsbp.i18n import UI_LOCALE_CODES
from hsbp.risks import frameworks
from hsbp.risks.framework_models import FrameworkTag

ORDER = ("ungp", "oecd", "ilo_mne", "ungc", "ifc", "vpshr", "gri", "iso26000", "sa8000", "sdg")
ARABIC = re.compile("[\u0600-\u06ff]")


def all_references():
    return [ref for fw in frameworks.frameworks() for ref in fw.references]


def numbers(key):
    return [ref.number for ref in frameworks.references(key)]


def test_frameworks_each_present_once_in_order():
    assert tuple(fw.key for fw in frameworks.frameworks()) == ORDER
    assert frameworks.keys() == ORDER
    assert [frameworks.framework(key).key for key in ORDER] == list(ORDER)


def test_data_file_version_is_the_code_version():
    raw = json.loads(frameworks.DATA_FILE.read_text(encoding="utf-8"))
    assert raw["version"] == frameworks.DATA_VERSION == "2026-12"
    assert frameworks.data_version() == "2026-12"
    # The SDG targets are read from hsbp.actions.sdg, never copied into this file.
    assert "references" not in next(f for f in raw["frameworks"] if f["key"] == "sdg")


def test_reference_codes_unique_prefixed_and_fit_the_tag_column():
    codes = [ref.code for ref in all_references()]
    assert len(codes) == len(set(codes)) == 31 + 11 + 15 + 10 + 8 + 11 + 53 + 7 + 9 + 169
    for fw in frameworks.frameworks():
        for ref in fw.references:
            assert ref.code.startswith(f"{fw.key}:")
            assert ref.framework == fw.key
            assert frameworks.framework_of(ref.code) == fw.key
    assert max(map(len, codes)) <= FrameworkTag.__table__.c.reference.type.length


def test_ungp_has_the_31_principles_in_their_pillars():
    assert numbers("ungp") == [str(n) for n in range(1, 32)]
    assert [ref.code for ref in frameworks.references("ungp")][:2] == ["ungp:1", "ungp:2"]
    pillars = [frameworks.reference(f"ungp:{n}").group.split(".")[0] for n in range(1, 32)]
    assert pillars == ["I"] * 10 + ["II"] * 14 + ["III"] * 7
    assert frameworks.reference("ungp:13").group == "II.A"
    assert frameworks.reference("ungp:31").group == "III.B.4"
    assert frameworks.title("ungp:13", "en").text == (
        "Avoid causing or contributing; prevent or mitigate impacts directly linked"
    )


def test_fixed_lists_are_exactly_the_official_ones():
    assert numbers("ungc") == [str(n) for n in range(1, 11)]
    assert numbers("ifc") == [f"PS{n}" for n in range(1, 9)]
    assert [ref.code for ref in frameworks.references("ifc")] == [f"ifc:PS{n}" for n in range(1, 9)]
    assert numbers("oecd") == ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI"]
    assert numbers("iso26000") == ["6.2", "6.3", "6.4", "6.5", "6.6", "6.7", "6.8"]
    assert numbers("sa8000") == [str(n) for n in range(1, 10)]
    assert frameworks.title("ifc:PS4", "en").text == "Community Health, Safety, and Security"
    assert frameworks.title("oecd:IV", "en").text == "Human rights"
    assert frameworks.title("oecd:VII", "en").text == (
        "Combating bribery and other forms of corruption"
    )
    assert frameworks.title("iso26000:6.8", "en").text == "Community involvement and development"
    assert frameworks.title("sa8000:9", "en").text == "Management system"


def test_ilo_vpshr_and_gri_hold_the_sections_asked_for():
    ilo = {ref.code: ref.number for ref in frameworks.references("ilo_mne")}
    assert ilo["ilo_mne:general_policies"] == "8\u201312"
    assert ilo["ilo_mne:remedy"] == "64\u201366"
    assert len(ilo) == 15
    assert [ref.code for ref in frameworks.references("vpshr") if ref.group == "public"] == [
        "vpshr:public.arrangements",
        "vpshr:public.deployment",
        "vpshr:public.consultation",
        "vpshr:public.abuses",
    ]
    gri = set(numbers("gri"))
    assert {"413", "413-1", "413-2", "411-1", "410-1", "408-1", "409-1", "13", "14"} <= gri
    assert {f"403-{n}" for n in range(1, 11)} <= gri


def test_sdg_references_are_the_shipped_targets_by_goal():
    refs = frameworks.references("sdg")
    assert [ref.number for ref in refs] == [
        target["code"] for goal in sdg.goals() for target in goal["targets"]
    ]
    assert {ref.code for ref in refs} == {f"sdg:{code}" for code in sdg.target_codes()}
    assert len(refs) == 169
    assert frameworks.reference("sdg:16.a").group == "16"
    assert frameworks.title("sdg:6.1", "es").text == sdg.target_text("6.1", "es")
    assert frameworks.title(frameworks.group("sdg", "6"), "fr").text == sdg.goal_title(6, "fr")
    assert len(frameworks.groups("sdg")) == 17


def test_every_title_has_english_and_languages_in_their_script():
    items = [fw for fw in frameworks.frameworks()]
    items += all_references()
    items += [g for fw in frameworks.frameworks() for g in fw.groups]
    for item in items:
        assert item.title["en"].strip(), item
        assert not ARABIC.search(item.title["en"]), item
        for code, text in item.title.items():
            assert code in UI_LOCALE_CODES, (item, code)
            assert bool(ARABIC.search(text)) == (code == "ar"), (item, code)
    for fw in frameworks.frameworks():
        assert fw.short["en"].strip()


@pytest.mark.parametrize("locale", UI_LOCALE_CODES)
def test_title_in_each_ui_locale_or_english_marked_as_fallback(locale):
    items = [*frameworks.frameworks(), *all_references()]
    for item in items:
        picked = frameworks.title(item, locale)
        if item.title.get(locale):
            assert picked == frameworks.Text(item.title[locale], locale, False)
        else:
            assert picked == frameworks.Text(item.title["en"], "en", True)


def test_title_fallback_for_regional_and_missing_languages():
    assert frameworks.title("ifc:PS7", "fr_CA") == frameworks.Text(
        "Peuples autochtones", "fr", False
    )
    assert frameworks.title("ifc:PS7", "es-CO").text == "Pueblos indígenas"
    assert frameworks.title("ifc:PS7", "sw") == frameworks.Text("Indigenous Peoples", "en", True)
    assert frameworks.title("ifc:PS7", "en") == frameworks.Text("Indigenous Peoples", "en", False)
    assert frameworks.title("ungc", "ar").text == "الاتفاق العالمي للأمم المتحدة: المبادئ العشرة"
    assert str(frameworks.title("ungc:5", "fr")) == "Abolition effective du travail des enfants"
    assert frameworks.short("sdg", "es") == frameworks.Text("ODS", "es", False)
    assert frameworks.label("ungp:13", "en").text.startswith("13 Avoid causing")
    assert frameworks.label("vpshr:risk.violence", "fr").text == "Potentiel de violence"


def test_sources_named_for_every_framework():
    for fw in frameworks.frameworks():
        assert fw.source.publisher.strip(), fw.key
        assert fw.source.title.strip(), fw.key
        assert 2000 <= fw.source.year <= 2026, fw.key
        assert fw.source.url.startswith("https://"), fw.key
    assert frameworks.framework("oecd").source.year == 2023
    assert frameworks.framework("ilo_mne").source.year == 2017
    assert frameworks.framework("ifc").source.year == 2012


def test_grievance_references_are_the_remedy_ones():
    assert frameworks.grievance_references() == frozenset(
        {f"ungp:{n}" for n in (22, *range(25, 32))}
        | {
            "oecd:IV",
            "ilo_mne:remedy",
            "ifc:PS1",
            "vpshr:public.abuses",
            "gri:2-25",
            "gri:2-26",
            "iso26000:6.3",
        }
    )


@pytest.mark.parametrize("code", ["ungp:32", "UNGP:1", "ungp: 1", "", None, 13, "ungp", "sdg:1"])
def test_unknown_codes_are_refused_safely(code):
    assert frameworks.is_reference(code) is False
    with pytest.raises(KeyError):
        frameworks.reference(code)
    with pytest.raises(KeyError):
        frameworks.framework_of(code)


def test_unknown_framework_key_raises_key_error():
    for key in ("UNGP", "", None, "ungp:1"):
        with pytest.raises(KeyError):
            frameworks.framework(key)
        with pytest.raises(KeyError):
            frameworks.references(key)


def test_sort_key_follows_official_order_and_places_unknown_codes_last():
    codes = ["sdg:1.10", "ungp:10", "zzz:1", "ifc:PS2", "sdg:1.2", "ungp:9", "ungp:99", "oecd:X"]
    assert sorted(codes, key=frameworks.sort_key) == [
        "ungp:9",
        "ungp:10",
        "ungp:99",
        "oecd:X",
        "ifc:PS2",
        "sdg:1.2",
        "sdg:1.10",
        "zzz:1",
    ]
    every = [ref.code for ref in all_references()]
    assert sorted(reversed(every), key=frameworks.sort_key) == every
    assert frameworks.sort_key(None) == (len(ORDER), 1 << 30, "")


def test_search_matches_code_number_and_title_in_locale_and_english():
    def found(query, locale="en", **kw):
        return [ref.code for ref in frameworks.search(query, locale, **kw)]

    assert found("") == found("   ") == found(None) == []
    assert found("IFC PS4") == ["ifc:PS4"]
    assert found("ungp 13") == ["ungp:13"]
    indigenous = ["ifc:PS7", "gri:411", "gri:411-1", "sdg:2.3", "sdg:4.5"]
    assert found("indigenous") == indigenous
    # Spanish title, without its accent, and the English one while reading Spanish
    assert found("pueblos indigenas", "es") == indigenous
    assert found("Indigenous Peoples", "es") == indigenous
    assert found("indigenous", key="ifc") == ["ifc:PS7"]
    assert found("GRI 413-1") == ["gri:413-1"]
    assert found("grievance") == ["ungp:27", "ungp:28", "ungp:29", "ungp:30", "ilo_mne:remedy"]
    assert found("grievance", key="ungp") == ["ungp:27", "ungp:28", "ungp:29", "ungp:30"]
    assert found("sdg:16.a") == ["sdg:16.a"]
    # ILO paragraph ranges are numbered with an en dash; a typed hyphen finds them
    assert found("64-66") == ["ilo_mne:remedy"]


def test_structures_are_read_only_and_shared():
    ref = frameworks.reference("ungp:1")
    with pytest.raises(FrozenInstanceError):
        ref.number = "2"
    with pytest.raises(TypeError):
        ref.title["en"] = "changed"
    frameworks.frameworks().clear()
    frameworks.references("ungp").clear()
    assert len(frameworks.references("ungp")) == 31
    assert frameworks.reference("ungp:1") is ref
    assert hash(ref) == hash(frameworks.reference("ungp:1"))
