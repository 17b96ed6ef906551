"""A number several partnerships share: messages follow the person's own latest choice,
nobody's typing captures them, a message nobody can attribute waits for the person's pick,
and only a site administrator gives a partnership a number another one uses."""

import pytest
from sqlalchemy import select

from hsbp.grievances.models import Grievance
from hsbp.security import Role
from hsbp.sms import confirmation, contacts, texts
from hsbp.sms.encoding import normalise
from hsbp.sms.models import Contact, InboundMessage, OutboundMessage
from tests.sms.conftest import PHONE, SENDER, add_contact, page_text, replies_to


@pytest.fixture
def zenica(session, make):
    """A second partnership on the demo partnership's number, as a site administrator set."""
    partnership = make.partnership(name="Zenica", locales=["bs", "en"], default_locale="bs")
    contacts.configure_sender(
        session, partnership_id=partnership.id, sender=SENDER, join_code="ZENICA", may_share=True
    )
    return partnership


def last(session) -> InboundMessage:
    session.expire_all()
    return session.scalar(select(InboundMessage).order_by(InboundMessage.id.desc()).limit(1))


def where(session) -> tuple:
    message = last(session)
    return message.route, message.partnership_id, message.in_inbox


def test_a_contact_typed_in_elsewhere_does_not_capture_the_persons_messages(
    sms, session, demo_partnership, zenica
):
    sms("JOIN DEMO")
    contact = contacts.find_contact(session, PHONE)
    # Zenica's facilitator types the number in: pending, asked, and nothing changes yet.
    member = contacts.add_pending(
        session, contact=contact, partnership_id=zenica.id, channel="web", note="x"
    )
    confirmation.ask(session, member=member, contact=contact, partnership=zenica)
    sms("el camión tumbó la cerca")
    assert where(session) == ("inbox", demo_partnership.id, True)
    sms("REPORT hay polvo en la vía")
    grievance = session.scalars(select(Grievance)).one()
    assert grievance.partnership_id == demo_partnership.id


def test_a_later_join_switches_where_messages_go(sms, session, demo_partnership, zenica):
    sms("JOIN DEMO")
    sms("JOIN ZENICA")
    sms("first")
    assert where(session) == ("inbox", zenica.id, True)
    sms("JOIN DEMO")  # already a member: the choice is refreshed all the same
    sms("second")
    assert where(session) == ("inbox", demo_partnership.id, True)


def test_yes_to_an_invitation_is_the_persons_latest_choice(sms, session, demo_partnership, zenica):
    sms("JOIN DEMO")
    contact = contacts.find_contact(session, PHONE)
    member = contacts.add_pending(session, contact=contact, partnership_id=zenica.id, channel="web")
    confirmation.ask(session, member=member, contact=contact, partnership=zenica)
    assert sms("DA").replies == [normalise(texts.with_name("es", "confirmed", "Zenica"))]
    sms("hello")
    assert where(session) == ("inbox", zenica.id, True)


@pytest.fixture
def undecided(session, demo_partnership, zenica):
    """A contact confirmed in both partnerships with no choice that tells them apart, as
    data from before confirmation existed may be."""
    contact = add_contact(session, demo_partnership, PHONE, locale="en")
    contacts.join(session, contact=contact, partnership_id=zenica.id, channel="web")
    for member in contact.memberships:
        member.chosen_at = None
    session.flush()
    return contact


def test_a_message_nobody_can_attribute_waits_for_the_persons_pick(
    client, make, login, sms, session, demo_partnership, zenica, undecided
):
    held = sms("the road is closed again")
    assert held.replies == ["Which partnership is this for? Reply 1 Caguán, 2 Zenica"]
    message = last(session)
    assert (message.route, message.partnership_id, message.in_inbox) == ("held", None, False)
    assert message.body == "the road is closed again"  # kept until the person answers
    assert undecided.awaiting == "partnership"
    # In no partnership's inbox, and the question (it names both) on no page.
    for partnership in (demo_partnership, zenica):
        login(make.member(partnership, Role.FACILITATOR, user=make.user(locale="en")))
        assert "The inbox is empty." in page_text(client.get(f"/p/{partnership.id}/sms"))
    question = session.scalars(
        select(OutboundMessage).where(OutboundMessage.reply_to_id == message.id)
    )
    assert question.one().confidential is True
    held_id = message.id

    assert sms("2").replies == ["Your messages now go to Zenica."]
    session.refresh(undecided)
    assert undecided.awaiting == ""
    session.expire_all()
    routed = session.get(InboundMessage, held_id)
    assert (routed.route, routed.partnership_id, routed.in_inbox) == ("inbox", zenica.id, True)
    assert replies_to(session, routed.provider_sid)[-1] == (
        "Message received. A facilitator will read it. Send HELP for options."
    )
    # The pick is the person's choice from now on: no question again.
    assert sms("and the bridge").replies == []
    assert where(session) == ("inbox", zenica.id, True)


def test_a_held_report_is_filed_with_the_partnership_chosen(
    sms, session, demo_partnership, zenica, undecided
):
    sms("REPORT the trucks raise dust at the school")
    assert session.scalars(select(Grievance)).all() == []
    assert sms("1").replies == ["Your messages now go to Caguán."]
    grievance = session.scalars(select(Grievance)).one()
    assert grievance.partnership_id == demo_partnership.id
    session.expire_all()
    report = session.scalars(select(InboundMessage).order_by(InboundMessage.id)).first()
    assert (report.route, report.partnership_id) == ("grievance_report", demo_partnership.id)


def test_a_number_out_of_the_list_asks_again_and_help_still_answers(
    sms, session, demo_partnership, zenica, undecided
):
    sms("hello")
    assert sms("7").replies == ["Which partnership is this for? Reply 1 Caguán, 2 Zenica"]
    assert sms("HELP").replies == [texts.text("en", "help")]
    held = session.scalars(select(InboundMessage.route).order_by(InboundMessage.id)).all()
    assert held == ["held", "choice", "help"]


def test_a_pending_membership_never_attracts_a_message(sms, session, demo_partnership, zenica):
    contact = contacts.get_or_create_contact(session, PHONE)
    contact.locale = "en"
    for partnership in (demo_partnership, zenica):
        contacts.add_pending(session, contact=contact, partnership_id=partnership.id, channel="web")
    response = sms("hello")
    assert response.replies == ["To take part, send JOIN and the code you were given."]
    assert where(session) == ("inbox", None, True)


def test_a_possible_number_the_library_does_not_know_is_a_person(sms, session, demo_partnership):
    new_range = "+573994567821"  # possible, in no range the phone library knows yet
    response = sms("JOIN DEMO", sender=new_range)
    assert response.replies == [
        normalise(texts.text("es", "joined", code="DEMO")),
        normalise(texts.text("es", "choose_language", menu=texts.language_menu(["es", "en"]))),
    ]
    contact = session.scalars(select(Contact)).one()
    assert contact.phone == new_range


def test_only_a_site_administrator_gives_a_number_another_partnership_uses(
    client, make, login, session, demo_partnership
):
    other = make.partnership(name="Yarí")
    url = f"/p/{other.id}/sms/settings"
    login(make.member(other, Role.FACILITATOR, user=make.user(locale="en")))
    page = page_text(client.get(url))
    assert "Only a site administrator can give this partnership a number another" in page
    refused = client.post(url, data={"sender": SENDER, "join_code": "YARI"})
    assert refused.status_code == 422
    text = page_text(refused)
    assert "This sender cannot be used here: ask a site administrator." in text
    assert "Caguán" not in text
    assert contacts.settings_of(session, other.id) is None

    admin = make.member(other, Role.FACILITATOR, user=make.user(locale="en", is_site_admin=True))
    login(admin)
    assert client.post(url, data={"sender": SENDER, "join_code": "YARI"}).status_code == 302
    assert "This number is also used by: Caguán." in page_text(client.get(url))

    # The partnership keeps its shared number when a facilitator changes the code.
    login(make.member(other, Role.FACILITATOR, user=make.user(locale="en")))
    assert client.post(url, data={"sender": SENDER, "join_code": "YARI2"}).status_code == 302
    assert contacts.settings_of(session, other.id).join_code == "YARI2"
