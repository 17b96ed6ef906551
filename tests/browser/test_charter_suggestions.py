"""Suggestions on a draft charter in Chromium: a representative suggests a clause change, the
facilitator accepts it into the draft, proposes it and the partners endorse it; the pages
of suggestions have no WCAG 2.1 A/AA violation in English or in Arabic.

Self-sufficient whatever the demo seeds (its Caguán charter has a proposal pending, which
other tests rely on): the site administrator creates a partnership of its own."""

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
    """Open an invitation in a fresh browser, create the account (in English) and join."""
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


def no_violations(page, paths: list[str]) -> None:
    """No axe violation on `paths`, in English then in Arabic (right to left)."""
    for language, direction in (("ar", "rtl"), ("en", "ltr")):
        choose_language(page, language)
        for path in paths:
            page.goto(path)
            assert page.locator("html").get_attribute("dir") == direction
            count, report = axe_violations(page)
            assert count == 0, f"{path} ({language}):\n{report}"


def test_suggestion_accepted_into_the_draft_then_endorsed(page, invitation_links, newcomer):
    tag = uuid.uuid4().hex[:6]
    sign_in(page, ADMIN, DEMO_PASSWORD)
    page.goto("/admin/partnerships/new")
    page.fill("#name", f"Alianza de sugerencias {tag}")
    page.select_option("#country", "CO")
    page.fill("#locality", "Puerto Rico, Caquetá")
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
    facilitator.locator("#section-principles").get_by_role("link", name="Edit").click()
    facilitator.wait_for_url(re.compile(r"/charter/1/edit/principles$"))
    for key in LIFTS:
        facilitator.fill(f"#principles-{key}-es", f"Nuestro compromiso: {key}.")
    with facilitator.expect_navigation():
        facilitator.get_by_role("button", name="Save this section").click()

    # The company's representative suggests new wording for "Trust", with a comment.
    company = newcomer(company_link, "Representante empresa")
    company.goto(f"/p/{pid}/charter")
    company.get_by_role("link", name="Suggest wording").click()
    company.wait_for_url(re.compile(r"/charter/1/suggest$"))
    company.get_by_role("link", name="Trust", exact=True).click()
    assert company.input_value("#wording-es") == "Nuestro compromiso: trust."
    company.fill("#wording-es", "Publicamos cada decisión en la vereda.")
    company.fill("#comment", "La comunidad lo pidió en la asamblea.")
    with company.expect_navigation():
        company.get_by_role("button", name="Send the suggestion").click()
    assert re.search(r"/charter/1/suggestions/\d+$", company.url)
    suggestion_path = company.url.removeprefix(company.url.split("/p/")[0])
    assert company.locator(".flash-success").inner_text() == (
        "Your suggestion is sent to the facilitators."
    )
    no_violations(
        company,
        [
            f"/p/{pid}/charter/1/suggest",
            f"/p/{pid}/charter/1/suggest?clause=principles/trust",
            suggestion_path,
            f"/p/{pid}/charter/1",
        ],
    )

    # The facilitator finds it waiting, beside its section in the editor too, and accepts it
    # into the draft.
    facilitator.goto(f"/p/{pid}/charter/1/edit")
    assert (
        facilitator.locator("#section-principles")
        .get_by_role("link", name="1 suggestion waits for a facilitator's decision.")
        .is_visible()
    )
    facilitator.goto(f"/p/{pid}/charter")
    facilitator.get_by_role("link", name="1 suggestion waits for a facilitator's decision.").click()
    facilitator.get_by_role("link", name="Trust", exact=True).click()
    with facilitator.expect_navigation():
        facilitator.get_by_role("button", name="Accept into the draft").click()
    assert facilitator.locator(".flash-success").inner_text() == (
        "The suggested wording is now in the draft."
    )
    no_violations(facilitator, [suggestion_path])
    facilitator.goto(f"/p/{pid}/charter/1/edit/principles")
    assert facilitator.input_value("#principles-trust-es") == (
        "Publicamos cada decisión en la vereda."
    )

    facilitator.goto(f"/p/{pid}/charter")
    with facilitator.expect_navigation():
        facilitator.get_by_role("button", name="Propose to the partners").click()

    board = newcomer(board_link, "Representante junta")
    for representative in (company, board):
        representative.goto(f"/p/{pid}/charter")
        representative.get_by_label("Endorse", exact=True).check()
        with representative.expect_navigation():
            representative.get_by_role("button", name="Send the answer").click()
    assert board.locator(".flash-success").inner_text() == (
        "Version 1 is adopted: it is now in force."
    )

    # The history stays with the version, for every member.
    board.goto(f"/p/{pid}/charter/1")
    history = board.locator("section[aria-labelledby=suggestions-heading]")
    assert history.locator("li .tag").inner_text() == "Accepted"
    history.locator("summary").click()
    assert "La comunidad lo pidió en la asamblea." in history.inner_text()
    assert "Accepted into the draft by Facilitadora de prueba on" in history.inner_text()
