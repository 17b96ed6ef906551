"""Grievances in Chromium: a community member files one by SMS in the phone simulator, gets
its code, asks its status, hears of every stage as the facilitator moves it on the web, and
rates the outcome; axe-core finds no WCAG 2.1 A/AA violation on the grievance pages, in
English and in Arabic."""

from __future__ import annotations

import re

import pytest

from tests.browser.test_browser import axe_violations, choose_language, sign_in
from tests.browser.test_consultations import send
from tests.browser.test_sms import join_by_simulator

pytestmark = pytest.mark.browser

CODE = re.compile(r"\b(\d{4} \d{4})\b")
STAGES = {
    "acknowledged": "Acknowledged",
    "assessing": "Being assessed",
    "response_proposed": "Response proposed",
    "accepted": "Accepted",
    "closed": "Closed",
}


def report_by_sms(page, live_server, phone: str, text: str) -> tuple[str, str]:
    """Join as `phone`, choose English, file `text`; the simulator's address and the code."""
    join_by_simulator(page, live_server, phone)
    simulator = page.url
    send(page, "2")  # English
    replies = send(page, f"REPORT {text}")
    found = CODE.search(replies[-1])
    assert found, replies[-1]
    assert replies[-1].startswith(f"Grievance received. Your code: {found.group(1)}.")
    return simulator, found.group(1)


def open_grievance(page, live_server, code: str) -> str:
    page.goto(f"/p/{live_server.caguan_id}/grievances")
    with page.expect_navigation():
        page.get_by_role("link", name=code, exact=True).click()
    path = re.sub(r"^https?://[^/]+", "", page.url)
    assert re.fullmatch(r"/p/\d+/grievances/\d+", path), path
    return path


def test_a_community_member_files_follows_and_rates_a_grievance_by_sms(page, live_server):
    sign_in(page)
    choose_language(page, "en")
    simulator, code = report_by_sms(
        page, live_server, "+573001110191", "The new fence blocks the path to the school."
    )

    assert send(page, f"STATUS {code}")[-1] == (
        f"Grievance {code}: received, waiting to be acknowledged."
    )
    assert send(page, "STATUS 1234 5678")[-1] == "No grievance with that code from this number."

    detail = open_grievance(page, live_server, code)
    for stage, label in STAGES.items():
        page.select_option("#to", stage)
        with page.expect_navigation():
            page.get_by_role("button", name="Move", exact=True).click()
        assert page.locator("h1 .tag").first.inner_text() == label

    page.goto(simulator)
    replies = page.locator(".bubble.theirs .sms-text").all_inner_texts()
    assert replies[-6:] == [
        f"Grievance {code}: acknowledged. It will be assessed.",
        f"Grievance {code}: being assessed.",
        f"Grievance {code}: a response is proposed. We will contact you about it.",
        f"Grievance {code}: the response is accepted and will be carried out.",
        f"Grievance {code}: closed.",
        f"How well was grievance {code} resolved? Reply 1 (badly) to 5 (very well).",
    ]
    dashboard = f"/p/{live_server.caguan_id}/grievances/dashboard"
    page.goto(dashboard)
    rated_before = int(page.locator("#rated").inner_text().split()[0])
    page.goto(simulator)
    assert send(page, "4")[-1] == "Thank you. Your rating is saved."

    page.goto(detail)
    assert "4 out of 5" in page.locator("main").inner_text()
    page.goto(dashboard)
    assert int(page.locator("#rated").inner_text().split()[0]) == rated_before + 1


@pytest.mark.parametrize("language", ["en", "ar"])
def test_grievance_pages_have_no_axe_violations(page, live_server, language):
    sign_in(page)
    choose_language(page, "en")
    _simulator, code = report_by_sms(
        page, live_server, f"+57300111019{2 if language == 'en' else 3}", "Dust all day."
    )
    detail = open_grievance(page, live_server, code)
    page.goto(f"/p/{live_server.caguan_id}/grievances/settings")
    public_form = page.locator('main a[href*="/g/"]').first.get_attribute("href")
    choose_language(page, language)

    base = f"/p/{live_server.caguan_id}/grievances"
    for path in [base, detail] + [
        f"{base}/{end}" for end in ("dashboard", "new", "record", "settings", "officers")
    ]:
        page.goto(path)
        count, report = axe_violations(page)
        assert count == 0, f"{path} ({language}):\n{report}"

    page.goto(public_form)
    count, report = axe_violations(page)
    assert count == 0, f"public form ({language}):\n{report}"
