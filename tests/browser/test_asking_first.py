"""Destructive and risky steps ask first, without JavaScript: in Chromium, a facilitator
naming the company's representative grievance officer is shown the conflict of interest
and may cancel; once confirmed, removing the role asks again. The demo ends as it began."""

from __future__ import annotations

import re

import pytest

from tests.browser.test_browser import axe_violations, choose_language, sign_in

pytestmark = pytest.mark.browser

ANDRES = "Andrés Felipe Gómez Castaño"
COMPANY = "Agroforestal del Caguán S.A.S."


def choose_andres(page) -> None:
    page.select_option("#user_id", label=f"{ANDRES} · represents {COMPANY}")
    with page.expect_navigation():
        page.get_by_role("button", name="Name officer", exact=True).click()


def test_naming_a_representative_officer_and_removing_the_role_ask_first(page, live_server):
    sign_in(page)
    choose_language(page, "en")
    officers = f"/p/{live_server.caguan_id}/grievances/officers"
    page.goto(officers)
    # Nobody is chosen in advance: sending the form as it comes is refused with a message.
    assert page.locator("#user_id").input_value() == ""
    with page.expect_navigation():
        page.get_by_role("button", name="Name officer", exact=True).click()
    assert "Choose a member." in page.locator("main").inner_text()

    choose_andres(page)
    heading = page.get_by_role("heading", level=1)
    assert heading.inner_text() == f"Name {ANDRES} grievance officer?"
    conflict = page.locator("#conflict").inner_text()
    assert conflict == (
        f"{ANDRES} represents {COMPANY}. Handling complaints about their own organisation "
        "is a conflict of interest."
    )
    count, report = axe_violations(page)
    assert count == 0, report
    with page.expect_navigation():
        page.get_by_role("link", name="Cancel", exact=True).click()
    assert page.url.endswith(officers)
    table = page.locator("main table")
    assert ANDRES not in (table.inner_text() if table.count() else "")

    choose_andres(page)
    with page.expect_navigation():
        page.get_by_role("button", name=f"Yes, name {ANDRES} grievance officer").click()
    assert f"{ANDRES} is now a grievance officer." in page.locator("main").inner_text()

    with page.expect_navigation():
        page.get_by_role("button", name=f"Remove the role of {ANDRES}").click()
    assert page.get_by_role("heading", level=1).inner_text() == (
        f"Remove the grievance officer role of {ANDRES}?"
    )
    with page.expect_navigation():
        page.get_by_role("button", name=f"Yes, remove the role of {ANDRES}").click()
    assert re.search(
        rf"{ANDRES} is no longer a grievance officer\.", page.locator("main").inner_text()
    )
    assert ANDRES not in page.locator("main table").inner_text()
