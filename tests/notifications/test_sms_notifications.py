"""Notification SMS: a number verified by a code before anything goes to it, kept encrypted
and shown to its owner alone; with an immediate e-mail, one short SMS per partnership with
an SMS number, never twice for the same items, never to a number that sent STOP, and never
a place in a partnership's contact list."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select, text

from hsbp import db
from hsbp.config import DEV_TWILIO_SID, DEV_TWILIO_TOKEN
from hsbp.fake_twilio import FakeTwilio
from hsbp.i18n import UI_LOCALE_CODES
from hsbp.notifications import phones, preferences, sending
from hsbp.notifications import sms as texting
from hsbp.notifications.models import NotificationSeen
from hsbp.notifications.sms_texts import code_text, notice_text
from hsbp.security import Role
from hsbp.sms import contacts
from hsbp.sms.encoding import measure, normalise
from hsbp.sms.models import Contact, ContactMembership, OutboundMessage
from tests.notifications.conftest import NOW

SENDER = "+15005550006"
PHONE = "+573104567821"
OTHER = "+573009998877"
LONG_NAME = "Mesa de Concertación para el Desarrollo Sostenible del Caguán y la Amazonía"


@pytest.fixture
def sender(session, partnership):
    return contacts.configure_sender(
        session, partnership_id=partnership.id, sender=SENDER, join_code="CAGUAN"
    )


@pytest.fixture
def fake():
    """The project's fake Twilio over HTTP."""
    with FakeTwilio(DEV_TWILIO_SID, DEV_TWILIO_TOKEN, callback_delay=0.01) as running:
        yield running


def sms(session, kind=None) -> list[OutboundMessage]:
    query = select(OutboundMessage).order_by(OutboundMessage.id)
    if kind:
        query = query.where(OutboundMessage.kind == kind)
    return list(session.scalars(query))


def memberships(session, user):
    from hsbp.notifications.items import memberships_of

    return memberships_of(session, user_id=user.id)


def ask(session, user, phone=PHONE, now=NOW):
    return phones.request_code(
        session, user=user, memberships=memberships(session, user), raw_phone=phone, now=now
    )


def last_code(session) -> str:
    return re.match(r"\d{6}", sms(session, phones.CODE_KIND)[-1].body).group()


def verify(session, user, phone=PHONE, now=NOW):
    ask(session, user, phone, now)
    return phones.confirm(session, user_id=user.id, code=last_code(session), now=now)


def text_me(session, user):
    preferences.save(
        session,
        user_id=user.id,
        modes={"charter_endorsement": "immediate", "action_due": "immediate"},
        digest_hour="7",
        timezone="",
        sms_immediate=True,
    )


# Verification ---------------------------------------------------------------------------


def test_a_code_goes_by_sms_in_one_segment_and_the_right_code_verifies(
    session, partnership, rep, sender
):
    row = ask(session, rep, " +57 310 456 7821 ")
    [message] = sms(session)
    assert (message.kind, message.sender, message.partnership_id) == (
        "notification_code",
        SENDER,
        partnership.id,
    )
    assert message.confidential is True
    assert message.segments == 1
    assert re.fullmatch(
        r"\d{6} is your code to get notifications on this phone\. It expires in 15 minutes\.",
        message.body,
    )
    code = last_code(session)
    assert code not in row.code_hash and len(row.code_hash) == 64
    assert (row.pending_phone, row.phone, row.verified_at) == (PHONE, "", None)

    phones.confirm(session, user_id=rep.id, code=code, now=NOW + timedelta(minutes=14))
    assert (row.phone, row.pending_phone, row.code_hash) == (PHONE, "", "")
    assert row.verified_at == NOW + timedelta(minutes=14)
    assert phones.verified_phone(session, user_id=rep.id) == PHONE


def test_a_wrong_code_counts_and_five_wrong_codes_spend_it(session, rep, sender):
    ask(session, rep)
    code = last_code(session)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    for left in (4, 3, 2, 1):
        with pytest.raises(phones.WrongCode) as refused:
            phones.confirm(session, user_id=rep.id, code=wrong, now=NOW)
        assert str(refused.value.message) == f"This code is not right. Tries left: {left}."
    with pytest.raises(phones.WrongCode):
        phones.confirm(session, user_id=rep.id, code=wrong, now=NOW)
    with pytest.raises(phones.ServiceError) as refused:
        phones.confirm(session, user_id=rep.id, code=code, now=NOW)
    assert str(refused.value.message) == "Too many wrong codes. Ask for a new one."
    assert phones.verified_phone(session, user_id=rep.id) == ""


def test_an_expired_code_is_refused(session, rep, sender):
    ask(session, rep)
    with pytest.raises(phones.ServiceError) as refused:
        phones.confirm(
            session, user_id=rep.id, code=last_code(session), now=NOW + timedelta(minutes=16)
        )
    assert str(refused.value.message) == "This code has expired. Ask for a new one."


def test_letters_in_the_code_or_no_code_asked_are_refused_without_counting(session, rep, sender):
    with pytest.raises(phones.ServiceError) as refused:
        phones.confirm(session, user_id=rep.id, code="123456", now=NOW)
    assert str(refused.value.message) == "Ask for a code first."
    row = ask(session, rep)
    for bad in ("12a456", "\uff11\uff12\uff13\uff14\uff15\uff16", "12345", ""):
        with pytest.raises(phones.ServiceError) as refused:
            phones.confirm(session, user_id=rep.id, code=bad, now=NOW)
        assert not isinstance(refused.value, phones.WrongCode)
    assert row.attempts == 0


def test_a_code_is_worth_nothing_for_someone_else(session, make, partnership, rep, sender):
    other = make.member(partnership, Role.FACILITATOR, user=make.user(locale="en"))
    ask(session, rep)
    code = last_code(session)
    ask(session, other, OTHER)
    with pytest.raises(phones.WrongCode):
        phones.confirm(session, user_id=other.id, code=code, now=NOW)


def test_at_most_three_codes_an_hour(session, rep, sender):
    for minutes in (0, 1, 2):
        ask(session, rep, now=NOW + timedelta(minutes=minutes))
    with pytest.raises(phones.ServiceError) as refused:
        phones.resend_code(
            session, user=rep, memberships=memberships(session, rep), now=NOW + timedelta(minutes=3)
        )
    assert (
        str(refused.value.message) == "Too many codes were sent in the last hour. Try again later."
    )
    assert len(sms(session)) == 3
    phones.resend_code(
        session, user=rep, memberships=memberships(session, rep), now=NOW + timedelta(hours=1)
    )
    assert len(sms(session)) == 4


def test_a_malformed_number_or_no_sms_number_is_refused(session, rep, partnership):
    for bad in ("3104567821", "+57 31", "+57 abc", "phone", "+" + "1" * 40):
        with pytest.raises(phones.ServiceError) as refused:
            ask(session, rep, bad)
        assert refused.value.field == "phone", bad
    with pytest.raises(phones.ServiceError) as refused:
        ask(session, rep)
    assert str(refused.value.message) == (
        "None of your partnerships has an SMS number, so no SMS can be sent yet."
    )
    assert sms(session) == []


def test_changing_the_number_needs_a_new_verification(session, rep, sender):
    verify(session, rep)
    row = ask(session, rep, OTHER)
    assert (row.phone, row.pending_phone) == (PHONE, OTHER)
    assert phones.verified_phone(session, user_id=rep.id) == PHONE
    phones.confirm(session, user_id=rep.id, code=last_code(session), now=NOW)
    assert phones.verified_phone(session, user_id=rep.id) == OTHER


def test_the_number_is_encrypted_at_rest_and_no_contact_list_gets_it(session, rep, sender):
    verify(session, rep)
    raw = session.execute(
        text("SELECT phone, pending_phone FROM notification_phones WHERE user_id = :u"),
        {"u": rep.id},
    ).one()
    assert PHONE not in raw.phone and "4567821" not in raw.phone
    assert raw.phone.startswith("gAAAA")  # a Fernet token
    assert session.scalars(select(ContactMembership)).all() == []
    assert len(session.scalars(select(Contact)).all()) == 1


def test_removing_the_number_forgets_it_and_stops_the_sms(session, rep, sender):
    verify(session, rep)
    text_me(session, rep)
    phones.remove(session, user_id=rep.id)
    assert phones.verified_phone(session, user_id=rep.id) == ""
    assert preferences.settings_of(session, user_id=rep.id).sms_immediate is False


# Sending ----------------------------------------------------------------------------------


def test_one_sms_per_partnership_per_run_and_never_twice_for_the_same_items(
    session, partnership, company, rep, sender, things
):
    verify(session, rep)
    text_me(session, rep)
    things.proposal(partnership)
    things.action(partnership, company)

    assert sending.send_immediate(session, now=NOW) == 1
    [notice] = sms(session, "notification")
    assert notice.body == (
        f"Caguán: new things need you (2). See http://hsbp.test/needs-me?p={partnership.id}"
    )
    assert (notice.sender, notice.partnership_id, notice.confidential, notice.segments) == (
        SENDER,
        partnership.id,
        True,
        1,
    )
    texted = session.scalars(select(NotificationSeen.texted_at)).all()
    assert texted == [NOW, NOW]
    assert sending.send_immediate(session, now=NOW + timedelta(minutes=5)) == 0
    assert len(sms(session, "notification")) == 1
    assert session.scalars(select(ContactMembership)).all() == []


def test_each_partnership_texts_from_its_own_number_and_one_without_sends_none(
    session, make, partnership, company, rep, sender, things
):
    second = make.partnership(name="Zenica")
    contacts.configure_sender(
        session, partnership_id=second.id, sender="+15005550007", join_code="ZENICA"
    )
    third = make.partnership(name="Mostar")
    for place in (second, third):
        make.member(place, Role.REPRESENTATIVE, user=rep, partner=make.partner(place))
        things.proposal(place)
    things.proposal(partnership)
    verify(session, rep)
    text_me(session, rep)

    sending.send_immediate(session, now=NOW)
    sent = {(m.partnership_id, m.sender) for m in sms(session, "notification")}
    assert sent == {(partnership.id, SENDER), (second.id, "+15005550007")}


def test_no_sms_without_the_choice_a_verified_number_or_for_an_opted_out_phone(
    session, partnership, rep, sender, things
):
    things.proposal(partnership)
    preferences.save(
        session,
        user_id=rep.id,
        modes={"charter_endorsement": "immediate"},
        digest_hour="7",
        timezone="",
        sms_immediate=True,
    )
    ask(session, rep)  # asked for a code, never typed it
    assert sending.send_immediate(session, now=NOW) == 1
    assert sms(session, "notification") == []


def test_a_phone_that_sent_stop_gets_nothing(session, partnership, rep, sender, things):
    verify(session, rep)
    text_me(session, rep)
    contacts.opt_out(session, contact=contacts.find_contact(session, PHONE), channel="sms")
    things.proposal(partnership)
    assert sending.send_immediate(session, now=NOW) == 1  # the e-mail still goes
    assert sms(session, "notification") == []


def test_at_most_three_sms_a_day(session, make, rep, sender, things):
    places = [make.partnership(name=f"Place {n}") for n in range(4)]
    for n, place in enumerate(places):
        contacts.configure_sender(
            session, partnership_id=place.id, sender=f"+1500555001{n}", join_code=f"PLACE{n}"
        )
        make.member(place, Role.REPRESENTATIVE, user=rep, partner=make.partner(place))
        things.proposal(place)
    verify(session, rep)
    text_me(session, rep)
    sending.send_immediate(session, now=NOW)
    assert len(sms(session, "notification")) == 3
    for place in places:
        things.proposal(place, number=2)
    sending.send_immediate(session, now=NOW + timedelta(hours=23))
    assert len(sms(session, "notification")) == 3
    for place in places:
        things.proposal(place, number=3)
    sending.send_immediate(session, now=NOW + timedelta(hours=24))
    assert len(sms(session, "notification")) == 6


@pytest.mark.parametrize("locale", UI_LOCALE_CODES)
def test_every_text_fits_one_segment_with_a_long_name(locale):
    url = "https://hsbp.example.org/needs-me?p=12345"
    for count in (1, 2, 999):
        written = normalise(notice_text(locale, name=LONG_NAME, count=count, url=url))
        assert measure(written).segments == 1, (locale, written)
        assert url in written
    assert measure(normalise(code_text(locale, "123456"))).segments == 1


def test_a_short_name_is_kept_whole_and_a_long_one_shortened():
    url = "http://hsbp.test/needs-me?p=3"
    assert notice_text("en", name="Zenica", count=1, url=url) == (
        "Zenica: something new needs you. See http://hsbp.test/needs-me?p=3"
    )
    written = notice_text("en", name=LONG_NAME, count=3, url=url)
    assert written.endswith(": new things need you (3). See http://hsbp.test/needs-me?p=3")
    # "ó" makes it UCS-2 (70 characters): the name gives way, the link never does.
    assert written.startswith("Mesa de ") and LONG_NAME not in written
    assert measure(normalise(written)).segments == 1


def test_the_fake_twilio_gets_the_sms_and_the_log_keeps_no_body(
    app_with,
    fake,
    session,
    partnership,
    rep,
    sender,
    things,
):
    app = app_with(TWILIO_API_BASE=fake.url, SMS_RATE_PER_SECOND=0)
    verify(session, rep)
    text_me(session, rep)
    things.proposal(partnership)
    with app.test_request_context():
        assert texting.TEXTS_PER_WINDOW == 3
        assert sending.send_immediate(db.session(), now=NOW) == 1
        db.finish(commit=True)
    notices = [m for m in fake.messages if "need" in m["body"]]
    assert [(m["to"], m["from"], m["body"]) for m in notices] == [
        (
            PHONE,
            SENDER,
            f"Caguán: something new needs you. See http://hsbp.test/needs-me?p={partnership.id}",
        )
    ]
    session.expire_all()
    [row] = sms(session, "notification")
    assert (row.status, row.body) == ("sent", "")


# The settings page ---------------------------------------------------------------------


def page(client) -> str:
    return client.get("/notifications/settings").get_data(as_text=True)


def test_without_an_sms_number_the_page_explains_and_offers_no_phone_field(
    client, login, partnership, rep
):
    html = page(login(rep))
    assert "none of yours has one yet" in html
    assert 'name="phone"' not in html


def test_the_page_verifies_a_number_and_offers_sms_with_immediate_e_mails(
    client, login, session, partnership, rep, sender
):
    login(rep)
    html = page(client)
    assert 'name="phone"' in html
    assert (
        'The code comes by SMS from <bdi dir="ltr">+15005550006</bdi>, the SMS number of '
        "<bdi>Caguán</bdi>."
    ) in html
    assert 'name="sms_immediate"' not in html

    sent = client.post("/notifications/settings/phone", data={"phone": "+57 310 456 7821"})
    assert sent.status_code == 302
    html = page(client)
    assert "A code is on its way by SMS." in html
    assert 'We sent a 6-digit code to <bdi dir="ltr">+573104567821</bdi>.' in html

    done = client.post("/notifications/settings/phone/confirm", data={"code": last_code(session)})
    assert done.status_code == 302
    html = page(client)
    assert 'Your verified number: <bdi dir="ltr">+573104567821</bdi>.' in html
    assert 'name="sms_immediate"' in html

    saved = client.post(
        "/notifications/settings",
        data={"digest_hour": "7", "timezone": "", "sms_immediate": "y"},
    )
    assert saved.status_code == 302
    assert preferences.settings_of(session, user_id=rep.id).sms_immediate is True

    assert client.post("/notifications/settings/phone/remove").status_code == 302
    assert phones.verified_phone(session, user_id=rep.id) == ""
    assert "+573104567821" not in page(client)


def test_bad_input_re_renders_the_page_with_a_message(client, login, session, rep, sender):
    login(rep)
    bad = client.post("/notifications/settings/phone", data={"phone": "310 456"})
    assert bad.status_code == 422
    assert "Enter a mobile number in international form" in bad.get_data(as_text=True)
    none = client.post("/notifications/settings/phone/confirm", data={"code": "123456"})
    assert none.status_code == 422
    assert "Ask for a code first." in none.get_data(as_text=True)
    client.post("/notifications/settings/phone", data={"phone": PHONE})
    letters = client.post("/notifications/settings/phone/confirm", data={"code": "abcdef"})
    assert letters.status_code == 422
    assert "The code is the 6 digits of the SMS." in letters.get_data(as_text=True)
    wrong = f"{(int(last_code(session)) + 1) % 10**6:06d}"
    answer = client.post("/notifications/settings/phone/confirm", data={"code": wrong})
    assert answer.status_code == 422
    assert "This code is not right. Tries left: 4." in answer.get_data(as_text=True)
    session.expire_all()
    assert phones.phone_of(session, user_id=rep.id).attempts == 1  # kept despite the 422


def test_a_code_typed_by_someone_else_verifies_nothing(
    client, login, session, make, partnership, rep, sender
):
    ask(session, rep)
    code = last_code(session)
    other = make.member(partnership, Role.FACILITATOR, user=make.user(locale="en"))
    login(other)
    answer = client.post("/notifications/settings/phone/confirm", data={"code": code})
    assert answer.status_code == 422
    assert phones.verified_phone(session, user_id=rep.id) == ""
    assert phones.verified_phone(session, user_id=other.id) == ""


def test_the_number_is_shown_to_no_one_else(client, login, session, make, partnership, rep, sender):
    verify(session, rep)
    facilitator = make.member(partnership, Role.FACILITATOR, user=make.user(locale="en"))
    login(facilitator)
    for path in (
        "/notifications/settings",
        f"/p/{partnership.id}/members",
        f"/p/{partnership.id}/audit",
        f"/p/{partnership.id}/sms/contacts",
        f"/p/{partnership.id}/sms",
    ):
        body = client.get(path).get_data(as_text=True)
        assert "4567821" not in body, path
    audit = session.execute(text("SELECT * FROM audit_entries")).all()
    assert "4567821" not in repr(audit)


def test_the_page_says_when_the_verified_phone_sent_stop(client, login, session, rep, sender):
    verify(session, rep)
    contacts.opt_out(session, contact=contacts.find_contact(session, PHONE), channel="sms")
    html = page(login(rep))
    assert (
        "This phone sent STOP, so no SMS goes to it. To receive them again, send START from it "
        'to <bdi dir="ltr">+15005550006</bdi>.'
    ) in html


def test_the_page_is_right_to_left_in_arabic(client, login, session, rep, sender):
    rep.locale = "ar"
    verify(session, rep)
    html = page(login(rep))
    assert 'dir="rtl"' in html
    assert '<bdi dir="ltr">+573104567821</bdi>' in html


def test_a_reply_to_a_notice_is_answered_and_lands_in_no_contact_list(
    client, session, partnership, company, rep, sender, things
):
    """A member who answers a notice is told a facilitator will read it (as any sender is);
    the number still joins no partnership's contact list."""
    from hsbp.sms.models import InboundMessage
    from tests.sms.conftest import replies_to, signed_post

    verify(session, rep)
    text_me(session, rep)
    things.proposal(partnership)
    assert sending.send_immediate(session, now=NOW) == 1
    session.commit()
    params = {"MessageSid": "SM" + "7" * 32, "From": PHONE, "To": SENDER, "Body": "ok gracias"}
    response = signed_post(client, "/sms/twilio/inbound", params)
    assert response.status_code == 200
    assert replies_to(session, params["MessageSid"]) == [
        "Message received. A facilitator will read it. Send HELP for options."
    ]
    [message] = session.scalars(select(InboundMessage)).all()
    assert (message.body, message.partnership_id) == ("ok gracias", partnership.id)
    assert session.scalars(select(ContactMembership)).all() == []
