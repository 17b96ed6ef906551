"""Mapping overviews: the interest/influence grid, the relationship network, inclusion."""

from flask import render_template, url_for
from flask_babel import gettext as _

from hsbp import db
from hsbp.mapping import charts, queries
from hsbp.mapping.views import _tags, bp, label_of_tag
from hsbp.partnerships.guard import partnership_guard


@bp.get("/p/<int:partnership_id>/mapping/grid")
@partnership_guard()
def grid(partnership_id: int):
    cells = queries.grid(db.session(), partnership_id=partnership_id)
    svg = charts.grid_svg(
        cells,
        title=_("Participants by interest and influence"),
        x_label=_("Interest"),
        y_label=_("Influence"),
        cell_link=lambda i, f: url_for(
            "mapping.register", partnership_id=partnership_id, interest=i, influence=f
        ),
        cell_text=lambda i, f, cell: _(
            "Interest %(interest)d, influence %(influence)d: %(total)d participants, "
            "%(validated)d validated",
            interest=i,
            influence=f,
            total=cell["total"],
            validated=cell["validated"],
        ),
    )
    total = sum(cell["total"] for cell in cells.values())
    return render_template("mapping/grid.html", svg=svg, total=total)


@bp.get("/p/<int:partnership_id>/mapping/network")
@partnership_guard()
def network(partnership_id: int):
    found = queries.network(db.session(), partnership_id=partnership_id)
    svg = charts.network_svg(
        found,
        title=_("Relationships between the most connected participants"),
        node_link=lambda node: url_for(
            "mapping.participant", partnership_id=partnership_id, participant_id=node.id
        ),
    )
    return render_template(
        "mapping/network.html",
        svg=svg,
        network=found,
        relationships=charts.relationship_rows(found),
        sector_colours=charts.SECTOR_COLOURS,
        link_styles=charts.LINK_STYLES,
    )


@bp.get("/p/<int:partnership_id>/mapping/inclusion")
@partnership_guard()
def inclusion(partnership_id: int):
    panel = queries.inclusion(
        db.session(), partnership_id=partnership_id, tags=_tags(), tag_label=label_of_tag
    )
    return render_template("mapping/inclusion.html", panel=panel)
