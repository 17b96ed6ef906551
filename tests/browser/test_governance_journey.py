"""Shared governance as a partner's representative lives it, in Chromium: the facilitator
puts a decision to the vote of the partners present at a review; the company's
representative finds the vote and the minutes to sign off on "Needs me" and in the morning's
digest e-mail (beside the charter proposal to endorse and the fate of its suggestion on the
draft), follows the link and votes; the decision is then settled by the charter's rule
(a majority of two thirds with a quorum), and the vote leaves "Needs me"."""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from hsbp import db
from hsbp.auth.models import User
from hsbp.notifications import sending
from hsbp.notifications.models import Mode
from hsbp.notifications.preferences import modes_of
from tests.browser.test_browser import choose_language, sign_in
from tests.browser.test_review_votes import COMPANY, submit

pytestmark = pytest.mark.browser

TITLE = "Review on the drying plant"
PRESENT = [
    "Agroforestal del Caguán S.A.S.",
    "Gobernación del Caquetá",
    "Fundación Raíces del Caguán",
]
DECISION = "Reabrir el estudio de la planta de secado compartida"


def digest_for(live_server, email: str, caplog) -> str:
    """Build and send `email`'s digest now, as the hourly task would at their hour; the
    e-mail as the log shows it (testing sends no SMTP)."""
    caplog.set_level(logging.INFO, logger="hsbp.mail")
    caplog.clear()
    with live_server.app.app_context():
        session = db.session()
        user = session.scalar(select(User).where(User.email == email))
        assert set(modes_of(session, user_id=user.id).values()) == {Mode.DIGEST}  # the default
        prepared = sending.build_digest(session, user=user, now=datetime.now(UTC))
        assert prepared is not None
        sending.queue(session, prepared)
        db.finish(commit=True)
    mails = [r.getMessage() for r in caplog.records if r.name == "hsbp.mail"]
    assert mails, "no digest e-mail was sent"
    return mails[-1]


def test_a_representative_is_told_votes_and_the_rule_decides(page, browser, live_server, caplog):
    base = f"/p/{live_server.caguan_id}"
    sign_in(page)
    choose_language(page, "en")
    page.goto(f"{base}/monitoring/reviews")
    page.locator("#title_es").fill(TITLE)
    page.locator("#scheduled_on").fill("2026-12-02")
    submit(page, "Schedule the review")
    review = page.url
    for name in PRESENT:
        page.locator("#attendance fieldset", has_text=name).get_by_label("Present").check()
    submit(page, "Save the attendance")
    page.locator("textarea#minutes").fill("1. Planta de secado: reabrir el estudio.")
    submit(page, "Save the minutes")
    page.get_by_label("Days to sign off").fill("10")
    submit(page, "Finish and send for sign-off")
    page.get_by_label("What is proposed for decision").fill(DECISION)
    submit(page, "Put it to the vote")
    assert "Voting" in page.locator("#decisions article").first.inner_text()

    company = browser.new_page(base_url=live_server.url)
    try:
        sign_in(company, COMPANY)
        choose_language(company, "en")
        vote_item = f"Vote on a decision of the review “{TITLE}”: {DECISION}"
        minutes_item = f"Confirm or comment on the minutes of the review “{TITLE}”."
        company.goto(f"/needs-me?p={live_server.caguan_id}")  # the partnership's whole list
        waiting = company.locator("main").inner_text()
        assert vote_item in waiting and minutes_item in waiting

        mail = digest_for(live_server, COMPANY, caplog)
        assert vote_item in mail and minutes_item in mail
        # And what else the demo waits for from the company: the charter's proposal to
        # endorse, and the answer to the suggestion it made on that draft.
        assert "Version 2 of the charter awaits the answer of Agroforestal" in mail
        assert "Your suggestion for “Leaver rules” in the draft of version 2 was declined" in mail
        assert "/notifications/unsubscribe/" in mail
        link = re.search(r"https?://[^/\s]+(/p/\d+/monitoring/decisions/\d+)", mail)
        assert link, mail

        company.goto(link.group(1))
        company.get_by_label("For", exact=True).check()
        submit(company, "Vote")
        main = company.locator("main").inner_text()
        # One vote of three partners present: two thirds need two, and the quorum (60 % of
        # all current partners) is far off, so the decision waits; the vote is counted once.
        assert "Voting" in main and "For: 1 · against: 0" in main

        company.goto(f"/needs-me?p={live_server.caguan_id}")
        waiting = company.locator("main").inner_text()
        assert vote_item not in waiting and minutes_item in waiting
        company.goto(review)
        company.get_by_label("I confirm them as a true record").check()
        submit(company, "Sign off the minutes")
        assert (
            "Confirmed so far by 1 of 3 partners present."
            in company.locator("#minutes").inner_text()
        )
    finally:
        company.close()
