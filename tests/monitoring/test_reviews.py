"""Reviews: scheduling, attendance and minutes (holding the review freezes its agenda),
decisions put to the vote creating follow-up actions in the checklist and a charter amendment
draft once adopted (nothing before), a bad follow-up refused with nothing written, who may put
one, and the decision log. The votes themselves: test_review_votes*.py."""

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from hsbp.actions.models import Action, ActionUpdate
from hsbp.audit import AuditEntry
from hsbp.errors import ServiceError
from hsbp.monitoring import review_votes, reviews, services
from hsbp.monitoring.review_models import (
    Decision,
    DecisionAction,
    DecisionState,
    Review,
    ReviewAttendance,
    ReviewStatus,
)
from hsbp.partnerships.models import Membership, Partnership
from hsbp.principles.content import empty_content
from hsbp.principles.models import CharterStatus, CharterVersion
from hsbp.security import Role
from tests.monitoring.conftest import add_indicator

WHEN = datetime(2026, 11, 20, 14, 0, tzinfo=UTC)


@pytest.fixture
def council(make, partnership):
    return make.partner(partnership, name="Alcaldía", sector="local_government")


@pytest.fixture
def charter(session, partnership):
    """Version 1 in force, deciding by majority."""
    content = empty_content()
    content["decision_rule"]["rule"] = "majority"
    version = CharterVersion(
        partnership_id=partnership.id, number=1, status=CharterStatus.ADOPTED, content=content
    )
    session.add(version)
    session.flush()
    return version


@pytest.fixture
def review(session, partnership, facilitator):
    return reviews.schedule_review(
        session,
        actor=facilitator,
        partnership=partnership,
        fields={
            "title": {"es": "Revisión anual", "en": "Annual review"},
            "scheduled_at": WHEN,
            "place": "Casa comunal",
        },
    )


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def decision_data(**overrides):
    values = {"text": "Ampliar el pozo", "decided_by": "Todos los socios presentes"}
    return {**values, **overrides}


def adopt(session, make, facilitator, decision, partners):
    """Mark `partners` present at the decision's review and have each one's representative
    vote for it."""
    review = session.get(Review, decision.review_id)
    reviews.record_attendance(
        session,
        actor=facilitator,
        review=review,
        attendance={p.id: {"present": True, "names": ""} for p in partners},
    )
    for partner in partners:
        partnership = session.get(Partnership, review.partnership_id)
        user = make.member(partnership, Role.REPRESENTATIVE, partner=partner)
        membership = session.scalar(select(Membership).where(Membership.user_id == user.id))
        review_votes.cast_vote(
            session, actor=user, membership=membership, decision=decision, choice="for"
        )


def url(partnership, review=None, tail=""):
    base = f"/p/{partnership.id}/monitoring/reviews"
    return f"{base}/{review.id}{tail}" if review is not None else base


# Scheduling ------------------------------------------------------------------------------


def test_schedule_review_creates_it_scheduled_with_an_audit_entry(session, review, facilitator):
    assert (review.title, review.place, review.status) == (
        {"es": "Revisión anual", "en": "Annual review"},
        "Casa comunal",
        ReviewStatus.SCHEDULED,
    )
    assert review.scheduled_at == WHEN
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "review.schedule"))
    assert (entry.object_id, entry.actor_id) == (review.id, facilitator.id)


def test_schedule_review_without_a_title_in_the_default_language_is_refused(
    session, partnership, facilitator
):
    with pytest.raises(ServiceError) as refused:
        reviews.schedule_review(
            session,
            actor=facilitator,
            partnership=partnership,
            fields={"title": {"en": "Annual review"}, "scheduled_at": WHEN},
        )
    assert refused.value.field == "title_es"
    assert count(session, Review) == 0


def test_schedule_review_decades_away_is_refused(session, partnership, facilitator):
    with pytest.raises(ServiceError) as refused:
        reviews.schedule_review(
            session,
            actor=facilitator,
            partnership=partnership,
            fields={"title": {"es": "Revisión"}, "scheduled_at": datetime(2090, 1, 1, tzinfo=UTC)},
        )
    assert refused.value.field == "scheduled_on"


def test_schedule_page_creates_a_review_in_the_partnership_time_zone(
    session, client, login, partnership, facilitator
):
    login(facilitator)
    response = client.post(
        url(partnership),
        data={
            "title_es": "Revisión semestral",
            "scheduled_on": "2027-03-10",
            "scheduled_time": "10:30",
            "place": "Florencia",
        },
    )
    created = session.scalar(select(Review))
    assert response.status_code == 302
    assert response.location.endswith(url(partnership, created))
    # 10:30 in Bogotá (UTC-5).
    assert created.scheduled_at == datetime(2027, 3, 10, 15, 30, tzinfo=UTC)
    listing = client.get(url(partnership)).get_data(as_text=True)
    assert "Revisión semestral" in listing


def test_schedule_page_without_a_date_re_renders_with_422(
    session, client, login, partnership, facilitator
):
    login(facilitator)
    response = client.post(url(partnership), data={"title_es": "Revisión"})
    assert response.status_code == 422
    assert "Give the date of the review." in response.get_data(as_text=True)
    assert count(session, Review) == 0


# Attendance, minutes and the agenda ------------------------------------------------------


def off_track_indicator(session, partnership, actor, name="Empleo local"):
    found = add_indicator(session, partnership, actor, name=name, target_on=date(2027, 1, 1))
    services.record_value(
        session, actor=actor, indicator=found, period_on=date(2026, 10, 1), value="21"
    )
    return found


def test_review_page_shows_the_live_agenda_while_scheduled(
    session, client, login, partnership, facilitator, review
):
    off_track_indicator(session, partnership, facilitator)
    login(facilitator)
    page = client.get(url(partnership, review)).get_data(as_text=True)
    assert "Indicator off track" in page
    assert "Empleo local: latest value 21 %" in page


def test_attendance_holds_the_review_and_freezes_its_agenda(
    session, client, login, partnership, facilitator, review, company, council
):
    off_track_indicator(session, partnership, facilitator)
    login(facilitator)
    response = client.post(
        url(partnership, review, "/attendance"),
        data={f"present_{company.id}": "y", f"names_{company.id}": "Ana Ruiz, Luis Gil"},
    )
    assert response.status_code == 302
    session.refresh(review)
    assert review.status == ReviewStatus.HELD
    assert [item["kind"] for item in review.agenda] == ["indicator_off_track"]
    rows = session.scalars(select(ReviewAttendance).order_by(ReviewAttendance.partner_id)).all()
    assert [(r.partner_id, r.present, r.names) for r in rows] == [
        (company.id, True, "Ana Ruiz, Luis Gil"),
        (council.id, False, ""),
    ]
    # Later data does not change what the review looked at.
    off_track_indicator(session, partnership, facilitator, name="Agua potable")
    page = client.get(url(partnership, review)).get_data(as_text=True)
    assert "Empleo local" in page and "Agua potable" not in page


def test_attendance_of_a_partner_of_another_partnership_is_refused(
    session, make, partnership, facilitator, review
):
    stranger = make.partner(make.partnership())
    with pytest.raises(ServiceError):
        reviews.record_attendance(
            session,
            actor=facilitator,
            review=review,
            attendance={stranger.id: {"present": True, "names": "X"}},
        )
    assert count(session, ReviewAttendance) == 0


def test_minutes_are_saved_and_shown_to_an_observer(
    session, client, login, make, partnership, facilitator, review
):
    login(facilitator)
    response = client.post(
        url(partnership, review, "/minutes"), data={"minutes": "Se revisó el pozo."}
    )
    assert response.status_code == 302
    session.refresh(review)
    assert (review.minutes, review.status) == ("Se revisó el pozo.", ReviewStatus.HELD)
    login(make.member(partnership, Role.OBSERVER))
    page = client.get(url(partnership, review)).get_data(as_text=True)
    assert "Se revisó el pozo." in page
    assert "Record a decision" not in page and "<textarea" not in page


# Decisions -------------------------------------------------------------------------------


def test_adopted_decision_creates_two_actions_and_a_charter_amendment_draft(
    session, client, login, make, partnership, facilitator, review, company, council, charter
):
    login(facilitator)
    response = client.post(
        url(partnership, review, "/decisions"),
        data=decision_data(
            **{
                "actions-0-title": "Ampliar el pozo comunitario",
                "actions-0-lead_partner_id": str(company.id),
                "actions-0-due_on": "2027-03-31",
                "actions-2-title": "Mantenimiento de la vía",
                "actions-2-lead_partner_id": str(council.id),
                "actions-2-due_on": "2027-06-30",
                "amend_charter": "y",
            }
        ),
    )
    assert response.status_code == 302
    decision = session.scalar(select(Decision))
    assert (decision.text, decision.decided_by, decision.rule, decision.state) == (
        "Ampliar el pozo",
        "Todos los socios presentes",
        "majority",
        DecisionState.VOTING,
    )
    # Put to the vote, it has created nothing yet.
    assert (count(session, Action), count(session, DecisionAction)) == (0, 0)
    assert (count(session, CharterVersion), decision.charter_version_id) == (1, None)

    adopt(session, make, facilitator, decision, [company, council])

    assert decision.state == DecisionState.ADOPTED
    assert decision.partner_ids == sorted([company.id, council.id])
    assert decision.decided_at == WHEN
    actions = session.scalars(select(Action).order_by(Action.id)).all()
    assert [(a.title, a.lead_partner_id, a.due_on, a.status) for a in actions] == [
        ({"es": "Ampliar el pozo comunitario"}, company.id, date(2027, 3, 31), "planned"),
        ({"es": "Mantenimiento de la vía"}, council.id, date(2027, 6, 30), "planned"),
    ]
    assert "Revisión anual" in actions[0].description["es"]
    assert "Ampliar el pozo" in actions[0].description["en"]
    links = session.scalars(select(DecisionAction.action_id).order_by(DecisionAction.id)).all()
    assert links == [a.id for a in actions]
    assert count(session, ActionUpdate) == 2
    draft = session.get(CharterVersion, decision.charter_version_id)
    assert (draft.number, draft.status, draft.based_on_id) == (2, CharterStatus.DRAFT, charter.id)
    checklist = client.get(f"/p/{partnership.id}/actions").get_data(as_text=True)
    assert "Ampliar el pozo comunitario" in checklist and "Mantenimiento de la vía" in checklist
    page = client.get(url(partnership, review)).get_data(as_text=True)
    assert "Ampliar el pozo comunitario" in page and "Version 2" in page


def test_decision_links_the_open_draft_instead_of_starting_another(
    session, make, partnership, facilitator, review, charter, company
):
    open_draft = CharterVersion(
        partnership_id=partnership.id, number=2, status=CharterStatus.DRAFT, content={}
    )
    session.add(open_draft)
    session.flush()

    decision = reviews.record_decision(
        session,
        actor=facilitator,
        review=review,
        fields={"text": "Revisar la regla de decisión", "amend_charter": True},
    )
    adopt(session, make, facilitator, decision, [company])

    assert decision.charter_version_id == open_draft.id
    assert count(session, CharterVersion) == 2


def test_decision_rule_defaults_to_consensus_without_a_charter_in_force(
    session, facilitator, review
):
    decision = reviews.record_decision(
        session, actor=facilitator, review=review, fields={"text": "Seguir", "rule": "majority"}
    )
    # The facilitator does not choose the rule: without a charter, partners decide together.
    assert (decision.rule, decision.state, decision.charter_version_id) == (
        "consensus",
        DecisionState.VOTING,
        None,
    )


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ({"actions-1-due_on": "2027-31-12"}, "Write the date as YYYY-MM-DD."),
        ({"actions-1-lead_partner_id": "stranger"}, "Choose a lead partner of this partnership."),
    ],
)
def test_decision_with_a_bad_follow_up_writes_nothing(
    session, client, login, make, partnership, facilitator, review, company, charter, row, message
):
    stranger = make.partner(make.partnership())
    login(facilitator)
    before = (count(session, Decision), count(session, Action), count(session, CharterVersion))
    data = decision_data(
        **{
            "actions-0-title": "Bien escrita",
            "actions-0-lead_partner_id": str(company.id),
            "actions-0-due_on": "2027-03-31",
            "actions-1-title": "Mal escrita",
            "actions-1-lead_partner_id": str(company.id),
            "actions-1-due_on": "2027-04-30",
            "amend_charter": "y",
        }
    )
    data.update({k: str(stranger.id) if v == "stranger" else v for k, v in row.items()})

    response = client.post(url(partnership, review, "/decisions"), data=data)

    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page
    assert 'value="Mal escrita"' in page
    assert before == (0, 0, 1)
    assert (
        count(session, Decision),
        count(session, Action),
        count(session, CharterVersion),
        count(session, DecisionAction),
    ) == (0, 0, 1, 0)
    session.refresh(review)
    assert review.status == ReviewStatus.SCHEDULED


def test_record_decision_with_a_bad_second_row_writes_nothing(
    session, partnership, facilitator, review, company
):
    with pytest.raises(ServiceError) as refused:
        reviews.record_decision(
            session,
            actor=facilitator,
            review=review,
            fields={
                "text": "Dos acciones",
                "actions": [
                    {"title": "Una", "lead_partner_id": company.id, "due_on": date(2027, 1, 1)},
                    {"title": "", "lead_partner_id": company.id, "due_on": date(2027, 1, 1)},
                ],
            },
        )
    assert refused.value.field == "actions-1-title"
    assert (count(session, Decision), count(session, Action)) == (0, 0)


def test_a_representative_cannot_record_a_decision(
    session, client, login, make, partnership, review, company
):
    representative = make.member(partnership, Role.REPRESENTATIVE, partner=company)
    login(representative)
    response = client.post(url(partnership, review, "/decisions"), data=decision_data())
    assert response.status_code == 404
    with pytest.raises(ServiceError):
        reviews.record_decision(
            session, actor=representative, review=review, fields={"text": "Por mi cuenta"}
        )
    assert count(session, Decision) == 0


def test_a_review_of_another_partnership_is_404(
    session, client, login, make, partnership, facilitator
):
    other = make.partnership()
    foreign = reviews.schedule_review(
        session,
        actor=make.member(other),
        partnership=other,
        fields={"title": {"es": "Ajena"}, "scheduled_at": WHEN},
    )
    login(facilitator)
    assert client.get(url(partnership, foreign)).status_code == 404
    assert (
        client.post(url(partnership, foreign, "/minutes"), data={"minutes": "x"}).status_code == 404
    )
    response = client.post(url(partnership, foreign, "/decisions"), data=decision_data())
    assert response.status_code == 404
    assert count(session, Decision) == 0


# The decision log ------------------------------------------------------------------------


def decide(session, make, facilitator, review, company, n):
    for i in range(n):
        decision = reviews.record_decision(
            session,
            actor=facilitator,
            review=review,
            fields={
                "text": f"Decisión {i}",
                "actions": [
                    {"title": f"Acción {i}", "lead_partner_id": company.id, "due_on": "2027-05-01"}
                ],
                "amend_charter": True,
            },
        )
        adopt(session, make, facilitator, decision, [company])


def test_decision_log_lists_decisions_newest_first_with_actions_and_draft(
    session, make, partnership, facilitator, review, company, charter
):
    decide(session, make, facilitator, review, company, 2)

    log = reviews.decision_log(session, partnership_id=partnership.id)

    assert [e.decision.text for e in log] == ["Decisión 1", "Decisión 0"]
    assert [[a.title["es"] for a in e.actions] for e in log] == [["Acción 1"], ["Acción 0"]]
    assert [e.actions[0].lead_partner.name for e in log] == ["Minera Andina", "Minera Andina"]
    assert [(e.review.id, e.charter_draft_number) for e in log] == [(review.id, 2), (review.id, 2)]


def test_decision_log_query_count_is_flat(
    session, client, login, make, partnership, facilitator, review, company, charter, count_queries
):
    decide(session, make, facilitator, review, company, 1)
    session.expunge_all()
    with count_queries() as few:
        found = reviews.decision_log(session, partnership_id=partnership.id)
        [a.lead_partner.name for e in found for a in e.actions]
    decide(session, make, facilitator, session.get(Review, review.id), company, 6)
    session.expunge_all()
    with count_queries() as many:
        found = reviews.decision_log(session, partnership_id=partnership.id)
        [a.lead_partner.name for e in found for a in e.actions]
    assert len(found) == 7
    assert many["n"] == few["n"] <= 3


def test_decisions_page_query_count_is_flat(
    session, client, login, make, partnership, facilitator, review, company, count_queries
):
    login(facilitator)
    decide(session, make, facilitator, review, company, 1)
    with count_queries() as few:
        page = client.get(f"/p/{partnership.id}/monitoring/decisions")
    decide(session, make, facilitator, review, company, 5)
    with count_queries() as many:
        assert client.get(f"/p/{partnership.id}/monitoring/decisions").status_code == 200
    assert page.status_code == 200 and "Acción 0" in page.get_data(as_text=True)
    assert many["n"] == few["n"]
