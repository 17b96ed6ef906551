"""The action form folded for people in the field: its essentials (title, lead partner, due
date, status) shown, each other section folded away unless it holds a value or an error."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

# The form's sections after its essentials (title, lead partner, due date, status): each
# is folded away unless it holds a value or an error.
SECTIONS = (
    ("about", _l("Description and charter goal"), ("description", "goal_key", "principles")),
    (
        "who",
        _l("Other partners, people and dates"),
        ("supporter_ids", "responsible_ids", "start_on", "depends_on_ids"),
    ),
    ("where", _l("Where"), ("localities", "other_localities")),
    ("sdg", _l("Sustainable Development Goals"), ("sdg_targets",)),
    ("money", _l("Money and work"), ("budget", "contributions")),
)
# Fields whose value is a default the browser sends anyway: they open nothing by themselves.
UNTELLING = {"kind", "currency", "budget_currency"}


def _leaves(field):
    if field.type == "FormField":
        for sub in field.form:
            yield from _leaves(sub)
    elif field.type == "FieldList":
        for entry in field.entries:
            yield from _leaves(entry)
    else:
        yield field


def _holds(field) -> bool:
    """Whether a field (or any field of a sub-form or of a list of rows) holds an error or a
    value someone gave."""
    return any(
        leaf.errors or (leaf.short_name not in UNTELLING and leaf.data not in (None, "", []))
        for leaf in _leaves(field)
    )


def open_sections(form) -> set[str]:
    """The keys of the sections of `form` that hold a value or an error."""
    return {key for key, _label, names in SECTIONS if any(_holds(form[n]) for n in names)}
