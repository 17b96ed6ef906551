"""The checklist in Chromium: a company representative finds their commitments, reports
progress on one, and axe-core finds no WCAG 2.1 A/AA violation on the checklist's pages, in
English and in Arabic."""

from __future__ import annotations

import re

import pytest

from tests.browser.test_browser import axe_violations, choose_language, sign_in

pytestmark = pytest.mark.browser

REPRESENTATIVE = "andres.gomez@demo.hsbp.example"
WATER = "La Esperanza village water supply"
# The smallest PNG: one transparent pixel.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d49444154789c6360000002000001e221bc330000000049454e44ae426082"
)


def open_water_action(page) -> str:
    """From My commitments to the water-supply action, as the representative gets there."""
    page.goto("/my/commitments")
    with page.expect_navigation():
        page.get_by_role("link", name=WATER).first.click()
    path = re.sub(r"^https?://[^/]+", "", page.url)
    assert re.fullmatch(r"/p/\d+/actions/\d+", path), path
    return path


def test_a_representative_adds_evidence_and_reports_progress(page, live_server, tmp_path):
    sign_in(page, REPRESENTATIVE)
    choose_language(page, "en")
    open_water_action(page)

    photo = tmp_path / "tanque.png"
    photo.write_bytes(PNG)
    page.set_input_files("#evidence-file", str(photo))
    page.fill("#evidence-file-title", "Water tank, 12 November")
    with page.expect_navigation():
        page.get_by_role("button", name="Upload the file").click()
    page.fill("#evidence-url", "https://example.org/caguan/acueducto-acta")
    with page.expect_navigation():
        page.get_by_role("button", name="Add the link").click()
    evidence = page.locator("#evidence").inner_text()
    assert "Water tank, 12 November" in evidence
    assert "example.org/caguan/acueducto-acta" in evidence

    page.get_by_label("Status", exact=True).select_option("in_progress")
    page.get_by_label("Progress (%)").fill("75")
    page.get_by_label("Comment").fill("Pipes laid up to the school.")
    with page.expect_navigation():
        page.get_by_role("button", name="Report progress").click()
    history = page.locator("table").last.inner_text()
    assert "Pipes laid up to the school." in history
    assert "75" in page.locator(".progress-line").inner_text()


@pytest.mark.parametrize("language", ["en", "ar"])
def test_checklist_pages_have_no_axe_violations(page, live_server, language):
    sign_in(page, REPRESENTATIVE)
    choose_language(page, "en")
    action = open_water_action(page)
    checklist = action.rsplit("/", 1)[0]
    choose_language(page, language)
    for path in [
        "/my/commitments",
        checklist,
        f"{checklist}?overdue=1",
        f"{checklist}/new",
        f"{checklist}/timeline",
        f"{checklist}/print",
        action,
        f"{action}/edit",
    ]:
        page.goto(path)
        count, report = axe_violations(page)
        assert count == 0, f"{path} ({language}):\n{report}"


@pytest.mark.parametrize("language", ["en", "ar"])
def test_checklist_settings_and_public_page_have_no_axe_violations(page, live_server, language):
    sign_in(page)  # the facilitator
    choose_language(page, language)
    page.goto(f"/p/{live_server.caguan_id}/actions/settings")
    count, report = axe_violations(page)
    assert count == 0, f"settings ({language}):\n{report}"
    public = page.locator("main a.sms-text").first.get_attribute("href")
    page.goto(re.sub(r"^https?://[^/]+", "", public))
    assert "Andrés" not in page.content()  # names no person
    count, report = axe_violations(page)
    assert count == 0, f"public page ({language}):\n{report}"
