"""News of the partnership's work by SMS: NEWS and NEWS OFF as whole messages, their consent
history and replies, STOP above them, and who counts as a subscriber."""

import pytest
from sqlalchemy import select

from hsbp.i18n import UI_LOCALE_CODES
from hsbp.sms import contacts, updates
from hsbp.sms.encoding import measure, normalise
from hsbp.sms.models import ConsentEvent, InboundMessage
from tests.sms.conftest import PHONE, add_contact, replies

ON = (
    "You will get news of the partnership's work. Send NEWS OFF to stop news only, "
    "STOP to stop all messages."
)
OFF = "You will get no more news. Other messages go on. Send NEWS to get news again."


def joined_in_english(sms):
    sms("JOIN DEMO")
    sms("LANG en")


def consent(session, contact) -> list[tuple]:
    return [
        (e.event, e.channel, e.partnership_id, e.inbound_id is not None)
        for e in session.scalars(
            select(ConsentEvent)
            .where(ConsentEvent.contact_id == contact.id)
            .order_by(ConsentEvent.id)
        )
    ]


def wants(session, contact, partnership) -> bool:
    session.expire_all()
    return contacts.membership(
        session, contact=contact, partnership_id=partnership.id
    ).wants_updates


def last_route(session) -> str:
    return session.scalar(select(InboundMessage.route).order_by(InboundMessage.id.desc()))


def test_news_asks_for_news_and_is_confirmed(sms, session, demo_partnership):
    joined_in_english(sms)
    assert replies(sms("news")) == [ON]
    contact = contacts.find_contact(session, PHONE)
    assert wants(session, contact, demo_partnership) is True
    assert last_route(session) == "news"
    assert consent(session, contact) == [
        ("join", "sms", demo_partnership.id, True),
        ("updates_on", "sms", demo_partnership.id, True),
    ]
    assert updates.subscribers(session, partnership_id=demo_partnership.id) == [contact]


@pytest.mark.parametrize("words", ["NEWS OFF", " news   off! ", "Stop news", "STOPNEWS"])
def test_news_off_stops_news_only(sms, session, demo_partnership, words):
    joined_in_english(sms)
    sms("NEWS")
    assert replies(sms(words)) == [OFF]
    contact = contacts.find_contact(session, PHONE)
    assert wants(session, contact, demo_partnership) is False
    assert contact.opted_out is False
    assert last_route(session) == "news_off"
    assert [event for event, *_ in consent(session, contact)] == [
        "join",
        "updates_on",
        "updates_off",
    ]


def test_asking_twice_is_one_consent_and_confirmed_each_time(sms, session, demo_partnership):
    joined_in_english(sms)
    assert replies(sms("NEWS")) == [ON]
    assert replies(sms("NEWS")) == [ON]
    contact = contacts.find_contact(session, PHONE)
    assert [event for event, *_ in consent(session, contact)] == ["join", "updates_on"]


def test_news_inside_a_sentence_is_a_message(sms, session, demo_partnership):
    joined_in_english(sms)
    sms("news about the road?")
    contact = contacts.find_contact(session, PHONE)
    assert last_route(session) == "inbox"
    assert wants(session, contact, demo_partnership) is False


def test_news_from_a_number_that_has_not_joined_asks_it_to_join(sms, session, demo_partnership):
    assert replies(sms("NEWS")) == ["To take part, send JOIN and the code you were given."]
    assert last_route(session) == "inbox"
    assert updates.subscribers(session, partnership_id=demo_partnership.id) == []


def test_stop_stops_news_too_and_start_brings_them_back(sms, session, demo_partnership):
    joined_in_english(sms)
    sms("NEWS")
    sms("STOP")
    assert updates.subscribers(session, partnership_id=demo_partnership.id) == []
    assert replies(sms("NEWS")) == []  # nothing is answered after STOP
    sms("START")
    contact = contacts.find_contact(session, PHONE)
    assert updates.subscribers(session, partnership_id=demo_partnership.id) == [contact]


def test_subscribers_are_this_partnerships_opted_in_contacts_who_asked(
    session, make, demo_partnership
):
    other = make.partnership(name="Otra")
    asked = add_contact(session, demo_partnership, "+573104567801")
    add_contact(session, demo_partnership, "+573104567802")  # never asked
    stopped = add_contact(session, demo_partnership, "+573104567803")
    elsewhere = add_contact(session, other, "+573104567804")
    for contact, partnership in ((asked, demo_partnership), (stopped, demo_partnership)):
        updates.set_updates(
            session, contact=contact, partnership_id=partnership.id, wanted=True, channel="web"
        )
    updates.set_updates(
        session, contact=elsewhere, partnership_id=other.id, wanted=True, channel="web"
    )
    contacts.opt_out(session, contact=stopped, channel="sms")
    assert updates.subscribers(session, partnership_id=demo_partnership.id) == [asked]
    assert updates.count_subscribers(session, partnership_id=demo_partnership.id) == 1
    assert updates.subscribers(session, partnership_id=other.id) == [elsewhere]


def test_news_of_a_partnership_the_contact_has_not_joined_changes_nothing(
    session, make, demo_partnership
):
    contact = add_contact(session, demo_partnership, PHONE)
    other = make.partnership(name="Otra")
    found = updates.set_updates(
        session, contact=contact, partnership_id=other.id, wanted=True, channel="web"
    )
    assert found is None
    assert [event for event, *_ in consent(session, contact)] == ["join"]


@pytest.mark.parametrize("locale", UI_LOCALE_CODES)
@pytest.mark.parametrize("key", sorted(updates.TEXTS))
def test_every_news_reply_fits_one_segment(locale, key):
    assert measure(normalise(updates.text(locale, key))).segments == 1


def test_a_contact_not_confirmed_gets_no_news_even_if_it_asked_before(
    session, make, demo_partnership
):
    # A membership pending since the upgrade that introduced confirmation may have asked
    # for news before it: it hears nothing until the person confirms.
    waiting = add_contact(session, demo_partnership, "+573104567801", pending=True)
    member = contacts.membership(session, contact=waiting, partnership_id=demo_partnership.id)
    member.wants_updates = True
    session.flush()
    assert updates.subscribers(session, partnership_id=demo_partnership.id) == []
    assert updates.count_subscribers(session, partnership_id=demo_partnership.id) == 0
    found = updates.set_updates(
        session, contact=waiting, partnership_id=demo_partnership.id, wanted=False, channel="sms"
    )
    assert found is None
    assert member.wants_updates is True
