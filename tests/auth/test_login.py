"""Signing in and out: right and wrong credentials, redirects, cookies (the limit on failed
sign-ins: test_throttle.py)."""

from sqlalchemy import select

from hsbp.auth.models import User
from tests.conftest import PASSWORD


def sign_in(client, email, password, **extra):
    return client.post("/login", data={"email": email, "password": password, **extra})


def test_login_with_right_password_goes_to_my_partnerships(client, make, session):
    user = make.user(email="ana@example.org")
    response = sign_in(client, "ANA@example.org ", PASSWORD)
    assert response.status_code == 302
    assert response.headers["Location"] == "/partnerships"
    assert client.get("/partnerships").status_code == 200
    session.expire_all()
    assert session.get(User, user.id).last_login_at is not None


def test_login_wrong_password_and_unknown_email_get_the_same_message(client, make):
    make.user(email="ana@example.org")
    wrong = sign_in(client, "ana@example.org", "not the password")
    unknown = sign_in(client, "nobody@example.org", PASSWORD)
    message = "The e-mail address or the password is not correct."
    assert wrong.status_code == unknown.status_code == 422
    assert message in wrong.get_data(as_text=True)
    assert message in unknown.get_data(as_text=True)
    assert client.get("/partnerships").status_code == 302


def test_login_missing_and_overlong_fields_rerender_with_errors(client):
    response = sign_in(client, "", "x" * 500)
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "This field is required." in body
    assert "Field cannot be longer than 128 characters." in body


def test_login_inactive_account_is_refused(client, make):
    make.user(email="gone@example.org", active=False)
    assert sign_in(client, "gone@example.org", PASSWORD).status_code == 422


def test_login_follows_a_local_next_but_not_another_site(client, make):
    make.user(email="ana@example.org")
    local = client.post(
        "/login?next=/account", data={"email": "ana@example.org", "password": PASSWORD}
    )
    assert local.headers["Location"] == "/account"
    client.post("/logout")
    away = client.post(
        "/login?next=//evil.example/x", data={"email": "ana@example.org", "password": PASSWORD}
    )
    assert away.headers["Location"] == "/partnerships"


def test_logout_needs_post_and_ends_the_session(client, make, login):
    login(make.user())
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 302
    assert client.get("/account").status_code == 302


def test_session_cookie_is_httponly_and_lax(client, make):
    make.user(email="ana@example.org")
    response = sign_in(client, "ana@example.org", PASSWORD)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" not in cookie


def test_session_cookie_is_secure_under_https(app_with, make):
    app = app_with(PUBLIC_URL="https://hsbp.example.org")
    assert app.config["SESSION_COOKIE_SECURE"] is True
    make.user(email="ana@example.org")
    response = sign_in(app.test_client(), "ana@example.org", PASSWORD)
    assert "Secure" in response.headers["Set-Cookie"]


def test_password_is_stored_as_argon2(session, make):
    from hsbp.auth.services import create_user

    user = create_user(session, email="new@example.org", name="New", password="a long passphrase")
    stored = session.scalar(select(User.password_hash).where(User.id == user.id))
    assert stored.startswith("$argon2id$")
