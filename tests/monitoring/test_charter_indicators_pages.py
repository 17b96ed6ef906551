"""The indicator set as a charter section over HTTP: taking it into a draft from the editor,
the charter showing it, changing an indicator at once or as an amendment, retiring one, who
may, and bad input answered with the form (422)."""

from datetime import date

import pytest
from sqlalchemy import select

from hsbp.monitoring import charter_indicators as ci
from hsbp.monitoring import services
from hsbp.monitoring.models import Indicator
from hsbp.principles import services as charter
from hsbp.principles.content import indicators_of
from tests.monitoring.conftest import add_indicator
from tests.principles import charter_content, form_fields, partnership_with


@pytest.fixture
def setup(make):
    return partnership_with(make, partners=2)


@pytest.fixture
def jobs(session, setup):
    return add_indicator(session, setup.partnership, setup.facilitator, setup.partners[0])


def first_draft(session, setup):
    version = charter.start_draft(session, actor=setup.facilitator, partnership=setup.partnership)
    charter.update_draft(
        session,
        actor=setup.facilitator,
        partnership=setup.partnership,
        version=version,
        raw=charter_content(),
    )
    return version


def adopt(session, setup, version):
    charter.propose(
        session, actor=setup.facilitator, partnership=setup.partnership, version=version
    )
    for user in setup.representatives:
        charter.endorse(session, actor=user, version=version, stance="endorse")


@pytest.fixture
def governed(session, setup, jobs):
    version = first_draft(session, setup)
    ci.take_set(session, actor=setup.facilitator, partnership=setup.partnership, version=version)
    adopt(session, setup, version)
    return jobs


def test_the_editor_takes_the_set_and_the_charter_shows_it(session, client, login, setup, jobs):
    pid = setup.partnership.id
    version = first_draft(session, setup)
    login(setup.facilitator)
    editor = client.get(f"/p/{pid}/charter/1/edit/indicators").get_data(as_text=True)
    assert "The indicator set is not part of this draft." in editor
    assert "Take the current indicator set into this draft" in editor
    response = client.post(f"/p/{pid}/charter/1/indicators")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/p/{pid}/charter/1/edit")
    session.refresh(version)
    assert [i["name"] for i in indicators_of(version.content)] == [{"es": "Empleo local"}]
    editor = client.get(f"/p/{pid}/charter/1/edit/indicators").get_data(as_text=True)
    assert "Empleo local" in editor and "Leave the indicator set out of this draft" in editor
    # Saving a section of the editor as a browser would keeps the set.
    action = f"/p/{pid}/charter/1/edit/principles"
    principles = client.get(action).get_data(as_text=True)
    assert client.post(action, data=form_fields(principles)).status_code == 302
    session.refresh(version)
    assert len(indicators_of(version.content)) == 1
    adopt(session, setup, version)
    page = client.get(f"/p/{pid}/charter").get_data(as_text=True)
    assert "Indicators" in page and "Empleo local" in page
    assert "Partner responsible for reporting" in page
    assert client.get(f"/p/{pid}/charter/print").status_code == 200


def test_leaving_the_set_out_of_a_draft(session, client, login, setup, jobs):
    pid = setup.partnership.id
    version = first_draft(session, setup)
    ci.take_set(session, actor=setup.facilitator, partnership=setup.partnership, version=version)
    login(setup.facilitator)
    assert client.post(f"/p/{pid}/charter/1/indicators/leave").status_code == 302
    session.refresh(version)
    assert indicators_of(version.content) is None


def test_before_adoption_the_edit_page_changes_the_indicator(session, client, login, setup, jobs):
    pid = setup.partnership.id
    login(setup.facilitator)
    page = client.get(f"/p/{pid}/monitoring/{jobs.id}/edit").get_data(as_text=True)
    assert 'value="Empleo local"' in page and "Change the indicator" in page
    data = form_fields(page)
    data["target_value"] = "45"
    response = client.post(f"/p/{pid}/monitoring/{jobs.id}/edit", data=data)
    assert response.headers["Location"].endswith(f"/p/{pid}/monitoring/{jobs.id}")
    session.refresh(jobs)
    assert jobs.target_value == 45


def test_after_adoption_the_edit_page_writes_an_amendment(session, client, login, setup, governed):
    pid = setup.partnership.id
    login(setup.facilitator)
    index = client.get(f"/p/{pid}/monitoring").get_data(as_text=True)
    assert "The indicator set is part of the charter in force" in index
    page = client.get(f"/p/{pid}/monitoring/{governed.id}/edit").get_data(as_text=True)
    assert "this change goes into the charter's draft" in page
    data = form_fields(page)
    data["target_value"] = "50"
    response = client.post(f"/p/{pid}/monitoring/{governed.id}/edit", data=data)
    assert response.headers["Location"].endswith(f"/p/{pid}/charter/2/edit")
    session.refresh(governed)
    assert governed.target_value == 40
    detail = client.get(f"/p/{pid}/monitoring/{governed.id}").get_data(as_text=True)
    assert "Version 2 of the charter changes this indicator" in detail
    compare = client.get(f"/p/{pid}/charter/compare?a=1&b=2").get_data(as_text=True)
    assert "Indicator: Empleo local — Target value" in compare


def test_a_new_indicator_after_adoption_waits_in_the_draft(session, client, login, setup, governed):
    pid = setup.partnership.id
    login(setup.facilitator)
    page = client.get(f"/p/{pid}/monitoring/new").get_data(as_text=True)
    data = form_fields(page)
    data.update(
        {
            "name-es": "Agua",
            "baseline_value": "10",
            "baseline_on": "2026-01-01",
            "target_value": "30",
            "target_on": "2027-01-01",
        }
    )
    response = client.post(f"/p/{pid}/monitoring/new", data=data)
    assert response.headers["Location"].endswith(f"/p/{pid}/charter/2/edit")
    names = session.scalars(select(Indicator.name).where(Indicator.partnership_id == pid)).all()
    assert names == [{"es": "Empleo local"}]


def test_a_bad_change_answers_the_form_with_422(session, client, login, setup, governed):
    pid = setup.partnership.id
    login(setup.facilitator)
    page = client.get(f"/p/{pid}/monitoring/{governed.id}/edit").get_data(as_text=True)
    data = form_fields(page)
    data["target_value"] = "mucho"
    response = client.post(f"/p/{pid}/monitoring/{governed.id}/edit", data=data)
    assert response.status_code == 422
    assert "Write a number, for example 42 or 3.5" in response.get_data(as_text=True)
    assert len(charter.list_versions(session, partnership_id=pid)) == 1


def test_retiring_before_adoption_stops_new_values(session, client, login, setup, jobs):
    pid = setup.partnership.id
    login(setup.facilitator)
    response = client.post(f"/p/{pid}/monitoring/{jobs.id}/retire")
    assert response.headers["Location"].endswith(f"/p/{pid}/monitoring/{jobs.id}")
    detail = client.get(f"/p/{pid}/monitoring/{jobs.id}").get_data(as_text=True)
    assert "The charter has retired this indicator" in detail
    assert "Report the value" not in detail and "Change the indicator" not in detail
    index = client.get(f"/p/{pid}/monitoring").get_data(as_text=True)
    assert "Retired" in index
    again = client.post(f"/p/{pid}/monitoring/{jobs.id}/retire")
    assert again.status_code == 302  # told on the page, nothing changes
    assert services.is_retired(session, indicator=jobs)


def test_representatives_and_other_partnerships_cannot_change_indicators(
    session, client, login, make, setup, jobs
):
    pid = setup.partnership.id
    login(setup.representatives[0])
    # The guard answers a role below the page's as it answers a page that is not there.
    assert client.get(f"/p/{pid}/monitoring/{jobs.id}/edit").status_code == 404
    assert client.post(f"/p/{pid}/monitoring/{jobs.id}/retire").status_code == 404
    assert client.post(f"/p/{pid}/charter/1/indicators").status_code == 404
    other = partnership_with(make, partners=1)
    login(other.facilitator)
    theirs = other.partnership.id
    assert client.get(f"/p/{theirs}/monitoring/{jobs.id}/edit").status_code == 404
    assert client.post(f"/p/{theirs}/monitoring/{jobs.id}/retire").status_code == 404
    assert client.post(f"/p/{theirs}/charter/99/indicators").status_code == 404
    session.refresh(jobs)
    assert not services.is_retired(session, indicator=jobs)


def test_values_are_reported_on_a_governed_indicator(session, client, login, setup, governed):
    pid = setup.partnership.id
    login(setup.representatives[0])
    response = client.post(
        f"/p/{pid}/monitoring/{governed.id}/values", data={"period_on": "2026-04-01", "value": "25"}
    )
    assert response.status_code == 302
    assert services.values_in_force(session, indicator_id=governed.id)[0][0] == date(2026, 4, 1)
