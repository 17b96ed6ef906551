"""The checklist's timeline: a Gantt-like SVG drawn on the server, one row per dated action.

Plain SVG with presentation attributes (no script, no inline CSS, so the strict
Content-Security-Policy allows it), with shared attributes on groups to keep it small. Status
is told three ways: colour, a fill pattern, and the words under each title, so the chart does
not rely on colour. Time runs left to right in every language (the page sets dir="ltr" on
it); the words are the reader's.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from markupsafe import Markup, escape

from hsbp.actions.models import ActionStatus

INK = "#1b1f24"
MUTED = "#4a5360"
GRID = "#c9ced6"
TODAY = "#a1251b"
WIDTH = 720
LABEL_WIDTH = 220
RIGHT = 12
TOP = 34  # month and year labels
ROW = 36
BAR = 14
LABEL_CHARS = 32
MAX_MONTH_LABELS = 10

# (fill, stroke) per status; blocked and dropped also get a pattern (see _defs).
COLOURS = {
    ActionStatus.PLANNED: ("#ffffff", "#0b5394"),
    ActionStatus.IN_PROGRESS: ("#cfe0f1", "#0b5394"),
    ActionStatus.DONE: ("#1e6b34", "#1e6b34"),
    ActionStatus.BLOCKED: ("url(#{id}-hatch)", "#a1251b"),
    ActionStatus.DROPPED: ("url(#{id}-dots)", "#6b7380"),
}
DONE_PART = "#0b5394"


@dataclass(frozen=True)
class Bar:
    """One action on the timeline. Without a start it is a milestone on its due date."""

    label: str
    caption: str  # status and progress in words, under the label
    start: date | None
    due: date
    status: str
    progress: int
    overdue: bool


def _short(text: str) -> str:
    return text if len(text) <= LABEL_CHARS else text[: LABEL_CHARS - 1] + "…"


def _month_starts(first: date, last: date) -> list[date]:
    months, day = [], first
    while day <= last:
        months.append(day)
        day = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    return months


def span(bars: list[Bar], today: date) -> tuple[date, date]:
    """From the first of the month of the earliest date (today included) to the first of
    the month after the latest, so today's line is always on the chart."""
    days = [today, *(b.start for b in bars if b.start), *(b.due for b in bars)]
    first = min(days).replace(day=1)
    last = max(days)
    return first, (last.replace(day=28) + timedelta(days=4)).replace(day=1)


def _defs(chart_id: str) -> str:
    return (
        f'<defs><pattern id="{chart_id}-hatch" width="6" height="6" '
        f'patternUnits="userSpaceOnUse" patternTransform="rotate(45)">'
        f'<rect width="6" height="6" fill="#f6d8d5"/>'
        f'<line x1="0" y1="0" x2="0" y2="6" stroke="#a1251b" stroke-width="3"/></pattern>'
        f'<pattern id="{chart_id}-dots" width="5" height="5" patternUnits="userSpaceOnUse">'
        f'<rect width="5" height="5" fill="#eceef1"/>'
        f'<circle cx="2.5" cy="2.5" r="1.2" fill="#6b7380"/></pattern></defs>'
    )


def timeline(
    bars: list[Bar],
    *,
    today: date,
    chart_id: str,
    title: str,
    summary: str,
    today_label: str,
    month_label: Callable[[date], str],
    year_label: Callable[[date], str],
) -> Markup:
    """The SVG of `bars`, with month ticks on top and a line at `today`. `month_label` and
    `year_label` name a month and a year in the reader's language."""
    first, last = span(bars, today)
    track = WIDTH - LABEL_WIDTH - RIGHT
    total = (last - first).days

    def x(day: date) -> float:
        return LABEL_WIDTH + track * (day - first).days / total

    height = TOP + ROW * len(bars) + 20
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" class="chart" direction="ltr">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(summary)}</desc>',
        _defs(chart_id),
    ]
    months = _month_starts(first, last)
    step = max(1, math.ceil(len(months) / MAX_MONTH_LABELS))
    parts.append(f'<g font-size="11" fill="{INK}" stroke="{GRID}">')
    for index, month in enumerate(months):
        if index % step:
            continue
        mx = x(month)
        parts.append(f'<line x1="{mx:.1f}" y1="{TOP - 4}" x2="{mx:.1f}" y2="{height - 20}"/>')
        if month < last:
            parts.append(
                f'<text x="{mx + 3:.1f}" y="13" stroke="none">{escape(month_label(month))}</text>'
            )
            if index == 0 or month.month <= step:
                parts.append(
                    f'<text x="{mx + 3:.1f}" y="26" stroke="none">'
                    f"{escape(year_label(month))}</text>"
                )
    parts.append("</g>")
    for index, bar in enumerate(bars):
        parts.append(_row(bar, TOP + index * ROW, x, chart_id))
    tx = x(today)
    parts.append(
        f'<line x1="{tx:.1f}" y1="{TOP - 4}" x2="{tx:.1f}" y2="{height - 16}" stroke="{TODAY}" '
        f'stroke-width="2" stroke-dasharray="4 3"/>'
        f'<text x="{tx:.1f}" y="{height - 4}" text-anchor="middle" font-size="11" '
        f'font-weight="bold" fill="{TODAY}">{escape(today_label)}</text>'
    )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704  (every interpolated text went through escape)


def _row(bar: Bar, y: int, x: Callable[[date], float], chart_id: str) -> str:
    fill, stroke = COLOURS.get(bar.status, COLOURS[ActionStatus.PLANNED])
    fill = fill.format(id=chart_id)
    if bar.overdue:
        stroke = TODAY
    text = (
        f'<text x="{LABEL_WIDTH - 8}" y="{y + 14}" text-anchor="end" font-size="12" '
        f'fill="{INK}">{escape(_short(bar.label))}</text>'
        f'<text x="{LABEL_WIDTH - 8}" y="{y + 28}" text-anchor="end" font-size="10" '
        f'fill="{MUTED}">{escape(bar.caption)}</text>'
    )
    top = y + 7
    width = "2" if bar.overdue else "1"
    if bar.start is None:
        # A milestone: a diamond on the due day.
        cx = x(bar.due + timedelta(days=1))
        return text + (
            f'<path class="bar" d="M{cx:.1f} {top - 2}l8 9l-8 9l-8-9z" fill="{fill}" '
            f'stroke="{stroke}" stroke-width="{width}"/>'
        )
    x1, x2 = x(bar.start), x(bar.due + timedelta(days=1))  # the due day is included
    length = max(x2 - x1, 3)
    shape = (
        f'<rect class="bar" x="{x1:.1f}" y="{top}" width="{length:.1f}" height="{BAR}" '
        f'fill="{fill}" stroke="{stroke}" stroke-width="{width}"/>'
    )
    if bar.status == ActionStatus.IN_PROGRESS and bar.progress:
        shape += (
            f'<rect x="{x1:.1f}" y="{top}" width="{length * bar.progress / 100:.1f}" '
            f'height="{BAR}" fill="{DONE_PART}"/>'
        )
    return text + shape
