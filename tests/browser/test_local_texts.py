"""SMS texts in a local language, in Chromium: the facilitator adds Nasa Yuwe to the demo
partnership, writes its name and essential texts (the size counted as they type), a member
picks it with LANG in the phone simulator and is answered in it; the pages have no WCAG 2.1
A/AA violation in English and Arabic. The partnership's languages are put back at the end."""

from __future__ import annotations

import pytest

from hsbp.sms import local_texts, texts
from hsbp.sms.local_text_checks import entries
from tests.browser.test_browser import axe_violations, choose_language, sign_in
from tests.browser.test_community_ask import ask

pytestmark = pytest.mark.browser

PHONE = "+573104567821"  # the demo's women's association of Vereda La Esperanza
ESSENTIAL = {
    local_texts.LANGUAGE_NAME.key: "Nasa Yuwe",
    texts.TEXTS["language_set"]: "Nasa Yuwe yuh. HELP kwe'sx.",
    texts.TEXTS["help"]: "JOIN, YES, LANG, STOP kwe'sx.",
    texts.TEXTS["stopped"]: "Ũus jxuka'. START kwe'sx.",
    texts.TEXTS["started"]: "Mensajes kwe'sx. STOP.",
}


def set_other_languages(page, base: str, codes: str) -> None:
    page.goto(f"{base}/settings")
    page.locator("#other_locales").fill(codes)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert page.locator(".flash-success").count() == 1


def test_a_local_language_is_written_then_chosen_by_sms(page, live_server):
    sign_in(page)
    choose_language(page, "en")
    base = f"/p/{live_server.caguan_id}"
    set_other_languages(page, base, "pbb")
    try:
        by_key = {entry.key: entry for entry in entries()}
        for key, text in ESSENTIAL.items():
            page.goto(f"{base}/sms/texts/pbb/{by_key[key].id}")
            area = page.get_by_label("Translation")
            area.fill(text)
            if key == texts.TEXTS["stopped"]:
                # Counted as it is typed: ũ makes the text UCS-2.
                size = page.locator("#text-size").inner_text()
                assert size == f"Encoding: UCS-2 · length: {len(text)} · segments: 1."
            with page.expect_navigation():
                page.get_by_role("button", name="Save", exact=True).click()
            assert page.locator(".flash-success").inner_text() == (
                "The text is saved: the next SMS in this language uses it."
            )
        page.goto(f"{base}/sms/texts")
        assert "Contacts can choose it with LANG." in page.locator("main").inner_text()

        page.goto(f"{base}/sms/simulator?phone={PHONE.replace('+', '%2B')}")
        menu = ask(page, "LANG")
        assert menu and "3 Nasa Yuwe" in menu[0]
        assert ask(page, "3") == [ESSENTIAL[texts.TEXTS["language_set"]]]
        assert ask(page, "LANG 1")[0] != ESSENTIAL[texts.TEXTS["language_set"]]  # Spanish again
    finally:
        set_other_languages(page, base, "")


@pytest.mark.parametrize(("language", "direction"), [("en", "ltr"), ("ar", "rtl")])
def test_the_sms_text_pages_have_no_axe_violations(page, live_server, language, direction):
    sign_in(page)
    base = f"/p/{live_server.caguan_id}"
    choose_language(page, language)
    set_other_languages(page, base, "pbb")
    try:
        joined = next(e for e in entries() if e.key == texts.TEXTS["joined"])
        for path in ("/sms/texts", "/sms/texts/pbb", f"/sms/texts/pbb/{joined.id}"):
            page.goto(base + path)
            assert page.locator("html").get_attribute("dir") == direction
            count, report = axe_violations(page)
            assert count == 0, (path, report)
        # A refused translation: the form with its errors.
        page.locator("textarea#text").fill("Kwe'sx.")  # the label is in the reader's language
        with page.expect_navigation():
            page.locator("button[value=save]").click()
        count, report = axe_violations(page)
        assert count == 0, report
    finally:
        set_other_languages(page, base, "")
