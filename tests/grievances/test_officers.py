"""Grievance officers: rights that end with the member's role, partner or membership (audited),
a member invited back who is no officer, naming officers (nothing preselected, refused input,
the recusal confirmed, observers as independent officers), revoking by id in this partnership
only, and recusal from the grievances about an officer's own partner."""

import html
import re

import pytest
from sqlalchemy import select

from hsbp.audit import AuditEntry
from hsbp.errors import ServiceError
from hsbp.grievances import officers, services
from hsbp.grievances.models import Grievance, GrievanceOfficer
from hsbp.partnerships import members
from hsbp.partnerships.models import Membership
from hsbp.security import Role
from tests.grievances.conftest import membership_of

NAME = "María Lozano"
# What a confirmation page's "Yes" button sends (hsbp.confirmation).
YES = {"confirm": "1"}


def url(partnership, tail=""):
    return f"/p/{partnership.id}/grievances{tail}"


def grant(session, facilitator, partnership, user, confirm_recusal=True):
    return officers.grant_officer(
        session,
        actor=facilitator,
        membership=membership_of(session, facilitator, partnership),
        user_id=user.id,
        confirm_recusal=confirm_recusal,
    )


def revocations(session) -> list[tuple[int, dict]]:
    entries = session.scalars(
        select(AuditEntry)
        .where(AuditEntry.action == "grievance.officer_revoke")
        .order_by(AuditEntry.id)
    )
    return [(e.object_id, e.details) for e in entries]


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


@pytest.fixture
def rep_officer(session, facilitator, partnership, company_rep):
    """The company's representative, named grievance officer."""
    grant(session, facilitator, partnership, company_rep)
    return company_rep


@pytest.fixture
def about_company(file, company):
    return file(complainant=services.Complainant(name=NAME), partner_id=company.id)


# Rights end with the membership --------------------------------------------------------------


def test_removing_an_officer_from_the_partnership_ends_the_rights_and_says_so(
    session, client, login, partnership, facilitator, rep_officer, file
):
    assigned = file()
    assigned.officer_id = rep_officer.id
    closed_long_ago = file()
    closed_long_ago.officer_id, closed_long_ago.stage = rep_officer.id, "closed"
    membership = membership_of(session, rep_officer, partnership)
    login(facilitator)

    removed = client.post(
        f"/p/{partnership.id}/members/{membership.id}/remove", data=YES, follow_redirects=True
    )

    assert "Carlos was a grievance officer: those rights ended too." in text(removed)
    session.expire_all()
    assert not officers.is_officer(session, user_id=rep_officer.id, partnership_id=partnership.id)
    assert session.scalars(select(GrievanceOfficer)).all() == []
    assert session.get(Grievance, assigned.id).officer_id is None
    assert session.get(Grievance, closed_long_ago.id).officer_id == rep_officer.id
    assert revocations(session) == [
        (rep_officer.id, {"reason": "member_removed", "unassigned": [assigned.id]})
    ]


@pytest.mark.parametrize(
    ("role", "partner", "reason"),
    [
        ("observer", None, "role_changed"),
        ("facilitator", None, "role_changed"),
        ("representative", "other", "partner_changed"),
    ],
)
def test_a_change_of_role_or_partner_ends_the_officer_rights(
    session, client, login, make, partnership, facilitator, rep_officer, role, partner, reason
):
    other = make.partner(partnership, name="Alcaldía")
    membership = membership_of(session, rep_officer, partnership)
    login(facilitator)

    changed = client.post(
        f"/p/{partnership.id}/members/{membership.id}",
        data={
            f"m{membership.id}-role": role,
            f"m{membership.id}-partner_id": str(other.id) if partner else "0",
        },
        follow_redirects=True,
    )

    assert (
        "Carlos is no longer a grievance officer: the rights ended with the change of role or "
        "partner." in text(changed)
    )
    assert not officers.is_officer(session, user_id=rep_officer.id, partnership_id=partnership.id)
    assert revocations(session) == [(rep_officer.id, {"reason": reason})]


def test_saving_a_member_unchanged_keeps_the_officer(
    session, partnership, facilitator, rep_officer, company
):
    members.change_member(
        session,
        actor=facilitator,
        membership=membership_of(session, rep_officer, partnership),
        role=Role.REPRESENTATIVE,
        partner_id=company.id,
    )
    assert officers.is_officer(session, user_id=rep_officer.id, partnership_id=partnership.id)
    assert revocations(session) == []


def test_a_member_invited_back_is_no_officer_until_named_again(
    session, client, login, make, partnership, facilitator, rep_officer, company, about_company
):
    other = services.file_grievance(
        session,
        partnership=partnership,
        channel="public",
        description="Otra queja.",
        locale="es",
        complainant=services.Complainant(name=NAME),
    )
    login(facilitator)
    membership = membership_of(session, rep_officer, partnership)
    client.post(f"/p/{partnership.id}/members/{membership.id}/remove", data=YES)
    session.expunge(membership)  # deleted by the request
    # Invited again and joined, as accepting an invitation makes them a member.
    make.member(partnership, Role.REPRESENTATIVE, user=rep_officer, partner=company)
    login(rep_officer)

    assert not officers.is_officer(session, user_id=rep_officer.id, partnership_id=partnership.id)
    look = client.post(url(partnership, f"/{about_company.id}/identity"))
    assert look.status_code == 403
    assert NAME not in text(look)
    # No longer handling grievances, they see only their partner's, as before being named.
    assert client.get(url(partnership, f"/{other.id}")).status_code == 404


def test_an_officer_row_that_outlived_its_membership_grants_nothing(
    session, partnership, facilitator, company_rep, company, about_company
):
    """Even without the listener (a row left by an older version, say): the rights need the
    role recorded and a membership that began before the naming."""
    grant(session, facilitator, partnership, company_rep)
    membership = membership_of(session, company_rep, partnership)
    session.delete(membership)
    session.flush()
    session.add(
        Membership(
            partnership_id=partnership.id,
            user_id=company_rep.id,
            role=Role.REPRESENTATIVE,
            partner_id=company.id,
        )
    )
    session.flush()
    assert session.scalars(select(GrievanceOfficer)).all() != []
    assert not officers.is_officer(session, user_id=company_rep.id, partnership_id=partnership.id)


def test_an_officer_row_of_another_role_grants_nothing(session, partnership, officer, file):
    membership = membership_of(session, officer, partnership)
    membership.role = Role.OBSERVER  # changed behind the services' back
    session.flush()
    with pytest.raises(ServiceError):
        services.identity(session, actor=officer, membership=membership, grievance=file())
    assert officers.current_officers(session, partnership_id=partnership.id) == []


# Naming officers -----------------------------------------------------------------------------


def test_the_officer_form_preselects_nobody(client, login, partnership, facilitator, company_rep):
    login(facilitator)
    page = client.get(url(partnership, "/officers"), headers={"Accept-Language": "en"})
    select_html = page.get_data(as_text=True).split('name="user_id"')[1].split("</select>")[0]
    options = re.findall(r"<option([^>]*)>([^<]*)</option>", select_html)
    assert options[0] == (' value=""', "Choose a member")
    assert [attributes for attributes, _label in options if "selected" in attributes] == []


@pytest.mark.parametrize("value", [None, "", "abc", "99999", "²", "9" * 30])
def test_naming_without_a_member_or_with_junk_is_refused_kindly(
    session, client, login, partnership, facilitator, value
):
    login(facilitator)
    data = {} if value is None else {"user_id": value}
    page = client.post(url(partnership, "/officers"), data=data)
    assert page.status_code == 422
    message = "Choose a member." if value in (None, "") else "Choose a member from the list."
    assert message in text(page)
    assert session.scalars(select(GrievanceOfficer)).all() == []


def test_naming_a_member_of_another_partnership_is_refused_alike(
    session, client, login, make, partnership, facilitator
):
    stranger = make.member(make.partnership(), Role.FACILITATOR, user=make.user(name="Zoe"))
    login(facilitator)
    page = client.post(url(partnership, "/officers"), data={"user_id": str(stranger.id)})
    assert page.status_code == 422
    assert "Choose a member from the list." in text(page)
    assert "Zoe" not in text(page)
    assert session.scalars(select(GrievanceOfficer)).all() == []


def test_naming_a_representative_asks_first_and_names_the_conflict(
    session, client, login, partnership, facilitator, company_rep
):
    login(facilitator)
    page = client.get(url(partnership, "/officers"), headers={"Accept-Language": "en"})
    assert "Carlos · represents Palmas del Caguán" in text(page)
    assert "stays out of every grievance concerning their own partner" in text(page)
    assert 'name="confirm_recusal"' not in text(page)  # asked on a page of its own

    asked = client.post(url(partnership, "/officers"), data={"user_id": str(company_rep.id)})
    assert asked.status_code == 200
    page = text(asked)
    assert "Name <bdi>Carlos</bdi> grievance officer?" in page
    assert (
        "<bdi>Carlos</bdi> represents <bdi>Palmas del Caguán</bdi>. Handling complaints about "
        "their own organisation is a conflict of interest." in page
    )
    assert "The grievances concerning <bdi>Palmas del Caguán</bdi> are kept from them" in page
    assert "They still see who filed every other grievance" in page
    assert f'<input type="hidden" name="user_id" value="{company_rep.id}">' in page
    assert '<input type="hidden" name="confirm" value="1">' in page
    assert f'<a class="button" href="/p/{partnership.id}/grievances/officers">Cancel</a>' in page
    assert not officers.is_officer(session, user_id=company_rep.id, partnership_id=partnership.id)
    # The old tick box alone names nobody either: only the confirmation page's answer does.
    ticked = client.post(
        url(partnership, "/officers"),
        data={"user_id": str(company_rep.id), "confirm_recusal": "y"},
    )
    assert ticked.status_code == 200
    assert session.scalars(select(GrievanceOfficer)).all() == []

    confirmed = client.post(
        url(partnership, "/officers"), data={"user_id": str(company_rep.id), **YES}
    )
    assert confirmed.status_code == 302
    row = session.scalar(select(GrievanceOfficer))
    assert (row.user_id, row.role, row.independent) == (company_rep.id, "representative", False)
    again = client.get(url(partnership, "/officers")).get_data(as_text=True)
    assert f'value="{company_rep.id}"' not in again.split('name="user_id"')[1]
    [entry] = session.scalars(
        select(AuditEntry).where(AuditEntry.action == "grievance.officer_grant")
    )
    assert (entry.object_id, entry.details) == (
        company_rep.id,
        {"role": "representative", "independent": False},
    )


def test_naming_a_facilitator_or_an_observer_asks_nothing(
    session, client, login, make, partnership, facilitator, observer
):
    colleague = make.member(partnership, Role.FACILITATOR, user=make.user(name="Felipe"))
    login(facilitator)
    for user in (colleague, observer):
        named = client.post(url(partnership, "/officers"), data={"user_id": str(user.id)})
        assert named.status_code == 302
    assert sorted(r.user_id for r in session.scalars(select(GrievanceOfficer))) == sorted(
        [colleague.id, observer.id]
    )


def test_an_observer_is_named_only_as_an_independent_officer_and_then_sees_identities(
    session, client, login, partnership, facilitator, observer, about_company
):
    login(facilitator)
    page = client.get(url(partnership, "/officers"), headers={"Accept-Language": "en"})
    assert "Omar · independent officer (observer)" in text(page)
    assert (
        client.post(url(partnership, "/officers"), data={"user_id": str(observer.id)}).status_code
        == 302
    )
    row = session.scalar(select(GrievanceOfficer))
    assert (row.role, row.independent) == ("observer", True)
    listed = client.get(url(partnership, "/officers"), headers={"Accept-Language": "en"})
    assert "Independent officer" in text(listed)

    login(observer)
    look = client.post(url(partnership, f"/{about_company.id}/identity"))
    assert look.status_code == 200
    assert NAME in text(look)


def test_revoking_an_id_that_is_no_officer_here_is_a_404_that_names_nobody(
    session, client, login, make, partnership, facilitator, company_rep
):
    elsewhere = make.partnership()
    stranger = make.member(elsewhere, Role.FACILITATOR, user=make.user(name="Zoe Stranger"))
    session.add(
        GrievanceOfficer(partnership_id=elsewhere.id, user_id=stranger.id, role=Role.FACILITATOR)
    )
    session.flush()
    login(facilitator)
    for user_id in (stranger.id, company_rep.id, 99999):
        response = client.post(url(partnership, f"/officers/{user_id}/revoke"))
        assert response.status_code == 404
        assert "Zoe" not in text(response) and "Carlos" not in text(response)
    after = text(client.get(url(partnership, "/officers")))
    assert "Zoe" not in after
    assert "is no longer a grievance officer" not in after
    assert officers.is_officer(session, user_id=stranger.id, partnership_id=elsewhere.id)
    assert revocations(session) == []


def test_revoking_asks_first_says_what_happens_and_changes_nothing(
    session, client, login, partnership, facilitator, rep_officer, file
):
    for _ in range(2):
        file().officer_id = rep_officer.id
    closed = file(text="Otra queja.")
    closed.officer_id, closed.stage = rep_officer.id, "closed"
    session.flush()
    login(facilitator)
    asked = client.post(url(partnership, f"/officers/{rep_officer.id}/revoke"))
    assert asked.status_code == 200
    page = text(asked)
    assert "Remove the grievance officer role of <bdi>Carlos</bdi>?" in page
    assert (
        "The <bdi>2</bdi> open grievances assigned to them will have no officer until you "
        "assign others." in page
    )
    assert "Yes, remove the role of <bdi>Carlos</bdi>" in page
    assert officers.is_officer(session, user_id=rep_officer.id, partnership_id=partnership.id)
    assert revocations(session) == []
    assigned = session.scalars(select(Grievance).where(Grievance.officer_id == rep_officer.id))
    assert len(assigned.all()) == 3


def test_the_officers_page_sets_the_removal_apart(
    client, login, partnership, facilitator, rep_officer
):
    login(facilitator)
    page = text(client.get(url(partnership, "/officers")))
    assert '<button type="submit" class="danger">Remove the role of Carlos</button>' in page


def test_revoking_ends_the_rights_and_unassigns_open_grievances(
    session, client, login, partnership, facilitator, rep_officer, file
):
    assigned = file()
    assigned.officer_id = rep_officer.id
    session.flush()
    login(facilitator)
    response = client.post(url(partnership, f"/officers/{rep_officer.id}/revoke"), data=YES)
    assert response.status_code == 302
    session.expire_all()
    assert session.get(Grievance, assigned.id).officer_id is None
    assert revocations(session) == [
        (rep_officer.id, {"reason": "revoked", "unassigned": [assigned.id]})
    ]


# Recusal -------------------------------------------------------------------------------------


def test_an_officer_who_represents_the_partner_concerned_stays_out_of_it(
    session, client, login, partnership, rep_officer, about_company, file
):
    elsewhere = file(complainant=services.Complainant(name="Jorge Pérez"))
    login(rep_officer)

    page = client.get(url(partnership, f"/{about_company.id}"), headers={"Accept-Language": "en"})
    assert page.status_code == 200
    assert "You represent the partner this grievance concerns, so you stay out of it" in text(page)
    assert "El camión tumbó la cerca" not in text(page)
    assert "Show who filed it" not in text(page)

    look = client.post(
        url(partnership, f"/{about_company.id}/identity"), headers={"Accept-Language": "en"}
    )
    assert look.status_code == 403
    assert "You represent the partner this grievance concerns, so you may not see who" in text(look)
    assert NAME not in text(look)
    moved = client.post(url(partnership, f"/{about_company.id}/stage"), data={"to": "acknowledged"})
    handled = client.post(
        url(partnership, f"/{about_company.id}/handling"),
        data={"category": "land", "severity": "high", "partner_id": ""},
    )
    assert (moved.status_code, handled.status_code) == (403, 403)
    session.expire_all()
    kept = session.get(Grievance, about_company.id)
    assert (kept.stage, kept.partner_id) == ("received", about_company.partner_id)
    with pytest.raises(ServiceError) as refused:
        services.change_stage(
            session,
            actor=rep_officer,
            membership=membership_of(session, rep_officer, partnership),
            grievance=kept,
            to="acknowledged",
        )
    assert str(refused.value).startswith("You represent the partner this grievance concerns")

    # Any other grievance, they handle and may look at.
    other = client.post(url(partnership, f"/{elsewhere.id}/identity"))
    assert other.status_code == 200
    assert "Jorge Pérez" in text(other)


def test_the_assignment_leaves_out_officers_who_represent_the_partner(
    session, client, login, partnership, facilitator, officer, rep_officer, about_company
):
    login(facilitator)
    page = client.get(url(partnership, f"/{about_company.id}")).get_data(as_text=True)
    field = page.split('name="officer_id"')[1].split("</select>")[0]
    assert re.findall(r'value="(\d*)"', field) == ["", str(officer.id)]

    refused = client.post(
        url(partnership, f"/{about_company.id}/handling"),
        data={
            "category": "land",
            "severity": "high",
            "partner_id": str(about_company.partner_id),
            "officer_id": str(rep_officer.id),
        },
    )
    assert refused.status_code == 422
    assert "This officer represents the partner the grievance concerns" in text(refused)
    session.expire_all()
    assert session.get(Grievance, about_company.id).officer_id is None


def test_naming_the_partner_after_the_assignment_takes_the_officer_off_and_says_so(
    session, client, login, partnership, facilitator, rep_officer, file, company
):
    grievance = file()
    login(facilitator)
    assigned = client.post(
        url(partnership, f"/{grievance.id}/handling"),
        data={"category": "land", "severity": "high", "officer_id": str(rep_officer.id)},
    )
    assert assigned.status_code == 302
    recused = client.post(
        url(partnership, f"/{grievance.id}/handling"),
        data={
            "category": "land",
            "severity": "high",
            "partner_id": str(company.id),
            "officer_id": str(rep_officer.id),
        },
        headers={"Accept-Language": "en"},
        follow_redirects=True,
    )
    assert (
        "Carlos represents the partner this grievance now concerns, so they are no longer "
        "assigned to it." in text(recused)
    )
    session.expire_all()
    assert (session.get(Grievance, grievance.id).partner_id, grievance.officer_id) == (
        company.id,
        None,
    )
    last = session.scalars(
        select(AuditEntry)
        .where(AuditEntry.action == "grievance.update")
        .order_by(AuditEntry.id.desc())
    ).first()
    assert last.details == {
        "partner_id": [None, company.id],
        "officer_id": [rep_officer.id, None],
        "recused_officer_id": rep_officer.id,
    }


def test_facilitators_are_warned_when_no_officer_may_handle_a_grievance(
    session, client, login, partnership, facilitator, rep_officer, observer, about_company
):
    login(facilitator)
    page = text(client.get(url(partnership, f"/{about_company.id}")))
    assert "No grievance officer may handle this grievance: every officer represents " in page
    assert "Palmas del Caguán, the partner it concerns. Name an independent officer" in page
    listing = text(client.get(url(partnership, "/officers")))
    assert "Every grievance officer represents Palmas del Caguán, so none of them" in listing

    client.post(url(partnership, "/officers"), data={"user_id": str(observer.id)})

    assert 'id="no-free-officer"' not in client.get(
        url(partnership, f"/{about_company.id}")
    ).get_data(as_text=True)
    assert 'id="no-free-officer"' not in client.get(url(partnership, "/officers")).get_data(
        as_text=True
    )


def test_facilitators_are_told_when_there_is_no_officer_at_all(
    client, login, partnership, facilitator, about_company
):
    login(facilitator)
    page = text(client.get(url(partnership, f"/{about_company.id}")))
    assert "No grievance officer yet: nobody can see who filed this grievance." in page
