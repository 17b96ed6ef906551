"""Helpers of the second factor's tests: an enrolled account, codes of its app, and signing in
through both steps over HTTP."""

from __future__ import annotations

import time

from hsbp.auth import totp, two_factor
from tests.conftest import PASSWORD

ROUTER = "192.0.2.10"


def app_code(secret: str, *, steps: int = 0) -> str:
    """The code the person's app shows now (or `steps` periods later)."""
    return totp.code_at(secret, time.time() + steps * totp.PERIOD)


def enrol(session, user) -> tuple[str, list[str]]:
    """Set up `user`'s second factor through the services: (secret, recovery codes)."""
    secret = two_factor.pending_secret(session, user=user)
    codes = two_factor.confirm(session, user=user, code=app_code(secret, steps=-1))
    session.flush()
    return secret, codes


def give_password(client, email: str, password: str = PASSWORD, address: str = ROUTER, **form):
    return client.post(
        "/login",
        data={"email": email, "password": password, **form},
        environ_base={"REMOTE_ADDR": address},
    )


def give_code(client, code: str, address: str = ROUTER):
    return client.post("/login/code", data={"code": code}, environ_base={"REMOTE_ADDR": address})


def errors_of(response) -> str:
    return response.get_data(as_text=True)
