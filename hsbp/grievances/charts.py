"""Server-drawn SVG charts of the grievance dashboard: counted bars and a monthly trend.

Drawn like hsbp.consultations.charts (plain SVG, no script or inline CSS, allowed by the
Content-Security-Policy), but labelled with counts rather than shares. Each chart sits next
to a table of the same figures, so it is an image with a short text alternative.
"""

from __future__ import annotations

from markupsafe import Markup, escape

from hsbp.consultations.charts import BAR, INK, LABEL_WIDTH, ROW, TRACK, WIDTH, _short

SECOND = "#6aa84f"  # closed, beside received; tells apart in grey scale by its lightness
TREND_HEIGHT = 150


def _open(chart_id: str, height: int, title: str, summary: str) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" class="chart">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(summary)}</desc>',
    ]


def count_bars(rows: list[tuple[str, int]], *, chart_id: str, title: str, summary: str) -> Markup:
    """Horizontal bars, one per (label, count), the longest one filling the track."""
    track = WIDTH - LABEL_WIDTH - 50
    top = max((n for _label, n in rows), default=0) or 1
    parts = _open(chart_id, ROW * len(rows) + 6, title, summary)
    for index, (label, n) in enumerate(rows):
        y = 4 + index * ROW
        parts.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{y + 15}" text-anchor="end" font-size="13" '
            f'fill="{INK}">{escape(_short(label))}</text>'
            f'<rect x="{LABEL_WIDTH}" y="{y + 3}" width="{track}" height="16" fill="{TRACK}"/>'
            f'<rect x="{LABEL_WIDTH}" y="{y + 3}" width="{track * n / top:.1f}" height="16" '
            f'fill="{BAR}"/>'
            f'<text x="{LABEL_WIDTH + track + 6}" y="{y + 15}" font-size="13" '
            f'fill="{INK}">{n}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704  (every interpolated text went through escape)


def trend(months: list[tuple[str, int, int]], *, chart_id: str, title: str, summary: str) -> Markup:
    """Two columns a month (received, then closed) over (short month label, received, closed)."""
    base = TREND_HEIGHT - 22
    slot = (WIDTH - 20) / max(len(months), 1)
    top = max((max(r, c) for _label, r, c in months), default=0) or 1
    scale = (base - 10) / top
    parts = _open(chart_id, TREND_HEIGHT, title, summary)
    parts.append(f'<line x1="10" y1="{base}" x2="{WIDTH - 10}" y2="{base}" stroke="{INK}"/>')
    for index, (label, received, closed) in enumerate(months):
        x = 10 + index * slot
        width = slot * 0.35
        for offset, n, colour in ((0.12, received, BAR), (0.5, closed, SECOND)):
            height = n * scale
            parts.append(
                f'<rect x="{x + slot * offset:.1f}" y="{base - height:.1f}" width="{width:.1f}" '
                f'height="{height:.1f}" fill="{colour}"/>'
            )
        parts.append(
            f'<text x="{x + slot / 2:.1f}" y="{TREND_HEIGHT - 6}" text-anchor="middle" '
            f'font-size="11" fill="{INK}">{escape(label)}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704  (every interpolated text went through escape)
