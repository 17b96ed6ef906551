"""Destructive actions ask first: a POST without `confirm=1` changes nothing and answers with
a page saying what will happen, whose "Yes" button sends the same form again, confirmed.

It needs no JavaScript, and the first click stays a POST with its CSRF token, so a link
followed by a crawler or a prefetch never reaches the question, let alone the action.
"""

from __future__ import annotations

from flask import abort, render_template, request
from flask_wtf import FlaskForm

CONFIRM_FIELD = "confirm"


def confirmed() -> bool:
    """The request comes from a confirmation page's "Yes" button."""
    return request.form.get(CONFIRM_FIELD) == "1"


def ask(template: str, *, cancel: str, hidden: dict[str, str] | None = None, **context) -> str:
    """The confirmation page `template` (it extends confirm.html), posting back to this URL
    with `hidden` fields and `confirm=1`; `cancel` is where "Cancel" leads."""
    return render_template(
        template,
        cancel=cancel,
        hidden=hidden or {},
        confirm_field=CONFIRM_FIELD,
        action=request.path,
        **context,
    )


def ask_first(template: str, *, cancel: str, hidden: dict[str, str] | None = None, **context):
    """`ask`, once the CSRF token of the form that led here is checked (400 without it)."""
    if not FlaskForm().validate_on_submit():
        abort(400)
    return ask(template, cancel=cancel, hidden=hidden, **context)
