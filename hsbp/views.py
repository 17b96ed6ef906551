"""Small helpers shared by every blueprint's views."""

from flask import render_template


def render_form(template: str, *forms, **context):
    """Render a page holding forms; answer 422 when any of them has errors, so the request
    wrapper rolls back whatever a refused service call had flushed."""
    failed = any(form.errors or getattr(form, "form_errors", None) for form in forms)
    return render_template(template, **context), 422 if failed else 200
