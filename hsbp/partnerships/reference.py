"""Reference lists a partnership is described with: countries, time zones, languages."""

from __future__ import annotations

import functools
import re
import zoneinfo

from babel import Locale

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


LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}(?:_[A-Za-z0-9]{2,8})?$")


def is_language_code(code: str) -> bool:
    """True for an ISO 639 code, with an optional region or script.

    Local languages (Nasa Yuwe `pbb`, Wayuunaiki `guc`) matter most here and Babel has no
    data for many of them, so the form of the code is checked, not Babel's list; such a
    language is shown by its code where Babel cannot name it.
    """
    return bool(LANGUAGE_CODE.match(code))
