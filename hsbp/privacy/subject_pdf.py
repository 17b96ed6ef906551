"""A person's export as a PDF, drawn with fpdf2 from its readable sections
(hsbp.privacy.export_sections): the page of the progress report's PDF (hsbp.monitoring
.report_pdf), whose bundled font covers every shipped language and whose text shaping joins
Arabic and lays it out right to left. Every value is drawn inside Unicode isolates, so a
name or an answer keeps its own order in a line of the other direction."""

from __future__ import annotations

from dataclasses import dataclass

from hsbp.i18n import isolated
from hsbp.monitoring import report_pdf
from hsbp.monitoring.report_parts import LABELS as REPORT_LABELS
from hsbp.privacy.export_layout import Section


@dataclass(frozen=True)
class _Heading:
    """What the report's page reads of its report: title, partnership, language, direction."""

    labels: dict
    partnership: str
    locale: str
    rtl: bool


class _Sheet(report_pdf._Document):
    def facts(self, facts: list[tuple[str, str]]) -> None:
        for label, value in facts:
            self.room(10)
            self.para(label, size=8.5, bold=True, muted=True)
            self.para(isolated(value), size=10)
            self.ln(1)


def build(
    sections: list[Section], *, title: str, subtitle: str, partnership: str, locale: str, rtl: bool
) -> bytes:
    """The export as PDF bytes: `title`, `subtitle` (when and for whom), then each section."""
    head = _Heading(
        labels={"title": title, "page": str(REPORT_LABELS["page"])},
        partnership=partnership,
        locale=locale,
        rtl=rtl,
    )
    pdf = _Sheet(head)
    pdf.add_page()
    pdf.para(title, size=18, bold=True)
    pdf.para(isolated(partnership), size=12)
    pdf.para(subtitle, size=9.5, muted=True)
    for section in sections:
        _section(pdf, section, level=2)
    return bytes(pdf.output())


def _section(pdf: _Sheet, section: Section, *, level: int) -> None:
    pdf.heading(isolated(section.title) if level > 2 else section.title, level)
    pdf.facts(section.facts)
    for table in section.tables:
        pdf.grid(table.headings, table.rows, table.widths)
    for text in section.paragraphs:
        pdf.para(text, size=9.5)
        pdf.ln(1)
    for part in section.parts:
        _section(pdf, part, level=3)
