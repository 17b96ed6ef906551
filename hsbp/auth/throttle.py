"""Failed sign-ins counted per account and per client address, and the wait they impose.

Only failures count: a workshop signing in together behind one router is never held back,
while guessing one account's password, or many accounts' from one address, is. The counts
live in the rate limiter's storage (memory on one machine, Redis when scaled out), in a
moving window, so the wait told is the time until the oldest counted failure drops out.

The password and the second factor are counted apart (`step`): a right password clears that
account's password failures, never its failed codes, so someone who knows the password cannot
sign in again and again to keep guessing codes.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import time

from flask import current_app
from flask_babel import ngettext
from limits import RateLimitItem, parse_many
from limits.strategies import MovingWindowRateLimiter

from hsbp.auth.services import normalise_email
from hsbp.extensions import limiter

NAMESPACE = "login-failures"
# What a failure was at: the password, or the code of the second factor.
PASSWORD, CODE = "password", "code"
_NAMESPACES = {PASSWORD: NAMESPACE, CODE: "second-factor-failures"}


def _enabled() -> bool:
    return bool(current_app.config.get("RATELIMIT_ENABLED", True))


def _strategy() -> MovingWindowRateLimiter:
    return MovingWindowRateLimiter(limiter.storage)


def _account_key(email: str) -> str:
    # Keyed by a pseudonym, so the shared storage (Redis) holds no e-mail address; unknown
    # addresses are counted alike, so a refusal says nothing about which accounts exist.
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, normalise_email(email).encode(), hashlib.sha256).hexdigest()


def _counters(*, email: str, address: str) -> list[tuple[RateLimitItem, str, str]]:
    account = _account_key(email)
    config = current_app.config
    return [
        *((item, "account", account) for item in parse_many(config["LOGIN_FAILURES_PER_ACCOUNT"])),
        *((item, "address", address) for item in parse_many(config["LOGIN_FAILURES_PER_ADDRESS"])),
    ]


def wait_seconds(*, email: str, address: str, step: str = PASSWORD) -> int:
    """Seconds before a sign-in as `email` from `address` may be tried again at `step`; 0 when
    it may be tried now. Reads the counts, changes nothing."""
    if not _enabled():
        return 0
    strategy, now, wait, namespace = _strategy(), time.time(), 0, _NAMESPACES[step]
    for item, kind, key in _counters(email=email, address=address):
        if not strategy.test(item, namespace, kind, key):
            reset = strategy.get_window_stats(item, namespace, kind, key).reset_time
            wait = max(wait, math.ceil(reset - now), 1)
    return wait


def record_failure(*, email: str, address: str, step: str = PASSWORD) -> None:
    """Count a failed sign-in at `step` against the account and the address."""
    if not _enabled():
        return
    strategy = _strategy()
    for item, kind, key in _counters(email=email, address=address):
        strategy.hit(item, _NAMESPACES[step], kind, key)


def forget_account_failures(*, email: str, step: str = PASSWORD) -> None:
    """After a successful sign-in the account's earlier failures at `step` no longer count
    (typos by its owner); the address's do, or one known account would unlock guessing
    others."""
    if not _enabled():
        return
    strategy = _strategy()
    for item, kind, key in _counters(email=email, address=""):
        if kind == "account":
            strategy.clear(item, _NAMESPACES[step], kind, key)


def refusal(wait: int) -> str:
    """The refusal in words, naming the wait in whole minutes (hours past two hours)."""
    minutes = math.ceil(wait / 60)
    if minutes > 120:
        hours = math.ceil(minutes / 60)
        return ngettext(
            "Too many failed sign-ins: try again in %(num)d hour.",
            "Too many failed sign-ins: try again in %(num)d hours.",
            hours,
        )
    return ngettext(
        "Too many failed sign-ins: try again in %(num)d minute.",
        "Too many failed sign-ins: try again in %(num)d minutes.",
        minutes,
    )
