"""Security headers, CSRF on every form, and no page that leaks through a cache."""

import re

from hsbp.security import Role
from tests.conftest import PASSWORD


def test_security_headers_on_every_page(client):
    headers = client.get("/login").headers
    csp = headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "default-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"


def test_hsts_only_under_https(app_with):
    assert "Strict-Transport-Security" not in app_with().test_client().get("/login").headers
    secure = app_with(PUBLIC_URL="https://hsbp.example.org").test_client().get("/login")
    assert secure.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_signed_in_pages_are_not_cached(client, make, login):
    login(make.user())
    assert client.get("/account").headers["Cache-Control"] == "no-store"


def test_pages_have_no_inline_script_or_style(client, make, login):
    partnership = make.partnership()
    login(make.member(partnership, Role.FACILITATOR))
    for url in ("/login", "/account", f"/p/{partnership.id}/", f"/p/{partnership.id}/members"):
        body = client.get(url).get_data(as_text=True)
        assert "<script" not in body, url
        assert " style=" not in body, url
        assert "<style" not in body, url


def test_forms_without_a_csrf_token_are_refused(app_with, make):
    app = app_with(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    make.user(email="ana@example.org")
    refused = client.post("/login", data={"email": "ana@example.org", "password": PASSWORD})
    assert refused.status_code == 400
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    accepted = client.post(
        "/login", data={"email": "ana@example.org", "password": PASSWORD, "csrf_token": token}
    )
    assert accepted.status_code == 302


def test_every_post_form_carries_a_csrf_token(app_with, make, login):
    client = app_with(WTF_CSRF_ENABLED=True).test_client()
    partnership = make.partnership()
    make.partner(partnership)
    login(make.member(partnership, Role.FACILITATOR), target=client)
    make.member(partnership, Role.OBSERVER)
    for url in (
        "/password/forgot",
        "/account",
        f"/p/{partnership.id}/members",
        f"/p/{partnership.id}/settings",
    ):
        body = client.get(url).get_data(as_text=True)
        forms = re.findall(r"<form[^>]*method=\"post\".*?</form>", body, flags=re.S)
        assert forms, url
        for form in forms:
            # Prefixed forms name it "<prefix>-csrf_token", which CSRFProtect also accepts.
            assert re.search(r'name="(?:[\w]+-)?csrf_token"', form), (url, form[:200])
