"""Erasure in Chromium: the demo's erased contact is listed on the privacy desk (that it
happened, not who), its erasure page says it is already done, and a participant's erasure
page refuses a request without the confirmation; axe-core finds no WCAG 2.1 A/AA violation
on any of them, in English and Arabic. Nothing of the demo is erased here."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.browser.test_browser import axe_violations, choose_language, sign_in

pytestmark = pytest.mark.browser


def demo_ids(live_server) -> tuple[int, int]:
    """(the demo's erased contact, a participant of Caguán not erased)."""
    from hsbp import db
    from hsbp.mapping.models import Participant
    from hsbp.sms.models import Contact

    with live_server.app.app_context():
        session = db.session()
        erased = session.scalar(select(Contact.id).where(Contact.erased_at.is_not(None)))
        participant = session.scalar(
            select(Participant.id)
            .where(
                Participant.partnership_id == live_server.caguan_id,
                Participant.erased_at.is_(None),
            )
            .order_by(Participant.id)
        )
        db.finish(commit=False)
    assert erased and participant
    return erased, participant


@pytest.mark.parametrize(("language", "direction"), [("en", "ltr"), ("ar", "rtl")])
def test_erasure_pages_have_no_axe_violations(page, live_server, language, direction):
    erased_contact, participant = demo_ids(live_server)
    pid = live_server.caguan_id
    sign_in(page)
    page.goto(f"/p/{pid}/privacy")
    choose_language(page, language)
    assert page.locator("html").get_attribute("dir") == direction
    listed = page.locator("section[aria-labelledby=erasures-heading] li")
    assert listed.count() == 1  # the demo's contact, erased at the person's request
    assert "+57" not in listed.first.inner_text()
    count, report = axe_violations(page)
    assert count == 0, report

    page.goto(f"/p/{pid}/privacy/erase/contact/{erased_contact}")
    assert page.locator("#already").is_visible()
    count, report = axe_violations(page)
    assert count == 0, report

    page.goto(f"/p/{pid}/privacy/erase/participant/{participant}")
    with page.expect_navigation():
        page.locator("main form.narrow button[type=submit]").click()
    # Not confirmed: refused, with the reason, and nothing erased.
    assert page.locator("main [role=alert], main .error").first.is_visible()
    count, report = axe_violations(page)
    assert count == 0, report
    from hsbp import db
    from hsbp.mapping.models import Participant

    with live_server.app.app_context():
        assert db.session().get(Participant, participant).erased_at is None
        db.finish(commit=False)
