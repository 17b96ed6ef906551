"""Server-drawn SVG: the interest/influence grid and the relationship network.

Plain SVG with presentation attributes (no scripts, no inline CSS), so the charts work
without JavaScript under the strict Content-Security-Policy and weigh a few kilobytes.
"""

from __future__ import annotations

import math

from markupsafe import Markup, escape

from hsbp.mapping.models import RelationshipKind

SECTOR_COLOURS = {
    "company": "#8c4a00",
    "local_government": "#0b5394",
    "national_government": "#3d3d99",
    "civil_society": "#1e6b34",
    "community_group": "#a1251b",
    "international_organisation": "#5b5f66",
    "academic": "#6a3d7a",
    "individual": "#006b6b",
}
LINK_STYLES = {
    RelationshipKind.REPRESENTS: ("#1b1f24", ""),
    RelationshipKind.COOPERATES: ("#1e6b34", ""),
    RelationshipKind.TENSION: ("#a1251b", "6 4"),
    RelationshipKind.DEPENDS: ("#0b5394", "2 3"),
}
CELL = 64
# Charts are role="group", not "img": they hold links, and an image may not contain controls.


def _shade(count: int, biggest: int) -> str:
    """From white to the accent blue, by share of the fullest cell."""
    if not count:
        return "#ffffff"
    share = 0.15 + 0.85 * math.sqrt(count / max(biggest, 1))
    channel = lambda full, empty: round(empty + (full - empty) * share)  # noqa: E731
    return f"#{channel(0x0B, 0xFF):02x}{channel(0x53, 0xFF):02x}{channel(0x94, 0xFF):02x}"


def grid_svg(
    cells: dict, *, title: str, x_label: str, y_label: str, cell_link, cell_text
) -> Markup:
    """A 5 x 5 grid: interest left to right, influence bottom to top; each cell a link."""
    biggest = max((c["total"] for c in cells.values()), default=0)
    left, top = 40, 10
    size = left + CELL * 5 + 10
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {top + CELL * 5 + 44}" '
        f'role="group" aria-labelledby="grid-title" class="chart">',
        f'<title id="grid-title">{escape(title)}</title>',
    ]
    for interest in range(1, 6):
        for influence in range(1, 6):
            cell = cells.get((interest, influence), {"total": 0, "validated": 0})
            x, y = left + (interest - 1) * CELL, top + (5 - influence) * CELL
            fill = _shade(cell["total"], biggest)
            ink = "#ffffff" if cell["total"] and cell["total"] * 2 > biggest else "#1b1f24"
            label = escape(cell_text(interest, influence, cell))
            parts.append(
                f'<a href="{escape(cell_link(interest, influence))}" aria-label="{label}">'
                f'<rect x="{x}" y="{y}" width="{CELL}" height="{CELL}" fill="{fill}" '
                f'stroke="#6b7380"/><text x="{x + CELL / 2}" y="{y + CELL / 2 + 6}" '
                f'text-anchor="middle" font-size="18" fill="{ink}">{cell["total"]}</text></a>'
            )
    for n in range(1, 6):
        parts.append(
            f'<text x="{left + (n - 0.5) * CELL}" y="{top + CELL * 5 + 16}" text-anchor="middle" '
            f'font-size="12" fill="#1b1f24">{n}</text>'
            f'<text x="{left - 8}" y="{top + (5.5 - n) * CELL + 4}" text-anchor="end" '
            f'font-size="12" fill="#1b1f24">{n}</text>'
        )
    parts.append(
        f'<text x="{left + CELL * 2.5}" y="{top + CELL * 5 + 36}" text-anchor="middle" '
        f'font-size="13" fill="#1b1f24">{escape(x_label)} →</text>'
        f'<text x="12" y="{top + CELL * 2.5}" text-anchor="middle" font-size="13" fill="#1b1f24" '
        f'transform="rotate(-90 12 {top + CELL * 2.5})">{escape(y_label)} →</text></svg>'
    )
    return Markup("".join(parts))  # noqa: S704  (every interpolated text went through escape)


def network_svg(network, *, title: str, node_link) -> Markup:
    """Participants on a circle, grouped by sector, with their relationships as lines."""
    # Wider than tall: the names beside the circle need room on both sides.
    width, height, radius = 720, 500, 210
    count = len(network.nodes)
    place = {}
    for index, node in enumerate(network.nodes):
        angle = 2 * math.pi * index / max(count, 1) - math.pi / 2
        place[node.id] = (
            width / 2 + radius * math.cos(angle),
            height / 2 + radius * math.sin(angle),
            angle,
        )
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="group" '
        f'aria-labelledby="network-title" class="chart">',
        f'<title id="network-title">{escape(title)}</title>',
    ]
    for link in network.links:
        (x1, y1, _a), (x2, y2, _b) = place[link.source_id], place[link.target_id]
        colour, dash = LINK_STYLES.get(link.kind, ("#6b7380", ""))
        dashes = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(
            f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="{colour}" '
            f'stroke-width="1.5"{dashes}/>'
        )
    for node in network.nodes:
        x, y, angle = place[node.id]
        colour = SECTOR_COLOURS.get(node.sector, "#5b5f66")
        name = node.display_name if len(node.display_name) <= 18 else node.display_name[:17] + "…"
        lx, ly = x + 12 * math.cos(angle), y + 12 * math.sin(angle) + 4
        anchor = "start" if math.cos(angle) >= 0 else "end"
        parts.append(
            f'<a href="{escape(node_link(node))}"><title>{escape(node.display_name)}</title>'
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="7" fill="{colour}" stroke="#ffffff"/>'
            f'<text x="{lx:.1f}" y="{ly:.1f}" font-size="11" text-anchor="{anchor}" '
            f'fill="#1b1f24">{escape(name)}</text></a>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704  (every interpolated text went through escape)
