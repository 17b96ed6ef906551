"""Partnership-health pulses: small constituencies pooled (and a pool too small withheld),
a second answer and an outsider refused with nothing written, gaps largest first, and the
pages through HTTP."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from hsbp.errors import ServiceError
from hsbp.monitoring import pulses
from hsbp.monitoring.pulse_models import DIMENSIONS, PulseComment, PulseResponse, PulseScore
from hsbp.security import Role


@pytest.fixture
def pulse_round(session, partnership, facilitator):
    return pulses.open_round(
        session,
        actor=facilitator,
        partnership=partnership,
        fields={
            "title": {"es": "Pulso 1", "en": "Pulse 1"},
            "closes_at": datetime.now(UTC) + timedelta(days=7),
        },
    )


@pytest.fixture
def people(make, partnership):
    """`people(sector, n)`: n representatives of one new partner of that sector."""

    def build(sector: str, n: int):
        partner = make.partner(partnership, sector=sector)
        return [make.member(partnership, Role.REPRESENTATIVE, partner=partner) for _ in range(n)]

    return build


def scores(base: int, **overrides) -> dict:
    return {**{d: str(base) for d in DIMENSIONS}, **{k: str(v) for k, v in overrides.items()}}


def answer_all(session, pulse_round, members, base, trust=None, comment=""):
    for index, member in enumerate(members):
        extra = {"mutual_trust": trust[index]} if trust else {}
        pulses.record_scores(session, pulse_round, member, scores(base, **extra), comment)


@pytest.fixture
def answered(session, pulse_round, people):
    """Company 5 (all 4, mutual trust 5), community groups 5 (all 3, mutual trust 2,2,2,1,3),
    civil society 3 (all 2) and academia 2 (all 5): the last two pooled, 5 in all."""
    answer_all(session, pulse_round, people("company", 5), 4, trust=[5] * 5)
    answer_all(session, pulse_round, people("community_group", 5), 3, trust=[2, 2, 2, 1, 3])
    answer_all(session, pulse_round, people("civil_society", 3), 2, comment="Nos escuchan poco")
    answer_all(session, pulse_round, people("academic", 2), 5)
    return pulse_round


def test_results_pool_constituencies_below_five(session, answered):
    found = pulses.results(session, answered)

    by_name = {g.constituency: g for g in found.groups}
    assert list(by_name) == ["community_group", "company", "pooled"]
    assert by_name["pooled"].members == ("academic", "civil_society")
    assert by_name["pooled"].respondents == 5
    # (3 * 2 + 2 * 5) / 5
    assert by_name["pooled"].means["equity"] == Decimal("3.2")
    assert by_name["company"].means["mutual_trust"] == Decimal("5.0")
    assert by_name["community_group"].means["mutual_trust"] == Decimal("2.0")
    assert by_name["community_group"].means["equity"] == Decimal("3.0")
    assert by_name["pooled"].comments == ["Nos escuchan poco"] * 3
    assert found.respondents == 15
    assert found.withheld == 0


def test_results_withhold_a_pool_below_five(session, pulse_round, people):
    answer_all(session, pulse_round, people("company", 5), 4)
    answer_all(session, pulse_round, people("civil_society", 3), 2, comment="Solo nosotros")

    found = pulses.results(session, pulse_round)

    assert [g.constituency for g in found.groups] == ["company"]
    assert found.withheld == 3
    assert found.respondents == 8
    assert found.gaps == []
    assert found.groups[0].comments == []


def test_gaps_are_largest_first(session, answered):
    gaps = pulses.results(session, answered).gaps

    first = gaps[0]
    assert (first.dimension, first.high.constituency, first.low.constituency) == (
        "mutual_trust",
        "company",
        "community_group",
    )
    assert first.difference == Decimal("3.0")
    assert first.wide
    # Elsewhere company 4, community groups 3, the pool 3.2: a gap of 1.
    assert [(g.dimension, g.difference) for g in gaps[1:]] == [
        (d, Decimal("1.0")) for d in DIMENSIONS if d != "mutual_trust"
    ]


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def test_a_second_answer_in_a_round_is_refused(session, pulse_round, people):
    (member,) = people("company", 1)
    pulses.record_scores(session, pulse_round, member, scores(4), "Bien")

    with pytest.raises(ServiceError, match="already answered"):
        pulses.record_scores(session, pulse_round, member, scores(1), "Otra vez")

    assert (count(session, PulseResponse), count(session, PulseScore)) == (1, 8)
    assert count(session, PulseComment) == 1


@pytest.mark.parametrize("role", [Role.OBSERVER, Role.FACILITATOR])
def test_a_member_outside_every_constituency_is_refused(
    session, make, partnership, pulse_round, role
):
    outsider = make.member(partnership, role)

    with pytest.raises(ServiceError, match="no constituency"):
        pulses.record_scores(session, pulse_round, outsider, scores(3))

    assert count(session, PulseScore) == 0


def test_a_score_out_of_scale_is_refused_with_its_field(session, pulse_round, people):
    (member,) = people("company", 1)

    with pytest.raises(ServiceError) as caught:
        pulses.record_scores(session, pulse_round, member, scores(3, equity=6))

    assert caught.value.field == "equity"
    assert count(session, PulseResponse) == 0


def test_a_closed_round_refuses_answers(session, pulse_round, people):
    (member,) = people("company", 1)
    pulses.close_round(session, pulse_round)

    with pytest.raises(ServiceError, match="closed"):
        pulses.record_scores(session, pulse_round, member, scores(3))


def test_trends_give_each_round_its_largest_gap(session, answered, partnership):
    (point,) = pulses.trends(session, partnership_id=partnership.id)

    assert point.largest_gap.dimension == "mutual_trust"
    # Everyone once: (5 * 5 + 5 * 2 + 3 * 2 + 2 * 5) / 15 = 51 / 15
    assert point.overall["mutual_trust"] == Decimal("3.4")


# Pages


def url(pulse_round, page=""):
    return f"/p/{pulse_round.partnership_id}/pulses/{pulse_round.id}{page}"


def test_answer_form_records_scores(session, client, login, pulse_round, people):
    (member,) = people("company", 1)
    login(member)
    assert client.get(url(pulse_round, "/answer")).status_code == 200

    response = client.post(url(pulse_round, "/answer"), data={**scores(4), "comment": "Vamos"})

    assert response.status_code == 302
    assert count(session, PulseScore) == 8
    again = client.post(url(pulse_round, "/answer"), data=scores(2))
    assert again.status_code == 422
    assert "already answered this round" in again.get_data(as_text=True)
    assert count(session, PulseScore) == 8


def test_answer_form_without_a_score_rerenders(session, client, login, pulse_round, people):
    (member,) = people("company", 1)
    login(member)

    response = client.post(url(pulse_round, "/answer"), data={"trust": "3"})

    assert response.status_code == 422
    assert count(session, PulseResponse) == 0


def test_results_page_shows_the_table_chart_and_gap(session, client, login, answered, people):
    (reader,) = people("company", 1)
    login(reader)

    html = client.get(url(answered, "/results")).get_data(as_text=True)

    assert "Other constituencies (pooled)" in html
    assert "15 people answered." in html
    assert "fewer than 5 respondents are pooled" in html
    assert "5 respondents</span>" in html
    assert "<figcaption>Trust between partners</figcaption>" in html
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in html
    assert "<strong>3.0</strong>" in html
    assert "Academic" not in html.split("<table>")[1]


def test_pulse_pages_are_404_for_non_members(session, client, login, make, answered):
    login(make.user())

    for page in ("/answer", "/results"):
        assert client.get(url(answered, page)).status_code == 404
    assert client.get(f"/p/{answered.partnership_id}/pulses").status_code == 404


def test_facilitator_opens_a_round(session, client, login, partnership, facilitator):
    login(facilitator)
    closes = (datetime.now(UTC) + timedelta(days=10)).date().isoformat()

    refused = client.post(f"/p/{partnership.id}/pulses", data={"closes_on": closes})
    opened = client.post(
        f"/p/{partnership.id}/pulses", data={"title_es": "Pulso de marzo", "closes_on": closes}
    )

    assert refused.status_code == 422
    assert opened.status_code == 302
    assert "Pulso de marzo" in client.get(f"/p/{partnership.id}/pulses").get_data(as_text=True)


def test_round_list_queries_do_not_grow_with_rounds(
    session, client, login, partnership, facilitator, count_queries
):
    login(facilitator)
    later = datetime.now(UTC) + timedelta(days=3)
    fields = {"title": {"es": "Pulso"}, "closes_at": later}
    pulses.open_round(session, actor=facilitator, partnership=partnership, fields=fields)
    session.commit()
    client.get(f"/p/{partnership.id}/pulses")
    with count_queries() as one:
        client.get(f"/p/{partnership.id}/pulses")
    for _ in range(4):
        pulses.open_round(session, actor=facilitator, partnership=partnership, fields=fields)
    session.commit()
    with count_queries() as five:
        html = client.get(f"/p/{partnership.id}/pulses").get_data(as_text=True)

    assert html.count("Close the round") == 5
    assert five["n"] == one["n"]


def test_who_answered_and_what_is_dated_by_the_day_only(session, answered):
    today = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    session.expire_all()
    for model in (PulseResponse, PulseScore, PulseComment):
        assert set(session.scalars(select(model.created_at))) == {today}
    assert set(session.scalars(select(PulseScore.partner_id))) == {None}


def test_scores_and_comments_do_not_follow_the_order_of_the_respondents(
    session, pulse_round, people
):
    members = people("company", 10)
    for n, member in enumerate(members):
        given = scores(3, equity=n % 5 + 1)
        pulses.record_scores(session, pulse_round, member, given, comment=f"Comentario {n}")
    session.expire_all()
    in_row_order = list(
        session.scalars(
            select(PulseScore.score).where(PulseScore.dimension == "equity").order_by(PulseScore.id)
        )
    )
    answered_order = [n % 5 + 1 for n in range(10)]
    # Every value kept (the figures are the same), in an order that is not the respondents'
    # (the chance that ten values keep their order by luck is one in 3.6 million).
    assert sorted(in_row_order) == sorted(answered_order)
    assert in_row_order != answered_order
    found = pulses.results(session, pulse_round)
    (company,) = found.groups
    assert company.means["equity"] == Decimal("3.0")
    written = [f"Comentario {n}" for n in range(10)]
    assert sorted(company.comments) == sorted(written)
    assert company.comments != written
