"""Charts in Chromium: in Arabic the results bars have their labels on their right, and the
relationship network's names stay at least 12 px on a phone."""

from __future__ import annotations

import pytest

from tests.browser.test_browser import choose_language, sign_in
from tests.browser.test_consultations import demo_consultation

pytestmark = pytest.mark.browser

# Each label's and each bar's box on the screen, row by row of the first chart.
BOXES = """(svg) => {
  const box = (el) => { const r = el.getBoundingClientRect(); return [r.left, r.right]; };
  return [...svg.querySelectorAll('text.label')].map((label, i) =>
    [box(label), box(svg.querySelectorAll('rect.bar')[i])]);
}"""


@pytest.mark.parametrize("language", ["ar", "en"])
def test_results_bar_labels_sit_on_the_readers_side_of_their_bars(page, live_server, language):
    sign_in(page)
    choose_language(page, "en")
    base = demo_consultation(page, live_server)
    choose_language(page, language)
    page.goto(base + "/results")
    rows = page.locator("figure.chart-box svg.chart").first.evaluate(BOXES)
    assert len(rows) >= 2
    for (label_left, label_right), (bar_left, bar_right) in rows:
        assert label_right > label_left  # drawn, not empty
        if language == "ar":
            assert label_left >= bar_right, rows  # the label is right of its bar
        else:
            assert label_right <= bar_left, rows


def test_network_names_are_at_least_12_px_on_a_phone(page, live_server):
    page.set_viewport_size({"width": 360, "height": 740})
    sign_in(page)
    choose_language(page, "ar")
    page.goto(f"/p/{live_server.caguan_id}/mapping/network")
    sizes = page.locator("svg.chart.network").evaluate(
        """(svg) => [...svg.querySelectorAll('text.name')].map(
             (t) => t.getScreenCTM().a * parseFloat(t.getAttribute('font-size')))"""
    )
    assert len(sizes) >= 10
    assert min(sizes) >= 12, sizes
    assert page.locator("#relationship-list ~ .table-wrap tbody tr").count() >= 10
    choose_language(page, "en")
