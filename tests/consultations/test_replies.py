"""Replies typed on a phone, in every shipped language: option labels (whole, without
accents, a unique word or beginning of one), number words and Arabic-Indic digits for the
options' numbers and for number questions; ambiguous replies are no answer."""

import pytest

from hsbp.consultations import answering, replies
from hsbp.consultations.models import Question, Response
from hsbp.sms import number_words
from tests.consultations.test_conversation import (
    answers_by_question,
    asked,
    invite,
    participation_of,
    say,
)
from tests.consultations.test_conversation import contact as contact  # the fixture
from tests.sms.conftest import sms as sms  # the fixture

LABELS = {  # river, well, pipe, rain: "water" is in two labels, so it names neither
    "en": ["River", "Well", "Piped water", "Rain water"],
    "es": ["Río", "Pozo", "Agua del acueducto", "Agua de lluvia"],
    "fr": ["Rivière", "Puits", "Eau du robinet", "Eau de pluie"],
    "bs": ["Rijeka", "Bunar", "Voda iz vodovoda", "Voda od kiše"],
    "ar": ["نهر", "بئر", "ماء الصنبور", "ماء المطر"],
    "sw": ["Mto", "Kisima", "Maji ya bomba", "Maji ya mvua"],
}
KEYS = ["river", "well", "pipe", "rain"]

# locale: (label without accents, beginning of a word, two, five, twenty-one, ambiguous)
WORDS = {
    "en": ("RIVER", "pip", "two", "Five", "twenty-one", "water"),
    "es": ("rio", "acue", "dos", "cinco", "veintiuno", "agua"),
    "fr": ("riviere", "robi", "deux", "cinq", "vingt et un", "eau"),
    "bs": ("RIJEKA", "vodovod", "dva", "pet", "dvadeset jedan", "voda"),
    "ar": ("نهر", "الصنب", "اثنان", "خمسة", "واحد وعشرون", "ماء"),
    "sw": ("mto", "bomb", "mbili", "tano", "ishirini na moja", "maji"),
}
LOCALES = list(WORDS)


def single() -> Question:
    choices = [
        {"key": key, "label": {code: LABELS[code][n] for code in LABELS}}
        for n, key in enumerate(KEYS)
    ]
    return Question(kind="single", choices=choices)


def number(high: float = 100) -> Question:
    return Question(kind="number", minimum=0, maximum=high)


@pytest.mark.parametrize("locale", LOCALES)
def test_an_option_is_taken_by_its_label_or_a_unique_part_of_it(locale):
    label, beginning, _two, _five, _twenty_one, ambiguous = WORDS[locale]
    question = single()
    assert replies.read_reply(question, label, locale, "es") == {"choices": ["river"]}
    assert replies.read_reply(question, beginning, locale, "es") == {"choices": ["pipe"]}
    assert replies.read_reply(question, ambiguous, locale, "es") is None


@pytest.mark.parametrize("locale", LOCALES)
def test_an_option_is_taken_by_its_number_in_words(locale):
    two = WORDS[locale][2]
    assert replies.read_reply(single(), two, locale, "es") == {"choices": ["well"]}
    assert replies.read_reply(single(), WORDS[locale][3], locale, "es") is None  # no option 5


@pytest.mark.parametrize("locale", LOCALES)
def test_a_number_question_takes_number_words(locale):
    _label, _beginning, _two, five, twenty_one, _ambiguous = WORDS[locale]
    assert replies.read_reply(number(), five, locale, "es") == {"number": 5.0}
    assert replies.read_reply(number(), twenty_one, locale, "es") == {"number": 21.0}
    assert replies.read_reply(number(high=20), twenty_one, locale, "es") is None


def test_arabic_indic_digits_are_numbers():
    five, one, two, comma = "\u0665", "\u0661", "\u0662", "\u066b"  # as Arabic phones type
    assert replies.read_reply(number(), five, "ar", "es") == {"number": 5.0}
    assert replies.read_reply(number(), one + two, "ar", "es") == {"number": 12.0}
    assert replies.read_reply(number(), two + comma + five, "ar", "es") == {"number": 2.5}
    assert replies.read_reply(single(), two, "ar", "es") == {"choices": ["well"]}


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        ("en", {0: "zero", 13: "thirteen", 40: "forty", 100: "one hundred"}),
        ("es", {0: "cero", 16: "dieciséis", 77: "setenta y siete", 100: "cien"}),
        (
            "fr",
            {17: "dix-sept", 71: "soixante et onze", 90: "quatre-vingt-dix", 99: "nonante-neuf"},
        ),
        ("bs", {4: "četiri", 14: "četrnaest", 60: "šezdeset", 100: "sto"}),
        ("ar", {3: "ثلاثة", 15: "خمسة عشر", 50: "خمسين", 100: "مائة"}),
        ("sw", {0: "sifuri", 11: "kumi na moja", 90: "tisini", 100: "mia"}),
    ],
)
def test_every_language_counts_from_zero_to_a_hundred_in_words(locale, expected):
    table = number_words.table(locale)
    assert set(table.values()) == set(range(101))
    assert {n: table[number_words.key(word)] for n, word in expected.items()} == {
        n: n for n in expected
    }


@pytest.mark.parametrize(
    ("reply", "number_"),
    [("Dieciséis", 16.0), ("quatre-vingt-dix-sept", 97.0), ("četrdeset", 40.0), ("خمسه", 5.0)],
)
def test_number_words_ignore_case_accents_hyphens_and_arabic_spellings(reply, number_):
    assert number_words.read_number(reply, ["es", "fr", "bs", "ar"]) == number_


def test_a_number_word_that_is_another_options_label_is_ambiguous():
    question = Question(
        kind="single",
        choices=[
            {"key": k, "label": {"es": label}}
            for k, label in [("none", "Ninguno"), ("one", "Uno"), ("many", "Varios")]
        ],
    )
    assert replies.read_reply(question, "uno", "es", "es") is None
    assert replies.read_reply(question, "1", "es", "es") == {"choices": ["none"]}
    assert replies.read_reply(question, "tres", "es", "es") == {"choices": ["many"]}
    assert replies.read_reply(question, "varios", "es", "es") == {"choices": ["many"]}


def test_a_contact_answers_in_words_by_sms(session, sms, build, facilitator, contact):
    consultation = build()
    water, worries, trust, meetings, _river, children = answering.active_questions(consultation)
    invite(session, facilitator, consultation)
    assert sms("acue").replies == [asked(consultation, 1)]  # "Acueducto"
    assert sms("uno tres").replies == [asked(consultation, 2)]
    assert sms("cinco").replies == [asked(consultation, 3)]
    assert sms("Sí").replies == [asked(consultation, 5)]
    assert sms("mucho").replies == [
        f"{say('number_between', low='0', high='30')} {asked(consultation, 5)}"
    ]
    assert sms("tres").replies == [say("thanks")]
    response = session.get(Response, participation_of(session, consultation, contact).response_id)
    answers = answers_by_question(session, response.id)
    assert {q: sorted(c.choice for c in a.choices) for q, a in answers.items()} == {
        water.id: ["pipe"],
        worries.id: ["dust", "jobs"],
        trust.id: ["5"],
        meetings.id: ["yes"],
        children.id: [],
    }
    assert answers[children.id].number == 3.0
