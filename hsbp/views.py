"""Small helpers shared by every blueprint's views."""

from __future__ import annotations

from flask import render_template, request
from werkzeug.routing import IntegerConverter, Map, ValidationError

# The largest integer the databases hold (SQLite's INTEGER, PostgreSQL's BIGINT): a larger
# one in a URL names nothing, and handing it to the database would fail with an error.
LARGEST_ID = 2**63 - 1
# Far beyond any list, and small enough that page times page size stays a valid OFFSET.
LARGEST_PAGE = 1_000_000


class IdConverter(IntegerConverter):
    """`<int:...>` for the whole app: plain ASCII digits, no leading zero, at most LARGEST_ID.

    Anything else is a 404 like any unknown page: `/p/007/` is not `/p/7/`, and an id too
    large for the database never reaches it.
    """

    regex = r"[0-9]{1,19}"

    def __init__(self, map: Map, *args, **kwargs):
        kwargs.setdefault("max", LARGEST_ID)
        super().__init__(map, *args, **kwargs)

    def to_python(self, value: str) -> int:
        if len(value) > 1 and value.startswith("0"):
            raise ValidationError()
        return super().to_python(value)


def int_value(text: str | None, *, low: int = 0, high: int = LARGEST_ID) -> int | None:
    """The integer written in `text` (ASCII digits, an optional minus sign), or None if it
    is not one or lies outside low..high. For ids and numbers read from query strings and
    forms by hand: int() alone takes fullwidth digits, " 7 " and 10**30."""
    text = (text or "").strip()
    digits = text.removeprefix("-")
    if not digits or len(digits) > 19 or not (digits.isascii() and digits.isdigit()):
        return None
    number = int(text)
    return number if low <= number <= high else None


def query_int(name: str, *, low: int = 0, high: int = LARGEST_ID) -> int | None:
    """`int_value` of the query-string parameter `name`."""
    return int_value(request.args.get(name), low=low, high=high)


def render_form(template: str, *forms, **context):
    """Render a page holding forms; answer 422 when any of them has errors, so the request
    wrapper rolls back whatever a refused service call had flushed."""
    failed = any(form.errors or getattr(form, "form_errors", None) for form in forms)
    return render_template(template, **context), 422 if failed else 200


def page_number() -> int:
    """The list page asked for in ?page=: a bad or out-of-range value means the first."""
    return query_int("page", low=1, high=LARGEST_PAGE) or 1
