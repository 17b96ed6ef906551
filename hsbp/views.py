"""Small helpers shared by every blueprint's views."""

from __future__ import annotations

from flask import Request, render_template, request
from werkzeug.datastructures import ImmutableMultiDict, MultiDict
from werkzeug.routing import IntegerConverter, Map, ValidationError

from hsbp.db import LARGEST_ID

# Far beyond any list, and small enough that page times page size stays a valid OFFSET.
LARGEST_PAGE = 1_000_000


class IdConverter(IntegerConverter):
    """`<int:...>` for the whole app: plain ASCII digits, no leading zero, at most LARGEST_ID
    (hsbp.db).

    Anything else is a 404 like any unknown page: `/p/007/` is not `/p/7/`, and an id too
    large for the database never reaches it.
    """

    regex = r"[0-9]{1,10}"

    def __init__(self, map: Map, *args, **kwargs):
        kwargs.setdefault("max", LARGEST_ID)
        super().__init__(map, *args, **kwargs)

    def to_python(self, value: str) -> int:
        if len(value) > 1 and value.startswith("0"):
            raise ValidationError()
        return super().to_python(value)


def _without_nul(value):
    return value.replace("\x00", "") if isinstance(value, str) else value


class NulFreeMultiDict(ImmutableMultiDict):
    """Query-string and form fields with no NUL character in names or values. No text of
    ours holds one, and PostgreSQL refuses it in any string, so a NUL typed into a search or
    a form would end in a server error instead of an answer."""

    def __init__(self, mapping=None):
        if mapping is None:
            super().__init__()
            return
        if isinstance(mapping, MultiDict):
            pairs = mapping.items(multi=True)
        elif isinstance(mapping, dict):
            pairs = (
                (key, value)
                for key, values in mapping.items()
                for value in (values if isinstance(values, list | tuple) else [values])
            )
        else:
            pairs = mapping
        super().__init__([(_without_nul(key), _without_nul(value)) for key, value in pairs])


class HsbpRequest(Request):
    """The app's request (app.request_class): its args and form hold no NUL character."""

    parameter_storage_class = NulFreeMultiDict


def int_value(text: str | None, *, low: int = 0, high: int = LARGEST_ID) -> int | None:
    """The integer written in `text` (ASCII digits, an optional minus sign), or None if it
    is not one or lies outside low..high. For ids and numbers read from query strings and
    forms by hand: int() alone takes fullwidth digits, " 7 " and 10**30."""
    text = (text or "").strip()
    digits = text.removeprefix("-")
    if not digits or len(digits) > 18 or not (digits.isascii() and digits.isdigit()):
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
