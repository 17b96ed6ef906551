"""Taking in grievances on the web: the public form (anonymous or named, refused input, switched
off, CSRF, a flood), members filing, and facilitators recording one heard in person."""

import html
import re

import pytest
from sqlalchemy import func, select

from hsbp.audit import AuditEntry
from hsbp.grievances import codes, officers, services
from hsbp.grievances.forms import CATEGORY_LABELS
from hsbp.grievances.models import CATEGORIES, Grievance
from hsbp.security import Role
from hsbp.sms import contacts
from hsbp.sms.models import MembershipStatus, OutboundMessage, SmsSettings
from tests.grievances.conftest import membership_of


def grievances(session) -> list[Grievance]:
    session.expire_all()
    return list(session.scalars(select(Grievance).order_by(Grievance.id)))


def count(session) -> int:
    return session.scalar(select(func.count()).select_from(Grievance))


@pytest.fixture
def token(session, partnership):
    return services.settings_of(session, partnership.id).public_token


@pytest.fixture
def sender(session, partnership):
    session.add(
        SmsSettings(partnership_id=partnership.id, sender="+15005550006", join_code="CAGUAN")
    )
    session.flush()


def public(token, **fields) -> dict:
    return {
        "description": "El camión tumbó la cerca de mi finca.",
        "category": "",
        "partner_id": "",
        "language": "es",
        "anonymous": "yes",
        **fields,
    }


def test_every_category_has_a_label():
    assert set(CATEGORY_LABELS) == set(CATEGORIES)


# The public form --------------------------------------------------------------------------


def test_public_form_files_a_grievance_and_shows_its_code(client, session, token, company):
    # The partnership reads Spanish; this visitor's link asks for English.
    page = client.get(f"/g/{token}?lang=en")
    assert page.status_code == 200
    assert page.headers["X-Robots-Tag"] == "noindex, nofollow"
    body = page.get_data(as_text=True)
    assert "Palmas del Caguán" in body
    assert "It is acknowledged within 7 days." in body
    assert "A response is proposed within 30 days of receiving it." in body

    posted = client.post(
        f"/g/{token}", data=public(token, category="land", partner_id=str(company.id))
    )
    assert posted.status_code == 302
    assert posted.headers["Location"] == f"/g/{token}/filed"
    [grievance] = grievances(session)
    assert (grievance.channel, grievance.stage, grievance.category) == (
        "public",
        "received",
        "land",
    )
    assert (grievance.partner_id, grievance.locale) == (company.id, "es")
    assert grievance.description == "El camión tumbó la cerca de mi finca."

    shown = client.get(f"/g/{token}/filed").get_data(as_text=True)
    assert codes.shown(grievance.code) in shown
    assert "la cerca" not in shown
    # The language chosen on the form is the page's from then on.
    assert '<html lang="es"' in shown


def test_public_anonymous_grievance_keeps_no_identity(client, session, token, contact):
    client.post(f"/g/{token}", data=public(token))
    [grievance] = grievances(session)
    assert grievance.anonymous is True
    assert (grievance.complainant_name, grievance.complainant_phone) == ("", "")
    assert (grievance.complainant_email, grievance.contact_id, grievance.user_id) == (
        "",
        None,
        None,
    )


def test_public_anonymous_with_a_name_is_refused_and_keeps_the_text(client, session, token):
    page = client.post(f"/g/{token}?lang=en", data=public(token, name="María Lozano"))
    assert page.status_code == 422
    body = page.get_data(as_text=True)
    assert "You chose to stay anonymous: clear your name, phone and e-mail" in body
    assert "El camión tumbó la cerca de mi finca." in body
    assert count(session) == 0


def join(session, contact, partnership, status=MembershipStatus.CONFIRMED):
    """`contact` takes `partnership`'s SMS messages (or waits for its own YES: "pending")."""
    contacts.join(session, contact=contact, partnership_id=partnership.id, channel="sms")
    contacts.membership(session, contact=contact, partnership_id=partnership.id).status = status
    session.flush()


CSRF_TOKEN = re.compile(r'(?<=name="csrf_token" value=")[^"]+')


def sms_sent(session) -> list[str]:
    return list(session.scalars(select(OutboundMessage.body).order_by(OutboundMessage.id)))


def test_public_phone_of_an_sms_contact_is_kept_for_officers_and_never_texted(
    client, session, token, partnership, contact, sender
):
    join(session, contact, partnership)
    posted = client.post(
        f"/g/{token}",
        data=public(
            token, language="en", anonymous="no", name="María Lozano", phone="310 456 7890"
        ),
    )
    assert posted.status_code == 302
    [grievance] = grievances(session)
    assert grievance.anonymous is False
    assert grievance.complainant_name == "María Lozano"
    assert grievance.complainant_phone == "+573104567890"
    assert grievance.contact_id is None
    assert sms_sent(session) == []
    [entry] = session.scalars(select(AuditEntry).where(AuditEntry.action == "grievance.file"))
    assert entry.details == {"channel": "public", "anonymous": False, "sms_reply": False}
    shown = client.get(f"/g/{token}/filed").get_data(as_text=True)
    assert "STATUS" not in shown
    # The phone, not "310": a random code may hold those digits.
    assert "María" not in shown and "4567890" not in shown and "456 7890" not in shown


def test_public_form_says_what_becomes_of_the_phone(client, token):
    page = client.get(f"/g/{token}?lang=en").get_data(as_text=True)
    assert (
        "A grievance officer may call you on the phone number you give; no SMS is sent to it."
        in page
    )


def test_public_filed_page_is_the_same_whatever_the_number(
    app, session, make, token, partnership, contact, sender
):
    join(session, contact, partnership)
    stopped = contacts.get_or_create_contact(session, "+573117778899")
    join(session, stopped, partnership)
    stopped.opted_out = True
    elsewhere = contacts.get_or_create_contact(session, "+573126665544")
    join(session, elsewhere, make.partnership())
    session.flush()
    numbers = {
        "a contact of this partnership": "310 456 7890",
        "a contact who sent STOP": "311 777 8899",
        "a contact of another partnership": "312 666 5544",
        "a number nobody registered": "313 555 1234",
        "no number": "",
    }
    seen = {}
    for case, phone in numbers.items():
        visitor = app.test_client()
        posted = visitor.post(
            f"/g/{token}",
            data=public(token, language="en", anonymous="no", email="a@example.org", phone=phone),
        )
        filed = visitor.get(posted.headers["Location"])
        code = codes.shown(grievances(session)[-1].code)
        seen[case] = (
            posted.status_code,
            posted.headers["Location"],
            filed.status_code,
            sorted(
                (k, v)
                for k, v in filed.headers.items()
                # Every response carries its own request id, whatever the number.
                if k not in ("Set-Cookie", "Date", "Content-Length", "X-Request-ID")
            ),
            # Each visitor's own CSRF token (the language menu) differs, as it should.
            CSRF_TOKEN.sub("CSRF", filed.get_data(as_text=True).replace(code, "CODE")),
        )
    assert [case for case, answer in seen.items() if answer != seen["no number"]] == []
    assert "CODE" in seen["no number"][4]
    assert [g.contact_id for g in grievances(session)] == [None] * 5
    assert sms_sent(session) == []


def test_public_named_grievance_without_a_contact_gets_no_sms_instructions(client, session, token):
    client.post(f"/g/{token}", data=public(token, anonymous="no", email="maria@example.org"))
    [grievance] = grievances(session)
    assert (grievance.complainant_email, grievance.contact_id) == ("maria@example.org", None)
    shown = client.get(f"/g/{token}/filed").get_data(as_text=True)
    assert "STATUS" not in shown
    assert "maria@example.org" not in shown


def test_public_empty_text_is_refused_with_the_typed_values_kept(client, session, token):
    page = client.post(
        f"/g/{token}?lang=en",
        data=public(token, description="   ", anonymous="no", name="María Lozano"),
    )
    assert page.status_code == 422
    body = page.get_data(as_text=True)
    assert "Say what happened." in body
    assert 'value="María Lozano"' in body
    assert count(session) == 0


def test_public_bad_phone_and_email_are_refused(client, session, token):
    page = client.post(
        f"/g/{token}?lang=en", data=public(token, anonymous="no", phone="12", email="maria@")
    )
    assert page.status_code == 422
    body = page.get_data(as_text=True)
    assert "This is not an e-mail address. Correct it or leave it empty." in body
    assert count(session) == 0
    page = client.post(f"/g/{token}", data=public(token, anonymous="no", phone="12"))
    assert page.status_code == 422
    assert "This is not a phone number: 12" in page.get_data(as_text=True)
    assert count(session) == 0


def test_public_partner_of_another_partnership_is_refused(client, session, make, token):
    stranger = make.partner(make.partnership(), name="Otra empresa")
    page = client.post(f"/g/{token}", data=public(token, partner_id=str(stranger.id)))
    assert page.status_code == 422
    assert count(session) == 0


def test_public_form_switched_off_or_unknown_is_404(client, session, partnership, token):
    assert client.get("/g/not-a-real-token").status_code == 404
    assert client.post("/g/not-a-real-token", data=public("x")).status_code == 404
    services.settings_of(session, partnership.id).public_form = False
    session.flush()
    assert client.get(f"/g/{token}").status_code == 404
    assert client.post(f"/g/{token}", data=public(token)).status_code == 404
    assert client.get(f"/g/{token}/filed").status_code == 404
    assert count(session) == 0


def test_public_form_needs_its_csrf_token(app_with, session, token):
    visitor = app_with(WTF_CSRF_ENABLED=True).test_client()
    assert 'name="csrf_token"' in visitor.get(f"/g/{token}").get_data(as_text=True)
    assert visitor.post(f"/g/{token}", data=public(token)).status_code == 400
    assert count(session) == 0


def test_public_form_flood_is_rate_limited_and_keeps_the_earlier_ones(app_with, session, token):
    other = app_with(RATELIMIT_ENABLED=True, GRIEVANCE_FORM_RATE_LIMIT="2 per minute")
    visitor = other.test_client()
    english = public(token, language="en")
    statuses = [visitor.post(f"/g/{token}", data=english).status_code for _ in range(3)]
    assert statuses == [302, 302, 429]
    flooded = visitor.post(f"/g/{token}", data=english).get_data(as_text=True)
    assert "Please try again in 1 minute." in flooded
    assert count(session) == 2
    assert visitor.get(f"/g/{token}").status_code == 200


def test_filed_page_without_a_filing_goes_back_to_the_form(client, token):
    page = client.get(f"/g/{token}/filed")
    assert (page.status_code, page.headers["Location"]) == (302, f"/g/{token}")


# Members ----------------------------------------------------------------------------------


def test_member_files_a_grievance_under_their_account(
    client, login, session, partnership, observer
):
    login(observer)
    url = f"/p/{partnership.id}/grievances/new"
    assert client.get(url).status_code == 200
    posted = client.post(url, data={"description": "No nos invitaron a la reunión."})
    assert posted.status_code == 302
    assert posted.headers["Location"] == f"/p/{partnership.id}/grievances/filed"
    [grievance] = grievances(session)
    assert (grievance.channel, grievance.user_id, grievance.anonymous) == (
        "member",
        observer.id,
        False,
    )
    assert codes.shown(grievance.code) in client.get(posted.headers["Location"]).get_data(
        as_text=True
    )


def test_member_filing_anonymously_keeps_no_account(
    client, login, session, partnership, company_rep
):
    login(company_rep)
    client.post(
        f"/p/{partnership.id}/grievances/new",
        data={"description": "No nos invitaron a la reunión.", "anonymous": "y"},
    )
    [grievance] = grievances(session)
    assert (grievance.user_id, grievance.anonymous) == (None, True)


def test_member_empty_text_is_refused(client, login, session, partnership, observer):
    login(observer)
    page = client.post(f"/p/{partnership.id}/grievances/new", data={"description": ""})
    assert page.status_code == 422
    assert "Say what happened." in page.get_data(as_text=True)
    assert count(session) == 0


def test_non_member_cannot_file_or_record(client, login, session, make, partnership):
    login(make.member(make.partnership(), Role.FACILITATOR))
    for path in ("new", "record", "filed"):
        assert client.get(f"/p/{partnership.id}/grievances/{path}").status_code == 404
    assert (
        client.post(f"/p/{partnership.id}/grievances/new", data={"description": "x"}).status_code
        == 404
    )
    assert count(session) == 0


# Recorded by a facilitator ------------------------------------------------------------------


def record_data(**fields) -> dict:
    return {
        "channel": "in_person",
        "description": "Dice que el agua del caño sale turbia desde marzo.",
        "category": "water",
        "partner_id": "",
        "language": "es",
        "name": "Jorge Pérez",
        "phone": "310 456 7890",
        "email": "",
        **fields,
    }


def test_a_recorded_phone_is_kept_as_text_without_sms_unless_chosen(
    client, login, session, partnership, facilitator, contact, sender
):
    join(session, contact, partnership)
    login(facilitator)
    url = f"/p/{partnership.id}/grievances/record"
    assert client.get(url).status_code == 200
    posted = client.post(url, data=record_data())
    assert posted.status_code == 302
    [grievance] = grievances(session)
    assert posted.headers["Location"].endswith(f"/p/{partnership.id}/grievances/{grievance.id}")
    assert (grievance.channel, grievance.category, grievance.locale) == ("in_person", "water", "es")
    assert (grievance.contact_id, grievance.recorded_by_id) == (None, facilitator.id)
    assert (grievance.complainant_name, grievance.complainant_phone) == (
        "Jorge Pérez",
        "+573104567890",
    )
    assert sms_sent(session) == []


def test_a_recorded_grievance_sends_sms_news_when_chosen_and_audits_the_choice(
    client, login, session, partnership, facilitator, contact, sender
):
    join(session, contact, partnership)
    login(facilitator)
    posted = client.post(
        f"/p/{partnership.id}/grievances/record", data=record_data(sms_updates="y")
    )
    assert posted.status_code == 302
    [grievance] = grievances(session)
    assert (grievance.contact_id, grievance.complainant_phone) == (contact.id, "+573104567890")
    [body] = sms_sent(session)
    assert codes.shown(grievance.code) in body
    [entry] = session.scalars(select(AuditEntry).where(AuditEntry.action == "grievance.file"))
    assert (entry.actor_id, entry.details) == (
        facilitator.id,
        {"channel": "in_person", "anonymous": False, "sms_reply": True},
    )


@pytest.mark.parametrize(
    "case", ["unknown", "pending here", "stopped", "another partnership's", "no phone"]
)
def test_sms_news_to_a_number_that_does_not_take_them_is_refused(
    client, login, session, make, partnership, facilitator, contact, sender, case
):
    if case == "pending here":
        join(session, contact, partnership, status=MembershipStatus.PENDING)
    elif case == "stopped":
        join(session, contact, partnership)
        contact.opted_out = True
    elif case == "another partnership's":
        join(session, contact, make.partnership())
    login(facilitator)
    phone = "" if case == "no phone" else "310 456 7890"
    page = client.post(
        f"/p/{partnership.id}/grievances/record",
        data=record_data(sms_updates="y", phone=phone),
        headers={"Accept-Language": "en"},
    )
    assert page.status_code == 422
    message = (
        "Give the number to send the SMS news to."
        if case == "no phone"
        else "This number does not take the partnership's SMS messages, so it cannot get the "
        "news of the grievance."
    )
    body = html.unescape(page.get_data(as_text=True))
    assert message in body
    assert "Dice que el agua del caño sale turbia desde marzo." in body
    assert count(session) == 0
    assert sms_sent(session) == []


def test_recorded_anonymous_grievance_keeps_only_the_reply_channel(
    client, login, session, partnership, officer, contact
):
    join(session, contact, partnership)
    login(officer)
    url = f"/p/{partnership.id}/grievances/record"
    refused = client.post(url, data=record_data(anonymous="y"))
    assert refused.status_code == 422
    assert "An anonymous grievance keeps no name or e-mail" in refused.get_data(as_text=True)
    no_choice = client.post(url, data=record_data(anonymous="y", name=""))
    assert no_choice.status_code == 422
    assert "An anonymous grievance keeps a phone number only to send the SMS news" in (
        no_choice.get_data(as_text=True)
    )
    posted = client.post(
        url, data=record_data(anonymous="y", name="", channel="phone", sms_updates="y")
    )
    assert posted.status_code == 302
    [grievance] = grievances(session)
    assert (grievance.channel, grievance.anonymous, grievance.contact_id) == (
        "phone",
        True,
        contact.id,
    )
    assert (grievance.complainant_name, grievance.complainant_phone) == ("", "")


def test_recording_with_an_unknown_phone_keeps_it_without_a_reply_channel(
    client, login, session, partnership, facilitator
):
    login(facilitator)
    client.post(f"/p/{partnership.id}/grievances/record", data=record_data(phone="3209876543"))
    [grievance] = grievances(session)
    assert (grievance.complainant_phone, grievance.contact_id) == ("+573209876543", None)


def test_recording_needs_a_channel(client, login, session, partnership, facilitator):
    login(facilitator)
    page = client.post(f"/p/{partnership.id}/grievances/record", data=record_data(channel=""))
    assert page.status_code == 422
    assert "Choose how the grievance was received." in page.get_data(as_text=True)
    assert count(session) == 0


def test_representatives_and_observers_cannot_record(
    client, login, session, partnership, company_rep, observer
):
    for user in (company_rep, observer):
        login(user)
        url = f"/p/{partnership.id}/grievances/record"
        assert client.get(url).status_code == 404
        assert client.post(url, data=record_data()).status_code == 404
    assert count(session) == 0


def test_a_representative_named_grievance_officer_may_record(
    client, login, session, partnership, company_rep, facilitator
):
    officers.grant_officer(
        session,
        actor=facilitator,
        membership=membership_of(session, facilitator, partnership),
        user_id=company_rep.id,
        confirm_recusal=True,
    )
    login(company_rep)
    assert (
        client.post(f"/p/{partnership.id}/grievances/record", data=record_data()).status_code == 302
    )
    assert count(session) == 1


def test_an_hourly_limit_says_how_long_to_wait(app_with, session, token):
    other = app_with(RATELIMIT_ENABLED=True, GRIEVANCE_FORM_RATE_LIMIT="1 per hour")
    visitor = other.test_client()
    english = public(token, language="en")
    assert visitor.post(f"/g/{token}", data=english).status_code == 302
    flooded = visitor.post(f"/g/{token}", data=english)
    assert flooded.status_code == 429
    assert "Please try again in 1 hour." in flooded.get_data(as_text=True)
