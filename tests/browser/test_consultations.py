"""Consultations in Chromium: a community member answers the demo consultation by SMS in the
phone simulator (a wrong answer and a SKIP included), and axe-core finds no WCAG 2.1 A/AA
violation on the consultation pages, in English and in Arabic."""

from __future__ import annotations

import re

import pytest

from hsbp.consultations import conversation
from hsbp.sms.encoding import normalise
from tests.browser.test_browser import axe_violations, choose_language, sign_in
from tests.browser.test_sms import join_by_simulator

pytestmark = pytest.mark.browser

PAGES = [
    "",
    "/edit",
    "/questions",
    "/questions/new",
    "/outcome",
    "/results",
    "/results/common-ground",
    "/results/print",
    "/themes",
    "/assisted",
    "/answer",
]


def demo_consultation(page, live_server) -> str:
    """The address of the demo consultation, found as a facilitator finds it."""
    page.goto(f"/p/{live_server.caguan_id}/consultations")
    # The open one: the demo also holds a closed survey that feeds an indicator.
    link = page.locator("table a", has_text=re.compile("Agua y vías|Water and roads")).first
    with page.expect_navigation():
        link.click()
    path = re.sub(r"^https?://[^/]+", "", page.url)
    assert re.fullmatch(r"/p/\d+/consultations/\d+", path), path
    return path


def send(page, text: str) -> list[str]:
    page.fill("#send-body", text)
    with page.expect_navigation():
        page.get_by_role("button", name="Send", exact=True).click()
    return page.locator(".bubble.theirs .sms-text").all_inner_texts()


def test_a_community_member_answers_by_sms_in_the_simulator(page, live_server):
    sign_in(page)
    choose_language(page, "en")
    phone = "+573001110091"
    join_by_simulator(page, live_server, phone)
    simulator = page.url
    send(page, "1")  # Español
    demo_consultation(page, live_server)
    with page.expect_navigation():
        page.get_by_role("button", name="Invite contacts by SMS").click()
    with page.expect_navigation():  # the preview of texts and segments, then the invitation
        page.get_by_role("button", name=re.compile(r"^Invite \d+ contacts?$")).click()

    page.goto(simulator)
    before = len(page.locator(".bubble.theirs .sms-text").all_inner_texts())
    choose = normalise(conversation.text("es", "choose"))
    for answer, expected in [
        ("no sé", choose),  # fits nothing: asked again
        ("2", "2/"),  # a well: the river question will be skipped
        ("OMITIR", "3/"),
        ("4", "4/"),
        ("Sí", "6/"),
        ("5", normalise(conversation.text("es", "thanks"))),
    ]:
        replies = send(page, answer)
        assert len(replies) > before
        assert expected in replies[-1], (answer, replies[-1])
        before = len(replies)


@pytest.mark.parametrize("language", ["en", "ar"])
def test_consultation_pages_have_no_axe_violations(page, live_server, language):
    sign_in(page)
    choose_language(page, "en")
    base = demo_consultation(page, live_server)
    choose_language(page, language)
    for path in ("", "/new"):
        page.goto(f"/p/{live_server.caguan_id}/consultations{path}")
        count, report = axe_violations(page)
        assert count == 0, f"consultations{path} ({language}):\n{report}"
    for suffix in PAGES:
        page.goto(base + suffix)
        count, report = axe_violations(page)
        assert count == 0, f"{base + suffix} ({language}):\n{report}"
    page.goto(base)
    public = page.locator("#public-link ~ p a").first.get_attribute("href")
    page.goto(public)  # the first page of the public link: language and group
    count, report = axe_violations(page)
    assert count == 0, f"public link ({language}):\n{report}"
