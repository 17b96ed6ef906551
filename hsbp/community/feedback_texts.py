"""The prefilled "you said, we did" SMS texts, one per language of the partnership.

Each is one SMS segment. A partnership's name with an accent, or Arabic, makes a text UCS-2
(70 characters), so the proposal gives way in a fixed order until it fits: fewer needs
before shorter ones, the partnership's name shortened before any need is cut, and at worst
a plain thank-you. The facilitator edits the result; what is sent is checked again then.

The texts are written with the locale the caller gives (hsbp.community.feedback picks it): a
shipped language, or a local one (Nasa Yuwe, Wayuunaiki...) carrying the partnership's
translation (hsbp.sms.local_texts); content stored per language is read in that language,
else the partnership's default one.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from babel import UnknownLocaleError
from babel.lists import format_list

from hsbp.i18n import translated
from hsbp.partnerships.models import Partnership
from hsbp.sms.encoding import fits_one_segment, normalise
from hsbp.sms.fitting import short_name
from hsbp.sms.texts import N_, NAME_LIMITS, in_language

TEXTS = {
    # After a consultation closed: how many took part, what they asked for, and which of
    # those the charter in force now holds. "took part" reads the same for 1 and for 40.
    "closed_goals": N_(
        "%(partnership)s: %(count)s took part, thank you! You asked for %(needs)s. "
        "Now in our charter: %(goals)s."
    ),
    "closed_goals_only": N_(
        "%(partnership)s: %(count)s took part, thank you! You asked for %(goals)s: now in our "
        "charter."
    ),
    "closed_needs": N_("%(partnership)s: %(count)s took part, thank you! You asked for %(needs)s."),
    "closed_thanks": N_(
        "%(partnership)s: %(count)s took part, thank you! We will keep you informed."
    ),
    # An action serving a goal that came from the consultation is done.
    "action_done": N_("%(partnership)s: you asked for %(need)s; %(action)s is done."),
}
# The texts of each kind of message: a local language's translators write all of them before
# its proposal is made from them.
CLOSURE_TEXTS = ("closed_goals", "closed_goals_only", "closed_needs", "closed_thanks")
ACTION_TEXTS = ("action_done",)
TOP_NEEDS = 3
# How far a need or an action's title may be cut, longest first; "..." marks the cut.
ITEM_LIMITS = (40, 28, 18)


@dataclass(frozen=True)
class Need:
    """An outcome need as the prefill uses it: its text per language, and whether the charter
    in force holds the goal it became."""

    text: dict
    in_charter: bool


def shortened(text: str, limit: int) -> str:
    """`text` in at most `limit` characters, cut at a word, the cut marked with dots."""
    text = " ".join(text.split())
    return text if len(text) <= limit else short_name(text, limit - 3) + "..."


def listed(items: list[str], locale: str) -> str:
    """'water, roads and jobs' as the language writes a list."""
    try:
        # A local language (hsbp.sms.texts.LocalLanguage) names a Babel locale for formats.
        return format_list(items, locale=getattr(locale, "formats", locale))
    except (ValueError, UnknownLocaleError):
        return ", ".join(items)


def _names(partnership: Partnership) -> list[str]:
    """The partnership's name, then shorter and shorter forms of it."""
    forms = [" ".join(partnership.name.split())]
    for limit in NAME_LIMITS:
        short = short_name(partnership.name, limit)
        if short not in forms:
            forms.append(short)
    return forms


def _first_fitting(texts: Iterator[str]) -> str:
    """The first text of `texts` that is one segment, else the last one."""
    text = ""
    for text in texts:
        if fits_one_segment(text):
            return text
    return text


def _closure_choices(needs: list[str], goals: list[str]) -> Iterator[tuple[str, dict]]:
    """(text key, values) from the richest to the plainest, without repeats."""
    seen = set()
    choices = []
    for count in range(len(needs), 0, -1):
        shown = needs[:count]
        in_charter = [need for need in shown if need in goals]
        if in_charter == shown:  # every need named is in the charter: say it once
            choices.append(("closed_goals_only", {"needs": [], "goals": shown}))
        else:
            key = "closed_goals" if in_charter else "closed_needs"
            choices.append((key, {"needs": shown, "goals": in_charter}))
    for count in range(len(goals), 0, -1):
        choices.append(("closed_goals_only", {"needs": [], "goals": goals[:count]}))
    for count in range(len(needs), 0, -1):
        choices.append(("closed_needs", {"needs": needs[:count], "goals": []}))
    for key, values in choices:
        marker = (key, tuple(values["needs"]), tuple(values["goals"]))
        if marker not in seen:
            seen.add(marker)
            yield key, values


def closure_text(locale: str, *, partnership: Partnership, count: int, needs: list[Need]) -> str:
    """The proposal in language `locale` after the consultation closed (see the module's
    docstring); `count`: the answers received."""
    top = needs[:TOP_NEEDS]
    default = partnership.default_locale
    names = _names(partnership)

    def written(key: str, name: str, **values) -> str:
        return normalise(
            in_language(locale, TEXTS[key], partnership=name, count=str(count), **values)
        )

    def candidates() -> Iterator[str]:
        for limit in ITEM_LIMITS:
            texts = [
                shortened(translated(n.text, locale=locale, fallback=default), limit) for n in top
            ]
            goals = [text for text, need in zip(texts, top, strict=True) if need.in_charter]
            for key, values in _closure_choices(texts, goals):
                for name in names:
                    yield written(
                        key,
                        name,
                        needs=listed(values["needs"], locale),
                        goals=listed(values["goals"], locale),
                    )
        for name in names:
            yield written("closed_thanks", name)

    return _first_fitting(candidates())


def action_text(locale: str, *, partnership: Partnership, need: dict, action: dict) -> str:
    """The proposal in `locale` once an action serving a need's goal is done: `need` and
    `action` are texts per language (the outcome item's, the action's title)."""
    default = partnership.default_locale
    need_text = translated(need, locale=locale, fallback=default)
    title = translated(action, locale=locale, fallback=default)

    def candidates() -> Iterator[str]:
        for limit in ITEM_LIMITS:
            for name in _names(partnership):
                yield normalise(
                    in_language(
                        locale,
                        TEXTS["action_done"],
                        partnership=name,
                        need=shortened(need_text, limit),
                        action=shortened(title, limit),
                    )
                )

    return _first_fitting(candidates())


def proposals(partnership: Partnership, write, language) -> dict[str, str]:
    """{language: text} for every language of the partnership: `write(locale)` with the
    locale `language(code)` gives, "" where it gives None (left to the facilitator)."""
    out = {}
    for code in partnership.locales or [partnership.default_locale]:
        locale = language(code)
        out[code] = write(locale) if locale is not None else ""
    return out
