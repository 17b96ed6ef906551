"""Results pages read right to left in Arabic: charts mirrored, and every answer's label,
question, title and share isolated so Spanish content keeps its order."""

import re

from hsbp.security import Role
from tests.consultations.test_results import common_ground_answers, fixture_answers


def base(consultation) -> str:
    return f"/p/{consultation.partnership_id}/consultations/{consultation.id}"


def first_chart(html: str) -> str:
    return html[html.index("<svg") : html.index("</svg>")]


def reader(make, partnership, locale):
    return make.member(partnership, Role.OBSERVER, user=make.user(locale=locale))


def test_results_chart_in_arabic_has_labels_on_the_right(
    client, login, session, build, partnership, make
):
    consultation = fixture_answers(session, build, partnership)
    login(reader(make, partnership, "ar"))
    html = client.get(base(consultation) + "/results").get_data(as_text=True)
    chart = first_chart(html)
    assert 'direction="rtl"' in chart
    # Labels' left side at 378 of 560, right of the track that ends there less 8.
    labels = re.findall(r'<text x="([\d.]+)"[^>]*class="label">([^<]*)</text>', chart)
    assert labels == [
        ("378.0", "\u2068Río\u2069"),
        ("378.0", "\u2068Pozo\u2069"),
        ("378.0", "\u2068Acueducto\u2069"),
    ]
    assert '<rect x="50.0" y="7" width="320" height="16"' in chart  # the track, on the left


def test_results_chart_in_english_has_labels_on_the_left(
    client, login, session, build, partnership, make
):
    consultation = fixture_answers(session, build, partnership)
    login(reader(make, partnership, "en"))
    chart = first_chart(client.get(base(consultation) + "/results").get_data(as_text=True))
    assert 'direction="ltr"' in chart
    assert '<text x="182.0" y="19" text-anchor="end"' in chart
    assert "\u2068River\u2069" in chart


def test_results_page_in_arabic_isolates_content_and_shares(
    client, login, session, build, partnership, make
):
    consultation = fixture_answers(session, build, partnership)
    login(reader(make, partnership, "ar"))
    html = client.get(base(consultation) + "/results").get_data(as_text=True)
    assert "<bdi>Agua y caminos</bdi></h1>" in html
    assert "1. <bdi>¿De dónde viene su agua?</bdi></h2>" in html
    assert re.search(r'<th scope="row"><bdi>Acueducto</bdi></th><td>\d+</td><td><bdi>', html)


def test_common_ground_in_arabic_is_mirrored_and_isolated(
    client, login, session, build, partnership, make
):
    consultation = common_ground_answers(session, build)
    login(reader(make, partnership, "ar"))
    html = client.get(base(consultation) + "/results/common-ground").get_data(as_text=True)
    chart = first_chart(html)
    assert 'direction="rtl"' in chart
    # 0% at the right end of the track (560 - 190), 100% at its left end (560 - 540).
    assert '<line x1="370.0" y1="2" x2="370.0"' in chart
    assert '<line x1="20.0" y1="2" x2="20.0"' in chart
    assert re.search(r'<text x="378.0" y="\d+" text-anchor="end"[^>]*class="label">\u2068', chart)
    assert '<th scope="row"><bdi>' in html
