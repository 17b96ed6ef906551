"""A community member of the demo asks in the phone simulator, in Spanish: HELP, the
commitments for their village and the charter; and the facilitator sees the places of an
action and switches a keyword off on the SMS settings page."""

from __future__ import annotations

import pytest

from hsbp.community.ask.common import ACTIONS, CHARTER, KEYWORDS
from hsbp.sms import texts
from tests.browser.test_browser import choose_language, sign_in

pytestmark = pytest.mark.browser

# The demo's women's association of Vereda La Esperanza: a contact who confirmed, in Spanish.
PHONE = "+573104567821"


def word(entry) -> str:
    """The Spanish word the member types."""
    return texts.first_word("es", entry)


def ask(page, body: str) -> list[str]:
    """Send `body` from the simulator's phone; the replies it got, in order."""
    before = page.locator(".bubble.theirs .sms-text").count()
    page.fill("#send-body", body)
    with page.expect_navigation():
        page.get_by_role("button", name="Send", exact=True).click()
    return page.locator(".bubble.theirs .sms-text").all_inner_texts()[before:]


def test_a_member_asks_for_help_the_commitments_of_their_village_and_the_charter(page, live_server):
    sign_in(page)
    choose_language(page, "en")
    page.goto(f"/p/{live_server.caguan_id}/sms/simulator?phone=%2B573104567821")
    help_parts = ask(page, word(texts.KEYWORDS["help"]))
    assert help_parts[0].startswith("1/")
    assert word(KEYWORDS[ACTIONS]) in help_parts[0]

    commitments = " ".join(ask(page, word(KEYWORDS[ACTIONS])))
    assert "Vereda La Esperanza" in commitments
    assert "1. " in commitments and "3. " in commitments
    more = " ".join(ask(page, word(KEYWORDS["ask_more"])))
    assert "4. " in more

    charter = ask(page, word(KEYWORDS[CHARTER]))
    assert 1 <= len(charter) <= 3
    assert "1. " in " ".join(charter)


def test_the_facilitator_sees_an_action_s_places_and_switches_a_keyword_off(page, live_server):
    sign_in(page)
    choose_language(page, "en")
    base = f"/p/{live_server.caguan_id}"
    page.goto(f"{base}/actions?place=Bajo+Caguán")
    titles = page.locator("table tbody td:first-child a").all_inner_texts()
    assert titles  # the boundary census, the footbridge, the safety protocol
    page.locator("table tbody td:first-child a").first.click()
    page.wait_for_load_state()
    assert "Bajo Caguán" in page.locator("dl.facts").inner_text()

    page.goto(f"{base}/sms/settings")
    page.locator("input[name=keywords-on][value=ask_results]").uncheck()
    with page.expect_navigation():
        page.get_by_role("button", name="Save the keywords").click()
    assert not page.locator("input[name=keywords-on][value=ask_results]").is_checked()
    assert page.locator("input[name=keywords-on][value=ask_charter]").is_checked()
    page.locator("input[name=keywords-on][value=ask_results]").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Save the keywords").click()
