"""Monitoring pages over HTTP: the list with its track and query count, adding an indicator,
an indicator's page, reporting and correcting a value, and who may do so."""

from datetime import date

from sqlalchemy import select

from hsbp.monitoring import services
from hsbp.monitoring.models import Indicator, Measurement
from hsbp.security import Role
from tests.monitoring.conftest import add_indicator


def form_data(**overrides):
    values = {
        "name-es": "Mujeres en empleo local",
        "kind": "percentage",
        "baseline_value": "18",
        "baseline_on": "2026-01-01",
        "target_value": "40",
        "target_on": "2028-01-01",
        "direction": "higher",
        "frequency": "quarterly",
        "disaggregation": ["sex", "age_band"],
    }
    return {**values, **overrides}


def test_index_lists_indicators_with_their_track(session, client, login, partnership, facilitator):
    jobs = add_indicator(session, partnership, facilitator)
    # A year in, the straight line is at half the way; 22% is a tenth of it: off track.
    services.record_value(
        session, actor=facilitator, indicator=jobs, period_on=date(2027, 1, 1), value="22"
    )
    add_indicator(session, partnership, facilitator, name="Agua potable")
    login(facilitator)
    page = client.get(f"/p/{partnership.id}/monitoring").get_data(as_text=True)
    assert "Empleo local" in page and "Agua potable" in page
    assert "Off track" in page and "No value yet" in page
    only_off = client.get(f"/p/{partnership.id}/monitoring?off_track=y").get_data(as_text=True)
    assert "Empleo local" in only_off
    assert "Agua potable" not in only_off


def test_index_query_count_is_flat(session, client, login, partnership, facilitator, count_queries):
    login(facilitator)

    def add(n):
        for i in range(n):
            indicator = add_indicator(session, partnership, facilitator, name=f"I{i}")
            for month in (1, 4, 7):
                services.record_value(
                    session,
                    actor=facilitator,
                    indicator=indicator,
                    period_on=date(2026, month, 1),
                    value="25",
                )

    add(2)
    with count_queries() as few:
        assert client.get(f"/p/{partnership.id}/monitoring").status_code == 200
    add(10)
    with count_queries() as many:
        assert client.get(f"/p/{partnership.id}/monitoring").status_code == 200
    assert many["n"] == few["n"]


def test_new_indicator_with_a_bad_field_re_renders_with_its_message(
    session, client, login, partnership, facilitator
):
    login(facilitator)
    response = client.post(
        f"/p/{partnership.id}/monitoring/new", data=form_data(target_on="2025-01-01")
    )
    assert response.status_code == 422
    assert "The target date must come after the baseline date." in response.get_data(as_text=True)
    assert session.scalar(select(Indicator)) is None


def test_new_indicator_is_created_and_shown(session, client, login, partnership, facilitator):
    login(facilitator)
    response = client.post(f"/p/{partnership.id}/monitoring/new", data=form_data())
    indicator = session.scalar(select(Indicator))
    assert response.status_code == 302
    assert response.location.endswith(f"/p/{partnership.id}/monitoring/{indicator.id}")
    assert indicator.name == {"es": "Mujeres en empleo local"}
    assert indicator.disaggregation == ["sex", "age_band"]
    page = client.get(response.location).get_data(as_text=True)
    assert "Mujeres en empleo local" in page and "<svg" in page


def test_a_representative_may_not_add_an_indicator(session, client, login, make, partnership):
    login(make.member(partnership, Role.REPRESENTATIVE))
    assert client.get(f"/p/{partnership.id}/monitoring/new").status_code == 404


def test_report_and_correction_keep_the_history(
    session, client, login, make, partnership, facilitator, company
):
    indicator = add_indicator(session, partnership, facilitator, partner=company)
    representative = make.member(partnership, Role.REPRESENTATIVE, partner=company)
    login(representative)
    url = f"/p/{partnership.id}/monitoring/{indicator.id}/values"
    first = {"period_on": "2026-04-01", "value": "24", "note": "Nómina de abril"}
    assert client.post(url, data=first).status_code == 302
    again = client.post(url, data={**first, "value": "25"})
    assert again.status_code == 422
    assert "This period already has a value." in again.get_data(as_text=True)
    fixed = client.post(url, data={**first, "value": "26,5", "correction": "y"})
    assert fixed.status_code == 302
    rows = session.execute(
        select(
            Measurement.revision, Measurement.value, Measurement.method, Measurement.reported_by_id
        )
        .where(Measurement.indicator_id == indicator.id)
        .order_by(Measurement.revision)
    ).all()
    assert [(r, str(v), m, u) for r, v, m, u in rows] == [
        (1, "24.0000", "web", representative.id),
        (2, "26.5000", "web", representative.id),
    ]
    page = client.get(f"/p/{partnership.id}/monitoring/{indicator.id}").get_data(as_text=True)
    assert "Nómina de abril" in page and "Report a value" in page


def test_a_representative_of_another_partner_is_refused(
    session, client, login, make, partnership, facilitator, company
):
    indicator = add_indicator(session, partnership, facilitator, partner=company)
    login(make.member(partnership, Role.REPRESENTATIVE))
    page = client.get(f"/p/{partnership.id}/monitoring/{indicator.id}").get_data(as_text=True)
    assert "Report a value" not in page
    response = client.post(
        f"/p/{partnership.id}/monitoring/{indicator.id}/values",
        data={"period_on": "2026-04-01", "value": "24"},
    )
    assert response.status_code == 403
    assert session.scalar(select(Measurement)) is None


def test_a_non_member_gets_404(session, client, login, make, partnership, facilitator):
    indicator = add_indicator(session, partnership, facilitator)
    login(make.user())
    assert client.get(f"/p/{partnership.id}/monitoring").status_code == 404
    assert client.get(f"/p/{partnership.id}/monitoring/{indicator.id}").status_code == 404


def test_an_indicator_of_another_partnership_is_404(
    session, client, login, make, partnership, facilitator
):
    other = make.partnership()
    indicator = add_indicator(session, other, make.member(other))
    login(facilitator)
    assert client.get(f"/p/{partnership.id}/monitoring/{indicator.id}").status_code == 404


def test_new_indicator_form_offers_scale_levels(client, login, partnership, facilitator):
    login(facilitator)
    page = client.get(f"/p/{partnership.id}/monitoring/new").get_data(as_text=True)
    assert 'name="levels-3-label-es"' in page
    assert 'name="levels-4-label-es"' not in page


def test_index_draws_a_sparkline_the_indicator_page_the_full_chart(
    session, client, login, partnership, facilitator
):
    jobs = add_indicator(session, partnership, facilitator)
    for month in (1, 4, 7):
        services.record_value(
            session,
            actor=facilitator,
            indicator=jobs,
            period_on=date(2026, month, 1),
            value="25",
        )
    login(facilitator)

    index = client.get(f"/p/{partnership.id}/monitoring").get_data(as_text=True)
    sparkline = index[index.index("<svg") : index.index("</svg>")]
    assert 'aria-hidden="true"' in sparkline and 'width="120"' in sparkline
    assert sparkline.count("<circle") == 1  # the latest value only

    page = client.get(f"/p/{partnership.id}/monitoring/{jobs.id}").get_data(as_text=True)
    chart = page[page.index("<svg") : page.index("</svg>")]
    assert 'role="img"' in chart and chart.count("<circle") == 3
