"""A co-facilitator from the community side runs the SMS channel without seeing who writes:
numbers show their last two digits, and a number cannot be looked up."""

from sqlalchemy import select

from hsbp.partnerships import profiles
from hsbp.partnerships.models import Membership
from hsbp.security import Role
from tests.sms.conftest import PHONE, add_contact, page_text

WHOLE = "310 4567821"  # how the full number reads on the pages
SHOWN = "••• 21"


def co_facilitator(make, session, partnership):
    """A representative of a community group, named co-facilitator by the lead facilitator."""
    cabildo = make.partner(partnership, name="Cabildo", sector="community_group")
    lead = make.member(partnership, Role.FACILITATOR, user=make.user(locale="en"))
    rosa = make.member(
        partnership, Role.REPRESENTATIVE, user=make.user(locale="en"), partner=cabildo
    )
    seat = session.scalars(
        select(Membership).where(
            Membership.partnership_id == partnership.id, Membership.user_id == rosa.id
        )
    ).one()
    profiles.name_co_facilitator(
        session, actor=lead, partnership=partnership, membership_id=seat.id
    )
    session.commit()
    return lead, rosa


def test_co_facilitator_sees_masked_numbers_in_the_inbox_and_contacts(
    client, app, make, login, session, demo_partnership, sms
):
    lead, rosa = co_facilitator(make, session, demo_partnership)
    add_contact(session, demo_partnership, PHONE)
    session.commit()
    assert sms("Hola, el camino sigue cortado").status_code == 200
    pid = demo_partnership.id

    login(rosa)
    inbox = client.get(f"/p/{pid}/sms")
    assert inbox.status_code == 200
    text = page_text(inbox)
    assert "el camino sigue cortado" in text and SHOWN in text and WHOLE not in text
    contact_id = inbox.get_data(as_text=True).split(f"/p/{pid}/sms/threads/")[1].split('"')[0]
    message = page_text(client.get(f"/p/{pid}/sms/threads/{contact_id}"))
    assert SHOWN in message and WHOLE not in message
    contacts = client.get(f"/p/{pid}/sms/contacts")
    assert SHOWN in page_text(contacts) and WHOLE not in page_text(contacts)
    assert 'name="q"' not in contacts.get_data(as_text=True)
    # A number typed into the address finds nothing more: the search is ignored.
    searched = page_text(client.get(f"/p/{pid}/sms/contacts?q=3104567821"))
    assert WHOLE not in searched

    lead_client = login(lead, app.test_client())
    assert WHOLE in page_text(lead_client.get(f"/p/{pid}/sms"))
    assert WHOLE in page_text(lead_client.get(f"/p/{pid}/sms/contacts?q=3104567821"))
