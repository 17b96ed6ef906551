"""Facilitators on the record: profiles every member reads, and the community-side
co-facilitator."""

from datetime import UTC, date, datetime

from sqlalchemy import select

from hsbp.audit import AuditEntry
from hsbp.governance import facilitation_needs
from hsbp.notifications import kinds
from hsbp.partnerships.models import Membership
from hsbp.partnerships.profile_demo import ORGANISATION, seed_profiles
from hsbp.partnerships.profile_models import FacilitatorProfile
from hsbp.security import Role

NOW = datetime(2026, 12, 5, tzinfo=UTC)


def profile_data(**values):
    data = {
        "organisation": "PNUD Colombia",
        "neutrality-es": "No represento a ninguna parte.",
        "neutrality-en": "I speak for no party.",
        "interests-es": "Ninguno.",
        "interests-en": "None.",
    }
    data.update(values)
    return data


def membership_of(session, partnership, user) -> Membership:
    return session.scalars(
        select(Membership).where(
            Membership.partnership_id == partnership.id, Membership.user_id == user.id
        )
    ).one()


def actions(session, partnership) -> list[str]:
    return list(
        session.scalars(
            select(AuditEntry.action)
            .where(AuditEntry.partnership_id == partnership.id)
            .order_by(AuditEntry.id)
        )
    )


def test_facilitator_writes_a_profile_every_member_reads(client, make, login, session, app):
    partnership = make.partnership()
    facilitator = make.member(partnership, Role.FACILITATOR, user=make.user(name="Lucía"))
    login(facilitator)
    response = client.post(f"/p/{partnership.id}/facilitation/profile", data=profile_data())
    assert response.status_code == 302
    assert response.headers["Location"] == f"/p/{partnership.id}/facilitation"
    profile = session.scalars(select(FacilitatorProfile)).one()
    assert (profile.organisation, profile.neutrality, profile.interests) == (
        "PNUD Colombia",
        {"es": "No represento a ninguna parte.", "en": "I speak for no party."},
        {"es": "Ninguno.", "en": "None."},
    )
    entry = session.scalars(
        select(AuditEntry).where(AuditEntry.action == "facilitator_profile.update")
    ).one()
    assert entry.details == {
        "membership_id": profile.membership_id,
        "changed": ["interests", "neutrality", "organisation"],
    }
    observer = login(
        make.member(partnership, Role.OBSERVER, user=make.user(locale="en")), app.test_client()
    )
    body = observer.get(f"/p/{partnership.id}/facilitation").get_data(as_text=True)
    assert "Lucía" in body and "PNUD Colombia" in body and "I speak for no party." in body
    assert "No profile yet" not in body


def test_facilitator_without_profile_is_shown_as_such_and_reminded(client, make, login):
    partnership = make.partnership()
    facilitator = make.member(partnership, Role.FACILITATOR, user=make.user(locale="en"))
    login(facilitator)
    assert "No profile yet" in client.get(f"/p/{partnership.id}/facilitation").get_data(
        as_text=True
    )
    dashboard = client.get(f"/p/{partnership.id}/").get_data(as_text=True)
    assert "Write your facilitator's profile" in dashboard
    client.post(f"/p/{partnership.id}/facilitation/profile", data=profile_data())
    dashboard = client.get(f"/p/{partnership.id}/").get_data(as_text=True)
    assert "Write your facilitator's profile" not in dashboard


def test_profile_needs_the_main_language_and_changes_nothing_otherwise(
    client, make, login, session
):
    partnership = make.partnership()
    login(make.member(partnership, Role.FACILITATOR, user=make.user(locale="en")))
    url = f"/p/{partnership.id}/facilitation/profile"
    for data, message in (
        (profile_data(organisation="  "), "Say which organisation you come from."),
        (profile_data(**{"neutrality-es": ""}), "neutrality statement in the partnership"),
        (profile_data(**{"interests-es": " "}), "Declare your interests"),
        (profile_data(organisation="x" * 201), "Field cannot be longer than 200 characters."),
    ):
        response = client.post(url, data=data)
        assert response.status_code == 422
        assert message in response.get_data(as_text=True).replace("&#39;", "'")
    assert session.scalars(select(FacilitatorProfile)).all() == []
    assert actions(session, partnership) == []


def test_only_facilitators_edit_a_profile_and_only_their_own(client, make, login, session):
    partnership = make.partnership()
    other = make.member(partnership, Role.FACILITATOR)
    client.application  # noqa: B018
    login(make.member(partnership, Role.REPRESENTATIVE))
    assert client.get(f"/p/{partnership.id}/facilitation/profile").status_code == 404
    assert (
        client.post(f"/p/{partnership.id}/facilitation/profile", data=profile_data()).status_code
        == 404
    )
    login(make.member(partnership, Role.FACILITATOR))
    client.post(f"/p/{partnership.id}/facilitation/profile", data=profile_data())
    profile = session.scalars(select(FacilitatorProfile)).one()
    assert profile.membership_id != membership_of(session, partnership, other).id


def test_saving_the_same_profile_again_adds_no_entry(client, make, login, session):
    partnership = make.partnership()
    login(make.member(partnership, Role.FACILITATOR))
    url = f"/p/{partnership.id}/facilitation/profile"
    client.post(url, data=profile_data())
    client.post(url, data=profile_data())
    client.post(url, data=profile_data(organisation="OACNUDH"))
    assert actions(session, partnership) == [
        "facilitator_profile.update",
        "facilitator_profile.update",
    ]
    entries = session.scalars(
        select(AuditEntry).where(AuditEntry.action == "facilitator_profile.update")
    ).all()
    assert entries[1].details["changed"] == ["organisation"]


def community_setting(make, partnership):
    cabildo = make.partner(partnership, name="Cabildo", sector="community_group")
    company = make.partner(partnership, name="Minera", sector="company")
    lead = make.member(partnership, Role.FACILITATOR, user=make.user(name="Lucía", locale="en"))
    rosa = make.member(
        partnership, Role.REPRESENTATIVE, user=make.user(name="Rosa"), partner=cabildo
    )
    andres = make.member(
        partnership, Role.REPRESENTATIVE, user=make.user(name="Andrés"), partner=company
    )
    return cabildo, company, lead, rosa, andres


def test_facilitator_names_a_community_co_facilitator_and_stands_them_down(
    client, make, login, session, app
):
    partnership = make.partnership()
    cabildo, _company, lead, rosa, _andres = community_setting(make, partnership)
    login(lead)
    page = client.get(f"/p/{partnership.id}/facilitation").get_data(as_text=True)
    assert "Rosa (Cabildo)" in page and "Andrés" not in page
    seat = membership_of(session, partnership, rosa)
    response = client.post(
        f"/p/{partnership.id}/facilitation/co-facilitators", data={"co-membership_id": seat.id}
    )
    assert response.status_code == 302
    session.refresh(seat)
    assert (seat.role, seat.partner_id) == ("facilitator", None)
    profile = session.scalars(select(FacilitatorProfile)).one()
    assert (profile.community_partner_id, profile.named_by_id) == (cabildo.id, lead.id)
    assert actions(session, partnership) == ["membership.update", "co_facilitator.name"]
    # Every member sees who she is and where she comes from, on both pages.
    reader = login(
        make.member(partnership, Role.OBSERVER, user=make.user(locale="en")), app.test_client()
    )
    body = reader.get(f"/p/{partnership.id}/facilitation").get_data(as_text=True)
    assert "Co-facilitator (community)" in body and "from Cabildo" in body
    members = reader.get(f"/p/{partnership.id}/members").get_data(as_text=True)
    assert "Co-facilitator (community)" in members
    # Standing down gives her seat for the partner back.
    response = client.post(
        f"/p/{partnership.id}/facilitation/co-facilitators/{seat.id}/remove",
        data={},
    )
    assert response.status_code == 302
    session.refresh(seat)
    session.refresh(profile)
    assert (seat.role, seat.partner_id) == ("representative", cabildo.id)
    assert profile.community_partner_id is None
    assert actions(session, partnership)[-2:] == ["membership.update", "co_facilitator.remove"]


def test_co_facilitator_of_a_partner_that_left_stands_down_as_observer(
    client, make, login, session
):
    partnership = make.partnership()
    cabildo, _company, lead, rosa, _andres = community_setting(make, partnership)
    login(lead)
    seat = membership_of(session, partnership, rosa)
    client.post(
        f"/p/{partnership.id}/facilitation/co-facilitators", data={"co-membership_id": seat.id}
    )
    cabildo.left_on = date(2026, 1, 2)
    session.flush()
    client.post(f"/p/{partnership.id}/facilitation/co-facilitators/{seat.id}/remove")
    session.refresh(seat)
    assert (seat.role, seat.partner_id) == ("observer", None)


def test_only_community_side_representatives_may_be_named(client, make, login, session):
    partnership = make.partnership()
    _cabildo, _company, lead, _rosa, andres = community_setting(make, partnership)
    elsewhere = make.partnership()
    stranger = make.member(
        elsewhere, Role.REPRESENTATIVE, partner=make.partner(elsewhere, sector="community_group")
    )
    login(lead)
    url = f"/p/{partnership.id}/facilitation/co-facilitators"
    refused = "Choose a representative of a community group or civil society partner"
    for value in (
        membership_of(session, partnership, andres).id,  # a company's representative
        membership_of(session, partnership, lead).id,  # already a facilitator
        membership_of(session, elsewhere, stranger).id,  # another partnership's member
        0,  # nobody chosen
    ):
        response = client.post(url, data={"co-membership_id": value})
        assert response.status_code == 422, value
        assert refused in response.get_data(as_text=True)
    for junk in ("abc", "99999999999999999999", "-1", "", "²"):
        response = client.post(url, data={"co-membership_id": junk})
        assert response.status_code == 422, junk
        assert refused in response.get_data(as_text=True)
    assert actions(session, partnership) == []
    assert session.scalars(select(FacilitatorProfile)).all() == []


def test_standing_down_someone_not_co_facilitator_changes_nothing(client, make, login, session):
    partnership = make.partnership()
    _cabildo, _company, lead, rosa, _andres = community_setting(make, partnership)
    login(lead)
    for membership in (
        membership_of(session, partnership, lead),
        membership_of(session, partnership, rosa),
    ):
        response = client.post(
            f"/p/{partnership.id}/facilitation/co-facilitators/{membership.id}/remove",
            follow_redirects=True,
        )
        assert "This member is not a co-facilitator." in response.get_data(as_text=True)
    assert (
        client.post(f"/p/{partnership.id}/facilitation/co-facilitators/999999/remove").status_code
        == 302
    )
    assert actions(session, partnership) == []


def test_representatives_cannot_name_or_stand_down(client, make, login, session):
    partnership = make.partnership()
    _cabildo, _company, _lead, rosa, andres = community_setting(make, partnership)
    login(andres)
    seat = membership_of(session, partnership, rosa)
    url = f"/p/{partnership.id}/facilitation/co-facilitators"
    assert client.post(url, data={"co-membership_id": seat.id}).status_code == 404
    assert client.post(f"{url}/{seat.id}/remove").status_code == 404
    assert "Name a co-facilitator" not in client.get(f"/p/{partnership.id}/facilitation").get_data(
        as_text=True
    )
    assert actions(session, partnership) == []


def test_co_facilitation_ends_with_the_role_changed_on_the_members_page(
    client, make, login, session
):
    partnership = make.partnership()
    cabildo, _company, lead, rosa, _andres = community_setting(make, partnership)
    login(lead)
    seat = membership_of(session, partnership, rosa)
    client.post(
        f"/p/{partnership.id}/facilitation/co-facilitators", data={"co-membership_id": seat.id}
    )
    client.post(
        f"/p/{partnership.id}/members/{seat.id}",
        data={f"m{seat.id}-role": "representative", f"m{seat.id}-partner_id": cabildo.id},
    )
    session.refresh(seat)
    assert seat.role == "representative"
    profile = session.scalars(select(FacilitatorProfile)).one()
    assert profile.community_partner_id is None
    assert actions(session, partnership)[-2:] == ["co_facilitator.remove", "membership.update"]
    # Removed from the partnership, the profile goes with the membership.
    client.post(
        f"/p/{partnership.id}/facilitation/co-facilitators", data={"co-membership_id": seat.id}
    )
    client.post(f"/p/{partnership.id}/members/{seat.id}/remove", data={"confirm": "1"})
    assert session.scalars(select(FacilitatorProfile)).all() == []
    assert actions(session, partnership)[-2:] == ["co_facilitator.remove", "membership.delete"]


def test_facilitation_page_queries_do_not_grow_with_facilitators(
    client, make, login, session, count_queries
):
    partnership = make.partnership()
    login(make.member(partnership, Role.FACILITATOR))
    url = f"/p/{partnership.id}/facilitation"
    client.get(url)
    with count_queries() as few:
        client.get(url)
    for _n in range(6):
        user = make.member(partnership, Role.FACILITATOR)
        session.add(
            FacilitatorProfile(
                partnership_id=partnership.id,
                membership_id=membership_of(session, partnership, user).id,
                organisation="ONU",
                neutrality={"es": "Sin parte tomada"},
                interests={"es": "Ninguno"},
                updated_at=NOW,
            )
        )
        make.member(
            partnership,
            Role.REPRESENTATIVE,
            partner=make.partner(partnership, sector="civil_society"),
        )
    session.flush()
    with count_queries() as many:
        body = client.get(url).get_data(as_text=True)
    assert body.count("Sin parte tomada") == 6
    assert many["n"] == few["n"]


def test_notification_item_lists_partnerships_without_a_profile(app, make, session, count_queries):
    assert "facilitator_profile" in kinds(app)
    user = make.user(locale="en")
    first, second, third = make.partnership(name="Caguán"), make.partnership(), make.partnership()
    for partnership in (first, second):
        make.member(partnership, Role.FACILITATOR, user=user)
    make.member(third, Role.OBSERVER, user=user)
    written = membership_of(session, second, user)
    session.add(
        FacilitatorProfile(
            partnership_id=second.id,
            membership_id=written.id,
            organisation="ONU",
            neutrality={"es": "x"},
            interests={"es": "y"},
            updated_at=NOW,
        )
    )
    session.flush()
    memberships = list(session.scalars(select(Membership).where(Membership.user_id == user.id)))
    with count_queries() as counter:
        items = facilitation_needs.profiles_missing(
            session, user=user, memberships=memberships, locale="en", now=NOW
        )
    assert counter["n"] == 1
    seat = membership_of(session, first, user)
    assert [(i.kind, i.key, i.partnership_id, i.url) for i in items] == [
        (
            "facilitator_profile",
            f"facilitator_profile:{seat.id}",
            first.id,
            f"/p/{first.id}/facilitation/profile",
        )
    ]
    assert items[0].text.startswith("Write your facilitator's profile for Caguán")
    spanish = facilitation_needs.profiles_missing(
        session, user=user, memberships=memberships, locale="es", now=NOW
    )
    assert spanish[0].key == items[0].key
    observer_only = [m for m in memberships if m.role == "observer"]
    with count_queries() as none:
        assert (
            facilitation_needs.profiles_missing(
                session, user=user, memberships=observer_only, locale="en", now=NOW
            )
            == []
        )
    assert none["n"] == 0


def test_demo_seeder_writes_the_facilitator_s_profile(make, session):
    partnership = make.partnership()
    facilitator = make.member(partnership, Role.FACILITATOR)
    seed_profiles(session, partnership=partnership, facilitator=facilitator)
    profile = session.scalars(select(FacilitatorProfile)).one()
    assert (profile.organisation, sorted(profile.neutrality), profile.is_written) == (
        ORGANISATION,
        ["en", "es"],
        True,
    )


def test_a_co_facilitator_does_not_manage_members_or_co_facilitators(
    client, make, login, session, app
):
    partnership = make.partnership()
    _cabildo, _company, lead, rosa, andres = community_setting(make, partnership)
    login(lead)
    seat = membership_of(session, partnership, rosa)
    client.post(
        f"/p/{partnership.id}/facilitation/co-facilitators", data={"co-membership_id": seat.id}
    )
    before = actions(session, partnership)
    co = login(rosa, app.test_client())
    lead_seat = membership_of(session, partnership, lead)
    andres_seat = membership_of(session, partnership, andres)
    pid = partnership.id
    # Making themselves or a friend lead facilitator, or inviting one, is not theirs to do.
    assert (
        co.post(
            f"/p/{pid}/members/{lead_seat.id}",
            data={f"m{lead_seat.id}-role": "observer", f"m{lead_seat.id}-partner_id": 0},
        ).status_code
        == 404
    )
    assert co.post(f"/p/{pid}/members/{andres_seat.id}/remove").status_code == 404
    invite = {"invite-email": "amigo@example.org", "invite-role": "facilitator"}
    assert co.post(f"/p/{pid}/members/invite", data=invite).status_code == 404
    assert co.post(f"/p/{pid}/facilitation/co-facilitators/{seat.id}/remove").status_code == 404
    members_page = co.get(f"/p/{pid}/members").get_data(as_text=True)
    assert "invite-email" not in members_page and f"m{lead_seat.id}-role" not in members_page
    facilitation = co.get(f"/p/{pid}/facilitation").get_data(as_text=True)
    assert "Name a co-facilitator" not in facilitation and "Write or change your profile" in (
        facilitation
    )
    session.refresh(lead_seat)
    assert lead_seat.role == "facilitator"
    assert actions(session, partnership) == before
