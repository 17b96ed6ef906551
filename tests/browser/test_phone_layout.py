"""A cheap phone's screen, 360 px wide, in Chromium: on the public grievance form, the public
consultation and the assisted intake, every button and field is at least 44 px tall, fields
fill the form's width, each radio's or checkbox's label is a 44 px tap target, and nothing
widens the page; stacked tables show each cell's column; the phone simulator fits."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.browser.test_browser import sign_in

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}
TAP = 44  # px: the smallest comfortable touch target (WCAG 2.5.5, platform guidelines)

# Every control of a form, with its rendered box and, for boxes, its label's.
MEASURE = """form => [...form.querySelectorAll('input, select, textarea, button')]
  .filter(el => el.type !== 'hidden')
  .map(el => {
    const box = el.getBoundingClientRect();
    const label = el.labels && el.labels[0];
    return {
      name: el.name || el.id, type: el.type, height: box.height, width: box.width,
      formWidth: el.closest('fieldset, form').getBoundingClientRect().width,
      labelHeight: label ? label.getBoundingClientRect().height : null,
    };
  })"""


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="en-US", viewport=PHONE)
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()


@pytest.fixture(scope="module")
def public_links(live_server) -> dict[str, str]:
    from hsbp import db
    from hsbp.consultations.models import Consultation
    from hsbp.grievances.models import GrievanceSettings

    with live_server.app.app_context():
        session = db.session()
        grievance_token = session.scalar(
            select(GrievanceSettings.public_token).where(
                GrievanceSettings.partnership_id == live_server.caguan_id
            )
        )
        consultation_id, consultation_token = session.execute(
            select(Consultation.id, Consultation.public_token)
            .where(
                Consultation.partnership_id == live_server.caguan_id,
                Consultation.public_token.is_not(None),
            )
            .order_by(Consultation.id)
        ).first()
        db.finish(commit=False)
    return {
        "grievance": f"/g/{grievance_token}?lang=en",
        "consultation": f"/c/{consultation_token}?lang=en",
        "assisted": f"/p/{live_server.caguan_id}/consultations/{consultation_id}/assisted",
    }


def assert_fits_a_phone(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def assert_touch_friendly(page, form_selector: str) -> list[dict]:
    controls = page.locator(form_selector).evaluate(MEASURE)
    assert controls
    for control in controls:
        where = f"{page.url}: {control}"
        if control["type"] in ("radio", "checkbox"):
            assert control["labelHeight"] >= TAP, where
        else:
            assert control["height"] >= TAP, where
        if control["type"] not in ("radio", "checkbox", "submit", "button"):
            # Full width: the field spans its fieldset or form, less their padding.
            assert control["width"] >= control["formWidth"] - 40, where
    return controls


def test_public_grievance_form_is_touch_friendly(phone, public_links):
    phone.goto(public_links["grievance"])
    controls = assert_touch_friendly(phone, "main form")
    types = {control["type"] for control in controls}
    assert {"submit", "tel", "email", "radio", "textarea", "select-one"} <= types
    assert_fits_a_phone(phone)


def test_public_consultation_is_touch_friendly(phone, public_links):
    phone.goto(public_links["consultation"])
    controls = assert_touch_friendly(phone, "main form")
    assert {"submit", "radio", "text"} <= {control["type"] for control in controls}
    assert_fits_a_phone(phone)


def test_assisted_intake_is_touch_friendly(phone, public_links):
    sign_in(phone)
    phone.goto(public_links["assisted"])
    controls = assert_touch_friendly(phone, "main form")
    assert {"submit", "checkbox", "select-one"} <= {control["type"] for control in controls}
    assert_fits_a_phone(phone)


def test_stacked_table_cells_show_their_column_on_a_phone(phone, live_server):
    sign_in(phone)
    phone.goto(f"/p/{live_server.caguan_id}/grievances")
    cell = phone.locator("table.stack tbody tr").first.locator("td").nth(1)
    label = cell.evaluate("td => getComputedStyle(td, '::before').content")
    assert label == f'"{cell.get_attribute("data-label")}"'
    assert label.strip('"')  # a header, not an empty string
    # The header row itself is out of sight: the label is what says what the value is.
    assert phone.locator("table.stack thead").first.bounding_box()["height"] <= 1
    assert_fits_a_phone(phone)


def test_phone_simulator_fits_a_phone(phone, live_server, monkeypatch):
    # With a fake Twilio the page adds its training form, whose long options once widened
    # the page to 544 px. Nothing is sent to it here.
    monkeypatch.setitem(live_server.app.config, "TWILIO_API_BASE", "http://127.0.0.1:9")
    sign_in(phone)  # the demo facilitator reads Spanish: the longer words
    phone.goto(f"/p/{live_server.caguan_id}/sms/simulator?phone=%2B573001110077")
    assert phone.locator("select[name=fault]").count() == 1
    assert phone.locator(".phone").bounding_box()["width"] <= PHONE["width"]
    assert_fits_a_phone(phone)
