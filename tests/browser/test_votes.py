"""Community votes in Chromium: a member votes on the demo's charter proposal in the phone
simulator; the facilitator sees the tally beside the partners'
endorsements and by locality on the vote's page, and puts a decision of the log to the
community; the votes' pages have no WCAG 2.1 A/AA violation, in English and in Arabic."""

from __future__ import annotations

import re

import pytest

from hsbp.community.vote_replies import text
from hsbp.sms.encoding import normalise
from tests.browser.test_browser import axe_violations, choose_language, sign_in
from tests.browser.test_community_ask import ask

pytestmark = pytest.mark.browser

# The community council (junta) of Vereda Los Pozos: a demo contact who confirmed, in Spanish.
PHONE = "+573187654321"


def answers_beside_the_endorsements(page, base: str) -> int:
    page.goto(f"{base}/charter")
    panel = page.locator("section[aria-labelledby=community-vote-heading]").inner_text()
    return int(re.search(r"Answers by SMS: (\d+)", panel).group(1))


def test_a_member_votes_by_sms_and_the_facilitator_sees_the_tally(page, live_server):
    sign_in(page)
    choose_language(page, "en")
    base = f"/p/{live_server.caguan_id}"
    before = answers_beside_the_endorsements(page, base)  # 37, and any other test's
    page.goto(f"{base}/sms/simulator?phone={PHONE.replace('+', '%2B')}")
    asked = page.locator(".bubble.theirs .sms-text").all_inner_texts()
    assert any("1" in message and "2" in message and "3" in message for message in asked)
    # What waited behind the vote (another browser test's consultation) may follow the thanks.
    assert ask(page, "1")[0] == normalise(text("es", "thanks"))

    assert answers_beside_the_endorsements(page, base) == before + 1
    with page.expect_navigation():
        page.get_by_role("link", name="Full results of the vote").click()
    assert re.search(r"/community/votes/\d+$", page.url)
    by_locality = page.locator("table", has_text="Vereda La Esperanza").inner_text()
    assert "Pooled: groups of fewer than 5" in by_locality
    assert "Vereda Los Pozos" in by_locality  # pooled with Bajo Caguán


def test_a_facilitator_puts_a_decision_to_the_community(page, live_server):
    sign_in(page)
    choose_language(page, "en")
    page.goto(f"/p/{live_server.caguan_id}/monitoring/decisions")
    with page.expect_navigation():
        page.get_by_role("link", name="Put to the community by SMS").first.click()
    question = page.get_by_label("SMS question in Spanish")
    # The decision's text with how to reply, in Spanish: 1 support, 2 object, 3 more information.
    assert re.search(r": .*1 .+, 2 .+, 3 .+$", question.input_value())
    question.fill("¿Apoya la decisión? Responda 1 apoyo, 2 me opongo, 3 más información")
    with page.expect_navigation():
        page.get_by_role("button", name="Check the length").click()
    assert "68 characters, 1 SMS (UCS-2)" in page.locator("main").inner_text()
    with page.expect_navigation():
        page.get_by_role("button", name="Put to the community").click()
    assert page.locator(".flash-success").inner_text() == "The vote is sent by SMS."


@pytest.mark.parametrize("language", ["en", "ar"])
def test_vote_pages_have_no_axe_violations(page, live_server, language):
    sign_in(page)  # the facilitator
    choose_language(page, "en")
    base = f"/p/{live_server.caguan_id}"
    page.goto(f"{base}/community/votes")
    vote = page.locator("main table a").last.get_attribute("href")
    choose_language(page, language)
    for path in [
        f"{base}/community/votes",
        vote,
        f"{base}/community/votes/new?charter=2",
        f"{base}/community/votes/new",
        f"{base}/charter",
        f"{base}/monitoring/decisions",
    ]:
        page.goto(path)
        count, report = axe_violations(page)
        assert count == 0, f"{path} ({language}):\n{report}"
