""" "Needs me": one page per person across their partnerships, most urgent first, each item
a sentence linking to where to act; an empty state; signed-in only; flat query counts."""

from datetime import timedelta

import pytest

from hsbp.db import utcnow
from hsbp.security import Role


@pytest.fixture(autouse=True)
def real_time(things):
    things.now = utcnow()


def test_needs_me_lists_every_item_by_partnership_overdue_first(
    client, login, make, partnership, company, rep, things
):
    things.action(partnership, company, title="A well")
    things.action(
        partnership, company, due=utcnow().date() - timedelta(days=30), title="An old road"
    )
    other = make.partnership(name="Putumayo")
    partner = make.partner(other, name="Cabildo")
    make.member(other, Role.REPRESENTATIVE, user=rep, partner=partner)
    things.proposal(other, number=2)

    page = login(rep).get("/needs-me")

    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Waiting for you: <bdi>3</bdi>, of which overdue: <bdi>1</bdi>." in html
    # Caguán holds the overdue action: it comes first.
    assert html.index("Caguán") < html.index("Putumayo")
    assert html.index("An old road") < html.index("A well")
    assert "Version 2 of the charter awaits the answer of Cabildo" in html
    assert f'href="/p/{other.id}/charter"' in html
    assert '<span class="flag">Overdue</span>' in html
    assert 'href="/needs-me" aria-current="page"' in html


def test_needs_me_says_when_nothing_waits(client, login, rep):
    html = login(rep).get("/needs-me").get_data(as_text=True)
    assert "Nothing waits for you right now." in html
    assert "Waiting for you" not in html


def test_needs_me_asks_visitors_to_sign_in(client):
    page = client.get("/needs-me")
    assert page.status_code == 302
    assert "/login" in page.headers["Location"]


def test_needs_me_runs_as_many_statements_for_ten_partnerships_as_for_two(
    client, login, make, count_queries, rep, things
):
    login(rep)

    def add(n):
        for i in range(n):
            partnership = make.partnership(name=f"Place {i}")
            partner = make.partner(partnership)
            make.member(partnership, Role.REPRESENTATIVE, user=rep, partner=partner)
            things.proposal(partnership)
            things.action(partnership, partner)
            things.consultation(partnership)
            things.pulse(partnership)

    def statements():
        with count_queries() as counter:
            page = client.get("/needs-me")
        assert page.status_code == 200
        return counter["n"], page.get_data(as_text=True).count('class="card"')

    add(2)
    few, cards_few = statements()
    add(8)
    many, cards_many = statements()
    assert (cards_few, cards_many) == (8, 40)
    assert many == few


def test_a_partnership_with_many_items_shows_the_most_urgent_and_links_to_the_rest(
    client, login, partnership, company, rep, things
):
    today = utcnow().date()
    for n in range(60):
        things.action(partnership, company, due=today - timedelta(days=60 - n), title=f"T{n:02d}")
    login(rep)

    html = client.get("/needs-me").get_data(as_text=True)
    assert html.count('class="card"') == 5
    assert "“T00”" in html and "“T05”" not in html
    assert "See <bdi>55</bdi> more in <bdi>Caguán</bdi>" in html
    assert f'href="/needs-me?p={partnership.id}"' in html

    first = client.get(f"/needs-me?p={partnership.id}").get_data(as_text=True)
    assert first.count('class="card"') == 50
    second = client.get(f"/needs-me?p={partnership.id}&page=2").get_data(as_text=True)
    assert second.count('class="card"') == 10
    assert "“T59”" in second and "“T00”" not in second


def test_another_partnership_or_junk_in_the_address_is_a_404(client, login, make, rep):
    other = make.partnership(name="Elsewhere")
    login(rep)
    for query in (f"p={other.id}", "p=0", "p=abc", "p=99999999999999", "p="):
        assert client.get(f"/needs-me?{query}").status_code == 404, query
    assert client.get("/needs-me?page=abc").status_code == 200
