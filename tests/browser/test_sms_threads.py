"""The SMS inbox as conversations in Chromium, on a phone's screen: a number's messages and
the system's answers in one thread, marking a conversation handled from the inbox, and no
WCAG 2.1 A/AA violation on the thread in English and Arabic."""

from __future__ import annotations

import pytest

from tests.browser.test_browser import axe_violations, choose_language, sign_in
from tests.browser.test_sms import join_by_simulator

pytestmark = pytest.mark.browser

PHONE = "+573001110091"
PHONE_SCREEN = {"width": 360, "height": 740}


def send(page, body: str) -> None:
    page.fill("#send-body", body)
    with page.expect_navigation():
        page.get_by_role("button", name="Send", exact=True).click()


def test_a_conversation_is_read_and_marked_handled_on_a_phone(page, live_server):
    page.set_viewport_size(PHONE_SCREEN)
    sign_in(page)
    choose_language(page, "en")
    join_by_simulator(page, live_server, PHONE)
    send(page, "2")  # English
    send(page, "The bridge to the school is broken")
    send(page, "Children cross the river on foot")

    page.goto(f"/p/{live_server.caguan_id}/sms")
    card = page.locator("li.card").filter(has_text="Children cross the river on foot")
    assert card.get_by_text("2 not handled").is_visible()
    card.get_by_role("checkbox").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Mark the selected conversations handled").click()
    assert page.get_by_text("2 messages are marked handled.").is_visible()
    card = page.locator("li.card").filter(has_text="Children cross the river on foot")
    assert card.get_by_role("checkbox").count() == 0
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_SCREEN["width"]

    with page.expect_navigation():
        card.get_by_role("link", name="Open the conversation").click()
    written = page.locator(".bubble.theirs .sms-text").all_inner_texts()
    answered = page.locator(".bubble.mine .sms-text").all_inner_texts()
    assert written[-2:] == [
        "The bridge to the school is broken",
        "Children cross the river on foot",
    ]
    assert answered[-1].startswith("Message received.")
    assert "handled by Lucía" in page.locator(".bubble.theirs small").last.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_SCREEN["width"]
    for language in ("en", "ar"):
        choose_language(page, language)
        count, report = axe_violations(page)
        assert count == 0, f"thread ({language}):\n{report}"
