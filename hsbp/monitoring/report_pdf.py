"""The progress report as a PDF, drawn with fpdf2 from a gathered ProgressReport: a pure
function of the report, so a view, the CLI or a task can call it alike.

The bundled DejaVu Sans covers every shipped language (Bosnian diacritics, Arabic); Arabic is
shaped by HarfBuzz and laid out right to left, with the page mirrored (text on the right).
Every name, typed text and value with its unit is drawn inside Unicode isolates (FSI ...
PDI), which fpdf2's bidirectional algorithm honours: "23 conflictos", "Acme S.A.S." and
"¿Agua?" keep their own order in an Arabic line, as <bdi> keeps them on the page.
Charts are drawn with PDF lines rather than embedded SVG: the same picture as the page's
chart (the dashed straight line from baseline to target, the values as a line with dots),
and they always run left to right, as time does on the page's charts.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from fpdf import FPDF
from fpdf.fonts import FontFace

from hsbp.i18n import isolated
from hsbp.monitoring import charts
from hsbp.monitoring.report_parts import IndicatorLine, ProgressReport

FONTS = Path(__file__).resolve().parent / "fonts"
FAMILY = "DejaVu"
INK = (27, 31, 36)
MUTED = (80, 84, 90)
BAR = (11, 83, 148)  # the values, as hsbp.chart_svg.BAR
LINE = (180, 95, 6)  # the expected path, as hsbp.monitoring.charts.LINE
TRACK = (230, 235, 241)
CHART_W, CHART_H = 90, 30  # millimetres
LINE_H = 5


class _Document(FPDF):
    def __init__(self, report: ProgressReport):
        super().__init__(format="A4", unit="mm")
        self.report = report
        self.align = "R" if report.rtl else "L"
        self.add_font(FAMILY, "", FONTS / "DejaVuSans.ttf")
        self.add_font(FAMILY, "B", FONTS / "DejaVuSans-Bold.ttf")
        # Shaping joins Arabic letters and applies the bidirectional algorithm; a right-to-left
        # report forces the paragraph direction, so a line that starts with a Latin name is
        # still laid out from the right.
        self.set_text_shaping(use_shaping_engine=True, direction="rtl" if report.rtl else None)
        self.set_margins(18, 18, 18)
        self.set_auto_page_break(True, margin=20)
        self.set_title(f"{report.labels['title']} · {report.partnership}")
        self.set_lang(report.locale)
        self.set_creator("hsbp")
        self.set_text_color(*INK)

    def footer(self):
        self.set_y(-14)
        self.set_font(FAMILY, "", 8)
        self.set_text_color(*MUTED)
        page = self.report.labels["page"] % {"number": self.page_no()}
        self.cell(0, 6, f"{isolated(self.report.partnership)} · {page}", align="C")
        self.set_text_color(*INK)

    # Text ---------------------------------------------------------------------------------

    def para(self, text: str, *, size: float = 10, bold: bool = False, muted: bool = False):
        self.set_font(FAMILY, "B" if bold else "", size)
        if muted:
            self.set_text_color(*MUTED)
        self.multi_cell(0, size * 0.5, text, align=self.align, new_x="LMARGIN", new_y="NEXT")
        self.set_text_color(*INK)

    def room(self, height: float) -> None:
        """Start a new page unless `height` millimetres still fit on this one."""
        if self.get_y() + height > self.page_break_trigger:
            self.add_page()

    def heading(self, text: str, level: int = 2) -> None:
        size = {1: 18, 2: 14, 3: 11.5}[level]
        self.room(30 if level < 3 else 20)
        self.ln(4 if level < 3 else 2)
        self.para(text, size=size, bold=True)
        if level == 2:
            self.set_draw_color(*MUTED)
            self.set_line_width(0.3)
            self.line(self.l_margin, self.get_y() + 1, self.w - self.r_margin, self.get_y() + 1)
            self.ln(3)
        else:
            self.ln(1)

    def grid(self, headings: list[str], rows: list[list[str]], widths: list[float]) -> None:
        """A table with a heading row; columns run from the right in a right-to-left report."""
        if self.report.rtl:
            headings, widths = headings[::-1], widths[::-1]
            rows = [row[::-1] for row in rows]
        self.set_font(FAMILY, "", 9)
        self.set_draw_color(*MUTED)
        self.set_fill_color(255)
        with self.table(
            col_widths=widths,
            text_align="RIGHT" if self.report.rtl else "LEFT",
            headings_style=FontFace(emphasis="BOLD", fill_color=TRACK),
            line_height=4.6,
            padding=1,
        ) as table:
            for row in [headings, *rows]:
                cells = table.row()
                for text in row:
                    # Cells hold names and figures: each keeps its own order.
                    cells.cell(isolated(text))
        self.ln(3)


def build(report: ProgressReport) -> bytes:
    """The report as PDF bytes."""
    pdf = _Document(report)
    pdf.add_page()
    pdf.para(report.labels["title"], size=20, bold=True)
    pdf.para(isolated(report.partnership), size=13)
    pdf.para(report.as_of, size=10, muted=True)
    _indicators(pdf, report)
    _actions(pdf, report)
    _consultations(pdf, report)
    _grievances(pdf, report)
    _pulses(pdf, report)
    _decisions(pdf, report)
    return bytes(pdf.output())


def _indicators(pdf: _Document, report: ProgressReport) -> None:
    labels = report.labels
    pdf.heading(labels["indicators"])
    if not report.goals:
        pdf.para(labels["no_indicator"])
    for goal in report.goals:
        pdf.heading(isolated(goal.title), 3)
        for line in goal.indicators:
            _indicator(pdf, line, labels)


def _indicator(pdf: _Document, line: IndicatorLine, labels: dict) -> None:
    pdf.room(CHART_H + 28)
    pdf.para(isolated(line.name), size=10.5, bold=True)
    if line.definition:
        pdf.para(isolated(line.definition), size=8.5, muted=True)
    pdf.room(CHART_H + 14)
    top = pdf.get_y() + 1
    facts = [
        f"{labels['baseline']}: {line.baseline}",
        f"{labels['target']}: {line.target}",
        f"{labels['latest']}: {line.latest or '—'}",
        f"{labels['progress']}: {isolated(line.achieved or '—')}",
        f"{labels['track']}: {line.track_label}",
    ]
    width = pdf.w - pdf.l_margin - pdf.r_margin - CHART_W - 6
    # The chart sits on the side a reader reaches last: right in a left-to-right report.
    chart_x = pdf.l_margin if pdf.report.rtl else pdf.w - pdf.r_margin - CHART_W
    text_x = pdf.w - pdf.r_margin - width if pdf.report.rtl else pdf.l_margin
    pdf.set_font(FAMILY, "", 9)
    pdf.set_xy(text_x, top)
    for fact in facts:
        pdf.set_x(text_x)
        pdf.multi_cell(width, 4.6, fact, align=pdf.align, new_x="LEFT", new_y="NEXT")
    text_end = pdf.get_y()
    chart_end = _chart(pdf, line, labels, chart_x, top)
    pdf.set_xy(pdf.l_margin, max(text_end, chart_end) + 4)


def _chart(pdf: _Document, line: IndicatorLine, labels: dict, x: float, y: float) -> float:
    """Draw the chart at (x, y); return where it ends, legend included."""
    in_box = charts.scaler(
        [line.baseline_point, line.target_point, *line.values],
        width=CHART_W,
        height=CHART_H,
        pad=3,
    )

    def at(when: date, value) -> tuple[float, float]:
        left, top = in_box(when, value)
        return x + left, y + top

    pdf.set_fill_color(*TRACK)
    pdf.rect(x, y, CHART_W, CHART_H, style="F")
    pdf.set_draw_color(*LINE)
    pdf.set_line_width(0.6)
    pdf.set_dash_pattern(dash=2, gap=1.4)
    pdf.line(*at(*line.baseline_point), *at(*line.target_point))
    pdf.set_dash_pattern()
    if line.values:
        pdf.set_draw_color(*BAR)
        pdf.set_line_width(0.5)
        if len(line.values) > 1:
            pdf.polyline([at(d, v) for d, v in line.values])
        pdf.set_fill_color(*INK)
        # Smaller dots when there are many, so five years of months stay a readable line.
        radius = 0.8 if len(line.values) <= 24 else 0.45
        for d, v in line.values:
            pdf.circle(*at(d, v), radius, style="F")
    # The axes' ends, in figures: small and grey, never mirrored.
    first, last, low, high = line.axis
    pdf.set_font(FAMILY, "", 6.5)
    pdf.set_text_color(*MUTED)
    pdf.set_xy(x, y + 0.5)
    pdf.cell(CHART_W - 1, 3, isolated(high), align="R")
    pdf.set_xy(x, y + CHART_H - 3.5)
    pdf.cell(CHART_W - 1, 3, isolated(low), align="R")
    pdf.set_xy(x, y + CHART_H + 0.5)
    pdf.cell(CHART_W / 2, 3, isolated(first), align="L")
    pdf.cell(CHART_W / 2, 3, isolated(last), align="R")
    # Legend: a dashed sample for the straight line, a solid one for the values.
    legend_y = y + CHART_H + 5.5
    for index, (colour, dashed, text) in enumerate(
        ((LINE, True, labels["expected"]), (BAR, False, labels["values"]))
    ):
        row = legend_y + index * 3.6
        pdf.set_draw_color(*colour)
        if dashed:
            pdf.set_dash_pattern(dash=2, gap=1.4)
        pdf.line(x, row + 1.5, x + 7, row + 1.5)
        pdf.set_dash_pattern()
        pdf.set_xy(x + 8, row)
        pdf.cell(CHART_W - 8, 3, text, align="L")
    pdf.set_text_color(*INK)
    pdf.set_fill_color(255)
    return legend_y + 7.2


def _actions(pdf: _Document, report: ProgressReport) -> None:
    labels, found = report.labels, report.actions
    pdf.heading(labels["actions"])
    if not found or not found.total:
        pdf.para(labels["no_action"])
        return
    rows = [[label, str(n)] for label, n in found.by_status]
    rows.append([labels["total"], str(found.total)])
    pdf.grid([labels["status"], labels["count"]], rows, [3, 1])
    pdf.heading(labels["overdue"], 3)
    if not found.overdue:
        pdf.para(labels["no_overdue"])
    else:
        pdf.grid(
            [labels["action"], labels["lead"], labels["due"], labels["status"]],
            [list(row) for row in found.overdue],
            [4, 2.5, 1.6, 1.6],
        )
    if found.noted:
        pdf.heading(labels["checked"], 3)
        pdf.grid(
            [labels["action"], labels["lead"], labels["check"]],
            [list(row) for row in found.noted],
            [4, 2.5, 3.2],
        )


def _consultations(pdf: _Document, report: ProgressReport) -> None:
    labels = report.labels
    pdf.heading(labels["consultations"])
    if not report.consultations:
        pdf.para(labels["no_consultation"])
    for line in report.consultations:
        pdf.heading(isolated(line.title), 3)
        closed = f"{labels['closed_on']}: {isolated(line.closed_on)} · " if line.closed_on else ""
        pdf.para(closed + line.responses, size=9, muted=True)
        if not line.outcome:
            pdf.para(labels["no_outcome"], size=9.5)
        for section, texts in line.outcome:
            pdf.para(section, size=9.5, bold=True)
            for text in texts:
                pdf.para(f"• {isolated(text)}", size=9.5)
        pdf.ln(2)


def _grievances(pdf: _Document, report: ProgressReport) -> None:
    labels = report.labels
    pdf.heading(labels["grievances"])
    pdf.para(labels["grievances_note"], size=9, muted=True)
    pdf.ln(1)
    pdf.grid([labels["figure"], labels["value"]], [list(r) for r in report.grievances], [3, 2])


def _pulses(pdf: _Document, report: ProgressReport) -> None:
    labels, found = report.labels, report.pulses
    pdf.heading(labels["pulses"])
    if found is None:
        pdf.para(labels["no_pulse"])
        return
    pdf.heading(found.title, 3)
    pdf.para(found.respondents, size=9.5)
    pdf.ln(1)
    if found.groups:
        pdf.grid(
            [labels["dimension"], *found.groups, labels["gap"]],
            [[name, *means, gap] for name, means, gap, _wide in found.rows],
            [2.2, *[1] * len(found.groups), 0.8],
        )
    pdf.heading(labels["trend"], 3)
    pdf.grid(
        [labels["round"], labels["closed_on"], labels["mean"], labels["largest_gap"]],
        [list(point) for point in found.trend],
        [3, 1.6, 1.4, 2.4],
    )


def _decisions(pdf: _Document, report: ProgressReport) -> None:
    labels = report.labels
    pdf.heading(labels["decisions"])
    if not report.decisions:
        pdf.para(labels["no_decision"])
    for line in report.decisions:
        pdf.room(25)
        title = (
            f"{isolated(line.decided_on)} · {isolated(line.review)}"
            if line.review
            else line.decided_on
        )
        pdf.para(title, size=10, bold=True)
        pdf.para(isolated(line.text), size=9.5)
        details = [
            f"{labels['decided_by']}: {isolated(line.decided_by)}" if line.decided_by else "",
            f"{labels['rule']}: {line.rule}" if line.rule else "",
            f"{labels['follow_up']}: {'; '.join(line.actions)}" if line.actions else "",
            line.charter_draft,
        ]
        for detail in filter(None, details):
            pdf.para(detail, size=8.5, muted=True)
        pdf.ln(2)
