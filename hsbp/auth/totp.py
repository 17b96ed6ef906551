"""Time-based one-time passwords (RFC 6238, built on RFC 4226's HOTP): the six-digit codes an
authenticator app shows, computed with the standard library alone."""

from __future__ import annotations

import base64
import hmac
import secrets
import time
from urllib.parse import quote, urlencode

PERIOD = 30  # seconds a code lasts: what every authenticator app uses by default
DIGITS = 6
# Steps either side of now whose code is taken too: a phone's clock a little off, or a code
# typed just as the app moved on. Wider would give a guesser more codes to hit.
DRIFT = 1
# 160 bits, the length RFC 4226 recommends for a SHA-1 key.
SECRET_BYTES = 20
ISSUER = "hsbp"


def new_secret() -> str:
    """A new shared secret from the system's random source, in base32 as apps take it."""
    return base64.b32encode(secrets.token_bytes(SECRET_BYTES)).decode()


def secret_key(secret: str) -> bytes:
    """The key a base32 secret stands for (spaces and lower case tolerated, as apps allow)."""
    cleaned = "".join(secret.split()).upper()
    return base64.b32decode(cleaned + "=" * (-len(cleaned) % 8))


def hotp(key: bytes, counter: int, *, digits: int = DIGITS, algorithm: str = "sha1") -> str:
    """RFC 4226's code for `counter`, with its dynamic truncation."""
    digest = hmac.new(key, counter.to_bytes(8, "big"), algorithm).digest()
    offset = digest[-1] & 0x0F
    value = int.from_bytes(digest[offset : offset + 4], "big") & 0x7FFFFFFF
    return str(value % 10**digits).zfill(digits)


def step_at(moment: float) -> int:
    """The time step (RFC 6238's T) of a Unix time."""
    return int(moment // PERIOD)


def code_at(secret: str, moment: float) -> str:
    return hotp(secret_key(secret), step_at(moment))


def matching_step(secret: str, code: str, *, moment: float | None = None) -> int | None:
    """The time step within DRIFT of `moment` (now) whose code is `code`, else None.

    The latest step is tried first: were two to match, the later one is kept as used, so
    neither code can be taken again.
    """
    now = step_at(time.time() if moment is None else moment)
    key = secret_key(secret)
    for step in range(now + DRIFT, now - DRIFT - 1, -1):
        if hmac.compare_digest(hotp(key, step), code):
            return step
    return None


def provisioning_uri(secret: str, *, account: str) -> str:
    """The otpauth:// address a QR code carries, as authenticator apps read it."""
    label = quote(f"{ISSUER}:{account}", safe=":@")
    return f"otpauth://totp/{label}?{urlencode({'secret': secret, 'issuer': ISSUER})}"
