"""ALERT's texts fit one SMS segment in every shipped language, its words collide with no
other keyword, and the keyword named in a text is the reader's language's."""

import pytest

from hsbp.i18n import UI_LOCALE_CODES
from hsbp.risks import incident_sms
from hsbp.risks import incident_texts as texts
from hsbp.sms import texts as channel_texts
from hsbp.sms.encoding import measure, normalise
from hsbp.sms.handlers import registry

# An incident number as long as a busy partnership's.
SAMPLES = {"number": "I-12345"}


@pytest.mark.parametrize("locale", ["en", *UI_LOCALE_CODES])
@pytest.mark.parametrize("key", sorted(texts.TEXTS))
def test_every_alert_text_fits_one_segment(locale, key):
    source = texts.TEXTS[key]
    values = {name: value for name, value in SAMPLES.items() if f"%({name})" in source}
    written = normalise(texts.text(locale, key, **values))
    assert measure(written).segments == 1, (locale, key, measure(written), written)


@pytest.mark.parametrize("locale", ["en", *UI_LOCALE_CODES])
def test_the_help_line_fits_one_segment(locale):
    written = normalise(channel_texts.help_line(locale, texts.KEYWORD, texts.HELP_HINT))
    assert measure(written).segments == 1, (locale, written)


def test_the_english_texts_read_as_written():
    assert texts.text("en", "receipt", number="I-7") == (
        "Alert I-7 received. Thank you: the facilitators have been told."
    )
    assert texts.text("en", "receipt_anonymous", number="I-7") == (
        "Alert I-7 received, without your name. The facilitators have been told."
    )
    assert texts.text("en", "not_joined") == (
        "Not sent: send JOIN and your code first, then ALERT again."
    )


def test_each_language_has_its_word_and_none_collides_with_another_keyword(app):
    with app.app_context():
        mine = set(texts.words())
        assert {"ALERT", "ALERTA", "ALERTE", "UZBUNA", "تنبيه", "انذار", "TAHADHARI"} <= mine
        channel = set(channel_texts.keyword_table())
        others = {
            word
            for word, (name, _handler) in registry().keywords.items()
            if name != incident_sms.ROUTE
        }
        assert mine & channel == set()
        assert mine & others == set()
        # Registered, confidential, and listed by HELP.
        assert all(registry().keywords[word][0] == incident_sms.ROUTE for word in mine)
        assert incident_sms.ROUTE in registry().confidential_routes
        assert incident_sms.ROUTE in [k.name for k in registry().shown()]


def test_the_word_told_is_the_languages_own():
    assert texts.keyword_word("en") == "ALERT"
    assert texts.keyword_word("sw") in {"TAHADHARI", *channel_texts.all_words(texts.KEYWORD)}
    assert texts.keyword_word("es") == channel_texts.first_word("es", texts.KEYWORD) or (
        texts.keyword_word("es") == "ALERTA"
    )


def test_the_anonymous_words_are_the_grievance_mechanisms():
    assert {"ANON", "ANONYMOUS"} <= texts.anonymous_words("en")
    assert texts.anonymous_words("es") >= texts.anonymous_words("en")
