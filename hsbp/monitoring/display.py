"""An indicator's values in words, as the reader writes numbers: with its unit, its currency
or the scale level's label. Used by the pages, the dashboard and the report."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from flask import g
from flask_babel import format_decimal, get_locale

from hsbp.i18n import translated
from hsbp.monitoring.models import Indicator, Kind


def amount_of(indicator: Indicator, value, *, number: Callable, text: Callable) -> str:
    """`value` written with `number` (a Decimal to a string in some language), and a scale
    level's label through `text` (a {locale: text} dict to a string); "" for None."""
    if value is None:
        return ""
    if indicator.kind == Kind.SCALE:
        level = next((lv for lv in indicator.levels if lv["value"] == int(value)), None)
        return f"{int(value)} · {text(level['label'])}" if level else str(int(value))
    written = number(Decimal(value).normalize())
    if indicator.kind == Kind.PERCENTAGE:
        return f"{written} %"
    if indicator.kind == Kind.MONEY:
        return f"{written} {indicator.currency}".strip()
    return f"{written} {indicator.unit}".strip()


def local_text(values: dict | None) -> str:
    """Content stored per language, in the reader's (the partnership's default else)."""
    fallback = g.partnership.default_locale if g.get("partnership") else "en"
    return translated(values, locale=str(get_locale()), fallback=fallback)


def amount(indicator: Indicator, value) -> str:
    """amount_of in the language of the request."""
    return amount_of(indicator, value, number=format_decimal, text=local_text)
