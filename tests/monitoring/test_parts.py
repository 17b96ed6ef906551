"""Values broken down into parts (women and men, age bands, groups): reported on the web for
a part the indicator declares, refused for one it does not, and shown by part."""

from datetime import date

import pytest
from sqlalchemy import select

from hsbp.errors import ServiceError
from hsbp.mapping import tags as mapping_tags
from hsbp.monitoring import parts, services
from hsbp.monitoring.models import Measurement
from tests.monitoring.conftest import add_indicator


@pytest.fixture
def jobs(session, partnership, facilitator):
    return add_indicator(session, partnership, facilitator, disaggregation=["sex", "tag"])


def test_the_parts_offered_are_those_the_indicator_declares(session, partnership, jobs):
    found = dict(parts.options(session, indicator=jobs, locale="en", fallback="es"))
    tag = mapping_tags.group_tags(session, partnership_id=partnership.id)[0]
    assert found[""] == "The whole"
    assert found["sex:female"] == "Sex: Women"
    assert found[f"tag:{tag.id}"].startswith("Marginalised group: ")
    assert not any(key.startswith("age_band:") for key in found)


@pytest.mark.parametrize("part", ["age_band:18-28", "sex:f", "sex:", "tag:women", "nonsense"])
def test_a_part_the_indicator_does_not_declare_is_refused(session, facilitator, jobs, part):
    with pytest.raises(ServiceError) as refused:
        services.record_value(
            session,
            actor=facilitator,
            indicator=jobs,
            period_on=date(2026, 4, 1),
            value="30",
            breakdown=part,
        )
    assert refused.value.field == "breakdown"
    assert session.scalar(select(Measurement)) is None


def test_a_part_is_reported_on_the_web_and_shown_by_part(
    session, client, login, partnership, facilitator, jobs
):
    login(facilitator)
    url = f"/p/{partnership.id}/monitoring/{jobs.id}"
    form = client.get(url).get_data(as_text=True)
    assert '<option value="sex:female">Sex: Women</option>' in form

    for part, value in (("", "25"), ("sex:female", "12"), ("sex:male", "38")):
        sent = {"period_on": "2026-04-01", "value": value, "breakdown": part}
        assert client.post(f"{url}/values", data=sent).status_code == 302
    again = client.post(
        f"{url}/values", data={"period_on": "2026-04-01", "value": "13", "breakdown": "sex:female"}
    )
    assert again.status_code == 422  # the part has a value: a correction, not a second one

    page = client.get(url).get_data(as_text=True)
    by_part = page[page.index("Values by part") : page.index("History of the values")]
    assert "<td>Sex: Women</td><td>12 %</td>" in by_part
    assert "<td>Sex: Men</td><td>38 %</td>" in by_part
    assert [(m.breakdown, m.value) for m in session.scalars(select(Measurement))] == [
        ("", 25),
        ("sex:female", 12),
        ("sex:male", 38),
    ]
