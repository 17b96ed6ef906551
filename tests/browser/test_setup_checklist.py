"""A new partnership's facilitator, on a phone, finds the setup checklist on the dashboard
they land on and follows its first step."""

from __future__ import annotations

import uuid

import pytest

from hsbp import db
from hsbp.auth.services import create_user
from hsbp.partnerships.models import Membership, Partnership
from hsbp.security import Role
from tests.browser.test_browser import sign_in

pytestmark = pytest.mark.browser

PASSWORD = "a long enough password"
PHONE = {"width": 360, "height": 740}


def new_partnership_with_facilitator(app) -> tuple[int, str]:
    tag = uuid.uuid4().hex[:8]
    email = f"new.facilitator.{tag}@example.org"
    with app.app_context():
        session = db.session()
        partnership = Partnership(
            name=f"New partnership {tag}",
            country="CO",
            locality="Florencia",
            default_locale="en",
            locales=["en", "es"],
            timezone="America/Bogota",
        )
        session.add(partnership)
        user = create_user(session, email=email, name="New facilitator", password=PASSWORD)
        user.locale = "en"
        session.flush()
        session.add(
            Membership(partnership_id=partnership.id, user_id=user.id, role=Role.FACILITATOR)
        )
        partnership_id = partnership.id
        db.finish(commit=True)
    return partnership_id, email


def test_new_facilitator_on_a_phone_follows_the_first_setup_step(browser, live_server):
    partnership_id, email = new_partnership_with_facilitator(live_server.app)
    context = browser.new_context(base_url=live_server.url, locale="en-US", viewport=PHONE)
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        sign_in(page, email, PASSWORD)
        # Their only partnership: they land on its dashboard, not on a list of one.
        assert page.url == f"{live_server.url}/p/{partnership_id}/"
        checklist = page.locator("section.setup")
        assert checklist.get_by_role("heading").inner_text() == "Set up the partnership"
        assert "0 of 8 done" in checklist.inner_text()
        first = checklist.get_by_role("link", name="Next step: Add the partners")
        box = first.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
        first.click()
        page.wait_for_url(f"{live_server.url}/p/{partnership_id}/partners")
        assert page.locator("h1").inner_text() == "Partners"
    finally:
        context.close()
