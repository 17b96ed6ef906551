"""The grievance dashboard's charts say what they show (count scale, a count on each column,
months and years, a legend) and read right to left in Arabic, with names isolated."""

import re
from datetime import UTC, datetime

from hsbp.security import Role
from tests.grievances.test_dashboard import arrange, page  # noqa: F401  (a fixture)


def charts(html: str) -> list[str]:
    return re.findall(r"<svg .*?</svg>", html, flags=re.S)


def test_trend_chart_has_a_scale_counts_periods_and_a_legend(
    session,
    client,
    login,
    partnership,
    observer,
    arrange,  # noqa: F811
):
    arrange(datetime.now(UTC))
    session.commit()
    login(observer)
    _stages, trend = charts(page(client, partnership).get_data(as_text=True))
    assert 'direction="ltr"' in trend  # time runs left to right in every language
    periods = re.findall(r'class="period">([^<]*)</text>', trend)
    assert len([p for p in periods if re.fullmatch(r"\u2068\d{4}\u2069", p)]) in (1, 2)
    assert len(periods) - len([p for p in periods if p[1:-1].isdigit()]) == 12
    values = re.findall(r'class="value">\u2068(\d+)\u2069</text>', trend)
    assert sum(int(v) for v in values) == 6 + 2  # six received, two closed
    # The scale: 0 and the busiest month's count.
    axis = re.findall(r'class="axis">([^<]*)</text>', trend)
    assert axis == ["\u20680\u2069", f"\u2068{max(int(v) for v in values)}\u2069"]
    legend = re.findall(r'direction="ltr" text-anchor="start"[^>]*class="legend">([^<]*)<', trend)
    assert legend == ["\u2068Grievances received\u2069", "\u2068Grievances closed\u2069"]


def test_dashboard_in_arabic_mirrors_the_stage_bars_and_isolates_names(
    session,
    client,
    login,
    make,
    partnership,
    arrange,  # noqa: F811
):
    arrange(datetime.now(UTC))
    session.commit()
    login(make.member(partnership, Role.OBSERVER, user=make.user(locale="ar")))
    html = page(client, partnership).get_data(as_text=True)
    stages, trend = charts(html)
    assert 'direction="rtl"' in stages
    assert set(re.findall(r'<text x="([\d.]+)"[^>]*class="label">', stages)) == {"378.0"}
    # The legend starts on the right: its texts' right side at 560 - 32.
    assert trend.count('<text x="528" y=') == 2
    assert trend.count('direction="rtl" text-anchor="start"') == 2
    assert '<th scope="row"><bdi>Palmas del Caguán</bdi></th>' in html
