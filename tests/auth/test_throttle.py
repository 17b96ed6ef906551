"""The sign-in limit counts failures only, per account and per client address, and its
refusal names the actual wait."""

import pytest
from limits import parse_many

from hsbp.auth import throttle
from tests.conftest import PASSWORD

ROUTER = "192.0.2.10"


def sign_in(client, email, password, address=ROUTER):
    return client.post(
        "/login",
        data={"email": email, "password": password},
        environ_base={"REMOTE_ADDR": address},
    )


def limited(app_with, **limits):
    return app_with(RATELIMIT_ENABLED=True, **limits)


def test_thirty_sign_ins_behind_one_router_are_never_refused(app_with, make):
    app = limited(app_with)
    users = [make.user() for _ in range(30)]
    codes = [sign_in(app.test_client(), user.email, PASSWORD).status_code for user in users]
    assert codes == [302] * 30


def test_failures_on_one_account_are_refused_with_the_wait(app_with, make):
    app = limited(app_with, LOGIN_FAILURES_PER_ACCOUNT="3 per 15 minutes")
    client = app.test_client()
    make.user(email="ana@example.org")
    codes = [sign_in(client, "ana@example.org", "guess").status_code for _ in range(3)]
    assert codes == [422, 422, 422]
    # Even the right password waits now: that is what stops guessing.
    refused = sign_in(client, "ANA@example.org ", PASSWORD)
    assert refused.status_code == 429
    assert 840 < int(refused.headers["Retry-After"]) <= 900
    body = refused.get_data(as_text=True)
    assert "Too many failed sign-ins: try again in 15 minutes." in body
    assert 'value="ANA@example.org "' in body  # what was typed is kept
    # Someone else behind the same router signs in.
    make.user(email="bea@example.org")
    assert sign_in(app.test_client(), "bea@example.org", PASSWORD).status_code == 302


def test_failures_spread_over_accounts_hit_the_address_limit_later(app_with, make):
    app = limited(
        app_with,
        LOGIN_FAILURES_PER_ACCOUNT="3 per 15 minutes",
        LOGIN_FAILURES_PER_ADDRESS="8 per hour",
    )
    client = app.test_client()
    make.user(email="ana@example.org")
    codes = [sign_in(client, f"user{n % 4}@example.org", "guess").status_code for n in range(8)]
    assert codes == [422] * 8
    refused = sign_in(client, "ana@example.org", PASSWORD)
    assert refused.status_code == 429
    assert "Too many failed sign-ins: try again in 60 minutes." in refused.get_data(as_text=True)
    # The account itself has no failure: from another address it signs in.
    elsewhere = sign_in(app.test_client(), "ana@example.org", PASSWORD, "198.51.100.7")
    assert elsewhere.status_code == 302


def test_a_successful_sign_in_clears_the_accounts_failures(app_with, make):
    app = limited(app_with, LOGIN_FAILURES_PER_ACCOUNT="3 per 15 minutes")
    make.user(email="ana@example.org")
    first = app.test_client()
    assert [sign_in(first, "ana@example.org", "typo").status_code for _ in range(2)] == [422, 422]
    assert sign_in(first, "ana@example.org", PASSWORD).status_code == 302
    later = app.test_client()
    codes = [sign_in(later, "ana@example.org", "typo").status_code for _ in range(4)]
    assert codes == [422, 422, 422, 429]


def test_the_shipped_limits_leave_room_for_a_workshop(app):
    accounts, addresses = (
        parse_many(app.config[key])[0]
        for key in ("LOGIN_FAILURES_PER_ACCOUNT", "LOGIN_FAILURES_PER_ADDRESS")
    )
    assert (accounts.amount, accounts.get_expiry()) == (10, 900)
    assert (addresses.amount, addresses.get_expiry()) == (100, 900)


@pytest.mark.parametrize(
    ("wait", "words"),
    [
        (1, "try again in 1 minute."),
        (61, "try again in 2 minutes."),
        (900, "try again in 15 minutes."),
        (3600, "try again in 60 minutes."),
        (3 * 3600, "try again in 3 hours."),
    ],
)
def test_the_refusal_names_the_wait(app, wait, words):
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        assert throttle.refusal(wait) == f"Too many failed sign-ins: {words}"
