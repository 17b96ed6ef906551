"""The privacy desk in Chromium: a demo facilitator looks up a demo contact's number, sees
what is held, opens the printable export in the person's language, and axe-core finds no
WCAG 2.1 A/AA violation on the desk or the export, in English and Arabic."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from tests.browser.test_browser import axe_violations, choose_language, sign_in

pytestmark = pytest.mark.browser


def demo_contact_phone(live_server) -> str:
    """The number of a demo contact who confirmed Caguán: what a person would say at the desk.
    Read from the database, as a facilitator would read it off the person's phone."""
    from hsbp import db
    from hsbp.sms.models import Contact, ContactMembership, MembershipStatus

    with live_server.app.app_context():
        phone = db.session().scalar(
            select(Contact.phone)
            .join(ContactMembership, ContactMembership.contact_id == Contact.id)
            .where(
                ContactMembership.partnership_id == live_server.caguan_id,
                ContactMembership.status == MembershipStatus.CONFIRMED,
            )
            .order_by(Contact.id)
        )
        db.finish(commit=False)
    assert phone
    return phone


@pytest.mark.parametrize(("language", "direction"), [("en", "ltr"), ("ar", "rtl")])
def test_desk_lookup_and_export_have_no_axe_violations(page, live_server, language, direction):
    phone = demo_contact_phone(live_server)
    sign_in(page)
    desk = f"/p/{live_server.caguan_id}/privacy"
    page.goto(desk)
    choose_language(page, language)
    assert page.locator("html").get_attribute("dir") == direction
    count, report = axe_violations(page)
    assert count == 0, report

    page.fill("#phone", phone)
    with page.expect_navigation():
        page.locator("main form[role=search] button[type=submit]").click()
    held = page.locator("#held-heading")
    assert held.is_visible()
    # The demo contact joined and was asked to confirm: messages are held about them.
    messages = page.locator("main table tbody tr").first.locator("td")
    assert int(messages.inner_text()) > 0
    count, report = axe_violations(page)
    assert count == 0, report

    page.select_option("#lang", language)
    with page.expect_navigation():
        page.locator("main form[action$='/export'] button.primary").click()
    assert re.search(r"/privacy/contacts/\d+/export$", page.url)
    html = page.locator("html")
    assert html.get_attribute("lang") == language
    assert html.get_attribute("dir") == direction
    # The number is there, as the person's own data.
    digits = re.sub(r"\D", "", page.locator("main").inner_text())
    assert phone.removeprefix("+") in digits
    count, report = axe_violations(page)
    assert count == 0, report
