"""Building blocks of the server-drawn SVG charts: reading direction, isolated text, legends
and the horizontal bar chart that consultations, grievances and pulses share.

A chart inherits the page's CSS `direction`, and in SVG `text-anchor` follows it: a label
anchored "end" in an Arabic page lands on the bars. So every chart states its own direction
on its root. Bar charts are mirrored in a right-to-left language (labels on the right, bars
growing leftwards) by drawing in left-to-right coordinates and flipping x, keeping the same
anchors, which the stated direction turns around. Charts of time keep time running left to
right in every language, as the PDF report and the action timeline do.

Text that comes from people or carries a unit ("23 conflictos", "Acme S.A.S.", "¿Agua?") is
wrapped in Unicode isolates (FSI ... PDI) so that it keeps its own order inside text of the
other direction; browsers draw the isolates as nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup, escape

from hsbp.i18n import isolated

INK = "#1b1f24"
MUTED = "#5b5f66"
BAR = "#0b5394"
TRACK = "#e6ebf1"
LOW = "#a1251b"
WIDTH = 560
LABEL_WIDTH = 190
ROW = 26
LABEL_CHARS = 28
LEGEND_ROW = 18


def isolate(text: object) -> str:
    """`text` between first-strong and pop directional isolates, escaped for SVG/HTML."""
    return isolated(escape(str(text)))


def short(text: str, limit: int = LABEL_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def direction(rtl: bool) -> str:
    return "rtl" if rtl else "ltr"


def svg_open(
    chart_id: str, width: float, height: float, *, title: str, summary: str, rtl: bool
) -> list[str]:
    """The opening of a chart: an image named by its title and described by its summary."""
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" class="chart" '
        f'direction="{direction(rtl)}">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(summary)}</desc>',
    ]


def close(parts: list[str]) -> Markup:
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704  (every interpolated text went through escape)


@dataclass(frozen=True)
class Key:
    """One entry of a legend: a filled square (`dash` None) or a line sample."""

    label: str
    colour: str
    dash: str | None = None


def legend(keys: list[Key], *, top: float, width: float, rtl: bool) -> list[str]:
    """A legend, one entry a row from `top`, starting on the reader's side (the right in a
    right-to-left language). Each text states its own direction, so the legend reads the same
    in a chart that keeps time left to right."""
    parts = []
    for index, key in enumerate(keys):
        y = top + index * LEGEND_ROW
        sample_x = width - 26 if rtl else 6
        if key.dash is None:
            parts.append(
                f'<rect x="{sample_x + 4}" y="{y}" width="12" height="12" fill="{key.colour}"/>'
            )
        else:
            dashes = f' stroke-dasharray="{key.dash}"' if key.dash else ""
            parts.append(
                f'<line x1="{sample_x}" y1="{y + 6}" x2="{sample_x + 20}" y2="{y + 6}" '
                f'stroke="{key.colour}" stroke-width="2"{dashes}/>'
            )
        text_x = width - 32 if rtl else 32
        parts.append(
            f'<text x="{text_x}" y="{y + 11}" direction="{direction(rtl)}" text-anchor="start" '
            f'font-size="12" fill="{INK}" class="legend">{isolate(key.label)}</text>'
        )
    return parts


def legend_height(keys: list[Key]) -> int:
    return LEGEND_ROW * len(keys) + 4


def bar_chart(
    rows: list[tuple[str, float, str]],
    *,
    chart_id: str,
    title: str,
    summary: str,
    rtl: bool,
) -> Markup:
    """Horizontal bars, one per (label, length 0..1 of the track, value as written), each
    label on the reader's starting side and its value past the end of the track."""
    track = WIDTH - LABEL_WIDTH - 50

    def x(at: float, width: float = 0) -> str:
        return f"{WIDTH - at - width if rtl else at:.1f}"

    parts = svg_open(chart_id, WIDTH, ROW * len(rows) + 6, title=title, summary=summary, rtl=rtl)
    for index, (label, share, value) in enumerate(rows):
        y = 4 + index * ROW
        length = max(track * share, 0)
        parts.append(
            f'<text x="{x(LABEL_WIDTH - 8)}" y="{y + 15}" text-anchor="end" font-size="13" '
            f'fill="{INK}" class="label">{isolate(short(label))}</text>'
            f'<rect x="{x(LABEL_WIDTH, track)}" y="{y + 3}" width="{track}" height="16" '
            f'fill="{TRACK}"/>'
            f'<rect x="{x(LABEL_WIDTH, length)}" y="{y + 3}" width="{length:.1f}" height="16" '
            f'fill="{BAR}" class="bar"/>'
            f'<text x="{x(LABEL_WIDTH + track + 6)}" y="{y + 15}" text-anchor="start" '
            f'font-size="13" fill="{INK}" class="value">{isolate(value)}</text>'
        )
    return close(parts)
