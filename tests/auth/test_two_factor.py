"""Signing in with a second factor: enrolment, the code after the password, wrong and replayed
codes, recovery codes (each once), the throttle on the code step, and what the log keeps."""

import json
import re
import time

from freezegun import freeze_time
from sqlalchemy import select

from hsbp.audit import AuditEntry
from hsbp.auth import totp
from hsbp.auth.models import RecoveryCode, User, UserSession
from hsbp.security import Role
from tests import log_scan
from tests.auth.second_factor import app_code, enrol, give_code, give_password
from tests.conftest import PASSWORD

EMAIL = "ana@example.org"


def actions(session, user) -> list[tuple[str, dict]]:
    rows = session.execute(
        select(AuditEntry.action, AuditEntry.details)
        .where(AuditEntry.actor_id == user.id, AuditEntry.action.like("user.%"))
        .order_by(AuditEntry.id)
    ).all()
    return [(action, details) for action, details in rows]


def open_sessions(session, user) -> list[UserSession]:
    session.expire_all()
    return list(
        session.scalars(
            select(UserSession).where(
                UserSession.user_id == user.id, UserSession.ended_at.is_(None)
            )
        )
    )


def shown_codes(response) -> list[str]:
    return re.findall(r"<code>([0-9a-z]{4}-[0-9a-z]{4})</code>", response.get_data(as_text=True))


# Enrolment --------------------------------------------------------------------------------


def test_enrolment_shows_the_key_and_a_qr_code_then_ten_recovery_codes(client, session, make):
    user = make.user(email=EMAIL)
    assert give_password(client, EMAIL).status_code == 302
    page = client.get("/account/two-factor")
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"
    body = page.get_data(as_text=True)
    shown = re.search(r'<code id="totp-secret">([A-Z2-7 ]+)</code>', body).group(1)
    secret = shown.replace(" ", "")
    session.expire_all()
    assert secret == user.totp_secret and len(secret) == 32
    assert '<svg role="img" shape-rendering="crispEdges"' in body
    assert "<title>QR code of the key</title>" in body
    # A reloaded page shows the same key: the one in the app stays right.
    assert shown in client.get("/account/two-factor").get_data(as_text=True)

    done = client.post("/account/two-factor", data={"code": app_code(secret)})
    assert done.status_code == 200
    assert done.headers["Cache-Control"] == "no-store"
    codes = shown_codes(done)
    assert len(codes) == 10 and len(set(codes)) == 10
    session.expire_all()
    assert user.totp_confirmed_at is not None
    # The step of the code typed (the one before, had the clock just moved on).
    assert totp.step_at(time.time()) - user.totp_last_step in (0, 1)
    stored = session.scalars(select(RecoveryCode.code_hash).where(RecoveryCode.user_id == user.id))
    hashes = list(stored)
    assert len(hashes) == 10
    assert not any(code.replace("-", "") in h for code in codes for h in hashes)
    assert actions(session, user)[-1] == ("user.two_factor_enable", {})
    # This browser passed the second factor by confirming it.
    [row] = open_sessions(session, user)
    assert row.second_factor_at is not None
    # Set up already: the page leads to the account.
    assert client.get("/account/two-factor").headers["Location"] == "/account"


def test_enrolment_refuses_a_wrong_code_and_stays_pending(client, session, make):
    user = make.user(email=EMAIL)
    give_password(client, EMAIL)
    client.get("/account/two-factor")
    session.expire_all()
    wrong = f"{(int(app_code(user.totp_secret)) + 1) % 1_000_000:06d}"
    refused = client.post("/account/two-factor", data={"code": wrong})
    assert refused.status_code == 422
    assert "This code is not correct." in refused.get_data(as_text=True)
    letters = client.post("/account/two-factor", data={"code": "12ab56"})
    assert "Type the 6 digits your app shows." in letters.get_data(as_text=True)
    session.expire_all()
    assert user.totp_confirmed_at is None
    # An enrolment in progress asks nothing at sign-in.
    other = client.application.test_client()
    assert give_password(other, EMAIL).headers["Location"] == "/partnerships"


# The code after the password --------------------------------------------------------------


def test_an_enrolled_account_signs_in_only_with_password_and_code(client, session, make):
    user = make.user(email=EMAIL)
    secret, _codes = enrol(session, user)
    step_one = give_password(client, EMAIL, remember="y")
    assert step_one.headers["Location"] == "/login/code"
    # No session yet: the password alone opens nothing.
    assert open_sessions(session, user) == []
    assert client.get("/account").headers["Location"].startswith("/login")
    assert client.get("/login/code").status_code == 200
    done = give_code(client, app_code(secret))
    assert done.status_code == 302 and done.headers["Location"] == "/partnerships"
    [row] = open_sessions(session, user)
    assert row.second_factor_at is not None and row.reauthenticated_at is not None
    assert client.get("/account").status_code == 200
    assert client.get_cookie("remember_token") is not None
    session.expire_all()
    assert user.last_login_at is not None


def test_the_code_step_keeps_where_the_person_was_going(client, session, make):
    user = make.user(email=EMAIL)
    secret, _codes = enrol(session, user)
    client.post("/login?next=/account", data={"email": EMAIL, "password": PASSWORD})
    assert give_code(client, app_code(secret)).headers["Location"] == "/account"
    other = client.application.test_client()
    other.post("/login?next=//evil.example", data={"email": EMAIL, "password": PASSWORD})
    assert give_code(other, app_code(secret, steps=1)).headers["Location"] == "/partnerships"


def test_a_wrong_code_is_refused_and_signs_nobody_in(client, session, make):
    user = make.user(email=EMAIL)
    secret, _codes = enrol(session, user)
    give_password(client, EMAIL)
    wrong = f"{(int(app_code(secret)) + 500_000) % 1_000_000:06d}"
    refused = give_code(client, wrong)
    assert refused.status_code == 422
    assert "This code is not correct." in refused.get_data(as_text=True)
    assert open_sessions(session, user) == []


def test_a_replayed_code_is_refused_and_so_is_an_older_one(client, session, make, app):
    user = make.user(email=EMAIL)
    with freeze_time("2026-03-02 09:00:10"):
        secret, _codes = enrol(session, user)
    with freeze_time("2026-03-02 09:01:05"):
        code = app_code(secret)
        give_password(client, EMAIL)
        assert give_code(client, code).status_code == 302
        again = app.test_client()
        give_password(again, EMAIL)
        refused = give_code(again, code)
        assert refused.status_code == 422
        assert "This code was already used; wait for the next one." in refused.get_data(
            as_text=True
        )
        # The code of the step before, still inside the window, is older than the one taken.
        older = give_code(again, app_code(secret, steps=-1))
        assert "This code was already used; wait for the next one." in older.get_data(as_text=True)
    with freeze_time("2026-03-02 09:01:35"):
        assert give_code(again, app_code(secret)).status_code == 302
    assert len(open_sessions(session, user)) == 2


def test_the_password_step_expires_after_five_minutes(client, session, make):
    user = make.user(email=EMAIL)
    with freeze_time("2026-03-02 09:00:00") as clock:
        secret, _codes = enrol(session, user)
        give_password(client, EMAIL)
        clock.tick(301)
        late = give_code(client, app_code(secret))
        assert late.headers["Location"] == "/login"
        assert "Please sign in again." in client.get("/login").get_data(as_text=True)
    assert open_sessions(session, user) == []


def test_the_code_page_without_a_password_step_sends_to_sign_in(client):
    assert client.get("/login/code").headers["Location"] == "/login"


# Recovery codes ---------------------------------------------------------------------------


def test_a_recovery_code_signs_in_once_and_is_refused_after(client, session, make, app):
    user = make.user(email=EMAIL)
    _secret, codes = enrol(session, user)
    give_password(client, EMAIL)
    # Typed as people do: upper case, no dash, spaces around.
    used = give_code(client, f" {codes[3].replace('-', '').upper()} ")
    assert used.status_code == 302
    assert "You signed in with a recovery code: 9 are left." in client.get(
        "/partnerships", follow_redirects=True
    ).get_data(as_text=True)
    assert actions(session, user)[-1] == ("user.recovery_code_used", {"left": 9})

    again = app.test_client()
    give_password(again, EMAIL)
    refused = give_code(again, codes[3])
    assert refused.status_code == 422
    assert "This recovery code was already used." in refused.get_data(as_text=True)
    assert give_code(again, "zzzz-zzzz").status_code == 422
    assert give_code(again, codes[4]).status_code == 302
    assert len(open_sessions(session, user)) == 2


def test_a_new_set_of_recovery_codes_voids_the_old_one(client, session, make, login):
    user = make.user(email=EMAIL)
    _secret, old = enrol(session, user)
    login(user)
    made = client.post("/account/two-factor/recovery-codes")
    assert made.status_code == 200 and made.headers["Cache-Control"] == "no-store"
    new = shown_codes(made)
    assert len(new) == 10 and not set(new) & set(old)
    assert actions(session, user)[-1] == ("user.recovery_codes_new", {})
    other = client.application.test_client()
    give_password(other, EMAIL)
    assert "This code is not correct." in give_code(other, old[0]).get_data(as_text=True)
    assert give_code(other, new[0]).status_code == 302
    page = client.get("/account").get_data(as_text=True)
    assert "9 recovery codes are left." in page


# Removing it ------------------------------------------------------------------------------


def test_one_who_need_not_have_it_removes_it_after_proving_it_is_them(client, session, make, login):
    partnership = make.partnership()
    user = make.member(partnership, Role.OBSERVER, user=make.user(email=EMAIL))
    enrol(session, user)
    login(user)
    removed = client.post("/account/two-factor/remove")
    assert removed.headers["Location"] == "/account"
    session.expire_all()
    assert (user.totp_secret, user.totp_confirmed_at) == (None, None)
    assert session.scalars(select(RecoveryCode).where(RecoveryCode.user_id == user.id)).all() == []
    assert actions(session, user)[-1] == ("user.two_factor_disable", {})
    assert give_password(client.application.test_client(), EMAIL).headers["Location"] == (
        "/partnerships"
    )


def test_a_facilitator_cannot_remove_it(client, session, make, login):
    partnership = make.partnership()
    user = make.member(partnership, Role.FACILITATOR, user=make.user(email=EMAIL))
    enrol(session, user)
    login(user)
    page = client.get("/account").get_data(as_text=True)
    assert "Your role asks for a second factor, so it cannot be removed." in page
    assert "Remove the second factor" not in page
    client.post("/account/two-factor/remove")
    session.expire_all()
    assert user.totp_confirmed_at is not None
    assert "Your role asks for a second factor: it cannot be removed." in client.get(
        "/account"
    ).get_data(as_text=True)


# Nothing secret in the log ----------------------------------------------------------------


def test_no_secret_code_or_recovery_code_reaches_the_log(client, session, make, app):
    start = log_scan.mark()
    user = make.user(email=EMAIL)
    give_password(client, EMAIL)
    client.get("/account/two-factor")
    session.expire_all()
    secret = user.totp_secret
    codes = shown_codes(client.post("/account/two-factor", data={"code": app_code(secret)}))
    log_scan.canary(secret, *codes, *(c.replace("-", "") for c in codes))
    other = app.test_client()
    give_password(other, EMAIL)
    give_code(other, codes[0])
    give_code(app.test_client(), codes[0])
    stored = {c for (c,) in session.execute(select(User.totp_secret).where(User.id == user.id))}
    assert stored == {secret}
    written = " ".join(json.dumps(line) for line in log_scan.lines_since(start))
    assert secret not in written
    assert not any(code in written for code in codes)
