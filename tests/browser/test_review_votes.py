"""Decisions by the rule in Chromium: the facilitator schedules a review, records who came,
writes and finishes the minutes and puts a decision to the vote; records the votes of partners
in the room; the company's representative casts the vote that meets the charter's two-thirds
majority; the municipality's representative confirms the vote recorded for it, which reaches
the quorum: the decision is adopted and its follow-up action appears; the company's
representative signs off the minutes. axe-core finds no WCAG 2.1 A/AA violation on the new
pages, in English and in Arabic."""

from __future__ import annotations

import re

import pytest

from tests.browser.test_browser import axe_violations, choose_language, sign_in

pytestmark = pytest.mark.browser

COMPANY = "andres.gomez@demo.hsbp.example"
TOWN = "martha.rincon@demo.hsbp.example"
TITLE = "Extraordinary review on scholarships"
PRESENT = [
    "Agroforestal del Caguán S.A.S.",
    "Alcaldía de San Vicente del Caguán",
    "Gobernación del Caquetá",
    "Fundación Raíces del Caguán",
    "Asociación de Víctimas del Bajo Caguán",
    "Cabildo Indígena Nasa Kiwe Uma",
]
# Recorded by the facilitator: those without an account count at once; the municipality's
# waits for its representative's confirmation.
RECORDED = PRESENT[1:]


def submit(page, name: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=name, exact=True).click()


def flash(page) -> str:
    return page.locator(".flash-success").inner_text()


def test_partners_present_adopt_a_decision_by_the_charter_rule(page, browser, live_server):
    base = f"/p/{live_server.caguan_id}"
    sign_in(page)
    choose_language(page, "en")
    page.goto(f"{base}/monitoring/reviews")
    page.locator("#title_es").fill(TITLE)
    page.locator("#scheduled_on").fill("2026-12-01")
    submit(page, "Schedule the review")
    review = page.url

    for name in PRESENT:
        page.locator("#attendance fieldset", has_text=name).get_by_label("Present").check()
    submit(page, "Save the attendance")
    page.locator("textarea#minutes").fill("1. Becas para jóvenes de las veredas.")
    submit(page, "Save the minutes")
    page.get_by_label("Days to sign off").fill("10")
    submit(page, "Finish and send for sign-off")
    assert "sign off these minutes until" in page.locator("#minutes").inner_text()

    page.get_by_label("What is proposed for decision").fill(
        "Abrir la convocatoria de becas para jóvenes de las veredas"
    )
    page.locator("#actions-0-title").fill("Publicar la convocatoria de becas")
    page.locator("#actions-0-lead_partner_id").select_option(label=PRESENT[3])
    page.locator("#actions-0-due_on").fill("2027-02-28")
    submit(page, "Put it to the vote")
    assert flash(page) == "The decision is put to the vote of the partners present."
    card = page.locator("#decisions article").first
    assert "Voting" in card.inner_text()
    assert "Follow-up actions if adopted" in card.inner_text()
    with page.expect_navigation():
        card.get_by_role("link", name=re.compile("^Votes and how to vote")).click()
    decision = page.url

    for name in RECORDED:
        page.get_by_label("Partner", exact=True).select_option(label=name)
        page.locator("#record-choice-0").check()
        submit(page, "Record the vote")
        assert flash(page) == "The partner's vote is recorded."
    count = page.locator("main").inner_text()
    assert "For: 4 · against: 0 · abstaining: 0" in count
    assert "waiting for confirmation: 1" in count

    company = browser.new_page(base_url=live_server.url)
    try:
        sign_in(company, COMPANY)
        choose_language(company, "en")
        company.goto(decision)
        company.get_by_label("For", exact=True).check()
        submit(company, "Vote")
        assert company.locator(".flash-success").first.inner_text() == (
            "Your organisation's vote is recorded."
        )
        # Five for meet the two-thirds of six present, but only five of the nine partners
        # have taken part: the quorum (60 %, six) waits for the municipality's confirmation.
        main = company.locator("main").inner_text()
        assert "Voting" in main and "For: 5 · against: 0" in main
    finally:
        company.close()

    town = browser.new_page(base_url=live_server.url)
    try:
        sign_in(town, TOWN)
        choose_language(town, "en")
        town.goto(decision)
        assert (
            "The facilitator recorded your organisation's vote as “For”"
            in town.locator("main").inner_text()
        )
        submit(town, "Confirm this vote")
        main = town.locator("main").inner_text()
        assert "Adopted" in main and "For: 6 · against: 0" in main
    finally:
        town.close()

    company = browser.new_page(base_url=live_server.url)
    try:
        sign_in(company, COMPANY)
        choose_language(company, "en")
        company.goto(review)
        assert "Publicar la convocatoria de becas" in company.locator("#decisions").inner_text()
        company.get_by_label("I confirm them as a true record").check()
        submit(company, "Sign off the minutes")
        assert (
            "Confirmed so far by 1 of 6 partners present."
            in company.locator("#minutes").inner_text()
        )
    finally:
        company.close()


@pytest.mark.parametrize("language", ["en", "ar"])
def test_review_vote_pages_have_no_axe_violations(page, browser, live_server, language):
    base = f"/p/{live_server.caguan_id}"
    sign_in(page)
    choose_language(page, "en")
    page.goto(f"{base}/monitoring/reviews")
    with page.expect_navigation():
        page.get_by_role("link", name="Half-yearly review, September 2026").first.click()
    review = page.url
    page.goto(f"{base}/monitoring/decisions")
    with page.expect_navigation():
        page.locator("main article a[href*='/monitoring/decisions/']").first.click()
    decision = page.url
    choose_language(page, language)
    for path in [review, decision, f"{base}/monitoring/decisions", f"{base}/monitoring/reviews"]:
        page.goto(path)
        found, report = axe_violations(page)
        assert found == 0, f"{path} ({language}):\n{report}"

    company = browser.new_page(base_url=live_server.url)
    try:
        sign_in(company, COMPANY)
        choose_language(company, language)
        for path in [review, decision]:
            company.goto(path)
            found, report = axe_violations(company)
            assert found == 0, f"{path} as a representative ({language}):\n{report}"
    finally:
        company.close()
