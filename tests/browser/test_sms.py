"""SMS pages in Chromium: a facilitator joins through the phone simulator, and axe-core
finds no WCAG 2.1 A/AA violation on the contacts, broadcast, inbox and simulator pages."""

from __future__ import annotations

import re

import pytest

from tests.browser.test_browser import axe_violations, choose_language, sign_in

pytestmark = pytest.mark.browser

SENDER = "+15005550006"
PAGES = [
    "sms",
    "sms/contacts",
    "sms/contacts/new",
    "sms/contacts/import",
    "sms/broadcasts",
    "sms/broadcasts/new",
    "sms/settings",
]


def join_code(page, live_server) -> str:
    """The demo partnership's join code, set through the settings page if the seed has none."""
    page.goto(f"/p/{live_server.caguan_id}/sms/settings")
    code = page.input_value("#join_code")
    if not code:
        page.fill("#sender", SENDER)
        page.fill("#join_code", "DEMO")
        page.get_by_role("button", name="Save").click()
        page.wait_for_load_state()
        code = page.input_value("#join_code")
    assert code
    return code


def join_by_simulator(page, live_server, phone: str) -> str:
    code = join_code(page, live_server)
    page.goto(f"/p/{live_server.caguan_id}/sms/simulator?phone={phone.replace('+', '%2B')}")
    page.fill("#send-body", f"JOIN {code}")
    with page.expect_navigation():
        page.get_by_role("button", name="Send", exact=True).click()
    return code


def test_facilitator_joins_through_the_phone_simulator(page, live_server):
    sign_in(page)
    choose_language(page, "en")
    code = join_by_simulator(page, live_server, "+573001110071")
    assert re.search(r"/sms/simulator\?phone=%2B573001110071$", page.url)
    mine = page.locator(".bubble.mine .sms-text")
    theirs = page.locator(".bubble.theirs .sms-text")
    assert mine.all_inner_texts() == [f"JOIN {code}"]
    replies = theirs.all_inner_texts()
    assert len(replies) == 2
    assert replies[0].startswith(f"Se unió a {code}.")
    assert replies[1].startswith("Elija su idioma respondiendo con el numero: 1 Español, 2 English")


@pytest.mark.parametrize("language", ["en", "ar"])
def test_sms_pages_have_no_axe_violations(page, live_server, language):
    sign_in(page)
    choose_language(page, "en")
    join_by_simulator(page, live_server, f"+57300111007{2 if language == 'en' else 3}")
    choose_language(page, language)
    count, report = axe_violations(page)
    assert count == 0, f"simulator ({language}):\n{report}"

    base = f"/p/{live_server.caguan_id}/"
    for path in PAGES:
        page.goto(base + path)
        count, report = axe_violations(page)
        assert count == 0, f"{path} ({language}):\n{report}"

    page.goto(base + "sms/broadcasts/new")
    page.fill("#body_es", "Reunión comunitaria el sábado a las 9 en la escuela.")
    with page.expect_navigation():
        page.locator("button[name=preview]").click()
    assert page.locator("form button[name=confirm]").count() == 1
    count, report = axe_violations(page)
    assert count == 0, f"broadcast preview ({language}):\n{report}"
