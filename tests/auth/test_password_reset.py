"""Password reset by a signed, expiring, single-use link sent by e-mail."""

from freezegun import freeze_time
from sqlalchemy import select

from hsbp.mail import LINK_REMOVED, OutboundEmail
from tests.conftest import PASSWORD
from tests.emails import last_path


def reset_link(_session) -> str:
    return last_path("/password/reset/")


def test_forgot_password_sends_a_link_that_sets_a_new_password(client, make, session, caplog):
    make.user(email="ana@example.org")
    caplog.set_level("INFO", logger="hsbp.mail")
    response = client.post("/password/forgot", data={"email": "Ana@Example.org"})
    assert response.status_code == 302
    session.expire_all()
    email = session.scalars(select(OutboundEmail)).one()
    assert (email.to_address, email.status) == ("ana@example.org", "sent")
    assert "e-mail to ana@example.org: Reset your hsbp password" in caplog.text
    path = reset_link(session)
    # Sent: the stored copy keeps no working link, only a note where it was.
    assert path not in email.body
    assert "/password/reset/" not in email.body
    assert f"open this link within 60 minutes:\n{LINK_REMOVED}\n" in email.body
    assert email.secret is None
    assert client.get(path).status_code == 200
    done = client.post(
        path, data={"password": "a brand new secret", "confirm": "a brand new secret"}
    )
    assert done.status_code == 302
    signed_in = client.post(
        "/login", data={"email": "ana@example.org", "password": "a brand new secret"}
    )
    assert signed_in.headers["Location"] == "/partnerships"


def test_reset_link_works_only_once(client, make, session):
    make.user(email="ana@example.org")
    client.post("/password/forgot", data={"email": "ana@example.org"})
    path = reset_link(session)
    client.post(path, data={"password": "first new secret", "confirm": "first new secret"})
    again = client.post(
        path, data={"password": "second new secret", "confirm": "second new secret"}
    )
    assert again.status_code == 302
    assert again.headers["Location"] == "/password/forgot"
    page = client.get("/password/forgot").get_data(as_text=True)
    assert "This link has already been used. Ask for a new one." in page


def test_reset_link_expires_after_an_hour(client, make, session):
    make.user(email="ana@example.org")
    with freeze_time("2026-11-21 10:00:00"):
        client.post("/password/forgot", data={"email": "ana@example.org"})
    path = reset_link(session)
    with freeze_time("2026-11-21 11:01:00"):
        response = client.get(path, follow_redirects=True)
    assert "This link has expired. Ask for a new one." in response.get_data(as_text=True)


def test_forged_reset_link_is_refused(client):
    response = client.get("/password/reset/not-a-real-token", follow_redirects=True)
    assert "This link is not valid. Ask for a new one." in response.get_data(as_text=True)


def test_unknown_address_gets_the_same_answer_and_no_email(client, session):
    response = client.post("/password/forgot", data={"email": "nobody@example.org"})
    assert response.status_code == 302
    assert session.scalars(select(OutboundEmail)).all() == []


def test_reset_refuses_a_short_password_and_keeps_the_old_one(client, make, session):
    make.user(email="ana@example.org")
    client.post("/password/forgot", data={"email": "ana@example.org"})
    response = client.post(reset_link(session), data={"password": "short", "confirm": "short"})
    assert response.status_code == 422
    assert "Use at least 10 characters." in response.get_data(as_text=True)
    ok = client.post("/login", data={"email": "ana@example.org", "password": PASSWORD})
    assert ok.status_code == 302
