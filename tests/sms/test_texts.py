"""Every built-in SMS text fits one segment in every shipped language, and every language
adds its own keywords."""

import pytest

from hsbp.i18n import UI_LOCALE_CODES
from hsbp.sms import texts
from hsbp.sms.encoding import measure, normalise

# Values as long as real ones: a join code of 8 characters, a two-item menu, and the
# shortest a partnership's name becomes (texts.NAME_LIMITS), with a letter outside GSM-7.
SAMPLES = {"code": "CAGUAN26", "menu": "1 Español, 2 English", "name": "Mesa Caguán"}


@pytest.mark.parametrize("locale", UI_LOCALE_CODES)
@pytest.mark.parametrize("key", sorted(texts.TEXTS))
def test_every_builtin_text_fits_one_segment(locale, key):
    source = texts.TEXTS[key]
    values = {name: value for name, value in SAMPLES.items() if f"%({name})" in source}
    written = normalise(texts.text(locale, key, **values))
    size = measure(written)
    assert size.segments == 1, (locale, key, size, written)
    if locale != "en":
        assert written != normalise(source % values if values else source), (locale, key)


def test_each_language_adds_its_own_keywords():
    table = texts.keyword_table()
    expected = {
        "STOP": "stop",
        "OPTOUT": "stop",
        "PARAR": "stop",
        "ARRET": "stop",
        "ODJAVA": "stop",
        "توقف": "stop",
        "ACHA": "stop",
        "AYUDA": "help",
        "POMOC": "help",
        "MSAADA": "help",
        "UNIRSE": "join",
        "PRIDRUZI": "join",
        "JIUNGE": "join",
        "IDIOMA": "lang",
        "START": "start",
        "UNSTOP": "start",
        "NDIYO": "start",
        # Refusing an invitation: the shipped languages' words always count.
        "NO": "no",
        "NON": "no",
        "NE": "no",
        "HAPANA": "no",
        "لا": "no",
    }
    assert {word: table.get(word) for word in expected} == expected


@pytest.mark.parametrize(
    ("raw", "folded"),
    [
        (" stop! ", "STOP"),
        ("Ayúda?", "AYUDA"),
        ("pomoć.", "POMOC"),
        ("¡Parar!", "PARAR"),
        ("arrêt", "ARRET"),
        ("توقف.", "توقف"),
    ],
)
def test_fold_ignores_case_accents_spaces_and_punctuation(raw, folded):
    assert texts.fold(raw) == folded


LONG_NAME = "Alianza para la Seguridad Humana del Caguán y sus veredas, Caquetá, Colombia"


@pytest.mark.parametrize("locale", UI_LOCALE_CODES)
@pytest.mark.parametrize("key", ["invitation", "confirmed", "declined", "chosen"])
def test_a_long_partnership_name_is_shortened_to_keep_one_segment(locale, key):
    written = normalise(texts.with_name(locale, key, LONG_NAME))
    assert measure(written).segments == 1, (locale, key, written)
    assert "Alianza para" in written


def test_a_short_name_is_kept_whole_and_a_long_one_cut_at_a_word():
    assert texts.with_name("en", "invitation", "Zenica") == (
        "Get messages from Zenica? Reply YES or NO. STOP ends all."
    )
    assert texts.with_name("en", "invitation", LONG_NAME) == (
        "Get messages from Alianza para la Seguridad? Reply YES or NO. STOP ends all."
    )
    assert texts.short_name("Alianza para la Seguridad Humana", 14) == "Alianza para"
    assert texts.short_name("Zenicaprojekt2026", 10) == "Zenicaproj"


@pytest.mark.parametrize("locale", UI_LOCALE_CODES)
def test_the_partnership_choice_fits_one_segment_for_three_names(locale):
    names = ["Caguán", "Zenica Partnership for Human Security", "Mesa del Río Pato"]
    parts = [normalise(part) for part in texts.which_partnership(locale, names)]
    assert len(parts) == 1, parts
    assert measure(parts[0]).segments == 1, parts
    assert "1 Caguán, 2 Zenica" in parts[0]
    assert ", 3 Mesa" in parts[0]


def test_a_long_partnership_list_goes_on_in_numbered_parts_of_one_segment():
    names = [f"Alianza número {n} del Caguán" for n in range(1, 9)]
    parts = texts.which_partnership("en", names)
    assert parts == [
        "Which partnership is this for? Reply 1 Alianza número 1",
        "2 Alianza número 2, 3 Alianza número 3, 4 Alianza número 4",
        "5 Alianza número 5, 6 Alianza número 6, 7 Alianza número 7",
        "8 Alianza número 8",
    ]
    assert all(measure(normalise(part)).segments == 1 for part in parts)


def test_names_are_never_shortened_until_two_read_alike():
    north, south = "Alianza por la Seguridad Humana, Norte", "Alianza por la Seguridad Humana, Sur"
    assert texts.which_partnership("en", [north, south]) == [
        f"Which partnership is this for? Reply 1 {north}, 2 {south}"
    ]
