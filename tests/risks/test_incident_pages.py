"""The incident pages: who reads them, recording one heard in person, the list (filters,
pages, a fixed number of queries), handling, and attaching to a risk."""

import re
from html import unescape

import pytest
from sqlalchemy import select

from hsbp.audit import AuditEntry
from hsbp.risks.incident_models import Incident
from hsbp.risks.models import RiskConnection, RiskLink
from tests.risks.test_incident_world import incident, name_partners, risk


def text_of(response) -> str:
    body = re.sub(
        r"<(script|style|head)\b.*?</\1>", " ", response.get_data(as_text=True), flags=re.S
    )
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", body))).strip()


@pytest.fixture
def named(session, partnership, company):
    """The charter names the company to hear of incidents."""
    return name_partners(session, partnership, company)


def url(partnership, rest="") -> str:
    return f"/p/{partnership.id}/incidents{rest}"


# Who reads ---------------------------------------------------------------------------------


def test_facilitators_and_named_partners_read_the_words(
    session, client, login, partnership, named, facilitator, company_rep
):
    row = incident(session, partnership, description="Hombres armados en la escuela")
    for user in (facilitator, company_rep):
        login(user)
        assert "Hombres armados en la escuela" in text_of(client.get(url(partnership)))
        page = client.get(url(partnership, f"/{row.id}"))
        assert page.status_code == 200
        assert "Hombres armados en la escuela" in text_of(page)


def test_others_see_the_tension_view_only(
    session, client, login, partnership, named, observer, municipality_rep
):
    row = incident(session, partnership, description="Hombres armados en la escuela")
    for user in (observer, municipality_rep):
        login(user)
        listing = client.get(url(partnership))
        assert listing.status_code == 302
        assert listing.headers["Location"].endswith(url(partnership, "/tension"))
        for path in (f"/{row.id}", "/new"):
            assert client.get(url(partnership, path)).status_code == 404
        response = client.post(url(partnership, f"/{row.id}/status"), data={"to": "close"})
        assert response.status_code == 404
        tension = client.get(url(partnership, "/tension"))
        assert tension.status_code == 200
        assert "Hombres armados" not in tension.get_data(as_text=True)
    session.refresh(row)
    assert row.status == "new"


def test_without_a_charter_naming_partners_only_facilitators_read(
    session, client, login, partnership, company_rep
):
    row = incident(session, partnership)
    login(company_rep)
    assert client.get(url(partnership, f"/{row.id}")).status_code == 404


def test_outsiders_and_other_partnerships_ids_get_404(
    session, client, login, partnership, other, facilitator, outsider
):
    mine = incident(session, partnership)
    theirs = incident(session, other)
    login(outsider)
    for path in ("", f"/{mine.id}", "/tension", "/new"):
        assert client.get(url(partnership, path)).status_code == 404, path
    login(facilitator)
    assert client.get(url(partnership, f"/{theirs.id}")).status_code == 404
    assert client.get(url(partnership, "/99999999")).status_code == 404


# Recording on the web ----------------------------------------------------------------------


def test_a_facilitator_records_an_incident_heard_in_person(
    session, client, login, partnership, facilitator
):
    login(facilitator)
    response = client.post(
        url(partnership, "/new"),
        data={"description": "  Quemaron la caseta comunal  ", "locality": " Los  Pozos "},
    )
    (found,) = session.scalars(select(Incident)).all()
    assert response.status_code == 302
    assert response.headers["Location"].endswith(url(partnership, f"/{found.id}"))
    assert (found.channel, found.description, found.locality, found.anonymous) == (
        "web",
        "Quemaron la caseta comunal",
        "Los Pozos",
        False,
    )
    assert (found.recorded_by_id, found.contact_id, found.number) == (facilitator.id, None, 1)
    page = text_of(client.get(url(partnership, f"/{found.id}")))
    assert "Incident I-1" in page
    assert "Recorded by Fabiola" in page
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "incident.record"))
    assert (entry.actor_id, entry.object_type, entry.object_id, entry.details) == (
        facilitator.id,
        "Incident",
        found.id,
        {"anonymous": False},
    )


def test_an_anonymous_record_keeps_neither_recorder_nor_time(
    session, client, login, partnership, facilitator
):
    login(facilitator)
    client.post(
        url(partnership, "/new"), data={"description": "Amenazas al líder", "anonymous": "y"}
    )
    (found,) = session.scalars(select(Incident)).all()
    assert (found.anonymous, found.recorded_by_id) == (True, None)
    assert (found.received_at.hour, found.received_at.minute, found.received_at.second) == (0, 0, 0)
    assert "Fabiola" not in text_of(client.get(url(partnership, f"/{found.id}")))


def test_an_empty_or_too_long_record_is_refused_and_nothing_saved(
    session, client, login, partnership, facilitator
):
    login(facilitator)
    empty = client.post(url(partnership, "/new"), data={"description": "   ", "locality": "X"})
    assert empty.status_code == 422
    assert "Say what is happening." in text_of(empty)
    long_place = client.post(
        url(partnership, "/new"), data={"description": "Algo pasa", "locality": "x" * 201}
    )
    assert long_place.status_code == 422
    assert session.scalars(select(Incident)).all() == []


# The list ------------------------------------------------------------------------------------


def test_the_list_is_newest_first_with_filters_and_pages(
    session, client, login, partnership, facilitator
):
    for n in range(30):
        incident(
            session,
            partnership,
            days_ago=30 - n,
            locality="Los Pozos" if n % 2 else "Bajo Caguán",
            status="closed" if n < 4 else "new",
        )
    login(facilitator)
    first = text_of(client.get(url(partnership)))
    numbers = [int(n) for n in re.findall(r"I-(\d+)", first)]
    assert numbers == list(range(30, 5, -1))
    second = text_of(client.get(url(partnership, "?page=2")))
    assert [int(n) for n in re.findall(r"I-(\d+)", second)] == [5, 4, 3, 2, 1]
    closed = text_of(client.get(url(partnership, "?status=closed")))
    assert [int(n) for n in re.findall(r"I-(\d+)", closed)] == [4, 3, 2, 1]
    pozos = text_of(client.get(url(partnership, "?status=closed&locality=Los+Pozos")))
    assert [int(n) for n in re.findall(r"I-(\d+)", pozos)] == [4, 2]
    # A value the filters do not offer filters nothing; a bad page is the first.
    odd = text_of(client.get(url(partnership, "?status=burnt&locality=Nowhere&page=x")))
    assert [int(n) for n in re.findall(r"I-(\d+)", odd)][:2] == [30, 29]


def test_a_place_not_known_can_be_filtered(session, client, login, partnership, facilitator):
    incident(session, partnership, locality="")
    incident(session, partnership, locality="Los Pozos")
    login(facilitator)
    page = text_of(client.get(url(partnership, "?locality=-")))
    assert re.findall(r"I-(\d+)", page) == ["1"]


def test_the_list_runs_a_fixed_number_of_queries(
    session, client, login, partnership, facilitator, count_queries
):
    login(facilitator)
    counts = []
    for total in (3, 40):
        while len(session.scalars(select(Incident.id)).all()) < total:
            number = len(session.scalars(select(Incident.id)).all())
            row = incident(session, partnership, locality=f"Vereda {number % 7}")
            if number % 3 == 0:
                row.risk_id = risk(session, partnership, number + 1).id
        session.flush()
        with count_queries() as counter:
            assert client.get(url(partnership)).status_code == 200
        counts.append(counter["n"])
    assert counts[0] == counts[1]


# Handling -----------------------------------------------------------------------------------------


def test_acknowledge_close_and_correct_the_place(session, client, login, partnership, facilitator):
    row = incident(session, partnership, locality="")
    login(facilitator)
    status = url(partnership, f"/{row.id}/status")
    assert client.post(status, data={"to": "acknowledge"}).status_code == 302
    session.refresh(row)
    assert (row.status, row.acknowledged_at is not None, row.closed_at) == (
        "acknowledged",
        True,
        None,
    )
    client.post(status, data={"to": "close"})
    session.refresh(row)
    assert (row.status, row.closed_at is not None) == ("closed", True)
    assert client.post(status, data={"to": "reopen"}).status_code == 400
    response = client.post(url(partnership, f"/{row.id}/locality"), data={"locality": "La Unión"})
    assert response.status_code == 302
    session.refresh(row)
    assert row.locality == "La Unión"
    refused = client.post(url(partnership, f"/{row.id}/locality"), data={"locality": "x" * 250})
    assert refused.status_code == 422
    actions = session.scalars(
        select(AuditEntry.action)
        .where(AuditEntry.object_type == "Incident", AuditEntry.object_id == row.id)
        .order_by(AuditEntry.id)
    ).all()
    assert actions == ["incident.acknowledge", "incident.close", "incident.locality"]
    locality = session.scalar(select(AuditEntry).where(AuditEntry.action == "incident.locality"))
    assert locality.details == {"locality": ["", "La Unión"]}


def test_the_shared_record_tells_the_handling_without_the_words(
    session, client, login, partnership, facilitator
):
    row = incident(session, partnership, description="Palabras secretas")
    login(facilitator)
    client.post(url(partnership, f"/{row.id}/status"), data={"to": "acknowledge"})
    page = text_of(client.get(f"/p/{partnership.id}/audit"))
    assert "Fabiola acknowledged the incident I-1 ." in page
    assert "Palabras secretas" not in page


# Risks --------------------------------------------------------------------------------------------


def test_attach_to_a_risk_links_both_ways(session, client, login, partnership, facilitator):
    target = risk(session, partnership, 3)
    row = incident(session, partnership)
    login(facilitator)
    response = client.post(url(partnership, f"/{row.id}/attach"), data={"risk": " r-3 "})
    assert response.status_code == 302
    session.refresh(row)
    assert row.risk_id == target.id
    (link,) = session.scalars(select(RiskLink)).all()
    assert (link.risk_id, link.kind, link.target_id, link.created_by_id) == (
        target.id,
        "incident",
        row.id,
        facilitator.id,
    )
    page = text_of(client.get(url(partnership, f"/{row.id}")))
    assert "R-3 Desalojo forzoso" in page
    assert "R-3" in text_of(client.get(url(partnership)))
    # Again: one link still.
    client.post(url(partnership, f"/{row.id}/attach"), data={"risk": "3"})
    assert len(session.scalars(select(RiskLink)).all()) == 1


def test_attach_refuses_a_risk_that_does_not_exist_or_may_not_be_read(
    session, client, login, partnership, named, company_rep, municipality, facilitator
):
    hidden = risk(session, partnership, 1, created_by=facilitator)
    connected = risk(session, partnership, 2, created_by=facilitator)
    session.add(
        RiskConnection(
            partnership_id=partnership.id,
            risk_id=connected.id,
            partner_id=named.content["incident_partners"][0],
            connection="contributes",
            reasoning="Our trucks use the road.",
        )
    )
    row = incident(session, partnership)
    login(company_rep)
    for typed in ("R-1", "R-9", "risk two", "٢", "2" * 12):
        response = client.post(url(partnership, f"/{row.id}/attach"), data={"risk": typed})
        assert response.status_code == 422, typed
        assert "No risk you may read has this number." in text_of(response)
    assert (
        client.post(url(partnership, f"/{row.id}/attach"), data={"risk": "R-2"}).status_code == 302
    )
    session.refresh(row)
    assert row.risk_id == connected.id != hidden.id


def test_raise_a_risk_links_to_the_new_risk_form_with_the_incident_as_source(
    session, client, login, partnership, facilitator
):
    row = incident(session, partnership)
    login(facilitator)
    page = client.get(url(partnership, f"/{row.id}")).get_data(as_text=True)
    assert f"/p/{partnership.id}/risks/new?source=incident:1" in unescape(page).replace("%3A", ":")
    response = client.get(f"/p/{partnership.id}/risks/new?source=incident:1")
    assert response.status_code == 200
    assert 'value="incident:1"' in response.get_data(as_text=True)


def test_the_pages_read_right_to_left_in_arabic(session, client, login, partnership, facilitator):
    facilitator.locale = "ar"
    row = incident(session, partnership, description="Amenazas")
    login(facilitator)
    for path in ("", f"/{row.id}", "/new", "/tension"):
        response = client.get(url(partnership, path))
        assert response.status_code == 200, path
        assert 'dir="rtl"' in response.get_data(as_text=True), path
    chart = client.get(url(partnership, "/tension")).get_data(as_text=True)
    assert 'direction="rtl"' in chart
