"""The account page and the language menu."""

from sqlalchemy import select

from hsbp.audit import AuditEntry
from hsbp.auth.models import User
from tests.conftest import PASSWORD


def test_profile_saves_name_and_language(client, make, login, session):
    user = make.user()
    login(user)
    response = client.post("/account", data={"profile-name": "Ana María", "profile-locale": "es"})
    assert response.status_code == 302
    session.expire_all()
    saved = session.get(User, user.id)
    assert (saved.name, saved.locale) == ("Ana María", "es")
    assert '<html lang="es" dir="ltr">' in client.get("/account").get_data(as_text=True)


def test_profile_rejects_unknown_language(client, make, login):
    login(make.user())
    response = client.post("/account", data={"profile-name": "Ana", "profile-locale": "xx"})
    assert response.status_code == 422
    assert "Not a valid choice." in response.get_data(as_text=True)


def test_change_password_signs_out_other_devices(app, client, make, login):
    user = make.user()
    login(user)
    other_device = login(user, target=app.test_client())
    response = client.post(
        "/account",
        data={
            "password-current_password": PASSWORD,
            "password-password": "another long secret",
            "password-confirm": "another long secret",
        },
    )
    assert response.status_code == 302
    assert client.get("/account").status_code == 200
    assert other_device.get("/account").status_code == 302


def test_change_password_with_wrong_current_password_changes_nothing(client, make, login):
    login(make.user(email="ana@example.org"))
    response = client.post(
        "/account",
        data={
            "password-current_password": "wrong one",
            "password-password": "another long secret",
            "password-confirm": "another long secret",
        },
    )
    assert response.status_code == 422
    assert "The current password is not correct." in response.get_data(as_text=True)
    client.post("/logout")
    assert (
        client.post("/login", data={"email": "ana@example.org", "password": PASSWORD}).status_code
        == 302
    )


def test_language_menu_for_a_visitor_is_kept_in_the_session(client):
    response = client.post("/language", data={"locale": "ar", "next": "/login"})
    assert response.headers["Location"] == "/login"
    page = client.get("/login").get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in page


def test_language_menu_for_a_user_is_saved_in_the_profile(client, make, login, session):
    user = make.user(locale="en")
    login(user)
    client.post("/language", data={"locale": "sw", "next": "/account"})
    session.expire_all()
    assert session.get(User, user.id).locale == "sw"


def test_browser_language_is_used_when_nothing_is_chosen(client):
    page = client.get("/login", headers={"Accept-Language": "fr-FR,fr;q=0.9"}).get_data(
        as_text=True
    )
    assert '<html lang="fr" dir="ltr">' in page


def test_language_menu_refuses_an_offsite_next(client):
    response = client.post("/language", data={"locale": "es", "next": "https://evil.example/"})
    assert response.headers["Location"] == "/partnerships"


def test_account_changes_are_audited_on_the_user_not_on_a_proxy(client, make, login, session):
    user = make.user()
    login(user)
    client.post("/account", data={"profile-name": "Ana María", "profile-locale": "es"})
    client.post(
        "/account",
        data={
            "password-current_password": PASSWORD,
            "password-password": "another long secret",
            "password-confirm": "another long secret",
        },
    )
    entries = session.execute(
        select(AuditEntry.action, AuditEntry.object_type, AuditEntry.object_id).order_by(
            AuditEntry.id
        )
    ).all()
    assert [tuple(entry) for entry in entries] == [
        ("user.update", "User", user.id),
        ("user.password_change", "User", user.id),
    ]
