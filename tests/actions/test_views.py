"""The checklist's pages over HTTP: the list and its filters, adding and editing an action
(refusals re-render with the message and what was typed), the charter's rule, reporting
progress into the history, what observers and strangers see, and CSRF."""

import re
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from hsbp.actions.models import Action, ActionUpdate
from hsbp.security import Role
from tests.actions.conftest import GOAL
from tests.test_pages import page_weight

PAST, FUTURE = date(2020, 1, 15), date(2099, 6, 30)


def base(partnership) -> str:
    return f"/p/{partnership.id}/actions"


def listed(page: str) -> list[str]:
    """The titles of the checklist's rows, in order."""
    body = page.split("<tbody>", 1)[1] if "<tbody>" in page else ""
    return re.findall(r'<td[^>]*><a href="/p/\d+/actions/\d+">([^<]+)</a></td>', body)


def titled(title: str) -> dict:
    return {"title": {"es": title}}


def form_data(lead, **overrides) -> dict:
    data = {
        "title-es": "Pozo para la vereda",
        "title-en": "A well for the village",
        "description-es": "Perforar y equipar un pozo.",
        "goal_key": "",
        "lead_partner_id": str(lead.id),
        "start_on": "2026-03-01",
        "due_on": "2026-09-30",
        "status": "planned",
        "status_reason": "",
        "progress": "0",
        "principles": ["inclusive", "trust"],
        "sdg_targets": ["6.1"],
        "budget": "",
        "budget_currency": "",
        "comment": "",
    }
    data.update(overrides)
    return data


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


# The list ------------------------------------------------------------------------------------


def test_checklist_filters_by_partner_status_principle_goal_and_overdue(
    client, login, partnership, add_action, company, council, ngo, observer, charter
):
    add_action(
        company,
        **titled("Late well"),
        start_on=None,
        due_on=PAST,
        status="in_progress",
        progress=30,
        supporter_ids=[council.id],
        goal_key=GOAL,
    )
    add_action(council, **titled("Finished road"), start_on=None, due_on=PAST, status="done")
    add_action(ngo, **titled("School fair"), due_on=FUTURE, principles=["trust"])
    add_action(council, **titled("Open budget"), due_on=None, supporter_ids=[company.id])
    login(observer)
    url = base(partnership)

    everything = client.get(url).get_data(as_text=True)
    assert listed(everything) == ["Late well", "Finished road", "School fair", "Open budget"]
    assert listed(client.get(f"{url}?partner={company.id}").get_data(as_text=True)) == [
        "Late well",
        "Open budget",
    ]
    assert listed(client.get(f"{url}?status=done").get_data(as_text=True)) == ["Finished road"]
    assert listed(client.get(f"{url}?principle=trust").get_data(as_text=True)) == ["School fair"]
    assert listed(client.get(f"{url}?goal={GOAL}").get_data(as_text=True)) == ["Late well"]
    overdue = client.get(f"{url}?overdue=y").get_data(as_text=True)
    assert listed(overdue) == ["Late well"]
    assert overdue.count('class="flag"') == 1
    # A value nobody offered filters nothing rather than failing.
    assert len(listed(client.get(f"{url}?status=finished&partner=x").get_data(as_text=True))) == 4


def test_checklist_row_shows_owners_status_and_progress(
    client, login, partnership, add_action, company, council, ngo, facilitator
):
    add_action(
        company,
        **titled("Late well"),
        start_on=None,
        due_on=PAST,
        status="in_progress",
        progress=30,
        supporter_ids=[ngo.id, council.id],
    )
    login(facilitator)
    page = client.get(base(partnership)).get_data(as_text=True)
    row = page.split("<tbody>", 1)[1].split("</tr>", 1)[0]
    cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row)]
    assert cells == [
        "Late well",
        "Palmas del Caguán",
        "Alcaldía, Asocomunal",
        "Jan 15, 2020 overdue",
        "In progress",
        "30%",
    ]
    assert '<progress max="100" value="30" aria-hidden="true"></progress>' in row
    assert f'href="{base(partnership)}/new"' in page
    for report in ("timeline", "print", "export.csv", "export.xlsx", "settings"):
        assert f'href="{base(partnership)}/{report}"' in page


def test_checklist_in_the_readers_language_falls_back_to_the_default(
    client, login, session, partnership, add_action, company, facilitator
):
    add_action(company, title={"es": "Pozo", "en": "Well"})
    add_action(company, title={"es": "Solo en español"})
    facilitator.locale = "es"
    login(facilitator)
    page = client.get(base(partnership)).get_data(as_text=True)
    assert listed(page) == ["Pozo", "Solo en español"]


def test_checklist_queries_do_not_grow_with_actions(
    client, login, partnership, add_action, company, council, ngo, facilitator, count_queries
):
    add_action(company, supporter_ids=[council.id])
    login(facilitator)
    with count_queries() as few:
        assert client.get(base(partnership)).status_code == 200
    for n in range(12):
        add_action([company, council, ngo][n % 3], supporter_ids=[council.id, ngo.id])
    with count_queries() as many:
        page = client.get(base(partnership)).get_data(as_text=True)
    assert len(listed(page)) == 13
    assert many["n"] == few["n"]


def test_observers_see_the_list_without_the_add_link(
    client, login, partnership, add_action, company, observer
):
    add_action(company)
    login(observer)
    page = client.get(base(partnership)).get_data(as_text=True)
    assert listed(page) == ["A well for the village"]
    assert f"{base(partnership)}/new" not in page
    assert client.get(f"{base(partnership)}/new").status_code == 404


# Adding and editing ------------------------------------------------------------------------


def test_a_representative_adds_an_action_led_by_their_partner(
    client, login, session, partnership, company, council, company_rep, council_rep, charter
):
    login(company_rep)
    form = client.get(f"{base(partnership)}/new").get_data(as_text=True)
    # Only their own partner may lead; it is chosen already.
    leads = re.search(r'<select id="lead_partner_id".*?</select>', form, re.S).group(0)
    assert re.findall(r'<option[^>]*value="(\d+)"', leads) == [str(company.id)]
    assert re.search(rf'selected[^>]*value="{company.id}"|value="{company.id}"[^>]*selected', leads)
    answer = client.post(
        f"{base(partnership)}/new",
        data=form_data(
            company,
            goal_key=GOAL,
            supporter_ids=[str(council.id)],
            responsible_ids=[str(company_rep.id), str(council_rep.id)],
            sdg_targets=["6.b", "6.1"],
            budget="1500000.50",
            budget_currency="COP",
            **{
                "contributions-0-partner_id": str(council.id),
                "contributions-0-kind": "in_kind",
                "contributions-0-description": "Maquinaria",
                "contributions-1-partner_id": str(company.id),
                "contributions-1-kind": "cash",
                "contributions-1-amount": "250000",
                "contributions-1-currency": "COP",
            },
            comment="Acordado en la mesa",
        ),
    )
    action = session.scalars(select(Action)).one()
    assert answer.status_code == 302
    assert answer.headers["Location"] == f"{base(partnership)}/{action.id}"
    assert action.title == {"es": "Pozo para la vereda", "en": "A well for the village"}
    assert (action.lead_partner_id, [p.id for p in action.supporters]) == (company.id, [council.id])
    assert sorted(u.id for u in action.responsibles) == sorted([company_rep.id, council_rep.id])
    assert (action.start_on, action.due_on) == (date(2026, 3, 1), date(2026, 9, 30))
    assert (action.goal_key, action.principles, action.sdg_targets) == (
        GOAL,
        ["inclusive", "trust"],
        ["6.1", "6.b"],
    )
    assert (action.budget, action.currency) == (Decimal("1500000.50"), "COP")
    assert [(c.partner_id, c.kind, c.amount, c.description) for c in action.contributions] == [
        (council.id, "in_kind", None, "Maquinaria"),
        (company.id, "cash", Decimal("250000.00"), ""),
    ]
    assert [u.comment for u in action.updates] == ["Acordado en la mesa"]


def test_a_bad_date_is_refused_with_the_message_and_the_typed_values_kept(
    client, login, session, partnership, company, council, facilitator
):
    login(facilitator)
    answer = client.post(
        f"{base(partnership)}/new",
        data=form_data(
            company,
            due_on="2026-02-01",
            supporter_ids=[str(council.id)],
            budget="900",
            budget_currency="USD",
            comment="Primera versión",
        ),
    )
    page = answer.get_data(as_text=True)
    assert answer.status_code == 422
    due = page.split('id="due_on"', 1)[1].split("</div>", 1)[0]
    assert "The due date cannot be before the start date." in due
    assert 'value="2026-02-01"' in page
    assert 'value="A well for the village"' in page
    assert "Perforar y equipar un pozo." in page
    assert 'value="900"' in page
    assert re.search(r'value="USD"[^>]*selected|selected[^>]*value="USD"', page)
    assert re.search(rf'checked[^>]*value="{council.id}"|value="{council.id}"[^>]*checked', page)
    assert "Primera versión" in page
    assert count(session, Action) == 0


@pytest.mark.parametrize(
    ("amount", "currency", "field", "message"),
    [
        ("12.345", "COP", "amount", "Write the amount with at most two decimals."),
        ("5000", "", "currency", "Choose the currency."),
    ],
)
def test_a_bad_contribution_is_shown_beside_its_row(
    client, login, session, partnership, company, facilitator, amount, currency, field, message
):
    login(facilitator)
    answer = client.post(
        f"{base(partnership)}/new",
        data=form_data(
            company,
            **{
                # An empty row, as a browser sends it, before the one at fault.
                "contributions-0-partner_id": "",
                "contributions-0-kind": "cash",
                "contributions-0-amount": "",
                "contributions-0-currency": "",
                "contributions-1-partner_id": str(company.id),
                "contributions-1-amount": amount,
                "contributions-1-currency": currency,
            },
        ),
    )
    page = answer.get_data(as_text=True)
    assert answer.status_code == 422
    assert f'<p class="error" id="contributions-1-{field}-error">{message}</p>' in page
    assert f'value="{amount}"' in page
    assert count(session, Action) == 0


def test_progress_over_100_is_refused_beside_the_field(
    client, login, session, partnership, company, facilitator
):
    login(facilitator)
    answer = client.post(f"{base(partnership)}/new", data=form_data(company, progress="150"))
    page = answer.get_data(as_text=True)
    assert answer.status_code == 422
    assert (
        '<p class="error" id="progress-error">Progress is a percentage from 0 to 100.</p>' in page
    )
    assert 'value="150"' in page
    assert count(session, Action) == 0


def test_the_facilitator_edits_an_action_and_the_change_is_in_its_history(
    client, login, session, partnership, add_action, company, council, facilitator
):
    action = add_action(company)
    login(facilitator)
    url = f"{base(partnership)}/{action.id}/edit"
    form = client.get(url).get_data(as_text=True)
    assert 'value="Pozo para la vereda"' in form
    assert 'name="sdg_targets" value="6.1" checked' in form
    answer = client.post(
        url,
        data=form_data(
            council,
            **{"title-es": "Pozo profundo"},
            status="in_progress",
            progress="25",
            comment="La alcaldía toma la obra",
        ),
    )
    assert answer.status_code == 302
    session.refresh(action)
    assert (action.title["es"], action.lead_partner_id, action.status, action.progress) == (
        "Pozo profundo",
        council.id,
        "in_progress",
        25,
    )
    latest = action.updates[0]
    assert (latest.status_from, latest.status_to, latest.progress_from, latest.progress_to) == (
        "planned",
        "in_progress",
        0,
        25,
    )
    assert latest.comment == "La alcaldía toma la obra"


def test_a_dependency_loop_is_refused_on_the_form(
    client, login, session, partnership, add_action, company, facilitator
):
    first = add_action(company, **titled("Primera"))
    second = add_action(company, **titled("<b>Segunda</b>"), depends_on_ids=[first.id])
    login(facilitator)
    answer = client.post(
        f"{base(partnership)}/{first.id}/edit",
        data=form_data(company, **{"title-es": "Primera"}, depends_on_ids=[str(second.id)]),
    )
    assert answer.status_code == 422
    # The title quoted in the message is escaped like any text typed by a member.
    assert "“&lt;b&gt;Segunda&lt;/b&gt;” already waits for this action" in answer.get_data(
        as_text=True
    )
    session.refresh(first)
    assert first.depends_on == []


def test_a_representative_of_another_partner_gets_the_charter_message_and_nothing_changes(
    client, login, session, partnership, add_action, company, council, council_rep
):
    action = add_action(company, supporter_ids=[council.id])
    login(council_rep)
    message = (
        "The charter lets only the lead partner&#39;s representatives change this action; "
        "supporting partners can report progress."
    )
    url = f"{base(partnership)}/{action.id}/edit"
    shown = client.get(url)
    assert shown.status_code == 403
    assert message in shown.get_data(as_text=True)
    assert '<form method="post" novalidate>' not in shown.get_data(as_text=True)
    answer = client.post(url, data=form_data(company, **{"title-es": "Cambiado"}, progress="90"))
    assert answer.status_code == 422
    assert message in answer.get_data(as_text=True)
    session.refresh(action)
    assert (action.title["es"], action.progress, len(action.updates)) == (
        "Pozo para la vereda",
        0,
        1,
    )


def test_a_representative_cannot_hand_the_lead_to_another_partner(
    client, login, session, partnership, add_action, company, council, company_rep
):
    action = add_action(company)
    login(company_rep)
    answer = client.post(
        f"{base(partnership)}/{action.id}/edit", data=form_data(council, progress="10")
    )
    page = answer.get_data(as_text=True)
    assert answer.status_code == 422
    assert (
        '<p class="error" id="lead_partner_id-error">Only a facilitator can hand the lead to '
        "another partner.</p>" in page
    )
    session.refresh(action)
    assert (action.lead_partner_id, action.progress) == (company.id, 0)


# An action's page and its progress -----------------------------------------------------------


def test_the_action_page_shows_owners_targets_money_and_dependencies(
    client, login, session, partnership, add_action, company, council, company_rep, observer
):
    first = add_action(company, **titled("Primera"), status="done")
    action = add_action(
        company,
        supporter_ids=[council.id],
        responsible_ids=[company_rep.id],
        sdg_targets=["6.1"],
        budget="1500000.50",
        currency="USD",
        contributions=[
            {"partner_id": council.id, "kind": "cash", "amount": "200", "currency": "USD"}
        ],
        depends_on_ids=[first.id],
    )
    later = add_action(council, **titled("Tercera"), depends_on_ids=[action.id])
    login(observer)
    page = client.get(f"{base(partnership)}/{action.id}").get_data(as_text=True)
    # The description exists in Spanish only: shown in it, marked as such for an English reader.
    assert re.search(
        r'<div lang="es">\s*<p>Perforar y equipar un pozo\. <small class="tag">\(Español\)</small>',
        page,
    )
    assert "<dd>Palmas del Caguán</dd>" in page
    assert "<dd>Alcaldía</dd>" in page
    assert "<dd>Carlos</dd>" in page
    assert "<dd>$1,500,000.50</dd>" in page
    assert "<td>$200.00</td>" in page
    assert re.search(r"<li>6\.1 \S", page)
    assert (
        f'href="{base(partnership)}/{first.id}">Primera</a> <span class="tag">Done</span>' in page
    )
    assert (
        f'href="{base(partnership)}/{later.id}">Tercera</a> <span class="tag">Planned</span>'
        in page
    )


def test_a_progress_report_appears_in_the_history(
    client, login, session, partnership, add_action, company, council, council_rep
):
    action = add_action(company, supporter_ids=[council.id])
    login(council_rep)  # a supporting partner reports, though it may not edit
    url = f"{base(partnership)}/{action.id}"
    page = client.get(url).get_data(as_text=True)
    assert f'action="{url}/progress"' in page
    assert f"{url}/edit" not in page
    answer = client.post(
        f"{url}/progress",
        data={"status": "in_progress", "progress": "40", "comment": "Perforación empezó"},
    )
    assert answer.status_code == 302
    assert answer.headers["Location"] == url
    page = client.get(url).get_data(as_text=True)
    history = page.split("History of the action", 1)[1]
    row = history.split("<tbody>", 1)[1].split("</tr>", 1)[0]
    cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row)]
    assert cells[1:] == ["Lucía", "Planned → In progress", "0% → 40%", "Perforación empezó"]
    session.refresh(action)
    assert (action.status, action.progress) == ("in_progress", 40)


def test_a_refused_progress_report_says_why_and_changes_nothing(
    client, login, session, partnership, add_action, company, company_rep
):
    action = add_action(company)
    login(company_rep)
    url = f"{base(partnership)}/{action.id}/progress"
    answer = client.post(url, data={"status": "blocked", "progress": "20", "comment": "Lluvias"})
    page = answer.get_data(as_text=True)
    assert answer.status_code == 422
    assert (
        '<p class="error" id="status_reason-error">Say why the action is blocked or dropped.</p>'
        in page
    )
    assert "Lluvias" in page
    session.refresh(action)
    assert (action.status, action.progress, len(action.updates)) == ("planned", 0, 1)


def test_a_representative_of_an_unrelated_partner_may_not_report(
    client, login, session, partnership, add_action, company, ngo_rep
):
    action = add_action(company)
    login(ngo_rep)
    url = f"{base(partnership)}/{action.id}"
    assert f"{url}/progress" not in client.get(url).get_data(as_text=True)
    answer = client.post(f"{url}/progress", data={"status": "done", "progress": "100"})
    assert answer.status_code == 422
    assert "The charter lets only the lead partner" in answer.get_data(as_text=True)
    session.refresh(action)
    assert action.status == "planned"


def test_observers_see_no_forms(client, login, partnership, add_action, company, observer):
    action = add_action(company)
    login(observer)
    url = f"{base(partnership)}/{action.id}"
    page = client.get(url).get_data(as_text=True)
    main = page.split('<main id="main"', 1)[1]
    assert "<form" not in main
    assert f"{url}/edit" not in page
    assert client.post(f"{url}/progress", data={"status": "done"}).status_code == 404
    assert client.get(f"{url}/edit").status_code == 404


def test_members_of_another_partnership_get_404(
    client, login, make, partnership, add_action, company
):
    action = add_action(company)
    outsider = make.member(make.partnership(), Role.FACILITATOR)
    login(outsider)
    for url in (
        base(partnership),
        f"{base(partnership)}/new",
        f"{base(partnership)}/{action.id}",
        f"{base(partnership)}/{action.id}/edit",
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(f"{base(partnership)}/{action.id}/progress").status_code == 404


def test_an_action_of_another_partnership_is_not_found_here(
    client, login, make, session, partnership, facilitator
):
    other = make.partnership()
    foreign = Action(
        partnership_id=other.id, title={"es": "x"}, lead_partner_id=make.partner(other).id
    )
    session.add(foreign)
    session.flush()
    login(facilitator)
    assert client.get(f"{base(partnership)}/{foreign.id}").status_code == 404
    assert client.get(f"{base(partnership)}/{foreign.id}/edit").status_code == 404


def test_forms_need_their_csrf_token(
    app_with, login, session, partnership, add_action, company, company_rep
):
    client = app_with(WTF_CSRF_ENABLED=True).test_client()
    action = add_action(company)
    login(company_rep, target=client)
    url = f"{base(partnership)}/{action.id}"
    data = {"status": "in_progress", "progress": "10", "comment": "Empezamos"}
    assert client.post(f"{url}/progress", data=data).status_code == 400
    assert client.post(f"{base(partnership)}/new", data=form_data(company)).status_code == 400
    assert (count(session, Action), count(session, ActionUpdate)) == (1, 1)
    page = client.get(url).get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    assert client.post(f"{url}/progress", data={**data, "csrf_token": token}).status_code == 302
    assert count(session, ActionUpdate) == 2


def test_the_action_form_is_a_light_page(client, login, partnership, company, facilitator):
    facilitator.locale = "ar"  # the heaviest script, with every SDG target offered
    login(facilitator)
    assert page_weight(client, f"{base(partnership)}/new") < 100_000
