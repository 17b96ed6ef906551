"""The partnering sequence on the partnership's home (hsbp.governance.sequence)."""

from datetime import UTC, date, datetime
from decimal import Decimal

from hsbp.consultations.models import Consultation
from hsbp.consultations.validation_models import OutcomeValidation
from hsbp.governance.sequence import State, steps
from hsbp.mapping.models import Participant
from hsbp.monitoring.models import Indicator
from hsbp.monitoring.review_models import Review
from hsbp.principles.models import CharterVersion, Endorsement
from hsbp.security import Role

WHEN = datetime(2026, 3, 1, 15, tzinfo=UTC)
OUTCOME = {"needs": [{"key": "n1", "text": {"es": "Agua"}, "goal_key": None}]}


def participant(session, partnership, sector, status="validated", n=[0]):  # noqa: B006
    n[0] += 1
    row = Participant(
        partnership_id=partnership.id,
        display_name=f"P{n[0]}",
        sort_name=f"p{n[0]}",
        protected_name=f"P{n[0]}",
        name_hash=f"h{n[0]}",
        sector=sector,
        status=status,
    )
    session.add(row)
    session.flush()
    return row


def consultation(session, partnership, status, outcome=None):
    row = Consultation(
        partnership_id=partnership.id,
        title={"es": "Consulta"},
        status=status,
        outcome=outcome or {},
    )
    session.add(row)
    session.flush()
    return row


def indicator(session, partnership):
    session.add(
        Indicator(
            partnership_id=partnership.id,
            name={"es": "Empleo local"},
            baseline_value=Decimal(1),
            baseline_on=date(2026, 1, 1),
            target_value=Decimal(5),
            target_on=date(2027, 1, 1),
        )
    )
    session.flush()


def summary(session, partnership):
    return [(s.key, s.state) for s in steps(session, partnership=partnership)]


def test_a_new_partnership_starts_at_mapping_with_everything_to_come(make, session, app):
    partnership = make.partnership()
    with app.test_request_context(headers={"Accept-Language": "en"}):
        found = steps(session, partnership=partnership)
        assert [(s.key, s.state, s.done) for s in found] == [
            ("mapping", State.CURRENT, False),
            ("consultation", State.TO_COME, False),
            ("charter", State.TO_COME, False),
            ("indicators", State.TO_COME, False),
            ("review", State.TO_COME, False),
        ]
        assert found[0].needs == (
            "Map the people, groups and organisations concerned, from every sector."
        )
        assert found[0].who == ["Facilitators", "Every partner's representative"]
        assert [s.endpoint for s in found] == [
            "mapping.register",
            "consultations.index",
            "principles.charter",
            "monitoring.index",
            "monitoring.reviews_index",
        ]


def test_mapping_needs_validation_then_three_sectors(make, session, app):
    partnership = make.partnership()
    with app.test_request_context(headers={"Accept-Language": "en"}):
        participant(session, partnership, "company")
        waiting = participant(session, partnership, "community_group", status="proposed")
        other = participant(session, partnership, "civil_society", status="proposed")
        step = steps(session, partnership=partnership)[0]
        assert (step.done, step.who) == (False, ["Every partner's representative"])
        assert step.needs == (
            "2 participants wait for validation by a partner of another sector than the one "
            "that proposed them."
        )
        waiting.status = "validated"
        session.flush()
        assert steps(session, partnership=partnership)[0].needs.startswith(
            "1 participant waits for validation"
        )
        session.delete(other)
        session.flush()
        step = steps(session, partnership=partnership)[0]
        assert step.needs == (
            "Validated participants come from 2 sectors: map and validate participants "
            "from at least 3."
        )
        participant(session, partnership, "local_government")
        step = steps(session, partnership=partnership)[0]
        assert (step.done, step.state) == (True, State.DONE)
        assert step.needs == "3 participants validated, from 3 sectors."
        assert summary(session, partnership)[1] == ("consultation", State.CURRENT)


def test_consultation_step_follows_its_life_to_the_partners_validation(make, session, app):
    partnership = make.partnership()
    with app.test_request_context(headers={"Accept-Language": "en"}):
        needs = lambda: steps(session, partnership=partnership)[1]  # noqa: E731
        assert needs().needs.startswith("Run a consultation")
        row = consultation(session, partnership, "open")
        assert needs().needs == "Close the consultation once the answers are in."
        row.status = "closed"
        session.flush()
        assert needs().needs.startswith("Write the shared understanding")
        row.outcome = OUTCOME
        session.flush()
        step = needs()
        assert (step.done, step.needs, step.who) == (
            False,
            "The partners validate the consultation's outcome.",
            ["Every partner's representative"],
        )
        session.add(
            OutcomeValidation(
                partnership_id=partnership.id,
                consultation_id=row.id,
                outcome=OUTCOME,
                deadline=WHEN,
                validated_at=WHEN,
            )
        )
        session.flush()
        assert needs().done is True


def test_charter_step_names_the_partners_who_have_not_answered(make, session, app):
    partnership = make.partnership()
    alcaldia = make.partner(partnership, name="Alcaldía")
    make.partner(partnership, name="Cabildo", sector="community_group")
    make.partner(partnership, name="Antigua", left_on=date(2026, 1, 2))
    with app.test_request_context(headers={"Accept-Language": "en"}):
        step = steps(session, partnership=partnership)[2]
        assert step.who == ["Facilitators"]
        version = CharterVersion(partnership_id=partnership.id, number=1, status="proposed")
        session.add(version)
        session.flush()
        session.add(
            Endorsement(
                partnership_id=partnership.id,
                version_id=version.id,
                partner_id=alcaldia.id,
                stance="endorse",
            )
        )
        session.flush()
        step = steps(session, partnership=partnership)[2]
        assert step.who == ["Cabildo"]
        assert step.needs == "Partners endorse or object to version 1; 1 has not answered."
        version.status = "adopted"
        session.flush()
        step = steps(session, partnership=partnership)[2]
        assert (step.done, step.needs) == (True, "Version 1 is in force.")


def test_indicators_are_endorsed_once_the_charter_in_force_holds_them(make, session, app):
    partnership = make.partnership()
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert steps(session, partnership=partnership)[3].needs.startswith("Define the indicators")
        indicator(session, partnership)
        step = steps(session, partnership=partnership)[3]
        assert (step.done, step.who) == (False, ["Facilitators", "Every partner's representative"])
        session.add(
            CharterVersion(
                partnership_id=partnership.id,
                number=1,
                status="adopted",
                content={"indicators": []},
            )
        )
        session.flush()
        assert steps(session, partnership=partnership)[3].done is True


def test_review_step_is_done_once_a_review_is_held(make, session, app):
    partnership = make.partnership()
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert steps(session, partnership=partnership)[4].needs.startswith("Schedule the first")
        review = Review(partnership_id=partnership.id, title={"es": "Revisión"}, scheduled_at=WHEN)
        session.add(review)
        session.flush()
        step = steps(session, partnership=partnership)[4]
        assert step.needs.startswith("Hold the review of ")
        assert step.who == ["Facilitators", "Every partner's representative"]
        review.status, review.held_at = "held", WHEN
        session.flush()
        assert steps(session, partnership=partnership)[4].done is True


def test_a_later_step_done_shows_done_and_the_first_undone_is_current(make, session, app):
    partnership = make.partnership()
    session.add(Review(partnership_id=partnership.id, scheduled_at=WHEN, status="held"))
    session.flush()
    with app.test_request_context():
        assert summary(session, partnership) == [
            ("mapping", State.CURRENT),
            ("consultation", State.TO_COME),
            ("charter", State.TO_COME),
            ("indicators", State.TO_COME),
            ("review", State.DONE),
        ]


def test_steps_run_a_fixed_number_of_queries(make, session, app, count_queries):
    partnership = make.partnership()
    partners = [make.partner(partnership) for _n in range(2)]
    version = CharterVersion(partnership_id=partnership.id, number=1, status="proposed")
    session.add(version)
    session.flush()
    with app.test_request_context():
        with count_queries() as few:
            steps(session, partnership=partnership)
        for n in range(8):
            participant(
                session, partnership, ("company", "civil_society")[n % 2], status="proposed"
            )
            consultation(session, partnership, "closed", OUTCOME)
            indicator(session, partnership)
            session.add(Review(partnership_id=partnership.id, scheduled_at=WHEN))
            partners.append(make.partner(partnership))
        session.add(
            Endorsement(
                partnership_id=partnership.id,
                version_id=version.id,
                partner_id=partners[0].id,
                stance="endorse",
            )
        )
        session.flush()
        with count_queries() as many:
            steps(session, partnership=partnership)
    assert many["n"] == few["n"]


def test_the_dashboard_shows_the_sequence_to_every_member(client, make, login, session):
    partnership = make.partnership()
    login(make.member(partnership, Role.OBSERVER, user=make.user(locale="en")))
    body = client.get(f"/p/{partnership.id}/").get_data(as_text=True)
    assert "Where the partnership stands" in body
    assert 'aria-current="step"' in body
    assert body.index("Participants mapped and validated across sectors") < body.index(
        "First joint review held"
    )
    assert f'href="/p/{partnership.id}/monitoring/reviews"' in body
