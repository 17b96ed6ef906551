"""The items of the existing features: what each provider lists for a person, in their
language, scoped to their partnerships, in a fixed number of SQL statements."""

from datetime import date, timedelta

from hsbp.notifications import items_for
from hsbp.notifications.items import memberships_of
from hsbp.principles.models import Endorsement
from hsbp.security import Role
from tests.notifications.conftest import NOW


def waiting(session, user, locale="en", now=NOW):
    memberships = memberships_of(session, user_id=user.id)
    return items_for(session, user=user, memberships=memberships, locale=locale, now=now)


def texts(session, user, kind, **kwargs):
    return [(i.text, i.url) for i in waiting(session, user, **kwargs) if i.kind == kind]


def test_a_proposal_awaits_the_representative_until_their_partner_answers(
    session, partnership, company, rep, facilitator, things
):
    version = things.proposal(partnership)
    assert texts(session, rep, "charter_endorsement") == [
        (
            "Version 1 of the charter awaits the answer of Palmas del Caguán: "
            "endorse it or object.",
            f"/p/{partnership.id}/charter",
        )
    ]
    assert texts(session, facilitator, "charter_endorsement") == []
    session.add(
        Endorsement(
            partnership_id=partnership.id,
            version_id=version.id,
            partner_id=company.id,
            stance="endorse",
        )
    )
    session.flush()
    assert texts(session, rep, "charter_endorsement") == []


def test_a_draft_or_a_left_partner_waits_for_nothing(session, partnership, company, rep, things):
    version = things.proposal(partnership)
    version.status = "draft"
    session.flush()
    assert texts(session, rep, "charter_endorsement") == []
    version.status = "proposed"
    company.left_on = date(2026, 1, 2)
    session.flush()
    assert texts(session, rep, "charter_endorsement") == []


def test_actions_due_soon_and_overdue_by_the_partnership_date(
    session, partnership, company, rep, things
):
    soon = things.action(partnership, company, due=date(2026, 9, 30), title="A well")
    late = things.action(partnership, company, due=date(2026, 9, 20), title="A road")
    things.action(partnership, company, due=date(2026, 12, 30), title="Far away")
    done = things.action(partnership, company, due=date(2026, 9, 1), title="Done")
    done.status = "done"
    session.flush()

    found = [i for i in waiting(session, rep) if i.kind == "action_due"]

    assert [(i.text, i.overdue) for i in found] == [
        ("“A road” is overdue: it was due on Sep 20, 2026.", True),
        ("“A well” is due on Sep 30, 2026.", False),
    ]
    assert found[0].url == f"/p/{partnership.id}/actions/{late.id}"
    assert found[1].key == f"action_due:{soon.id}:2026-09-30:soon"
    spanish = texts(session, rep, "action_due", locale="es")
    assert spanish[0][0].startswith("«A road (es)» está vencida")  # its Spanish title, in Spanish


def test_an_action_of_someone_else_is_not_listed(session, make, partnership, rep, things):
    other = make.partner(partnership, name="Alcaldía")
    things.action(partnership, other)
    assert texts(session, rep, "action_due") == []
    named = things.action(partnership, other, responsible=[rep], title="Mine by name")
    assert [t for t, _u in texts(session, rep, "action_due")] == [
        "“Mine by name” is due on Sep 30, 2026."
    ]
    assert named.id


def test_a_grievance_assigned_says_what_to_do_and_never_who_filed_it(
    session, partnership, facilitator, things
):
    received = things.grievance(partnership, facilitator, received_at=NOW - timedelta(days=9))
    things.grievance(partnership, facilitator, stage="response_proposed")
    found = [i for i in waiting(session, facilitator) if i.kind == "grievance_assigned"]
    assert [(i.text, i.overdue) for i in found] == [
        ("A grievance received on Sep 14, 2026 waits for you to acknowledge it.", True)
    ]
    assert found[0].url == f"/p/{partnership.id}/grievances/{received.id}"
    assert "Ana" not in found[0].text and received.code not in found[0].text


def test_consultations_and_pulses_wait_until_answered(
    session, partnership, rep, facilitator, things
):
    consultation = things.consultation(partnership)
    things.consultation(partnership, title="Only SMS", members=False)
    pulse = things.pulse(partnership)
    assert texts(session, rep, "consultation_open") == [
        (
            "The consultation “Water” asks for your answers until Oct 3, 2026.",
            f"/p/{partnership.id}/consultations/{consultation.id}/answer",
        )
    ]
    assert texts(session, rep, "pulse_open") == [
        (
            "Score the partnership's health in “Q3 pulse” before Sep 28, 2026.",
            f"/p/{partnership.id}/pulses/{pulse.id}/answer",
        )
    ]
    # A facilitator runs them and speaks for no partner.
    assert texts(session, facilitator, "consultation_open") == []
    assert texts(session, facilitator, "pulse_open") == []


def test_a_review_is_announced_two_weeks_ahead(session, partnership, rep, things):
    review = things.review(partnership, days=3)
    things.review(partnership, days=20)
    assert texts(session, rep, "review_coming") == [
        (
            "The review “Annual review” is on Sep 26, 2026, 8:00:00\u202fAM at Casa comunal.",
            f"/p/{partnership.id}/monitoring/reviews/{review.id}",
        )
    ]


def test_nothing_of_another_partnership_is_listed(session, make, rep, things):
    other = make.partnership(name="Elsewhere")
    partner = make.partner(other)
    someone = make.member(other, Role.REPRESENTATIVE, partner=partner)
    things.proposal(other)
    things.action(other, partner, responsible=[someone])
    things.consultation(other)
    things.pulse(other)
    things.review(other)
    things.grievance(other, someone)
    assert waiting(session, rep) == []
    assert len(waiting(session, someone)) == 6


def test_the_providers_run_a_fixed_number_of_statements(session, make, count_queries, rep, things):
    def world(n):
        for i in range(n):
            partnership = make.partnership(name=f"Place {i}")
            partner = make.partner(partnership)
            make.member(partnership, Role.REPRESENTATIVE, user=rep, partner=partner)
            things.proposal(partnership)
            things.action(partnership, partner)
            things.consultation(partnership)
            things.pulse(partnership)
            things.review(partnership)
            things.grievance(partnership, rep)

    def statements():
        with count_queries() as counter:
            found = waiting(session, rep)
        return counter["n"], len(found)

    world(2)
    few, found_few = statements()
    world(8)
    many, found_many = statements()
    assert (found_few, found_many) == (12, 60)
    assert many == few
