"""What the framework part of risks plugs into the app: the audit sentences of tags and
exports, the box of an item's framework references on the action page (a section of the
checklist's) and the template globals the risk, indicator and charter pages call for theirs
(those features do not import risks: their templates ask `framework_box is defined`)."""

from __future__ import annotations

from flask import Flask, g, url_for
from flask_babel import get_locale

from hsbp import db
from hsbp.actions import extras
from hsbp.risks import frameworks, tagging
from hsbp.risks.frameworks import Text

BOX = "risks/_tags_box.html"


def reference_label(code: str, locale: str) -> Text:
    """ "PS4 Community health, safety and security", in the reader's language or English
    marked as such; the bare code for a tag the dataset no longer ships."""
    if frameworks.is_reference(code):
        return frameworks.label(code, locale)
    return Text(code, "en", False)


def framework_short(code: str) -> Text:
    """The short name of the framework of reference `code` ("IFC PS"), for the reader."""
    key = code.split(":", 1)[0]
    if key not in frameworks.ORDER:
        return Text(key, "en", False)
    return frameworks.short(key, str(get_locale()))


def framework_tags_map(kind: str, keys) -> dict[str, list[tuple[str, Text]]]:
    """{key: [(code, label)]} of the current partnership's items `keys` of `kind`: one query."""
    partnership = g.get("partnership")
    keys = [str(key) for key in keys]
    if partnership is None:
        return {key: [] for key in keys}
    locale = str(get_locale())
    found = tagging.tags_of(db.session(), partnership_id=partnership.id, kind=kind, keys=keys)
    return {
        key: [(code, reference_label(code, locale)) for code in codes]
        for key, codes in found.items()
    }


def framework_tags(kind: str, key) -> list[tuple[str, Text]]:
    """[(code, label)] of one item of the current partnership: one query."""
    return framework_tags_map(kind, [key])[str(key)]


def framework_edit_url(kind: str, item) -> str | None:
    """The page to change an item's references, when the reader may (`item` is the row, or
    a goal's key); None otherwise."""
    membership = g.get("membership")
    if membership is None or kind not in tagging.KINDS:
        return None
    key = str(item if kind == tagging.GOAL else item.id)
    if kind == tagging.GOAL:
        may = tagging.may_tag_goals(membership)
    else:
        may = tagging.may_tag(db.session(), membership, tagging.Subject(kind, key, item))
    if not may:
        return None
    return url_for("risks.tags", partnership_id=membership.partnership_id, kind=kind, key=key)


def framework_box(kind: str, item) -> dict | None:
    """What the box of an item's references shows: its tags, and the link to change them when
    the reader may (for a risk, whoever may edit it). `item` is the row, or a goal's key."""
    membership = g.get("membership")
    if membership is None or kind not in tagging.KINDS:
        return None
    key = str(item if kind == tagging.GOAL else item.id)
    return {
        "framework_kind": kind,
        "key": key,
        "tags": framework_tags(kind, key),
        "edit": framework_edit_url(kind, item),
    }


def _action_section(session, *, action, membership) -> dict | None:
    return framework_box(tagging.ACTION, action)


def init_app(app: Flask) -> None:
    """Register this part's audit sentences, template globals and the action page's box."""
    import hsbp.risks.framework_activity  # noqa: F401  (registers on import)

    app.add_template_global(framework_tags, "framework_tags")
    app.add_template_global(framework_tags_map, "framework_tags_map")
    app.add_template_global(framework_short, "framework_short")
    app.add_template_global(framework_box, "framework_box")
    app.add_template_global(framework_edit_url, "framework_edit_url")
    extras.add_section(app, template=BOX, context=_action_section)
