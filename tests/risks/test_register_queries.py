"""The register and a risk's page cost a fixed number of SQL statements, however many risks,
connections and links there are; `register_page` is the listing the bench measures."""

from __future__ import annotations

import pytest

from hsbp.risks import queries
from hsbp.risks.models import RiskLink
from tests.risks.test_connections_services import connect
from tests.risks.test_register_services import membership_of, record


def grow(session, partnership, facilitator, partners, start: int, size: int) -> None:
    for n in range(start, start + size):
        risk = record(
            session,
            facilitator,
            partnership,
            title={"es": f"Riesgo {n}"},
            other_localities=f"Vereda {n % 4}",
        )
        for partner in partners[: 1 + n % len(partners)]:
            connect(session, facilitator, partnership, risk, partner)
        session.add(
            RiskLink(partnership_id=partnership.id, risk_id=risk.id, kind="grievance", target_id=n)
        )
    session.flush()


@pytest.mark.parametrize("reader", ["facilitator", "company_rep"])
def test_the_register_costs_the_same_for_3_and_30_risks(
    request,
    client,
    login,
    session,
    partnership,
    facilitator,
    company,
    municipality,
    civil_society,
    count_queries,
    reader,
):
    partners = [company, municipality, civil_society]
    user = request.getfixturevalue(reader)
    grow(session, partnership, facilitator, partners, 0, 3)
    login(user)
    url = f"/p/{partnership.id}/risks"
    with count_queries() as few:
        assert client.get(url).status_code == 200
    grow(session, partnership, facilitator, partners, 3, 27)
    with count_queries() as many:
        page = client.get(url).get_data(as_text=True)
    assert page.count('data-label="Risk"><a href') == 30
    assert many["n"] == few["n"]


def test_register_page_runs_five_queries(
    session, partnership, facilitator, company, municipality, company_rep, count_queries
):
    grow(session, partnership, facilitator, [company, municipality], 0, 12)
    membership = membership_of(session, company_rep, partnership)
    with count_queries() as counter:
        listing = queries.register_page(
            session, membership=membership, filters=queries.Filters(dimension="environmental")
        )
    # The charter's rule, the count, the rows, the reader's connections, the links.
    assert counter["n"] == 5
    assert listing.total == 12
    assert all(len(row.connections) == 1 for row in listing.rows)
    assert all(row.sources == {"grievance": 1} for row in listing.rows)


def test_a_risks_page_costs_the_same_for_2_and_20_connections(
    client, login, session, partnership, facilitator, make, count_queries
):
    few_partners = [make.partner(partnership) for _ in range(2)]
    many_partners = [make.partner(partnership) for _ in range(20)]
    small = record(session, facilitator, partnership)
    large = record(session, facilitator, partnership)
    for partner in few_partners:
        connect(session, facilitator, partnership, small, partner)
    for partner in many_partners:
        connect(session, facilitator, partnership, large, partner)
    login(facilitator)
    with count_queries() as few:
        assert client.get(f"/p/{partnership.id}/risks/{small.id}").status_code == 200
    with count_queries() as many:
        page = client.get(f"/p/{partnership.id}/risks/{large.id}").get_data(as_text=True)
    assert page.count('<li class="card">') == 20
    assert many["n"] == few["n"]
