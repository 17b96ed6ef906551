"""What a community vote says by SMS and how it reads a reply: the texts (one segment each in
every shipped language), a SUPPORT vote's digit (1 support, 2 object, 3 need more
information) and a RANKING vote's digits in the contact's order ("312"; a partial ranking
counts, a repeated digit or one out of range is asked again)."""

from __future__ import annotations

import re

from hsbp.community.models import Vote, VoteKind
from hsbp.sms.texts import N_, in_language

CHOICES = ("support", "object", "info")  # the digits 1, 2, 3 of a SUPPORT vote
TEXTS = {
    # The questions a facilitator starts from (editable); %(title)s is shortened to fit.
    "support": N_("%(title)s? Reply 1 support, 2 object, 3 need more information"),
    "ranking": N_("%(title)s: %(options)s. Reply the digits in your order, e.g. %(example)s"),
    "charter": N_("Charter version %(number)s"),
    "support_retry": N_("Please reply 1 support, 2 object or 3 need more information."),
    "ranking_retry": N_("Please reply digits from 1 to %(high)s in your order, e.g. %(example)s"),
    "ranking_repeated": N_("Please use each digit once, in your order, e.g. %(example)s"),
    "thanks": N_("Thank you! Vote counted. Reply again to change it until it closes."),
    "changed": N_("Your vote is changed: only your new answer counts. Thank you!"),
    "closed": N_("This vote has closed. Your reply was not counted."),
}
ARABIC_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")


def text(locale: str, key: str, **values) -> str:
    return in_language(locale, TEXTS[key], **values)


# Reading a reply -----------------------------------------------------------------------


def digits_of(reply: str) -> str | None:
    """The digits a contact sent ("3 1 2", "3,1,2", "٣١٢" are "312"), or None when the reply
    holds anything else than digits, spaces and light punctuation."""
    plain = reply.translate(ARABIC_DIGITS).strip().rstrip(".!")
    if not plain or not re.fullmatch(r"[0-9][0-9\s,;.\-/]*", plain):
        return None
    return re.sub(r"\D", "", plain)


def read_reply(vote: Vote, reply: str) -> str | tuple[int, ...] | None:
    """A SUPPORT vote's choice ("support", "object", "info"), a RANKING vote's option indexes
    in the contact's order (a partial ranking too), or None when the reply fits neither."""
    digits = digits_of(reply)
    if not digits:
        return None
    if vote.kind == VoteKind.SUPPORT:
        return CHOICES[int(digits) - 1] if len(digits) == 1 and digits in "123" else None
    count = len(vote.options)
    if len(set(digits)) != len(digits) or not all(1 <= int(d) <= count for d in digits):
        return None
    return tuple(int(d) - 1 for d in digits)


def retry_text(vote: Vote, reply: str, locale: str) -> str:
    """What to say to a reply that fits nothing: the choices, or how to rank."""
    if vote.kind == VoteKind.SUPPORT:
        return text(locale, "support_retry")
    count = len(vote.options)
    example = example_ranking(count)
    digits = digits_of(reply) or ""
    if digits and len(set(digits)) != len(digits) and all(1 <= int(d) <= count for d in digits):
        return text(locale, "ranking_repeated", example=example)
    return text(locale, "ranking_retry", high=count, example=example)


def example_ranking(count: int) -> str:
    """An example order for `count` options that is not 1, 2, 3 (so it shows that order
    matters): the last first, then the rest ("312", "4123")."""
    return "".join(str(n) for n in (count, *range(1, count)))
