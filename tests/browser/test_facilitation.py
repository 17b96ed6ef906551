"""Facilitation, the shared record and the partnering sequence in Chromium: the facilitator
writes her profile, a municipal official reads it, a company representative reads the
partnership's record without protected details; the pages have no WCAG 2.1 A/AA violation in
English and in Arabic."""

from __future__ import annotations

import re

import pytest

from tests.browser.test_browser import axe_violations, choose_language, sign_in

pytestmark = pytest.mark.browser

OFFICIAL = "martha.rincon@demo.hsbp.example"
COMPANY = "andres.gomez@demo.hsbp.example"
ORGANISATION = "PNUD Colombia (prueba de navegador)"


def write_profile(page, pid: int) -> None:
    page.goto(f"/p/{pid}/facilitation/profile")
    page.locator("#organisation").fill(ORGANISATION)
    for name in ("neutrality", "interests"):
        for area in page.locator(f"textarea[id^='{name}-']").all():
            area.fill(f"{name}: texto de prueba")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(rf"/p/{pid}/facilitation$"))


def test_a_facilitator_s_profile_is_read_by_every_member(browser, page, live_server):
    pid = live_server.caguan_id
    sign_in(page)
    choose_language(page, "en")
    page.goto(f"/p/{pid}/")
    assert page.locator("#sequence-heading").is_visible()
    assert page.locator("ol.steps > li").count() == 5
    write_profile(page, pid)
    assert page.get_by_text(ORGANISATION).is_visible()

    context = browser.new_context(base_url=live_server.url, locale="en-US")
    try:
        other = context.new_page()
        sign_in(other, OFFICIAL)
        choose_language(other, "en")
        other.goto(f"/p/{pid}/")
        other.get_by_role("link", name="Who facilitates, and their declared interests").click()
        other.wait_for_url(re.compile(rf"/p/{pid}/facilitation$"))
        assert other.get_by_text(ORGANISATION).is_visible()
        assert other.get_by_text("neutrality: texto de prueba").first.is_visible()
        # A representative may read profiles, not write them.
        assert other.goto(f"/p/{pid}/facilitation/profile").status == 404
    finally:
        context.close()


def test_a_representative_reads_the_shared_record(page, live_server):
    pid = live_server.caguan_id
    sign_in(page, COMPANY)
    choose_language(page, "en")
    page.goto(f"/p/{pid}/")
    page.get_by_role("link", name="The partnership's shared record").click()
    page.wait_for_url(re.compile(rf"/p/{pid}/audit$"))
    assert page.get_by_text("The facilitators keep the full record.").is_visible()
    body = page.locator("main").inner_text()
    assert "participant.identity_view" not in body
    assert "grievance.file" not in body


@pytest.mark.parametrize(("language", "direction"), [("en", "ltr"), ("ar", "rtl")])
def test_facilitation_pages_have_no_axe_violations(page, live_server, language, direction):
    pid = live_server.caguan_id
    sign_in(page)
    page.goto(f"/p/{pid}/facilitation")
    choose_language(page, language)
    for path in (
        f"/p/{pid}/facilitation",
        f"/p/{pid}/facilitation/profile",
        f"/p/{pid}/",
        f"/p/{pid}/members",
    ):
        page.goto(path)
        assert page.locator("html").get_attribute("dir") == direction
        count, report = axe_violations(page)
        assert count == 0, f"{path}\n{report}"


@pytest.mark.parametrize("language", ["en", "ar"])
def test_shared_record_has_no_axe_violations(page, live_server, language):
    sign_in(page, COMPANY)
    page.goto(f"/p/{live_server.caguan_id}/audit")
    choose_language(page, language)
    count, report = axe_violations(page)
    assert count == 0, report
