"""The error services raise when a request cannot be carried out; views show its message."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l


class ServiceError(Exception):
    """A rule of the domain refused the change. `message` is already translated (lazily) and
    `field`, when set, names the form field it belongs to."""

    def __init__(self, message, *, field: str | None = None):
        super().__init__(str(message))
        self.message = message
        self.field = field


def apply_to_form(form, error: ServiceError) -> None:
    """Show a service's refusal beside the field it concerns, or at the top of the form."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        form.form_errors.append(error.message)


def form_fields(form):
    """Every field of `form` that holds a value, inside its sub-forms and lists too: the
    fields a service's error may name (`contributions-0-amount`)."""
    for field in form:
        if field.type == "FormField":
            yield from form_fields(field.form)
        elif field.type == "FieldList":
            for entry in field.entries:
                yield from form_fields(entry.form) if entry.type == "FormField" else (entry,)
        else:
            yield field


def apply_error(form, error: ServiceError, find=None) -> None:
    """Show a refusal beside the (possibly nested) field it names, with a summary at the
    top; a refusal of no field shows at the top alone. `find(form, name)` finds the field
    where a form names its fields otherwise than the service does."""
    # A lazy string passes as safe HTML in a template; made a plain string, the titles some
    # messages quote are escaped like any other text.
    message = str(error.message)
    named = error.field and (find or _field_named)(form, error.field)
    if not named:
        form.form_errors.append(message)
        return
    named.errors = [*named.errors, message]
    form.form_errors.append(str(_l("Please correct the fields marked below.")))


def _field_named(form, name: str):
    return next((f for f in form_fields(form) if f.name == name), None)
