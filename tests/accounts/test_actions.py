"""Deactivating, reactivating and resetting a second factor: sessions end at once, the last
facilitator of a partnership stays, a reset needs a reason, and the audit log names nobody."""

import json
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from hsbp.audit import AuditEntry
from hsbp.auth.models import RecoveryCode, User, UserSession
from hsbp.db import utcnow
from hsbp.mail import OutboundEmail
from hsbp.security import Role
from tests.accounts.conftest import with_second_factor
from tests.conftest import PASSWORD

REASON = "Phone lost; confirmed by a call to the office."


def entries(session) -> list[tuple]:
    return [
        (entry.action, entry.actor_id, entry.object_type, entry.object_id, entry.details)
        for entry in session.scalars(
            select(AuditEntry)
            .where(AuditEntry.action.startswith("account."))
            .order_by(AuditEntry.id)
        )
    ]


def open_sessions(session, user) -> int:
    return len(
        session.scalars(
            select(UserSession).where(
                UserSession.user_id == user.id, UserSession.ended_at.is_(None)
            )
        ).all()
    )


def assert_signed_out(browser) -> None:
    response = browser.get("/account")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def assert_no_email_in_log(session, *users) -> None:
    stored = json.dumps([entry[4] for entry in entries(session)])
    for user in users:
        assert user.email not in stored
        assert user.name not in stored


def test_deactivate_signs_every_browser_out_at_once(client, make, session, admin, signed_in):
    omar = make.member(make.partnership(), Role.OBSERVER, user=make.user(name="Omar"))
    phone, laptop = signed_in(omar), signed_in(omar)
    assert phone.get("/account").status_code == 200
    token = omar.session_token

    response = client.post(
        f"/admin/accounts/{omar.id}/deactivate", data={"deactivate-reason": "left_role"}
    )

    assert response.status_code == 302
    assert response.headers["Location"] == f"/admin/accounts/{omar.id}"
    assert_signed_out(phone)
    assert_signed_out(laptop)
    session.expire_all()
    omar = session.get(User, omar.id)
    assert (omar.active, omar.deactivated_at is not None) == (False, True)
    assert omar.session_token != token
    assert open_sessions(session, omar) == 0
    assert entries(session) == [
        ("account.deactivate", admin.id, "User", omar.id, {"reason": "left_role"})
    ]
    assert_no_email_in_log(session, omar, admin)
    # Nor can the password sign them in again.
    answer = phone.post("/login", data={"email": omar.email, "password": PASSWORD})
    assert answer.status_code == 422
    page = client.get(f"/admin/accounts/{omar.id}").get_data(as_text=True)
    assert "The account of Omar is deactivated and signed out everywhere." in page
    assert "<bdi>Adela Admin</bdi> deactivated the account of “<bdi>Omar</bdi>”." in page
    assert "Reason: They left their role or organisation" in page
    assert "Reactivate the account" in page


def test_deactivate_without_a_reason_keeps_empty_details(client, make, session, admin):
    omar = make.user()
    assert client.post(f"/admin/accounts/{omar.id}/deactivate").status_code == 302
    assert entries(session) == [("account.deactivate", admin.id, "User", omar.id, {})]


def test_deactivate_refuses_a_reason_not_in_the_list(client, make, session, admin):
    omar = make.user()
    response = client.post(
        f"/admin/accounts/{omar.id}/deactivate", data={"deactivate-reason": "he annoyed me"}
    )
    assert response.status_code == 422
    assert "Not a valid choice" in response.get_data(as_text=True)
    assert omar.active and entries(session) == []


def test_a_site_administrator_cannot_deactivate_themselves(client, session, admin):
    response = client.post(f"/admin/accounts/{admin.id}/deactivate")
    assert response.status_code == 422
    assert "You cannot deactivate your own account." in response.get_data(as_text=True)
    session.expire_all()
    assert session.get(User, admin.id).active
    assert client.get("/admin/accounts").status_code == 200
    assert entries(session) == []


def test_deactivating_the_last_active_facilitator_is_refused_and_names_the_partnerships(
    client, make, session, admin, signed_in
):
    fabiola = make.user(name="Fabiola")
    alone = make.partnership(name="Caguán")
    make.member(alone, Role.FACILITATOR, user=fabiola)
    make.member(alone, Role.OBSERVER)
    # The other facilitator's account is deactivated: they run nothing.
    left = make.partnership(name="Mocoa")
    make.member(left, Role.FACILITATOR, user=fabiola)
    make.member(left, Role.FACILITATOR, user=make.user(active=False))
    shared = make.partnership(name="Putumayo")
    make.member(shared, Role.FACILITATOR, user=fabiola)
    make.member(shared, Role.FACILITATOR)
    # The administrator is a member of one of them: its members page opens for them.
    make.member(alone, Role.OBSERVER, user=admin)
    browser = signed_in(fabiola)
    token = fabiola.session_token

    response = client.post(
        f"/admin/accounts/{fabiola.id}/deactivate", data={"deactivate-reason": "left_role"}
    )

    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "This account is the only active facilitator of the partnerships below." in page
    assert "Name a new facilitator in each of them first" in page
    assert f'<a href="/p/{alone.id}/members"><bdi>Caguán</bdi></a>' in page
    assert "<bdi>Mocoa</bdi>" in page
    assert f'href="/p/{left.id}/members"' not in page
    assert f'href="/admin/partnerships/{left.id}/invite"' in page
    assert f'href="/admin/partnerships/{shared.id}/invite"' not in page
    # Nothing changed.
    session.expire_all()
    fabiola = session.get(User, fabiola.id)
    assert (fabiola.active, fabiola.deactivated_at, fabiola.session_token) == (True, None, token)
    assert browser.get("/account").status_code == 200
    assert entries(session) == []


def test_deactivating_a_facilitator_who_is_not_the_last_one_works(client, make, session, admin):
    fabiola = make.user()
    partnership = make.partnership()
    make.member(partnership, Role.FACILITATOR, user=fabiola)
    make.member(partnership, Role.FACILITATOR)
    assert client.post(f"/admin/accounts/{fabiola.id}/deactivate").status_code == 302
    session.expire_all()
    assert not session.get(User, fabiola.id).active


def test_reactivate_lets_the_person_sign_in_again(client, app, make, session, admin):
    omar = make.user(name="Omar", email="omar@example.org")
    client.post(f"/admin/accounts/{omar.id}/deactivate")

    response = client.post(f"/admin/accounts/{omar.id}/reactivate")

    assert response.status_code == 302
    session.expire_all()
    omar = session.get(User, omar.id)
    assert (omar.active, omar.deactivated_at) == (True, None)
    assert [entry[:4] for entry in entries(session)] == [
        ("account.deactivate", admin.id, "User", omar.id),
        ("account.reactivate", admin.id, "User", omar.id),
    ]
    assert entries(session)[1][4] == {}
    browser = app.test_client()
    signed = browser.post("/login", data={"email": "omar@example.org", "password": PASSWORD})
    assert signed.status_code == 302
    assert not signed.headers["Location"].startswith("/login")
    page = client.get(f"/admin/accounts/{omar.id}").get_data(as_text=True)
    assert "The account of Omar is active again." in page
    assert "<bdi>Adela Admin</bdi> reactivated the account of “<bdi>Omar</bdi>”." in page


def test_reactivating_an_active_account_changes_nothing(client, make, session, admin):
    omar = make.user()
    response = client.post(f"/admin/accounts/{omar.id}/reactivate", follow_redirects=True)
    assert "This account is active already." in response.get_data(as_text=True)
    assert entries(session) == []


@pytest.fixture
def nadia(make, session):
    """A facilitator with a second factor and two recovery codes."""
    user = with_second_factor(make.user(name="Nadia"))
    make.member(make.partnership(), Role.FACILITATOR, user=user)
    session.add_all(
        [RecoveryCode(user_id=user.id, code_hash=f"{n}" * 64) for n in range(2)]
        + [RecoveryCode(user_id=make.user().id, code_hash="f" * 64)]
    )
    session.flush()
    return user


@pytest.mark.parametrize(
    ("reason", "error"),
    [
        ("", "This field is required."),
        ("   ", "This field is required."),
        ("lost", "Field must be between 5 and 500 characters long."),
        ("x" * 501, "Field must be between 5 and 500 characters long."),
        ("She wrote from nadia@example.org", "Write no e-mail address or phone number"),
        ("Called her on +57 310 555 0101", "Write no e-mail address or phone number"),
    ],
)
def test_reset_of_the_second_factor_needs_a_reason(
    client, session, admin, nadia, signed_in, reason, error
):
    browser = signed_in(nadia)
    response = client.post(
        f"/admin/accounts/{nadia.id}/second-factor/reset", data={"reset-reason": reason}
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert error in page
    assert "Write no personal data of anyone" in page
    session.expire_all()
    nadia = session.get(User, nadia.id)
    assert nadia.totp_confirmed_at is not None and nadia.totp_secret is not None
    assert len(session.scalars(select(RecoveryCode)).all()) == 3
    assert browser.get("/account").status_code == 200
    assert entries(session) == []


def test_reset_clears_the_second_factor_and_codes_and_ends_the_sessions(
    client, session, admin, nadia, signed_in
):
    browser = signed_in(nadia)
    response = client.post(
        f"/admin/accounts/{nadia.id}/second-factor/reset", data={"reset-reason": f"  {REASON} "}
    )
    assert response.status_code == 302
    assert_signed_out(browser)
    session.expire_all()
    nadia = session.get(User, nadia.id)
    assert (nadia.totp_secret, nadia.totp_confirmed_at, nadia.totp_last_step) == (None, None, None)
    # Someone else's code stays.
    [kept] = session.scalars(select(RecoveryCode.user_id)).all()
    assert kept != nadia.id
    assert open_sessions(session, nadia) == 0
    assert nadia.active
    assert entries(session) == [
        ("account.second_factor_reset", admin.id, "User", nadia.id, {"reason": REASON})
    ]
    assert_no_email_in_log(session, nadia, admin)
    [email] = session.scalars(select(OutboundEmail)).all()
    assert email.to_address == nadia.email
    assert "At your next sign-in you will be asked to set up" in email.body
    page = client.get(f"/admin/accounts/{nadia.id}").get_data(as_text=True)
    assert "reset the second factor of" in page
    assert f"Reason: <bdi>{REASON}</bdi>" in page
    assert '<span class="tag">Required, not set up</span>' in page


def test_reset_is_refused_without_a_second_factor_or_for_oneself(client, make, session, admin):
    omar = make.user()
    response = client.post(
        f"/admin/accounts/{omar.id}/second-factor/reset", data={"reset-reason": REASON}
    )
    assert response.status_code == 422
    assert "This account has no second factor to reset." in response.get_data(as_text=True)
    own = client.post(
        f"/admin/accounts/{admin.id}/second-factor/reset", data={"reset-reason": REASON}
    )
    assert own.status_code == 422
    assert "You cannot reset your own second factor." in own.get_data(as_text=True)
    session.expire_all()
    assert session.get(User, admin.id).totp_confirmed_at is not None
    assert entries(session) == []


@pytest.mark.parametrize("action", ["deactivate", "reactivate", "second-factor/reset"])
def test_account_changes_refuse_a_post_without_csrf_token(
    app_with, make, session, signed_in, action
):
    app = app_with(WTF_CSRF_ENABLED=True)
    admin = with_second_factor(make.user(is_site_admin=True))
    target = with_second_factor(make.user(active=action != "reactivate"))
    browser = signed_in(admin, app.test_client())
    response = browser.post(f"/admin/accounts/{target.id}/{action}", data={"reset-reason": REASON})
    assert response.status_code == 400
    session.expire_all()
    assert session.get(User, target.id).totp_confirmed_at is not None
    assert entries(session) == []


@pytest.mark.parametrize("action", ["deactivate", "reactivate", "second-factor/reset"])
def test_account_changes_ask_a_stale_browser_to_prove_it_is_them(
    client, make, session, admin, action
):
    target = with_second_factor(make.user(active=action != "reactivate"))
    session.execute(
        update(UserSession)
        .where(UserSession.user_id == admin.id)
        .values(reauthenticated_at=utcnow() - timedelta(hours=1))
    )
    response = client.post(
        f"/admin/accounts/{target.id}/{action}",
        data={"reset-reason": REASON},
        headers={"Referer": f"http://localhost/admin/accounts/{target.id}"},
    )
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/reauth")
    session.expire_all()
    target = session.get(User, target.id)
    assert (target.active, target.totp_confirmed_at is not None) == (action != "reactivate", True)
    assert entries(session) == []
