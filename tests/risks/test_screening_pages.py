"""The do-no-harm screening over HTTP: a start refused with a link to the screening, the
screening form and its refusals, who answers and who reads, the box on the action's page, the
checklist's print view and export, and the pages no outsider reaches."""

import csv
import io
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from hsbp.actions import services as action_services
from hsbp.actions.models import Action, ActionUpdate
from hsbp.risks.context_models import ContextAssessment
from hsbp.risks.screening_models import ActionScreening
from tests.risks.test_screening_rule import ANSWERS, TENSE, answer, fields, membership_of

LINK_TEXT = "Answer the do-no-harm screening"


@pytest.fixture
def tension(session, partnership):
    session.add(
        ContextAssessment(
            partnership_id=partnership.id,
            number=1,
            status="validated",
            content={"threats": [{"key": "t1", "locality": TENSE, "text": "Threats"}]},
        )
    )
    session.flush()


@pytest.fixture
def add_action(session, partnership, facilitator):
    def add(lead, **overrides):
        return add_action_in(session, partnership, lead, facilitator, **overrides)

    return add


def add_action_in(session, partnership, lead, user, **overrides):
    return action_services.create_action(
        session,
        actor=user,
        membership=membership_of(session, user, partnership),
        partnership=partnership,
        fields=fields(lead, **{"localities": [TENSE], **overrides}),
    )


def url(partnership, action, tail: str = "") -> str:
    return f"/p/{partnership.id}/actions/{action.id}{tail}"


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def start(client, partnership, action):
    return client.post(
        url(partnership, action, "/progress"),
        data={"status": "in_progress", "progress": "10", "comment": "", "status_reason": ""},
    )


# Starting ---------------------------------------------------------------------------------


def test_a_start_is_refused_with_a_link_to_the_screening_then_allowed(
    client, login, session, partnership, company, company_rep, tension, add_action
):
    action = add_action(company, localities=[TENSE])
    login(company_rep)
    refused = start(client, partnership, action)
    body = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert (
        '<p class="error" id="status-error">This action works where tensions are recorded '
        "(Peñas Coloradas): answer its do-no-harm screening before it starts.</p>"
    ) in body
    link = url(partnership, action, "/screening")
    assert f'<p class="notice"><a href="{link}">{LINK_TEXT}</a></p>' in body
    session.expire_all()
    assert (action.status, count(session, ActionUpdate)) == ("planned", 1)

    saved = client.post(link, data=ANSWERS)
    assert saved.status_code == 302
    assert saved.headers["Location"] == url(partnership, action)
    assert start(client, partnership, action).status_code == 302
    session.expire_all()
    assert action.status == "in_progress"


def test_saving_the_edit_form_to_in_progress_is_refused(
    client, login, session, partnership, company, facilitator, tension, add_action
):
    action = add_action(company, localities=[])
    login(facilitator)
    response = client.post(
        url(partnership, action, "/edit"),
        data={
            "title-es": "Centro de acopio",
            "lead_partner_id": str(company.id),
            "status": "in_progress",
            "progress": "5",
            "other_localities": "peñas coloradas",
        },
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "This action works where tensions are recorded (peñas coloradas)" in body
    assert f'href="{url(partnership, action, "/screening")}">{LINK_TEXT}</a>' in body
    session.expire_all()
    assert (action.status, action.localities) == ("planned", [])


def test_an_action_elsewhere_starts_over_http(
    client, login, session, partnership, company, company_rep, tension, add_action
):
    action = add_action(company, localities=["Florencia"])
    login(company_rep)
    assert start(client, partnership, action).status_code == 302
    page = client.get(url(partnership, action)).get_data(as_text=True)
    assert "Do-no-harm screening" not in page


# The screening form -----------------------------------------------------------------------


def test_the_form_asks_three_questions_and_refuses_bad_answers(
    client, login, session, partnership, company, company_rep, tension, add_action
):
    action = add_action(company, localities=[TENSE, "Florencia"])
    login(company_rep)
    page = client.get(url(partnership, action, "/screening")).get_data(as_text=True)
    assert "This action works where tensions are recorded: <bdi>Peñas Coloradas</bdi>." in page
    for question in (
        "Who could be put at risk by this action?",
        "Which divider could it feed?",
        "Which connector does it strengthen?",
    ):
        assert question in page
    assert 'maxlength="500"' in page

    blank = client.post(url(partnership, action, "/screening"), data={**ANSWERS, "divider": " "})
    body = blank.get_data(as_text=True)
    assert blank.status_code == 422
    assert '<p class="error" id="divider-error">Answer this question.</p>' in body
    assert ANSWERS["who_at_risk"] in body  # what was typed stays
    long = client.post(
        url(partnership, action, "/screening"), data={**ANSWERS, "connector": "x" * 501}
    )
    assert long.status_code == 422
    assert (
        '<p class="error" id="connector-error">Keep this answer under 500 characters.</p>'
    ) in long.get_data(as_text=True)
    assert count(session, ActionScreening) == 0


def test_answers_show_on_the_action_page_and_can_be_revised(
    client, login, session, partnership, company, company_rep, observer, tension, add_action
):
    action = add_action(company, localities=[TENSE])
    login(company_rep)
    before = client.get(url(partnership, action)).get_data(as_text=True)
    assert '<h2 id="screening-heading">Do-no-harm screening <span class="tag">Needed</span>' in (
        before
    )
    assert (
        f'<a class="button primary" href="{url(partnership, action, "/screening")}">{LINK_TEXT}</a>'
    ) in before
    client.post(url(partnership, action, "/screening"), data=ANSWERS)
    page = client.get(url(partnership, action)).get_data(as_text=True)
    assert '<span class="tag">Answered</span>' in page
    assert (
        "<dt>Which divider could it feed?</dt>\n  <dd><bdi>Who gets the jobs at the collection "
        "centre.</bdi></dd>"
    ) in page
    assert "Change the answers" in page
    form = client.get(url(partnership, action, "/screening")).get_data(as_text=True)
    assert f"{ANSWERS['connector']}</textarea>" in form

    login(observer)
    read = client.get(url(partnership, action)).get_data(as_text=True)
    assert ANSWERS["connector"] in read and "Change the answers" not in read
    own = client.get(url(partnership, action, "/screening"))
    assert own.status_code == 200
    assert "<textarea" not in own.get_data(as_text=True)
    assert ANSWERS["who_at_risk"] in own.get_data(as_text=True)


def test_an_action_under_way_says_its_screening_is_needed(
    client, login, session, partnership, company, observer, add_action
):
    action = add_action(company, localities=[TENSE], status="in_progress")
    session.add(
        ContextAssessment(
            partnership_id=partnership.id,
            number=1,
            status="validated",
            content={"dividers": [{"key": "d", "locality": TENSE, "text": "Land"}]},
        )
    )
    session.flush()
    login(observer)
    page = client.get(url(partnership, action)).get_data(as_text=True)
    assert (
        '<p class="notice"><strong>Do-no-harm screening needed</strong>: this action is under '
        "way without its three answers.</p>"
    ) in page
    assert f'<a href="{url(partnership, action, "/screening")}">The do-no-harm screening</a>' in (
        page
    )
    dashboard = client.get(f"/p/{partnership.id}/").get_data(as_text=True)
    assert "Do-no-harm screening needed" in dashboard


# Who may --------------------------------------------------------------------------------


def test_those_who_may_not_change_the_action_read_only(
    client, login, session, partnership, company, municipality_rep, observer, tension, add_action
):
    action = add_action(company, localities=[TENSE])
    for user in (observer, municipality_rep):
        login(user)
        page = client.get(url(partnership, action, "/screening"))
        assert page.status_code == 200
        assert "Not answered yet." in page.get_data(as_text=True)
        refused = client.post(url(partnership, action, "/screening"), data=ANSWERS)
        assert refused.status_code == 403
        assert (
            '<div class="error-summary" role="alert"><p>The charter lets only the lead '
            "partner&#39;s representatives change this action"
        ) in refused.get_data(as_text=True)
    assert count(session, ActionScreening) == 0


@pytest.mark.parametrize("method", ["get", "post"])
def test_outsiders_and_unknown_ids_get_404(
    client, login, session, make, partnership, other, company, outsider, facilitator, method
):
    action = add_action_in(session, partnership, company, facilitator)
    elsewhere_partner = make.partner(other)
    elsewhere = add_action_in(session, other, elsewhere_partner, outsider)
    send = getattr(client, method)
    login(outsider)
    assert send(url(partnership, action, "/screening"), data=ANSWERS).status_code == 404
    login(facilitator)
    for bad in (
        f"/p/{partnership.id}/actions/{elsewhere.id}/screening",
        f"/p/{partnership.id}/actions/999999/screening",
        f"/p/{partnership.id}/actions/99999999999999/screening",
        f"/p/{partnership.id}/actions/abc/screening",
        f"/p/{partnership.id}/actions/-1/screening",
    ):
        assert send(bad, data=ANSWERS).status_code == 404
    assert count(session, ActionScreening) == 0


# The report and the export ----------------------------------------------------------------


@pytest.fixture
def screened(session, partnership, company, facilitator, tension, add_action):
    answered = add_action(company, localities=[TENSE], title={"es": "Centro", "en": "Centre"})
    answer(session, facilitator, partnership, answered)
    owed = add_action(company, localities=[TENSE], title={"es": "Vía", "en": "Road"})
    calm = add_action(company, localities=["Florencia"], title={"es": "Pozo", "en": "Well"})
    return answered, owed, calm


def test_the_print_view_lists_the_screenings(client, login, partnership, observer, screened):
    login(observer)
    page = client.get(f"/p/{partnership.id}/actions/print").get_data(as_text=True)
    section = page.split('<h2 id="screening-heading">Do-no-harm screening</h2>', 1)[1]
    section = section.split("</section>", 1)[0]
    assert (
        "<tr>\n      <td><bdi>Centre</bdi></td>\n      <td><bdi>Peñas Coloradas</bdi></td>\n"
        f"      <td><bdi>{ANSWERS['who_at_risk']}</bdi></td>\n"
        f"      <td><bdi>{ANSWERS['divider']}</bdi></td>\n"
        f"      <td><bdi>{ANSWERS['connector']}</bdi></td>\n    </tr>"
    ) in section
    assert (
        "<tr>\n      <td><bdi>Road</bdi></td>\n      <td><bdi>Peñas Coloradas</bdi></td>\n"
        '      <td colspan="3"><strong>Needed</strong></td>\n    </tr>'
    ) in section
    assert "Well" not in section


def test_the_export_carries_the_answers(client, login, partnership, observer, screened):
    answered, owed, calm = screened
    login(observer)
    text = client.get(f"/p/{partnership.id}/actions/export.csv").data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][-4:] == [
        "Do-no-harm screening",
        "Who could be put at risk",
        "Divider it could feed",
        "Connector it strengthens",
    ]
    by_id = {row[0]: row for row in rows[1:]}
    assert by_id[str(answered.id)][-4:] == ["Answered", *ANSWERS.values()]
    assert by_id[str(owed.id)][-4:] == ["Needed", "", "", ""]
    assert by_id[str(calm.id)][-4:] == ["", "", "", ""]
    assert all(len(row) == len(rows[0]) for row in rows)

    book = client.get(f"/p/{partnership.id}/actions/export.xlsx").data
    sheet = [list(r) for r in load_workbook(io.BytesIO(book)).active.iter_rows(values_only=True)]
    assert sheet[0][-1] == "Connector it strengthens"
    assert [r[-4] for r in sheet[1:]] == ["Answered", "Needed", None]


@pytest.mark.parametrize("page", ["print", "export.csv", "export.xlsx"])
def test_report_query_counts_do_not_grow_with_screenings(
    client,
    login,
    session,
    partnership,
    company,
    facilitator,
    observer,
    screened,
    add_action,
    count_queries,
    page,
):
    login(observer)

    def measure() -> int:
        with count_queries() as counter:
            assert client.get(f"/p/{partnership.id}/actions/{page}").status_code == 200
        return counter["n"]

    few = measure()
    for n in range(6):
        action = add_action(company, localities=[TENSE], due_on=date(2026, 9, 1 + n))
        if n % 2:
            answer(session, facilitator, partnership, action)
    assert measure() == few
    assert session.scalar(select(func.count()).select_from(Action)) == 9
