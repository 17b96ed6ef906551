"""What every part of an erasure shares: the blank written over personal data, the random
hash that replaces a number's, the placeholder left where someone's words were, and the
search for their name or number inside texts that stay."""

from __future__ import annotations

import re
import secrets
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

import phonenumbers
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import String, delete, func, select, type_coerce, update
from sqlalchemy.orm import Session

from hsbp.db import Sealed

# Written as it is, never encrypted: an empty column holds no ciphertext at all.
BLANK = Sealed("")
# What replaces a look-up hash: unique and random, so the number that made it can join
# afresh as a new person and nothing computed from the number finds the old row.
ERASED_PREFIX = "erased:"
# A text shorter than this matches too much inside other words: it is searched whole only.
SHORTEST_NEEDLE = 4
ELLIPSIS = "…"


def erased_hash() -> str:
    return ERASED_PREFIX + secrets.token_hex(16)


def removed_text(locale: str | None) -> str:
    """What is left where a person's own words were, in the partnership's language: a
    fixed text, so nothing of the words (not even their length) stays."""
    with force_locale(locale or "en"):
        return _("(removed at the person's request)")


def filled(column):
    """A clause: the encrypted `column` holds something (an empty one is stored as '')."""
    return type_coerce(column, String) != ""


@dataclass
class Tally:
    """What an erasure changes, counted by kind ({"messages_received": 3, ...}). With `dry`,
    the counts of what it would change, and nothing changes."""

    dry: bool
    now: datetime
    counts: Counter = field(default_factory=Counter)

    def add(self, key: str, n: int) -> int:
        if n:
            self.counts[key] += n
        return n

    def count(self, session: Session, key: str | None, model, where: list) -> int:
        """Count the rows of `model` matching `where` under `key`, changing nothing."""
        n = session.scalar(select(func.count()).select_from(model).where(*where)) or 0
        return self.add(key, n) if key else n

    def change(self, session: Session, key: str | None, model, where: list, values=None) -> int:
        """Update (or, with no `values`, delete) the rows of `model` matching `where`, and
        count them under `key` (None: not counted, another step counted them)."""
        if self.dry:
            return self.count(session, key, model, where)
        else:
            statement = (
                delete(model).where(*where)
                if values is None
                else update(model).where(*where).values(**values)
            )
            n = session.execute(
                statement, execution_options={"synchronize_session": "fetch"}
            ).rowcount
        return self.add(key, n) if key else n


def phone_forms(phone: str | None) -> list[str]:
    """The ways a number may be written in a text: E.164 and its national digits."""
    if not phone:
        return []
    forms = [phone]
    try:
        number = phonenumbers.parse(phone, None)
    except phonenumbers.NumberParseException:
        return forms
    national = str(number.national_number)
    if national and national != phone:
        forms.append(national)
    return forms


def needles(texts: Iterable[str | None]) -> list[str]:
    """The distinct non-empty texts to look for, longest first (a name before its part)."""
    found = {" ".join(text.split()) for text in texts if text and text.strip()}
    return sorted(found, key=len, reverse=True)


def without(text: str | None, searched: list[str]) -> str | None:
    """`text` with each of `searched` (ignoring case) replaced by an ellipsis; a searched
    text shorter than SHORTEST_NEEDLE only when it is the whole text."""
    if not text or not searched:
        return text
    result = text
    for needle in searched:
        if len(needle) < SHORTEST_NEEDLE:
            if result.strip().casefold() == needle.casefold():
                return ELLIPSIS
            continue
        result = re.sub(re.escape(needle), ELLIPSIS, result, flags=re.IGNORECASE)
    return result
