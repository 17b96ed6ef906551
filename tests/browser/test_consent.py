"""Consent per purpose in Chromium: a facilitator opens a contact's consent from the SMS
contacts and a participant's from their page, records news until a day after a refused one;
the pages have no WCAG 2.1 A/AA violation in English and in Arabic."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from hsbp import db
from hsbp.mapping.models import Participant
from tests.browser.test_browser import axe_violations, choose_language, sign_in

pytestmark = pytest.mark.browser


def first_participant(live_server) -> int:
    with live_server.app.app_context():
        found = db.session().scalar(
            select(Participant.id)
            .where(Participant.partnership_id == live_server.caguan_id)
            .order_by(Participant.id)
        )
        db.finish(commit=False)
    return found


def open_first_contact(page, pid: int) -> None:
    page.goto(f"/p/{pid}/sms/contacts")
    page.locator(f"main a[href^='/p/{pid}/consent/contact/']").first.click()
    page.wait_for_url(re.compile(rf"/p/{pid}/consent/contact/\d+$"))


@pytest.mark.parametrize(("language", "direction"), [("en", "ltr"), ("ar", "rtl")])
def test_the_consent_pages_have_no_axe_violations(page, live_server, language, direction):
    pid = live_server.caguan_id
    sign_in(page)
    choose_language(page, language)
    assert page.locator("html").get_attribute("dir") == direction
    open_first_contact(page, pid)
    assert page.locator("main table tbody tr").count() == 4
    count, report = axe_violations(page)
    assert count == 0, report

    page.goto(f"/p/{pid}/mapping/{first_participant(live_server)}")
    page.locator(f"main a[href^='/p/{pid}/consent/participant/']").click()
    page.wait_for_url(re.compile(rf"/p/{pid}/consent/participant/\d+$"))
    count, report = axe_violations(page)
    assert count == 0, report


def test_a_facilitator_records_news_after_a_refused_last_day(page, live_server):
    pid = live_server.caguan_id
    sign_in(page)
    choose_language(page, "en")
    open_first_contact(page, pid)
    page.get_by_label("Purpose", exact=True).select_option("news")
    page.get_by_label("How the answer was given").select_option("paper")
    page.get_by_label("Last day (optional)").fill("2000-01-01")
    page.locator("main form button[type=submit]").click()
    assert page.get_by_text(
        "The last day must come after the day the consent was given."
    ).first.is_visible()
    count, report = axe_violations(page)  # the form with its error
    assert count == 0, report

    page.get_by_label("Last day (optional)").fill("2099-12-31")
    page.locator("main form button[type=submit]").click()
    assert page.get_by_text("The answer is recorded.").is_visible()
    news = page.locator("main table tbody tr").filter(has_text="Broadcasts, news")
    assert "Given" in news.inner_text()
    assert "Dec 31, 2099" in news.inner_text()
