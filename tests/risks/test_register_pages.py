"""The register's pages over HTTP: the list in salience order with its filters and pages,
recording a risk (refusals re-render with the message and what was typed), raising one from
a grievance, a risk's page with its facts and connections, changing it and its status, and
no server error for any value in the address."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from hsbp.grievances import services as grievances
from hsbp.risks.models import Risk, RiskLink
from tests.risks.test_connections_services import connect
from tests.risks.test_register_services import record


def base(partnership) -> str:
    return f"/p/{partnership.id}/risks"


def listed(page: str) -> list[str]:
    """The risk numbers of the register's rows, in order."""
    body = page.split("<tbody>", 1)[1] if "<tbody>" in page else ""
    return re.findall(r'<a href="/p/\d+/risks/\d+"><bdi>(R-\d+)</bdi>', body)


def form_data(**overrides) -> dict:
    data = {
        "title-es": "Contaminación del río",
        "title-en": "River pollution",
        "description-es": "Vertimientos de la planta extractora.",
        "kind": "potential",
        "affected_groups": "Pescadores",
        "other_localities": "Peñas Blancas",
        "rights": ["water_sanitation", "health"],
        "dimensions": ["environmental"],
        "scale": "3",
        "scope": "2",
        "irremediability": "3",
        "likelihood": "2",
    }
    data.update(overrides)
    return data


def count(session) -> int:
    return session.scalar(select(func.count()).select_from(Risk))


# The list -----------------------------------------------------------------------------------


def test_the_register_lists_risks_gravest_first_with_what_each_row_says(
    client, login, session, partnership, facilitator, company, municipality
):
    mild = record(session, facilitator, partnership, title={"es": "Polvo en la vía"}, scale="1")
    grave = record(
        session,
        facilitator,
        partnership,
        title={"es": "Guardias armados en la planta"},
        scale="4",
        scope="4",
        dimensions=["personal"],
    )
    connect(session, facilitator, partnership, grave, company, connection="causes")
    connect(session, facilitator, partnership, grave, municipality, connection="linked")
    session.add(
        RiskLink(partnership_id=partnership.id, risk_id=grave.id, kind="grievance", target_id=1)
    )
    session.add(
        RiskLink(partnership_id=partnership.id, risk_id=grave.id, kind="grievance", target_id=2)
    )
    session.add(
        RiskLink(
            partnership_id=partnership.id,
            risk_id=grave.id,
            kind="action",
            target_id=3,
            role="mitigation",
        )
    )
    session.flush()
    login(facilitator)
    page = client.get(base(partnership)).get_data(as_text=True)
    assert listed(page) == ["R-2", "R-1"]
    assert "2 risks." in page
    assert "Record a risk" in page
    # The reader reads English: a title written in Spanish only says its language.
    row = page.split("<tbody>")[1].split("</tr>")[0]
    assert (
        '<span lang="es">Guardias armados en la planta <small class="tag">(Español)</small>' in row
    )
    assert "Very high" in row and "Possible" in row and "Personal security" in row
    assert "Palma del Caguán S.A.</bdi></a>: Causes" in row
    assert "Alcaldía de Cartagena del Chairá</bdi></a>: Directly linked to" in row
    assert "2 grievances" in row
    assert mild.number == 1


def test_filters_narrow_the_register(client, login, session, partnership, facilitator, company):
    record(session, facilitator, partnership, title={"es": "Uno"}, other_localities="La Tagua")
    two = record(
        session, facilitator, partnership, title={"es": "Dos"}, kind="actual", dimensions=["food"]
    )
    three = record(session, facilitator, partnership, title={"es": "Tres"})
    connect(session, facilitator, partnership, three, company)
    from hsbp.risks import services
    from tests.risks.test_register_services import membership_of

    services.change_status(
        session,
        actor=facilitator,
        membership=membership_of(session, facilitator, partnership),
        risk=two,
        status="closed",
        reason="Duplicado.",
    )
    login(facilitator)
    url = base(partnership)
    assert listed(client.get(f"{url}?status=closed").get_data(as_text=True)) == ["R-2"]
    assert listed(client.get(f"{url}?kind=actual").get_data(as_text=True)) == ["R-2"]
    assert listed(client.get(f"{url}?dimension=food").get_data(as_text=True)) == ["R-2"]
    assert listed(client.get(f"{url}?dimension=environmental").get_data(as_text=True)) == [
        "R-1",
        "R-3",
    ]
    assert listed(client.get(f"{url}?locality=La+Tagua").get_data(as_text=True)) == ["R-1"]
    assert listed(client.get(f"{url}?partner={company.id}").get_data(as_text=True)) == ["R-3"]
    # Open risks come first; the closed one last.
    assert listed(client.get(url).get_data(as_text=True)) == ["R-1", "R-3", "R-2"]


@pytest.mark.parametrize(
    "query",
    [
        "?status=nonsense",
        "?kind=%00",
        "?dimension=spiritual",
        "?locality=Nowhere",
        "?partner=abc",
        "?partner=99999999999999999999",
        "?page=-1",
        "?page=abc",
        "?page=99999999999",
    ],
)
def test_bad_values_in_the_address_are_ignored(
    client, login, session, partnership, facilitator, query
):
    record(session, facilitator, partnership)
    login(facilitator)
    response = client.get(base(partnership) + query)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    if "page" in query or "%00" in query:
        assert listed(page) == ["R-1"]
    else:
        assert "A filter asked for is not offered here: it is ignored." in page
        assert listed(page) == ["R-1"]


def test_the_register_pages_by_fifty(client, login, session, partnership, facilitator):
    for n in range(51):
        record(session, facilitator, partnership, title={"es": f"Riesgo {n}"})
    login(facilitator)
    first = client.get(base(partnership)).get_data(as_text=True)
    second = client.get(f"{base(partnership)}?page=2").get_data(as_text=True)
    assert len(listed(first)) == 50
    assert listed(second) == ["R-51"]
    assert f'href="/p/{partnership.id}/risks?page=2"' in first
    assert "Previous" in second


@pytest.mark.parametrize("path", ["/999999", "/abc", "/0", "/007", "/99999999999", "/1/edit/x"])
def test_unknown_risks_are_404(client, login, session, partnership, facilitator, path):
    record(session, facilitator, partnership)
    login(facilitator)
    assert client.get(base(partnership) + path).status_code == 404


# Recording and changing ------------------------------------------------------------------


def test_a_representative_records_a_risk(client, login, session, partnership, company_rep):
    login(company_rep)
    assert client.get(f"{base(partnership)}/new").status_code == 200
    response = client.post(f"{base(partnership)}/new", data=form_data())
    risk = session.scalar(select(Risk))
    assert response.status_code == 302
    assert response.headers["Location"] == f"{base(partnership)}/{risk.id}"
    assert (risk.number, risk.salience, risk.created_by_id) == (1, 82, company_rep.id)
    assert risk.localities == ["Peñas Blancas"]
    page = client.get(f"{base(partnership)}/{risk.id}").get_data(as_text=True)
    assert "River pollution" in page
    assert "Record a connection" in page


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"title-es": "", "title-en": ""}, "Give the risk a title."),
        ({"scale": ""}, "Choose a level from 1 to 4."),
        ({"likelihood": "9"}, "Choose a level from 1 to 4."),
        ({"kind": "imagined"}, "Say whether it could happen or has happened."),
        ({"rights": ["flying"]}, "Choose rights from the list."),
    ],
)
def test_a_refused_risk_re_renders_with_the_message_and_what_was_typed(
    client, login, session, partnership, facilitator, overrides, message
):
    login(facilitator)
    response = client.post(f"{base(partnership)}/new", data=form_data(**overrides))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page
    assert "Pescadores" in page
    assert count(session) == 0


def test_observers_cannot_record_risks(client, login, session, partnership, observer):
    login(observer)
    assert "Record a risk" not in client.get(base(partnership)).get_data(as_text=True)
    assert client.get(f"{base(partnership)}/new").status_code == 404
    assert client.post(f"{base(partnership)}/new", data=form_data()).status_code == 404
    assert count(session) == 0


def test_a_risk_is_raised_from_a_grievance_and_linked_to_it(
    client, login, session, partnership, facilitator, company
):
    grievance = grievances.file_grievance(
        session,
        partnership=partnership,
        channel="public",
        description="El río huele mal.",
        locale="es",
        complainant=grievances.Complainant(name="María Lozano"),
        partner_id=company.id,
    )
    login(facilitator)
    source = f"grievance:{grievance.code}"
    page = client.get(f"{base(partnership)}/new", query_string={"source": source})
    text = page.get_data(as_text=True)
    assert "Raised from" in text
    assert f'value="{source}"' in text
    response = client.post(f"{base(partnership)}/new", data=form_data(source=source))
    assert response.status_code == 302
    risk = session.scalar(select(Risk))
    link = session.scalar(select(RiskLink).where(RiskLink.risk_id == risk.id))
    assert (link.kind, link.target_id) == ("grievance", grievance.id)


@pytest.mark.parametrize("source", ["grievance:0000 0000", "action:1", "nonsense", "incident:abc"])
def test_a_source_that_cannot_be_linked_is_left_out_with_a_notice(
    client, login, session, partnership, facilitator, source
):
    login(facilitator)
    response = client.get(f"{base(partnership)}/new", query_string={"source": source})
    assert response.status_code == 200
    assert "Raised from" not in response.get_data(as_text=True)
    assert 'name="source" type="hidden" value=""' in response.get_data(as_text=True)


def test_a_forged_source_on_save_is_refused_and_nothing_saved(
    client, login, session, partnership, facilitator
):
    login(facilitator)
    response = client.post(f"{base(partnership)}/new", data=form_data(source="grievance:0000 0000"))
    assert response.status_code == 422
    assert count(session) == 0


def test_the_creator_changes_the_risk_and_its_status(
    client, login, session, partnership, company_rep
):
    risk = record(session, company_rep, partnership)
    login(company_rep)
    url = f"{base(partnership)}/{risk.id}"
    assert 'value="River pollution"' in client.get(f"{url}/edit").get_data(as_text=True)
    response = client.post(f"{url}/edit", data=form_data(scale="4"))
    assert response.status_code == 302
    session.refresh(risk)
    assert risk.salience == 92
    refused = client.post(f"{url}/status", data={"status": "addressed", "reason": ""})
    assert refused.status_code == 422
    assert "Say why" in refused.get_data(as_text=True)
    session.refresh(risk)
    assert risk.status == "open"
    done = client.post(f"{url}/status", data={"status": "addressed", "reason": "Filtros."})
    assert done.status_code == 302
    session.refresh(risk)
    assert (risk.status, risk.status_reason) == ("addressed", "Filtros.")
    page = client.get(url).get_data(as_text=True)
    assert "Filtros." in page


def test_a_reader_who_may_not_edit_gets_no_forms(
    client, login, session, partnership, facilitator, make
):
    from hsbp.principles.models import CharterVersion

    session.add(
        CharterVersion(
            partnership_id=partnership.id,
            number=1,
            status="adopted",
            content={"risk_rule": "all_members"},
        )
    )
    risk = record(session, facilitator, partnership)
    reader = make.member(partnership, "representative")
    login(reader)
    url = f"{base(partnership)}/{risk.id}"
    page = client.get(url).get_data(as_text=True)
    assert "Change the risk" not in page
    assert "Change the status" not in page
    assert client.get(f"{url}/edit").status_code == 403
    assert client.post(f"{url}/status", data={"status": "closed", "reason": "x"}).status_code == 403
    assert risk.status == "open"


def test_the_risk_page_shows_its_facts(client, login, session, partnership, facilitator):
    risk = record(session, facilitator, partnership, kind="actual")
    login(facilitator)
    page = client.get(f"{base(partnership)}/{risk.id}").get_data(as_text=True)
    for fact in (
        "<bdi>R-1</bdi>",
        "Actual",
        "Pescadores de la vereda",
        "Peñas Blancas",
        "Health; Water and sanitation",
        "Health security, Environmental security",
        "Medium (8 of 12)",
        "Has happened",
        "by Fabiola,",
        "No partner's connection to this harm is recorded yet.",
    ):
        assert fact in page, fact
