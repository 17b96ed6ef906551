"""The report by framework's page lists at most ten items of each kind under a reference (the
open risks first, most salient first, as the register orders them; the overdue and started
actions first), says how many more there are and that the downloads list them all; the
counts (per reference, in the summary, of grievances linked) stay exact; the page stays
light and its queries flat however many risks a reference has, while the files list every
item."""

from __future__ import annotations

import io
import re
from datetime import date

from openpyxl import load_workbook

from tests.risks import framework_rows as rows
from tests.risks.test_framework_report import gather
from tests.risks.test_framework_report_pages import add_many, page

RISK_LINK = r'href="/p/\d+/risks/\d+"'


def ps4_section(body: str) -> str:
    """The page's section of IFC PS4, up to the next reference."""
    start = body.index("<bdi>ifc:PS4</bdi>")
    end = body.find('<section class="framework-reference"', start)
    return body[start : end if end != -1 else len(body)]


def test_risks_open_first_by_salience_cut_with_exact_counts(
    session, partnership, company, municipality, facilitator
):
    closed = rows.risk(session, partnership, 1, title="Cerrado grave", status="closed", scale=4)
    low = rows.risk(session, partnership, 2, title="Leve", scale=1, scope=1)
    grave = rows.risk(
        session, partnership, 3, title="Grave", scale=4, connections=[(company, "causes")]
    )
    medium = rows.risk(session, partnership, 4, title="Medio")
    cut_off = rows.grievance(session, partnership, "Q-1")
    rows.link_grievance(session, low, cut_off)
    rows.link_grievance(session, grave, rows.grievance(session, partnership, "Q-2"))
    for risk in (closed, low, grave, medium):
        rows.tag(session, partnership, "risk", risk.id, "ifc:PS4")
    rows.tag(session, partnership, "risk", grave.id, "ifc:PS1")

    report = gather(session, partnership, facilitator, "ifc", limit=2)
    ps1, ps4 = report.references[0], report.references[3]
    assert [r.title for r in ps4.risks] == ["Grave", "Medio"]
    assert (ps4.totals["risks"], ps4.more("risks")) == (4, 2)
    assert ps4.risks[0].connections == "Causes: 1" and ps4.risks[0].grievances == 1
    # The grievance of a risk left off the list still counts.
    assert ps4.grievances_linked == 2
    assert [r.title for r in ps1.risks] == ["Grave"] and ps1.more("risks") == 0
    assert report.cut and report.tagged["risks"] == 4
    assert report.summary.endswith("actions 0, indicators 0, risks 4.")
    # The files' report lists every one, in the same order.
    everything = gather(session, partnership, facilitator, "ifc")
    assert [r.title for r in everything.references[3].risks] == [
        "Grave",
        "Medio",
        "Leve",
        "Cerrado grave",
    ]
    assert not everything.cut and everything.references[3].more("risks") == 0


def test_actions_overdue_and_started_first(session, partnership, company, facilitator):
    made = {
        "done early": rows.action(
            session, partnership, company, title="Hecha", status="done", due_on=date(2026, 1, 1)
        ),
        "planned soon": rows.action(
            session, partnership, company, title="Planeada", status="planned", progress=0
        ),
        "started late": rows.action(
            session, partnership, company, title="Tarde", due_on=date(2026, 12, 31)
        ),
        "overdue": rows.action(
            session, partnership, company, title="Vencida", due_on=date(2026, 6, 30)
        ),
        "blocked": rows.action(
            session,
            partnership,
            company,
            title="Bloqueada",
            status="blocked",
            due_on=date(2026, 10, 1),
        ),
    }
    for action in made.values():
        rows.tag(session, partnership, "action", action.id, "ifc:PS4")
    # Today is July 15, 2026 (test_framework_report.NOW).
    ps4 = gather(session, partnership, facilitator, "ifc", limit=3).references[3]
    assert [a.title for a in ps4.actions] == ["Vencida (en)", "Bloqueada (en)", "Tarde (en)"]
    assert ps4.actions[0].overdue and (ps4.totals["actions"], ps4.more("actions")) == (5, 2)
    ps4 = gather(session, partnership, facilitator, "ifc").references[3]
    assert [a.title for a in ps4.actions][3:] == ["Planeada (en)", "Hecha (en)"]


def test_sdg_actions_merged_from_targets_are_cut_after_the_merge(
    session, partnership, company, facilitator
):
    tagged = rows.action(session, partnership, company, title="Etiquetada", status="planned")
    rows.tag(session, partnership, "action", tagged.id, "sdg:6.1")
    for n in range(3):
        rows.action(session, partnership, company, title=f"Meta {n}", sdg_targets=["6.1"])
    line = {x.code: x for x in gather(session, partnership, facilitator, "sdg", limit=2).shown}[
        "sdg:6.1"
    ]
    assert [(a.title, a.by_sdg_target) for a in line.actions] == [
        ("Meta 0 (en)", True),
        ("Meta 1 (en)", True),
    ]
    assert (line.totals["actions"], line.more("actions")) == (4, 2)


def test_goals_and_indicators_are_cut_too(session, partnership, company, facilitator):
    goals = [{"key": f"{n:032d}", "title": {"es": f"Meta {n}"}, "due": None} for n in range(3)]
    rows.charter(session, partnership, goals=goals)
    for goal in goals:
        rows.tag(session, partnership, "goal", goal["key"], "ifc:PS4")
    for n in range(3):
        found = rows.indicator(
            session, partnership, name=f"Indicador {n}", values=[(date(2026, 6, 30), 150 + n)]
        )
        rows.tag(session, partnership, "indicator", found.id, "ifc:PS4", "ifc:PS1")
    report = gather(session, partnership, facilitator, "ifc", limit=2)
    ps4 = report.references[3]
    assert [g.title for g in ps4.goals] == ["Meta 0", "Meta 1"] and ps4.more("goals") == 1
    assert [i.name for i in ps4.indicators] == ["Indicador 0", "Indicador 1"]
    assert ps4.indicators[1].latest == "\u2068151 familias\u2069 (Jun 30, 2026)"
    assert ps4.more("indicators") == 1
    assert (report.tagged["goals"], report.tagged["indicators"]) == (3, 3)


def test_the_page_shows_ten_of_each_and_how_many_more_in_flat_queries(
    session, client, login, partnership, company, municipality, facilitator, count_queries
):
    rows.charter(session, partnership)
    rows.tag(session, partnership, "goal", rows.WATER, "ifc:PS4")
    login(facilitator)
    counts, sizes = [], []
    # Each batch's risks share a grievance of their own.
    for start, count, more, grievances in ((1, 50, 40, 1), (51, 450, 490, 2)):
        add_many(session, partnership, company, municipality, start, count)
        with count_queries() as counted:
            answer = client.get(page(partnership, "?framework=ifc"))
        assert answer.status_code == 200
        counts.append(counted["n"])
        sizes.append(len(answer.data))
        body = answer.get_data(True)
        section = ps4_section(body)
        assert len(re.findall(RISK_LINK, body)) == len(re.findall(RISK_LINK, section)) == 10
        assert f"…and {more} more risks" in section
        assert 'href="#downloads">Every one is in the downloads</a>' in section
        assert 'id="downloads"' in body
        assert (
            "Under each reference this page lists at most 10 items of each kind; "
            "the downloads list every one." in body
        )
        # Grievances linked to risks left off the list count too, each once.
        assert f"Grievances linked to these risks: {grievances}" in section
    assert counts[0] == counts[1], counts
    # 50 actions and indicators at 500 risks (none left off at 50: see below).
    assert "…and 40 more actions" in section and "…and 40 more indicators" in section
    assert "References with something to show: 2 of 8. Tagged: goals 1, actions 50, " in body
    assert "indicators 50, risks 500." in body
    assert sizes[1] < 100 * 1024, sizes
    # The downloads list every item.
    sheet = load_workbook(
        io.BytesIO(client.get(f"/p/{partnership.id}/frameworks/report.xlsx?framework=ifc").data)
    ).active
    found = [row for row in sheet.iter_rows(values_only=True) if row[1] == "ifc:PS4"]
    assert sum(1 for row in found if row[3] == "Risk") == 500
    assert sum(1 for row in found if row[3] == "Action") == 50
    printable = client.get(f"/p/{partnership.id}/frameworks/report.html?framework=ifc")
    assert printable.get_data(True).count("Riesgo ") == 500
    assert "more risks" not in printable.get_data(True)


def test_at_fifty_risks_nothing_else_is_cut(
    session, client, login, partnership, company, municipality, facilitator
):
    add_many(session, partnership, company, municipality, 1, 50)
    login(facilitator)
    body = client.get(page(partnership, "?framework=ifc")).get_data(True)
    section = ps4_section(body)
    assert "more actions" not in section and "more indicators" not in section
    assert section.count("Acción ") == 5
