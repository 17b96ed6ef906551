"""The whole loop of a community member's voice, in one journey through Chromium: a member of
San Vicente del Caguán, in the phone simulator, asks AYUDA, ACCIONES and CARTA in Spanish,
votes on the charter proposal the demo put to the community, then gets the community check
of an action the facilitator marks done and answers it; the facilitator sees the vote's
tally by locality and the check on the action's page."""

from __future__ import annotations

import re

import pytest

from hsbp.community import vote_replies
from hsbp.community.check_talks import RETRY
from hsbp.sms.encoding import normalise
from hsbp.sms.texts import in_language
from tests.browser.test_browser import choose_language, sign_in
from tests.browser.test_community_ask import ask

pytestmark = pytest.mark.browser

# The transport cooperative of San Vicente del Caguán: a demo contact who confirmed, in
# Spanish, and was asked about the charter proposal when the demo put it to the community.
PHONE = "+573151112233"
PLACE = "San Vicente del Caguán"
TRAINING = "Cocoa technical training for young people"  # in progress, serves San Vicente only


def simulator(page, live_server) -> None:
    page.goto(f"/p/{live_server.caguan_id}/sms/simulator?phone={PHONE.replace('+', '%2B')}")


def test_a_member_asks_decides_and_verifies_and_the_facilitator_sees_it(page, live_server):
    sign_in(page)
    choose_language(page, "en")
    base = f"/p/{live_server.caguan_id}"
    simulator(page, live_server)
    asked = " ".join(page.locator(".bubble.theirs .sms-text").all_inner_texts())
    assert "1" in asked and "2" in asked and "3" in asked  # the charter proposal's question

    help_parts = ask(page, "AYUDA")
    assert all(re.match(r"\d/\d ", part) for part in help_parts)  # numbered parts of one SMS
    keywords = " ".join(help_parts)
    for word in ("ACCIONES", "CARTA", "RESULTADOS", "INFO", "IDIOMA", "PARAR"):
        assert word in keywords

    commitments = " ".join(ask(page, "ACCIONES"))
    assert PLACE in commitments and "1. " in commitments
    charter = ask(page, "CARTA")
    assert 1 <= len(charter) <= 3 and "1. " in " ".join(charter)

    # The vote is still asked after the questions: a bare 1 supports the proposal.
    assert ask(page, "1")[0] == normalise(vote_replies.text("es", "thanks"))

    page.goto(f"{base}/actions")
    with page.expect_navigation():
        page.get_by_role("link", name=TRAINING, exact=True).click()
    action = page.url
    page.get_by_label("Status", exact=True).select_option("done")
    with page.expect_navigation():
        page.get_by_role("button", name="Report progress").click()
    with page.expect_navigation():
        page.get_by_role("link", name="Ask the community whether it works").click()
    assert PLACE in page.get_by_label("Who is asked").inner_text()
    question = page.get_by_label("Question in Spanish").input_value()
    with page.expect_navigation():
        page.get_by_role("button", name="Send the check").click()
    assert page.locator(".flash-success").inner_text() == "The check is on its way."

    simulator(page, live_server)
    assert question in page.locator(".bubble.theirs .sms-text").all_inner_texts()
    assert ask(page, "9")[0] == normalise(in_language("es", RETRY))  # out of range: asked again
    assert len(ask(page, "1")) == 1  # the thanks, counted once

    page.goto(action)
    section = page.locator("#community-check").inner_text()
    assert "1 answer so far." in section

    page.goto(f"{base}/charter")
    with page.expect_navigation():
        page.get_by_role("link", name="Full results of the vote").click()
    by_locality = page.locator("table", has_text="Vereda La Esperanza").inner_text()
    row = next(line for line in by_locality.splitlines() if line.startswith(PLACE))
    assert "Pooled" not in row
