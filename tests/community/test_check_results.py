"""What community checks found: answers by place with small places pooled, the flag of a done
action the community disputes (dashboard, review agenda), the action's page, the public page
and the report, the pages' refusals, flat query counts and the demo."""

from datetime import date, timedelta

import pytest
from markupsafe import escape
from sqlalchemy import func, select

from hsbp import demo
from hsbp.actions import services as action_services
from hsbp.actions.models import ChecklistSettings
from hsbp.auth.models import User
from hsbp.community import check_results, checks
from hsbp.community.models import Check
from hsbp.db import utcnow
from hsbp.monitoring import reviews
from hsbp.monitoring.agenda import generate_agenda
from hsbp.monitoring.review_models import Review
from hsbp.partnerships.models import Partnership
from tests.actions.conftest import membership_of
from tests.community.check_world import (
    DEMO_CAGUAN,
    QUESTION_EN,
    QUESTION_ES,
    TITLE,
    crowd,
    disputed,
    send,
)
from tests.community.check_world import add_action as add_action  # the fixture
from tests.community.check_world import company as company  # the fixture
from tests.community.check_world import done as done  # the fixture
from tests.community.check_world import facilitator as facilitator  # the fixture
from tests.community.check_world import partnership as partnership  # the fixture
from tests.community.check_world import representative as representative  # the fixture
from tests.community.check_world import village as village  # the fixture
from tests.sms.conftest import page_text

# Figures -----------------------------------------------------------------------------------


def test_answers_by_place_pool_places_under_five(session, partnership, facilitator, done):
    check = disputed(
        session,
        partnership,
        facilitator,
        done,
        {
            "El Triunfo": ["yes"] * 4 + ["no"] * 2,
            "La Unión": ["no", "no", "unknown"],
            "Remolinos": ["yes", "no"],
            "": ["no"],
        },
    )
    found = check_results.breakdown(session, check=check)
    Tally = check_results.Tally
    assert found.total == Tally(yes=5, no=6, unknown=1)
    assert found.places == [
        ("El Triunfo", Tally(yes=4, no=2, unknown=0)),
        ("pooled", Tally(yes=1, no=4, unknown=1)),
    ]
    assert (found.pooled, found.withheld) == (["La Unión", "Remolinos", ""], 0)


def test_a_pool_under_five_is_withheld(session, partnership, facilitator, done):
    check = disputed(
        session,
        partnership,
        facilitator,
        done,
        {"El Triunfo": ["yes"] * 5, "Remolinos": ["no"] * 2},
    )
    found = check_results.breakdown(session, check=check)
    assert found.places == [("El Triunfo", check_results.Tally(yes=5))]
    assert found.withheld == 2


def test_a_closed_check_with_more_no_than_yes_flags_the_action(
    session, partnership, facilitator, done
):
    check = disputed(
        session, partnership, facilitator, done, {"El Triunfo": ["no"] * 3 + ["yes"] * 2}
    )
    assert check_results.notes(session, partnership_id=partnership.id)[done.id].flagged is False
    checks.close_check(session, actor=None, check=check)
    note = check_results.notes(session, partnership_id=partnership.id)[done.id]
    assert (note.text, note.flagged) == ("Community check: 2 yes, 3 no, 0 don't know.", True)


@pytest.mark.parametrize(
    "answers",
    [["no"] * 4, ["no", "no", "yes", "yes", "unknown"], ["no"] * 2 + ["yes"] * 3],
)
def test_too_few_answers_or_no_majority_of_no_flags_nothing(
    session, partnership, facilitator, done, answers
):
    check = disputed(session, partnership, facilitator, done, {"El Triunfo": answers})
    checks.close_check(session, actor=None, check=check)
    assert check_results.notes(session, partnership_id=partnership.id)[done.id].flagged is False


def test_an_action_reopened_after_the_check_is_no_longer_flagged(
    session, partnership, facilitator, done
):
    check = disputed(session, partnership, facilitator, done, {"El Triunfo": ["no"] * 5})
    checks.close_check(session, actor=None, check=check)
    action_services.report_progress(
        session,
        actor=facilitator,
        membership=membership_of(session, facilitator, partnership),
        action=done,
        status="in_progress",
        progress=80,
    )
    assert check_results.notes(session, partnership_id=partnership.id)[done.id].flagged is False
    items = generate_agenda(session, partnership=partnership, now=utcnow())
    assert [item.kind for item in items] == ["action_overdue"]


def test_a_disputed_action_is_on_the_next_reviews_agenda(session, partnership, facilitator, done):
    check = disputed(
        session, partnership, facilitator, done, {"El Triunfo": ["no"] * 4 + ["yes", "unknown"]}
    )
    checks.close_check(session, actor=None, check=check)
    items = generate_agenda(session, partnership=partnership, now=utcnow())
    assert [item.to_json() for item in items] == [
        {
            "kind": "community_check_no",
            "title": TITLE,
            "params": {
                "lead": "Palmas del Caguán",
                "yes": 1,
                "no": 4,
                "unknown": 1,
                "closed_on": check.closes_at.astimezone(partnership.zone).date().isoformat(),
            },
            "link": {"endpoint": "actions.detail", "args": {"action_id": done.id}},
        }
    ]


# Pages -------------------------------------------------------------------------------------


def form_data(**overrides):
    return {
        "audience": "places",
        "question_es": QUESTION_ES,
        "question_en": QUESTION_EN,
        "closes_on": (date.today() + timedelta(days=10)).isoformat(),
        "send": "1",
        **overrides,
    }


def test_a_facilitator_sends_a_check_from_the_actions_page(
    session, client, login, partnership, facilitator, done, village
):
    login(facilitator)
    page = page_text(client.get(f"/p/{partnership.id}/actions/{done.id}"))
    assert "Community check" in page
    assert "Ask the community whether it works" in page

    url = f"/p/{partnership.id}/community/checks/new/{done.id}"
    form = client.get(url)
    assert form.status_code == 200
    shown = page_text(form)
    assert "People of the action's places: El Triunfo, La Unión" in shown
    assert "segments: 1" in shown

    preview = client.post(url, data=form_data(send="", preview="1"))
    assert preview.status_code == 200
    assert "2 contacts will be asked." in page_text(preview)
    assert session.scalar(select(func.count()).select_from(Check)) == 0

    sent = client.post(url, data=form_data())
    check = session.scalar(select(Check))
    assert sent.status_code == 302
    assert sent.headers["Location"].endswith(f"/p/{partnership.id}/community/checks/{check.id}")
    assert "2 asked now, 0 waiting" in page_text(client.get(sent.headers["Location"]))


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"closes_on": "2020-01-01"}, "Choose a closing date after today."),
        ({"closes_on": "not a date"}, "Not a valid date value."),
        ({"closes_on": "9999-12-31"}, "Choose a closing date within 90 days."),
        ({"question_es": "¿Está listo? " * 6}, "This text takes 2 SMS: shorten it to one"),
        ({"audience": "locality:Nowhere"}, "Nobody in this audience can receive messages."),
    ],
)
def test_the_form_shows_refusals_and_keeps_what_was_typed(
    session, client, login, partnership, facilitator, done, village, overrides, message
):
    login(facilitator)
    response = client.post(
        f"/p/{partnership.id}/community/checks/new/{done.id}", data=form_data(**overrides)
    )
    assert response.status_code == 422
    assert message in page_text(response)
    assert str(escape(QUESTION_EN)) in response.get_data(as_text=True)
    assert session.scalar(select(func.count()).select_from(Check)) == 0


def test_the_form_says_why_no_check_can_be_sent(
    session, client, login, partnership, facilitator, add_action
):
    login(facilitator)
    action = add_action()
    page = page_text(client.get(f"/p/{partnership.id}/community/checks/new/{action.id}"))
    assert "The community is asked once the action is done." in page
    assert (
        client.post(
            f"/p/{partnership.id}/community/checks/new/{action.id}", data=form_data()
        ).status_code
        == 422
    )


def test_representatives_and_other_partnerships_cannot_send_or_close(
    session, client, login, make, partnership, facilitator, representative, done, village
):
    check = send(session, partnership, facilitator, done)
    login(representative)
    assert client.get(f"/p/{partnership.id}/community/checks/new/{done.id}").status_code == 404
    assert client.post(f"/p/{partnership.id}/community/checks/{check.id}/close").status_code == 404
    assert client.get(f"/p/{partnership.id}/community/checks/{check.id}").status_code == 200
    page = page_text(client.get(f"/p/{partnership.id}/actions/{done.id}"))
    assert "Ask the community whether it works" not in page

    other = make.partnership()
    stranger = make.member(other)
    login(stranger)
    assert client.get(f"/p/{other.id}/community/checks/{check.id}").status_code == 404
    assert client.get(f"/p/{other.id}/community/checks/new/{done.id}").status_code == 404


def test_a_facilitator_closes_a_check_early(
    session, client, login, partnership, facilitator, done, village
):
    check = send(session, partnership, facilitator, done)
    login(facilitator)
    response = client.post(f"/p/{partnership.id}/community/checks/{check.id}/close")
    assert response.status_code == 302
    session.refresh(check)
    assert check.status == "closed"


def test_the_actions_page_shows_the_answers_by_place(
    session, client, login, partnership, facilitator, representative, done
):
    check = disputed(
        session,
        partnership,
        facilitator,
        done,
        {
            "El Triunfo": ["no"] * 5 + ["yes"],
            "La Unión": ["yes", "no"],
            "Remolinos": ["no", "no", "unknown"],
        },
    )
    checks.close_check(session, actor=None, check=check)
    login(representative)
    page = page_text(client.get(f"/p/{partnership.id}/actions/{done.id}"))
    assert "Community check: 2 yes, 8 no, 1 don't know." in page
    assert (
        "El Triunfo 1 5 0 6 Other places (pooled) Remolinos , La Unión 1 3 1 5 All places 2 8 1 11"
    ) in page
    assert "flagged on the dashboard and put on the next review's agenda" in page
    check_page = page_text(client.get(f"/p/{partnership.id}/community/checks/{check.id}"))
    assert "Other places (pooled) Remolinos , La Unión 1 3 1 5" in check_page


def test_the_dashboard_and_the_report_show_a_disputed_action(
    session, client, login, partnership, facilitator, representative, done
):
    check = disputed(session, partnership, facilitator, done, {"El Triunfo": ["no"] * 5})
    checks.close_check(session, actor=None, check=check)
    login(representative)
    dashboard = page_text(client.get(f"/p/{partnership.id}/"))
    assert (
        "1 action needs the partners' attention Village water supply · Palmas del Caguán · "
        "Community check: 0 yes, 5 no, 0 don't know."
    ) in dashboard
    report = page_text(client.get(f"/p/{partnership.id}/monitoring/report"))
    assert "Community checks of done actions" in report
    assert "Village water supply Palmas del Caguán Community check: 0 yes, 5 no" in report
    assert client.get(f"/p/{partnership.id}/monitoring/report.pdf").status_code == 200


def test_the_review_page_shows_the_disputed_action(
    session, client, login, partnership, facilitator, done
):
    check = disputed(session, partnership, facilitator, done, {"El Triunfo": ["no"] * 5})
    checks.close_check(session, actor=None, check=check)
    review = reviews.schedule_review(
        session,
        actor=facilitator,
        partnership=partnership,
        fields={"title": {"es": "Revisión de marzo"}, "scheduled_at": utcnow() + timedelta(days=3)},
    )
    login(facilitator)
    page = page_text(client.get(f"/p/{partnership.id}/monitoring/reviews/{review.id}"))
    assert "Disputed by the community Village water supply, led by Palmas del Caguán" in page
    assert "the community says no: 5 no, 0 yes, 0 don't know" in page


def public_page(session, client, partnership) -> str:
    session.add(
        ChecklistSettings(partnership_id=partnership.id, public_page=True, public_token="t" * 43)
    )
    session.flush()
    return page_text(client.get(f"/public/actions/{'t' * 43}?lang=en"))


def test_the_public_page_shows_totals_from_five_answers_only(
    session, client, partnership, facilitator, done
):
    check = disputed(session, partnership, facilitator, done, {"El Triunfo": ["no"] * 4})
    assert "Community check" not in public_page(session, client, partnership)
    crowd(session, partnership, check, {"El Triunfo": ["yes"]}, start=5000)
    page = page_text(client.get(f"/public/actions/{'t' * 43}?lang=en"))
    assert "Community check so far: 1 yes, 4 no, 0 don't know." in page
    assert "El Triunfo" not in page


def test_lists_of_checks_do_not_grow_in_queries_with_rows(
    session, client, login, partnership, facilitator, add_action, count_queries
):
    login(facilitator)

    def add(n):
        for i in range(n):
            action = add_action(title={"es": f"A{i}"}, status="done", progress=100)
            check = disputed(session, partnership, facilitator, action, {"X": ["no"] * 5})
            checks.close_check(session, actor=None, check=check)

    session.add(
        ChecklistSettings(partnership_id=partnership.id, public_page=True, public_token="q" * 43)
    )
    paths = (
        f"/p/{partnership.id}/community/checks",
        f"/p/{partnership.id}/",
        f"/public/actions/{'q' * 43}",
        f"/p/{partnership.id}/monitoring/report",
    )

    def count(path):
        with count_queries() as counted:
            assert client.get(path).status_code == 200
        return counted["n"]

    # Three first: the dashboard's recent activity names its entries' objects with one query
    # per kind of object, so the first rows must already bring every kind.
    add(3)
    few = [count(path) for path in paths]
    add(4)
    assert [count(path) for path in paths] == few
    with count_queries() as small:
        generate_agenda(session, partnership=partnership, now=utcnow())
    add(3)
    with count_queries() as large:
        assert len(generate_agenda(session, partnership=partnership, now=utcnow())) == 10
    assert large["n"] == small["n"]


def test_the_demo_has_a_done_action_the_community_disputes(session, client, login):
    demo.seed_if_empty(session)
    caguan = session.scalars(select(Partnership).where(Partnership.name == DEMO_CAGUAN)).one()
    james = session.scalars(select(User).where(User.email == "james.okafor@demo.hsbp.example"))
    login(james.one())  # an observer, reading English

    dashboard = page_text(client.get(f"/p/{caguan.id}/"))
    assert (
        "1 action needs the partners' attention Haulage hours agreed with the community · "
        "Agroforestal del Caguán S.A.S. · Community check: 2 yes, 5 no, 1 don't know."
    ) in dashboard
    march = session.scalars(
        select(Review).where(Review.partnership_id == caguan.id, Review.status == "scheduled")
    ).one()
    page = page_text(client.get(f"/p/{caguan.id}/monitoring/reviews/{march.id}"))
    assert (
        "Disputed by the community Haulage hours agreed with the community, led by Agroforestal "
        "del Caguán S.A.S., is marked done, but the community says no: 5 no, 2 yes, 1 don't know"
    ) in page
