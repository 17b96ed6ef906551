"""Outcome validation in Chromium: the company's representative confirms the demo's jobs
consultation outcome with a comment and the count on the outcome moves; the observer finds
no way to answer; axe-core finds no WCAG 2.1 A/AA violation on the validation page and the
consultation's page, in English and in Arabic."""

from __future__ import annotations

import re

import pytest

from tests.browser.test_browser import PAGE_WEIGHT_LIMIT, axe_violations, choose_language, sign_in

pytestmark = pytest.mark.browser

COMPANY = "andres.gomez@demo.hsbp.example"
OBSERVER = "james.okafor@demo.hsbp.example"
JOBS = re.compile("Empleo para jóvenes rurales|Jobs for rural young people")


def jobs_consultation(page, live_server) -> str:
    """The address of the demo consultation whose outcome is with the partners."""
    page.goto(f"/p/{live_server.caguan_id}/consultations")
    with page.expect_navigation():
        page.locator("table a", has_text=JOBS).first.click()
    path = re.sub(r"^https?://[^/]+", "", page.url)
    assert re.fullmatch(r"/p/\d+/consultations/\d+", path), path
    return path


def test_a_representative_confirms_the_outcome_with_a_comment(page, live_server):
    sign_in(page, COMPANY)
    choose_language(page, "en")
    jobs_consultation(page, live_server)
    panel = page.locator("#validation")
    counted = re.search(r"Confirmed by (\d+) of (\d+) partners", panel.inner_text())
    assert counted, panel.inner_text()
    before, partners = int(counted[1]), int(counted[2])
    with page.expect_navigation():
        panel.get_by_role("link", name="Confirm or comment on the outcome").click()
    assert "Apprentices at the plantation" in page.locator("main").inner_text()
    page.get_by_label("Confirm the outcome").check()
    page.get_by_label("Comment").fill("Agroforestal ofrece diez plazas de aprendiz.")
    with page.expect_navigation():
        page.get_by_role("button", name="Send the answer").click()
    main = page.locator("main").inner_text()
    assert "Your partner's answer is recorded." in page.content().replace("&#39;", "'")
    assert f"Confirmed by {before + 1} of {partners} partners" in main
    row = page.locator("tr", has_text="Agroforestal del Caguán S.A.S.")
    assert "Confirmed" in row.inner_text()
    assert "diez plazas de aprendiz" in row.inner_text()


def test_an_observer_cannot_answer(page, live_server):
    sign_in(page, OBSERVER)
    choose_language(page, "en")
    consultation = jobs_consultation(page, live_server)
    page.goto(f"{consultation}/validation")
    assert page.get_by_role("button", name="Send the answer").count() == 0
    assert (
        "Partners' representatives answer for their partner." in page.locator("main").inner_text()
    )


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_validation_pages_have_no_axe_violations(page, live_server, language):
    sign_in(page)
    choose_language(page, "en")
    consultation = jobs_consultation(page, live_server)
    choose_language(page, language)
    for path in [consultation, f"{consultation}/validation"]:
        response = page.goto(path)
        assert len(response.body()) < PAGE_WEIGHT_LIMIT, path
        count, report = axe_violations(page)
        assert count == 0, f"{path} ({language}):\n{report}"


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_representatives_answer_form_has_no_axe_violations(page, live_server, language):
    sign_in(page, COMPANY)
    choose_language(page, "en")
    consultation = jobs_consultation(page, live_server)
    page.goto(f"{consultation}/validation")
    choose_language(page, language)
    assert page.locator("form[action$='/validation/answer']").count() == 1
    count, report = axe_violations(page)
    assert count == 0, f"{consultation}/validation as a representative ({language}):\n{report}"
