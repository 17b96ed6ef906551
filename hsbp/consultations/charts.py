"""Server-drawn SVG charts of consultation results: option bars and cross-sector ranges.

Plain SVG with presentation attributes (no scripts, no inline CSS), allowed by the strict
Content-Security-Policy and a few hundred bytes each. Every chart sits next to a table
holding the same figures, so the drawing is an image with a short text alternative. Both are
mirrored in a right-to-left language (see hsbp.chart_svg).
"""

from __future__ import annotations

from markupsafe import Markup

from hsbp.chart_svg import (
    BAR,
    INK,
    LABEL_WIDTH,
    LOW,
    ROW,
    WIDTH,
    bar_chart,
    close,
    isolate,
    short,
    svg_open,
)
from hsbp.i18n import is_rtl


def _percent(share: float) -> str:
    return f"{round(share * 100)}%"


def range_chart(
    rows: list[tuple[str, float, float]],
    *,
    chart_id: str,
    title: str,
    summary: str,
    rtl: bool,
) -> Markup:
    """For each (label, lowest share, highest share) a line between the two, so a short line
    at the far end is common ground and a long line is disagreement between sectors."""
    track = WIDTH - LABEL_WIDTH - 20
    height = ROW * len(rows) + 26

    def x(at: float) -> str:
        return f"{WIDTH - at if rtl else at:.1f}"

    parts = svg_open(chart_id, WIDTH, height, title=title, summary=summary, rtl=rtl)
    for tick in (0, 0.5, 1):
        at = x(LABEL_WIDTH + track * tick)
        parts.append(
            f'<line x1="{at}" y1="2" x2="{at}" y2="{height - 18}" stroke="#6b7380" '
            f'stroke-dasharray="2 3"/><text x="{at}" y="{height - 4}" text-anchor="middle" '
            f'font-size="11" fill="{INK}">{isolate(_percent(tick))}</text>'
        )
    for index, (label, low, high) in enumerate(rows):
        y = 4 + index * ROW + 11
        x1, x2 = x(LABEL_WIDTH + track * low), x(LABEL_WIDTH + track * high)
        parts.append(
            f'<text x="{x(LABEL_WIDTH - 8)}" y="{y + 4}" text-anchor="end" font-size="13" '
            f'fill="{INK}" class="label">{isolate(short(label))}</text>'
            f'<line x1="{x1}" y1="{y}" x2="{x2}" y2="{y}" stroke="{BAR}" stroke-width="4"/>'
            f'<circle cx="{x1}" cy="{y}" r="5" fill="{LOW}"/>'
            f'<circle cx="{x2}" cy="{y}" r="5" fill="{BAR}"/>'
        )
    return close(parts)


def option_bars(question, *, summary: str, rtl: bool | None = None) -> Markup:
    """The bar chart of a question's results (a results.QuestionResult), laid out for the
    reader's language unless `rtl` says otherwise."""
    return bar_chart(
        [(o.label, o.share, _percent(o.share)) for o in question.options],
        chart_id=f"chart-{question.question.id}",
        title=question.text,
        summary=summary,
        rtl=is_rtl() if rtl is None else rtl,
    )


def shared_ranges(question, options, *, summary: str, rtl: bool | None = None) -> Markup:
    """The range chart of a question's options across sectors (results.SharedOption)."""
    return range_chart(
        [(o.option.label, o.min_share, o.max_share) for o in options],
        chart_id=f"range-{question.question.id}",
        title=question.text,
        summary=summary,
        rtl=is_rtl() if rtl is None else rtl,
    )
