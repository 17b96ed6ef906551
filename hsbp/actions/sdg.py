"""The UN Sustainable Development Goals and their 169 targets, as data with official numbering.

The texts live in `sdg_data.json` beside this module (A/RES/70/1 in English, Spanish, French and
Arabic; Bosnian and Swahili translated from it), so the wheel carries them with the package.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

DATA_FILE = Path(__file__).with_name("sdg_data.json")


@cache
def goals() -> list[dict[str, Any]]:
    """The 17 goals in order: {"number", "title": {locale: text}, "targets": [{"code", "text"}]}.

    The list is shared between callers: read it, do not change it.
    """
    return json.loads(DATA_FILE.read_text(encoding="utf-8"))["goals"]


@cache
def _targets() -> MappingProxyType[str, dict[str, str]]:
    return MappingProxyType(
        {target["code"]: target["text"] for goal in goals() for target in goal["targets"]}
    )


@cache
def _titles() -> MappingProxyType[int, dict[str, str]]:
    return MappingProxyType({goal["number"]: goal["title"] for goal in goals()})


@cache
def target_codes() -> frozenset[str]:
    """Every official target code: "1.1" … "17.19", with lettered ones such as "16.a"."""
    return frozenset(_targets())


def is_target(code: str) -> bool:
    """Whether `code` is exactly an official target code (no spaces, lowercase letters)."""
    return isinstance(code, str) and code in _targets()


def goal_of(code: str) -> int:
    """The goal number of a target code: goal_of("16.a") == 16. ValueError if not a target."""
    if not is_target(code):
        raise ValueError(f"not an SDG target: {code!r}")
    return int(code.split(".", 1)[0])


def sort_key(code: str) -> tuple[int, int, int | str]:
    """Official order: by goal, numbered targets by number (1.2 < 1.10), then lettered (1.a).

    Works on any "<goal>.<target>" string so that unknown codes still sort predictably.
    """
    goal, _, target = code.partition(".")
    goal_number = int(goal) if goal.isdigit() else 0
    if target.isdigit():
        return (goal_number, 0, int(target))
    return (goal_number, 1, target)


def _pick(texts: dict[str, str], locale: str, fallback: str) -> str:
    """The text for `locale` (or its language, for "fr_CA"), else `fallback`'s, else English."""
    language = locale.replace("-", "_").split("_", 1)[0]
    for code in (locale, language, fallback, "en"):
        if texts.get(code):
            return texts[code]
    return ""


def target_text(code: str, locale: str, fallback: str = "en") -> str:
    """The full text of target `code` in `locale`, else in `fallback`. KeyError if unknown."""
    return _pick(_targets()[code], locale, fallback)


def goal_title(number: int, locale: str, fallback: str = "en") -> str:
    """The short title of goal `number` ("No poverty") in `locale`. KeyError if unknown."""
    return _pick(_titles()[number], locale, fallback)


def target_label(code: str, locale: str, fallback: str = "en") -> str:
    """A target as shown in a list: "6.1 By 2030, achieve universal …"."""
    return f"{code} {target_text(code, locale, fallback)}"


def goal_label(number: int, locale: str, fallback: str = "en") -> str:
    """A goal as shown above its targets: "6. Clean water and sanitation"."""
    return f"{number}. {goal_title(number, locale, fallback)}"


def choices(locale: str, fallback: str = "en") -> list[tuple[str, str]]:
    """Every target as (code, "code text") in official order, for a multi-select."""
    return [
        (target["code"], target_label(target["code"], locale, fallback))
        for goal in goals()
        for target in goal["targets"]
    ]


def grouped_choices(locale: str, fallback: str = "en") -> list[tuple[str, list[tuple[str, str]]]]:
    """The same choices under one heading per goal: [(goal label, [(code, label), …]), …]."""
    return [
        (
            goal_label(goal["number"], locale, fallback),
            [
                (target["code"], target_label(target["code"], locale, fallback))
                for target in goal["targets"]
            ],
        )
        for goal in goals()
    ]
