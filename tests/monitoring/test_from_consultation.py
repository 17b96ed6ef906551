"""Indicators computed from a consultation: linked only to a choice question of the same
partnership; on closing, the share choosing the answer is recorded once for the month."""

# The fixtures are shared by import, so a test's parameter names them again.
# ruff: noqa: F811

from decimal import Decimal

import pytest
from sqlalchemy import select

from hsbp.consultations import answering
from hsbp.consultations import services as consultation_services
from hsbp.errors import ServiceError
from hsbp.monitoring import from_consultation, services
from hsbp.monitoring.models import Measurement
from tests.consultations.conftest import build, facilitator, partnership  # noqa: F401
from tests.consultations.test_results import fixture_answers
from tests.monitoring.test_services import fields


@pytest.fixture
def indicator(session, partnership, facilitator):
    return services.create_indicator(
        session, actor=facilitator, partnership=partnership, fields=fields()
    )


def close(session, facilitator, consultation):
    """Close it; the closing records the linked indicators' values itself."""
    consultation_services.close_consultation(session, actor=facilitator, consultation=consultation)


def measurements(session, indicator):
    return session.execute(
        select(Measurement.period_on, Measurement.revision, Measurement.value, Measurement.method)
        .where(Measurement.indicator_id == indicator.id)
        .order_by(Measurement.revision)
    ).all()


def test_share_choosing_the_answer_is_recorded_when_the_consultation_closes(
    session, build, partnership, facilitator, indicator
):
    consultation = fixture_answers(session, build, partnership)
    water = answering.active_questions(consultation)[0]
    from_consultation.link_to_question(session, facilitator, indicator, water, "river")

    close(session, facilitator, consultation)

    # 18 answered once the one in progress is closed as partial: river 6 + 1 + 1 = 8.
    month = consultation.closes_at.date().replace(day=1)
    assert measurements(session, indicator) == [(month, 1, Decimal("44.4400"), "consultation")]


def test_closing_again_with_the_same_share_records_nothing(
    session, build, partnership, facilitator, indicator
):
    consultation = fixture_answers(session, build, partnership)
    water = answering.active_questions(consultation)[0]
    from_consultation.link_to_question(session, facilitator, indicator, water, "river")
    close(session, facilitator, consultation)

    assert from_consultation.record_from_consultation(session, consultation) == 0
    assert len(measurements(session, indicator)) == 1


def test_linking_a_question_of_another_partnership_is_refused(
    session, make, build, facilitator, indicator
):
    other = make.partnership()
    other_indicator = services.create_indicator(
        session, actor=facilitator, partnership=other, fields=fields()
    )
    water = answering.active_questions(build())[0]
    with pytest.raises(ServiceError) as caught:
        from_consultation.link_to_question(session, facilitator, other_indicator, water, "river")
    assert caught.value.field == "question_id"
    assert other_indicator.question_id is None


def test_linking_a_question_without_options_or_an_unknown_answer_is_refused(
    session, build, facilitator, indicator
):
    questions = answering.active_questions(build())
    children = questions[5]  # a number question
    with pytest.raises(ServiceError) as caught:
        from_consultation.link_to_question(session, facilitator, indicator, children, "2")
    assert caught.value.field == "question_id"
    with pytest.raises(ServiceError) as caught:
        from_consultation.link_to_question(session, facilitator, indicator, questions[0], "sea")
    assert caught.value.field == "answer_key"
    assert indicator.question_id is None


def test_no_value_is_recorded_for_an_indicator_not_linked(
    session, build, partnership, facilitator, indicator
):
    consultation = fixture_answers(session, build, partnership)
    close(session, facilitator, consultation)
    assert measurements(session, indicator) == []


def test_indicator_page_links_a_question_through_its_form(
    session, client, login, build, partnership, facilitator, indicator
):
    consultation = fixture_answers(session, build, partnership)
    water = answering.active_questions(consultation)[0]
    login(facilitator)
    url = f"/p/{partnership.id}/monitoring/{indicator.id}"

    page = client.get(url).get_data(as_text=True)
    assert f'<option value="{water.id}:river">' in page

    response = client.post(f"{url}/link", data={"source": f"{water.id}:river"})
    assert response.status_code == 302
    session.refresh(indicator)
    assert (indicator.question_id, indicator.answer_key) == (water.id, "river")
    assert f'<option selected value="{water.id}:river">' in client.get(url).get_data(as_text=True)

    client.post(f"{url}/link", data={"source": ""})
    session.refresh(indicator)
    assert (indicator.question_id, indicator.answer_key) == (None, "")


def test_linking_an_unknown_answer_through_the_form_changes_nothing(
    session, client, login, build, partnership, facilitator, indicator
):
    consultation = fixture_answers(session, build, partnership)
    water = answering.active_questions(consultation)[0]
    login(facilitator)
    url = f"/p/{partnership.id}/monitoring/{indicator.id}"

    response = client.post(f"{url}/link", data={"source": f"{water.id}:sea"}, follow_redirects=True)

    assert "Choose one of the question&#39;s answers." in response.get_data(as_text=True)
    session.refresh(indicator)
    assert indicator.question_id is None
