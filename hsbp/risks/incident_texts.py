"""What an early warning by SMS is answered, in the sender's language, and the words that send one.

ALERT (ALERTA, ALERTE, UZBUNA, تنبيه or انذار, TAHADHARI) is the keyword; the words after it
that keep the sender's name out are the grievance mechanism's (ANON, ANONIMO, SIRI...), so a
person learns one word for both. Each text fits one SMS segment in every shipped language
with a number as long as a real one (tests/risks/test_alert_sms_texts.py); the keyword named
inside a text is that language's first word, or English while the text is not translated,
so a message never mixes two languages.
"""

from __future__ import annotations

from hsbp.grievances import messages as grievance_messages
from hsbp.sms.texts import N_, NP_, all_words, catalog, first_word, fold, keyword_language

KEYWORD = NP_(
    "SMS keywords to send an early warning of tension or violence; comma-separated (es: ALERTA)",
    "ALERT",
)
# Words that always count, whatever the catalogs hold: a warning must never be missed while
# a language's catalog lacks them, nor from a number with no language yet. None of them is
# another keyword in any shipped language (tests/risks/test_alert_sms_texts.py).
ALWAYS = {
    "en": ("ALERT",),
    "es": ("ALERTA",),
    "fr": ("ALERTE",),
    "bs": ("UZBUNA",),
    "ar": ("تنبيه", "انذار"),
    "sw": ("TAHADHARI",),
}
TEXTS = {
    "receipt": N_("Alert %(number)s received. Thank you: the facilitators have been told."),
    "receipt_anonymous": N_(
        "Alert %(number)s received, without your name. The facilitators have been told."
    ),
    "needs_text": N_("Send %(alert)s followed by what is happening and where."),
    # From a number that has not joined the partnership: nothing is kept, nobody is told.
    "not_joined": N_("Not sent: send JOIN and your code first, then %(alert)s again."),
}
# HELP's line for ALERT (hsbp.sms.handlers.Keyword.hint): short, it shares a segment.
HELP_HINT = N_("%(word)s and what is happening: an early warning.")


def shown(number: int) -> str:
    """An incident's number as every page and SMS writes it: I-7."""
    return f"I-{number}"


def words() -> list[str]:
    """Every language's words for ALERT, folded, without repeats: what is registered."""
    found = dict.fromkeys(fold(word) for group in ALWAYS.values() for word in group)
    found.update(dict.fromkeys(all_words(KEYWORD)))
    return list(found)


def anonymous_words(locale: str | None) -> set[str]:
    """The folded words that, right after ALERT, keep the sender's name out: the grievance
    mechanism's in every language, and those of the contact's own (local) language."""
    own = grievance_messages.keyword_words("anonymous", locale or "en")
    return {*grievance_messages.all_keyword_words("anonymous"), *map(fold, own)}


def keyword_word(locale: str | None) -> str:
    """The word for ALERT to tell a person of `locale`: their catalog's first, else the one
    that always works in their language, else ALERT."""
    word = first_word(locale, KEYWORD)
    if fold(word) == KEYWORD[1] and str(locale) in ALWAYS:
        return ALWAYS[str(locale)][0]
    return word


def text(locale: str | None, key: str, **values) -> str:
    """The SMS text `key` in the contact's language, ALERT in that language too."""
    message = TEXTS[key]
    written = catalog(locale or "en").gettext(message)
    word = keyword_word(keyword_language(locale, message))
    return written % {"alert": word, **values}
