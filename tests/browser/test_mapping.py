"""Mapping pages in Chromium: axe-core finds no WCAG 2.1 A/AA violation, in English and
Arabic, and a facilitator maps a participant through the form."""

from __future__ import annotations

import pytest

from tests.browser.test_browser import axe_violations, choose_language, sign_in

pytestmark = pytest.mark.browser

PAGES = [
    "mapping",
    "mapping/grid",
    "mapping/network",
    "mapping/inclusion",
    "mapping/new",
    "mapping/import",
    "mapping/groups",
]


@pytest.mark.parametrize("language", ["en", "ar"])
def test_mapping_pages_have_no_axe_violations(page, live_server, language):
    sign_in(page)
    choose_language(page, language)
    base = f"/p/{live_server.caguan_id}/"
    page.goto(base + "mapping")
    first_participant = page.locator("table.stack tbody a").first.get_attribute("href")
    for path in [*PAGES, first_participant.removeprefix(base)]:
        page.goto(base + path)
        count, report = axe_violations(page)
        assert count == 0, f"{path} ({language}):\n{report}"


def test_facilitator_maps_a_participant_and_finds_it(page, live_server):
    sign_in(page)
    choose_language(page, "en")
    page.goto(f"/p/{live_server.caguan_id}/mapping/new")
    page.fill("#name", "Asociación de Pescadores del Río Caguán")
    page.select_option("#kind", "organisation")
    page.select_option("#sector", "community_group")
    page.fill("#locality", "Puerto Rico")
    page.fill("#phone", "310 222 3344")
    page.get_by_role("button", name="Save").click()
    assert page.locator("h1").inner_text() == "Asociación de Pescadores del Río Caguán"
    page.goto(f"/p/{live_server.caguan_id}/mapping?q=pescadores")
    assert page.locator("table.stack tbody tr").count() == 1
