"""The e-mails sent during the tests, whole. A stored e-mail loses its secret link once it is
sent (hsbp.mail), so a test that follows a reset or invitation link reads it here."""

from __future__ import annotations

import re

from hsbp.mail import email_sent

SENT: list[dict] = []


@email_sent.connect
def _keep(_app, **message) -> None:
    SENT.append(message)


def last_path(prefix: str) -> str:
    """The path of the newest link starting with `prefix` in the e-mails sent so far."""
    pattern = re.compile(r"https?://[^/\s]+(" + re.escape(prefix) + r"\S*)")
    for message in reversed(SENT):
        found = pattern.search(message["body"])
        if found:
            return found.group(1)
    raise AssertionError(f"no e-mail holds a link to {prefix}")
