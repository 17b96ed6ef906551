"""The second factor in Chromium: a demo facilitator is sent to set it up on signing in, reads
the key off the page, types a code this test computes (its own RFC 6238, not the app's), keeps
the recovery codes; later, past the re-authentication window, she reveals a protected identity
only after giving her password and a new code. And the pages of the second factor have no axe
violations, in English and Arabic.

The live server runs with the requirement off, as the demo does: these tests switch it on and
put back everything they change (the facilitator's second factor and language), so the other
files still sign in with a password alone.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import struct
import time
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import pytest
from sqlalchemy import delete, select, update

from hsbp.auth.models import RecoveryCode, User, UserSession
from hsbp.demo import DEMO_PASSWORD
from hsbp.mapping.models import Participant
from tests.browser.test_browser import FACILITATOR, axe_violations, choose_language, sign_in
from tests.browser.test_forms_by_role_account import fresh_member, in_app

pytestmark = pytest.mark.browser


def rfc6238(secret: str, moment: float, step: int | None = None) -> str:
    """The six-digit TOTP code of a base32 secret (SHA-1, 30-second steps), as RFC 6238 says,
    written here so the test does not check the app against itself."""
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    counter = int(moment // 30) if step is None else step
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


@pytest.fixture
def required(live_server):
    """The second factor required, as on a real server, for this test only."""
    config = live_server.app.config
    before = config["TWO_FACTOR_REQUIRED"]
    config["TWO_FACTOR_REQUIRED"] = True
    try:
        yield
    finally:
        config["TWO_FACTOR_REQUIRED"] = before


def forget_second_factor(live_server, email: str, locale: str | None = None) -> None:
    """Put the account back as the demo made it: no second factor, its language."""

    def work(session):
        user = session.scalars(select(User).where(User.email == email)).one()
        user.totp_secret = user.totp_confirmed_at = user.totp_last_step = None
        if locale is not None:
            user.locale = locale
        session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))

    in_app(live_server, work)


def read_secret(page) -> str:
    return page.locator("#totp-secret").inner_text().replace(" ", "")


def submit(page, selector: str = "main form button.primary") -> None:
    with page.expect_navigation():
        page.locator(selector).click()


def test_a_facilitator_enrols_then_reveals_an_identity_after_re_authenticating(
    page, live_server, required
):
    def facts(session):
        user = session.scalars(select(User).where(User.email == FACILITATOR)).one()
        protected = session.scalars(
            select(Participant)
            .where(Participant.partnership_id == live_server.caguan_id)
            .where(Participant.risk == "high", Participant.kind == "person")
            .order_by(Participant.id)
        ).first()
        return user.id, user.locale, protected.id, protected.protected_name

    user_id, locale, participant_id, real_name = in_app(live_server, facts)
    try:
        sign_in(page, FACILITATOR)
        # Enrolment on first sign-in: whatever she asked for, this page first.
        assert urlsplit(page.url).path == "/account/two-factor"
        choose_language(page, "en")
        page.goto(f"/p/{live_server.caguan_id}/")
        assert urlsplit(page.url).path == "/account/two-factor"
        assert page.locator("main svg[role=img]").count() == 1
        secret = read_secret(page)
        enrolled_at = time.time()
        page.locator("#code").fill(rfc6238(secret, enrolled_at))
        submit(page)
        codes = page.locator("ol.recovery-codes code").all_inner_texts()
        assert len(codes) == 10
        assert all(re.fullmatch(r"[0-9a-z]{4}-[0-9a-z]{4}", code) for code in codes)

        # Time passes: her last proof is older than the re-authentication window.
        def age(session):
            session.execute(
                update(UserSession)
                .where(UserSession.user_id == user_id, UserSession.ended_at.is_(None))
                .values(reauthenticated_at=datetime.now(UTC) - timedelta(minutes=11))
            )

        in_app(live_server, age)
        participant_page = f"/p/{live_server.caguan_id}/mapping/{participant_id}"
        page.goto(participant_page)
        identity = page.locator("section.card", has=page.locator("#identity-heading"))
        assert real_name not in page.locator("main").inner_text()
        submit(page, "main form button:text-is('Show the identity')")
        assert urlsplit(page.url).path == "/reauth"
        assert "Confirm it is you, then ask again." in page.locator(".messages").inner_text()

        page.locator("#password").fill(DEMO_PASSWORD)
        # A code of a later step than the one taken at enrolment (a code is never taken twice):
        # the next step's is accepted already, as the window reaches one step ahead.
        enrolled_step = int(enrolled_at // 30)
        page.locator("#code").fill(
            rfc6238(secret, 0, step=max(int(time.time() // 30), enrolled_step + 1))
        )
        submit(page)
        assert urlsplit(page.url).path == participant_page

        submit(page, "main form button:text-is('Show the identity')")
        assert real_name in identity.locator("dl").inner_text()
    finally:
        forget_second_factor(live_server, FACILITATOR, locale)


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_second_factor_pages_have_no_axe_violations(page, live_server, required, language):
    email, _user_id = fresh_member(live_server)
    sign_in(page, email)
    page.goto("/account/two-factor")
    choose_language(page, language)
    count, report = axe_violations(page)
    assert count == 0, ("enrolment", report)
    secret = read_secret(page)
    page.locator("#code").fill(rfc6238(secret, time.time() - 30))
    submit(page)

    page.context.clear_cookies()
    page.goto("/login")
    page.locator("#email").fill(email)
    page.locator("#password").fill(DEMO_PASSWORD)
    submit(page)
    assert urlsplit(page.url).path == "/login/code"
    choose_language(page, language)
    count, report = axe_violations(page)
    assert count == 0, ("code", report)
    page.locator("#code").fill(rfc6238(secret, time.time()))
    submit(page)
    assert urlsplit(page.url).path != "/login/code"

    page.goto("/reauth")
    assert page.locator("#code").count() == 1
    count, report = axe_violations(page)
    assert count == 0, ("re-authentication", report)
