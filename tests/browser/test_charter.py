"""The charter in Chromium: a facilitator drafts and proposes it, each representative endorses
it, and it is adopted; the charter page and the editor have no WCAG 2.1 A/AA violation.

Self-sufficient whatever the demo seeds: the site administrator creates a partnership of its
own, and the invitation links are read where the demo shows them, in the e-mail log.
"""

from __future__ import annotations

import logging
import re
import uuid

import pytest

from hsbp.demo import DEMO_PASSWORD
from tests.browser.test_browser import axe_violations, choose_language, sign_in

pytestmark = pytest.mark.browser

ADMIN = "admin@demo.hsbp.example"
PASSWORD = "una clave larga de prueba"
LIFTS = ("locally_driven", "inclusive", "forward_looking", "trust", "sharing")


def open_section(page, slug: str) -> None:
    """Follow a section's "Edit" link on the draft's overview."""
    if not re.search(r"/charter/\d+/edit$", page.url.split("#")[0]):
        page.goto(re.sub(r"/edit/.*$", "/edit", page.url.split("#")[0]))
    page.locator(f"#section-{slug}").get_by_role("link", name="Edit").click()
    page.wait_for_url(re.compile(rf"/edit/{slug}$"))


def save_section(page, label: str) -> None:
    """Save the section open in `page`: back on the overview, which says it is saved."""
    with page.expect_navigation():
        page.get_by_role("button", name="Save this section").click()
    assert re.search(r"/charter/\d+/edit#section-", page.url)
    assert page.locator(".flash-success").inner_text() == f"“{label}” is saved."


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
def newcomer(browser, live_server):
    """Open an invitation in a fresh browser of its own, create the account (in English) and
    join; returns the page, signed in."""
    contexts = []

    def accept(path: str, name: str):
        context = browser.new_context(base_url=live_server.url, locale="en-US")
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        page.goto(path)
        page.fill("#name", name)
        page.select_option("#locale", "en")
        page.fill("#password", PASSWORD)
        page.fill("#confirm", PASSWORD)
        page.locator("main form button[type=submit]").click()
        page.wait_for_url(re.compile(r"/p/\d+/$"))
        return page

    yield accept
    for context in contexts:
        context.close()


def test_draft_proposed_endorsed_and_adopted(page, invitation_links, newcomer):
    tag = uuid.uuid4().hex[:6]
    name = f"Alianza de prueba {tag}"

    sign_in(page, ADMIN, DEMO_PASSWORD)
    page.goto("/admin/partnerships/new")
    page.fill("#name", name)
    page.select_option("#country", "CO")
    page.fill("#locality", "Cartagena del Chairá")
    page.select_option("#timezone", "America/Bogota")
    page.select_option("#default_locale", "es")
    page.check("#locales-1")  # Español; English (#locales-0) is ticked already
    page.fill("#facilitator_email", f"facilitadora.{tag}@example.org")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/admin/partnerships$"))

    facilitator = newcomer(invitation_links()[-1], "Facilitadora de prueba")
    pid = int(re.search(r"/p/(\d+)/$", facilitator.url).group(1))
    for partner in ("Empresa Cacao Sur", "Junta Vereda El Triunfo"):
        facilitator.goto(f"/p/{pid}/partners/new")
        facilitator.fill("#name", partner)
        facilitator.select_option("#sector", "community_group")
        facilitator.get_by_role("button", name="Save").click()
        facilitator.wait_for_url(re.compile(r"/partners$"))
        facilitator.goto(f"/p/{pid}/members")
        facilitator.fill("#invite-email", f"{partner.split()[0].lower()}.{tag}@example.org")
        facilitator.select_option("#invite-role", "representative")
        facilitator.select_option("#invite-partner_id", label=partner)
        facilitator.get_by_role("button", name="Send the invitation").click()
        facilitator.wait_for_url(re.compile(r"/members$"))
    company_link, board_link = invitation_links()[-2:]

    facilitator.goto(f"/p/{pid}/charter")
    facilitator.get_by_role("button", name="Start the first draft").click()
    facilitator.wait_for_url(re.compile(r"/charter/1/edit$"))
    overview = facilitator.url

    # Proposing the empty draft is refused with the section to fix, linked.
    with facilitator.expect_navigation():
        facilitator.get_by_role("button", name="Propose to the partners").click()
    summary = facilitator.locator(".error-summary")
    assert "Version 1 cannot be proposed yet." in summary.inner_text()
    count, report = axe_violations(facilitator)
    assert count == 0, f"refused proposal:\n{report}"
    summary.get_by_role("link", name="Principles").click()
    facilitator.wait_for_url(re.compile(r"/charter/1/edit/principles$"))
    for key in LIFTS:
        facilitator.fill(f"#principles-{key}-es", f"Nuestro compromiso: {key}.")
    facilitator.fill("#principles-trust-en", "We publish every decision.")
    save_section(facilitator, "Principles")

    # Each section opens from the overview, and saves alone.
    open_section(facilitator, "budget")
    facilitator.fill("#budget-0-description-es", "Vivero comunitario")
    facilitator.select_option("#budget-0-partner_id", label="Empresa Cacao Sur")
    facilitator.select_option("#budget-0-kind", "in_kind")
    facilitator.fill("#budget-0-amount", "2500000")
    facilitator.fill("#budget-0-currency", "cop")
    count, report = axe_violations(facilitator)
    assert count == 0, f"budget section:\n{report}"
    save_section(facilitator, "Budget")
    open_section(facilitator, "goals")
    facilitator.fill("#goals-0-title-es", "Vía rural segura")
    facilitator.fill("#goals-0-target-es", "Cero accidentes graves")
    facilitator.fill("#goals-0-due", "2027-06-30")
    save_section(facilitator, "Goals")
    assert facilitator.url.startswith(overview)
    assert facilitator.locator("#section-principles .tag").inner_text() == "Languages missing"
    assert facilitator.locator("#section-budget .meta").inner_text() == "1 budget line"
    count, report = axe_violations(facilitator)
    assert count == 0, f"editor overview:\n{report}"
    open_section(facilitator, "budget")
    assert facilitator.input_value("#budget-0-currency") == "COP"

    facilitator.goto(overview)
    with facilitator.expect_navigation():
        facilitator.get_by_role("button", name="Propose to the partners").click()
    assert facilitator.locator(".flash-success").inner_text() == (
        "Version 1 is proposed to the partners."
    )

    for link, who, comment, flash in (
        (company_link, "Representante empresa", "De acuerdo.", "recorded"),
        (board_link, "Representante junta", "", "adopted"),
    ):
        representative = newcomer(link, who)
        representative.goto(f"/p/{pid}/charter")
        representative.get_by_label("Endorse", exact=True).check()
        representative.fill("#v1-comment", comment)
        with representative.expect_navigation():
            representative.get_by_role("button", name="Send the answer").click()
        assert representative.url.endswith(f"/p/{pid}/charter")
        assert flash in representative.locator(".flash-success").inner_text()

    assert representative.locator(".flash-success").inner_text() == (
        "Version 1 is adopted: it is now in force."
    )
    assert (
        representative.locator("#force-heading + p")
        .inner_text()
        .startswith("Version 1, adopted on")
    )
    for path in ("charter", "charter/1"):
        representative.goto(f"/p/{pid}/{path}")
        count, report = axe_violations(representative)
        assert count == 0, f"{path}:\n{report}"
    # The reader's English falls back to Spanish, and says so.
    assert representative.locator("section.sheet div[lang=es] .tag").first.inner_text() == (
        "(Español)"
    )


@pytest.mark.parametrize(("language", "direction"), [("en", "ltr"), ("ar", "rtl")])
def test_charter_pages_have_no_axe_violations(page, live_server, language, direction):
    sign_in(page)
    choose_language(page, language)
    for path in ("charter", "charter/compare", "charter/print"):
        page.goto(f"/p/{live_server.caguan_id}/{path}")
        assert page.locator("html").get_attribute("dir") == direction
        count, report = axe_violations(page)
        assert count == 0, f"{path} ({language}):\n{report}"
