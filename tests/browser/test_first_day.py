"""Day one in the field, in Chromium on a 360 px phone: a site administrator creates a
partnership and invites its facilitator, who joins and follows the setup checklist step by step
up to a first consultation with a first question; then someone with no account files a grievance
on the public form and answers the public consultation; the checklist and both public pages
again in Arabic. Every page passes axe-core (WCAG 2.1 A/AA) and none scrolls sideways.

Self-sufficient whatever the demo seeds: the partnership is the test's own, and the invitation
link is read where the demo shows it, in the e-mail log.
"""

from __future__ import annotations

import logging
import re
import uuid

import pytest

from hsbp.demo import DEMO_PASSWORD
from tests.browser.test_browser import axe_violations, choose_language, sign_in
from tests.browser.test_phone_layout import assert_touch_friendly

pytestmark = pytest.mark.browser

ADMIN = "admin@demo.hsbp.example"
PASSWORD = "a long enough password"
PHONE = {"width": 360, "height": 740}
STEPS = 8
PARTNERS = (("Cacao Sur S.A.S.", "Company"), ("Junta Vereda El Triunfo", "Community group"))
CONSULTATION = "Water and roads"


@pytest.fixture
def invitation_links(caplog):
    """The invitation paths e-mailed so far in this test, oldest first."""
    caplog.set_level(logging.INFO, logger="hsbp.mail")

    def links() -> list[str]:
        found = []
        for record in caplog.records:
            if record.name == "hsbp.mail":
                found += re.findall(r"https?://[^/\s]+(/invitations/\S+)", record.getMessage())
        return found

    return links


@pytest.fixture
def phones(browser, live_server):
    """Opens a phone's browser of its own: no cookie shared with another."""
    contexts = []

    def open_phone():
        context = browser.new_context(
            base_url=live_server.url,
            locale="en-US",
            viewport=PHONE,
            is_mobile=True,
            has_touch=True,
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield open_phone
    for context in contexts:
        context.close()


def check(page, where: str) -> None:
    """The page in view does not scroll sideways on the phone and has no axe violation."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"] + 1, f"{where} ({page.url}) is {width} px wide"
    count, report = axe_violations(page)
    assert count == 0, f"{where} ({page.url}):\n{report}"


def submit(page, name: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=name, exact=True).click()


def follow(page, link: str) -> None:
    with page.expect_navigation():
        page.get_by_role("link", name=link, exact=True).click()


def flash(page) -> str:
    return page.locator(".flash-success").inner_text()


def dashboard(page, pid: int, done: int) -> None:
    """Back on the dashboard, the checklist counts `done` steps."""
    follow(page, "hsbp")  # the site's name in the header: home, their only partnership
    assert page.url.endswith(f"/p/{pid}/")
    checklist = page.get_by_role("region", name="Set up the partnership")
    assert f"{done} of {STEPS} done" in checklist.inner_text()
    check(page, f"dashboard, {done} of {STEPS} done")


def next_step(page, label: str) -> None:
    """Follow the checklist's call to action on the dashboard in view."""
    follow(page, f"Next step: {label}")


def create_the_partnership(page, tag: str) -> str:
    """The site administrator (who reads Spanish) creates it and invites its facilitator."""
    sign_in(page, ADMIN, DEMO_PASSWORD)
    page.goto("/admin/partnerships/new")
    page.fill("#name", f"Alianza del primer día {tag}")
    page.select_option("#country", "CO")
    page.fill("#locality", "Florencia")
    page.select_option("#timezone", "America/Bogota")
    page.select_option("#default_locale", "en")
    email = f"first.day.{tag}@example.org"
    page.fill("#facilitator_email", email)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert page.url.endswith("/admin/partnerships")
    return email


def join(page, invitation: str) -> int:
    page.goto(invitation)
    check(page, "invitation")
    page.get_by_label("Your name").fill("First-day facilitator")
    page.get_by_label("Interface language").select_option("en")
    page.get_by_label("New password", exact=True).fill(PASSWORD)
    page.get_by_label("Repeat the new password").fill(PASSWORD)
    submit(page, "Create the account and join")
    # Their only partnership: they land on its dashboard.
    found = re.search(r"/p/(\d+)/$", page.url)
    assert found, page.url
    return int(found.group(1))


def add_partners(page) -> None:
    next_step(page, "Add the partners")
    assert page.get_by_role("heading", level=1).inner_text() == "Partners"
    check(page, "partners, none yet")
    for name, sector in PARTNERS:
        follow(page, "Add a partner")
        check(page, "new partner")
        page.get_by_label("Name").fill(name)
        page.get_by_label("Sector").select_option(label=sector)
        submit(page, "Save")
        assert page.get_by_role("cell", name=name, exact=True).count() == 1
        check(page, f"partners with {name}")


def invite_a_representative(page, tag: str) -> None:
    next_step(page, "Invite the partners' representatives")
    check(page, "members")
    email = f"cacao.{tag}@example.org"
    form = page.get_by_role("form", name="Invite a member")
    form.get_by_label("E-mail address").fill(email)
    form.get_by_label("Role").select_option(label="Partner representative")
    form.get_by_label("Partner (for partner representatives)").select_option(label=PARTNERS[0][0])
    submit(page, "Send the invitation")
    assert email in page.get_by_role("region", name="Pending invitations").inner_text()
    check(page, "members, one invited")


def map_a_participant(page) -> None:
    next_step(page, "Map the participants")
    check(page, "map a participant")
    page.get_by_label("Name").fill("Asociación de Mujeres del Caguán")
    page.get_by_label("Kind").select_option(label="Group")
    page.get_by_label("Sector").select_option(label="Community group")
    submit(page, "Save")
    check(page, "participant mapped")


def write_a_charter_section(page) -> None:
    next_step(page, "Draft the charter")
    check(page, "charter, none yet")
    submit(page, "Start the first draft")
    check(page, "charter overview")
    # The overview lists the sections, each with its own editing page.
    principles = page.get_by_role("heading", name=re.compile(r"^Principles"))
    with page.expect_navigation():
        page.get_by_role("listitem").filter(has=principles).get_by_role("link", name="Edit").click()
    check(page, "charter section")
    trust = page.get_by_role("group", name=re.compile(r"Trust"))
    trust.get_by_label("English").fill("We publish every decision we take together.")
    submit(page, "Save this section")
    assert flash(page) == "“Principles” is saved."
    check(page, "charter overview, a section saved")


def set_the_sms_number(page, tag: str) -> None:
    next_step(page, "Set the partnership's SMS number")
    check(page, "SMS settings")
    form = page.get_by_role("form", name="Sender and join code")
    form.get_by_role("textbox", name="Sender").fill(f"+57310{int(tag, 16) % 10**7:07d}")
    form.get_by_label("Join code").fill(f"DAY{tag}".upper())
    submit(page, "Save")
    assert flash(page) == "The SMS settings are saved."
    check(page, "SMS settings saved")


def prepare_a_consultation(page) -> None:
    next_step(page, "Prepare a first consultation")
    check(page, "new consultation")
    page.get_by_role("group", name="Title").get_by_label("English").fill(CONSULTATION)
    page.get_by_role("group", name="Purpose").get_by_label("English").fill("What to mend first.")
    page.get_by_label("A public link, no account needed").check()
    submit(page, "Save")
    check(page, "questions, none yet")
    follow(page, "Add a question")
    check(page, "new question")
    page.get_by_label("Kind of question").select_option(label="One choice among options")
    text = "Which should be mended first?"
    page.get_by_role("group", name="Question").get_by_label("English").fill(text)
    for number, option in enumerate(("The road to the school", "The well"), start=1):
        group = page.get_by_role("group", name=f"Option {number}", exact=True)
        group.get_by_label("English").fill(option)
    submit(page, "Save the question")
    assert text in page.get_by_role("main").inner_text()
    check(page, "questions, one")


def public_path(page, letter: str) -> str:
    """The public address the page shows in full (/c/... or /g/...), as a path."""
    # Slashes escaped: Playwright reads the pattern as a JavaScript literal.
    shown = page.get_by_role("link", name=re.compile(rf"^https?:\/\/[^\/]+\/{letter}\/\S+$"))
    return re.sub(r"^https?://[^/]+", "", shown.get_attribute("href"))


def open_the_consultation(page, pid: int) -> dict[str, str]:
    """Open it to the public and read both public links, as the facilitator would share them."""
    page.goto(f"/p/{pid}/consultations")
    check(page, "consultations")
    follow(page, CONSULTATION)
    check(page, "consultation overview")
    submit(page, "Open the consultation")
    check(page, "consultation open")
    links = {"consultation": public_path(page, "c")}
    page.goto(f"/p/{pid}/grievances/settings")
    check(page, "grievance settings")
    links["grievance"] = public_path(page, "g")
    return links


def file_a_grievance(page, path: str) -> None:
    page.goto(path)
    check(page, "public grievance form")
    assert_touch_friendly(page, "main form")
    page.get_by_label("What happened?").fill("The trucks of the works raise dust over the school.")
    page.get_by_label(re.compile(r"^Anonymously")).check()
    submit(page, "Send the grievance")
    assert page.get_by_role("heading", level=1).inner_text() == "Your grievance is received"
    check(page, "grievance filed")


def answer_the_consultation(page, path: str) -> None:
    page.goto(path)
    check(page, "public consultation, first page")
    assert_touch_friendly(page, "main form")
    page.get_by_label("Community group").check()
    submit(page, "Start")
    check(page, "public consultation, the question")
    assert_touch_friendly(page, "main form")
    page.get_by_label("The well").check()
    submit(page, "Next")
    assert "Thank you: your answers are saved." in page.get_by_role("main").inner_text()
    check(page, "public consultation, thanks")


def in_arabic(page, where: str) -> None:
    html = page.locator("html")
    assert (html.get_attribute("lang"), html.get_attribute("dir")) == ("ar", "rtl")
    check(page, f"{where} in Arabic")


def test_first_day_of_a_new_partnership_on_a_phone(page, phones, invitation_links):
    tag = uuid.uuid4().hex[:6]
    create_the_partnership(page, tag)

    facilitator = phones()
    pid = join(facilitator, invitation_links()[-1])
    checklist = facilitator.get_by_role("region", name="Set up the partnership")
    assert checklist.get_by_role("heading").inner_text() == "Set up the partnership"
    assert f"0 of {STEPS} done" in checklist.inner_text()
    check(facilitator, "dashboard, nothing done")
    add_partners(facilitator)
    dashboard(facilitator, pid, 1)
    invite_a_representative(facilitator, tag)
    dashboard(facilitator, pid, 2)
    map_a_participant(facilitator)
    dashboard(facilitator, pid, 3)
    write_a_charter_section(facilitator)
    dashboard(facilitator, pid, 4)
    set_the_sms_number(facilitator, tag)
    dashboard(facilitator, pid, 5)
    prepare_a_consultation(facilitator)
    dashboard(facilitator, pid, 6)
    assert facilitator.get_by_role("link", name="Next step: Agree the first actions").count() == 1

    links = open_the_consultation(facilitator, pid)
    facilitator.goto(f"/p/{pid}/")
    choose_language(facilitator, "ar")
    assert facilitator.get_by_role("region").locator("progress").count() == 1
    in_arabic(facilitator, "dashboard with the checklist")

    # Someone with no account, on their own phone.
    visitor = phones()
    file_a_grievance(visitor, links["grievance"])
    answer_the_consultation(visitor, links["consultation"])

    # The same two public pages read in Arabic, by someone else again.
    reader = phones()
    for name, path in links.items():
        reader.goto(f"{path}?lang=ar")
        in_arabic(reader, f"public {name} page")
        assert_touch_friendly(reader, "main form")
