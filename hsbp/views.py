"""Small helpers shared by every blueprint's views."""

from flask import render_template, request


def render_form(template: str, *forms, **context):
    """Render a page holding forms; answer 422 when any of them has errors, so the request
    wrapper rolls back whatever a refused service call had flushed."""
    failed = any(form.errors or getattr(form, "form_errors", None) for form in forms)
    return render_template(template, **context), 422 if failed else 200


def page_number() -> int:
    """The list page asked for in ?page=, never below 1 (a bad value means the first)."""
    return max(request.args.get("page", 1, type=int), 1)
