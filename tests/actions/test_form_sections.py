"""The action form for people in the field: its essentials shown, the rest folded in sections
that open when they hold a value or an error, and SDG targets chosen goal by goal with plain
checkboxes (no Ctrl-click), all without a script."""

import re

import pytest
from sqlalchemy import select

from hsbp.actions.models import Action
from hsbp.security import Role
from tests.actions.test_views import base, form_data


@pytest.fixture
def facilitator_en(make, partnership):
    return make.member(partnership, Role.FACILITATOR, user=make.user(locale="en"))


def opened(page: str) -> dict[str, bool]:
    """{section key: open} of the form's folded sections."""
    return {
        key: bool(is_open)
        for key, is_open in re.findall(
            r'<details class="form-section" id="section-(\w+)"( open)?', page
        )
    }


def goals_open(page: str) -> list[str]:
    """The SDG goals whose block of targets is open."""
    sdg = page.split('id="section-sdg"', 1)[1].split('id="section-money"', 1)[0]
    return re.findall(r"<details open>\s*<summary>([^<]+?)\s*<", sdg)


def test_a_new_action_shows_its_essentials_and_folds_the_rest(
    client, login, facilitator_en, partnership
):
    login(facilitator_en)
    page = client.get(f"{base(partnership)}/new").get_data(as_text=True)
    assert opened(page) == {
        "about": False,
        "who": False,
        "where": False,
        "sdg": False,
        "money": False,
    }
    essentials = page.split('<details class="form-section"', 1)[0]
    for field in ('id="title-es"', 'id="lead_partner_id"', 'id="due_on"', 'id="status"'):
        assert field in essentials
    assert "<select" not in page.split('id="section-sdg"', 1)[1].split('id="section-money"', 1)[0]


def test_sdg_targets_chosen_by_goal_are_saved_and_open_their_goal(
    client, login, session, facilitator_en, partnership, company
):
    login(facilitator_en)
    answer = client.post(
        f"{base(partnership)}/new",
        data=form_data(company, principles=[], description_es="", sdg_targets=["6.1", "16.7"]),
    )
    assert answer.status_code == 302
    action = session.scalars(select(Action)).one()
    assert action.sdg_targets == ["6.1", "16.7"]
    page = client.get(f"{base(partnership)}/{action.id}/edit").get_data(as_text=True)
    assert opened(page)["sdg"] is True
    assert goals_open(page) == [
        "6. Clean water and sanitation",
        "16. Peace, justice and strong institutions",
    ]
    assert re.search(r'name="sdg_targets" value="16\.7" checked', page)


def test_sections_holding_values_open_on_edit_and_empty_ones_stay_closed(
    client, login, session, facilitator_en, partnership, company, add_action
):
    action = add_action(
        company, description={}, principles=[], sdg_targets=[], budget="500", currency="COP"
    )
    login(facilitator_en)
    page = client.get(f"{base(partnership)}/{action.id}/edit").get_data(as_text=True)
    # The fixture's action has a start date (who) and a budget (money), nothing else folded.
    assert opened(page) == {
        "about": False,
        "who": True,
        "where": False,
        "sdg": False,
        "money": True,
    }


def test_a_refused_value_opens_its_section_with_the_message(
    client, login, session, facilitator_en, partnership, company
):
    login(facilitator_en)
    answer = client.post(
        f"{base(partnership)}/new",
        data=form_data(company, principles=[], sdg_targets=["18.1"], start_on=""),
    )
    page = answer.get_data(as_text=True)
    assert answer.status_code == 422
    assert opened(page)["sdg"] is True
    assert re.search(r'<p class="error" id="sdg_targets-error">[^<]+</p>', page)
    assert session.scalars(select(Action)).all() == []
