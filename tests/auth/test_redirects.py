"""`next` after signing in and after the language menu: a path on this site, or the default."""

from urllib.parse import quote

import pytest

from hsbp.auth.redirects import NEXT_MAX, safe_next
from tests.conftest import PASSWORD

OFFSITE = [
    "//evil.example/x",
    "///evil.example",
    "/\\evil.example",
    "/\\/evil.example",
    "/%5Cevil.example",
    "/%09/evil.example",
    "/\t/evil.example",
    "/%2F%2Fevil.example",
    "/%2f/evil.example",
    "https://evil.example/",
    "http:/evil.example",
    "javascript:alert(1)",
    "evil.example",
    "/x\r\nSet-Cookie: a=b",
    "/x%0d%0aSet-Cookie:%20a=b",
    "/x%00",
    "/\u202eelpmaxe.live",
    "/\u200b/evil.example",
    "/" + "a" * NEXT_MAX,
]


@pytest.mark.parametrize("target", OFFSITE)
def test_safe_next_refuses_anything_but_a_path_here(target):
    assert safe_next(target, "/partnerships") == "/partnerships"


@pytest.mark.parametrize(
    "target", ["/account", "/p/3/actions?status=open&page=2", "/p/3/#top", "/partnerships/ñandú"]
)
def test_safe_next_keeps_a_path_here(target):
    assert safe_next(target, "/partnerships") == target


@pytest.mark.parametrize("target", OFFSITE)
def test_login_with_a_crafted_next_goes_to_the_default(client, make, target):
    make.user(email="ana@example.org")
    response = client.post(
        f"/login?next={quote(target, safe='')}",
        data={"email": "ana@example.org", "password": PASSWORD},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/partnerships"


def test_login_follows_a_unicode_path_encoded(client, make):
    make.user(email="ana@example.org")
    response = client.post(
        f"/login?next={quote('/partnerships/ñandú')}",
        data={"email": "ana@example.org", "password": PASSWORD},
    )
    assert response.headers["Location"] == "/partnerships/%C3%B1and%C3%BA"


@pytest.mark.parametrize("target", ["/x\r\nSet-Cookie: a=b", "/%09/evil.example", "/\\x"])
def test_language_menu_with_a_crafted_next_goes_to_the_default(client, target):
    response = client.post("/language", data={"locale": "es", "next": target})
    assert response.status_code == 302
    assert response.headers["Location"] == "/partnerships"
    assert "Set-Cookie: a" not in str(response.headers)
