"""The relationship network: names readable and apart, in full in their <title>, and the
same relationships as a list for screen readers and small screens."""

import itertools
import re

from hsbp.mapping import charts, relations
from hsbp.mapping.charts import NAME_GAP


def relate(session, mapped, pairs):
    for source, target, kind in pairs:
        relations.add_relationship(
            session,
            actor=mapped.facilitator,
            partnership=mapped.partnership,
            source_id=source.id,
            target_id=target.id,
            kind=kind,
        )


def test_spread_keeps_names_apart_and_inside():
    assert charts._spread([10, 12, 13, 100], low=16, high=200) == [16, 33, 50, 100]
    assert charts._spread([190, 195, 199], low=16, high=200) == [166, 183, 200]


def test_network_names_are_readable_isolated_and_listed(client, login, mapped, add, session):
    hub = add(name="Asociación de Pescadores Artesanales del Caguán")
    others = [add(name=f"Vereda {n}") for n in range(12)]
    relate(session, mapped, [(hub, o, "cooperates") for o in others])
    relate(session, mapped, [(others[0], others[1], "tension")])
    login(mapped.observer)
    body = client.get(f"/p/{mapped.partnership.id}/mapping/network").get_data(as_text=True)
    svg = body[body.index('<svg xmlns="http://www.w3.org/2000/svg"') : body.index("</svg>")]
    assert 'class="chart network" direction="ltr"' in svg
    names = re.findall(
        r'<text x="([\d.]+)" y="([\d.]+)" font-size="13" text-anchor="(start|end)" '
        r'fill="#1b1f24" class="name">\u2068([^<]*)\u2069</text>',
        svg,
    )
    assert len(names) == 13
    assert "<title>Asociación de Pescadores Artesanales del Caguán</title>" in svg
    assert "Asociación de Pes…" in [name for *_xy, name in names]
    for column in ("start", "end"):
        heights = sorted(float(y) for _x, y, anchor, _n in names if anchor == column)
        assert all(b - a >= NAME_GAP for a, b in itertools.pairwise(heights))
    listed = body[body.index('id="relationship-list"') :]
    rows = re.findall(r"<tr><th scope=\"row\"><a [^>]*><bdi>([^<]*)</bdi></a></th>", listed)
    assert len(rows) == 13
    assert '<td>is in tension with</td><td><a href="/p/' in listed
