"""Indicators under the charter in Chromium, on the demo: the facilitator adds an indicator,
changes it from its new edit page (the demo's charter in force does not hold the indicator
set, so the change applies at once) and retires it; the edit page and the indicator's page
have no WCAG 2.1 A/AA violation, in English and in Arabic.

The indicator is the test's own (a unique name) and ends retired, so the demo's indicators
that other browser tests read are untouched, and the charter's version 2 stays proposed.
"""

from __future__ import annotations

import re
import uuid

import pytest

from tests.browser.test_browser import axe_violations, choose_language, sign_in

pytestmark = pytest.mark.browser


def test_a_facilitator_changes_and_retires_an_indicator(page, live_server):
    base = f"/p/{live_server.caguan_id}"
    name = f"Huertas escolares {uuid.uuid4().hex[:6]}"
    sign_in(page)
    choose_language(page, "en")
    page.goto(f"{base}/monitoring/new")
    page.locator("#name-es").fill(name)
    page.get_by_label("Kind").select_option("number")
    page.get_by_label("Baseline value").fill("3")
    page.get_by_label("Baseline date").fill("2026-01-01")
    page.get_by_label("Target value").fill("12")
    page.get_by_label("Target date").fill("2027-12-31")
    with page.expect_navigation():
        page.get_by_role("button", name="Add the indicator").click()
    indicator = re.sub(r"^https?://[^/]+", "", page.url)
    assert re.fullmatch(rf"{base}/monitoring/\d+", indicator)

    with page.expect_navigation():
        page.get_by_role("link", name="Change the indicator").click()
    assert page.locator("#name-es").input_value() == name
    assert page.get_by_label("Target value").input_value() == "12"
    for language in ("en", "ar"):
        choose_language(page, language)
        count, report = axe_violations(page)
        assert count == 0, f"edit page ({language}):\n{report}"
    choose_language(page, "en")

    page.get_by_label("Target value").fill("ten")
    with page.expect_navigation():
        page.get_by_role("button", name="Save the change").click()
    assert "Write a number, for example 42 or 3.5" in page.locator("main").inner_text()
    page.get_by_label("Target value").fill("15")
    with page.expect_navigation():
        page.get_by_role("button", name="Save the change").click()
    assert re.sub(r"^https?://[^/]+", "", page.url) == indicator
    main = page.locator("main").inner_text()
    assert "The indicator is changed." in main and "15" in main

    with page.expect_navigation():
        page.get_by_role("link", name="Change the indicator").click()
    with page.expect_navigation():
        page.get_by_role("button", name="Retire it").click()
    assert "The charter has retired this indicator" in page.locator("main").inner_text()
    assert page.get_by_role("button", name="Report the value").count() == 0
    for language in ("en", "ar"):
        choose_language(page, language)
        assert page.locator("html").get_attribute("dir") == ("rtl" if language == "ar" else "ltr")
        count, report = axe_violations(page)
        assert count == 0, f"retired indicator ({language}):\n{report}"
    choose_language(page, "es")
