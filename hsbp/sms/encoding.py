"""How much an SMS costs: its encoding, its length in segments, and a safe way to make it cheaper.

People take part on basic phones and often pay per message, and Twilio bills per segment.
A text made only of GSM 03.38 characters travels as GSM-7: 160 septets in one segment, 153
per segment once split. A single character outside that alphabet - often one the author never
meant to type, such as a curly quote pasted from a word processor - switches the whole text to
UCS-2: 70 UTF-16 code units in one segment, 67 once split. So one U+2019 can double the cost.

`normalise` undoes those accidents (smart quotes, dashes, odd spaces, zero-width characters) but
never transliterates letters: `č`, `đ`, `á` or Arabic stay exactly as written, because a name
must stay correct even if it costs more. Look-alikes are only replaced when that makes the whole
text GSM-7 in no more segments; in a text that is UCS-2 anyway replacing them saves nothing, so the
author's typography (Bosnian „quotes", Persian zero-width non-joiners, emoji joiners) is kept.

`measure` counts exactly as the network splits: an extension character's escape pair, or a
UTF-16 surrogate pair, never straddles two segments. An empty text counts as one segment, as
Twilio bills it. All functions are pure: no Flask, no database.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

GSM7 = "GSM-7"
UCS2 = "UCS-2"

# The GSM 03.38 default alphabet in code order, 16 per row: index = septet value.
# 0x1B is the escape to the extension table, not a character; "\x1b" only holds its place.
GSM7_BASIC_TABLE = (
    "@£$¥èéùìòÇ\nØø\rÅå"
    "Δ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ"
    " !\"#¤%&'()*+,-./"
    "0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNO"
    "PQRSTUVWXYZÄÖÑÜ§"
    "¿abcdefghijklmno"
    "pqrstuvwxyzäöñüà"
)
GSM7_BASIC = frozenset(GSM7_BASIC_TABLE) - {"\x1b"}
# Extension table: each is sent as ESC + this septet, so it costs two septets.
GSM7_EXTENSION = {
    "\x0c": 0x0A,
    "^": 0x14,
    "{": 0x28,
    "}": 0x29,
    "\\": 0x2F,
    "[": 0x3C,
    "~": 0x3D,
    "]": 0x3E,
    "|": 0x40,
    "€": 0x65,
}
GSM7_ALPHABET = GSM7_BASIC | frozenset(GSM7_EXTENSION)

# (single-segment limit, per-segment limit once split), in septets or UTF-16 code units.
LIMITS = {GSM7: (160, 153), UCS2: (70, 67)}

# Always removed or replaced: invisible, never meaningful in an SMS, and each costs a unit in
# either encoding. Zero-width space, word joiner, byte-order mark, soft hyphen; Unicode line and
# paragraph separators become LF (CR and CRLF are handled separately).
_ALWAYS = str.maketrans(
    {"\u200b": None, "\u2060": None, "\ufeff": None, "\u00ad": None}
    | {"\u2028": "\n", "\u2029": "\n"}
)

# Look-alikes with a GSM-7 equivalent; applied only when that makes the whole text GSM-7.
# Every target is in GSM-7 and no target is a key, so applying the table twice changes nothing.
_LOOKALIKES: dict[str, str] = {
    # Single quotes, primes, modifier apostrophe, single guillemets, and the ASCII backtick
    # (not in GSM-7) -> '.
    **dict.fromkeys("\u2018\u2019\u201a\u201b\u2032\u02bc\u2039\u203a`", "'"),
    # Double quotes and guillemets « » -> ". They are quotation marks in French, Bosnian and
    # Arabic text; a straight quote keeps that meaning, while "<<" would not read as a quote.
    **dict.fromkeys("\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb", '"'),
    # Hyphens, figure dash, en and em dashes, horizontal bar, minus sign -> -.
    **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212", "-"),
    # No-break, fixed-width and ideographic spaces, and tab (no meaning on a phone) -> space.
    **dict.fromkeys("\u00a0\u2002\u2003\u2004\u2005\u2006\u2007\u2009\u200a\u202f\u3000\t", " "),
    # Zero-width non-joiner and joiner: stray in Latin text, but meaningful in Persian and emoji
    # sequences; those texts are UCS-2 anyway, so they are kept there.
    "\u200c": "",
    "\u200d": "",
    "\u2026": "...",
    # A bullet starts a list item; "-" does the same job in GSM-7.
    "\u2022": "-",
    # Full-width ASCII (U+FF01-U+FF5E) -> ASCII, the same characters NFKC gives; the backtick's
    # full-width form goes straight to ' so the table stays idempotent.
    **{chr(code): chr(code - 0xFEE0) for code in range(0xFF01, 0xFF5F) if code != 0xFF40},
    "\uff40": "'",
}
_LOOKALIKE_TABLE = str.maketrans(_LOOKALIKES)


@dataclass(frozen=True)
class SegmentCount:
    """What a text costs: `units` are septets (GSM-7) or UTF-16 code units (UCS-2);
    `per_segment` is the capacity used (160/153 or 70/67); `remaining` is what still fits in
    the last segment before another one is needed."""

    encoding: str
    units: int
    segments: int
    per_segment: int
    remaining: int


def _utf16_units(char: str) -> int:
    return 2 if ord(char) > 0xFFFF else 1


def _character_units(text: str, encoding: str) -> list[int]:
    if encoding == GSM7:
        return [2 if char in GSM7_EXTENSION else 1 for char in text]
    return [_utf16_units(char) for char in text]


def encoding_of(text: str) -> str:
    """GSM-7 if every character is in the GSM 03.38 basic or extension table, else UCS-2."""
    return GSM7 if all(char in GSM7_ALPHABET for char in text) else UCS2


def measure(text: str) -> SegmentCount:
    """Count `text` as sent, without changing it (call `normalise` first to make it cheaper)."""
    encoding = encoding_of(text)
    single, per_segment = LIMITS[encoding]
    sizes = _character_units(text, encoding)
    units = sum(sizes)
    if units <= single:
        return SegmentCount(encoding, units, 1, single, single - units)
    segments, used = 1, 0
    for size in sizes:
        if used + size > per_segment:  # an escape or surrogate pair moves whole to the next
            segments, used = segments + 1, 0
        used += size
    return SegmentCount(encoding, units, segments, per_segment, per_segment - used)


def fits_one_segment(text: str) -> bool:
    """True if `text` is sent, and billed, as a single SMS."""
    return measure(text).segments == 1


def _compose(text: str) -> str:
    # Canonical composition: "c" + combining caron becomes "č", "e" + acute becomes "é" (which
    # is GSM-7). Same letters, fewer units; kept only if it does not lengthen the text, since a
    # few scripts' composition exclusions decompose under NFC.
    composed = unicodedata.normalize("NFC", text)
    length = sum(map(_utf16_units, composed))
    return composed if length <= sum(map(_utf16_units, text)) else text


def normalise(text: str) -> str:
    """Make `text` as cheap as possible to send without changing what it says.

    Always: CRLF and CR become LF, invisible characters go, and letters are canonically
    composed. Then typographic look-alikes are replaced by their GSM-7 equivalents, but only
    if the result is GSM-7 and takes no more segments (70 ellipses are cheaper as UCS-2 than
    as 210 dots). Letters are never transliterated. Idempotent.
    """
    text = text.translate(_ALWAYS).replace("\r\n", "\n").replace("\r", "\n")
    text = _compose(text)
    plain = text.translate(_LOOKALIKE_TABLE)
    if encoding_of(plain) == GSM7 and measure(plain).segments <= measure(text).segments:
        return plain
    return text
