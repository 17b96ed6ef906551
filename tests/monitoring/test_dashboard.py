"""The partnership dashboard lists the indicators off track, judged at their latest value
in force, with a query count that does not grow with indicators or periods."""

from datetime import date

from hsbp.monitoring import queries, services
from hsbp.monitoring.progress import Track
from tests.monitoring.conftest import add_indicator


def report(session, actor, indicator, on, value, correction=False):
    services.record_value(
        session,
        actor=actor,
        indicator=indicator,
        period_on=on,
        value=value,
        correction=correction,
    )


def test_latest_standings_judge_the_latest_revision_of_the_latest_period(
    session, partnership, facilitator
):
    jobs = add_indicator(session, partnership, facilitator, name="Empleo local")
    report(session, facilitator, jobs, date(2026, 7, 1), "25")
    report(session, facilitator, jobs, date(2027, 1, 1), "30")
    # Corrected down to 22: a tenth of the way expected by 2027 is off track.
    report(session, facilitator, jobs, date(2027, 1, 1), "22", correction=True)
    water = add_indicator(session, partnership, facilitator, name="Agua potable")

    found = {
        s.indicator.id: s for s in queries.latest_standings(session, partnership_id=partnership.id)
    }

    assert found[jobs.id].values == [(date(2027, 1, 1), 22)]
    assert found[jobs.id].progress.track == Track.OFF
    assert found[water.id].values == []
    assert found[water.id].progress.track == Track.UNKNOWN


def test_dashboard_lists_indicators_off_track_only(
    session, client, login, partnership, facilitator
):
    jobs = add_indicator(session, partnership, facilitator, name="Empleo local")
    report(session, facilitator, jobs, date(2027, 1, 1), "22")
    water = add_indicator(session, partnership, facilitator, name="Agua potable")
    report(session, facilitator, water, date(2027, 1, 1), "30")  # exactly on the line
    login(facilitator)

    page = client.get(f"/p/{partnership.id}/").get_data(as_text=True)
    # The indicators' section; the recent activity below it names both reports.
    section = page.split('id="indicators-heading"', 1)[1].split("</section>", 1)[0]

    assert "1 indicator off track" in section
    assert f'/p/{partnership.id}/monitoring/{jobs.id}">Empleo local</a>' in section
    assert "Agua potable" not in section


def test_dashboard_says_when_nothing_is_off_track(session, client, login, partnership, facilitator):
    login(facilitator)
    assert "No indicator yet." in client.get(f"/p/{partnership.id}/").get_data(as_text=True)
    water = add_indicator(session, partnership, facilitator, name="Agua potable")
    report(session, facilitator, water, date(2027, 1, 1), "30")
    page = client.get(f"/p/{partnership.id}/").get_data(as_text=True)
    assert "No indicator is off track." in page


def test_dashboard_query_count_is_flat(
    session, client, login, partnership, facilitator, count_queries
):
    login(facilitator)

    def add(n):
        for i in range(n):
            indicator = add_indicator(session, partnership, facilitator, name=f"I{i}")
            for year in (2026, 2027):
                report(session, facilitator, indicator, date(year, 6, 1), "21")

    add(1)
    with count_queries() as few:
        assert client.get(f"/p/{partnership.id}/").status_code == 200
    add(12)
    with count_queries() as many:
        page = client.get(f"/p/{partnership.id}/").get_data(as_text=True)
    assert many["n"] == few["n"]
    assert "13 indicators off track" in page
    assert "See every indicator off track" in page
