"""The shape of a readable export (sections of facts, tables and paragraphs) and how its
cells are written: shared by the sections (hsbp.privacy.export_sections) and the PDF."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import format_date

from hsbp.i18n import format_when
from hsbp.privacy import export_labels as L


@dataclass
class Table:
    caption: str
    headings: list[str]
    rows: list[list[str]]
    # Relative column widths, for the PDF.
    widths: list[float]


@dataclass
class Section:
    key: str
    title: str
    facts: list[tuple[str, str]] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    paragraphs: list[str] = field(default_factory=list)
    parts: list[Section] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.facts or self.tables or self.paragraphs or self.parts)


def named(labels: dict, code) -> str:
    """A code by its label; an unknown one as it is, an empty one as a dash."""
    if code is None or code == "":
        return "—"
    return str(labels.get(code, code))


def at_time(value) -> str:
    return format_when(value) if value else "—"


def on_day(value) -> str:
    return format_date(value) if value else "—"


def yes_no(value) -> str:
    if value is None:
        return "—"
    return str(L.YES if value else L.NO)


def shown(value) -> str:
    return value if value not in (None, "") else "—"
