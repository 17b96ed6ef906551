"""Who reads which risk, per the charter's risk rule, over HTTP.

Under "connected" (the default) a risk is read by the facilitators, by whoever recorded it and
by the members of partners connected to it: an observer and a representative of a partner not
connected get the same 404 as for a risk that does not exist, and do not see it listed. Under
"all_members" everyone reads it. Whatever the rule, a connection entry (its reasoning) is read
only by the facilitators and the connected partner's own members; and nothing of one
partnership is reachable from another."""

from __future__ import annotations

import pytest

from hsbp.principles.models import CharterVersion
from tests.risks.test_connections_services import REASONING, connect
from tests.risks.test_register_pages import listed
from tests.risks.test_register_services import record

OTHER_REASONING = "The municipality licensed the mill without any consultation."


def adopt(session, partnership, rule: str) -> None:
    session.add(
        CharterVersion(
            partnership_id=partnership.id,
            number=1,
            status="adopted",
            content={"risk_rule": rule},
        )
    )
    session.flush()


@pytest.fixture
def risk(session, partnership, civil_society_rep, company, municipality, facilitator):
    """A risk the civil society partner recorded, connected to the company (and, by the
    facilitator, to the municipality), not to the civil society partner itself."""
    recorded = record(session, civil_society_rep, partnership, title={"en": "Forced evictions"})
    connect(session, facilitator, partnership, recorded, company)
    connect(
        session,
        facilitator,
        partnership,
        recorded,
        municipality,
        connection="linked",
        reasoning=OTHER_REASONING,
    )
    return recorded


def reads(client, login, user, partnership, risk) -> bool:
    """Whether `user` reads `risk`: its page opens and the register lists it (never one
    without the other)."""
    login(user)
    status = client.get(f"/p/{partnership.id}/risks/{risk.id}").status_code
    shown = listed(client.get(f"/p/{partnership.id}/risks").get_data(as_text=True))
    assert status in (200, 404)
    assert (status == 200) == (f"R-{risk.number}" in shown)
    return status == 200


def test_under_the_default_rule_only_those_concerned_read_a_risk(
    client,
    login,
    session,
    partnership,
    risk,
    make,
    facilitator,
    company_rep,
    observer,
    civil_society_rep,
    municipality_rep,
):
    unconnected = make.member(partnership, "representative")  # a partner of its own
    assert reads(client, login, facilitator, partnership, risk)
    assert reads(client, login, company_rep, partnership, risk)  # connected
    assert reads(client, login, municipality_rep, partnership, risk)  # connected
    assert reads(client, login, civil_society_rep, partnership, risk)  # recorded it
    assert not reads(client, login, observer, partnership, risk)
    assert not reads(client, login, unconnected, partnership, risk)


def test_a_hidden_risk_is_404_on_every_page_of_it(
    client, login, session, partnership, risk, observer, make
):
    unconnected = make.member(partnership, "representative")
    base = f"/p/{partnership.id}/risks/{risk.id}"
    for user in (observer, unconnected):
        login(user)
        for path in ("", "/edit", "/connections/new"):
            assert client.get(base + path).status_code == 404, (user.name, path)
        assert client.post(f"{base}/status", data={"status": "closed"}).status_code == 404
        connection = risk.connections[0]
        assert client.get(f"{base}/connections/{connection.id}/edit").status_code == 404


def test_under_all_members_everyone_reads_every_risk(
    client, login, session, partnership, risk, make, observer, company_rep
):
    adopt(session, partnership, "all_members")
    unconnected = make.member(partnership, "representative")
    assert reads(client, login, observer, partnership, risk)
    assert reads(client, login, unconnected, partnership, risk)
    assert reads(client, login, company_rep, partnership, risk)


@pytest.mark.parametrize("rule", ["connected", "all_members"])
def test_a_company_never_reads_another_partners_connection_reasoning(
    client, login, session, partnership, risk, company_rep, rule
):
    adopt(session, partnership, rule)
    login(company_rep)
    page = client.get(f"/p/{partnership.id}/risks/{risk.id}").get_data(as_text=True)
    assert REASONING in page  # its own
    assert OTHER_REASONING not in page
    assert "Alcaldía" not in page.split('id="risk-connections"')[1].split("</section>")[0]
    assert "1 other partner's entry is not shown to you." in page
    register = client.get(f"/p/{partnership.id}/risks").get_data(as_text=True)
    assert "Alcaldía de Cartagena del Chairá</bdi></a>: Directly linked" not in register
    assert "Palma del Caguán S.A.</bdi></a>: Contributes to" in register
    municipal = next(c for c in risk.connections if c.reasoning == OTHER_REASONING)
    url = f"/p/{partnership.id}/risks/{risk.id}/connections/{municipal.id}/edit"
    assert client.get(url).status_code == 404


def test_an_observer_under_all_members_sees_risks_but_no_connection_entries(
    client, login, session, partnership, risk, observer
):
    adopt(session, partnership, "all_members")
    login(observer)
    page = client.get(f"/p/{partnership.id}/risks/{risk.id}").get_data(as_text=True)
    assert REASONING not in page and OTHER_REASONING not in page
    assert "2 other partners' entries are not shown to you." in page
    assert "Record a connection" not in page
    assert "Change the risk" not in page


def test_facilitators_read_every_connection(client, login, session, partnership, risk, facilitator):
    login(facilitator)
    page = client.get(f"/p/{partnership.id}/risks/{risk.id}").get_data(as_text=True)
    assert REASONING in page and OTHER_REASONING in page
    assert "not shown to you" not in page


def test_an_outsider_gets_404_everywhere(
    client, login, session, partnership, risk, outsider, other
):
    login(outsider)
    connection = risk.connections[0]
    base = f"/p/{partnership.id}/risks"
    for path in (
        "",
        "/new",
        f"/{risk.id}",
        f"/{risk.id}/edit",
        f"/{risk.id}/connections/new",
        f"/{risk.id}/connections/{connection.id}/edit",
    ):
        assert client.get(base + path).status_code == 404, path
    # The outsider's own partnership does not open this one's risk either.
    assert client.get(f"/p/{other.id}/risks/{risk.id}").status_code == 404
    assert client.get(f"/p/{other.id}/risks/{risk.id}/edit").status_code == 404
    assert client.post(f"/p/{other.id}/risks/{risk.id}/status", data={}).status_code == 404
    assert client.get(f"/p/{other.id}/risks/{risk.id}/connections/new").status_code == 404
    edit = f"/p/{other.id}/risks/{risk.id}/connections/{connection.id}/edit"
    assert client.get(edit).status_code == 404
    listing = client.get(f"/p/{other.id}/risks").get_data(as_text=True)
    assert listed(listing) == []


def test_a_representative_edits_the_risks_it_is_connected_to(
    client, login, session, partnership, risk, company_rep, make
):
    adopt(session, partnership, "all_members")
    unconnected = make.member(partnership, "representative")
    login(company_rep)
    assert client.get(f"/p/{partnership.id}/risks/{risk.id}/edit").status_code == 200
    login(unconnected)
    assert client.get(f"/p/{partnership.id}/risks/{risk.id}/edit").status_code == 403
