"""The register, the grid, the network and the inclusion panel: figures and query counts."""

import re

from hsbp.mapping import relations
from hsbp.mapping import tags as mapping_tags


def test_grid_counts_each_cell_and_links_to_the_register(client, login, mapped, add):
    add(name="A", interest=5, influence=1)
    add(name="B", interest=5, influence=1)
    add(name="C", interest=1, influence=5)
    login(mapped.facilitator)
    body = client.get(f"/p/{mapped.partnership.id}/mapping/grid").get_data(as_text=True)
    assert 'aria-label="Interest 5, influence 1: 2 participants, 0 validated"' in body
    assert 'aria-label="Interest 1, influence 5: 1 participants, 0 validated"' in body
    assert f"/p/{mapped.partnership.id}/mapping?interest=5&amp;influence=1" in body
    listed = client.get(f"/p/{mapped.partnership.id}/mapping?interest=5&influence=1")
    assert "2 participants found." in listed.get_data(as_text=True)


def test_inclusion_panel_counts_and_flags_missing_groups(client, login, mapped, add, session):
    tags = {
        t.key: t.id for t in mapping_tags.group_tags(session, partnership_id=mapped.partnership.id)
    }
    add(name="A", tag_ids=[tags["women"]], phone="3104567821")
    add(name="B", tag_ids=[tags["women"], tags["youth"]])
    login(mapped.facilitator)
    body = client.get(f"/p/{mapped.partnership.id}/mapping/inclusion").get_data(as_text=True)
    rows = dict(
        (label, (int(m), int(v), int(r)))
        for label, m, v, r in re.findall(
            r'<th scope="row">(?:<span class="flag">Missing</span> )?<a [^>]*>([^<]+)</a></th>\s*'
            r"<td>(\d+)</td>\s*<td>(\d+)</td>\s*<td>(\d+)</td>",
            body,
        )
    )
    assert rows["Women"] == (2, 0, 1)
    assert rows["Youth"] == (1, 0, 0)
    assert rows["Indigenous people"] == (0, 0, 0)
    assert rows["Community group"] == (2, 0, 1)
    assert body.count('<span class="flag">Missing</span>') == 6 + 7  # 6 groups, 7 sectors


def test_network_draws_the_participants_and_their_links(client, login, mapped, add, session):
    a, b, c = add(name="Alfa"), add(name="Beta"), add(name="Gamma")
    for source, target, kind in ((a, b, "tension"), (b, c, "cooperates")):
        relations.add_relationship(
            session,
            actor=mapped.facilitator,
            partnership=mapped.partnership,
            source_id=source.id,
            target_id=target.id,
            kind=kind,
        )
    login(mapped.observer)
    body = client.get(f"/p/{mapped.partnership.id}/mapping/network").get_data(as_text=True)
    assert body.count("<circle") == 3 + 8  # nodes, then the sector legend
    # Links, a thin line tying each name to its dot, then the relationship legend.
    assert body.count("<line") == 2 + 3 + 4
    assert 'stroke-dasharray="6 4"' in body
    assert "3 participants with relationships (2 relationships in all)" in body


def test_pages_issue_the_same_number_of_queries_with_more_data(
    client, login, mapped, add, session, count_queries
):
    tags = [t.id for t in mapping_tags.group_tags(session, partnership_id=mapped.partnership.id)]
    login(mapped.facilitator)
    base = f"/p/{mapped.partnership.id}/mapping"
    urls = [base, f"{base}/grid", f"{base}/network", f"{base}/inclusion", f"{base}/export"]

    def measure():
        found = {}
        for url in urls:
            with count_queries() as counter:
                assert client.get(url).status_code == 200
            found[url] = counter["n"]
        return found

    first = add(name="P0", tag_ids=tags[:2])
    second = add(name="P1", tag_ids=tags[2:3])
    relations.add_relationship(
        session,
        actor=mapped.facilitator,
        partnership=mapped.partnership,
        source_id=first.id,
        target_id=second.id,
        kind="cooperates",
    )
    few = measure()
    people = [
        add(name=f"Person {n}", tag_ids=tags[n % 8 : n % 8 + 2], interest=n % 5 + 1)
        for n in range(30)
    ]
    for n in range(29):
        relations.add_relationship(
            session,
            actor=mapped.facilitator,
            partnership=mapped.partnership,
            source_id=people[n].id,
            target_id=people[n + 1].id,
            kind="depends",
        )
    assert measure() == few
