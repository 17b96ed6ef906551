"""Exit by the leaver protocol: a departure lists the leaving partner's open actions, budget
lines and grievances; each is handed to a named current partner; the partner leaves once
everything is handed over, or when a facilitator overrides with a reason."""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from hsbp.actions.models import Action, ActionUpdate
from hsbp.audit import AuditEntry
from hsbp.governance import departures
from hsbp.governance.entry_hooks import handovers_to_do
from hsbp.grievances import services as grievance_services
from hsbp.grievances.models import GrievanceOfficer
from hsbp.notifications.items import memberships_of
from hsbp.partnerships.entry_models import Departure, Handover
from hsbp.partnerships.models import Membership
from hsbp.principles import content as doc
from hsbp.principles.models import CharterStatus, CharterVersion
from hsbp.security import Role

BUDGET_KEY = "a" * 32


@pytest.fixture
def world(make, session):
    """A partnership (UTC) whose partner "Leaving" has a lead and a supporting open action,
    a done action, a budget line in the charter in force and a grievance; two partners stay
    and one has left."""
    partnership = make.partnership(locales=["en"], default_locale="en", timezone="UTC")
    leaving = make.partner(partnership, name="Leaving")
    stays = make.partner(partnership, name="Stays")
    other = make.partner(partnership, name="Other")
    gone = make.partner(partnership, name="Gone", left_on=date(2026, 2, 1))
    content = doc.empty_content()
    content["budget"] = [
        {
            "key": BUDGET_KEY,
            "description": {"en": "Seeds"},
            "partner_id": leaving.id,
            "kind": "cash",
            "amount": "1000",
            "currency": "COP",
        }
    ]
    session.add(
        CharterVersion(
            partnership_id=partnership.id,
            number=1,
            status=CharterStatus.ADOPTED,
            content=content,
            adopted_at=datetime(2026, 1, 5, tzinfo=UTC),
        )
    )
    led = Action(partnership_id=partnership.id, title={"en": "Road"}, lead_partner_id=leaving.id)
    supported = Action(
        partnership_id=partnership.id, title={"en": "Well"}, lead_partner_id=other.id
    )
    supported.supporters = [leaving]
    done = Action(
        partnership_id=partnership.id,
        title={"en": "Done"},
        lead_partner_id=leaving.id,
        status="done",
    )
    session.add_all([led, supported, done])
    session.flush()
    grievance = grievance_services.file_grievance(
        session,
        partnership=partnership,
        channel="public",
        description="The truck broke the fence.",
        locale="en",
        complainant=grievance_services.Complainant(name="M"),
        partner_id=leaving.id,
    )
    rep = make.member(
        partnership, Role.REPRESENTATIVE, user=make.user(locale="en"), partner=leaving
    )
    facilitator = make.member(partnership, Role.FACILITATOR, user=make.user(locale="en"))
    return {
        "partnership": partnership,
        "leaving": leaving,
        "stays": stays,
        "other": other,
        "gone": gone,
        "led": led,
        "supported": supported,
        "grievance": grievance,
        "rep": rep,
        "facilitator": facilitator,
    }


def announce(client, w, leaving_on=None, **data):
    leaving_on = leaving_on or date.today() + timedelta(days=30)
    return client.post(
        f"/p/{w['partnership'].id}/partners/{w['leaving'].id}/leave",
        data={"leaving_on": leaving_on.isoformat(), **data},
    )


def the_departure(session) -> Departure:
    return session.scalars(select(Departure)).one()


def hand(client, w, departure, kind, item, to, note=""):
    return client.post(
        f"/p/{w['partnership'].id}/departures/{departure.id}/handover",
        data={"kind": kind, "item": str(item), "to_partner_id": str(to), "note": note},
    )


def test_announcing_lists_the_partners_open_work(client, login, session, world):
    login(world["rep"])
    response = announce(client, world)
    assert response.status_code == 302
    departure = the_departure(session)
    work = departures.handover.work_of(session, departure=departure)
    assert [(w.kind, w.role) for w in work] == [
        ("action", "lead"),
        ("action", "supporting"),
        ("budget", "budget"),
        ("grievance", "concerned"),
    ]
    assert world["leaving"].left_on is None
    page = client.get(response.location).get_data(as_text=True)
    assert "Road" in page and "Well" in page and "Seeds" in page and "Done" not in page
    # A representative sees no grievance, only how many a facilitator hands over.
    assert world["grievance"].code not in page
    assert "1 grievance concerning it is handed over by a facilitator." in page


def test_leaving_date_in_the_past_is_refused(client, login, session, world):
    login(world["rep"])
    response = announce(client, world, leaving_on=date.today() - timedelta(days=2))
    assert response.status_code == 422
    assert "The leaving date cannot be in the past." in response.get_data(as_text=True)
    assert session.scalar(select(func.count()).select_from(Departure)) == 0


def test_a_second_announcement_is_refused(client, login, world):
    login(world["rep"])
    announce(client, world)
    response = announce(client, world)
    assert response.status_code == 422
    assert "already announced" in response.get_data(as_text=True)


def test_another_partners_representative_may_not_announce(client, make, login, world):
    login(make.member(world["partnership"], Role.REPRESENTATIVE, partner=world["stays"]))
    assert announce(client, world).status_code == 404


def test_handing_over_the_lead_keeps_the_actions_history(client, login, session, world):
    login(world["rep"])
    announce(client, world)
    departure = the_departure(session)
    response = hand(client, world, departure, "action", world["led"].id, world["stays"].id, "Ok")
    assert response.status_code == 302
    session.expire_all()
    assert world["led"].lead_partner_id == world["stays"].id
    update = session.scalars(
        select(ActionUpdate).where(ActionUpdate.action_id == world["led"].id)
    ).one()
    assert update.comment == (
        "Leaving leaves the partnership: Stays takes over its part in this action.\nOk"
    )
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "action.handover")).one()
    assert entry.details["lead_partner_id"] == [world["leaving"].id, world["stays"].id]
    assert session.scalars(select(Handover.item)).all() == [str(world["led"].id)]


def test_handing_over_a_supporting_place(client, login, session, world):
    login(world["rep"])
    announce(client, world)
    hand(client, world, the_departure(session), "action", world["supported"].id, world["stays"].id)
    session.expire_all()
    assert [p.name for p in world["supported"].supporters] == ["Stays"]
    assert world["supported"].lead_partner_id == world["other"].id


def test_a_hand_over_to_a_partner_that_has_left_is_refused(client, login, session, world):
    login(world["rep"])
    announce(client, world)
    departure = the_departure(session)
    response = hand(client, world, departure, "action", world["led"].id, world["gone"].id)
    assert response.status_code == 422
    assert "Gone has left the partnership: choose a current partner." in response.get_data(
        as_text=True
    )
    session.expire_all()
    assert world["led"].lead_partner_id == world["leaving"].id
    assert session.scalar(select(func.count()).select_from(Handover)) == 0


def test_a_hand_over_to_the_leaving_partner_or_a_stranger_is_refused(
    client, make, login, session, world
):
    login(world["rep"])
    announce(client, world)
    departure = the_departure(session)
    response = hand(client, world, departure, "action", world["led"].id, world["leaving"].id)
    assert response.status_code == 422
    assert "another partner than the one leaving" in response.get_data(as_text=True)
    stranger = make.partner(make.partnership())
    response = hand(client, world, departure, "action", world["led"].id, stranger.id)
    assert response.status_code == 422
    assert "Choose a partner of this partnership." in response.get_data(as_text=True)
    for junk in ("", "x", "99999999999999999999"):
        assert hand(client, world, departure, "action", world["led"].id, junk).status_code == 422


def test_a_hand_over_to_a_partner_also_leaving_is_refused(client, login, session, world):
    login(world["facilitator"])
    announce(client, world)
    client.post(
        f"/p/{world['partnership'].id}/partners/{world['stays'].id}/leave",
        data={"leaving_on": (date.today() + timedelta(days=9)).isoformat()},
    )
    departure = session.scalars(
        select(Departure).where(Departure.partner_id == world["leaving"].id)
    ).one()
    response = hand(client, world, departure, "action", world["led"].id, world["stays"].id)
    assert response.status_code == 422
    assert "Stays is leaving the partnership too" in response.get_data(as_text=True)


def test_an_item_not_in_the_leavers_name_is_refused(client, login, session, world):
    login(world["facilitator"])
    announce(client, world)
    departure = the_departure(session)
    response = hand(client, world, departure, "action", 999999, world["stays"].id)
    assert response.status_code == 422
    assert "This is no longer in the leaving partner&#39;s name." in response.get_data(as_text=True)


def test_a_budget_line_is_handed_over_in_an_amendment_draft(client, login, session, world):
    login(world["rep"])
    announce(client, world)
    departure = the_departure(session)
    assert (
        hand(client, world, departure, "budget", BUDGET_KEY, world["stays"].id).status_code == 302
    )
    versions = session.scalars(select(CharterVersion).order_by(CharterVersion.number)).all()
    assert [(v.number, v.status) for v in versions] == [(1, "adopted"), (2, "draft")]
    assert versions[0].content["budget"][0]["partner_id"] == world["leaving"].id
    assert versions[1].content["budget"][0]["partner_id"] == world["stays"].id
    assert versions[1].content["budget"][0]["key"] == BUDGET_KEY
    kinds = [w.kind for w in departures.handover.work_of(session, departure=departure)]
    assert kinds == ["action", "action", "grievance"]


def test_a_budget_line_waits_while_a_version_is_proposed(client, login, session, world):
    session.add(
        CharterVersion(
            partnership_id=world["partnership"].id,
            number=2,
            status=CharterStatus.PROPOSED,
            content=session.scalars(select(CharterVersion)).one().content,
        )
    )
    session.flush()
    login(world["rep"])
    announce(client, world)
    response = hand(client, world, the_departure(session), "budget", BUDGET_KEY, world["stays"].id)
    assert response.status_code == 422
    assert "Version 2 of the charter is proposed to the partners" in response.get_data(as_text=True)


def test_grievances_are_handed_over_by_a_facilitator_only(client, login, session, world):
    login(world["rep"])
    announce(client, world)
    departure = the_departure(session)
    grievance = world["grievance"]
    response = hand(client, world, departure, "grievance", grievance.id, world["stays"].id)
    assert response.status_code == 422
    assert "Only a facilitator can hand this over." in response.get_data(as_text=True)
    login(world["facilitator"])
    assert (
        hand(client, world, departure, "grievance", grievance.id, world["stays"].id).status_code
        == 302
    )
    session.expire_all()
    assert grievance.partner_id == world["stays"].id


def test_a_grievance_its_officer_handles_goes_to_an_officer_of_the_named_partner(
    client, make, login, session, world
):
    partnership = world["partnership"]
    grievance = grievance_services.file_grievance(
        session,
        partnership=partnership,
        channel="public",
        description="Noise at night.",
        locale="en",
        complainant=grievance_services.Complainant(name="N"),
    )
    stays_rep = make.member(partnership, Role.REPRESENTATIVE, partner=world["stays"])
    for user in (world["rep"], stays_rep):
        session.add(
            GrievanceOfficer(partnership_id=partnership.id, user_id=user.id, role="representative")
        )
    grievance.officer_id = world["rep"].id
    session.flush()
    login(world["facilitator"])
    announce(client, world)
    departure = the_departure(session)
    response = hand(client, world, departure, "grievance", grievance.id, world["other"].id)
    assert response.status_code == 422
    assert "No grievance officer represents Other" in response.get_data(as_text=True)
    assert (
        hand(client, world, departure, "grievance", grievance.id, world["stays"].id).status_code
        == 302
    )
    session.expire_all()
    assert (grievance.officer_id, grievance.partner_id) == (stays_rep.id, None)


def test_the_partner_leaves_once_everything_is_handed_over(client, login, session, world):
    login(world["facilitator"])
    announce(client, world, leaving_on=date.today())
    departure = the_departure(session)
    pid = world["partnership"].id
    for kind, item in (
        ("action", world["led"].id),
        ("action", world["supported"].id),
        ("budget", BUDGET_KEY),
    ):
        assert hand(client, world, departure, kind, item, world["stays"].id).status_code == 302
        session.expire_all()
        assert world["leaving"].left_on is None
    hand(client, world, departure, "grievance", world["grievance"].id, world["other"].id)
    session.expire_all()
    assert departure.status == "completed"
    assert world["leaving"].left_on == date.today()
    # Its representative's membership ended with it, as a removal does.
    assert (
        session.scalar(
            select(func.count())
            .select_from(Membership)
            .where(Membership.user_id == world["rep"].id)
        )
        == 0
    )
    actions = session.scalars(
        select(AuditEntry.action).where(AuditEntry.partnership_id == pid)
    ).all()
    assert "partner.leave" in actions and "membership.delete" in actions
    assert "partner.leave_override" not in actions


def test_a_future_leaving_date_keeps_the_representatives_until_it_comes(
    client, login, session, world
):
    login(world["facilitator"])
    announce(client, world, leaving_on=date.today() + timedelta(days=3))
    departure = the_departure(session)
    client.post(
        f"/p/{world['partnership'].id}/departures/{departure.id}/settle",
        data={"reason": "Bankrupt"},
    )
    session.expire_all()
    assert world["leaving"].left_on == date.today() + timedelta(days=3)
    assert world["leaving"].is_current is True
    assert departures.end_due_representation(session) == 0
    assert session.get(Membership, _membership_id(session, world["rep"])) is not None
    departure.leaving_on = world["leaving"].left_on = date.today()
    session.flush()
    assert departures.end_due_representation(session) == 1
    assert _membership_id(session, world["rep"]) is None
    assert departures.end_due_representation(session) == 0


def _membership_id(session, user):
    return session.scalar(select(Membership.id).where(Membership.user_id == user.id))


def test_an_override_needs_a_facilitator_and_a_reason(client, login, session, world):
    login(world["rep"])
    announce(client, world)
    departure = the_departure(session)
    url = f"/p/{world['partnership'].id}/departures/{departure.id}/settle"
    assert client.post(url, data={"reason": "Now"}).status_code == 404
    login(world["facilitator"])
    response = client.post(url, data={"reason": ""})
    assert response.status_code == 422
    assert "Say why the partner leaves before its work is handed over." in response.get_data(
        as_text=True
    )
    session.expire_all()
    assert world["leaving"].left_on is None
    assert client.post(url, data={"reason": "Closed its office"}).status_code == 302
    session.expire_all()
    assert world["leaving"].left_on == departure.leaving_on
    entry = session.scalars(
        select(AuditEntry).where(AuditEntry.action == "partner.leave_override")
    ).one()
    assert entry.details["reason"] == "Closed its office"
    assert entry.details["left"] == [
        f"action:{world['led'].id}",
        f"action:{world['supported'].id}",
        f"budget:{BUDGET_KEY}",
        f"grievance:{world['grievance'].id}",
    ]
    assert (
        hand(client, world, departure, "action", world["led"].id, world["stays"].id).status_code
        == 422
    )


def test_a_partner_with_nothing_in_its_name_leaves_at_once(client, make, login, session, world):
    login(world["facilitator"])
    response = client.post(
        f"/p/{world['partnership'].id}/partners/{world['other'].id}/leave",
        data={"leaving_on": (date.today() + timedelta(days=1)).isoformat()},
    )
    assert response.status_code == 302
    # "Other" leads the "Well" action: it is listed, so the departure waits.
    assert world["other"].left_on is None
    free = make.partner(world["partnership"], name="Free")
    client.post(
        f"/p/{world['partnership'].id}/partners/{free.id}/leave",
        data={"leaving_on": (date.today() + timedelta(days=1)).isoformat()},
    )
    session.expire_all()
    assert free.left_on == date.today() + timedelta(days=1)


def test_cancelling_a_departure_keeps_the_partner(client, login, session, world):
    login(world["rep"])
    announce(client, world)
    departure = the_departure(session)
    url = f"/p/{world['partnership'].id}/departures/{departure.id}/cancel"
    assert client.post(url).status_code == 302
    session.expire_all()
    assert (departure.status, world["leaving"].left_on) == ("cancelled", None)


def test_a_departure_of_another_partnership_is_404(client, make, login, session, world):
    login(world["rep"])
    announce(client, world)
    departure = the_departure(session)
    other = make.partnership()
    login(make.member(other, Role.FACILITATOR))
    assert client.get(f"/p/{other.id}/departures/{departure.id}").status_code == 404


def test_facilitators_and_the_leaving_representative_are_told(client, make, login, session, world):
    login(world["rep"])
    announce(client, world)
    departure = the_departure(session)
    bystander = make.member(world["partnership"], Role.REPRESENTATIVE, partner=world["stays"])

    def items(user):
        return handovers_to_do(
            session,
            user=user,
            memberships=memberships_of(session, user_id=user.id),
            locale="en",
            now=datetime.now(UTC),
        )

    for user in (world["rep"], world["facilitator"]):
        found = items(user)
        assert [(i.key, i.url, i.text, i.overdue) for i in found] == [
            (
                f"partner_handover:{departure.id}",
                f"/p/{world['partnership'].id}/departures/{departure.id}",
                "Hand over the work of Leaving before it leaves.",
                False,
            )
        ]
    assert items(bystander) == []


def test_the_handover_provider_runs_a_fixed_number_of_queries(make, session, count_queries):
    user = make.user()
    counts = []
    for n in (1, 5):
        for _ in range(n):
            partnership = make.partnership()
            make.member(partnership, Role.FACILITATOR, user=user)
            partner = make.partner(partnership)
            session.add(
                Departure(
                    partnership_id=partnership.id, partner_id=partner.id, leaving_on=date.today()
                )
            )
        session.flush()
        memberships = memberships_of(session, user_id=user.id)
        with count_queries() as counter:
            found = handovers_to_do(
                session, user=user, memberships=memberships, locale="en", now=datetime.now(UTC)
            )
        counts.append(counter["n"])
        assert len(found) == len(memberships)
    assert counts[0] == counts[1] == 1


def test_the_partners_page_queries_do_not_grow(client, make, login, session, count_queries):
    partnership = make.partnership()
    login(make.member(partnership, Role.FACILITATOR))
    counts = []
    for n in (1, 6):
        for _ in range(n):
            partner = make.partner(partnership)
            session.add(
                Departure(
                    partnership_id=partnership.id, partner_id=partner.id, leaving_on=date.today()
                )
            )
        session.flush()
        with count_queries() as counter:
            assert client.get(f"/p/{partnership.id}/partners").status_code == 200
        counts.append(counter["n"])
    assert counts[0] == counts[1]
