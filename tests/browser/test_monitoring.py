"""Monitoring in Chromium: a company representative reports a value with its evidence and
answers a pulse; the facilitator finds the indicator off track on the dashboard, reads the
review and downloads the progress report; axe-core finds no WCAG 2.1 A/AA violation on the
monitoring pages, in English and in Arabic."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.browser.test_browser import axe_violations, choose_language, sign_in

pytestmark = pytest.mark.browser

COMPANY_STAFF = "diana.ruiz@demo.hsbp.example"  # a demo representative who has no value to report
JOBS = "Women and young people in direct jobs"


def path_of(page) -> str:
    return re.sub(r"^https?://[^/]+", "", page.url)


def open_link(page, name: str) -> str:
    with page.expect_navigation():
        page.get_by_role("link", name=name, exact=True).first.click()
    return path_of(page)


def test_a_representative_reports_a_value_and_answers_a_pulse(page, browser, live_server, tmp_path):
    base = f"/p/{live_server.caguan_id}"
    # The facilitator opens a round; a representative of the company answers it.
    sign_in(page)
    choose_language(page, "en")
    page.goto(f"{base}/pulses")
    page.get_by_label("Title (es)").fill("Pulso de diciembre")
    page.get_by_label("Closes on").fill("2027-01-15")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").last.click()
    assert "Pulso de diciembre" in page.locator("main").inner_text()

    context = browser.new_context(base_url=live_server.url, locale="en-US")
    staff = context.new_page()
    try:
        sign_in(staff, COMPANY_STAFF)
        choose_language(staff, "en")
        staff.goto(f"{base}/monitoring")
        indicator = open_link(staff, JOBS)
        staff.get_by_label("First day of the period").fill("2026-11-01")
        staff.get_by_label("Value", exact=True).fill("24")
        staff.get_by_label("Note").fill("Nómina de noviembre")
        register = tmp_path / "nomina.pdf"
        register.write_bytes(b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n")
        staff.get_by_label("Evidence: a file").set_input_files(str(register))
        with staff.expect_navigation():
            staff.get_by_role("button", name="Report the value").click()
        assert path_of(staff) == indicator
        assert "The value is recorded." in staff.locator("main").inner_text()
        assert staff.get_by_role("link", name="nomina.pdf").count() == 1

        # The same period again is refused with its message, the value typed kept.
        staff.get_by_label("First day of the period").fill("2026-11-01")
        staff.get_by_label("Value", exact=True).fill("25")
        with staff.expect_navigation():
            staff.get_by_role("button", name="Report the value").click()
        assert "This period already has a value." in staff.locator("main").inner_text()
        assert staff.get_by_label("Value", exact=True).input_value() == "25"

        staff.goto(f"{base}/pulses")
        open_link(staff, "Answer")
        count, report = axe_violations(staff)
        assert count == 0, f"pulse answer page:\n{report}"
        for fieldset in staff.locator("main fieldset").all():
            fieldset.get_by_label("4", exact=True).check()
        staff.get_by_label("Comment (optional)").fill("Vamos mejor que en marzo.")
        with staff.expect_navigation():
            staff.get_by_role("button", name="Send my scores").click()
        main = staff.locator("main").inner_text()
        assert "Pulso de diciembre" in main
        assert staff.get_by_role("link", name="Answer", exact=True).count() == 0
    finally:
        context.close()


def test_the_facilitator_follows_the_indicators_reviews_and_report(page, live_server):
    sign_in(page)
    choose_language(page, "en")
    base = f"/p/{live_server.caguan_id}"

    page.goto(f"{base}/")
    indicators = page.locator("section", has=page.locator("#indicators-heading"))
    assert "3 indicators off track" in indicators.inner_text()
    assert indicators.get_by_role("link", name=JOBS).count() == 1

    page.goto(f"{base}/monitoring/reviews")
    open_link(page, "Half-yearly review, September 2026")
    main = page.locator("main").inner_text()
    assert "Publish the vacancies" in main or "Publicar las vacantes" in main

    page.goto(f"{base}/monitoring/report")
    assert page.locator("svg").count() >= 7
    with page.expect_download() as download:
        page.get_by_role("link", name="العربية", exact=True).click()
    assert re.fullmatch(
        r"progress-report-\d+-ar-\d{4}-\d{2}-\d{2}\.pdf", download.value.suggested_filename
    )
    assert Path(download.value.path()).read_bytes()[:5] == b"%PDF-"


@pytest.mark.parametrize("language", ["en", "ar"])
def test_monitoring_pages_have_no_axe_violations(page, live_server, language):
    sign_in(page)
    choose_language(page, "en")
    base = f"/p/{live_server.caguan_id}"
    page.goto(f"{base}/monitoring")
    indicator = open_link(page, JOBS)
    page.goto(f"{base}/monitoring")
    water_days = open_link(page, "Days last week with water at the tap")
    page.goto(f"{base}/pulses")
    results = open_link(page, "Results")
    page.goto(f"{base}/monitoring/reviews")
    review = open_link(page, "Half-yearly review, September 2026")
    page.goto(water_days)
    poll = page.locator('main a[href*="/polls/"]').first.get_attribute("href")
    choose_language(page, language)

    for path in [
        f"{base}/",
        f"{base}/monitoring",
        f"{base}/monitoring/new",
        f"{base}/monitoring/import",
        indicator,
        water_days,
        poll,
        f"{water_days}/polls/new",
        f"{base}/pulses",
        results,
        f"{base}/monitoring/reviews",
        review,
        f"{base}/monitoring/decisions",
        f"{base}/monitoring/report",
    ]:
        page.goto(path)
        count, report = axe_violations(page)
        assert count == 0, f"{path} ({language}):\n{report}"
