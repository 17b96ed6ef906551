"""Typed values on monitoring forms: a partner or a question that is not a number, or is
too large for the database, gets a message or a 404, never a server error."""

from datetime import date

import pytest
from sqlalchemy import select

from hsbp.errors import ServiceError
from hsbp.monitoring import services
from hsbp.monitoring.models import Indicator
from tests.monitoring.conftest import add_indicator
from tests.monitoring.test_pages import form_data


@pytest.mark.parametrize("partner_id", ["abc", "²", "99999999999999999999999999", "-1"])
def test_new_indicator_with_a_junk_partner_re_renders_with_its_message(
    session, client, login, partnership, facilitator, partner_id
):
    login(facilitator)
    response = client.post(
        f"/p/{partnership.id}/monitoring/new", data=form_data(partner_id=partner_id)
    )
    assert response.status_code == 422
    assert "Choose a partner of this partnership." in response.get_data(as_text=True)
    assert session.scalar(select(Indicator)) is None


def test_new_indicator_with_a_partner_of_this_partnership_keeps_it(
    session, client, login, make, partnership, facilitator
):
    partner = make.partner(partnership)
    login(facilitator)
    response = client.post(
        f"/p/{partnership.id}/monitoring/new", data=form_data(partner_id=str(partner.id))
    )
    assert response.status_code == 302
    assert session.scalar(select(Indicator.partner_id)) == partner.id


@pytest.mark.parametrize("partner_id", ["abc", "²", "99999999999999999999999999"])
def test_create_indicator_refuses_a_junk_partner_id(session, partnership, facilitator, partner_id):
    fields = {
        "name": {"es": "Empleo"},
        "kind": "number",
        "baseline_value": "1",
        "baseline_on": date(2026, 1, 1),
        "target_value": "2",
        "target_on": date(2028, 1, 1),
        "direction": "higher",
        "partner_id": partner_id,
    }
    with pytest.raises(ServiceError) as refused:
        services.create_indicator(
            session, actor=facilitator, partnership=partnership, fields=fields
        )
    assert (str(refused.value.message), refused.value.field) == (
        "Choose a partner of this partnership.",
        "partner_id",
    )


@pytest.mark.parametrize("source", ["²:yes", "99999999999999999999999999:yes", "x:yes"])
def test_linking_an_indicator_to_a_junk_question_is_404(
    session, client, login, partnership, facilitator, source
):
    indicator = add_indicator(session, partnership, facilitator)
    login(facilitator)
    url = f"/p/{partnership.id}/monitoring/{indicator.id}/link"
    assert client.post(url, data={"source": source}).status_code == 404
