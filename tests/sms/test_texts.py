"""Every built-in SMS text fits one segment in every shipped language, and every language
adds its own keywords."""

import pytest

from hsbp.i18n import UI_LOCALE_CODES
from hsbp.sms import texts
from hsbp.sms.encoding import measure, normalise

# Values as long as real ones: a join code of 8 characters, a two-language menu.
SAMPLES = {"code": "CAGUAN26", "menu": "1 Español, 2 English"}


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
