"""The words of the notification SMS, in the person's language, each one segment.

An SMS is read on shared phones and passes through operators, so it says nothing of what
waits: a count, the partnership's (shortened) name and where to look. Marked with N_ so
translators find them with the channel's texts (hsbp.sms.texts.MARKED).
"""

from __future__ import annotations

from hsbp.sms.fitting import fits, short_name
from hsbp.sms.texts import N_, NAME_LIMITS, in_language

CODE = N_("%(code)s is your code to get notifications on this phone. It expires in 15 minutes.")
ONE = N_("%(name)s: something new needs you. See %(url)s")
MANY = N_("%(name)s: new things need you (%(num)s). See %(url)s")
# Without the name, for a language or an address too long for it: the sender's number
# still tells which partnership writes.
ONE_UNNAMED = N_("Something new needs you. See %(url)s")
MANY_UNNAMED = N_("New things need you (%(num)s). See %(url)s")


def code_text(locale: str, code: str) -> str:
    """The verification SMS: the code and how long it lasts."""
    return in_language(locale, CODE, code=code)


def notice_text(locale: str, *, name: str, count: int, url: str) -> str:
    """ "<partnership>: new things need you (3). See <url>", the name shortened until the
    text fits one segment, and left out when even its shortest does not."""
    named, unnamed = (ONE, ONE_UNNAMED) if count == 1 else (MANY, MANY_UNNAMED)
    values = {"url": url} if count == 1 else {"url": url, "num": str(count)}
    for limit in NAME_LIMITS:
        written = in_language(locale, named, name=short_name(name, limit), **values)
        if fits(written):
            return written
    return in_language(locale, unnamed, **values)
