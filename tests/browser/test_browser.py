"""Browser tests: sign-in, right-to-left Arabic, access control, accessibility and page weight."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest

from hsbp.demo import DEMO_PASSWORD

pytestmark = pytest.mark.browser

FACILITATOR = "lucia.hernandez@demo.hsbp.example"
CAGUAN = "Alianza por la Seguridad Humana del Caguán"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PAGE_WEIGHT_LIMIT = 100_000


def sign_in(page, email: str = FACILITATOR, password: str = DEMO_PASSWORD) -> None:
    page.goto("/login")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.locator("main form button[type=submit]").click()
    # The landing depends on who signs in: a list, a dashboard, the administration.
    page.wait_for_url(lambda url: urlsplit(url).path != "/login")


def choose_language(page, code: str) -> None:
    page.select_option("#language-menu", code)
    with page.expect_navigation():
        page.locator("form.language button[type=submit]").click()
    # The menu posts and redirects back; a wrong `lang` means the choice did not stick.
    assert page.locator("html").get_attribute("lang") == code


def axe_violations(page) -> tuple[int, str]:
    axe = pytest.importorskip(
        "axe_playwright_python.sync_playwright", reason="needs axe-playwright-python"
    )
    results = axe.Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    return results.violations_count, results.generate_report()


def test_login_switch_to_arabic_is_right_to_left_and_dashboard_opens(page, live_server):
    sign_in(page)
    # Her only partnership: she lands on its dashboard, recognised by its address (the demo
    # users read Spanish).
    assert page.url == f"{live_server.url}/p/{live_server.caguan_id}/"

    choose_language(page, "ar")
    html = page.locator("html")
    assert html.get_attribute("dir") == "rtl"
    assert html.get_attribute("lang") == "ar"
    assert page.url == f"{live_server.url}/p/{live_server.caguan_id}/"
    assert page.locator("h1").inner_text() == CAGUAN

    page.get_by_role("link", name="hsbp", exact=True).click()
    page.wait_for_url(re.compile(r"/p/\d+/$"))
    # The profile now holds Arabic, so the next page keeps the direction.
    assert html.get_attribute("dir") == "rtl"


@pytest.mark.parametrize("language", ["en", "ar"])
def test_login_page_has_no_axe_violations(page, language):
    page.goto("/login")
    if language != "en":
        choose_language(page, language)
    assert urlsplit(page.url).path == "/login"
    count, report = axe_violations(page)
    assert count == 0, report


@pytest.mark.parametrize(("language", "direction"), [("en", "ltr"), ("ar", "rtl")])
def test_dashboard_has_no_axe_violations(page, live_server, language, direction):
    sign_in(page)
    page.goto(f"/p/{live_server.caguan_id}/")
    choose_language(page, language)
    assert page.url == f"{live_server.url}/p/{live_server.caguan_id}/"
    assert page.locator("html").get_attribute("dir") == direction
    count, report = axe_violations(page)
    assert count == 0, report


def test_signed_out_visitor_sees_login_for_partnership_page(page, live_server):
    response = page.goto(f"/p/{live_server.caguan_id}/")
    assert response is not None and response.status == 200
    address = urlsplit(page.url)
    assert address.path == "/login"
    assert parse_qs(address.query) == {"next": [f"/p/{live_server.caguan_id}/"]}
    assert page.locator("h1").inner_text() == "Sign in"


def _weigh(page, path: str) -> list[tuple[str, str, int, int]]:
    """Load `path` in `page`, whose context must have an empty cache (a warm one would hide
    the stylesheet's weight); per response: (type, url, status, bytes on the wire)."""
    finished = []

    def record(request) -> None:
        finished.append(request)

    page.on("requestfinished", record)
    try:
        page.goto(path, wait_until="networkidle")
    finally:
        page.remove_listener("requestfinished", record)
    rows = []
    for request in finished:
        sizes = request.sizes()
        response = request.response()
        rows.append(
            (
                request.resource_type,
                request.url,
                response.status if response else 0,
                sizes["responseHeadersSize"] + sizes["responseBodySize"],
            )
        )
    return rows


def _check_weight(name: str, path: str, rows, live_server) -> None:
    total = sum(row[3] for row in rows)
    print(f"\npage weight of the {name}: {total} bytes in {len(rows)} responses")
    for kind, url, status, size in rows:
        print(f"  {size:>7} B  {status}  {kind:<10} {url.removeprefix(live_server.url)}")
    # Exactly one document, the one asked for: a redirect would weigh another page.
    assert [url for kind, url, _, _ in rows if kind == "document"] == [live_server.url + path]
    assert [url for _, url, status, _ in rows if not 200 <= status < 300] == []
    assert any("/static/hsbp.css" in url for _, url, _, _ in rows), "stylesheet not counted"
    assert total < PAGE_WEIGHT_LIMIT, f"the {name} weighs {total} bytes"


def test_page_weight_under_100_kb(browser, page, live_server):
    _check_weight("login page", "/login", _weigh(page, "/login"), live_server)

    sign_in(page)
    # English, so the figures printed are comparable from one run to the next.
    choose_language(page, "en")
    dashboard = f"/p/{live_server.caguan_id}/"
    # The same signed-in session in a new context: a cold cache, as on a first visit.
    cold = browser.new_context(
        base_url=live_server.url, locale="en-US", storage_state=page.context.storage_state()
    )
    try:
        _check_weight("dashboard", dashboard, _weigh(cold.new_page(), dashboard), live_server)
    finally:
        cold.close()
