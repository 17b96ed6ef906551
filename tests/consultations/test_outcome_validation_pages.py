"""The validation pages of a consultation's outcome through HTTP: sending it, a partner's
answer, refusals, the count on the consultation's page, proceeding, and "Needs me" items."""

from datetime import date, datetime, timedelta

from flask import url_for
from sqlalchemy import select

from hsbp.consultations import validation_items
from hsbp.consultations.validation_models import OutcomeAnswer, OutcomeValidation
from hsbp.db import utcnow
from hsbp.notifications import kinds
from hsbp.partnerships.models import Membership
from tests.consultations.test_outcome_validation import answer, closed_with_outcome, send
from tests.principles import partnership_with


def page(setup, consultation, rest: str = "") -> str:
    return f"/p/{setup.partnership.id}/consultations/{consultation.id}{rest}"


def text(response) -> str:
    return response.get_data(as_text=True).replace("&#39;", "'")


def test_the_facilitator_sends_the_outcome_with_a_deadline(client, login, session, make):
    setup = partnership_with(make, partners=2)
    consultation = closed_with_outcome(session, setup)
    login(setup.facilitator)
    detail = text(client.get(page(setup, consultation)))
    assert "Send the outcome to the partners first" in detail
    assert "Make it a charter goal" not in detail
    form = client.get(page(setup, consultation, "/validation"))
    assert form.status_code == 200
    assert 'name="deadline"' in text(form)

    empty = client.post(page(setup, consultation, "/validation/send"), data={"deadline": ""})
    assert empty.status_code == 422
    assert "Choose a deadline." in text(empty)
    wrong = client.post(
        page(setup, consultation, "/validation/send"), data={"deadline": "2026-99-99"}
    )
    assert wrong.status_code == 422
    past = client.post(
        page(setup, consultation, "/validation/send"), data={"deadline": "2020-01-01"}
    )
    assert past.status_code == 422
    assert "Choose a deadline after today." in text(past)
    assert session.scalars(select(OutcomeValidation)).all() == []

    day = date.today() + timedelta(days=10)
    sent = client.post(
        page(setup, consultation, "/validation/send"), data={"deadline": day.isoformat()}
    )
    assert sent.headers["Location"] == page(setup, consultation, "/validation")
    validation = session.scalars(select(OutcomeValidation)).one()
    local = validation.deadline.astimezone(setup.partnership.zone)
    assert (local.date(), local.hour) == (day + timedelta(days=1), 0)
    shown = text(client.get(page(setup, consultation, "/validation")))
    assert "Confirmed by 0 of 2 partners" in shown
    assert "No charter is in force: the default rule, consensus, applies." in shown
    assert 'name="deadline"' not in shown


def test_a_representative_confirms_and_the_count_shows(client, login, session, make):
    setup = partnership_with(make, partners=2)
    consultation = closed_with_outcome(session, setup)
    send(session, setup, consultation)
    login(setup.representatives[0])
    form = text(client.get(page(setup, consultation, "/validation")))
    assert f"The answer of {setup.partners[0].name}" in form
    assert "Clean water" in form

    refused = client.post(
        page(setup, consultation, "/validation/answer"), data={"stance": "changes"}
    )
    assert refused.status_code == 422
    assert "Say which changes you ask for." in text(refused)
    done = client.post(
        page(setup, consultation, "/validation/answer"),
        data={"stance": "confirm", "comment": "Bien recogido"},
    )
    assert done.status_code == 302
    shown = text(client.get(page(setup, consultation, "/validation")))
    assert "Confirmed by 1 of 2 partners" in shown
    assert "Bien recogido" in shown
    # The form keeps the partner's answer, to change it until the deadline.
    assert '<input checked id="stance-0" name="stance" required type="radio" value="confirm">' in (
        shown
    )
    detail = text(client.get(page(setup, consultation)))
    assert "Confirmed by 1 of 2 partners" in detail
    assert "Confirm or comment on the outcome" in detail


def test_others_cannot_answer(client, login, session, make):
    setup = partnership_with(make, partners=1)
    consultation = closed_with_outcome(session, setup)
    send(session, setup, consultation)
    for user in (setup.facilitator, setup.observer):
        login(user)
        assert "The answer of" not in text(client.get(page(setup, consultation, "/validation")))
        refused = client.post(
            page(setup, consultation, "/validation/answer"), data={"stance": "confirm"}
        )
        assert refused.status_code == 422
        assert "Only a partner representative can answer for their partner." in text(refused)
    outsider = partnership_with(make, partners=1)
    login(outsider.representatives[0])
    for path in ("/validation", "/validation/answer"):
        method = client.get if path == "/validation" else client.post
        assert method(page(setup, consultation, path)).status_code == 404
    # Their own partnership's id with a consultation of another one is just as unknown.
    foreign = f"/p/{outsider.partnership.id}/consultations/{consultation.id}/validation"
    assert client.get(foreign).status_code == 404
    login(setup.representatives[0])
    for path in ("/validation/send", "/validation/proceed"):
        assert client.post(page(setup, consultation, path)).status_code == 404
    assert session.scalars(select(OutcomeAnswer)).all() == []


def test_a_validated_outcome_offers_its_items_as_goals(client, login, session, make):
    setup = partnership_with(make, partners=1)
    consultation = closed_with_outcome(session, setup)
    send(session, setup, consultation)
    answer(session, setup, consultation, setup.representatives[0])
    login(setup.facilitator)
    detail = text(client.get(page(setup, consultation)))
    assert "Confirmed by 1 of 1 partner" in detail
    assert "Validated on" in detail
    assert "Make it a charter goal" in detail


def test_past_the_deadline_the_facilitator_proceeds_with_a_reason(client, login, session, make):
    setup = partnership_with(make, partners=2)
    consultation = closed_with_outcome(session, setup)
    sent = send(session, setup, consultation)
    sent.deadline = utcnow() - timedelta(hours=1)
    login(setup.facilitator)
    shown = text(client.get(page(setup, consultation, "/validation")))
    assert "Proceed without validation" in shown
    assert "Send the outcome again" in shown
    blank = client.post(page(setup, consultation, "/validation/proceed"), data={"reason": " "})
    assert blank.status_code == 422
    assert "Say why the outcome feeds the charter without the partners' validation." in text(blank)
    done = client.post(
        page(setup, consultation, "/validation/proceed"),
        data={"reason": "Acta 9 del comité"},
    )
    assert done.status_code == 302
    detail = text(client.get(page(setup, consultation)))
    assert "Acta 9 del comité" in detail
    assert "Make it a charter goal" in detail


def test_the_page_runs_the_same_queries_however_many_partners(
    client, login, session, make, count_queries
):
    def measure(partners: int) -> int:
        setup = partnership_with(make, partners=partners)
        consultation = closed_with_outcome(session, setup)
        send(session, setup, consultation)
        for user in setup.representatives:
            answer(session, setup, consultation, user, "changes", "Más detalle")
        login(setup.facilitator)
        with count_queries() as counter:
            assert client.get(page(setup, consultation, "/validation")).status_code == 200
        return counter["n"]

    assert measure(2) == measure(6)


# "Needs me" ----------------------------------------------------------------------------------


def memberships_of(session, user) -> list[Membership]:
    return session.scalars(select(Membership).where(Membership.user_id == user.id)).all()


def items(session, user, locale="en", now=None):
    return validation_items.unanswered(
        session,
        user=user,
        memberships=memberships_of(session, user),
        locale=locale,
        now=now or utcnow(),
    )


def test_representatives_of_partners_that_have_not_answered_are_needed(app, session, make):
    assert "outcome_validation" in kinds(app)
    setup = partnership_with(make, partners=2)
    consultation = closed_with_outcome(session, setup)
    assert items(session, setup.representatives[0]) == []
    sent = send(session, setup, consultation)
    [item] = items(session, setup.representatives[0])
    assert (item.kind, item.key, item.partnership_id, item.due, item.overdue) == (
        "outcome_validation",
        f"outcome_validation:{sent.id}",
        setup.partnership.id,
        sent.deadline,
        False,
    )
    assert item.text == (
        f"For {setup.partners[0].name}: confirm or comment on the outcome of the consultation "
        "“Water and roads”."
    )
    with app.test_request_context():
        assert item.url == url_for(
            "consultations.validation_page",
            partnership_id=setup.partnership.id,
            consultation_id=consultation.id,
        )
    [spanish] = items(session, setup.representatives[0], locale="es")
    assert "Agua y caminos" in spanish.text
    assert items(session, setup.facilitator) == []
    assert items(session, setup.observer) == []

    answer(session, setup, consultation, setup.representatives[0])
    assert items(session, setup.representatives[0]) == []
    assert len(items(session, setup.representatives[1])) == 1
    assert items(session, setup.representatives[1], now=sent.deadline + timedelta(seconds=1)) == []
    setup.partners[1].left_on = date.today()
    assert items(session, setup.representatives[1]) == []


def test_a_validated_outcome_needs_nobody(session, make):
    setup = partnership_with(make, partners=1)
    consultation = closed_with_outcome(session, setup)
    send(session, setup, consultation)
    other = make.member(setup.partnership, "representative", partner=setup.partners[0])
    answer(session, setup, consultation, setup.representatives[0])
    assert items(session, other) == []


def test_the_provider_runs_the_same_queries_however_many_partnerships(session, make, count_queries):
    user = make.user(locale="en")

    def add_partnership():
        setup = partnership_with(make, partners=1)
        make.member(setup.partnership, "representative", user=user, partner=setup.partners[0])
        send(session, setup, closed_with_outcome(session, setup))

    add_partnership()
    memberships = memberships_of(session, user)
    for membership in memberships:
        membership.partner, membership.partnership  # loaded, as the contract says  # noqa: B018
    with count_queries() as one:
        assert len(items_for(session, user, memberships)) == 1
    for _ in range(3):
        add_partnership()
    memberships = memberships_of(session, user)
    for membership in memberships:
        membership.partner, membership.partnership  # noqa: B018
    with count_queries() as four:
        assert len(items_for(session, user, memberships)) == 4
    assert one["n"] == four["n"] == 2


def items_for(session, user, memberships):
    return validation_items.unanswered(
        session, user=user, memberships=memberships, locale="en", now=utcnow()
    )


def test_the_deadline_is_a_datetime(session, make):
    setup = partnership_with(make, partners=1)
    sent = send(session, setup, closed_with_outcome(session, setup))
    assert isinstance(sent.deadline, datetime) and sent.deadline.tzinfo is not None
