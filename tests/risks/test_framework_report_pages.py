"""The report by framework's page: every member reads it (risks as the register allows), the
framework chosen or the first with tags, narrowed to a partner, every reference on demand; an
unknown framework says so and lists the frameworks; Arabic renders right to left; and the
number of queries does not grow with the number of risks, actions and indicators (the page
lists ten of each under a reference: test_framework_report_cap)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from hsbp.monitoring.models import Measurement
from hsbp.risks.models import LinkKind, Risk, RiskConnection, RiskLink
from tests.risks import framework_rows as rows
from tests.risks.test_framework_report import tagged  # noqa: F401  (a fixture)


def page(partnership, query="") -> str:
    return f"/p/{partnership.id}/frameworks{query}"


def test_the_page_shows_each_reference_with_what_was_done(
    client,
    login,
    partnership,
    facilitator,
    tagged,  # noqa: F811
):
    login(facilitator)
    answer = client.get(page(partnership, "?framework=ifc"))
    assert answer.status_code == 200
    body = answer.get_data(True)
    assert "Community Health, Safety, and Security" in body or "PS4" in body
    assert "Clean water" in body
    assert f'href="/p/{partnership.id}/actions/{tagged["action"].id}"' in body
    assert f'href="/p/{partnership.id}/risks/{tagged["r1"].id}"' in body
    assert f'href="/p/{partnership.id}/monitoring/{tagged["indicator"].id}"' in body
    assert "Grievances linked to these risks: 2" in body
    assert "Grievances received: <bdi>3</bdi>" in body
    assert "Median days to close: <bdi>7</bdi>" in body
    # Only the references with something, unless asked for all of them.
    assert "PS8" not in body
    body = client.get(page(partnership, "?framework=ifc&everything=y")).get_data(True)
    assert "PS8" in body and "Nothing tagged yet." in body
    assert "/frameworks/report.pdf?framework=ifc&amp;everything=y" in body


def test_without_a_choice_the_first_framework_with_tags_is_shown(
    client,
    login,
    partnership,
    observer,
    tagged,  # noqa: F811
):
    login(observer)
    body = client.get(page(partnership)).get_data(True)
    assert '<option selected value="ungp">' in body
    # An observer reads the report, without the risks the register keeps from it.
    assert "Desalojo de familias" not in body and "Contaminación del río" not in body
    assert "Planta de tratamiento" in body


def test_a_representative_does_not_see_a_risk_it_may_not_read(
    client,
    login,
    partnership,
    company_rep,
    tagged,  # noqa: F811
):
    login(company_rep)
    body = client.get(page(partnership, "?framework=ifc")).get_data(True)
    assert "Contaminación del río" in body and "Desalojo de familias" not in body


def test_narrowed_to_a_partner(client, login, partnership, municipality, facilitator, tagged):  # noqa: F811
    login(facilitator)
    body = client.get(page(partnership, f"?framework=ifc&partner={municipality.id}")).get_data(True)
    assert "Desalojo de familias" in body and "Planta de tratamiento" not in body
    # A partner of no one's (or another partnership's) is no filter.
    body = client.get(page(partnership, "?framework=ifc&partner=999999")).get_data(True)
    assert "Planta de tratamiento" in body


@pytest.mark.parametrize("key", ["iso9001", "IFC", "x" * 300, "ifc:PS4"])
def test_an_unknown_framework_says_so_and_lists_the_frameworks(
    client, login, partnership, facilitator, key
):
    login(facilitator)
    answer = client.get(page(partnership), query_string={"framework": key})
    assert answer.status_code == 404
    body = answer.get_data(True)
    assert f"There is no framework “{key[:40]}”" in body
    assert f'href="/p/{partnership.id}/frameworks?framework=vpshr"' in body
    export = client.get(
        f"/p/{partnership.id}/frameworks/report.xlsx", query_string={"framework": key}
    )
    assert export.status_code == 404


def test_other_partnerships_members_get_nothing(client, login, partnership, outsider):
    login(outsider)
    assert client.get(page(partnership, "?framework=ifc")).status_code == 404


def test_the_page_renders_in_arabic(
    session,
    make,
    client,
    login,
    partnership,
    tagged,  # noqa: F811
):
    reader = make.member(partnership, user=make.user(name="Amal", locale="ar"))
    login(reader)
    answer = client.get(page(partnership, "?framework=ifc"))
    assert answer.status_code == 200
    body = answer.get_data(True)
    assert 'dir="rtl"' in body and 'lang="ar"' in body
    assert "معايير أداء مؤسسة التمويل الدولية" in body or "مؤسسة التمويل الدولية" in body


def add_many(session, partnership, company, municipality, start: int, count: int) -> None:
    """`count` risks tagged under IFC PS4 and UNGP 13, each with two connections and a
    grievance linked; an action and an indicator with a value for every tenth."""
    risks = [
        Risk(
            partnership_id=partnership.id,
            number=start + n,
            title={"es": f"Riesgo {start + n}"},
            salience=83,
            scale=3,
            scope=2,
            irremediability=3,
            likelihood=3,
        )
        for n in range(count)
    ]
    session.add_all(risks)
    session.flush()
    grievance = rows.grievance(session, partnership, f"Q-{start}")
    for risk in risks:
        session.add_all(
            [
                RiskConnection(
                    partnership_id=partnership.id,
                    risk_id=risk.id,
                    partner_id=partner.id,
                    connection=connection,
                    reasoning="Razón.",
                )
                for partner, connection in ((company, "contributes"), (municipality, "linked"))
            ]
        )
        session.add(
            RiskLink(
                partnership_id=partnership.id,
                risk_id=risk.id,
                kind=LinkKind.GRIEVANCE,
                target_id=grievance.id,
            )
        )
        rows.tag(session, partnership, "risk", risk.id, "ifc:PS4", "ungp:13")
    for n in range(count // 10):
        action = rows.action(session, partnership, company, title=f"Acción {start + n}")
        rows.tag(session, partnership, "action", action.id, "ifc:PS4")
        indicator = rows.indicator(session, partnership, name=f"Indicador {start + n}")
        session.add(
            Measurement(
                partnership_id=partnership.id,
                indicator_id=indicator.id,
                period_on=date(2026, 3, 31),
                value=Decimal(150),
            )
        )
        rows.tag(session, partnership, "indicator", indicator.id, "ifc:PS4")
    session.flush()


def test_the_number_of_queries_does_not_grow_with_the_rows(
    session, client, login, partnership, company, municipality, company_rep, count_queries
):
    rows.charter(session, partnership)
    rows.tag(session, partnership, "goal", rows.WATER, "ifc:PS4")
    login(company_rep)
    counts = []
    for start, count in ((1, 50), (51, 450)):
        add_many(session, partnership, company, municipality, start, count)
        for query in ("?framework=ifc", "?framework=ungp&everything=y"):
            with count_queries() as counted:
                answer = client.get(page(partnership, query))
            assert answer.status_code == 200
            counts.append(counted["n"])
    body = answer.get_data(True)
    # The page lists the ten most salient of UNGP 13's 500 risks (test_framework_report_cap).
    assert body.count("Riesgo ") == 10 and "…and 490 more risks" in body
    assert counts[:2] == counts[2:], counts
