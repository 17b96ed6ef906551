"""The report by framework as a PDF, drawn with fpdf2 from a gathered FrameworkReport: a pure
function of the report, so a view, the CLI or a task can call it alike.

It uses the progress report's bundled DejaVu fonts (every shipped language, Arabic included)
and, like it, shapes Arabic with HarfBuzz and lays a right-to-left report out from the right,
names and figures inside Unicode isolates. Each item is a paragraph wrapped here, word by
word, rather than a table cell: a partnership may tag thousands of risks, and fpdf2 measures
every cell of a table twice and every wrapped line once per letter. Shaping is switched on
only when a text needs it (a right-to-left language, or a script whose letters join), as it
costs several times the drawing itself.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator

from fpdf import FPDF

from hsbp.i18n import isolated
from hsbp.monitoring.report_pdf import FAMILY, FONTS, INK, MUTED
from hsbp.risks.framework_parts import FrameworkReport, ReferenceLine

# The directional isolates: honoured by the shaping engine, drawn as missing glyphs without it.
ISOLATES = dict.fromkeys(map(ord, "\u2066\u2067\u2068\u2069"), None)
SHAPED_CLASSES = frozenset({"R", "AL", "AN"})
LINE_H = 4.6
# (style, text) steps of the document: "title", "subtitle", "note", "h2", "h3", "label",
# "item", "muted" (see _Document.draw).
Step = tuple[str, str]


def build(report: FrameworkReport) -> bytes:
    """The report as PDF bytes."""
    steps = list(_steps(report))
    pdf = _Document(report, shaping=report.rtl or any(_needs_shaping(text) for _s, text in steps))
    pdf.add_page()
    for style, text in steps:
        pdf.draw(style, text)
    return bytes(pdf.output())


def _needs_shaping(text: str) -> bool:
    """Whether `text` holds letters that join or run right to left (Arabic, Hebrew) or
    combining marks (Indic scripts, decomposed accents): only then is shaping worth its cost."""
    if text.isascii():
        return False
    return any(
        unicodedata.bidirectional(char) in SHAPED_CLASSES or unicodedata.combining(char)
        for char in text
    )


def _steps(report: FrameworkReport) -> Iterator[Step]:
    labels = report.labels
    yield "title", labels["title"]
    yield "subtitle", isolated(report.partnership)
    yield "h2", report.heading
    yield "muted", report.as_of
    source = report.source
    yield (
        "muted",
        labels["source"]
        % {
            "publisher": isolated(source.publisher),
            "title": isolated(source.title),
            "year": source.year,
        },
    )
    yield "muted", labels["data_version"] % {"version": report.data_version}
    yield "note", report.summary
    if not report.everything:
        yield "muted", labels["only_some"]
    if report.partner:
        yield "muted", labels["partner_note"]
    yield "muted", labels["risks_note"]
    shown = report.shown
    if not shown:
        yield "note", labels["no_reference"]
    group = None
    for line in shown:
        if line.group is not None and line.group_code != group:
            group = line.group_code
            yield "h2", isolated(line.group.text)
        yield from _reference(report, line)


def _reference(report: FrameworkReport, line: ReferenceLine) -> Iterator[Step]:
    labels = report.labels
    yield "h3", f"{isolated(line.number)} {isolated(line.title.text)}"
    if not line.has_something:
        yield "muted", labels["nothing"]
    if line.goals:
        yield "label", labels["goals"]
        for goal in line.goals:
            yield "item", isolated(goal.title)
    if line.actions:
        yield "label", labels["actions"]
        for a in line.actions:
            facts = [isolated(a.lead), a.due or "—", a.status_label, isolated(a.progress_text)]
            yield "item", f"{isolated(a.title)} — {' · '.join(facts)}"
    if line.indicators:
        yield "label", labels["indicators"]
        for i in line.indicators:
            facts = [
                f"{labels['latest']}: {i.latest or '—'}",
                f"{labels['target']}: {i.target}",
                i.track_label,
            ]
            yield "item", f"{isolated(i.name)} — {' · '.join(facts)}"
    if line.risks:
        yield "label", labels["risks"]
        for r in line.risks:
            facts = [
                r.status_label,
                f"{labels['severity']}: {r.severity}",
                f"{labels['likelihood']}: {r.likelihood}",
            ]
            if r.connections:
                facts.append(r.connections)
            facts.append(f"{labels['grievances_linked']}: {r.grievances}")
            yield "item", f"{isolated(f'{r.label} {r.title}')} — {' · '.join(facts)}"
        yield "note", labels["grievances_linked_line"] % {"count": line.grievances_linked}
    if line.shows_grievances and report.grievances is not None:
        yield "label", labels["grievances"]
        figures = report.grievances.rows(labels)
        yield "item", " · ".join(f"{label}: {isolated(value)}" for label, value in figures)
        yield "muted", labels["grievance_note"]


class _Document(FPDF):
    # (size, bold, muted, space before) of each style of step.
    STYLES = {
        "title": (20, True, False, 0),
        "subtitle": (13, False, False, 0),
        "h2": (13, True, False, 4),
        "h3": (11, True, False, 3),
        "label": (9.5, True, False, 1),
        "item": (9, False, False, 0),
        "note": (9.5, False, False, 1),
        "muted": (8.5, False, True, 0),
    }

    def __init__(self, report: FrameworkReport, *, shaping: bool):
        super().__init__(format="A4", unit="mm")
        self.report = report
        self.align = "R" if report.rtl else "L"
        self.add_font(FAMILY, "", FONTS / "DejaVuSans.ttf")
        self.add_font(FAMILY, "B", FONTS / "DejaVuSans-Bold.ttf")
        self.shaping = shaping
        self._widths: dict[tuple, float] = {}
        if shaping:
            self.set_text_shaping(use_shaping_engine=True, direction="rtl" if report.rtl else None)
        self.set_margins(18, 18, 18)
        self.set_auto_page_break(True, margin=20)
        self.set_title(f"{report.labels['title']} · {report.short.text} · {report.partnership}")
        self.set_lang(report.locale)
        self.set_creator("hsbp")
        self.set_text_color(*INK)

    def text_of(self, text: str) -> str:
        return text if self.shaping else text.translate(ISOLATES)

    def footer(self):
        self.set_y(-14)
        self.set_font(FAMILY, "", 8)
        self.set_text_color(*MUTED)
        page = self.report.labels["page"] % {"number": self.page_no()}
        self.cell(0, 6, self.text_of(f"{isolated(self.report.partnership)} · {page}"), align="C")
        self.set_text_color(*INK)

    def draw(self, style: str, text: str) -> None:
        size, bold, muted, before = self.STYLES[style]
        if before:
            # A heading keeps the first lines under it on its page.
            if style in ("h2", "h3") and self.get_y() + 20 > self.page_break_trigger:
                self.add_page()
            else:
                self.ln(before)
        self.set_font(FAMILY, "B" if bold else "", size)
        self.set_text_color(*(MUTED if muted else INK))
        text = self.text_of(text)
        if style == "item":
            text = f"• {text}"
        height = max(LINE_H, size * 0.5)
        for part, fits in self.wrap(text):
            if fits:
                self.cell(0, height, part, align=self.align, new_x="LMARGIN", new_y="NEXT")
            else:  # one word wider than the page (a long address): fpdf2 breaks it
                self.multi_cell(0, height, part, align=self.align, new_x="LMARGIN", new_y="NEXT")
        self.set_text_color(*INK)

    def width_of(self, word: str) -> float:
        key = (self.font_style, self.font_size_pt, word)
        if key not in self._widths:
            self._widths[key] = self.get_string_width(word)
        return self._widths[key]

    def wrap(self, text: str) -> list[tuple[str, bool]]:
        """`text` broken into lines at spaces, each with whether it fits the page's width.

        fpdf2's own wrapping measures the whole line again at each letter; here each word is
        measured once (and remembered: a report says "Open" and "Likely" thousands of times),
        so a long report is drawn in seconds. Lines are broken in the text's own order, as the
        bidirectional algorithm wants; each line is then laid out on its own."""
        limit = self.epw - 1
        space = self.width_of(" ")
        lines: list[tuple[str, bool]] = []
        words: list[str] = []
        width = 0.0
        for word in text.split(" "):
            measured = self.width_of(word)
            if words and width + space + measured > limit:
                lines.append((" ".join(words), width <= limit))
                words, width = [word], measured
            else:
                width = width + space + measured if words else measured
                words.append(word)
        lines.append((" ".join(words), width <= limit))
        return lines
