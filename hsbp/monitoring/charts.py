"""Server-drawn SVG of an indicator: its values in force against the straight line from
baseline to target, with the same axes, dates, values and legend as the PDF report's chart.
Plain SVG (no script, no inline CSS), built with hsbp.chart_svg; the values also sit in a
table on the page, so the chart is an image with a short text."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

from flask_babel import format_date
from flask_babel import gettext as _
from markupsafe import Markup, escape

from hsbp.chart_svg import (
    BAR,
    INK,
    MUTED,
    TRACK,
    Key,
    close,
    direction,
    isolate,
    legend,
    legend_height,
    svg_open,
)
from hsbp.i18n import is_rtl
from hsbp.monitoring.display import amount as request_amount

LINE = "#b45f06"  # the expected path: dashed and orange, apart from the values in grey scale
REFERENCE = "#5b5f66"  # the baseline's and the target's levels: dotted grey
WIDTH, PLOT_HEIGHT = 440, 170  # narrow enough for 10 px labels on a phone
LEFT, TOP = 14, 26  # room above the plot for the highest value's label
CHAR_WIDTH = 6.5  # about the width of a character at 11 units, to keep value labels apart


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


def indicator_chart(
    standing,
    *,
    name: str,
    chart_id: str,
    compact: bool = False,
    amount: Callable | None = None,
    day: Callable | None = None,
    rtl: bool | None = None,
) -> Markup:
    """The chart of one indicator's standing (hsbp.monitoring.queries.Standing), titled with
    its name in the reader's language. `amount(indicator, value)` and `day(date)` write
    values and dates (the request's language unless given, as the report does)."""
    indicator = standing.indicator
    baseline = (indicator.baseline_on, indicator.baseline_value)
    target = (indicator.target_on, indicator.target_value)
    summary = _(
        "Values of %(name)s against the straight line from the baseline to the target.",
        name=name,
    )
    if compact:
        return sparkline(baseline=baseline, target=target, values=standing.values)
    write = amount or request_amount
    return line_chart(
        baseline=baseline,
        target=target,
        values=standing.values,
        chart_id=chart_id,
        title=name,
        summary=summary,
        amount=lambda value: write(indicator, value),
        day=day or format_date,
        rtl=is_rtl() if rtl is None else rtl,
    )


def sparkline(*, baseline, target, values, width: int = 120, height: int = 36) -> Markup:
    """A small line for a list of many indicators: the expected path and the values, a dot on
    the latest, hidden from screen readers (the row beside it says the same in words), so
    200 indicators stay a light page."""
    at = scaler((baseline, target, *values), width=width, height=height, pad=4)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'aria-hidden="true" class="chart" width="{width}" height="{height}">',
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="{TRACK}" opacity="0.3"/>',
        _polyline(at, [baseline, target], f'stroke="{LINE}" stroke-dasharray="6 4"'),
    ]
    if values:
        parts.append(_polyline(at, values, f'stroke="{BAR}"'))
        x, y = at(*values[-1])
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{INK}"/>')
    return close(parts)


def _polyline(at: Callable, points, style: str) -> str:
    path = " ".join("{:.1f},{:.1f}".format(*at(d, v)) for d, v in points)
    return f'<polyline points="{path}" fill="none" stroke-width="2" {style}/>'


def line_chart(
    *,
    baseline: tuple[date, Decimal],
    target: tuple[date, Decimal],
    values: list[tuple[date, Decimal]],
    chart_id: str,
    title: str,
    summary: str,
    amount: Callable[[Decimal], str],
    day: Callable[[date], str],
    rtl: bool,
) -> Markup:
    """The expected straight line (dashed), the baseline's and target's levels (dotted, each
    labelled with its value) and the values (a line with dots, each labelled), over a date
    axis and above a legend. Time runs left to right in every language, as in the PDF; the
    words follow the reader's direction and every value and date is isolated."""
    keys = [
        Key(_("Straight line from the baseline to the target"), LINE, "6 4"),
        Key(_("Values"), BAR, ""),
        Key(_("Baseline and target levels"), REFERENCE, "1 3"),
    ]
    plot_w, plot_h = WIDTH - 2 * LEFT, PLOT_HEIGHT - TOP
    axis_y = TOP + plot_h
    height = axis_y + 34 + legend_height(keys)
    box = scaler((baseline, target, *values), width=plot_w, height=plot_h, pad=10)

    def at(when: date, value) -> tuple[float, float]:
        x, y = box(when, value)
        return LEFT + x, TOP + y

    words = f'direction="{direction(rtl)}"'
    # In a right-to-left text "start" is its right side: this puts a text's right side on x
    # whatever the reader's direction.
    right_side = "start" if rtl else "end"
    parts = svg_open(chart_id, WIDTH, height, title=title, summary=summary, rtl=False)
    parts.append(
        f'<rect x="{LEFT}" y="{TOP}" width="{plot_w}" height="{plot_h}" fill="{TRACK}" '
        f'opacity="0.3"/>'
        f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{axis_y}" stroke="{INK}"/>'
        f'<line x1="{LEFT}" y1="{axis_y}" x2="{WIDTH - LEFT}" y2="{axis_y}" stroke="{INK}"/>'
    )
    # Both levels are labelled at the far end, past the latest value, where the plot is empty.
    for (when, value), label in ((baseline, _("Baseline")), (target, _("Target"))):
        _x, y = at(when, value)
        parts.append(
            f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - LEFT}" y2="{y:.1f}" '
            f'stroke="{REFERENCE}" stroke-dasharray="1 3"/>'
            f'<text x="{WIDTH - LEFT - 4}" y="{y - 4:.1f}" {words} text-anchor="{right_side}" '
            f'font-size="11" fill="{MUTED}" class="reference">'
            f"{escape(label)}: {isolate(amount(value))}</text>"
        )
    parts.append(_polyline(at, [baseline, target], f'stroke="{LINE}" stroke-dasharray="6 4"'))
    if values:
        parts.append(_polyline(at, values, f'stroke="{BAR}"'))
        for when, value in values:
            x, y = at(when, value)
            parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{INK}"/>')
        parts += _value_labels([(at(d, v), amount(v)) for d, v in values])
    parts += _date_axis(box, baseline, target, values, day=day, axis_y=axis_y)
    parts += legend(keys, top=axis_y + 34, width=WIDTH, rtl=rtl)
    return close(parts)


def _value_labels(points: list[tuple[tuple[float, float], str]]) -> list[str]:
    """Each value written above its dot, from the latest back, leaving out a label that would
    touch the one after it (the table gives every value), and kept inside the chart."""
    parts, edge = [], float("inf")
    for (x, y), text in reversed(points):
        half = len(text) * CHAR_WIDTH / 2
        middle = min(max(x, LEFT + half), WIDTH - LEFT - half)
        if middle + half + 4 > edge:
            continue
        edge = middle - half
        parts.append(
            f'<text x="{middle:.1f}" y="{y - 7:.1f}" text-anchor="middle" font-size="11" '
            f'fill="{INK}" class="value">{isolate(text)}</text>'
        )
    return parts


def _date_axis(box: Callable, baseline, target, values, *, day: Callable, axis_y: float):
    """Ticks under the axis: the first and the last date written in full at the ends, and
    the first of January of each year between them by its year."""
    points = [baseline, target, *values]
    first, last = min(d for d, _v in points), max(d for d, _v in points)
    level = baseline[1]
    parts = []
    for when, anchor in ((first, "start"), (last, "end")):
        x = LEFT + box(when, level)[0]
        parts.append(
            f'<line x1="{x:.1f}" y1="{axis_y}" x2="{x:.1f}" y2="{axis_y + 4}" stroke="{INK}"/>'
            f'<text x="{x:.1f}" y="{axis_y + 28}" text-anchor="{anchor}" font-size="11" '
            f'fill="{INK}" class="date">{isolate(day(when))}</text>'
        )
    for year in range(first.year + 1, last.year + 1):
        x = LEFT + box(date(year, 1, 1), level)[0]
        parts.append(
            f'<line x1="{x:.1f}" y1="{axis_y}" x2="{x:.1f}" y2="{axis_y + 4}" stroke="{INK}"/>'
            f'<text x="{x:.1f}" y="{axis_y + 15}" text-anchor="middle" font-size="11" '
            f'fill="{MUTED}" class="date">{isolate(year)}</text>'
        )
    return parts
