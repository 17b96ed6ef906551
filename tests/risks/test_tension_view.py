"""The tension view: incidents by place and month over 12 months, pooled below 5 for those who
do not read incidents, with the context's threats and dividers, in a fixed number of queries."""

import re
from datetime import UTC, datetime, timedelta
from html import unescape

import pytest

from hsbp.risks.context_models import ContextAssessment
from hsbp.risks.tension import tension
from tests.risks.test_incident_world import incident, name_partners

NOW = datetime(2026, 12, 15, 15, 0, tzinfo=UTC)


def at(days_before_now: int) -> datetime:
    return NOW - timedelta(days=days_before_now)


@pytest.fixture
def incidents(session, partnership):
    """La Esperanza: 3 this month, 6 last month; Los Pozos: 7 this month; one with no place,
    one older than 12 months (not counted)."""
    for when, place, n in (
        (at(1), "Vereda La Esperanza", 3),
        (at(20), "Vereda La Esperanza", 6),
        (at(2), "Los Pozos", 7),
        (at(3), "", 1),
        (at(400), "Los Pozos", 2),
    ):
        for _ in range(n):
            incident(session, partnership, locality=place, received_at=when)


def rows(view) -> dict[str, tuple[list[str], str]]:
    return {row.locality: (row.cells[-2:], row.total) for row in view.rows}


def test_readers_see_exact_counts(session, partnership, incidents):
    view = tension(session, partnership=partnership, exact=True, now=NOW)
    assert len(view.months) == 12 and view.months[-1] == "Dec 2026"
    assert rows(view) == {
        "Los Pozos": (["0", "7"], "7"),
        "Vereda La Esperanza": (["6", "3"], "9"),
        "": (["0", "1"], "1"),
    }
    assert [row.locality for row in view.rows] == ["Los Pozos", "Vereda La Esperanza", ""]


def test_others_see_fewer_than_five_and_no_total_to_work_it_out(session, partnership, incidents):
    view = tension(session, partnership=partnership, exact=False, now=NOW)
    assert rows(view) == {
        "Los Pozos": (["0", "7"], "7"),
        "Vereda La Esperanza": (["6", "fewer than 5"], "5 or more"),
        "": (["0", "fewer than 5"], "fewer than 5"),
    }
    # The chart shows exact totals only.
    assert "Los Pozos" in view.chart and "Esperanza" not in view.chart


def test_an_anonymous_incident_counts_on_its_local_day(session, partnership):
    # Kept at UTC midnight of its local (Bogotá) day: 1 December is December's.
    incident(
        session,
        partnership,
        anonymous=True,
        locality="Los Pozos",
        received_at=datetime(2026, 12, 1, tzinfo=UTC),
    )
    view = tension(session, partnership=partnership, exact=True, now=NOW)
    assert rows(view) == {"Los Pozos": (["0", "1"], "1")}


def test_the_context_counts_threats_and_dividers_by_place(session, partnership, incidents):
    session.add(
        ContextAssessment(
            partnership_id=partnership.id,
            number=2,
            status="validated",
            content={
                "threats": [
                    {"key": "t1", "dimension": "personal", "locality": "Los Pozos", "text": "x"},
                    {"key": "t2", "dimension": "economic", "locality": "los pozos", "text": "y"},
                    {"key": "t3", "dimension": "food", "locality": "Remolinos", "text": "z"},
                ],
                "dividers": [{"key": "d1", "locality": "Vereda La Esperanza", "text": "tierra"}],
            },
        )
    )
    session.add(
        ContextAssessment(
            partnership_id=partnership.id,
            number=3,
            status="draft",
            content={"threats": [{"key": "t9", "locality": "Los Pozos", "text": "draft"}]},
        )
    )
    session.flush()
    view = tension(session, partnership=partnership, exact=True, now=NOW)
    assert view.assessment == 2
    found = {row.locality: (row.threats, row.dividers) for row in view.rows}
    assert found == {
        "Los Pozos": (2, 0),
        "Remolinos": (1, 0),
        "Vereda La Esperanza": (0, 1),
        "": (0, 0),
    }


def page_cells(response) -> list[str]:
    body = response.get_data(as_text=True)
    table = body[body.index('id="tension-table"') :]
    return [
        re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", "", cell))).strip()
        for cell in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", table, re.S)
    ]


def test_every_member_reads_the_view_pooled_unless_they_read_incidents(
    session, client, login, partnership, company, observer, company_rep, municipality_rep
):
    name_partners(session, partnership, company)
    for _ in range(3):
        incident(session, partnership, locality="Los Pozos")
    url = f"/p/{partnership.id}/incidents/tension"
    for user, shown in ((observer, "fewer than 5"), (municipality_rep, "fewer than 5")):
        login(user)
        response = client.get(url)
        assert response.status_code == 200
        assert page_cells(response)[-2:] == [shown, shown]
        assert "Amenazas" not in response.get_data(as_text=True)
    login(company_rep)
    assert page_cells(client.get(url))[-2:] == ["3", "3"]


def test_the_view_runs_a_fixed_number_of_queries(
    session, client, login, partnership, observer, count_queries
):
    login(observer)
    counts = []
    for total in (2, 60):
        for n in range(total):
            incident(session, partnership, locality=f"Vereda {n % 9}", days_ago=n % 300)
        with count_queries() as counter:
            assert client.get(f"/p/{partnership.id}/incidents/tension").status_code == 200
        counts.append(counter["n"])
    assert counts[0] == counts[1]
