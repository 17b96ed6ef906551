""" "You said, we did" in Chromium: the facilitator finds the demo's closed consultation with its
message already sent, edits the message of a done action serving one of its goals and has its
length counted without JavaScript; axe-core finds no WCAG 2.1 A/AA violation on these pages,
in English and in Arabic, and each weighs under 100 KB."""

from __future__ import annotations

import re

import pytest

from tests.browser.test_browser import (
    PAGE_WEIGHT_LIMIT,
    axe_violations,
    choose_language,
    sign_in,
)

pytestmark = pytest.mark.browser

CLOSED = re.compile("¿Qué debe hacer primero la alianza?|What should the partnership do first?")


def closed_consultation(page, live_server) -> str:
    """The address of the demo's closed SMS consultation, found as a facilitator finds it."""
    page.goto(f"/p/{live_server.caguan_id}/consultations")
    with page.expect_navigation():
        page.locator("table a", has_text=CLOSED).first.click()
    path = re.sub(r"^https?://[^/]+", "", page.url)
    assert re.fullmatch(r"/p/\d+/consultations/\d+", path), path
    return path


def action_message(page) -> str:
    """The address of the done action's message, from the consultation's page."""
    link = page.locator("#feedback a", has_text="Tell those who took part").first
    return re.sub(r"^https?://[^/]+", "", link.get_attribute("href"))


def test_the_facilitator_sees_what_was_sent_and_counts_a_new_message(page, live_server):
    sign_in(page)
    choose_language(page, "en")
    consultation = closed_consultation(page, live_server)
    section = page.locator("#feedback")
    assert "after the consultation closed. 8 people got it." in section.inner_text()
    assert "Send another message to those who took part" in section.inner_text()

    page.goto(action_message(page))
    box = page.get_by_label("Message in English")
    assert "is done." in box.input_value()
    box.fill("Caguán: the land and water table meets every month. Thank you!")
    with page.expect_navigation():
        page.get_by_role("button", name="Count the length").click()
    hint = page.locator("#message-en-size").inner_text()
    assert "Encoding: UCS-2 · length: 62 · segments: 1." in hint
    # Nothing was sent: the consultation's page still offers it.
    page.goto(consultation)
    assert "Tell those who took part" in page.locator("#feedback").inner_text()


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_pages_of_the_message_have_no_axe_violations(page, live_server, language):
    sign_in(page)
    choose_language(page, "en")
    consultation = closed_consultation(page, live_server)
    message = action_message(page)
    action = re.sub(
        r"^https?://[^/]+", "", page.locator("#feedback li a").first.get_attribute("href")
    )
    choose_language(page, language)
    for path in [consultation, f"{consultation}/feedback", message, action]:
        response = page.goto(path)
        assert len(response.body()) < PAGE_WEIGHT_LIMIT, path
        count, report = axe_violations(page)
        assert count == 0, f"{path} ({language}):\n{report}"
