"""The phone simulator page: a message typed there goes through the real webhook, the
replies come back, and broadcasts to the simulated number show in its thread."""

from sqlalchemy import func, select

from hsbp.grievances import codes
from hsbp.grievances.models import Grievance
from hsbp.security import Role
from hsbp.sms import contacts
from hsbp.sms.models import InboundMessage
from tests.sms.conftest import PHONE, add_contact, page_text
from tests.sms.conftest import sms as sms  # the fixture

DEFAULT = "+573001110001"


def bubbles(text: str) -> list[str]:
    """The thread as read aloud: each message after its "From/To the phone:" label."""
    thread = text.split("To: +15005550006")[1].split("Message Send")[0]
    parts = thread.replace("To the phone:", "\n<").replace("From the phone:", "\n>").split("\n")
    return [part.strip() for part in parts[1:]]


def test_join_shows_both_replies_then_a_broadcast(web, fake, demo_partnership):
    url = f"/p/{demo_partnership.id}/sms/simulator"
    first = page_text(web.get(url))
    assert f"Phone {'+57 300 1110001'}" in first
    assert "No message yet." in first

    response = web.post(url, data={"send-phone": DEFAULT, "send-body": "JOIN DEMO"})
    assert response.status_code == 302
    assert response.location == f"{url}?phone=%2B573001110001"
    thread = bubbles(page_text(web.get(response.location)))
    assert [line.split(" ", 1)[0] for line in thread] == [">", "<", "<"]
    assert thread[0].startswith("> JOIN DEMO")
    assert thread[1].startswith(
        "< Se unió a DEMO. Envíe AYUDA para ver opciones o PARAR para salir."
    )
    assert thread[2].startswith(
        "< Elija su idioma respondiendo con el numero: 1 Español, 2 English"
    )

    # A broadcast goes to those who asked for news (hsbp.consent).
    web.post(url, data={"send-phone": DEFAULT, "send-body": "NOTICIAS"})
    web.post(
        f"/p/{demo_partnership.id}/sms/broadcasts/new",
        data={"audience": "all", "body_es": "Reunión el sábado a las 9.", "confirm": "1"},
    )
    thread = bubbles(page_text(web.get(response.location)))
    assert len(thread) == 6
    assert thread[3].startswith("> NOTICIAS")
    assert thread[5].startswith("< Reunión el sábado a las 9.")
    assert "Sent · broadcast" in thread[5]
    assert [m["to"] for m in fake.messages] == [DEFAULT] * 4  # three replies, the broadcast


def test_a_national_number_is_read_in_the_partnership_country(web, demo_partnership):
    url = f"/p/{demo_partnership.id}/sms/simulator"
    page = web.get(url, query_string={"phone": "300 111 0002"})
    assert 'name="send-phone" type="hidden" value="+573001110002"' in page.get_data(as_text=True)
    response = web.post(
        f"{url}?phone=3001110002", data={"send-phone": "+573001110002", "send-body": "HELP"}
    )
    assert response.location == f"{url}?phone=%2B573001110002"


def test_a_wrong_number_or_an_empty_message_is_refused(web, demo_partnership):
    url = f"/p/{demo_partnership.id}/sms/simulator"
    wrong = page_text(web.get(url, query_string={"phone": "12345"}))
    assert "This is not a phone number: 12345" in wrong
    assert "No message yet." not in wrong
    empty = web.post(url, data={"send-phone": DEFAULT, "send-body": ""})
    assert empty.status_code == 422
    bad = web.post(url, data={"send-phone": "12", "send-body": "HELP"})
    assert bad.status_code == 422
    assert "Choose the phone number to act as first." in page_text(bad)


def test_without_a_sender_the_page_says_how_to_configure_it(client, make, login):
    partnership = make.partnership()
    login(make.member(partnership, Role.FACILITATOR, user=make.user(locale="en")))
    response = client.get(f"/p/{partnership.id}/sms/simulator")
    assert "This partnership has no SMS sender yet. Set the sender and the join code" in page_text(
        response
    )
    sent = client.post(
        f"/p/{partnership.id}/sms/simulator", data={"send-phone": DEFAULT, "send-body": "HELP"}
    )
    assert sent.status_code == 200


def test_the_simulator_is_off_in_production_with_the_real_twilio(
    app_with, make, login, demo_partnership
):
    app = app_with(ENV="production", TWILIO_API_BASE=None, MAIL_LOG=True)
    client = app.test_client()
    login(make.member(demo_partnership, Role.FACILITATOR, user=make.user(locale="en")), client)
    url = f"/p/{demo_partnership.id}/sms/simulator"
    assert "The simulator is off on this server" in page_text(client.get(url))
    response = client.post(url, data={"send-phone": DEFAULT, "send-body": "JOIN DEMO"})
    assert response.status_code == 200
    assert "No message yet." not in page_text(response)


REFUSED = (
    "The simulator cannot act as this number: it is not one of its training numbers. "
    "Choose a number that nobody uses."
)


def test_a_new_number_becomes_a_training_number_whose_screen_shows_everything(
    web, session, demo_partnership
):
    url = f"/p/{demo_partnership.id}/sms/simulator"
    assert contacts.find_contact(session, DEFAULT) is None
    web.post(url, data={"send-phone": DEFAULT, "send-body": "JOIN DEMO"})
    web.post(url, data={"send-phone": DEFAULT, "send-body": "1"})
    web.post(url, data={"send-phone": DEFAULT, "send-body": "REPORT El camión tumbó la cerca"})
    session.expire_all()
    contact = contacts.find_contact(session, DEFAULT)
    assert contact.simulated is True
    (grievance,) = session.scalars(select(Grievance)).all()
    screen = bubbles(page_text(web.get(f"{url}?phone=%2B573001110001")))
    # The phone's own screen: the grievance and its receipt too, as the trainee wrote them.
    assert screen[5].startswith("> REPORT El camión tumbó la cerca")
    assert screen[6].startswith(f"< Queja recibida. Su codigo: {codes.shown(grievance.code)}.")
    # Nowhere else: it is still confidential.
    inbox_page = page_text(web.get(f"/p/{demo_partnership.id}/sms"))
    assert "camión" not in inbox_page
    assert "0 messages are not handled yet." in inbox_page


def test_a_real_contacts_number_is_refused_and_its_thread_not_shown(web, session, demo_partnership):
    add_contact(session, demo_partnership, PHONE, locale="es")
    url = f"/p/{demo_partnership.id}/sms/simulator"
    page = page_text(web.get(url, query_string={"phone": PHONE}))
    assert REFUSED in page
    assert "No message yet." not in page
    assert "Phone +57 310 4567821" not in page
    # Nor can it be used by posting the form directly: nobody may write as that person.
    for body in ("STOP", "REPORT falso", "JOIN DEMO"):
        response = web.post(
            f"{url}?phone=%2B573104567821", data={"send-phone": PHONE, "send-body": body}
        )
        assert response.status_code == 422
        assert REFUSED in page_text(response)
    assert session.scalar(select(func.count()).select_from(InboundMessage)) == 0
    assert contacts.find_contact(session, PHONE).simulated is False


def test_a_number_that_wrote_without_becoming_a_contact_is_refused(
    web, sms, session, demo_partnership
):
    sms("hola", sender=PHONE, to="+15005550999")  # a number no partnership uses: not answered
    assert contacts.find_contact(session, PHONE) is None
    url = f"/p/{demo_partnership.id}/sms/simulator"
    assert REFUSED in page_text(web.get(url, query_string={"phone": PHONE}))
    response = web.post(url, data={"send-phone": PHONE, "send-body": "HELP"})
    assert response.status_code == 422
    assert contacts.find_contact(session, PHONE) is None
