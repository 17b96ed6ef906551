"""Reference lists a partnership is described with: countries, time zones, languages."""

from __future__ import annotations

import functools
import zoneinfo

from babel import Locale, UnknownLocaleError

# Babel's territory list also names regions and groupings; these are not countries.
_NOT_COUNTRIES = {"EU", "EZ", "UN", "QO", "XA", "XB", "ZZ"}


@functools.cache
def country_codes() -> frozenset[str]:
    return frozenset(
        code
        for code in Locale("en").territories
        if len(code) == 2 and code.isalpha() and code not in _NOT_COUNTRIES
    )


def country_choices(locale: str) -> list[tuple[str, str]]:
    """(ISO 3166 code, name in `locale`), sorted by name as a reader of `locale` expects."""
    names = Locale.parse(locale).territories
    return sorted(((code, names.get(code, code)) for code in country_codes()), key=lambda c: c[1])


def country_name(code: str, locale: str) -> str:
    return Locale.parse(locale).territories.get(code, code)


@functools.cache
def timezones() -> tuple[str, ...]:
    return tuple(sorted(z for z in zoneinfo.available_timezones() if "/" in z or z == "UTC"))


def is_language_code(code: str) -> bool:
    """True for a language Babel knows (so its name can be shown in every UI language)."""
    try:
        Locale.parse(code)
    except (UnknownLocaleError, ValueError):
        return False
    return True
