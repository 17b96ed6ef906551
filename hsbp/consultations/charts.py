"""Server-drawn SVG charts of consultation results: option bars and cross-sector ranges.

Plain SVG with presentation attributes (no scripts, no inline CSS), allowed by the strict
Content-Security-Policy and a few hundred bytes each. Every chart sits next to a table
holding the same figures, so the drawing is an image with a short text alternative.
"""

from __future__ import annotations

from markupsafe import Markup, escape

INK = "#1b1f24"
BAR = "#0b5394"
TRACK = "#e6ebf1"
LOW = "#a1251b"
WIDTH = 560
LABEL_WIDTH = 190
ROW = 26
LABEL_CHARS = 28


def _short(text: str) -> str:
    return text if len(text) <= LABEL_CHARS else text[: LABEL_CHARS - 1] + "…"


def _percent(share: float) -> str:
    return f"{round(share * 100)}%"


def bar_chart(rows: list[tuple[str, float]], *, chart_id: str, title: str, summary: str) -> Markup:
    """Horizontal bars, one per (label, share 0..1), drawn against a full-width track."""
    track = WIDTH - LABEL_WIDTH - 50
    height = ROW * len(rows) + 6
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" class="chart">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(summary)}</desc>',
    ]
    for index, (label, share) in enumerate(rows):
        y = 4 + index * ROW
        length = max(track * share, 0)
        parts.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{y + 15}" text-anchor="end" font-size="13" '
            f'fill="{INK}">{escape(_short(label))}</text>'
            f'<rect x="{LABEL_WIDTH}" y="{y + 3}" width="{track}" height="16" fill="{TRACK}"/>'
            f'<rect x="{LABEL_WIDTH}" y="{y + 3}" width="{length:.1f}" height="16" '
            f'fill="{BAR}"/>'
            f'<text x="{LABEL_WIDTH + track + 6}" y="{y + 15}" font-size="13" '
            f'fill="{INK}">{_percent(share)}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704  (every interpolated text went through escape)


def range_chart(
    rows: list[tuple[str, float, float]], *, chart_id: str, title: str, summary: str
) -> Markup:
    """For each (label, lowest share, highest share) a line between the two, so a short line
    far right is common ground and a long line is disagreement between sectors."""
    track = WIDTH - LABEL_WIDTH - 20
    height = ROW * len(rows) + 26
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" class="chart">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(summary)}</desc>',
    ]
    for tick in (0, 0.5, 1):
        x = LABEL_WIDTH + track * tick
        parts.append(
            f'<line x1="{x:.1f}" y1="2" x2="{x:.1f}" y2="{height - 18}" stroke="#6b7380" '
            f'stroke-dasharray="2 3"/><text x="{x:.1f}" y="{height - 4}" text-anchor="middle" '
            f'font-size="11" fill="{INK}">{_percent(tick)}</text>'
        )
    for index, (label, low, high) in enumerate(rows):
        y = 4 + index * ROW + 11
        x1, x2 = LABEL_WIDTH + track * low, LABEL_WIDTH + track * high
        parts.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{y + 4}" text-anchor="end" font-size="13" '
            f'fill="{INK}">{escape(_short(label))}</text>'
            f'<line x1="{x1:.1f}" y1="{y}" x2="{x2:.1f}" y2="{y}" stroke="{BAR}" '
            f'stroke-width="4"/>'
            f'<circle cx="{x1:.1f}" cy="{y}" r="5" fill="{LOW}"/>'
            f'<circle cx="{x2:.1f}" cy="{y}" r="5" fill="{BAR}"/>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704  (every interpolated text went through escape)


def option_bars(question, *, summary: str) -> Markup:
    """The bar chart of a question's results (a results.QuestionResult)."""
    return bar_chart(
        [(o.label, o.share) for o in question.options],
        chart_id=f"chart-{question.question.id}",
        title=question.text,
        summary=summary,
    )


def shared_ranges(question, options, *, summary: str) -> Markup:
    """The range chart of a question's options across sectors (results.SharedOption)."""
    return range_chart(
        [(o.option.label, o.min_share, o.max_share) for o in options],
        chart_id=f"range-{question.question.id}",
        title=question.text,
        summary=summary,
    )
