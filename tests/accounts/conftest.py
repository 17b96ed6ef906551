"""Fixtures of the account administration tests: a signed-in site administrator, and
accounts signed in on browsers of their own."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from hsbp.db import utcnow

# A valid base32 TOTP secret; no code is computed from it here.
SECRET = "JBSWY3DPEHPK3PXP"


def with_second_factor(user):
    user.totp_secret, user.totp_confirmed_at, user.totp_last_step = SECRET, utcnow(), 12345
    return user


@pytest.fixture
def signed_in(app, login):
    """Sign `user` in on a browser of its own, or on `client` when given."""

    def sign(user, client=None):
        return login(user, client or app.test_client())

    return sign


@pytest.fixture
def admin(make, client, signed_in):
    """A site administrator with a second factor, signed in on `client`."""
    user = with_second_factor(make.user(name="Adela Admin", is_site_admin=True))
    signed_in(user, client)
    return user


class Rows(HTMLParser):
    """The text of each cell of each body row of a page's tables."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self._cell: list[str] | None = None
        self._in_body = False

    def handle_starttag(self, tag, attrs):
        if tag == "tbody":
            self._in_body = True
        elif tag == "tr" and self._in_body:
            self.rows.append([])
        elif tag == "td" and self._in_body:
            self._cell = []

    def handle_endtag(self, tag):
        if tag == "tbody":
            self._in_body = False
        elif tag == "td" and self._cell is not None:
            self.rows[-1].append(" ".join("".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def table_rows(html: str) -> list[list[str]]:
    parser = Rows()
    parser.feed(html)
    return parser.rows
