"""The retention schedule in Chromium: a facilitator opens it from the settings and changes a
period, a representative reads it from the dashboard; the schedule and its form have no WCAG
2.1 A/AA violation in English and in Arabic."""

from __future__ import annotations

import re

import pytest

from tests.browser.test_browser import axe_violations, choose_language, sign_in

pytestmark = pytest.mark.browser

COMPANY = "andres.gomez@demo.hsbp.example"


@pytest.mark.parametrize(("language", "direction"), [("en", "ltr"), ("ar", "rtl")])
def test_the_schedule_and_its_form_have_no_axe_violations(page, live_server, language, direction):
    pid = live_server.caguan_id
    sign_in(page)
    page.goto(f"/p/{pid}/settings")
    choose_language(page, language)
    assert page.locator("html").get_attribute("dir") == direction
    page.locator(f"main a[href='/p/{pid}/retention']").click()
    page.wait_for_url(re.compile(rf"/p/{pid}/retention$"))
    assert page.locator("main h2").count() == 5
    count, report = axe_violations(page)
    assert count == 0, report

    page.locator(f"main a[href='/p/{pid}/retention/edit']").click()
    page.wait_for_url(re.compile(rf"/p/{pid}/retention/edit$"))
    count, report = axe_violations(page)
    assert count == 0, report


def test_a_facilitator_lengthens_a_period_and_a_representative_reads_it(browser, page, live_server):
    pid = live_server.caguan_id
    sign_in(page)
    choose_language(page, "en")
    page.goto(f"/p/{pid}/retention/edit")
    page.get_by_label("Delete the files of dropped actions after this many days").fill("400")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(rf"/p/{pid}/retention$"))
    assert page.get_by_text("The retention schedule is saved.").is_visible()
    assert page.get_by_text("400 days", exact=True).is_visible()

    context = browser.new_context(base_url=live_server.url, locale="en-US")
    try:
        other = context.new_page()
        sign_in(other, COMPANY)
        choose_language(other, "en")
        other.goto(f"/p/{pid}/")
        other.get_by_role("link", name="Retention schedule: how long personal data is kept").click()
        other.wait_for_url(re.compile(rf"/p/{pid}/retention$"))
        assert other.get_by_text("400 days", exact=True).is_visible()
        assert other.get_by_role("link", name="Change the schedule").count() == 0
        assert other.goto(f"/p/{pid}/retention/edit").status == 404
    finally:
        context.close()
