"""Community assemblies in Chromium: the facilitator records one from the charter page with its
minutes file, the witness partner's representative confirms it and the charter labels the
answer; the assemblies' pages have no WCAG 2.1 A/AA violation, in English and in Arabic."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from tests.browser.test_browser import axe_violations, choose_language, sign_in

pytestmark = pytest.mark.browser

WITNESS = "martha.rincon@demo.hsbp.example"  # the municipality's representative
PARTNER = "Fundación Raíces del Caguán"  # no web account in the demo
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def test_facilitator_records_an_assembly_and_its_witness_confirms_it(browser, page, live_server):
    sign_in(page)
    choose_language(page, "en")
    page.goto(f"/p/{live_server.caguan_id}/charter")
    page.get_by_role("link", name="Record the answer of a community assembly").click()
    page.get_by_label("Partner whose assembly it was").select_option(label=PARTNER)
    today = datetime.now(ZoneInfo("America/Bogota")).date()
    page.get_by_label("Date of the assembly").fill(today.isoformat())
    page.get_by_label("Place", exact=True).fill("Salón parroquial, Puerto Rico")
    page.get_by_label("People present in all").fill("27")
    page.locator("summary", has_text="People present by group").click()
    page.get_by_label("Women", exact=True).fill("15")
    page.get_by_label("Endorse", exact=True).first.check()
    page.get_by_label("Endorse", exact=True).last.fill("21")
    page.get_by_label("The minutes: a file").set_input_files(
        {"name": "acta-raices.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    page.get_by_label("Witness partner").select_option(label="Alcaldía de San Vicente del Caguán")
    with page.expect_navigation():
        page.get_by_role("button", name="Record the assembly").click()
    assert page.locator(".flash-success").inner_text() == (
        "The assembly is recorded. It counts once the witness confirms it."
    )
    assembly = page.url.removeprefix(live_server.url)
    assert re.fullmatch(rf"/p/{live_server.caguan_id}/assemblies/\d+", assembly)

    context = browser.new_context(base_url=live_server.url, locale="en-US")
    witness = context.new_page()
    try:
        sign_in(witness, WITNESS)
        choose_language(witness, "en")
        witness.goto(assembly)
        with witness.expect_navigation():
            witness.get_by_role("button", name="Confirm").click()
        assert witness.locator(".flash-success").inner_text() == (
            "Confirmed. The assembly's answer now counts."
        )
        witness.goto(f"/p/{live_server.caguan_id}/charter")
        row = witness.locator("main section.card tr", has_text=PARTNER)
        assert "Recorded in an assembly" in row.inner_text()
        assert (
            row.get_by_role("link", name="Recorded in an assembly").get_attribute("href")
            == assembly
        )
    finally:
        context.close()


@pytest.mark.parametrize("language", ["en", "ar"])
def test_assembly_pages_have_no_axe_violations(page, live_server, language):
    sign_in(page)  # the facilitator
    choose_language(page, "en")
    listing = f"/p/{live_server.caguan_id}/assemblies"
    page.goto(listing)
    first = page.locator("main table a").first.get_attribute("href")
    choose_language(page, language)
    for path in [listing, f"{listing}/new", f"{listing}/new?charter=2", first]:
        page.goto(path)
        count, report = axe_violations(page)
        assert count == 0, f"{path} ({language}):\n{report}"


@pytest.mark.parametrize("language", ["en", "ar"])
def test_witness_pages_have_no_axe_violations(page, live_server, language):
    sign_in(page, WITNESS)
    choose_language(page, "en")
    page.goto(f"/p/{live_server.caguan_id}/assemblies")
    pending = page.locator("main table a", has_text="Casa de pensamiento").get_attribute("href")
    choose_language(page, language)
    for path in [pending, f"/p/{live_server.caguan_id}/charter"]:
        page.goto(path)
        count, report = axe_violations(page)
        assert count == 0, f"{path} ({language}):\n{report}"
