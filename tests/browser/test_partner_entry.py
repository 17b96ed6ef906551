"""Entry and exit by the protocol in Chromium, on the demo's Caguán partnership (a charter in
force): a representative proposes a partner and answers for their own; the facilitator
announces a partner's departure and sees its work to hand over. Both are undone at the end
(withdrawn, cancelled), so no demo partner joins or leaves the shared database; the new
pages have no WCAG 2.1 A/AA violation in English and Arabic.
"""

from __future__ import annotations

import re
import uuid
from datetime import date, timedelta

import pytest

from tests.browser.test_browser import axe_violations, choose_language, sign_in

pytestmark = pytest.mark.browser

COMPANY_REP = "andres.gomez@demo.hsbp.example"
COMPANY = "Agroforestal del Caguán S.A.S."


def assert_no_violations(page) -> None:
    count, report = axe_violations(page)
    assert count == 0, report


def test_a_representative_proposes_a_partner_and_answers(page, live_server):
    pid = live_server.caguan_id
    name = f"Cooperativa {uuid.uuid4().hex[:6]}"
    sign_in(page, COMPANY_REP)
    page.goto(f"/p/{pid}/partners")
    choose_language(page, "en")
    page.get_by_role("link", name="Propose a partner").click()
    page.wait_for_url(re.compile(r"/partners/propose$"))
    assert "decide by majority" in page.locator("main").inner_text()
    assert_no_violations(page)
    page.get_by_label("Name").fill(name)
    page.get_by_label("Sector").select_option("civil_society")
    page.get_by_label("Why it should join").fill("It runs the cacao value chain.")
    page.get_by_role("button", name="Propose to the partners").click()
    page.wait_for_url(re.compile(r"/partners/proposals/\d+$"))
    try:
        main = page.locator("main")
        assert name in main.locator("h1").inner_text()
        assert "0 of " in main.inner_text()
        page.get_by_label("Accept").check()
        page.get_by_role("button", name="Send the answer").click()
        page.wait_for_url(re.compile(r"/partners/proposals/\d+$"))
        assert "Your answer is recorded." in main.inner_text()
        row = main.locator("tr", has_text=COMPANY)
        assert "Accept" in row.inner_text()
        assert "Change your partner's answer" in main.inner_text()
        assert_no_violations(page)
        choose_language(page, "ar")
        assert page.locator("html").get_attribute("dir") == "rtl"
        assert_no_violations(page)
        page.goto(f"/p/{pid}/partners/propose")
        assert_no_violations(page)
        page.go_back()
        choose_language(page, "en")
    finally:
        page.get_by_role("button", name="Withdraw the proposal").click()
        page.wait_for_url(re.compile(r"/partners$"))
    # Withdrawn: listed among the decided proposals only, not among those to answer.
    assert page.locator("main section", has_text=name).count() == 0


def test_the_facilitator_announces_a_departure_and_sees_the_work(page, live_server):
    pid = live_server.caguan_id
    sign_in(page)
    page.goto(f"/p/{pid}/partners")
    choose_language(page, "en")
    page.get_by_role("link", name=f"Announce a departure · {COMPANY}").click()
    page.wait_for_url(re.compile(r"/partners/\d+/leave$"))
    assert_no_violations(page)
    choose_language(page, "ar")
    assert_no_violations(page)
    choose_language(page, "en")
    page.get_by_label("Leaving date").fill((date.today() + timedelta(days=365)).isoformat())
    page.get_by_role("button", name="Announce the departure").click()
    page.wait_for_url(re.compile(r"/departures/\d+$"))
    try:
        main = page.locator("main")
        assert "Still to hand over" in main.inner_text()
        assert main.locator("li.card").count() >= 1
        assert "Let it leave with work not handed over" in main.inner_text()
        assert_no_violations(page)
        choose_language(page, "ar")
        assert page.locator("html").get_attribute("dir") == "rtl"
        assert_no_violations(page)
        choose_language(page, "en")
        # A hand-over without a partner named is refused in words, and nothing changes.
        main.locator("li.card").first.get_by_role("button", name="Hand over").click()
        assert "Choose a partner of this partnership." in main.inner_text()
    finally:
        page.get_by_role("button", name="Cancel the departure: it stays").click()
        page.wait_for_url(re.compile(r"/partners$"))
    assert "hand-over under way" not in page.locator("main").inner_text()
