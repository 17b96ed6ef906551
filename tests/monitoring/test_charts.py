"""Indicator and pulse charts on the web say what they show: axes with dates, the baseline's
and target's levels, every value, a legend; words follow the reader's direction."""

import re
from datetime import date

from hsbp.monitoring import services
from hsbp.security import Role
from tests.monitoring.conftest import add_indicator
from tests.monitoring.test_pulses import answered, people, pulse_round, url  # noqa: F401


def indicator_chart(client, partnership, indicator) -> str:
    html = client.get(f"/p/{partnership.id}/monitoring/{indicator.id}").get_data(as_text=True)
    return html[html.index("<svg") : html.index("</svg>")]


def with_values(session, partnership, facilitator):
    jobs = add_indicator(session, partnership, facilitator)
    for month, value in ((4, "25"), (10, "30")):
        services.record_value(
            session,
            actor=facilitator,
            indicator=jobs,
            period_on=date(2026, month, 1),
            value=value,
        )
    return jobs


def texts(chart: str, kind: str) -> list[str]:
    return re.findall(rf'class="{kind}">([^<]*)</text>', chart)


def test_indicator_chart_has_axes_dates_levels_values_and_a_legend(
    session, client, login, partnership, facilitator
):
    jobs = with_values(session, partnership, facilitator)
    login(facilitator)
    chart = indicator_chart(client, partnership, jobs)
    assert 'role="img"' in chart and 'direction="ltr"' in chart
    # Both axes: the value axis on the left, the date axis at the bottom.
    assert '<line x1="14" y1="26" x2="14" y2="170" stroke="#1b1f24"/>' in chart
    assert '<line x1="14" y1="170" x2="426" y2="170" stroke="#1b1f24"/>' in chart
    assert texts(chart, "date") == [
        "\u2068Jan 1, 2026\u2069",
        "\u2068Jan 1, 2028\u2069",
        "\u20682027\u2069",
        "\u20682028\u2069",
    ]
    assert texts(chart, "reference") == [
        "Baseline: \u206820 %\u2069",
        "Target: \u206840 %\u2069",
    ]
    assert chart.count('stroke-dasharray="1 3"') == 2 + 1  # two levels and their legend key
    assert texts(chart, "value") == ["\u206830 %\u2069", "\u206825 %\u2069"]
    assert texts(chart, "legend") == [
        "\u2068Straight line from the baseline to the target\u2069",
        "\u2068Values\u2069",
        "\u2068Baseline and target levels\u2069",
    ]


def test_indicator_chart_in_arabic_keeps_time_left_to_right_and_words_right_to_left(
    session, client, login, make, partnership, facilitator
):
    jobs = with_values(session, partnership, facilitator)
    login(make.member(partnership, Role.OBSERVER, user=make.user(locale="ar")))
    chart = indicator_chart(client, partnership, jobs)
    assert 'class="chart" direction="ltr">' in chart
    # Level labels end at the right edge of the plot, legend texts start at the right.
    assert chart.count('<text x="422" y=') == 2
    assert chart.count('direction="rtl" text-anchor="start" font-size="11"') == 2
    assert chart.count('<text x="408" y=') == 3
    assert chart.count('direction="rtl" text-anchor="start" font-size="12"') == 3


def test_indicator_chart_leaves_out_value_labels_that_would_touch(
    session, client, login, partnership, facilitator
):
    jobs = add_indicator(session, partnership, facilitator)
    for day in (1, 8, 15, 22):
        services.record_value(
            session,
            actor=facilitator,
            indicator=jobs,
            period_on=date(2026, 2, day),
            value=str(20 + day),
        )
    login(facilitator)
    chart = indicator_chart(client, partnership, jobs)
    # Four values a week apart sit a few units apart: only the latest is written.
    assert chart.count("<circle") == 4
    assert texts(chart, "value") == ["\u206842 %\u2069"]


def test_pulse_results_in_arabic_mirror_the_bars_and_isolate_content(
    client,
    login,
    make,
    partnership,
    answered,  # noqa: F811
):
    login(make.member(partnership, Role.OBSERVER, user=make.user(locale="ar")))
    html = client.get(url(answered, "/results")).get_data(as_text=True)
    chart = html[html.index("<svg") : html.index("</svg>")]
    assert 'direction="rtl"' in chart
    assert set(re.findall(r'<text x="([\d.]+)"[^>]*class="label">', chart)) == {"378.0"}
    assert "\u20684.0\u2069" in re.findall(r'class="value">([^<]*)</text>', chart)
    assert "<bdi>Pulso 1</bdi></h1>" in html
    assert "<li><bdi>Nos escuchan poco</bdi></li>" in html
