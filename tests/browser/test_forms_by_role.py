"""Forms a partner representative submits, in Chromium as a person would: only the fields the
page shows are filled, the form is sent with its button, and the success is checked twice,
in the page (the flash) and in the database (the stored row). Posting by hand hid forms that
failed in a browser, because they required a field the page did not show.

Forms of representatives covered by other files: progress and evidence of an action
(test_actions), endorsing a charter (test_charter), suggesting a change (test_charter_suggestions),
proposing and answering a partner proposal (test_partner_entry), confirming an assembly
(test_assemblies), validating an outcome (test_outcome_validation), review votes and sign-off
(test_review_votes). Each test here adds its own rows (named with a fresh suffix) to the demo's
Caguán partnership, so the other files' expectations stay true.
"""

from __future__ import annotations

import re
import uuid

import pytest
from sqlalchemy import select

from hsbp import db
from tests.browser.test_browser import choose_language, sign_in

pytestmark = pytest.mark.browser

COMPANY_REP = "andres.gomez@demo.hsbp.example"
COMPANY = "Agroforestal del Caguán S.A.S."
MUNICIPAL_REP = "martha.rincon@demo.hsbp.example"


def stored(live_server, statement) -> list:
    """Rows of `statement` (columns, not objects: the session ends here), read in the served
    app's database outside any request."""
    with live_server.app.app_context():
        try:
            return [tuple(row) for row in db.session().execute(statement)]
        finally:
            db.finish(commit=False)


def mapped(participant_id: int):
    from hsbp.mapping.models import Participant

    return select(
        Participant.locality, Participant.proposed_by_partner_id, Participant.status
    ).where(Participant.id == participant_id)


def signed_in_as(page, email: str) -> None:
    sign_in(page, email)
    choose_language(page, "en")


def submit(page, button: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=button, exact=True).click()


def flashed(page) -> str:
    return page.locator(".flash-success").inner_text()


def suffix() -> str:
    return uuid.uuid4().hex[:6]


def test_a_representative_maps_and_edits_a_participant_others_validate(browser, page, live_server):
    from hsbp.partnerships.models import Partner

    pid = live_server.caguan_id
    name = f"Asociación de Cacaoteros {suffix()}"
    signed_in_as(page, COMPANY_REP)
    page.goto(f"/p/{pid}/mapping/new")
    # Facilitators choose who proposed a participant; a representative is not asked.
    assert page.locator("#proposed_by_partner_id").count() == 0
    page.get_by_label("Name", exact=True).fill(name)
    page.get_by_label("Kind").select_option("organisation")
    page.get_by_label("Sector").select_option("community_group")
    page.get_by_label("Locality").fill("Puerto Rico")
    submit(page, "Save")
    assert flashed(page) == f"{name} is mapped."
    participant_id = int(re.search(r"/mapping/(\d+)$", page.url)[1])
    company_id = stored(live_server, select(Partner.id).where(Partner.name == COMPANY))[0][0]
    assert stored(live_server, mapped(participant_id)) == [("Puerto Rico", company_id, "proposed")]

    page.goto(f"/p/{pid}/mapping/{participant_id}/edit")
    page.get_by_label("Locality").fill("Cartagena del Chairá")
    submit(page, "Save")
    assert flashed(page) == f"{name} is saved."
    edited = ("Cartagena del Chairá", company_id, "proposed")
    assert stored(live_server, mapped(participant_id)) == [edited]

    # Another partner's representative validates what the company proposed.
    official = browser.new_context(base_url=live_server.url, locale="en-US")
    try:
        other = official.new_page()
        signed_in_as(other, MUNICIPAL_REP)
        other.goto(f"/p/{pid}/mapping/{participant_id}")
        submit(other, "Validate for my partner")
        assert flashed(other) == f"{name} is validated."
    finally:
        official.close()
    validated = ("Cartagena del Chairá", company_id, "validated")
    assert stored(live_server, mapped(participant_id)) == [validated]


def test_a_representative_adds_an_action_to_the_checklist(page, live_server):
    from hsbp.actions.models import Action

    pid = live_server.caguan_id
    title = f"Vivero comunitario {suffix()}"
    signed_in_as(page, COMPANY_REP)
    page.goto(f"/p/{pid}/actions/new")
    page.locator("#title-es").fill(title)
    page.get_by_label("Lead partner").select_option(label=COMPANY)
    page.get_by_label("Due date").fill("2027-03-31")
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_url(re.compile(r"/actions/\d+$"))
    assert flashed(page) == "The action is on the checklist."
    action_id = int(re.search(r"/actions/(\d+)$", page.url)[1])
    [(partnership_id, titles)] = stored(
        live_server, select(Action.partnership_id, Action.title).where(Action.id == action_id)
    )
    assert (partnership_id, titles["es"]) == (pid, title)


def test_a_representative_reports_an_indicator_value(page, live_server):
    from hsbp.monitoring.models import Indicator, Measurement

    pid = live_server.caguan_id
    note = f"Conteo de la brigada {suffix()}"
    signed_in_as(page, COMPANY_REP)
    indicators = stored(
        live_server,
        select(Indicator.id).where(Indicator.partnership_id == pid).order_by(Indicator.id),
    )
    # The first the representative may report on (some are filled by polls or pulses).
    for (indicator_id,) in indicators:
        page.goto(f"/p/{pid}/monitoring/{indicator_id}")
        if page.get_by_role("button", name="Report the value").count():
            break
    page.get_by_label("First day of the period").fill("2021-01-01")
    page.get_by_label("Value", exact=True).fill("12")
    page.get_by_label("Note").fill(note)
    submit(page, "Report the value")
    assert flashed(page) == "The value is recorded."
    rows = stored(
        live_server,
        select(Measurement.indicator_id, Measurement.value).where(Measurement.note == note),
    )
    assert [(indicator, int(value)) for indicator, value in rows] == [(indicator_id, 12)]
