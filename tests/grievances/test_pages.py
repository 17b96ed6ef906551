"""The officers' pages: who sees which grievances and never whose identity, the audited look
of a grievance officer, moves in order only, the list's filters and its query count, the
settings and naming officers."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from hsbp.audit import AuditEntry
from hsbp.grievances import officers, services
from hsbp.grievances.models import Grievance, GrievanceSettings
from hsbp.security import Role
from tests.grievances.conftest import membership_of

NAME, PHONE, EMAIL = "María Lozano", "3104567890", "maria.lozano@example.org"
# What a confirmation page's "Yes" button sends (hsbp.confirmation).
YES = {"confirm": "1"}
SECRETS = (NAME, PHONE, EMAIL, "María", "4567890", "maria.lozano")


def url(partnership, tail=""):
    return f"/p/{partnership.id}/grievances{tail}"


def codes_listed(page: str) -> list[str]:
    return re.findall(r"/grievances/\d+\">(\d{4} \d{4})</a>", page)


@pytest.fixture
def named(file, company):
    """A grievance about the company, filed with a name, a phone and an e-mail."""
    return file(
        complainant=services.Complainant(name=NAME, phone=PHONE, email=EMAIL),
        partner_id=company.id,
    )


def fresh(session, grievance) -> Grievance:
    """The grievance as the requests left it in the database."""
    session.expire_all()
    return session.get(Grievance, grievance.id)


def assert_no_identity(page: str):
    for secret in SECRETS:
        assert secret not in page


# Identity and who sees what --------------------------------------------------------------


def test_identity_never_reaches_a_facilitator_who_is_not_an_officer(
    session, client, login, partnership, named, facilitator
):
    login(facilitator)
    listing = client.get(url(partnership))
    page = client.get(url(partnership, f"/{named.id}"))
    look = client.post(url(partnership, f"/{named.id}/identity"))
    assert (listing.status_code, page.status_code, look.status_code) == (200, 200, 403)
    assert codes_listed(listing.get_data(as_text=True)) == [f"{named.code[:4]} {named.code[4:]}"]
    assert "El camión tumbó la cerca" in page.get_data(as_text=True)  # handles it: sees the text
    assert "Only grievance officers see who filed a grievance." in look.get_data(as_text=True)
    for response in (listing, page, look):
        assert_no_identity(response.get_data(as_text=True))
    assert (
        session.scalars(
            select(AuditEntry).where(AuditEntry.action == "grievance.identity_view")
        ).all()
        == []
    )


def test_a_representative_sees_their_partners_grievances_without_text_or_identity(
    session, client, login, partnership, named, file, company_rep
):
    other = file(text="Otra queja sobre el municipio.")
    login(company_rep)
    listing = client.get(url(partnership)).get_data(as_text=True)
    page = client.get(url(partnership, f"/{named.id}"))
    assert codes_listed(listing) == [f"{named.code[:4]} {named.code[4:]}"]
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert "El camión tumbó la cerca" not in body
    assert_no_identity(listing)
    assert_no_identity(body)
    assert client.get(url(partnership, f"/{other.id}")).status_code == 404
    assert client.post(url(partnership, f"/{named.id}/identity")).status_code == 403
    moved = client.post(url(partnership, f"/{named.id}/stage"), data={"to": "acknowledged"})
    assert moved.status_code == 403
    assert fresh(session, named).stage == "received"


def test_an_observer_and_another_partnerships_member_reach_no_grievance(
    client, login, make, partnership, named, observer
):
    stranger = make.member(make.partnership(), Role.FACILITATOR)
    for user in (observer, stranger):
        login(user)
        for response in (
            client.get(url(partnership)),
            client.get(url(partnership, f"/{named.id}")),
            client.post(url(partnership, f"/{named.id}/identity")),
        ):
            assert response.status_code in (302, 404)
            assert_no_identity(response.get_data(as_text=True))
            assert "El camión" not in response.get_data(as_text=True)


def test_an_officers_look_shows_the_identity_once_and_is_audited(
    session, client, login, partnership, named, officer
):
    login(officer)
    before = client.get(url(partnership, f"/{named.id}")).get_data(as_text=True)
    assert_no_identity(before)
    assert "Show who filed it" in before
    look = client.post(url(partnership, f"/{named.id}/identity"))
    assert look.status_code == 200
    assert look.headers["Cache-Control"] == "no-store"
    body = look.get_data(as_text=True)
    for value in (NAME, PHONE, EMAIL):
        assert value in body
    entries = session.scalars(
        select(AuditEntry).where(AuditEntry.action == "grievance.identity_view")
    ).all()
    assert [(e.actor_id, e.object_id) for e in entries] == [(officer.id, named.id)]


def test_an_anonymous_grievance_is_marked_and_shows_no_identity_even_to_an_officer(
    client, login, partnership, file, contact, officer
):
    grievance = file(
        anonymous=True,
        channel="sms",
        complainant=services.Complainant(contact=contact, name=NAME, phone=PHONE),
    )
    login(officer)
    page = client.get(url(partnership, f"/{grievance.id}")).get_data(as_text=True)
    assert "Filed anonymously" in page
    assert "Show who filed it" not in page
    look = client.post(url(partnership, f"/{grievance.id}/identity")).get_data(as_text=True)
    assert_no_identity(look)
    assert "+573104567890" not in look


# Handling ----------------------------------------------------------------------------------


def test_a_stage_out_of_order_is_refused_with_a_message(
    session, client, login, partnership, named, facilitator
):
    login(facilitator)
    response = client.post(url(partnership, f"/{named.id}/stage"), data={"to": "closed"})
    assert response.status_code == 422
    assert "A grievance cannot go to that stage from where it is now." in response.get_data(
        as_text=True
    )
    assert fresh(session, named).stage == "received"


def test_the_move_form_offers_only_the_next_stages(client, login, partnership, named, officer):
    login(officer)
    page = client.get(url(partnership, f"/{named.id}")).get_data(as_text=True)
    form = page.split('name="to"')[1].split("</select>")[0]
    assert re.findall(r'value="(\w+)"', form) == ["acknowledged", "referred"]


def test_a_move_in_order_is_saved_with_its_note(
    session, client, login, partnership, named, officer
):
    login(officer)
    response = client.post(
        url(partnership, f"/{named.id}/stage"),
        data={"to": "acknowledged", "note": "Llamamos a la señora."},
    )
    assert response.status_code == 302
    assert fresh(session, named).stage == "acknowledged"
    page = client.get(url(partnership, f"/{named.id}")).get_data(as_text=True)
    assert "Llamamos a la señora." in page


def test_a_referral_without_a_forum_is_refused(session, client, login, partnership, named, officer):
    login(officer)
    response = client.post(url(partnership, f"/{named.id}/stage"), data={"to": "referred"})
    assert response.status_code == 422
    assert "Say to which forum the grievance is referred." in response.get_data(as_text=True)


def test_the_handling_is_saved(session, client, login, partnership, named, officer, company):
    login(officer)
    response = client.post(
        url(partnership, f"/{named.id}/handling"),
        data={
            "category": "land",
            "severity": "high",
            "partner_id": "",
            "officer_id": str(officer.id),
        },
    )
    assert response.status_code == 302
    saved = fresh(session, named)
    assert (saved.category, saved.severity, saved.partner_id, saved.officer_id) == (
        "land",
        "high",
        None,
        officer.id,
    )


def test_the_handling_refuses_an_officer_who_is_not_one(
    session, client, login, partnership, named, officer, facilitator
):
    login(officer)
    response = client.post(
        url(partnership, f"/{named.id}/handling"),
        data={"category": "land", "severity": "high", "officer_id": str(facilitator.id)},
    )
    assert response.status_code == 422
    assert "Choose one of the grievance officers." in response.get_data(as_text=True)
    assert fresh(session, named).officer_id is None


@pytest.mark.parametrize("junk", ["²", "9" * 30, "abc"])
def test_the_handling_refuses_junk_ids_with_a_message(
    session, client, login, partnership, named, officer, junk
):
    login(officer)
    for field, message in (
        ("partner_id", "Choose a partner of this partnership."),
        ("officer_id", "Choose one of the grievance officers."),
    ):
        response = client.post(
            url(partnership, f"/{named.id}/handling"),
            data={"category": "land", "severity": "high", field: junk},
        )
        assert response.status_code == 422
        assert message in response.get_data(as_text=True)
    saved = fresh(session, named)
    assert (saved.category, saved.partner_id, saved.officer_id) == ("other", named.partner_id, None)


# The list ------------------------------------------------------------------------------------


def test_the_list_filters_by_stage_category_partner_and_overdue(
    session, client, login, partnership, file, company, facilitator, officer
):
    about_company = file(partner_id=company.id, category="water")
    late = file(category="land")
    late.received_at -= timedelta(days=8)
    moved = file(category="land")
    services.change_stage(
        session,
        actor=officer,
        membership=membership_of(session, officer, partnership),
        grievance=moved,
        to="acknowledged",
    )
    session.flush()
    login(facilitator)

    def listed(query):
        return codes_listed(client.get(url(partnership) + query).get_data(as_text=True))

    def shown(*grievances):
        return [f"{g.code[:4]} {g.code[4:]}" for g in grievances]

    assert sorted(listed("")) == sorted(shown(about_company, late, moved))
    assert listed("?stage=acknowledged") == shown(moved)
    assert sorted(listed("?category=land")) == sorted(shown(late, moved))
    assert listed(f"?partner={company.id}") == shown(about_company)
    assert listed("?overdue=y") == shown(late)
    assert listed("?stage=nonsense") == listed("")  # a value not offered filters nothing


def test_the_list_queries_do_not_grow_with_grievances(
    session, client, login, partnership, file, company, officer, count_queries
):
    file(partner_id=company.id).officer_id = officer.id
    login(officer)
    client.get(url(partnership))  # the settings row is made on the first visit
    with count_queries() as few:
        assert client.get(url(partnership)).status_code == 200
    for n in range(10):
        grievance = file(partner_id=company.id if n % 2 else None)
        grievance.officer_id = officer.id
    session.flush()
    with count_queries() as many:
        page = client.get(url(partnership)).get_data(as_text=True)
    assert len(codes_listed(page)) == 11
    assert many["n"] == few["n"]


# Settings and officers ----------------------------------------------------------------------


def test_settings_are_saved_and_change_the_deadlines(
    session, client, login, partnership, file, facilitator
):
    login(facilitator)
    response = client.post(
        url(partnership, "/settings"),
        data={"acknowledge_days": "3", "respond_days": "20", "public_form": "y"},
    )
    assert response.status_code == 302
    settings = session.scalar(
        select(GrievanceSettings).where(GrievanceSettings.partnership_id == partnership.id)
    )
    assert (settings.acknowledge_days, settings.respond_days, settings.public_form) == (3, 20, True)
    grievance = file()
    assert services.deadline(grievance, settings) == grievance.received_at + timedelta(days=3)
    page = client.get(url(partnership, "/settings")).get_data(as_text=True)
    assert f"/g/{settings.public_token}" in page


@pytest.mark.parametrize(
    ("acknowledge", "respond", "message"),
    [
        ("0", "30", "Number must be between 1 and 90."),
        ("91", "30", "Number must be between 1 and 90."),
        ("7", "366", "Number must be between 1 and 365."),
        ("7", "", "This field is required."),
        ("10", "5", "A response cannot be due before the acknowledgement."),
    ],
)
def test_settings_out_of_range_are_refused(
    session, client, login, partnership, facilitator, acknowledge, respond, message
):
    login(facilitator)
    response = client.post(
        url(partnership, "/settings"),
        data={"acknowledge_days": acknowledge, "respond_days": respond},
    )
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    settings = services.settings_of(session, partnership.id)
    assert (settings.acknowledge_days, settings.respond_days) == (7, 30)


def test_a_new_address_replaces_the_public_link(session, client, login, partnership, facilitator):
    login(facilitator)
    old = services.settings_of(session, partnership.id).public_token
    client.post(
        url(partnership, "/settings"),
        data={
            "acknowledge_days": "7",
            "respond_days": "30",
            "public_form": "y",
            "new_address": "y",
        },
    )
    session.expire_all()
    new = services.settings_of(session, partnership.id).public_token
    assert new and new != old


def test_only_facilitators_reach_settings_and_officers(
    client, login, partnership, officer, company_rep, observer
):
    for user in (company_rep, observer):
        login(user)
        assert client.get(url(partnership, "/settings")).status_code == 404
        assert client.get(url(partnership, "/officers")).status_code == 404


def test_a_facilitator_names_and_removes_an_officer(
    session, client, login, partnership, facilitator, company_rep, observer
):
    login(facilitator)
    page = client.get(url(partnership, "/officers")).get_data(as_text=True)
    offered = re.findall(r'<option (?:selected )?value="(\d*)"', page)
    assert offered == ["", str(company_rep.id), str(facilitator.id), str(observer.id)]  # by name
    named = client.post(
        url(partnership, "/officers"),
        data={"user_id": str(company_rep.id), "confirm": "1"},
    )
    assert named.status_code == 302
    assert officers.is_officer(session, user_id=company_rep.id, partnership_id=partnership.id)
    removed = client.post(url(partnership, f"/officers/{company_rep.id}/revoke"), data=YES)
    assert removed.status_code == 302
    assert not officers.is_officer(session, user_id=company_rep.id, partnership_id=partnership.id)


def test_the_referral_text_is_shown_to_those_who_handle_it_only(
    session, client, login, partnership, named, officer, company_rep
):
    services.change_stage(
        session,
        actor=officer,
        membership=membership_of(session, officer, partnership),
        grievance=named,
        to="referred",
        referred_to="Defensoría: el señor Lozano teme represalias.",
    )
    login(company_rep)
    facts = client.get(url(partnership, f"/{named.id}")).get_data(as_text=True)
    assert "Referred to another forum" in facts
    assert "Defensoría" not in facts
    login(officer)
    handled = client.get(url(partnership, f"/{named.id}")).get_data(as_text=True)
    assert "Defensoría: el señor Lozano teme represalias." in handled
