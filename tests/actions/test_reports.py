"""Reading the checklist: My commitments, the timeline, the print view, the exports and the
dashboard's overdue and due-soon lists; each only for members, each in constant queries."""

import io
from datetime import date, datetime

import pytest
from freezegun import freeze_time
from openpyxl import load_workbook

from hsbp.actions import queries, services, timeline
from hsbp.actions.models import ChecklistSettings
from hsbp.security import Role
from tests.actions.conftest import GOAL, action_fields, membership_of

TODAY = "2026-06-01 15:00:00"  # 10:00 in Bogotá, the partnership's time zone


def titled(name: str) -> dict:
    return {"title": {"es": f"{name} (es)", "en": name}}


@pytest.fixture
def frozen():
    with freeze_time(TODAY):
        yield


# My commitments ---------------------------------------------------------------------------


def commitments_of(session, user) -> list:
    return [
        (
            group.partnership.name,
            [(item.action.title["en"], item.roles) for item in group.open],
            [item.action.title["en"] for item in group.closed],
        )
        for group in queries.my_commitments(session, user=user)
    ]


def test_my_commitments_are_the_actions_a_person_or_their_partner_owns(
    session, make, add_action, company, council, ngo, company_rep, frozen
):
    add_action(company, **titled("Lead"))
    add_action(council, supporter_ids=[company.id], **titled("Support"))
    add_action(ngo, responsible_ids=[company_rep.id], **titled("Named"))
    add_action(company, responsible_ids=[company_rep.id], **titled("Both"))
    add_action(council, supporter_ids=[ngo.id], **titled("Not mine"))
    # Another partnership where the same person only observes: only what names them counts.
    other = make.partnership(name="Mocoa")
    theirs = make.partner(other, name="Gobernación")
    make.member(other, Role.OBSERVER, user=company_rep)
    other_facilitator = make.member(other)

    def add_there(**overrides):
        return services.create_action(
            session,
            actor=other_facilitator,
            membership=membership_of(session, other_facilitator, other),
            partnership=other,
            fields=action_fields(theirs, **overrides),
        )

    add_there(responsible_ids=[company_rep.id], **titled("Observed"))
    add_there(**titled("Elsewhere"))
    # A partnership they are not in at all.
    stranger = make.partnership(name="Putumayo")
    stranger_facilitator = make.member(stranger)
    services.create_action(
        session,
        actor=stranger_facilitator,
        membership=membership_of(session, stranger_facilitator, stranger),
        partnership=stranger,
        fields=action_fields(make.partner(stranger), **titled("Stranger")),
    )

    assert commitments_of(session, company_rep) == [
        (
            "Caguán",
            [
                ("Lead", ["lead"]),
                ("Support", ["supporter"]),
                ("Named", ["responsible"]),
                ("Both", ["responsible", "lead"]),
            ],
            [],
        ),
        ("Mocoa", [("Observed", ["responsible"])], []),
    ]


def test_my_commitments_put_overdue_then_due_soon_first_and_closed_apart(
    session, add_action, company, company_rep, frozen
):
    add_action(company, due_on=date(2026, 9, 30), **titled("Later"))
    add_action(company, start_on=None, due_on=None, **titled("Undated"))
    add_action(company, due_on=date(2026, 6, 10), **titled("Soon"))
    add_action(company, start_on=date(2026, 1, 1), due_on=date(2026, 5, 20), **titled("Late"))
    add_action(company, due_on=date(2026, 6, 15), **titled("Day 14"))
    add_action(company, due_on=date(2026, 5, 1), status="done", **titled("Finished"))
    (group,) = queries.my_commitments(session, user=company_rep)
    assert [(i.action.title["en"], i.overdue, i.due_soon) for i in group.open] == [
        ("Late", True, False),
        ("Soon", False, True),
        ("Day 14", False, True),
        ("Later", False, False),
        ("Undated", False, False),
    ]
    assert [i.action.title["en"] for i in group.closed] == ["Finished"]


def test_my_commitments_page_shows_them_with_links_and_flags(
    client, login, session, add_action, company, council, partnership, company_rep, frozen
):
    late = add_action(
        company, start_on=date(2026, 1, 1), due_on=date(2026, 5, 20), **titled("Late")
    )
    add_action(council, **titled("Not mine"))
    login(company_rep)
    html = client.get("/my/commitments").get_data(as_text=True)
    assert f'<a href="/p/{partnership.id}/actions/{late.id}">Late</a>' in html
    assert '<span class="flag">Overdue</span>' in html
    assert "Your organisation leads" in html
    assert "Not mine" not in html
    assert '<a href="/my/commitments" aria-current="page">My commitments</a>' in html


def test_my_commitments_page_without_any_says_so(client, login, make):
    login(make.member(make.partnership(), Role.OBSERVER))
    html = client.get("/my/commitments").get_data(as_text=True)
    assert "No action is yours yet." in html


def test_my_commitments_page_needs_sign_in(client):
    response = client.get("/my/commitments")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_my_commitments_query_count_does_not_grow_with_actions(
    client, login, add_action, company, council, ngo, company_rep, count_queries, frozen
):
    add_action(company, responsible_ids=[company_rep.id])
    login(company_rep)

    def measure() -> int:
        with count_queries() as counter:
            assert client.get("/my/commitments").status_code == 200
        return counter["n"]

    few = measure()
    for n in range(12):
        add_action(
            [company, council][n % 2],
            supporter_ids=[company.id, ngo.id],
            responsible_ids=[company_rep.id],
            status=["planned", "done", "blocked"][n % 3],
            status_reason="Lluvias",
        )
    assert measure() == few


# Timeline -------------------------------------------------------------------------------------


def bar(start, due, status="planned", progress=0, overdue=False) -> timeline.Bar:
    return timeline.Bar(
        label="Pozo",
        caption="Planned · 0%",
        start=start,
        due=due,
        status=status,
        progress=progress,
        overdue=overdue,
    )


def draw(bars, today):
    return timeline.timeline(
        bars,
        today=today,
        chart_id="t",
        title="Timeline",
        summary="Summary",
        today_label="Today",
        month_label=lambda day: day.strftime("%b"),
        year_label=lambda day: str(day.year),
    )


def test_timeline_bar_spans_its_days_and_today_line_sits_on_its_date():
    svg = str(draw([bar(date(2026, 3, 1), date(2026, 3, 31))], date(2026, 3, 15)))
    # One month, 31 days over a track of 488 units from x=220: the bar fills it.
    assert '<rect class="bar" x="220.0" y="41" width="488.0" height="14"' in svg
    assert '<line x1="440.4" y1="30" x2="440.4" y2="74" stroke="#a1251b"' in svg
    assert '>Mar</text><text x="223.0" y="26" stroke="none">2026</text>' in svg
    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 720 90"')


def test_timeline_tells_status_by_pattern_and_progress_and_overdue_by_outline():
    svg = str(
        draw(
            [
                bar(date(2026, 3, 1), date(2026, 4, 30), "in_progress", progress=50),
                bar(date(2026, 3, 1), date(2026, 4, 30), "blocked", overdue=True),
                bar(None, date(2026, 4, 30), "dropped"),
            ],
            date(2026, 3, 15),
        )
    )
    assert 'width="244.0" height="14" fill="#0b5394"/>' in svg  # half of the 488 units
    assert 'fill="url(#t-hatch)" stroke="#a1251b" stroke-width="2"/>' in svg
    assert '<path class="bar" d="M708.0 111l8 9l-8 9l-8-9z" fill="url(#t-dots)"' in svg
    assert "<script" not in svg and "style=" not in svg


def test_timeline_labels_months_sparsely_over_long_spans():
    svg = str(draw([bar(date(2025, 1, 1), date(2027, 12, 31))], date(2026, 6, 1)))
    months = [part.split(">")[1] for part in svg.split('stroke="none"')[1:]]
    # 36 months, at most 10 labels: every 4th month, with the year on each January.
    assert months[:5] == ["Jan</text", "2025</text", "May</text", "Sep</text", "Jan</text"]


def test_timeline_page_draws_dated_actions_and_lists_the_rest(
    client, login, add_action, company, council, partnership, observer, frozen
):
    add_action(company, **titled("Well"))
    add_action(council, start_on=None, due_on=date(2026, 7, 1), **titled("Milestone"))
    undated = add_action(council, start_on=None, due_on=None, **titled("Someday"))
    login(observer)
    html = client.get(f"/p/{partnership.id}/actions/timeline").get_data(as_text=True)
    svg = html[html.index("<svg") : html.index("</svg>")]
    assert svg.count('class="bar"') == 2
    assert ">Well</text>" in svg and ">Milestone</text>" in svg and "Someday" not in svg
    assert 'role="img" aria-labelledby="timeline-title timeline-desc"' in svg
    assert '<figure class="timeline" dir="ltr">' in html
    assert f'<li><a href="/p/{partnership.id}/actions/{undated.id}">Someday</a></li>' in html
    table = html[html.index('<table class="stack">') : html.index("</table>")]
    assert [name in table for name in ("Well", "Milestone", "Someday")] == [True] * 3
    assert "style=" not in html and "<script" not in html


def test_timeline_page_keeps_the_chart_left_to_right_in_arabic(
    client, login, make, add_action, company, partnership, frozen
):
    reader = make.member(partnership, Role.OBSERVER, user=make.user(locale="ar"))
    add_action(company)
    login(reader)
    html = client.get(f"/p/{partnership.id}/actions/timeline").get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in html
    assert 'dir="ltr">' in html and 'direction="ltr"' in html


# Print view -----------------------------------------------------------------------------------


def test_print_view_groups_actions_by_goal_with_the_timeline(
    client, login, add_action, company, council, partnership, observer, charter, frozen
):
    add_action(council, **titled("Roads"))
    add_action(company, goal_key=GOAL, supporter_ids=[council.id], **titled("Well"))
    login(observer)
    html = client.get(f"/p/{partnership.id}/actions/print").get_data(as_text=True)
    assert (
        html.index("Goal: Clean water")
        < html.index("Well")
        < html.index("Actions serving no charter goal")
        < html.index("Roads")
    )
    assert "Lead: Palmas del Caguán" in html and "With: Alcaldía" in html
    assert html.count('class="bar"') == 2
    assert "print.css" in html


# Exports --------------------------------------------------------------------------------------


@pytest.fixture
def exported(session, add_action, company, council, ngo, company_rep, charter, frozen):
    """Two actions, the second with every field filled, and a text that looks like a formula."""
    first = add_action(
        ngo, start_on=None, due_on=date(2026, 5, 1), status="done", **titled("Survey")
    )
    second = add_action(
        company,
        goal_key=GOAL,
        supporter_ids=[council.id, ngo.id],
        responsible_ids=[company_rep.id],
        start_on=date(2026, 3, 1),
        due_on=date(2026, 5, 31),
        status="blocked",
        status_reason="=cmd|' /C calc'!A0",
        progress=40,
        principles=["inclusive", "trust"],
        sdg_targets=["6.1", "16.7"],
        budget="1500000.50",
        currency="COP",
        contributions=[
            {"partner_id": council.id, "kind": "in_kind", "description": "Maquinaria"},
            {"partner_id": ngo.id, "kind": "cash", "amount": "2000000", "currency": "COP"},
        ],
        depends_on_ids=[first.id],
        **titled("Well"),
    )
    return first, second


HEADER = [
    "Id",
    "Title",
    "Charter goal",
    "Lead partner",
    "Supporting partners",
    "People responsible",
    "Start date",
    "Due date",
    "Status",
    "Reason",
    "Progress (%)",
    "LIFTS principles",
    "SDG targets",
    "Budget",
    "Currency",
    "Contributions",
    "Depends on",
    "Overdue",
    "Last update",
]


def test_csv_export_has_one_exact_row_per_action(client, login, partnership, observer, exported):
    first, second = exported
    login(observer)
    response = client.get(f"/p/{partnership.id}/actions/export.csv")
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="checklist-{partnership.id}-2026-06-01.csv"'
    )
    lines = response.data.decode("utf-8-sig").split("\r\n")
    assert lines == [
        ",".join(HEADER),
        f"{first.id},Survey,,Asocomunal,,,,2026-05-01,Done,,100,Inclusive,6.1,,,,,No,2026-06-01",
        f"{second.id},Well,Clean water,Palmas del Caguán,Alcaldía; Asocomunal,Carlos,2026-03-01,"
        "2026-05-31,Blocked,'=cmd|' /C calc'!A0,40,Inclusive; Trust,6.1; 16.7,1500000.50,COP,"
        "Alcaldía: In kind (Maquinaria); Asocomunal: 2000000.00 COP,"
        f"{first.id},Yes,2026-06-01",
        "",
    ]


def test_xlsx_export_opens_with_the_same_rows(client, login, partnership, observer, exported):
    first, second = exported
    login(observer)
    response = client.get(f"/p/{partnership.id}/actions/export.xlsx")
    assert response.headers["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert sheet.title == "actions"
    assert rows[0] == HEADER
    assert len(rows) == 3
    assert rows[2][:10] == [
        second.id,
        "Well",
        "Clean water",
        "Palmas del Caguán",
        "Alcaldía; Asocomunal",
        "Carlos",
        datetime(2026, 3, 1),
        datetime(2026, 5, 31),
        "Blocked",
        "'=cmd|' /C calc'!A0",
    ]
    assert rows[2][13:] == [
        1500000.5,
        "COP",
        "Alcaldía: In kind (Maquinaria); Asocomunal: 2000000.00 COP",
        str(first.id),
        "Yes",
        datetime(2026, 6, 1),
    ]


def test_export_is_in_the_readers_language(client, login, make, partnership, exported):
    reader = make.member(partnership, Role.OBSERVER, user=make.user(locale="es"))
    login(reader)
    text = client.get(f"/p/{partnership.id}/actions/export.csv").data.decode("utf-8-sig")
    assert ",Well (es),Agua limpia," in text


# The dashboard ------------------------------------------------------------------------------------


def test_dashboard_lists_overdue_and_due_soon_actions(
    client, login, session, add_action, company, council, partnership, observer, frozen
):
    late = add_action(council, start_on=None, due_on=date(2026, 5, 20), **titled("Late"))
    add_action(company, start_on=None, due_on=date(2026, 6, 10), **titled("Soon"))
    add_action(company, start_on=None, due_on=date(2026, 6, 25), **titled("Later"))
    add_action(company, start_on=None, due_on=date(2026, 5, 1), status="done", **titled("Done"))
    login(observer)
    html = client.get(f"/p/{partnership.id}/").get_data(as_text=True)
    assert "1 action overdue" in html and "Due in the next 14 days" in html
    assert (
        f'<a href="/p/{partnership.id}/actions/{late.id}">Late</a>\n'
        '      · Alcaldía · <span class="flag">due May 20, 2026</span>'
    ) in html
    assert "Soon" in html and "Later" not in html and ">Done<" not in html

    session.add(ChecklistSettings(partnership_id=partnership.id, due_soon_days=30))
    session.flush()
    html = client.get(f"/p/{partnership.id}/").get_data(as_text=True)
    assert "Due in the next 30 days" in html and "Later" in html


def test_dashboard_says_when_nothing_is_due(client, login, partnership, observer, frozen):
    login(observer)
    html = client.get(f"/p/{partnership.id}/").get_data(as_text=True)
    assert "No action is overdue or due in the next 14 days." in html


def test_dashboard_query_count_does_not_grow_with_actions(
    client, login, add_action, company, council, partnership, observer, count_queries, frozen
):
    add_action(company, start_on=None, due_on=date(2026, 5, 20))
    login(observer)

    def measure() -> int:
        with count_queries() as counter:
            assert client.get(f"/p/{partnership.id}/").status_code == 200
        return counter["n"]

    few = measure()
    for n in range(12):
        add_action([company, council][n % 2], start_on=None, due_on=date(2026, 5, 1 + n * 2))
    assert measure() == few


# Access and query counts of the partnership's pages -------------------------------------------

PAGES = ("timeline", "print", "export.csv", "export.xlsx")


@pytest.mark.parametrize("page", PAGES)
def test_report_pages_are_404_for_non_members(
    client, login, make, add_action, company, partnership, page
):
    add_action(company)
    outsider = make.partnership()
    login(make.member(outsider, Role.FACILITATOR))
    assert client.get(f"/p/{partnership.id}/actions/{page}").status_code == 404


@pytest.mark.parametrize("page", PAGES)
def test_report_pages_query_count_does_not_grow_with_actions(
    client,
    login,
    add_action,
    company,
    council,
    ngo,
    company_rep,
    partnership,
    observer,
    charter,
    count_queries,
    page,
    frozen,
):
    def add(lead, **fields):
        return add_action(
            lead,
            supporter_ids=[ngo.id],
            responsible_ids=[company_rep.id],
            contributions=[{"partner_id": ngo.id, "kind": "in_kind", "description": "Horas"}],
            **fields,
        )

    first = add(company, goal_key=GOAL)
    login(observer)
    url = f"/p/{partnership.id}/actions/{page}"

    def measure() -> int:
        with count_queries() as counter:
            assert client.get(url).status_code == 200
        return counter["n"]

    few = measure()
    for n in range(10):
        add(council, goal_key=GOAL if n % 2 else "", depends_on_ids=[first.id])
    assert measure() == few
