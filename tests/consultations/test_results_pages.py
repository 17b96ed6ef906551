"""Results pages over HTTP: who may read them, hidden groups, constant queries, themes,
and no identity on the pages of an anonymous consultation."""

import pytest
from sqlalchemy import func, select

from hsbp.audit import AuditEntry
from hsbp.consultations import themes
from hsbp.consultations.models import Answer, Participation, answer_themes
from hsbp.security import Role
from hsbp.sms.contacts import get_or_create_contact
from tests.consultations.test_results import common_ground_answers, fixture_answers, respond

PHONE = "+573105559876"
NAME = "Wilmer Quintero Anacona"


def base(consultation) -> str:
    return f"/p/{consultation.partnership_id}/consultations/{consultation.id}"


@pytest.fixture
def observer(make, partnership):
    return make.member(partnership, Role.OBSERVER, user=make.user(locale="en"))


def identified(session, make, build, *, anonymous: bool):
    """A consultation answered by a named member and a contact with a phone, among others."""
    consultation = build(anonymous=anonymous)
    member = make.user(name=NAME, locale="en")
    contact = get_or_create_contact(session, PHONE)
    respond(session, consultation, sector="company", user_id=member.id, water="river")
    respond(session, consultation, sector="community_group", channel="sms", contact_id=contact.id)
    for _ in range(4):
        respond(session, consultation, sector="community_group", channel="sms")
    session.add_all(
        [
            Participation(consultation_id=consultation.id, user_id=member.id, channel="web"),
            Participation(consultation_id=consultation.id, contact_id=contact.id, channel="sms"),
        ]
    )
    session.flush()
    return consultation


@pytest.mark.parametrize("page", ["/results", "/results/common-ground", "/results/print"])
def test_results_pages_are_open_to_observers(
    client, login, session, build, partnership, observer, page
):
    consultation = fixture_answers(session, build, partnership)
    login(observer)
    response = client.get(base(consultation) + page)
    assert response.status_code == 200
    assert "Water and roads" in response.get_data(as_text=True)


def test_results_page_marks_hidden_groups_without_figures(
    client, login, session, build, partnership, observer
):
    consultation = fixture_answers(session, build, partnership)
    login(observer)
    html = client.get(base(consultation) + "/results").get_data(as_text=True)
    # Civil society, assisted entry, youth and victims, in each of the 4 choice questions;
    # company and web are hidden with them so that neither can be derived by subtraction.
    assert html.count("Fewer than 5, hidden") == 16
    assert html.count("cannot be worked out") == 8
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in html
    assert "style=" not in html and "<script" not in html


def test_results_page_query_count_does_not_grow_with_respondents(
    client, login, session, build, partnership, observer, count_queries
):
    consultation = fixture_answers(session, build, partnership)
    login(observer)
    urls = [base(consultation) + p for p in ("/results", "/results/common-ground")]

    def measure():
        found = []
        for url in urls:
            with count_queries() as counter:
                assert client.get(url).status_code == 200
            found.append(counter["n"])
        return found

    few = measure()
    for n in range(30):
        respond(
            session,
            consultation,
            sector=["company", "academic", "local_government"][n % 3],
            channel=["web", "sms", "assisted"][n % 3],
            water="river",
        )
    assert measure() == few


def test_common_ground_page_lists_shared_and_divergent_answers(
    client, login, session, build, observer
):
    consultation = common_ground_answers(session, build)
    login(observer)
    html = client.get(base(consultation) + "/results/common-ground").get_data(as_text=True)
    assert "Most shared answers" in html and "Most divergent answers" in html
    assert html.index("Roads") < html.index("Most divergent answers")
    assert "Divergent" in html


@pytest.mark.parametrize("anonymous", [True, False])
def test_results_pages_never_show_respondents(
    client, login, session, make, build, facilitator, anonymous
):
    consultation = identified(session, make, build, anonymous=anonymous)
    login(facilitator)
    for page in ("/results", "/results/common-ground", "/results/print", "/themes"):
        html = client.get(base(consultation) + page).get_data(as_text=True)
        assert PHONE not in html and NAME not in html


def test_themes_page_is_for_facilitators(client, login, session, build, partnership, observer):
    consultation = fixture_answers(session, build, partnership)
    login(observer)
    assert client.get(base(consultation) + "/themes").status_code == 404


def test_themes_are_created_and_tag_written_answers(
    client, login, session, build, partnership, facilitator
):
    consultation = fixture_answers(session, build, partnership)
    login(facilitator)
    response = client.post(base(consultation) + "/themes", data={"name": "Agua turbia"})
    assert response.status_code == 302
    theme = themes.themes_of(session, consultation=consultation)[0]
    answer_id = session.scalar(select(func.min(Answer.id)).where(Answer.text.is_not(None)))
    url = f"{base(consultation)}/themes/answers/{answer_id}"
    assert client.post(url, data={"theme_id": theme.id}).status_code == 302
    assert themes.theme_counts(session, consultation=consultation) == [(theme, 1)]
    html = client.get(base(consultation) + "/themes").get_data(as_text=True)
    assert "El agua baja turbia." in html and "Remove the theme" in html
    assert "Agua turbia" in client.get(base(consultation) + "/results").get_data(as_text=True)
    client.post(url, data={"theme_id": theme.id, "action": "untag"})
    assert session.scalar(select(func.count()).select_from(answer_themes)) == 0
    actions = session.scalars(
        select(AuditEntry.action).where(AuditEntry.action.like("consultation_theme.%"))
    ).all()
    assert sorted(actions) == [
        "consultation_theme.create",
        "consultation_theme.tag",
        "consultation_theme.untag",
    ]


def test_a_theme_name_is_required_and_unique(client, login, session, build, facilitator):
    consultation = build()
    login(facilitator)
    assert client.post(base(consultation) + "/themes", data={"name": "  "}).status_code == 422
    client.post(base(consultation) + "/themes", data={"name": "Vías"})
    response = client.post(base(consultation) + "/themes", data={"name": "vías"})
    assert response.status_code == 422
    assert "already has a theme of this name" in response.get_data(as_text=True)


def test_an_answer_of_another_consultation_cannot_be_tagged(
    client, login, session, build, partnership, facilitator
):
    mine = build()
    other = fixture_answers(session, build, partnership)
    login(facilitator)
    client.post(base(mine) + "/themes", data={"name": "Vías"})
    theme = themes.themes_of(session, consultation=mine)[0]
    answer_id = session.scalar(select(func.min(Answer.id)).where(Answer.text.is_not(None)))
    assert other.id != mine.id
    response = client.post(f"{base(mine)}/themes/answers/{answer_id}", data={"theme_id": theme.id})
    assert response.status_code == 404


def test_results_of_another_partnerships_consultation_are_404(
    client, login, make, session, build, partnership
):
    consultation = fixture_answers(session, build, partnership)
    other = make.partnership()
    login(make.member(other, Role.FACILITATOR))
    url = f"/p/{other.id}/consultations/{consultation.id}/results"
    assert client.get(url).status_code == 404


def test_demo_consultation_shows_groups_hides_a_small_one_and_a_silent_sector(
    client, login, session, partnership, facilitator
):
    from hsbp.consultations import demo

    consultation = demo.seed(session, partnership, facilitator)
    login(facilitator)
    html = client.get(base(consultation) + "/results").get_data(as_text=True)
    assert "Fewer than 5, hidden" in html
    assert "National government" in html and "Missing" in html
    assert client.get(base(consultation) + "/results/common-ground").status_code == 200
