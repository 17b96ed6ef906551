"""SMS settings and contacts: the sender, contacts added with consent, search by number,
filters, the contact list's queries, and import from the mapping register."""

import re
from datetime import date

import pytest
from sqlalchemy import func, select

from hsbp.audit import AuditEntry
from hsbp.security import Role
from hsbp.sms import contacts
from hsbp.sms.models import ConsentEvent, Contact, ContactMembership, OutboundMessage
from tests.sms.conftest import SENDER, actions, add_contact, map_participant, page_text

# Settings


def test_settings_are_validated(client, session, make, demo_partnership, facilitator):
    other = make.partnership()
    contacts.configure_sender(
        session, partnership_id=other.id, sender="+15005550006", join_code="TAKEN", may_share=True
    )
    url = f"/p/{demo_partnership.id}/sms/settings"
    cases = [
        ({"sender": "not a number", "join_code": "DEMO"}, "The sender must be a phone number"),
        ({"sender": "+15005550006", "join_code": "x"}, "Use 3 to 20 letters or digits"),
        ({"sender": "+15005550006", "join_code": "taken"}, "Another partnership uses this join"),
        ({"sender": "", "join_code": "DEMO"}, "This field is required."),
    ]
    for data, error in cases:
        response = client.post(url, data=data)
        assert response.status_code == 422, data
        assert error in page_text(response), data


def test_settings_are_saved_and_explain_join(client, session, demo_partnership, facilitator):
    url = f"/p/{demo_partnership.id}/sms/settings"
    response = client.post(url, data={"sender": "+1 500 555 0006", "join_code": "caguan"})
    assert response.status_code == 302
    settings = contacts.settings_of(session, demo_partnership.id)
    assert (settings.sender, settings.join_code) == ("+15005550006", "CAGUAN")
    assert actions(session, demo_partnership.id) == ["sms.settings"]
    text = page_text(client.get(url))
    assert "Community members send JOIN CAGUAN to +15005550006 to take part." in text


# Adding contacts


def test_a_contact_is_added_by_hand_pending_and_asked_to_confirm(
    client, session, demo_partnership, facilitator
):
    url = f"/p/{demo_partnership.id}/sms/contacts/new"
    form = page_text(client.get(url))
    assert "They stay pending, and receive nothing, until they answer YES." in form
    missing = client.post(url, data={"phone": "310 456 7821", "locale": "en"})
    assert missing.status_code == 422
    assert session.scalar(select(func.count()).select_from(Contact)) == 0

    note = "Agreed at the meeting in La Esperanza on 3 March 2026, witnessed by the JAC president"
    response = client.post(
        url, data={"phone": "310 456 7821", "locale": "en", "consent_note": note}
    )
    assert response.status_code == 302
    contact = session.scalars(select(Contact)).one()
    assert (contact.phone, contact.locale, contact.opted_out) == ("+573104567821", "en", False)
    member = session.scalars(select(ContactMembership)).one()
    assert (member.status, member.asks, member.confirmed_at, member.chosen_at) == (
        "pending",
        1,
        None,
        None,
    )
    event = session.scalars(select(ConsentEvent)).one()
    assert (event.event, event.channel, event.recorded_by_id, event.note) == (
        "added",
        "web",
        facilitator.id,
        note,
    )
    assert event.partnership_id == demo_partnership.id
    question = session.scalars(select(OutboundMessage)).one()
    assert (question.kind, question.sender, question.partnership_id, question.body) == (
        "invitation",
        SENDER,
        demo_partnership.id,
        "Get messages from Caguán? Reply YES or NO. STOP ends all.",
    )
    assert actions(session, demo_partnership.id) == ["sms_contact.create"]
    listed = page_text(client.get(response.location))
    assert "The contact is added. Each new contact is asked by SMS to confirm" in listed
    assert "Pending confirmation Asked once, on " in listed


def test_a_contact_is_linked_to_a_participant_when_named(
    client, session, demo_partnership, facilitator
):
    participant = map_participant(session, demo_partnership, facilitator, name="Rosa Quintero")
    response = client.post(
        f"/p/{demo_partnership.id}/sms/contacts/new",
        data={
            "phone": "+573104567821",
            "locale": "es",
            "consent_note": "Written form, 2 March",
            "participant": "rosa quintero",
        },
    )
    assert response.status_code == 302
    member = session.scalars(select(ContactMembership)).one()
    assert member.participant_id == participant.id
    # The audit log names the participant by id (its label is read when shown), never by name.
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "sms_contact.create"))
    assert entry.one().details == {"participant_id": participant.id}

    unknown = client.post(
        f"/p/{demo_partnership.id}/sms/contacts/new",
        data={"phone": "3104567822", "locale": "es", "consent_note": "x", "participant": "Nobody"},
    )
    assert unknown.status_code == 422
    assert "No participant of this partnership is shown under this name." in page_text(unknown)


def test_a_number_already_there_is_refused_and_a_wrong_one_explained(
    client, session, demo_partnership, facilitator
):
    add_contact(session, demo_partnership, "+573104567821")
    url = f"/p/{demo_partnership.id}/sms/contacts/new"
    data = {"locale": "es", "consent_note": "Verbal, at the meeting"}
    again = client.post(url, data={**data, "phone": "3104567821"})
    assert again.status_code == 422
    assert "This number is already a contact of the partnership." in page_text(again)
    bad = client.post(url, data={**data, "phone": "12"})
    assert "This is not a phone number: 12" in page_text(bad)
    assert session.scalar(select(func.count()).select_from(ContactMembership)) == 1


# The list


def test_search_by_number_in_national_or_international_format(
    client, session, demo_partnership, facilitator
):
    add_contact(session, demo_partnership, "+573104567821")
    add_contact(session, demo_partnership, "+573209876543")
    url = f"/p/{demo_partnership.id}/sms/contacts"
    assert "2 contacts found." in page_text(client.get(url))
    for typed in ("310 456 7821", "+573104567821", "+57 310 456-7821", "3104567821"):
        text = page_text(client.get(url, query_string={"q": typed}))
        assert "1 contact found." in text, typed
        assert "+57 310 4567821" in text
        assert "+57 320 9876543" not in text
    wrong = page_text(client.get(url, query_string={"q": "call me"}))
    assert "This is not a phone number: call me" in wrong
    assert "+57 310 4567821" not in wrong
    # A message that repeats what was typed escapes it (lazy strings are not safe HTML).
    typed = client.get(url, query_string={"q": "<b id=x>12</b>"}).get_data(as_text=True)
    assert "This is not a phone number: &lt;b id=x&gt;12&lt;/b&gt;" in typed
    assert "<b id=x>" not in typed


def test_filters_by_state_and_language(client, session, demo_partnership, facilitator):
    add_contact(session, demo_partnership, "+573104567821", locale="es")
    add_contact(session, demo_partnership, "+573104567822", locale="en")
    add_contact(session, demo_partnership, "+573104567823", locale=None, opted_out=True)
    waiting = add_contact(session, demo_partnership, "+573104567824", locale="es", pending=True)
    refused = add_contact(session, demo_partnership, "+573104567825", locale=None, pending=True)
    member = contacts.membership(session, contact=refused, partnership_id=demo_partnership.id)
    contacts.answer_invitation(session, contact=refused, member=member, yes=False)
    url = f"/p/{demo_partnership.id}/sms/contacts"

    def numbers(**query):
        text = page_text(client.get(url, query_string=query))
        return list(dict.fromkeys(re.findall(r"\+57 310 456782(\d)", text)))  # rows, in order

    assert numbers() == ["5", "4", "3", "2", "1"]
    assert numbers(state="confirmed") == ["2", "1"]
    assert numbers(state="stopped") == ["3"]
    assert numbers(state="pending") == ["4"]
    assert numbers(state="declined") == ["5"]
    # A language is known only of contacts who confirmed here.
    assert numbers(language="es") == ["1"]
    assert numbers(language="none") == ["3"]
    assert numbers(state="nonsense", language="xx") == ["5", "4", "3", "2", "1"]
    assert waiting.locale == "es"


def test_the_list_shows_consent_participant_and_partnerships(
    client, session, make, demo_partnership, facilitator
):
    shared = make.partnership(name="Zenica")
    make.member(shared, Role.OBSERVER, user=facilitator)
    hidden = make.partnership(name="Secret partnership")
    protected = map_participant(
        session, demo_partnership, facilitator, name="Ana Real Name", risk="high"
    )
    contact = add_contact(session, demo_partnership, "+573104567821", participant=protected)
    for other in (shared, hidden):
        contacts.join(session, contact=contact, partnership_id=other.id, channel="sms")
    text = page_text(client.get(f"/p/{demo_partnership.id}/sms/contacts"))
    assert protected.display_name in text
    assert "Ana Real Name" not in text
    # A protected participant's number is shown only through the audited identity view.
    assert "••• 21 Protected" in text
    assert "+57 310 4567821" not in text
    assert "Confirmed Joined · recorded on the web · " in text
    assert "agreed in person" in text
    # Partnerships the reader belongs to are named; others are not even counted.
    assert "Caguán, Zenica" in text
    assert "other partnership" not in text
    assert "Secret partnership" not in text


def test_the_contact_list_runs_the_same_queries_for_3_or_30_contacts(
    client, session, make, demo_partnership, facilitator, count_queries
):
    other = make.partnership()
    participant = map_participant(session, demo_partnership, facilitator, name="Grupo")

    def add(count, start):
        for n in range(start, start + count):
            contact = add_contact(
                session, demo_partnership, f"+5731045{n:05d}", participant=participant
            )
            contacts.join(session, contact=contact, partnership_id=other.id, channel="sms")

    url = f"/p/{demo_partnership.id}/sms/contacts"
    add(3, 0)
    client.get(url)
    with count_queries() as few:
        assert client.get(url).status_code == 200
    add(27, 100)
    with count_queries() as many:
        assert "30 contacts found." in page_text(client.get(url))
    assert many["n"] == few["n"]


# Import from the register


def test_import_from_the_register_previews_then_adds(
    client, sms, session, demo_partnership, facilitator
):
    consent = {"consent_on": date(2026, 3, 2), "consent_method": "written"}
    open_one = map_participant(
        session,
        demo_partnership,
        facilitator,
        name="Rosa Quintero",
        phone="310 111 0001",
        languages=["en"],
        **consent,
    )
    protected = map_participant(
        session,
        demo_partnership,
        facilitator,
        name="Hidden Leader",
        phone="310 111 0002",
        risk="high",
        **consent,
    )
    map_participant(session, demo_partnership, facilitator, name="No consent", phone="3101110003")
    map_participant(session, demo_partnership, facilitator, name="No phone", **consent)
    stopped = map_participant(
        session, demo_partnership, facilitator, name="Stopped", phone="3101110004", **consent
    )
    already = map_participant(
        session, demo_partnership, facilitator, name="Joined", phone="3101110005", **consent
    )
    sms("STOP", sender="+573101110004")
    add_contact(session, demo_partnership, "+573101110005")

    url = f"/p/{demo_partnership.id}/sms/contacts/import"
    text = page_text(client.get(url))
    # A number that sent STOP is imported like any other: nothing tells it apart.
    assert "To add: 3" in text
    assert "Already contacts: 1" in text
    assert "STOP" not in text
    assert "Skipped because no consent is recorded: 1" in text
    assert f"{protected.display_name} Protected" in text
    assert "Hidden Leader" not in text
    assert session.scalar(select(func.count()).select_from(ContactMembership)) == 1

    response = client.post(url)
    assert response.status_code == 302
    assert "3 contacts added from the register. Each new contact is asked by SMS" in page_text(
        client.get(response.location)
    )
    rows = session.execute(
        select(
            Contact.phone,
            Contact.locale,
            ContactMembership.participant_id,
            ContactMembership.status,
        )
        .join(ContactMembership)
        .where(ContactMembership.partnership_id == demo_partnership.id)
    ).all()
    assert sorted(tuple(r) for r in rows) == [
        ("+573101110001", "en", open_one.id, "pending"),
        ("+573101110002", "es", protected.id, "pending"),
        ("+573101110004", "es", stopped.id, "pending"),
        ("+573101110005", "es", None, "confirmed"),
    ]
    notes = session.scalars(
        select(ConsentEvent.note).where(ConsentEvent.channel == "import").order_by(ConsentEvent.id)
    ).all()
    assert notes == ["2026-03-02 · Escrito, firmado"] * 3  # the partnership's language
    # Each is asked in their language; the number that sent STOP is sent nothing.
    questions = dict(
        session.execute(
            select(Contact.phone, OutboundMessage.body)
            .join(Contact, Contact.id == OutboundMessage.contact_id)
            .where(OutboundMessage.kind == "invitation")
        ).all()
    )
    assert sorted(questions) == ["+573101110001", "+573101110002"]
    assert questions["+573101110001"] == "Get messages from Caguán? Reply YES or NO. STOP ends all."
    assert actions(session, demo_partnership.id)[-1] == "sms_contact.import"
    assert "To add: 0" in page_text(client.get(url))
    assert already.id not in [r.participant_id for r in rows]


@pytest.mark.parametrize(
    "path", ["sms/contacts", "sms/contacts/new", "sms/contacts/import", "sms/settings"]
)
def test_contact_pages_are_for_facilitators_only(client, make, login, demo_partnership, path):
    login(make.member(demo_partnership, Role.REPRESENTATIVE))
    assert client.get(f"/p/{demo_partnership.id}/{path}").status_code == 404


def test_every_sms_page_answers_a_facilitator_without_error(
    app, client, session, demo_partnership, facilitator
):
    add_contact(session, demo_partnership, "+573104567821")
    sms_rules = [
        rule
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("sms.") and "partnership_id" in rule.arguments
    ]
    # With the four of the SMS texts in local languages and the five of the inbox's threads.
    assert len(sms_rules) == 26
    for rule in sms_rules:
        with app.test_request_context():
            url = app.url_map.bind("localhost").build(
                rule.endpoint, dict.fromkeys(rule.arguments, demo_partnership.id)
            )
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            assert client.open(url, method=method).status_code < 500, (method, url)
