"""What other features show on the checklist's pages without the checklist importing them: a
section of an action's page, notes said of actions (beside each action on the public page
and in the progress report; a flagged note puts the action on the dashboard), and columns of
the CSV/XLSX export.

Features that build on the checklist (the community's checks of done actions) register here
in create_app(); the checklist only asks. Providers read in a fixed number of queries, so the
pages listing every action stay flat however many there are.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask, current_app
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from hsbp.actions.models import Action
from hsbp.partnerships.models import Membership

SECTIONS_KEY = "hsbp.actions.page_sections"
NOTES_KEY = "hsbp.actions.notes"
COLUMNS_KEY = "hsbp.actions.export_columns"

# section(session, action=, membership=) -> the template's context, or None to show nothing.
SectionContext = Callable[..., dict | None]
# provider(session, partnership_id=, public=) -> {action id: note}; `public` for the page
# anyone with the link reads (only what may be public).
NoteProvider = Callable[..., dict[int, "Note"]]
# provider(session, partnership_id=) -> the columns it adds to the export, or None when it has
# nothing to say of this partnership's actions (no empty columns then).
ColumnProvider = Callable[..., "Columns | None"]


@dataclass(frozen=True)
class Note:
    """A line said of an action, in the reader's language ("Community check: 34 yes, 5 no");
    `flagged` when it needs the partners' attention (shown on the dashboard)."""

    text: str
    flagged: bool = False


def add_section(app: Flask, *, template: str, context: SectionContext) -> None:
    """Show `template` on every action's page, below the evidence, with `section` set to
    what `context` returns (nothing is shown when it returns None)."""
    sections = app.extensions.setdefault(SECTIONS_KEY, [])
    if (template, context) not in sections:
        sections.append((template, context))


def sections(session: Session, *, action: Action, membership: Membership) -> list[tuple]:
    """[(template, its context)] of the registered sections with something to show."""
    found = []
    for template, context in current_app.extensions.get(SECTIONS_KEY, ()):
        section = context(session, action=action, membership=membership)
        if section is not None:
            found.append((template, section))
    return found


def add_notes(app: Flask, provider: NoteProvider) -> None:
    """Ask `provider` for notes of a partnership's actions wherever the checklist lists them."""
    providers = app.extensions.setdefault(NOTES_KEY, [])
    if provider not in providers:
        providers.append(provider)


def notes(session: Session, *, partnership_id: int, public: bool = False) -> dict[int, list]:
    """{action id: [notes]} from every provider, in the order they were registered."""
    found: dict[int, list[Note]] = {}
    for provider in current_app.extensions.get(NOTES_KEY, ()):
        given = provider(session, partnership_id=partnership_id, public=public)
        for action_id, note in given.items():
            found.setdefault(action_id, []).append(note)
    return found


def flagged(session: Session, *, partnership_id: int) -> list[tuple[Action, list[str]]]:
    """The actions some note flags, soonest due first, each with its flagged notes' texts
    (the lead partner loaded): for the dashboard."""
    texts = {
        action_id: [note.text for note in found if note.flagged]
        for action_id, found in notes(session, partnership_id=partnership_id).items()
    }
    texts = {action_id: found for action_id, found in texts.items() if found}
    if not texts:
        return []
    rows = session.scalars(
        select(Action)
        .where(Action.partnership_id == partnership_id, Action.id.in_(texts))
        .options(selectinload(Action.lead_partner))
        .order_by(Action.due_on.is_(None), Action.due_on, Action.id)
    )
    return [(action, texts[action.id]) for action in rows]


@dataclass(frozen=True)
class Columns:
    """Columns added to the export: their headings (in the reader's language) and each
    action's values, one per heading; an action missing from `values` gets empty cells."""

    headings: tuple[str, ...]
    values: dict[int, tuple]


def add_columns(app: Flask, provider: ColumnProvider) -> None:
    """Add the columns `provider` gives to the checklist's export, after its own."""
    providers = app.extensions.setdefault(COLUMNS_KEY, [])
    if provider not in providers:
        providers.append(provider)


def columns(session: Session, *, partnership_id: int) -> list[Columns]:
    """The columns of every provider with something to say, in the order they registered."""
    found = []
    for provider in current_app.extensions.get(COLUMNS_KEY, ()):
        given = provider(session, partnership_id=partnership_id)
        if given is not None:
            found.append(given)
    return found
