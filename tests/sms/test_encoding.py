"""SMS encoding and segment counting: exact values at every boundary, then properties."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hsbp.sms.encoding import (
    GSM7,
    GSM7_ALPHABET,
    GSM7_BASIC,
    GSM7_BASIC_TABLE,
    GSM7_EXTENSION,
    UCS2,
    SegmentCount,
    encoding_of,
    fits_one_segment,
    measure,
    normalise,
)

THUMBS_UP = "\U0001f44d"
# "I want" in Persian: the zero-width non-joiner between its two parts is part of the spelling.
PERSIAN = "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645"
ARABIC = "مرحبا، كيف حالك؟ «أهلاً وسهلاً»"
BOSNIAN = "Čekaj, Đorđe \u2014 šećer ćemo kupiti \u201esutra\u201c. Žao mi je."


# The GSM 03.38 tables


def test_basic_table_has_128_positions_in_code_order():
    assert len(GSM7_BASIC_TABLE) == 128
    assert GSM7_BASIC_TABLE[0x00] == "@"
    assert GSM7_BASIC_TABLE[0x09] == "Ç"
    assert GSM7_BASIC_TABLE[0x1B] == "\x1b"
    assert "\x1b" not in GSM7_BASIC
    assert GSM7_BASIC_TABLE[0x24] == "¤"
    assert GSM7_BASIC_TABLE[0x40] == "¡"
    assert GSM7_BASIC_TABLE[0x60] == "¿"
    assert GSM7_BASIC_TABLE[0x7F] == "à"


def test_extension_table_is_exactly_ten_characters():
    assert set(GSM7_EXTENSION) == set("\x0c^{}\\[~]|€")
    assert not set(GSM7_EXTENSION) & GSM7_BASIC


def test_ascii_printable_missing_from_basic_set():
    ascii_printable = {chr(code) for code in range(0x20, 0x7F)}
    assert ascii_printable - GSM7_BASIC == set("^{}\\[~]|`")
    assert ascii_printable - GSM7_ALPHABET == {"`"}


# Encoding


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        ("", GSM7),
        ("Hello @ 5, £3 or €4 [ok]", GSM7),
        ("¿Qué tal? Très bien, Ça va", GSM7),  # é, è and capital Ç are in GSM-7
        ("ça", UCS2),  # only the capital Ç is in the table
        ("Hola, ¿cómo está?", UCS2),  # ó and á are not (ò and à are)
        ("Čelik", UCS2),
        (ARABIC, UCS2),
        (THUMBS_UP, UCS2),
        ("tab\there", UCS2),
        ("`code`", UCS2),
    ],
)
def test_encoding_of(text, encoding):
    assert encoding_of(text) == encoding


# Segments: GSM-7


def test_empty_text_is_one_segment_as_twilio_bills_it():
    assert measure("") == SegmentCount(GSM7, 0, 1, 160, 160)


@pytest.mark.parametrize(
    ("length", "segments", "per_segment", "remaining"),
    [(160, 1, 160, 0), (161, 2, 153, 145), (306, 2, 153, 0), (307, 3, 153, 152)],
)
def test_plain_ascii_boundaries(length, segments, per_segment, remaining):
    assert measure("a" * length) == SegmentCount(GSM7, length, segments, per_segment, remaining)


def test_extension_character_counts_two_septets():
    assert measure("€" + "a" * 159) == SegmentCount(GSM7, 161, 2, 153, 145)
    assert measure("€" + "a" * 158) == SegmentCount(GSM7, 160, 1, 160, 0)
    assert fits_one_segment("{" + "a" * 158)
    assert not fits_one_segment("{" + "a" * 159)


def test_escape_pair_never_straddles_a_segment_boundary():
    # 152 + 2 would straddle 153: the whole pair moves to segment two, wasting one septet.
    assert measure("a" * 152 + "€" + "a" * 10) == SegmentCount(GSM7, 164, 2, 153, 141)
    # 306 septets would fill two segments exactly, but the moved pair needs a third.
    assert measure("a" * 152 + "€" + "a" * 152) == SegmentCount(GSM7, 306, 3, 153, 152)
    # Aligned on the boundary, the same 306 septets fit in two.
    assert measure("a" * 153 + "€" + "a" * 151) == SegmentCount(GSM7, 306, 2, 153, 0)


# Segments: UCS-2


def test_arabic_counts_one_unit_per_character():
    result = measure(ARABIC)
    assert result.encoding == UCS2
    assert result.units == len(ARABIC)
    assert result.segments == 1


def test_emoji_outside_the_bmp_counts_two_units():
    assert measure(THUMBS_UP) == SegmentCount(UCS2, 2, 1, 70, 68)
    assert measure("ok " + THUMBS_UP).units == 5


@pytest.mark.parametrize(
    ("length", "segments", "per_segment", "remaining"),
    [(70, 1, 70, 0), (71, 2, 67, 63), (134, 2, 67, 0), (135, 3, 67, 66)],
)
def test_ucs2_boundaries(length, segments, per_segment, remaining):
    assert measure("č" * length) == SegmentCount(UCS2, length, segments, per_segment, remaining)


def test_surrogate_pair_never_straddles_a_segment_boundary():
    assert measure("č" * 66 + THUMBS_UP + "č" * 66) == SegmentCount(UCS2, 134, 3, 67, 66)
    assert measure("č" * 65 + THUMBS_UP + "č" * 67) == SegmentCount(UCS2, 134, 2, 67, 0)


# normalise


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("it\u2019s \u2018ok\u2019 \u201a\u201b \u2032 \u02bc", "it's 'ok' '' ' '"),
        ("\u201cyes\u201d \u201elo\u201f \u2033", '"yes" "lo" "'),
        ("\u00abBonjour\u00bb", '"Bonjour"'),
        ("a\u2010b\u2011c\u2012d\u2013e\u2014f\u2015g\u2212h", "a-b-c-d-e-f-g-h"),
        ("10\u00a0000\u2007\u202f\u2009\u200a\u2002\u2006\u3000x", "10 000       x"),
        ("wait\u2026", "wait..."),
        ("\u2022 item", "- item"),
        ("z\u200bw\u200cs\u200dp\u2060\ufeff!", "zwsp!"),
        ("one\r\ntwo\rthree\nfour", "one\ntwo\nthree\nfour"),
        ("\uff28\uff49\uff01 `x`", "Hi! 'x'"),
        ("e\u0301te\u0301", "été"),  # decomposed é composes to the GSM-7 é
    ],
)
def test_normalise_replacements(text, expected):
    assert normalise(text) == expected


def test_smart_quoted_english_becomes_gsm7():
    text = "It\u2019s \u201cgreat\u201d \u2014 see you at 5\u2026"
    assert encoding_of(text) == UCS2
    assert normalise(text) == 'It\'s "great" - see you at 5...'
    assert measure(normalise(text)) == SegmentCount(GSM7, 30, 1, 160, 130)


def test_normalise_keeps_letters_of_other_scripts():
    assert normalise(ARABIC) == ARABIC
    assert normalise(PERSIAN) == PERSIAN
    assert normalise("čćšžđ ČĆŠŽĐ") == "čćšžđ ČĆŠŽĐ"
    assert normalise("Hola, ¿cómo está?") == "Hola, ¿cómo está?"
    assert normalise("Habari za asubuhi? Ng\u2019ombe wetu") == "Habari za asubuhi? Ng'ombe wetu"


def test_typography_is_kept_when_the_text_is_ucs2_anyway():
    assert normalise(BOSNIAN) == BOSNIAN
    assert normalise(THUMBS_UP + " \u201chi\u201d") == THUMBS_UP + " \u201chi\u201d"
    # Expanded, 70 ellipses would take 210 septets, two segments instead of one.
    assert normalise("\u2026" * 70) == "\u2026" * 70
    assert normalise("\u2026" * 53) == "." * 159


# Properties

LETTERS = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي" + "čćšžđČĆŠŽĐ" + "abcdefghijklmnopqrstuvwxyzNgW"
TYPOGRAPHY = "\u2019\u201c\u201d\u201e\u00ab\u00bb\u2014\u00a0\u2026\u200b\u200c\r\n ,.?"


@given(st.text())
def test_normalise_is_idempotent(text):
    once = normalise(text)
    assert normalise(once) == once


@given(st.text())
def test_normalise_never_costs_more(text):
    assert measure(normalise(text)).segments <= measure(text).segments


@given(st.text(alphabet=LETTERS + TYPOGRAPHY))
def test_normalise_never_changes_letters(text):
    assert [c for c in normalise(text) if c.isalpha()] == [c for c in text if c.isalpha()]


@given(st.text())
def test_at_least_one_segment(text):
    assert measure(text).segments >= 1


@given(st.text(alphabet=sorted(GSM7_ALPHABET)))
def test_gsm7_units_count_extension_characters_twice(text):
    result = measure(text)
    assert result.encoding == GSM7
    assert result.units == len(text) + sum(c in GSM7_EXTENSION for c in text)


@given(st.text(), st.characters())
def test_segments_never_decrease_when_appending(text, char):
    assert measure(text + char).segments >= measure(text).segments


@given(st.text())
def test_segment_count_is_consistent(text):
    result = measure(text)
    assert 0 <= result.remaining <= result.per_segment
    assert result.units <= result.per_segment * result.segments - result.remaining
    assert fits_one_segment(text) == (result.segments == 1)


ASCII_PRINTABLE = st.characters(min_codepoint=0x20, max_codepoint=0x7E) | st.sampled_from("\t\r\n")


@given(st.text(alphabet=ASCII_PRINTABLE))
def test_ascii_printable_normalises_to_gsm7(text):
    assert encoding_of(normalise(text)) == GSM7
