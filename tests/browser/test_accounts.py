"""Account administration in Chromium, in English and Arabic: the demo's site administrator
lists accounts, opens one, is refused its deactivation while it is a partnership's only
facilitator, and is asked a reason to reset its second factor. Every page passes axe-core.

Self-sufficient: the account and its partnership are the test's own, made in the served app's
database, and nobody signs in with them.
"""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select

from hsbp import db
from hsbp.demo import DEMO_PASSWORD
from tests.browser.test_browser import axe_violations, choose_language, sign_in

pytestmark = pytest.mark.browser

ADMIN = "admin@demo.hsbp.example"


def no_violation(page, where: str) -> None:
    count, report = axe_violations(page)
    assert count == 0, f"{where} ({page.url}):\n{report}"


def lone_facilitator(live_server) -> tuple[int, str, str]:
    """(user id, name, partnership name) of a new facilitator with a second factor, the only
    facilitator of a new partnership."""
    from hsbp.auth.models import User
    from hsbp.auth.services import create_user
    from hsbp.partnerships.models import Membership, Stage
    from hsbp.partnerships.services import create_partnership
    from hsbp.security import Role

    tag = uuid.uuid4().hex[:6]
    with live_server.app.app_context():
        session = db.session()
        admin = session.scalar(select(User).where(User.email == ADMIN))
        user = create_user(
            session,
            email=f"ines.{tag}@example.org",
            name=f"Inés Vargas {tag}",
            password=uuid.uuid4().hex,
            locale="es",
        )
        user.totp_secret, user.totp_confirmed_at = "JBSWY3DPEHPK3PXP", db.utcnow()
        partnership = create_partnership(
            session,
            actor=admin,
            name=f"Alianza de Solano {tag}",
            country="CO",
            locality="Solano, Caquetá",
            stage=Stage.ACTIVE,
            default_locale="es",
            locales=["es"],
            timezone="America/Bogota",
        )
        session.add(
            Membership(partnership_id=partnership.id, user_id=user.id, role=Role.FACILITATOR)
        )
        found = (user.id, user.name, partnership.name)
        db.finish(commit=True)
    return found


@pytest.mark.parametrize("language", ["en", "ar"])
def test_accounts_pages_pass_axe(page, live_server, language):
    user_id, name, partnership = lone_facilitator(live_server)
    sign_in(page, ADMIN, DEMO_PASSWORD)
    try:
        choose_language(page, language)
        page.locator("header nav a[href='/admin/accounts']").click()
        page.wait_for_url("**/admin/accounts")
        assert page.locator("table tbody tr").count() >= 7
        no_violation(page, "account list")

        page.locator("#q").fill(name.split()[-1])
        with page.expect_navigation():
            page.locator("form[role=search] button[type=submit]").click()
        assert page.locator("table tbody tr").count() == 1
        with page.expect_navigation():
            page.locator("table tbody a", has_text=name).click()
        assert page.url.endswith(f"/admin/accounts/{user_id}")
        no_violation(page, "account page")

        # Its only facilitator: refused, and the partnership is named.
        with page.expect_navigation():
            page.locator("form[action$='/deactivate'] button[type=submit]").click()
        assert page.locator(".error-summary").count() == 1
        assert page.locator("#deactivate-heading ~ ul li", has_text=partnership).count() == 1
        no_violation(page, "deactivation refused")

        # A reset without a reason is refused beside its field.
        with page.expect_navigation():
            page.locator("form[action$='/second-factor/reset'] button[type=submit]").click()
        assert page.locator("#reset-reason[aria-invalid=true]").count() == 1
        no_violation(page, "reset without a reason")
    finally:
        choose_language(page, "es")  # the demo administrator reads Spanish
