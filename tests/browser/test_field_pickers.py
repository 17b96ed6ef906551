"""Pickers for field staff in Chromium: a language chosen by its name from the browser's own
suggestions, a participant linked by the name the register shows, and an action's SDG
targets chosen goal by goal in folded sections that open again when they hold a value."""

from __future__ import annotations

import re

import pytest

from tests.browser.test_browser import choose_language, sign_in

pytestmark = pytest.mark.browser


def test_a_language_typed_by_name_is_saved_and_shown_as_a_checked_box(page, live_server):
    sign_in(page)
    choose_language(page, "en")
    page.goto(f"/p/{live_server.caguan_id}/mapping/new")
    page.fill("#name", "Cabildo Wayuu de Prueba")
    page.select_option("#kind", "organisation")
    page.select_option("#sector", "community_group")
    page.get_by_label("Wayuu", exact=True).check()
    page.fill("#languages", "Quechua (qu)")
    page.get_by_role("button", name="Save").click()
    assert page.locator("h1").inner_text() == "Cabildo Wayuu de Prueba"
    page.goto(re.sub(r"^https?://[^/]+", "", page.url) + "/edit")
    assert page.get_by_label("Wayuu", exact=True).is_checked()
    assert page.get_by_label("Quechua", exact=True).is_checked()


def test_a_wrong_language_name_is_explained_and_kept(page, live_server):
    sign_in(page)
    choose_language(page, "en")
    page.goto(f"/p/{live_server.caguan_id}/mapping/new")
    page.fill("#name", "Nadie")
    page.fill("#languages", "Wayuunaiki Norte")
    page.get_by_role("button", name="Save").click()
    assert (
        "No language is called “Wayuunaiki Norte”" in page.locator("#languages-error").inner_text()
    )
    assert page.input_value("#languages") == "Wayuunaiki Norte"


def test_a_relationship_links_the_participant_chosen_from_the_suggestions(page, live_server):
    sign_in(page)
    choose_language(page, "en")
    base = f"/p/{live_server.caguan_id}/mapping"
    page.goto(base)
    rows = page.locator("table.stack tbody a")
    target = rows.nth(1).inner_text()
    rows.first.click()
    suggested = page.locator("#target-suggestions option").evaluate_all(
        "options => options.map(o => o.value)"
    )
    assert target in suggested
    page.fill("#target", target)
    page.locator("#kind").select_option("cooperates")
    page.locator("form[aria-labelledby=link-form-heading] button").click()
    assert page.locator(".error").count() == 0
    assert target in page.locator("main").inner_text()


def test_sdg_targets_are_chosen_goal_by_goal_and_their_goal_opens_again(page, live_server):
    sign_in(page)
    choose_language(page, "en")
    page.goto(f"/p/{live_server.caguan_id}/actions/new")
    sdg = page.locator("#section-sdg")
    assert sdg.get_attribute("open") is None
    assert not page.get_by_label("6.1 By 2030, achieve universal").is_visible()
    sdg.locator("summary").first.click()
    sdg.locator("summary", has_text="6. Clean water and sanitation").click()
    page.get_by_label("6.1 By 2030, achieve universal").check()
    page.fill("#title-es", "Filtros de agua para la escuela")
    page.locator("#lead_partner_id").select_option(index=1)
    page.fill("#due_on", "2027-03-31")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(r"/actions/\d+$"))
    page.goto(page.url + "/edit")
    assert page.locator("#section-sdg").get_attribute("open") == ""
    assert page.get_by_label("6.1 By 2030, achieve universal").is_checked()
    assert page.locator("#section-money").get_attribute("open") is None
