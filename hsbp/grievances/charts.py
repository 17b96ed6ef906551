"""Server-drawn SVG charts of the grievance dashboard: counted bars and a monthly trend.

Drawn with hsbp.chart_svg (plain SVG, no script or inline CSS, allowed by the
Content-Security-Policy), labelled with counts rather than shares. Each chart sits next to a
table of the same figures, so it is an image with a short text alternative.
"""

from __future__ import annotations

from markupsafe import Markup

from hsbp.chart_svg import (
    BAR,
    INK,
    MUTED,
    WIDTH,
    Key,
    bar_chart,
    close,
    isolate,
    legend,
    legend_height,
    svg_open,
)

SECOND = "#6aa84f"  # closed, beside received; tells apart in grey scale by its lightness
PLOT_HEIGHT = 150
AXIS = 34  # room left of the columns for the count scale


def count_bars(
    rows: list[tuple[str, int, str]], *, chart_id: str, title: str, summary: str, rtl: bool
) -> Markup:
    """Horizontal bars, one per (label, count, count as written), the longest one filling
    the track."""
    top = max((n for _label, n, _written in rows), default=0) or 1
    return bar_chart(
        [(label, n / top, written) for label, n, written in rows],
        chart_id=chart_id,
        title=title,
        summary=summary,
        rtl=rtl,
    )


def trend(
    months: list[tuple[str, str, int, int]],
    *,
    chart_id: str,
    title: str,
    summary: str,
    keys: tuple[str, str],
    rtl: bool,
) -> Markup:
    """Two columns a month (received, then closed) over (short month label, year or "",
    received, closed), with a count scale, each column's count above it, the month under it
    (the year under the first month of each year) and a legend of `keys` (received, closed).
    Time runs left to right in every language, as on the other charts of time; only the
    legend starts on the reader's side."""
    base = PLOT_HEIGHT - 34
    slot = (WIDTH - AXIS - 10) / max(len(months), 1)
    top = max((max(r, c) for _label, _year, r, c in months), default=0) or 1
    scale = (base - 22) / top
    legend_keys = [Key(keys[0], BAR), Key(keys[1], SECOND)]
    height = PLOT_HEIGHT + legend_height(legend_keys) + 4
    parts = svg_open(chart_id, WIDTH, height, title=title, summary=summary, rtl=False)
    # The count scale: 0 and the highest count, with a faint line at the highest.
    parts.append(
        f'<line x1="{AXIS}" y1="{base}" x2="{WIDTH - 10}" y2="{base}" stroke="{INK}"/>'
        f'<line x1="{AXIS}" y1="{base - top * scale:.1f}" x2="{WIDTH - 10}" '
        f'y2="{base - top * scale:.1f}" stroke="{MUTED}" stroke-dasharray="2 3"/>'
        f'<line x1="{AXIS}" y1="{base - top * scale - 4:.1f}" x2="{AXIS}" y2="{base}" '
        f'stroke="{INK}"/>'
        f'<text x="{AXIS - 4}" y="{base + 4}" text-anchor="end" font-size="11" '
        f'fill="{INK}" class="axis">{isolate(0)}</text>'
        f'<text x="{AXIS - 4}" y="{base - top * scale + 4:.1f}" text-anchor="end" '
        f'font-size="11" fill="{INK}" class="axis">{isolate(top)}</text>'
    )
    for index, (label, year, received, closed) in enumerate(months):
        x = AXIS + index * slot
        width = slot * 0.35
        for offset, n, colour in ((0.12, received, BAR), (0.5, closed, SECOND)):
            height_n = n * scale
            parts.append(
                f'<rect x="{x + slot * offset:.1f}" y="{base - height_n:.1f}" '
                f'width="{width:.1f}" height="{height_n:.1f}" fill="{colour}"/>'
            )
            if n:
                parts.append(
                    f'<text x="{x + slot * offset + width / 2:.1f}" y="{base - height_n - 3:.1f}" '
                    f'text-anchor="middle" font-size="10" fill="{INK}" class="value">'
                    f"{isolate(n)}</text>"
                )
        parts.append(
            f'<text x="{x + slot / 2:.1f}" y="{base + 14}" text-anchor="middle" '
            f'font-size="11" fill="{INK}" class="period">{isolate(label)}</text>'
        )
        if year:
            parts.append(
                f'<text x="{x + slot / 2:.1f}" y="{base + 27}" text-anchor="middle" '
                f'font-size="11" fill="{MUTED}" class="period">{isolate(year)}</text>'
            )
    parts += legend(legend_keys, top=PLOT_HEIGHT + 2, width=WIDTH, rtl=rtl)
    return close(parts)
