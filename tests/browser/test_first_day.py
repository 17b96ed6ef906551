"""Day one in the field, in Chromium on a 360 px phone: a site administrator creates a
partnership, its facilitator accepts the invitation and follows the setup checklist step by
step; then a member of the public files a grievance and answers the consultation on a phone;
the checklist and both public pages again in Arabic. Every page passes axe-core (WCAG 2.1
A/AA) and none scrolls sideways."""

from __future__ import annotations

import logging
import re
import uuid

import pytest

from hsbp.demo import DEMO_PASSWORD
from tests.browser.test_browser import axe_violations, choose_language, sign_in

pytestmark = pytest.mark.browser

ADMIN = "admin@demo.hsbp.example"
PASSWORD = "a long enough password"
PHONE = {"width": 360, "height": 740}
TAP = 44  # px: the smallest comfortable touch target


def phone_context(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url,
        locale="en-US",
        viewport=PHONE,
        is_mobile=True,
        has_touch=True,
    )
    context.set_default_timeout(15_000)
    return context


def check(page, where: str) -> None:
    """The page in view fits a phone's width and has no axe violation."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"] + 1, f"{where} ({page.url}) is {width} px wide"
    count, report = axe_violations(page)
    assert count == 0, f"{where} ({page.url}):\n{report}"


def submit(page, name: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=name, exact=True).click()


def dashboard(page, pid: int, done: int) -> None:
    page.goto(f"/p/{pid}/")
    checklist = page.get_by_role("region", name="Set up the partnership")
    assert f"{done} of 8 done" in checklist.inner_text(), checklist.inner_text()
    check(page, f"dashboard at {done} of 8")


def next_step(page, label: str) -> None:
    """Follow the checklist's call to action from the dashboard in view."""
    with page.expect_navigation():
        page.get_by_role("link", name=f"Next step: {label}").click()


def add_partners(page) -> None:
    next_step(page, "Add the partners")
    assert page.get_by_role("heading", level=1).inner_text() == "Partners"
    check(page, "partners, none yet")
    for name, sector in (("Cacao Sur S.A.S.", "Company"), ("Junta Vereda El Triunfo", "Community group")):
        with page.expect_navigation():
            page.get_by_role("link", name="Add a partner").click()
        check(page, "new partner")
        page.get_by_label("Name").fill(name)
        page.get_by_label("Sector").select_option(label=sector)
        submit(page, "Save")
        assert page.get_by_role("cell", name=name, exact=True).count() == 1
        check(page, f"partners with {name}")


def invite_a_representative(page, tag: str) -> None:
    next_step(page, "Invite the partners' representatives")
    check(page, "members")
    form = page.get_by_role("form", name="Invite a member")
    form.get_by_label("E-mail address").fill(f"cacao.{tag}@example.org")
    form.get_by_label("Role").select_option(label="Partner representative")
    form.get_by_label("Partner (for partner representatives)").select_option(label="Cacao Sur S.A.S.")
    submit(page, "Send the invitation")
    pending = page.get_by_role("region", name="Pending invitations")
    assert f"cacao.{tag}@example.org" in pending.inner_text()
    check(page, "members with an invitation")


def map_a_participant(page) -> None:
    next_step(page, "Map the participants")
    check(page, "map a participant")
    page.get_by_label("Name").fill("Asociación de Mujeres del Caguán")
    page.get_by_label("Kind").select_option(label="Group")
    page.get_by_label("Sector").select_option(label="Community group")
    submit(page, "Save")
    check(page, "participant mapped")


def set_the_sms_number(page, tag: str) -> None:
    next_step(page, "Set the partnership's SMS number")
    check(page, "SMS settings")
    form = page.get_by_role("form", name="Sender and join code")
    form.get_by_role("textbox", name="Sender").fill(f"+57310{int(tag, 16) % 10**7:07d}")
    form.get_by_label("Join code").fill(f"DAY{tag}".upper())
    submit(page, "Save")
    assert page.locator(".flash-success").inner_text() == "The SMS settings are saved."
    check(page, "SMS settings saved")


def dump(page) -> str:
    return page.locator("main").evaluate(
        """main => [...main.querySelectorAll('input,select,textarea,button,a,h1,h2,label')]
        .map(e => e.tagName + ' ' + (e.id||'') + ' ' + (e.name||'') + ' ' + (e.type||'') + ' | '
        + (e.innerText||'').slice(0, 80)).join('\\n')"""
    )


@pytest.fixture
def invitation_links(caplog):
    caplog.set_level(logging.INFO, logger="hsbp.mail")

    def links() -> list[str]:
        found = []
        for record in caplog.records:
            if record.name == "hsbp.mail":
                found += re.findall(r"https?://[^/\s]+(/invitations/\S+)", record.getMessage())
        return found

    return links


def test_first_day_of_a_new_partnership_on_a_phone(page, browser, live_server, invitation_links):
    tag = uuid.uuid4().hex[:6]
    sign_in(page, ADMIN, DEMO_PASSWORD)
    page.goto("/admin/partnerships/new")
    page.fill("#name", f"Alianza del primer día {tag}")
    page.select_option("#country", "CO")
    page.fill("#locality", "Florencia")
    page.select_option("#timezone", "America/Bogota")
    page.select_option("#default_locale", "en")
    page.fill("#facilitator_email", f"first.day.{tag}@example.org")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/admin/partnerships$"))

    context = phone_context(browser, live_server)
    try:
        phone = context.new_page()
        phone.goto(invitation_links()[-1])
        check(phone, "invitation")
        phone.get_by_label("Your name").fill("First-day facilitator")
        phone.get_by_label("Interface language").select_option("en")
        phone.get_by_label("New password", exact=True).fill(PASSWORD)
        phone.get_by_label("Repeat the new password").fill(PASSWORD)
        submit(phone, "Create the account and join")
        pid = int(re.search(r"/p/(\d+)/$", phone.url).group(1))
        dashboard(phone, pid, 0)
        add_partners(phone)
        dashboard(phone, pid, 1)
        invite_a_representative(phone, tag)
        dashboard(phone, pid, 2)
        map_a_participant(phone)
        dashboard(phone, pid, 3)
        next_step(phone, "Draft the charter")
        check(phone, "charter")
        submit(phone, "Start the first draft")
        check(phone, "charter overview")
        heading = phone.get_by_role("heading", name=re.compile(r"^Principles"))
        section = phone.get_by_role("listitem").filter(has=heading)
        with phone.expect_navigation():
            section.get_by_role("link", name="Edit").click()
        check(phone, "charter section")
        trust = phone.get_by_role("group", name=re.compile(r"Trust"))
        trust.get_by_label("English").fill("We publish every decision we take together.")
        submit(phone, "Save this section")
        assert phone.locator(".flash-success").inner_text() == "“Principles” is saved."
        check(phone, "charter overview, a section saved")
        dashboard(phone, pid, 4)
        set_the_sms_number(phone, tag)
        dashboard(phone, pid, 5)
        next_step(phone, "Prepare a first consultation")
        check(phone, "new consultation")
        phone.get_by_role("group", name="Title").get_by_label("English").fill("Water and roads")
        phone.get_by_role("group", name="Purpose").get_by_label("English").fill("What to mend first.")
        phone.get_by_label("A public link, no account needed").check()
        submit(phone, "Save")
        check(phone, "questions, none yet")
        with phone.expect_navigation():
            phone.get_by_role("link", name="Add a question").click()
        check(phone, "new question")
        phone.get_by_label("Kind of question").select_option(label="One choice among options")
        text = "Which should be mended first?"
        phone.get_by_role("group", name="Question").get_by_label("English").fill(text)
        for number, option in enumerate(("The road to the school", "The well"), start=1):
            group = phone.get_by_role("group", name=f"Option {number}", exact=True)
            group.get_by_label("English").fill(option)
        submit(phone, "Save the question")
        assert text in phone.get_by_role("main").inner_text()
        check(phone, "questions, one")
        dashboard(phone, pid, 6)
        phone.goto(f"/p/{pid}/consultations")
        check(phone, "consultations")
        with phone.expect_navigation():
            phone.get_by_role("link", name="Water and roads").click()
        check(phone, "consultation overview")
        print(dump(phone))
    finally:
        context.close()
