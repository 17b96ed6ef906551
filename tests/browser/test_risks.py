"""Due diligence in Chromium, as issue #20's "Done when" tells it: the facilitator records the
context, the company's representative records a risk it contributes to with its leverage and
the guiding questions, a mitigation action is linked, an SMS ALERT attaches to the risk, and
the report by framework lists the risk under the IFC Performance Standard and the UNGP
principle it is tagged with. The risks pages have no WCAG 2.1 A/AA violation, in English and
in Arabic."""

from __future__ import annotations

import re

import pytest

from tests.browser.test_browser import axe_violations, choose_language, sign_in
from tests.browser.test_consultations import send
from tests.browser.test_sms import join_by_simulator

pytestmark = pytest.mark.browser

COMPANY = "andres.gomez@demo.hsbp.example"
COMPANY_NAME = "Agroforestal del Caguán S.A.S."
PHONE = "+573001110201"
PLACE = "Vereda La Esperanza"
THREAT = "Quarrels at the plantation gate between village women and the harvest crews brought in."
DIVIDER = "Harvest jobs go to crews brought from elsewhere while village women wait at the gate."
CONNECTOR = "The women's savings group that meets at the school on Fridays."
TITLE = "Village women left out of the harvest hiring"
REASONING = (
    "Our harvest contractors hire through their own acquaintances and we accept their lists "
    "without asking who is left out."
)
LEVERAGE_NOTE = "The 2027 harvest tender can require open hiring with places for women."
ANSWERS = [
    "We contribute: we accept the contractors' hiring lists without any condition.",
    "Yes: the harvest contractors work for us alone, on contracts we renew every year.",
]
ACTION = "Local job board with places for women"
ALERT = "Men from the contractor's crews pushed the village women away from the plantation gate."
IFC = "IFC Performance Standards on Environmental and Social Sustainability"
UNGP = "UN Guiding Principles on Business and Human Rights"
PS2 = "IFC PS PS2 Labor and Working Conditions"
UNGP13 = "UNGPs 13 Avoid causing or contributing; prevent or mitigate impacts directly linked"


def click_to(page, locator) -> None:
    """Click what opens another page and wait for it."""
    with page.expect_navigation():
        locator.click()


def flashes(page) -> list[str]:
    return page.locator(".messages .flash").all_inner_texts()


def risks_menu(page, name: str) -> None:
    """Open a page of the capability through its own menu."""
    menu = page.get_by_role("navigation", name="Risks and due diligence")
    click_to(page, menu.get_by_role("link", name=name, exact=True))


def open_risks(page, pid: int) -> None:
    page.goto(f"/p/{pid}/")
    click_to(page, page.get_by_role("link", name="Risks", exact=True))
    assert page.locator("h1").inner_text() == "Risks and impacts register"


def open_a_draft(page) -> int:
    """From the context page, a draft to revise: the proposal waiting for the partners is
    withdrawn (the demo's revision has a comment to answer), or a new version is started.
    Returns the draft's number, with its editing form open."""
    withdraw = page.get_by_role("button", name="Withdraw the proposal")
    start_first = page.get_by_role("button", name="Start the first draft")
    start_new = page.get_by_role("button", name="Start a new version")
    if withdraw.count():
        click_to(page, withdraw)
        (number,) = re.fullmatch(
            r"Version (\d+) is a draft again: revise it\.", flashes(page)[0]
        ).groups()
        click_to(page, page.get_by_role("link", name="Edit the draft"))
    elif start_new.count() or start_first.count():
        if start_new.count():
            page.get_by_label("Copy the validated version, then revise it").check()
        click_to(page, start_new if start_new.count() else start_first)
        (number,) = re.fullmatch(
            r"Version (\d+) is started as a draft\.", flashes(page)[0]
        ).groups()
    else:
        click_to(page, page.get_by_role("link", name="Edit the draft"))
        (number,) = re.search(r"/context/(\d+)/edit$", page.url).groups()
    assert page.locator("h1").inner_text() == f"Edit version {number}"
    return int(number)


def new_item(page, section: str):
    """The first empty row of a section of the context's editing form."""
    return page.get_by_role("region", name=section).get_by_role("group", name="New item").first


def record_the_context(page, pid: int) -> None:
    open_risks(page, pid)
    risks_menu(page, "Context")
    number = open_a_draft(page)

    threat = new_item(page, "Threats to human security")
    threat.get_by_label("Dimension").select_option(label="Community security")
    threat.get_by_label("Locality").fill(PLACE)
    threat.get_by_label("English").fill(THREAT)
    divider = new_item(page, "Dividers")
    divider.get_by_label("Locality").fill(PLACE)
    divider.get_by_label("English").fill(DIVIDER)
    connector = new_item(page, "Connectors")
    connector.get_by_label("Locality").fill(PLACE)
    connector.get_by_label("English").fill(CONNECTOR)
    click_to(page, page.get_by_role("button", name="Save the draft"))
    assert flashes(page) == [f"Version {number} is saved."]
    assert page.url.endswith(f"/p/{pid}/context")

    click_to(page, page.get_by_role("button", name="Propose to the partners"))
    assert flashes(page) == [f"Version {number} is proposed to the partners."]
    pending = page.get_by_role("region", name=re.compile(rf"^Version {number} "))
    assert pending.locator("h2").inner_text() == f"Version {number} Proposed"
    assert re.search(
        r"^0 of \d+ partners have confirmed; every current partner must confirm\.$",
        pending.inner_text(),
        re.MULTILINE,
    )
    click_to(page, page.get_by_role("link", name=f"Read version {number} and what changed"))
    changes = page.get_by_role("region", name=re.compile("^What changed since version"))
    listed = [re.sub(r"\s+", " ", t).strip() for t in changes.locator("li").all_inner_texts()]
    for line in (
        f"Added Threats to human security: Community security {PLACE} {THREAT}",
        f"Added Dividers: {PLACE} {DIVIDER}",
        f"Added Connectors: {PLACE} {CONNECTOR}",
    ):
        assert line in listed, listed


def confirm_the_context(page, pid: int) -> None:
    """The company's representative confirms the proposed context for its partner."""
    open_risks(page, pid)
    risks_menu(page, "Context")
    page.get_by_role("radio", name="Confirm", exact=True).check()
    click_to(page, page.get_by_role("button", name="Send the answer"))
    assert re.search(r"^1 of \d+ partners have confirmed", page.locator("main").inner_text(), re.M)


def record_the_risk(page, pid: int) -> tuple[int, str]:
    """The company's representative records the risk; its number and the page's address."""
    open_risks(page, pid)
    click_to(page, page.get_by_role("link", name="Record a risk"))
    assert page.locator("h1").inner_text() == "Record a risk"
    page.get_by_role("group", name="What could happen, or has happened").get_by_label(
        "English"
    ).fill(TITLE)
    page.get_by_role("group", name="Kind").get_by_label("Potential").check()
    page.get_by_label("Who is or could be harmed").fill("Women heads of household of the village")
    page.get_by_role("group", name="Places").get_by_label(PLACE).check()
    rights = page.get_by_role("group", name="Human rights it touches")
    rights.get_by_label("Livelihood and work").check()
    rights.get_by_label("Equality and non-discrimination").check()
    dimensions = page.get_by_role("group", name="Human-security dimensions")
    dimensions.get_by_label("Economic security").check()
    dimensions.get_by_label("Community security").check()
    page.get_by_role("group", name="Scale").get_by_label("3 · Serious").check()
    page.get_by_role("group", name="Scope").get_by_label("2 · A group").check()
    page.get_by_role("group", name="Irremediability").get_by_label(
        "2 · Put right with effort"
    ).check()
    page.get_by_role("group", name="Likelihood").get_by_label("3 · Likely").check()
    click_to(page, page.get_by_role("button", name="Save", exact=True))
    (flash,) = flashes(page)
    (number,) = re.fullmatch(r"Risk R-(\d+) is on the register\.", flash).groups()
    assert page.locator("h1").inner_text() == f"R-{number} {TITLE}"
    tags = page.locator("main h1 + p.row .tag").all_inner_texts()
    assert tags == ["Open", "Potential", "Severity: Medium", "Likelihood: Likely"]
    facts = page.get_by_role("region", name="What could happen, or has happened")
    assert facts.locator("dd").all_inner_texts()[:4] == [
        "Women heads of household of the village",
        PLACE,
        "Livelihood and work; Equality and non-discrimination",
        "Economic security, Community security",
    ]
    return int(number), page.url


def record_the_connection(page, number: int) -> None:
    """… its connection, contributes to, with the reasoning; then, on the connection's page,
    its leverage and the first guiding questions, in order."""
    connections = page.get_by_role("region", name="Partners' connection to the harm")
    assert connections.get_by_text("No partner's connection to this harm is recorded yet.").count()
    click_to(page, connections.get_by_role("link", name="Record a connection"))
    assert page.locator("h1").inner_text() == f"Record a connection to R-{number}"
    assert page.get_by_label("Partner", exact=True).locator("option:checked").inner_text() == (
        COMPANY_NAME
    )
    page.get_by_role("group", name="How the partner is connected to the harm").get_by_label(
        "Contributes to"
    ).check()
    page.get_by_label("Reasoning").fill(REASONING)
    page.get_by_label("Business relationship").fill("The harvest contractors")
    click_to(page, page.get_by_role("button", name="Save", exact=True))
    assert flashes(page) == [f"The connection to R-{number} is recorded."]
    assert page.locator("h1").inner_text() == f"The connection of {COMPANY_NAME} to this risk"
    expected = page.get_by_role("region", name="What this connection asks of the partner")
    assert expected.locator("ol li").all_inner_texts() == [
        "Prevent it",
        "Mitigate it",
        "Use leverage",
    ]

    leverage = page.get_by_role("region", name="Leverage", exact=True)
    leverage.get_by_text("Assess the leverage").click()
    leverage.get_by_label("Commercial and contractual").select_option(label="High")
    leverage.get_by_label("Note on leverage").fill(LEVERAGE_NOTE)
    click_to(page, leverage.get_by_role("button", name="Save the leverage"))
    assert flashes(page) == ["The leverage is saved."]
    assert page.url.endswith("#leverage")
    terms = leverage.locator("dl dt").all_inner_texts()
    strengths = leverage.locator("dl dd").all_inner_texts()
    assert dict(zip(terms, strengths, strict=True))["Commercial and contractual"] == "High"
    # Strong leverage: no advice to build more.
    assert leverage.locator(":scope > p").all_inner_texts() == [LEVERAGE_NOTE]

    questions = page.get_by_role("region", name="Guiding questions")
    questions.get_by_text("Answer the guiding questions").click()
    first = "How are we involved in this risk or harm, and through which link?"
    second = "If we do not cause it ourselves, do we have any influence over whoever does?"
    fourth = "In which ways will we use that influence?"
    # Out of order is refused and nothing is kept: each question builds on the one before.
    questions.get_by_label(first).fill(ANSWERS[0])
    questions.get_by_label(fourth).fill("Through the tender.")
    click_to(page, questions.get_by_role("button", name="Save the answers"))
    questions = page.get_by_role("region", name="Guiding questions")
    assert questions.locator("p.error").all_inner_texts() == [
        "The questions are answered in order: answer question 2 before question 4."
    ]
    assert questions.locator("p.hint").first.inner_text() == (
        "Answered in order, each building on the one before: 0 of 7 answered."
    )
    # The form comes back with what was typed.
    assert questions.get_by_label(first).input_value() == ANSWERS[0]
    questions.get_by_label(second).fill(ANSWERS[1])
    questions.get_by_label(fourth).fill("")
    click_to(page, questions.get_by_role("button", name="Save the answers"))
    assert flashes(page) == ["The answers are saved."]
    questions = page.get_by_role("region", name="Guiding questions")
    assert questions.locator("p.hint").first.inner_text() == (
        "Answered in order, each building on the one before: 2 of 7 answered."
    )
    answered = questions.locator(":scope > ol > li").all_inner_texts()
    assert [re.sub(r"\s+", " ", a).strip() for a in answered[:3]] == [
        f"{first} {ANSWERS[0]}",
        f"{second} {ANSWERS[1]}",
        "Could that influence help prevent or lessen the harm, or put it right? —",
    ]


def link_the_mitigation(page, number: int, risk_url: str) -> None:
    page.goto(risk_url)
    links = page.get_by_role("region", name="Where it was seen and what answers it")
    links.get_by_text("Link a source or an answer").click()
    form = links.locator("#link-form-action")
    pick = form.get_by_label("Action of the checklist")
    # The option says the action's status too, which other tests may change.
    option = pick.locator("option", has_text=ACTION)
    assert option.count() == 1
    pick.select_option(option.get_attribute("value"))
    form.get_by_label("Mitigation: it prevents the harm or lessens it").check()
    click_to(page, form.get_by_role("button", name="Link the action"))
    (flash,) = flashes(page)
    assert flash == f"R-{number} is linked to {ACTION}."
    links = page.get_by_role("region", name="Where it was seen and what answers it")
    assert links.get_by_role("heading", name="Mitigation actions", exact=True).count() == 1
    assert links.get_by_role("link", name=ACTION, exact=True).count() == 1


def alert_by_sms(page, live_server) -> str:
    """A community member joins in the phone simulator, in English, and sends an ALERT; the
    incident's number from the receipt."""
    join_by_simulator(page, live_server, PHONE)
    assert send(page, "2")[-1] == "Language saved. Send HELP for options."
    receipt = send(page, f"ALERT {ALERT}")[-1]
    found = re.fullmatch(
        r"Alert (I-\d+) received\. Thank you: the facilitators have been told\.", receipt
    )
    assert found, receipt
    return found.group(1)


def attach_the_incident(page, pid: int, incident: str, number: int) -> None:
    open_risks(page, pid)
    risks_menu(page, "Incidents")
    row = page.locator(
        "main table tbody tr", has=page.get_by_role("link", name=incident, exact=True)
    )
    assert row.locator("td").nth(3).inner_text() == ALERT
    assert row.locator("td").nth(5).inner_text() == "—"
    click_to(page, row.get_by_role("link", name=incident, exact=True))
    assert page.locator("h1").inner_text() == f"Incident {incident} New"
    assert page.locator("#incident-source").inner_text() == (
        "A contact who joined the partnership, by SMS."
    )
    section = page.get_by_role("region", name="Risks", exact=True)
    assert section.get_by_text("Not attached to a risk yet.").count() == 1
    section.get_by_label("Risk number").fill(f"R-{number}")
    click_to(page, section.get_by_role("button", name="Attach to this risk"))
    assert flashes(page) == [f"The incident is attached to risk R-{number}."]
    section = page.get_by_role("region", name="Risks", exact=True)
    click_to(page, section.get_by_role("link", name=f"R-{number} {TITLE}", exact=True))

    links = page.get_by_role("region", name="Where it was seen and what answers it")
    assert links.get_by_role("heading", name="Incidents", exact=True).count() == 1
    assert links.get_by_role("link", name=incident, exact=True).count() == 1
    # The register counts it among the risk's sources.
    open_risks(page, pid)
    row = page.locator(
        "table.risks-register tbody tr",
        has=page.get_by_role("link", name=f"R-{number} {TITLE}", exact=True),
    )
    cells = row.locator("td").all_inner_texts()
    assert cells[1:] == [
        "Potential",
        "Open",
        "Medium",
        "Likely",
        "Economic security, Community security",
        f"{COMPANY_NAME}: Contributes to",
        "1 incident",
    ]


def tag_with(page, framework: str, reference: str) -> None:
    """Check one reference of a framework on the tags page and save it."""
    page.get_by_label("Framework", exact=True).select_option(label=framework)
    click_to(page, page.get_by_role("button", name="Show", exact=True))
    page.get_by_label(reference, exact=True).check()
    click_to(page, page.get_by_role("button", name="Save the references"))
    assert flashes(page) == ["The framework references are saved."]


def tag_the_risk(page, risk_url: str) -> None:
    page.goto(risk_url)
    box = page.get_by_role("region", name="Framework references")
    click_to(page, box.get_by_role("link", name="Edit framework references"))
    tag_with(page, IFC, PS2)
    tag_with(page, UNGP, UNGP13)
    now = page.get_by_role("region", name="Its references now")
    assert [re.sub(r"\s+", " ", t).strip() for t in now.locator("li").all_inner_texts()] == [
        f"{UNGP13} ungp:13",
        "IFC PS PS2 Labor and Working Conditions ifc:PS2",
    ]


def reported_risks(page, framework: str, heading: re.Pattern) -> list[list[str]]:
    """The rows of the risks table under the reference `heading` of the report on `framework`."""
    page.get_by_label("Framework", exact=True).select_option(label=framework)
    click_to(page, page.get_by_role("button", name="Show", exact=True))
    reference = page.locator(
        "section.framework-reference", has=page.get_by_role("heading", name=heading)
    )
    assert reference.count() == 1
    table = reference.get_by_role("table", name="Risks")
    return [row.locator("td").all_inner_texts() for row in table.locator("tbody tr").all()]


def test_due_diligence_from_the_context_to_the_report_by_framework(browser, page, live_server):
    pid = live_server.caguan_id
    sign_in(page)
    choose_language(page, "en")
    record_the_context(page, pid)

    context = browser.new_context(base_url=live_server.url, locale="en-US")
    context.set_default_timeout(15_000)
    try:
        company = context.new_page()
        sign_in(company, COMPANY)
        choose_language(company, "en")
        confirm_the_context(company, pid)
        number, risk_url = record_the_risk(company, pid)
        record_the_connection(company, number)
        link_the_mitigation(company, number, risk_url)

        incident = alert_by_sms(page, live_server)
        attach_the_incident(page, pid, incident, number)

        tag_the_risk(company, risk_url)
        company.goto(risk_url)
        box = company.get_by_role("region", name="Framework references")
        assert [re.sub(r"\s+", " ", t).strip() for t in box.locator("li").all_inner_texts()] == [
            UNGP13,
            "IFC PS PS2 Labor and Working Conditions",
        ]
        risks_menu(company, "Report by framework")
        expected = [
            f"R-{number} {TITLE}",
            "Open",
            "Medium",
            "Likely",
            # How many partners are connected, by kind of connection; no grievance linked.
            "Contributes to: 1",
            "0",
        ]
        ifc = reported_risks(company, IFC, re.compile(r"^PS2 Labor and Working Conditions"))
        assert expected in ifc, ifc
        ungp = reported_risks(company, UNGP, re.compile(r"^13 Avoid causing or contributing"))
        assert expected in ungp, ungp
    finally:
        context.close()


def _first_href(page, selector: str) -> str:
    link = page.locator(selector).first
    assert link.count() == 1, selector
    return link.get_attribute("href")


def _open_details(page) -> None:
    """Open every folded part of the page's main content, so its forms are checked too."""
    for summary in page.locator("main details > summary").all():
        summary.click()


@pytest.mark.parametrize(("language", "direction"), [("en", "ltr"), ("ar", "rtl")])
def test_risks_pages_have_no_axe_violations(page, live_server, language, direction):
    pid = live_server.caguan_id
    sign_in(page)
    page.goto(f"/p/{pid}/risks")
    choose_language(page, language)
    assert page.locator("html").get_attribute("dir") == direction

    def check(path: str, *, unfold: bool = False) -> None:
        response = page.goto(path)
        assert response is not None and response.status == 200, path
        assert page.locator("html").get_attribute("dir") == direction
        if unfold:
            _open_details(page)
        count, report = axe_violations(page)
        assert count == 0, f"{path} ({language}):\n{report}"

    register = f"/p/{pid}/risks"
    check(register)
    risk = _first_href(page, "table.risks-register tbody a[href*='/risks/']")
    check(risk, unfold=True)
    connection = _first_href(page, "main a[href*='/connections/']")
    tags = _first_href(page, "main a[href*='/frameworks/tags/risk/']")
    check(connection, unfold=True)
    check(f"/p/{pid}/risks/new")
    check(f"/p/{pid}/context")
    check(f"/p/{pid}/key-moments")
    check(f"/p/{pid}/incidents")
    incident = _first_href(page, "main table tbody a[href*='/incidents/']")
    check(incident)
    check(f"/p/{pid}/incidents/tension")
    check(f"/p/{pid}/frameworks?framework=ifc")
    check(f"{tags}?framework=ungp")
