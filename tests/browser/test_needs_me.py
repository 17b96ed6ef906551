""" "Needs me" and the notification settings in Chromium: a company representative opens
what waits for them from the top navigation, follows an item to where they act, chooses how
they are told, and axe-core finds no WCAG 2.1 A/AA violation on either page, in English and
in Arabic (right to left)."""

from __future__ import annotations

import re

import pytest

from tests.browser.test_browser import axe_violations, choose_language, sign_in

pytestmark = pytest.mark.browser

REPRESENTATIVE = "andres.gomez@demo.hsbp.example"


def test_a_representative_finds_what_needs_them_and_follows_it(page, live_server):
    sign_in(page, REPRESENTATIVE)
    choose_language(page, "en")
    with page.expect_navigation():
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Needs me").click()
    assert page.url == f"{live_server.url}/needs-me"
    assert page.locator("h1").inner_text() == "Needs me"
    cards = page.locator("li.card a")
    if cards.count() == 0:
        assert "Nothing waits for you right now." in page.locator("main").inner_text()
        return
    assert re.search(
        r"Waiting for you: \d+, of which overdue: \d+\.", page.locator("main").inner_text()
    )
    target = cards.first.get_attribute("href")
    assert target.startswith("/p/")
    with page.expect_navigation() as moved:
        cards.first.click()
    assert moved.value.status == 200
    assert page.url == live_server.url + target.split("#")[0]


def test_a_representative_chooses_immediate_e_mails_and_an_evening_digest(page, live_server):
    sign_in(page, REPRESENTATIVE)
    choose_language(page, "en")
    page.goto("/notifications/settings")
    group = page.get_by_role("group", name="Charter proposals to endorse")
    group.get_by_label("At once, by e-mail").check()
    page.get_by_label("Hour of the daily digest").select_option("18")
    with page.expect_navigation():
        page.get_by_role("button", name="Save").click()
    assert "Your notification settings are saved." in page.locator("main").inner_text()
    assert group.get_by_label("At once, by e-mail").is_checked()
    assert page.get_by_label("Hour of the daily digest").input_value() == "18"
    # Back to the default, so the other tests see the demo as it was.
    group.get_by_label("In the daily digest").check()
    page.get_by_label("Hour of the daily digest").select_option("7")
    with page.expect_navigation():
        page.get_by_role("button", name="Save").click()


@pytest.mark.parametrize(("language", "direction"), [("en", "ltr"), ("ar", "rtl")])
@pytest.mark.parametrize("path", ["/needs-me", "/notifications/settings"])
def test_needs_me_and_settings_have_no_axe_violations(page, live_server, path, language, direction):
    sign_in(page, REPRESENTATIVE)
    page.goto(path)
    choose_language(page, language)
    assert page.url == live_server.url + path
    assert page.locator("html").get_attribute("dir") == direction
    count, report = axe_violations(page)
    assert count == 0, report
