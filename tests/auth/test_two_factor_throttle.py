"""The code step is throttled as the password step is: failures per account and per address,
429 with the wait, and a right password buys no more guesses."""

from hsbp.auth import throttle
from tests.auth.second_factor import app_code, enrol, give_code, give_password

EMAIL = "ana@example.org"


def limited(app_with, **limits):
    return app_with(RATELIMIT_ENABLED=True, **limits)


def wrong(secret: str) -> str:
    return f"{(int(app_code(secret)) + 500_000) % 1_000_000:06d}"


def test_failed_codes_on_one_account_are_refused_with_the_wait(app_with, session, make):
    app = limited(app_with, LOGIN_FAILURES_PER_ACCOUNT="3 per 15 minutes")
    user = make.user(email=EMAIL)
    secret, _codes = enrol(session, user)
    client = app.test_client()
    assert give_password(client, EMAIL).headers["Location"] == "/login/code"
    assert [give_code(client, wrong(secret)).status_code for _ in range(3)] == [422, 422, 422]
    # Even the right code waits now.
    refused = give_code(client, app_code(secret))
    assert refused.status_code == 429
    assert 840 < int(refused.headers["Retry-After"]) <= 900
    assert "Too many failed sign-ins: try again in 15 minutes." in refused.get_data(as_text=True)
    # Giving the right password again does not clear the failed codes.
    again = app.test_client()
    assert give_password(again, EMAIL).headers["Location"] == "/login/code"
    assert give_code(again, app_code(secret)).status_code == 429


def test_failed_codes_from_one_address_hit_the_address_limit(app_with, session, make):
    app = limited(
        app_with,
        LOGIN_FAILURES_PER_ACCOUNT="10 per 15 minutes",
        LOGIN_FAILURES_PER_ADDRESS="4 per hour",
    )
    users = [make.user(email=f"user{n}@example.org") for n in range(2)]
    secrets = [enrol(session, user)[0] for user in users]
    for user, secret in zip(users, secrets, strict=True):
        client = app.test_client()
        give_password(client, user.email)
        assert [give_code(client, wrong(secret)).status_code for _ in range(2)] == [422, 422]
    third = make.user(email="bea@example.org")
    secret, _codes = enrol(session, third)
    client = app.test_client()
    give_password(client, "bea@example.org")
    assert give_code(client, app_code(secret)).status_code == 429
    # From elsewhere, the same account signs in.
    elsewhere = app.test_client()
    give_password(elsewhere, "bea@example.org", address="198.51.100.7")
    assert give_code(elsewhere, app_code(secret), address="198.51.100.7").status_code == 302


def test_a_right_code_clears_the_accounts_failed_codes(app_with, session, make):
    app = limited(app_with, LOGIN_FAILURES_PER_ACCOUNT="3 per 15 minutes")
    user = make.user(email=EMAIL)
    secret, _codes = enrol(session, user)
    first = app.test_client()
    give_password(first, EMAIL)
    assert [give_code(first, wrong(secret)).status_code for _ in range(2)] == [422, 422]
    assert give_code(first, app_code(secret)).status_code == 302
    later = app.test_client()
    give_password(later, EMAIL)
    codes = [give_code(later, wrong(secret)).status_code for _ in range(4)]
    assert codes == [422, 422, 422, 429]


def test_failed_codes_do_not_count_against_the_password_step(app_with, session, make):
    app = limited(app_with, LOGIN_FAILURES_PER_ACCOUNT="3 per 15 minutes")
    user = make.user(email=EMAIL)
    secret, _codes = enrol(session, user)
    client = app.test_client()
    give_password(client, EMAIL)
    for _ in range(3):
        give_code(client, wrong(secret))
    with app.test_request_context():
        assert throttle.wait_seconds(email=EMAIL, address="192.0.2.10") == 0
        assert throttle.wait_seconds(email=EMAIL, address="192.0.2.10", step=throttle.CODE) > 0
