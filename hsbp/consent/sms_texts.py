"""Consent's SMS texts, in the contact's language: asking an expired consent again, and the
thanks for renewing it. Each fits one segment with the purposes named and the partnership's
name shortened as far as needed (tests/consent/test_sms_texts.py)."""

from __future__ import annotations

from babel.lists import format_list

from hsbp.consent.models import Purpose
from hsbp.sms import texts
from hsbp.sms.encoding import fits_one_segment, normalise
from hsbp.sms.fitting import short_name
from hsbp.sms.texts import N_

TEXTS = {
    "ask": N_(
        "Your consent to receive %(purposes)s from %(name)s has ended. Reply YES to renew for "
        "another year, or ignore to stop."
    ),
    "renewed": N_("Thank you. You will get %(purposes)s from %(name)s for another year."),
}
# What the person receives under each purpose, in a few words. Research sends nothing, so it
# is never asked again by SMS.
PURPOSE_WORDS = {
    Purpose.CONSULTATIONS: N_("consultation questions"),
    Purpose.NEWS: N_("news of our work"),
    Purpose.GRIEVANCE_FOLLOW_UP: N_("grievance updates"),
}


def purposes_words(locale: str | None, purposes: list[str]) -> str:
    """The purposes' words as a list in `locale`: "consultation questions and news of our
    work"."""
    words = [texts.in_language(locale, PURPOSE_WORDS[Purpose(p)]) for p in purposes]
    return format_list(words, locale=texts.babel_locale(locale))


def text(locale: str | None, key: str, *, purposes: list[str], name: str) -> str:
    """Text `key` naming the purposes and the partnership, the name shortened until the text
    fits one segment (the shortest is sent even if it does not)."""
    # The purposes in the text's own language: English while the text is not translated,
    # so a message never mixes two languages.
    named = purposes_words(texts.keyword_language(locale, TEXTS[key]), purposes)
    for limit in texts.NAME_LIMITS:
        written = texts.in_language(
            locale, TEXTS[key], purposes=named, name=short_name(name, limit)
        )
        if fits_one_segment(normalise(written)):
            break
    return written
