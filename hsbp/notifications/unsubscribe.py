"""One-click unsubscribe links: a random token per e-mail and kind, kept only as its hash,
bound to one person and one kind, good once.

A token that is unknown, mistyped, forged or too old is refused with the same words, which
say nothing of whose it might be; a token used before says so and changes nothing.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from hsbp.errors import ServiceError
from hsbp.notifications import preferences
from hsbp.notifications.items import Kind, kinds
from hsbp.notifications.models import Mode, UnsubscribeToken

# The kind of the e-mail's List-Unsubscribe header, which a mail program's "Unsubscribe"
# button calls (RFC 8058): it stops every notification e-mail, as such a button promises.
EVERY_KIND = "*"
# A link older than this is refused as unknown (and its row deleted): e-mails get forwarded
# and archived, and a link should not switch someone's e-mails off forever after.
TOKEN_LIFETIME = timedelta(days=90)
_TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{20,100}")


class TokenRefused(ServiceError):
    """The link is unknown, forged or too old."""


class TokenUsed(ServiceError):
    """The link worked once already."""


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue(session: Session, *, user_id: int, kind_names, now: datetime) -> dict[str, str]:
    """A fresh token for each of `kind_names`, for one e-mail: {kind: token}.

    Side effect: one INSERT of their hashes (one statement however many kinds).
    """
    tokens = {name: secrets.token_urlsafe(32) for name in dict.fromkeys(kind_names)}
    if tokens:
        session.execute(
            insert(UnsubscribeToken),
            [
                {
                    "user_id": user_id,
                    "kind": name,
                    "token_hash": hash_token(token),
                    "created_at": now,
                }
                for name, token in tokens.items()
            ],
        )
    return tokens


def check(session: Session, *, token: str, now: datetime) -> tuple[UnsubscribeToken, Kind]:
    """The token's row and kind, for the confirmation page. Reads only.

    Raises TokenRefused (unknown, forged, too old, or its kind no longer exists) or TokenUsed.
    """
    row = None
    if isinstance(token, str) and _TOKEN_SHAPE.fullmatch(token):
        row = session.scalar(
            select(UnsubscribeToken).where(UnsubscribeToken.token_hash == hash_token(token))
        )
    kind = _kind_of(row.kind) if row is not None else None
    if row is None or kind is None or row.created_at < now - TOKEN_LIFETIME:
        raise TokenRefused(
            _l(
                "This unsubscribe link is not valid: it may be incomplete or too old. "
                "Nothing was changed."
            )
        )
    if row.used_at is not None:
        raise TokenUsed(_l("This unsubscribe link has already been used. Nothing was changed."))
    return row, kind


def unsubscribe(session: Session, *, token: str, now: datetime) -> Kind:
    """Stop the e-mails of the token's kind for its person, and spend the token.

    Side effects: the token marked used (only if it still was not: two clicks at once
    unsubscribe once), the person's preference for that kind set to off. Raises as `check`.
    """
    row, kind = check(session, token=token, now=now)
    spent = session.execute(
        update(UnsubscribeToken)
        .where(UnsubscribeToken.id == row.id, UnsubscribeToken.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if spent.rowcount != 1:
        raise TokenUsed(_l("This unsubscribe link has already been used. Nothing was changed."))
    for name in kinds() if row.kind == EVERY_KIND else [row.kind]:
        preferences.set_mode(session, user_id=row.user_id, kind=name, mode=Mode.OFF)
    return kind


def _kind_of(name: str) -> Kind | None:
    if name == EVERY_KIND:
        return Kind(EVERY_KIND, _l("all notifications"), provider=None, immediate=False)
    return kinds().get(name)


def forget_old(session: Session, *, now: datetime) -> int:
    """Delete tokens past their lifetime; how many. Side effect: one DELETE."""
    result = session.execute(
        delete(UnsubscribeToken).where(UnsubscribeToken.created_at < now - TOKEN_LIFETIME)
    )
    return result.rowcount or 0
