"""Server-drawn SVG of an indicator: its values in force against the straight line from
baseline to target. Plain SVG (no script, no inline CSS), as hsbp.grievances.charts; the
values also sit in a table on the page, so the chart is an image with a short text."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

from flask_babel import gettext as _
from markupsafe import Markup, escape

from hsbp.consultations.charts import BAR, INK, TRACK

LINE = "#b45f06"  # the expected path: dashed and orange, apart from the values in grey scale


def scaler(points, *, width: float, height: float, pad: float) -> Callable:
    """(date, value) -> (x, y) in a box of `width` x `height` with `pad` inside it, scaled to
    fit every one of `points` (dates left to right, values bottom to top). The page's SVG and
    the PDF draw with the same one."""
    days = [d.toordinal() for d, _v in points]
    amounts = [float(v) for _d, v in points]
    x0, y0 = min(days), min(amounts)
    x_span, y_span = (max(days) - x0) or 1, (max(amounts) - y0) or 1

    def at(when: date, value) -> tuple[float, float]:
        return (
            pad + (when.toordinal() - x0) * (width - 2 * pad) / x_span,
            height - pad - (float(value) - y0) * (height - 2 * pad) / y_span,
        )

    return at


def indicator_chart(standing, *, name: str, chart_id: str, compact: bool = False) -> Markup:
    """The chart of one indicator's standing (hsbp.monitoring.queries.Standing), titled with
    its name in the reader's language."""
    indicator = standing.indicator
    return line_chart(
        baseline=(indicator.baseline_on, indicator.baseline_value),
        target=(indicator.target_on, indicator.target_value),
        values=standing.values,
        chart_id=chart_id,
        compact=compact,
        title=name,
        summary=_(
            "Values of %(name)s against the straight line from the baseline to the target.",
            name=name,
        ),
    )


def line_chart(
    *,
    baseline: tuple[date, Decimal],
    target: tuple[date, Decimal],
    values: list[tuple[date, Decimal]],
    chart_id: str,
    title: str,
    summary: str,
    width: int = 320,
    height: int = 120,
    compact: bool = False,
) -> Markup:
    """The expected straight line (dashed) and the values (a line with dots), scaled to fit
    the dates and values of all three. `compact`: a small sparkline for a list of many
    indicators, a dot on the latest value only and hidden from screen readers (the row beside
    it says the same in words), so 200 indicators stay a light page."""
    if compact:
        width, height = 120, 36
    at = scaler((baseline, target, *values), width=width, height=height, pad=4 if compact else 8)

    def point(when: date, value) -> str:
        x, y = at(when, value)
        return f"{x:.1f},{y:.1f}"

    opening = f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
    if compact:
        parts = [f'{opening}aria-hidden="true" class="chart" width="{width}" height="{height}">']
    else:
        parts = [
            f'{opening}role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" '
            f'class="chart" width="{width}" height="{height}">',
            f'<title id="{chart_id}-title">{escape(title)}</title>',
            f'<desc id="{chart_id}-desc">{escape(summary)}</desc>',
        ]
    parts += [
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="{TRACK}" opacity="0.3"/>',
        f'<polyline points="{point(*baseline)} {point(*target)}" fill="none" '
        f'stroke="{LINE}" stroke-width="2" stroke-dasharray="6 4"/>',
    ]
    if values:
        path = " ".join(point(d, v) for d, v in values)
        parts.append(f'<polyline points="{path}" fill="none" stroke="{BAR}" stroke-width="2"/>')
        for d, v in values[-1:] if compact else values:
            x, y = point(d, v).split(",")
            parts.append(f'<circle cx="{x}" cy="{y}" r="3" fill="{INK}"/>')
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704  (every interpolated text went through escape)
