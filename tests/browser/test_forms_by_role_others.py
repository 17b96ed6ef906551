"""Forms an observer, an independent grievance officer (an observer, not a facilitator), a
visitor with no account and any signed-in person submit, in Chromium as a person would: the
visible fields filled, the form sent with its button, the success checked in the page and in
the database. Rows added carry a fresh suffix, so other files' expectations stay true."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from tests.browser.test_browser import choose_language
from tests.browser.test_forms_by_role import flashed, signed_in_as, stored, submit, suffix

pytestmark = pytest.mark.browser

# The demo's observer from outside the partners is its independent grievance officer.
OFFICER = "james.okafor@demo.hsbp.example"


def grievances_described(live_server, text: str) -> list[tuple]:
    """(id, channel, stage, severity, user_id) of the grievances whose description is `text`;
    descriptions are encrypted at rest, so they are compared once read."""
    from hsbp.grievances.models import Grievance

    rows = stored(
        live_server,
        select(
            Grievance.id,
            Grievance.channel,
            Grievance.stage,
            Grievance.severity,
            Grievance.user_id,
            Grievance.description,
        ).where(Grievance.partnership_id == live_server.caguan_id),
    )
    return [row[:5] for row in rows if row[5] == text]


def code_of(live_server, text: str) -> str:
    from hsbp.grievances.models import Grievance

    [(grievance_id, *_)] = grievances_described(live_server, text)
    return stored(live_server, select(Grievance.code).where(Grievance.id == grievance_id))[0][0]


def user_id(live_server, email: str) -> int:
    from hsbp.auth.models import User

    return stored(live_server, select(User.id).where(User.email == email))[0][0]


def test_an_observer_files_a_grievance_signed_in(page, live_server):
    text = f"The new fence blocks the path to the school ({suffix()})."
    signed_in_as(page, OFFICER)
    page.goto(f"/p/{live_server.caguan_id}/grievances/new")
    page.get_by_label("What happened?").fill(text)
    page.get_by_label("What is it about? (optional)").select_option("land")
    submit(page, "Send the grievance")
    [(_, channel, stage, _, filer)] = grievances_described(live_server, text)
    assert (channel, stage, filer) == ("member", "received", user_id(live_server, OFFICER))
    # The page that follows gives the reference code to follow the grievance with.
    assert code_of(live_server, text) in page.locator("main").inner_text().replace(" ", "")


def test_the_independent_officer_records_moves_and_handles_a_grievance(page, live_server):
    text = f"A caller reports dust from the trucks at night ({suffix()})."
    signed_in_as(page, OFFICER)
    page.goto(f"/p/{live_server.caguan_id}/grievances/record")
    page.get_by_label("By phone").check()
    page.get_by_label("What happened?").fill(text)
    page.get_by_label("The complainant asks to stay anonymous").check()
    submit(page, "Record the grievance")
    [(grievance_id, channel, stage, _, _)] = grievances_described(live_server, text)
    assert (channel, stage) == ("phone", "received")

    page.goto(f"/p/{live_server.caguan_id}/grievances/{grievance_id}")
    page.get_by_label("Move to", exact=True).select_option("acknowledged")
    page.get_by_label("Note for the history").fill("Called back the same day.")
    submit(page, "Move")
    assert flashed(page) == "The grievance is now at the stage: Acknowledged."

    page.get_by_label("Category", exact=True).select_option("environment")
    page.get_by_label("Severity").select_option("high")
    with page.expect_navigation():
        page.locator("form[action$='/handling']").get_by_role("button", name="Save").click()
    assert flashed(page) == "The handling of the grievance is saved."
    [(_, _, stage, severity, _)] = grievances_described(live_server, text)
    assert (stage, severity) == ("acknowledged", "high")


def test_a_visitor_files_a_grievance_through_the_public_form(browser, page, live_server):
    text = f"Nobody answers at the water office ({suffix()})."
    signed_in_as(page, OFFICER)  # only to read the form's public address
    page.goto(f"/p/{live_server.caguan_id}/grievances")
    links = page.locator('main a[href*="/g/"]').evaluate_all("links => links.map(a => a.href)")
    public_form = next(link for link in links if re.search(r"/g/[\w-]+$", link))
    visitor = browser.new_context(base_url=live_server.url, locale="en-US")
    try:
        form = visitor.new_page()
        form.goto(re.sub(r"^https?://[^/]+", "", public_form))
        # The form speaks the partnership's main language until the visitor picks another.
        choose_language(form, "en")
        form.get_by_label("What happened?").fill(text)
        form.get_by_label("English").check()
        form.get_by_label(re.compile("^Anonymously")).check()
        with form.expect_navigation():
            form.get_by_role("button", name="Send the grievance").click()
        receipt = form.locator("main").inner_text()
    finally:
        visitor.close()
    [(_, channel, stage, _, filer)] = grievances_described(live_server, text)
    assert (channel, stage, filer) == ("public", "received", None)
    assert code_of(live_server, text) in receipt.replace(" ", "")


def test_a_member_saves_their_account(page, live_server):
    from hsbp.auth.models import User

    signed_in_as(page, OFFICER)
    page.goto("/account")
    page.get_by_label("Name", exact=True).fill("James Okafor")
    submit(page, "Save")
    assert flashed(page) == "Your account is saved."
    saved = stored(live_server, select(User.name, User.locale).where(User.email == OFFICER))
    assert saved == [("James Okafor", "en")]


def test_a_visitor_asks_for_a_password_reset(page, live_server):
    from hsbp.mail import OutboundEmail

    before = stored(live_server, select(OutboundEmail.id))
    page.goto("/password/forgot")
    page.get_by_label("E-mail address").fill(OFFICER)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/login$"))
    assert page.locator(".flash-info").inner_text() == (
        "If an account uses this address, a link to reset its password is on its way."
    )
    assert len(stored(live_server, select(OutboundEmail.id))) == len(before) + 1
