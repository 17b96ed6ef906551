"""Languages picked by name, not typed as ISO 639 codes: the ones a partnership works in first,
then every language Babel can name in the reader's language, and typed names mapped back to
codes. A code typed by hand still works: many local languages have no name in Babel."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache

from babel import Locale
from babel.languages import get_territory_language_info
from flask_babel import gettext as _
from wtforms.validators import ValidationError

from hsbp.i18n import language_name

# How many of the country's languages (by share of speakers) are offered as checkboxes; the
# rest of a multilingual country's (Kenya has dozens) is in the searchable list.
COUNTRY_LANGUAGES = 8
# "Wayuu (guc)": the form the suggestion list offers, read back by its code.
CODE_IN_LABEL = re.compile(r"\(\s*([A-Za-z]{2,3}(?:_[A-Za-z0-9]{2,8})?)\s*\)\s*$")
# Lowercase letters, digits and separators only: meant as a code, so the services judge it
# (and name it in their message); anything else was meant as a name.
CODE_LIKE = re.compile(r"^[a-z0-9_-]+$")


@cache
def _names(reader: str) -> dict[str, str]:
    """{code: name} of the plain languages (no regional variants) Babel names in `reader`."""
    try:
        known = Locale.parse(reader).languages
    except (ValueError, TypeError):
        known = Locale("en").languages
    return {code: name for code, name in known.items() if "_" not in code and name}


@cache
def _codes_by_name(reader: str) -> dict[str, str]:
    """Names in the reader's language and in English, folded, to their code."""
    found = {name.casefold(): code for code, name in _names("en").items()}
    found.update({name.casefold(): code for code, name in _names(reader).items()})
    return found


def country_languages(country: str) -> list[str]:
    """The languages spoken in `country` (ISO 3166), most spoken first."""
    try:
        info = get_territory_language_info(country or "ZZ")
    except (KeyError, ValueError):
        return []
    ranked = sorted(info.items(), key=lambda item: -item[1].get("population_percent", 0))
    return [code for code, _info in ranked if "_" not in code][:COUNTRY_LANGUAGES]


def common_codes(*, partnership, used: Iterable[str] = ()) -> list[str]:
    """The languages to offer as checkboxes: the partnership's own, those already in use
    (`used`), then its country's; each once, in that order."""
    codes: list[str] = []
    for code in (*(partnership.locales or []), *used, *country_languages(partnership.country)):
        if code and code not in codes:
            codes.append(code)
    return codes


def choices(codes: Iterable[str], reader: str) -> list[tuple[str, str]]:
    """(code, name) pairs for checkboxes; a language Babel cannot name is shown by its code."""
    names = _names(reader)
    return [(code, names.get(code) or language_name(code, reader)) for code in codes]


def suggestions(reader: str, *, leave_out: Iterable[str] = ()) -> list[str]:
    """Every language Babel names, as "Name (code)", alphabetical in the reader's language."""
    skip = set(leave_out)
    named = [(name, code) for code, name in _names(reader).items() if code not in skip]
    return [f"{name} ({code})" for name, code in sorted(named, key=lambda p: p[0].casefold())]


def read_typed(text: str, reader: str) -> tuple[list[str], list[str]]:
    """Comma-separated names, "Name (code)" labels or codes -> (codes, entries not understood).

    An entry written like a code is passed on as typed: the services check codes."""
    codes: list[str] = []
    unknown: list[str] = []
    by_name = _codes_by_name(reader)
    for entry in (part.strip() for part in (text or "").split(",")):
        if not entry:
            continue
        labelled = CODE_IN_LABEL.search(entry)
        code = (
            labelled.group(1)
            if labelled
            else by_name.get(entry.casefold(), entry if CODE_LIKE.match(entry) else None)
        )
        if code is None:
            unknown.append(entry)
        elif code not in codes:
            codes.append(code)
    return codes, unknown


def refuse_unknown(text: str, reader: str) -> None:
    """A form validator's work: ValidationError naming the first entry that is no language."""
    _codes, unknown = read_typed(text, reader)
    if unknown:
        raise ValidationError(
            _(
                "No language is called “%(name)s”: pick one from the suggestions, "
                "or type its ISO 639 code.",
                name=unknown[0],
            )
        )
