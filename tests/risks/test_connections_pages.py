"""Recording and changing a partner's connection to a risk over HTTP: the form offers only the
partners the member may speak for, a missing reasoning re-renders with a clear refusal and
saves nothing, a second connection of the same partner is refused with a message, and a saved
one leads to the connection's page."""

from __future__ import annotations

from sqlalchemy import func, select

from hsbp.risks.models import RiskConnection
from tests.risks.test_connections_services import REASONING, connect
from tests.risks.test_register_services import record


def url(partnership, risk, tail="new") -> str:
    return f"/p/{partnership.id}/risks/{risk.id}/connections/{tail}"


def count(session) -> int:
    return session.scalar(select(func.count()).select_from(RiskConnection))


def data(partner, **overrides) -> dict:
    values = {
        "partner_id": str(partner.id),
        "connection": "contributes",
        "reasoning": REASONING,
        "relationship_with": "",
    }
    values.update(overrides)
    return values


def test_a_representative_records_its_partners_connection(
    client, login, session, partnership, company, company_rep
):
    risk = record(session, company_rep, partnership)
    login(company_rep)
    form = client.get(url(partnership, risk)).get_data(as_text=True)
    # Its own partner only, already chosen; each connection with its hint.
    assert f'<option selected value="{company.id}">Palma del Caguán S.A.</option>' in form
    assert "Alcaldía" not in form
    assert "through a business relationship" in form
    response = client.post(url(partnership, risk), data=data(company))
    row = session.scalar(select(RiskConnection))
    assert response.status_code == 302
    assert response.headers["Location"] == url(partnership, risk, row.id)
    assert (row.partner_id, row.connection, row.reasoning) == (company.id, "contributes", REASONING)


def test_a_connection_without_reasoning_is_refused_clearly(
    client, login, session, partnership, company, facilitator
):
    risk = record(session, facilitator, partnership)
    login(facilitator)
    response = client.post(
        url(partnership, risk),
        data=data(company, reasoning="Because.", relationship_with="Transportes del Sur"),
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Explain the connection in at least 20 characters" in page
    assert "Nothing was saved." in page
    assert 'value="Transportes del Sur"' in page
    assert count(session) == 0


def test_a_second_connection_of_the_same_partner_is_refused(
    client, login, session, partnership, company, facilitator, municipality
):
    risk = record(session, facilitator, partnership)
    connect(session, facilitator, partnership, risk, company)
    login(facilitator)
    form = client.get(url(partnership, risk)).get_data(as_text=True)
    assert "Alcaldía" in form and "Palma del Caguán" not in form.split("<select")[1]
    response = client.post(url(partnership, risk), data=data(company, connection="causes"))
    assert response.status_code == 422
    assert "connection to R-1 is already recorded" in response.get_data(as_text=True)
    assert count(session) == 1


def test_a_representative_already_connected_is_sent_to_its_entry(
    client, login, session, partnership, company, company_rep
):
    risk = record(session, company_rep, partnership)
    row = connect(session, company_rep, partnership, risk, company)
    login(company_rep)
    response = client.get(url(partnership, risk))
    assert response.status_code == 302
    assert response.headers["Location"] == url(partnership, risk, f"{row.id}/edit")


def test_a_representative_cannot_post_for_another_partner(
    client, login, session, partnership, company_rep, municipality
):
    risk = record(session, company_rep, partnership)
    login(company_rep)
    response = client.post(url(partnership, risk), data=data(municipality))
    assert response.status_code == 422
    assert "Choose a partner you may record a connection for." in response.get_data(as_text=True)
    assert count(session) == 0


def test_a_connection_is_changed_on_its_form(
    client, login, session, partnership, company, company_rep
):
    risk = record(session, company_rep, partnership)
    row = connect(session, company_rep, partnership, risk, company)
    login(company_rep)
    edit = url(partnership, risk, f"{row.id}/edit")
    form = client.get(edit).get_data(as_text=True)
    assert REASONING in form
    assert 'name="partner_id"' not in form
    refused = client.post(edit, data={"connection": "causes", "reasoning": ""})
    assert refused.status_code == 422
    session.refresh(row)
    assert row.connection == "contributes"
    response = client.post(
        edit, data={"connection": "causes", "reasoning": REASONING, "relationship_with": ""}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == url(partnership, risk, row.id)
    session.refresh(row)
    assert row.connection == "causes"


def test_observers_and_unknown_ids_get_no_form(
    client, login, session, partnership, company, facilitator, observer
):
    risk = record(session, facilitator, partnership)
    row = connect(session, facilitator, partnership, risk, company)
    login(observer)
    assert client.get(url(partnership, risk)).status_code == 404
    login(facilitator)
    assert client.get(url(partnership, risk, "999999/edit")).status_code == 404
    assert client.get(url(partnership, risk, "abc/edit")).status_code == 404
    other = record(session, facilitator, partnership)
    # A connection reached through another risk's address is not found there.
    assert client.get(url(partnership, other, f"{row.id}/edit")).status_code == 404
