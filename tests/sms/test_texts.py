"""Every built-in SMS text fits one segment in every shipped language, and every language
adds its own keywords."""

import pytest

from hsbp.i18n import UI_LOCALE_CODES
from hsbp.sms import fitting, texts
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
    assert fitting.short_name("Alianza para la Seguridad Humana", 14) == "Alianza para"
    assert fitting.short_name("Zenicaprojekt2026", 10) == "Zenicaproj"


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


@pytest.mark.parametrize("locale", UI_LOCALE_CODES)
@pytest.mark.parametrize("key", sorted(texts.HELP_HINTS))
def test_every_help_line_fits_one_segment(locale, key):
    written = normalise(texts.help_line(locale, texts.KEYWORDS[key], texts.HELP_HINTS[key]))
    assert measure(written).segments == 1, (locale, key, written)


def test_a_help_line_shows_the_word_of_the_language_it_is_written_in():
    entry = ("SMS keywords to ask for news of the partnership's work; comma-separated", "NEWS")
    assert texts.help_line("en", entry, texts.HELP_HINTS["news"]) == "NEWS: news of our work."
    spanish = texts.help_line("es", entry, texts.HELP_HINTS["news"])
    translated = texts.catalog("es").gettext(texts.HELP_HINTS["news"]) != texts.HELP_HINTS["news"]
    assert spanish.startswith("NOTICIAS" if translated else "NEWS: ")


def test_a_short_list_goes_in_one_message_without_numbers():
    assert fitting.numbered_parts(["One.", "Two."]) == ["One. Two."]
    assert fitting.numbered_parts(["One", "", "Two"], sep="\n") == ["One\nTwo"]


def test_a_long_list_goes_in_numbered_parts_of_one_segment_each():
    pieces = [f"Line {n}: " + "x" * 60 for n in range(1, 6)]
    parts = fitting.numbered_parts(pieces, sep="\n")
    assert parts == [
        f"1/3 {pieces[0]}\n{pieces[1]}",
        f"2/3 {pieces[2]}\n{pieces[3]}",
        f"3/3 {pieces[4]}",
    ]
    assert all(measure(part).segments == 1 for part in parts)


def test_a_piece_too_long_for_a_part_goes_on_in_the_next_between_sentences():
    arabic = "انضم ورمز: انضمام/تبديل. نعم: قبول دعوة. لغة: اللغة. توقف: إيقاف الكل."
    parts = fitting.numbered_parts(["STATUS and your code: its stage.", arabic])
    assert parts == [
        "1/3 STATUS and your code: its stage.",
        "2/3 انضم ورمز: انضمام/تبديل. نعم: قبول دعوة. لغة: اللغة.",
        "3/3 توقف: إيقاف الكل.",
    ]


def test_parts_past_the_most_allowed_are_left_out_and_the_last_ends_with_dots():
    pieces = [f"{n}. Goal number {n} of a long charter, by Dec 2027." + " y" * 40 for n in range(9)]
    parts = fitting.numbered_parts(pieces, sep="\n", max_parts=3)
    assert [part[:4] for part in parts] == ["1/3 ", "2/3 ", "3/3 "]
    assert parts[-1].endswith(" y...") and not parts[-1].endswith("....")
    assert all(measure(part).segments == 1 for part in parts)


def test_content_is_clipped_at_a_word_with_dots():
    assert fitting.clip("Acueducto veredal La Esperanza", 40) == "Acueducto veredal La Esperanza"
    assert fitting.clip("Acueducto veredal La Esperanza", 24) == "Acueducto veredal La..."
    assert fitting.cut_to_fit("a" * 200) == "a" * 157 + "..."
    assert fitting.cut_to_fit("é" * 10 + "ú" * 100, room=4) == "é" * 10 + "ú" * 53 + "..."
