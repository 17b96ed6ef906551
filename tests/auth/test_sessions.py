"""Sessions kept on the server: signing out ends them, copies of cookies stop working,
"sign out everywhere", the list on the account page, and no fixation."""

import hashlib
from datetime import timedelta

from freezegun import freeze_time
from sqlalchemy import select

from hsbp.audit import AuditEntry
from hsbp.auth import sessions
from hsbp.auth.models import User, UserSession
from hsbp.auth.services import make_reset_token
from hsbp.db import utcnow
from tests.conftest import PASSWORD

FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0"
PHONE = (
    "Mozilla/5.0 (Linux; Android 14; SM-A155F) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Mobile Safari/537.36"
)


def sign_in(client, email="ana@example.org", *, agent=FIREFOX, remember=False):
    data = {"email": email, "password": PASSWORD}
    if remember:
        data["remember"] = "y"
    response = client.post("/login", data=data, headers={"User-Agent": agent})
    assert response.status_code == 302
    return client


def copy_cookie(source, target, name="session"):
    target.set_cookie(name, source.get_cookie(name).value)
    return target


def test_a_cookie_copied_before_sign_out_is_refused_after_it(app, client, make):
    make.user(email="ana@example.org")
    sign_in(client)
    thief = copy_cookie(client, app.test_client())
    assert thief.get("/account").status_code == 200
    assert client.post("/logout").status_code == 302
    refused = thief.get("/account")
    assert refused.status_code == 302
    assert refused.headers["Location"].startswith("/login")


def test_a_remember_me_cookie_is_refused_after_sign_out(app, client, make):
    make.user(email="ana@example.org")
    sign_in(client, remember=True)
    # A browser that kept only the remember-me cookie is signed in by it...
    before = copy_cookie(client, app.test_client(), "remember_token")
    assert before.get("/account").status_code == 200
    copied = copy_cookie(client, app.test_client(), "remember_token")
    client.post("/logout")
    # ...until its owner signs out: then no copy of it works.
    assert copied.get("/account").status_code == 302
    assert before.get_cookie("session") is not None
    assert before.get("/account").status_code == 302


def test_sign_out_ends_the_session_row(client, make, session):
    user = make.user(email="ana@example.org")
    sign_in(client)
    client.post("/logout")
    row = session.scalars(select(UserSession).where(UserSession.user_id == user.id)).one()
    session.refresh(row)
    assert row.ended_at is not None


def test_sign_out_everywhere_ends_every_session_and_is_audited(app, client, make, session):
    user = make.user(email="ana@example.org")
    token = user.session_token
    other = sign_in(app.test_client(), agent=PHONE, remember=True)
    kept_remember = copy_cookie(other, app.test_client(), "remember_token")
    sign_in(client)
    response = client.post("/account/sign-out-everywhere")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login"
    assert other.get("/account").status_code == 302
    assert kept_remember.get("/account").status_code == 302
    assert client.get("/account").status_code == 302
    session.expire_all()
    assert session.get(User, user.id).session_token != token
    rows = session.scalars(select(UserSession).where(UserSession.user_id == user.id)).all()
    assert [row.ended_at is not None for row in rows] == [True, True]
    entries = session.execute(
        select(AuditEntry.action, AuditEntry.object_type, AuditEntry.object_id, AuditEntry.actor_id)
    ).all()
    assert [tuple(entry) for entry in entries] == [
        ("user.sign_out_everywhere", "User", user.id, user.id)
    ]
    page = client.get("/login").get_data(as_text=True)
    assert "You are signed out on every device, this one included." in page


def test_sign_out_everywhere_needs_post(client, make, login):
    login(make.user())
    assert client.get("/account/sign-out-everywhere").status_code == 405


def test_sign_out_everywhere_refuses_a_post_without_csrf_token(app_with, make, session):
    app = app_with(WTF_CSRF_ENABLED=True)
    make.user(email="ana@example.org")
    browser = app.test_client()
    with browser.session_transaction() as cookie_session:
        user = session.scalars(select(User)).one()
        cookie_session["_user_id"] = sessions.start_session(session, user=user)
    assert browser.post("/account/sign-out-everywhere").status_code == 400
    assert browser.get("/account").status_code == 200


def test_change_password_keeps_this_session_and_ends_the_others(app, client, make, session):
    user = make.user(email="ana@example.org")
    other = sign_in(app.test_client(), agent=PHONE)
    sign_in(client, remember=True)
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
    assert other.get("/account").status_code == 302
    # The remember-me cookie was re-issued with the new token: it alone still signs in.
    remembered = copy_cookie(client, app.test_client(), "remember_token")
    assert remembered.get("/account").status_code == 200
    rows = session.scalars(
        select(UserSession).where(UserSession.user_id == user.id).order_by(UserSession.id)
    ).all()
    for row in rows:
        session.refresh(row)
    assert [(row.user_agent, row.ended_at is None) for row in rows] == [
        (PHONE, False),
        (FIREFOX, True),
    ]


def test_password_reset_ends_every_session(app, client, make, session):
    user = make.user(email="ana@example.org")
    other = sign_in(app.test_client())
    link = f"/password/reset/{make_reset_token(user)}"
    done = client.post(
        link, data={"password": "a brand new secret", "confirm": "a brand new secret"}
    )
    assert done.status_code == 302
    assert other.get("/account").status_code == 302
    open_rows = session.scalars(
        select(UserSession).where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
    ).all()
    assert open_rows == []


def test_an_inactive_account_loses_its_sessions(client, make, login, session):
    user = make.user()
    login(user)
    assert client.get("/account").status_code == 200
    user.active = False
    session.flush()
    assert client.get("/account").status_code == 302


def test_signing_in_starts_a_fresh_cookie_session_but_keeps_the_language(client, make):
    make.user(email="ana@example.org", locale=None)
    client.post("/language", data={"locale": "fr", "next": "/login"})
    with client.session_transaction() as planted:
        planted["csrf_token"] = "chosen-by-an-attacker"
        planted["_user_id"] = "1:forged:forged"
    sign_in(client)
    with client.session_transaction() as after:
        assert after.get("csrf_token") != "chosen-by-an-attacker"
        assert after["locale"] == "fr"
        assert after["_user_id"] != "1:forged:forged"


def test_only_the_hash_of_the_cookie_secret_is_stored(client, make, session):
    user = make.user(email="ana@example.org")
    sign_in(client)
    with client.session_transaction() as cookie_session:
        session_id, secret, token = cookie_session["_user_id"].split(":")
    row = session.get(UserSession, int(session_id))
    assert row.user_id == user.id
    assert row.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in row.token_hash
    assert token == user.session_token


def test_account_page_lists_open_sessions_and_marks_this_one(app, client, make, session):
    make.user(email="ana@example.org")
    sign_in(app.test_client(), agent=PHONE)
    gone = sign_in(app.test_client(), agent="curl/8.5.0")
    gone.post("/logout")
    sign_in(client)
    page = client.get("/account").get_data(as_text=True)
    assert "Chrome on Android" in page
    assert "Firefox on Windows <strong>(this browser)</strong>" in page
    assert "Unknown browser" not in page  # the signed-out one is not listed
    assert "Sign out everywhere" in page


def test_last_seen_moves_forward_at_most_every_five_minutes(client, make, session):
    make.user(email="ana@example.org")
    with freeze_time("2026-12-01 09:00:00"):
        sign_in(client)
    row = session.scalars(select(UserSession)).one()
    with freeze_time("2026-12-01 09:04:00"):
        client.get("/account")
    session.refresh(row)
    assert row.last_seen_at.isoformat() == "2026-12-01T09:00:00+00:00"
    with freeze_time("2026-12-01 09:06:00"):
        client.get("/account")
    session.refresh(row)
    assert row.last_seen_at.isoformat() == "2026-12-01T09:06:00+00:00"


def test_malformed_cookie_ids_are_refused_without_error(session, make):
    user = make.user()
    good = sessions.start_session(session, user=user)
    session_id, secret, token = good.split(":")
    for cookie_id in (
        "",
        "1",
        f"{user.id}:{user.session_token}",  # the cookie of the version before sessions
        f"²:{secret}:{token}",
        f"{2**64}:{secret}:{token}",
        f"{2**31}:{secret}:{token}",  # beyond PostgreSQL's INTEGER
        f"0:{secret}:{token}",
        f"{session_id}:{secret}x:{token}",
        f"{session_id}:{secret}:{token}x",
        f"{session_id}:{secret}:{token}:extra",
    ):
        assert sessions.user_for_cookie(session, cookie_id) is None, cookie_id
    assert sessions.user_for_cookie(session, good) is user


def test_describe_browser_names_common_browsers():
    assert sessions.describe_browser(FIREFOX) == "Firefox on Windows"
    assert sessions.describe_browser(PHONE) == "Chrome on Android"
    edge = (
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like "
        "Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0"
    )
    assert sessions.describe_browser(edge) == "Edge on macOS"
    assert sessions.describe_browser("Opera/9.80 (Linux)") == "A browser on Linux"
    assert sessions.describe_browser("") == "Unknown browser"


def test_an_ended_session_is_not_revived_by_its_last_seen(session, make):
    user = make.user()
    cookie = sessions.start_session(session, user=user)
    sessions.end_other_sessions(session, user=user, keep=None)
    row = session.scalars(select(UserSession)).one()
    row.last_seen_at = utcnow() - timedelta(hours=1)
    session.flush()
    assert sessions.user_for_cookie(session, cookie) is None


def test_a_refused_cookie_leads_to_sign_in_with_a_message_in_the_readers_language(
    app, client, make
):
    make.user(email="ana@example.org")
    sign_in(client)
    thief = copy_cookie(client, app.test_client())
    client.post("/logout")
    page = thief.get("/account", headers={"Accept-Language": "en"}, follow_redirects=True)
    assert page.request.path == "/login"
    assert "Please sign in to see this page." in page.get_data(as_text=True)


def test_ending_a_session_of_another_user_does_nothing(session, make):
    ana, bea = make.user(), make.user()
    sessions.start_session(session, user=bea)
    sessions.end_session(session, user=ana, session_id=bea.current_session_id)
    row = session.get(UserSession, bea.current_session_id)
    session.refresh(row)
    assert row.ended_at is None
    assert sessions.user_for_cookie(session, bea.session_cookie) is bea


def test_keep_me_signed_in_lasts_a_month(client, make):
    make.user(email="ana@example.org")
    sign_in(client, remember=True)
    cookie = client.get_cookie("remember_token")
    lifetime = cookie.expires - utcnow()
    assert timedelta(days=29) < lifetime <= timedelta(days=30)
