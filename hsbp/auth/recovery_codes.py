"""Recovery codes: single-use stand-ins for the authenticator app, shown once and kept only
as salted hashes.

A code is short enough to copy on paper (`xxxx-xxxx`, 40 bits), which is too little entropy
for a plain hash: each set gets a random salt and every code is hashed with Argon2id, the
password hash (OWASP ASVS 5.0, 6.5.2), so a copy of the table does not give the codes away.
One salt per set keeps checking a typed code to one Argon2 run per set, not one per code.
"""

from __future__ import annotations

import hmac
import secrets

from argon2.low_level import Type, hash_secret_raw
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from hsbp.auth.models import RecoveryCode, User
from hsbp.db import utcnow

COUNT = 10
GROUPS, GROUP_LENGTH = 2, 4
# Crockford's base32: no i, l, o or u, so a code read aloud or from paper is not misread.
ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"
# What people type for the letters left out.
_READ_AS = str.maketrans({"i": "1", "l": "1", "o": "0"})
SALT_BYTES = 8  # Argon2's shortest salt; ASVS asks for at least 32 bits
HASH_BYTES = 24  # with the salt, 64 hex characters: the column's width
# OWASP's least Argon2id settings for passwords (19 MiB, 2 passes).
_ARGON2 = {"time_cost": 2, "memory_cost": 19 * 1024, "parallelism": 1, "type": Type.ID}


def normalise(code: str) -> str:
    """A typed code as it is hashed: lower case, without spaces or dashes, misreadings mended."""
    return "".join(code.split()).replace("-", "").lower().translate(_READ_AS)


def _new_code() -> str:
    groups = ("".join(secrets.choice(ALPHABET) for _ in range(GROUP_LENGTH)) for _ in range(GROUPS))
    return "-".join(groups)


def _digest(code: str, salt: bytes) -> str:
    raw = hash_secret_raw(normalise(code).encode(), salt, hash_len=HASH_BYTES, **_ARGON2)
    return salt.hex() + raw.hex()


def make_set(session: Session, *, user: User) -> list[str]:
    """A new set of COUNT codes for `user`, returned in the clear this once; the earlier set,
    used or not, no longer works.

    Side effects: the user's recovery_codes rows replaced, flushed.
    """
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes: list[str] = []
    while len(codes) < COUNT:
        code = _new_code()
        if code not in codes:
            codes.append(code)
    salt = secrets.token_bytes(SALT_BYTES)
    session.add_all(RecoveryCode(user_id=user.id, code_hash=_digest(c, salt)) for c in codes)
    session.flush()
    return codes


def clear(session: Session, *, user: User) -> None:
    """Side effect: deletes every recovery code of `user`."""
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))


def left(session: Session, *, user: User) -> int:
    """How many of `user`'s codes are still unused."""
    return session.scalar(
        select(func.count())
        .select_from(RecoveryCode)
        .where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
    )


def find(session: Session, *, user: User, code: str) -> RecoveryCode | None:
    """`user`'s code row (used or not) that `code` is, else None."""
    typed = normalise(code)
    if len(typed) != GROUPS * GROUP_LENGTH:
        return None
    rows = session.scalars(select(RecoveryCode).where(RecoveryCode.user_id == user.id)).all()
    digests: dict[str, str] = {}
    for row in rows:
        salt = row.code_hash[: SALT_BYTES * 2]
        if salt not in digests:
            digests[salt] = _digest(typed, bytes.fromhex(salt))
        if hmac.compare_digest(digests[salt], row.code_hash):
            return row
    return None


def use(session: Session, row: RecoveryCode) -> bool:
    """Spend the code `row`; False if it was already spent (two requests racing included).

    Side effect: sets used_at.
    """
    now = utcnow()
    done = session.execute(
        update(RecoveryCode)
        .where(RecoveryCode.id == row.id, RecoveryCode.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if done.rowcount != 1:
        return False
    set_committed_value(row, "used_at", now)
    return True
