"""Server-drawn SVG: the interest/influence grid and the relationship network.

Plain SVG with presentation attributes (no scripts, no inline CSS), so the charts work
without JavaScript under the strict Content-Security-Policy and weigh a few kilobytes.
"""

from __future__ import annotations

import math

from markupsafe import Markup, escape

from hsbp.chart_svg import isolate
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
        f'role="group" aria-labelledby="grid-title" class="chart" direction="ltr">',
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


NETWORK_WIDTH, RADIUS = 640, 160
NAME_CHARS = 18  # a name column of about 130 units beside the circle; full names in <title>
NAME_SIZE = 13  # the page never draws the network narrower than its width: 13 px on a phone
NAME_GAP = 17  # between two names of one column, so they never overlap


def _spread(wanted: list[float], *, low: float, high: float) -> list[float]:
    """Heights for names that want `wanted` (ascending), at least NAME_GAP apart, kept
    between `low` and `high` and as close to where they want to be as that allows."""
    placed: list[float] = []
    for y in wanted:
        placed.append(max(y, low, placed[-1] + NAME_GAP if placed else low))
    for index in range(len(placed) - 1, -1, -1):
        ceiling = high if index == len(placed) - 1 else placed[index + 1] - NAME_GAP
        placed[index] = min(placed[index], ceiling)
    return placed


def network_svg(network, *, title: str, node_link) -> Markup:
    """Participants on a circle, grouped by sector, with their relationships as lines. Names
    stand in a column on each side, spread apart and tied to their dot by a thin line, so
    they never overlap; a long name is shortened, in full in its link's <title>. Drawn left
    to right in every language (the picture has no reading order); each name is isolated."""
    count = len(network.nodes)
    per_side = (count + 1) // 2
    height = max(2 * RADIUS + 60, per_side * NAME_GAP + 40)
    cx, cy = NETWORK_WIDTH / 2, height / 2
    place = {}
    for index, node in enumerate(network.nodes):
        angle = 2 * math.pi * index / max(count, 1) - math.pi / 2
        place[node.id] = (cx + RADIUS * math.cos(angle), cy + RADIUS * math.sin(angle))
    sides: dict[bool, list] = {True: [], False: []}
    for node in network.nodes:
        sides[place[node.id][0] >= cx - 0.01].append(node)
    name_at = {}
    for right, nodes in sides.items():
        nodes.sort(key=lambda n: place[n.id][1])
        heights = _spread([place[n.id][1] + 4 for n in nodes], low=16, high=height - 8)
        column = cx + RADIUS + 24 if right else cx - RADIUS - 24
        for node, y in zip(nodes, heights, strict=True):
            name_at[node.id] = (column, y, "start" if right else "end")
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {NETWORK_WIDTH} {height}" '
        f'role="group" aria-labelledby="network-title" class="chart network" direction="ltr">',
        f'<title id="network-title">{escape(title)}</title>',
    ]
    for link in network.links:
        (x1, y1), (x2, y2) = place[link.source_id], place[link.target_id]
        colour, dash = LINK_STYLES.get(link.kind, ("#6b7380", ""))
        dashes = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(
            f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="{colour}" '
            f'stroke-width="1.5"{dashes}/>'
        )
    for node in network.nodes:
        x, y = place[node.id]
        lx, ly, anchor = name_at[node.id]
        colour = SECTOR_COLOURS.get(node.sector, "#5b5f66")
        name = node.display_name
        if len(name) > NAME_CHARS:
            name = name[: NAME_CHARS - 1] + "…"
        tie = lx - 3 if anchor == "start" else lx + 3
        parts.append(
            f'<a href="{escape(node_link(node))}"><title>{escape(node.display_name)}</title>'
            f'<line x1="{x:.1f}" y1="{y:.1f}" x2="{tie:.1f}" y2="{ly - 4:.1f}" '
            f'stroke="#b8bec6" stroke-width="1"/>'
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="7" fill="{colour}" stroke="#ffffff"/>'
            f'<text x="{lx:.1f}" y="{ly:.1f}" font-size="{NAME_SIZE}" text-anchor="{anchor}" '
            f'fill="#1b1f24" class="name">{isolate(name)}</text></a>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704  (every interpolated text went through escape)


def relationship_rows(network) -> list[tuple]:
    """The drawing's relationships as (participant, kind, other participant) rows, by the
    first one's name then the other's: the list that says the same as the picture."""
    nodes = {node.id: node for node in network.nodes}
    rows = [(nodes[link.source_id], link.kind, nodes[link.target_id]) for link in network.links]
    return sorted(rows, key=lambda row: (row[0].sort_name, row[2].sort_name, row[1]))
