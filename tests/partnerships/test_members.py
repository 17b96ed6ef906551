"""Invitations, accepting them, roles, and removing members."""

import re

from sqlalchemy import select

from hsbp.partnerships import members
from hsbp.partnerships.models import Invitation, Membership
from hsbp.security import Role
from tests.conftest import PASSWORD
from tests.emails import last_path

# What a confirmation page's "Yes" button sends (hsbp.confirmation).
YES = {"confirm": "1"}


def invitation_path(_session) -> str:
    # The stored e-mail loses its link once sent: read the one that went out.
    return last_path("/invitations/")


def invite(client, partnership, **data):
    form = {"invite-email": "new@example.org", "invite-role": "observer", "invite-partner_id": "0"}
    form.update({f"invite-{k}": v for k, v in data.items()})
    return client.post(f"/p/{partnership.id}/members/invite", data=form)


def test_invited_person_creates_an_account_and_joins(app, client, make, login, session):
    partnership = make.partnership(name="Caguán")
    partner = make.partner(partnership, name="Alcaldía")
    login(make.member(partnership, Role.FACILITATOR))
    response = invite(
        client,
        partnership,
        email="martha@example.org",
        role="representative",
        partner_id=str(partner.id),
    )
    assert response.status_code == 302
    path = invitation_path(session)
    newcomer = app.test_client()
    assert "Join Caguán" in newcomer.get(path, headers={"Accept-Language": "en"}).get_data(
        as_text=True
    )
    joined = newcomer.post(
        path, data={"name": "Martha", "locale": "es", "password": PASSWORD, "confirm": PASSWORD}
    )
    assert joined.headers["Location"] == f"/p/{partnership.id}/"
    membership = session.scalars(
        select(Membership).where(Membership.partner_id == partner.id)
    ).one()
    assert (membership.role, membership.user.email) == ("representative", "martha@example.org")
    assert newcomer.get(f"/p/{partnership.id}/").status_code == 200
    # The link is spent.
    assert app.test_client().get(path).status_code == 404


def test_existing_user_must_sign_in_with_the_invited_address(app, client, make, login, session):
    partnership = make.partnership()
    login(make.member(partnership, Role.FACILITATOR))
    invited = make.user(email="ana@example.org")
    invite(client, partnership, email="ana@example.org")
    path = invitation_path(session)
    visitor = app.test_client()
    assert visitor.get(path).headers["Location"].startswith("/login?next=/invitations/")
    stranger = login(make.user(), target=app.test_client())
    refused = stranger.post(path)
    assert refused.status_code == 422
    assert "sent to another e-mail address" in refused.get_data(as_text=True)
    owner = login(invited, target=app.test_client())
    assert owner.post(path).headers["Location"] == f"/p/{partnership.id}/"


def test_representative_invitation_needs_a_partner_of_this_partnership(
    client, make, login, session
):
    partnership = make.partnership()
    foreign = make.partner(make.partnership())
    login(make.member(partnership, Role.FACILITATOR, user=make.user(locale="en")))
    response = invite(client, partnership, role="representative", partner_id=str(foreign.id))
    assert response.status_code == 422
    assert session.scalars(select(Invitation)).all() == []


def test_inviting_a_member_again_is_refused(client, make, login, session):
    partnership = make.partnership()
    make.member(partnership, Role.OBSERVER, user=make.user(email="ana@example.org"))
    login(make.member(partnership, Role.FACILITATOR, user=make.user(locale="en")))
    response = invite(client, partnership, email="ANA@example.org")
    assert response.status_code == 422
    assert "This person is already a member." in response.get_data(as_text=True)


def test_a_new_invitation_replaces_the_pending_one(client, make, login, session):
    partnership = make.partnership()
    login(make.member(partnership, Role.FACILITATOR))
    invite(client, partnership, email="ana@example.org")
    first = invitation_path(session)
    invite(client, partnership, email="ana@example.org", role="facilitator")
    assert client.get(first).status_code == 404
    session.expire_all()
    live = [i for i in session.scalars(select(Invitation)) if i.is_pending]
    assert [(i.email, i.role) for i in live] == [("ana@example.org", "facilitator")]


def test_facilitator_revokes_an_invitation(client, make, login, session):
    partnership = make.partnership()
    login(make.member(partnership, Role.FACILITATOR))
    invite(client, partnership)
    path = invitation_path(session)
    invitation = session.scalars(select(Invitation)).one()
    client.post(f"/p/{partnership.id}/invitations/{invitation.id}/revoke")
    assert client.get(path).status_code == 404


def test_the_last_facilitator_cannot_be_demoted_or_removed(client, make, login, session):
    partnership = make.partnership()
    facilitator = make.member(partnership, Role.FACILITATOR, user=make.user(locale="en"))
    login(facilitator)
    membership = session.scalars(select(Membership)).one()
    demoted = client.post(
        f"/p/{partnership.id}/members/{membership.id}",
        data={f"m{membership.id}-role": "observer", f"m{membership.id}-partner_id": "0"},
        follow_redirects=True,
    )
    assert "A partnership needs at least one facilitator." in demoted.get_data(as_text=True)
    removed = client.post(
        f"/p/{partnership.id}/members/{membership.id}/remove", data=YES, follow_redirects=True
    )
    assert "A partnership needs at least one facilitator." in removed.get_data(as_text=True)
    session.expire_all()
    assert session.get(Membership, membership.id).role == "facilitator"


def test_facilitator_changes_a_role_and_removes_a_member(client, make, login, session):
    partnership = make.partnership()
    partner = make.partner(partnership)
    login(make.member(partnership, Role.FACILITATOR))
    other = make.member(partnership, Role.OBSERVER)
    membership = session.scalars(select(Membership).where(Membership.user_id == other.id)).one()
    client.post(
        f"/p/{partnership.id}/members/{membership.id}",
        data={
            f"m{membership.id}-role": "representative",
            f"m{membership.id}-partner_id": str(partner.id),
        },
    )
    session.expire_all()
    assert (membership.role, membership.partner_id) == ("representative", partner.id)
    membership_id = membership.id
    client.post(f"/p/{partnership.id}/members/{membership_id}/remove", data=YES)
    session.expire_all()
    assert session.get(Membership, membership_id) is None


def test_members_page_queries_do_not_grow_with_members(client, make, login, count_queries):
    partnership = make.partnership()
    login(make.member(partnership, Role.FACILITATOR))
    with count_queries() as few:
        client.get(f"/p/{partnership.id}/members")
    for _ in range(15):
        make.member(partnership, Role.REPRESENTATIVE)
    with count_queries() as many:
        assert client.get(f"/p/{partnership.id}/members").status_code == 200
    assert many["n"] == few["n"]


def test_the_invitation_form_starts_at_the_least_privileged_role(client, make, login, session):
    partnership = make.partnership()
    login(make.member(partnership, Role.FACILITATOR))
    page = client.get(f"/p/{partnership.id}/members").get_data(as_text=True)
    field = page.split('name="invite-role"')[1].split("</select>")[0]
    assert re.findall(r'<option (selected )?value="(\w+)"', field) == [
        ("selected ", "observer"),
        ("", "representative"),
        ("", "facilitator"),
    ]
    # A form sent without a role invites an observer: facilitator is only ever chosen.
    client.post(
        f"/p/{partnership.id}/members/invite",
        data={"invite-email": "ana@example.org", "invite-partner_id": "0"},
    )
    assert [(i.email, i.role) for i in session.scalars(select(Invitation))] == [
        ("ana@example.org", "observer")
    ]


def test_membership_listeners_hear_changes_and_removals(app_with, make, session):
    other = app_with()
    heard = []

    def listener(_session, change):
        heard.append((change.old_role, change.membership.role, change.removed))
        return "noted"

    members.on_membership_change(other, listener)
    members.on_membership_change(other, listener)  # registered once
    partnership = make.partnership()
    partner = make.partner(partnership)
    boss = make.member(partnership, Role.FACILITATOR)
    user = make.member(partnership, Role.OBSERVER)
    membership = session.scalars(select(Membership).where(Membership.user_id == user.id)).one()
    with other.app_context():
        changed = members.change_member(
            session, actor=boss, membership=membership, role="representative", partner_id=partner.id
        )
        unchanged = members.change_member(
            session, actor=boss, membership=membership, role="representative", partner_id=partner.id
        )
        removed = members.remove_member(session, actor=boss, membership=membership)
    assert heard == [
        ("observer", "representative", False),
        ("representative", "representative", True),
    ]
    assert (changed, unchanged, removed) == (["noted"], [], ["noted"])


def test_removing_a_member_asks_first_and_changes_nothing(client, make, login, session):
    partnership = make.partnership(name="Caguán")
    login(make.member(partnership, Role.FACILITATOR, user=make.user(locale="en")))
    ana = make.member(partnership, Role.OBSERVER, user=make.user(name="Ana"))
    membership = session.scalars(select(Membership).where(Membership.user_id == ana.id)).one()
    path = f"/p/{partnership.id}/members/{membership.id}/remove"
    listing = client.get(f"/p/{partnership.id}/members").get_data(as_text=True)
    assert f'<form method="post" action="{path}">' in listing
    assert 'class="danger">Remove<span class="visually-hidden"> · Ana</span>' in listing

    asked = client.post(path)
    assert asked.status_code == 200
    page = asked.get_data(as_text=True)
    assert "Remove <bdi>Ana</bdi> from the partnership?" in page
    assert "<bdi>Ana</bdi> will no longer see the pages of <bdi>Caguán</bdi>" in page
    assert "This cannot be undone. To bring them back, invite them again" in page
    assert f'<form method="post" action="{path}" class="row">' in page
    assert '<input type="hidden" name="confirm" value="1">' in page
    assert f'<a class="button" href="/p/{partnership.id}/members">Cancel</a>' in page
    assert '<button type="submit" class="danger">Yes, remove <bdi>Ana</bdi></button>' in page
    session.expire_all()
    assert session.get(Membership, membership.id) is not None
    # Anything but "1" is no answer either.
    assert client.post(path, data={"confirm": "yes"}).status_code == 200
    assert session.get(Membership, membership.id) is not None


def test_the_administrators_invitation_form_starts_at_the_least_privileged_role(
    client, make, login
):
    partnership = make.partnership()
    login(make.user(is_site_admin=True, locale="en"))
    page = client.get(f"/admin/partnerships/{partnership.id}/invite").get_data(as_text=True)
    field = page.split('name="role"')[1].split("</select>")[0]
    assert re.findall(r"<option selected value=\"(\w+)\"", field) == ["observer"]
