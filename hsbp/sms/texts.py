"""The channel's own SMS texts and keywords, in the contact's language (not the web reader's).

Texts are marked for extraction here and looked up in the catalogs per contact, because
an SMS reply is written for the person on the phone, whatever language the server runs in.
Every text must fit one SMS segment in every shipped language (tests/sms checks them all).
"""

from __future__ import annotations

import functools
import re
import unicodedata

from babel.support import NullTranslations, Translations

from hsbp.i18n import UI_LOCALE_CODES, UI_LOCALES
from hsbp.paths import resource_dir
from hsbp.sms.encoding import fits_one_segment, normalise


def N_(text: str) -> str:
    return text


def NP_(context: str, text: str) -> tuple[str, str]:
    return context, text


# Keywords: each shipped language adds its own words, comma-separated, in its catalog.
# English words always work too, as they do at Twilio.
KEYWORDS = {
    "stop": NP_(
        "SMS keywords to stop all messages; comma-separated, keep the English ones",
        "STOP, STOPALL, UNSUBSCRIBE, CANCEL, END, QUIT, REVOKE, OPTOUT",
    ),
    "start": NP_("SMS keywords to receive messages again; comma-separated", "START, YES, UNSTOP"),
    "help": NP_("SMS keywords to ask for help; comma-separated", "HELP, INFO"),
    "join": NP_("SMS keyword to join a partnership with its code; comma-separated", "JOIN"),
    "lang": NP_("SMS keyword to change language; comma-separated", "LANG"),
    # A refusal of a partnership's invitation (a whole message, like START's YES); any other
    # time it is an ordinary reply, for a consultation's yes-or-no question, say.
    "no": NP_(
        "SMS keywords to refuse a partnership's invitation; comma-separated, keep the English one",
        "NO",
    ),
    # News of the partnership's work (hsbp.sms.updates): whole messages, like STOP.
    "news": NP_("SMS keywords to ask for news of the partnership's work; comma-separated", "NEWS"),
    "news_off": NP_(
        "SMS keywords to stop news only (other messages go on); comma-separated, a keyword "
        "may have two words",
        "NEWS OFF, STOP NEWS, STOPNEWS, NEWSOFF",
    ),
}

# Words for "no" in the shipped languages that always count, whatever the catalogs hold: a
# pending contact has often chosen no language yet, and a refusal must never be missed.
ALWAYS = {"no": ("NO", "NON", "NE", "HAPANA", "لا")}

TEXTS = {
    "joined": N_("You joined %(code)s. Send HELP for options, STOP to stop all messages."),
    "choose_language": N_("Reply with a number to choose your language: %(menu)s"),
    "language_set": N_("Language saved. Send HELP for options."),
    "unknown_language": N_("Unknown language. Send LANG and a number: %(menu)s"),
    "help": N_(
        "JOIN and a code: join or switch. YES: accept an invite. LANG: language. STOP: stop all."
    ),
    "stopped": N_("You will get no more messages. Send START to receive them again."),
    "started": N_("Messages restarted. Send STOP at any time to stop them."),
    "unknown_code": N_("No partnership has the code %(code)s. Check it and send JOIN again."),
    "join_needs_code": N_("Send JOIN and the code you were given, for example JOIN ABC."),
    "not_joined": N_("To take part, send JOIN and the code you were given."),
    "received": N_("Message received. A facilitator will read it. Send HELP for options."),
    # A partnership's one question to a number a facilitator added (hsbp.sms.confirmation).
    "invitation": N_("Get messages from %(name)s? Reply YES or NO. STOP ends all."),
    "confirmed": N_("You will get messages from %(name)s. Send HELP for options."),
    "declined": N_("You will get no messages from %(name)s."),
    # A message to a number several partnerships share, when the person's choices cannot
    # tell which one it is for; %(menu)s is "1 Caguan, 2 Zenica".
    "which_partnership": N_("Which partnership is this for? Reply %(menu)s"),
    "chosen": N_("Your messages now go to %(name)s."),
}
# How short a partnership's name may become so a text naming it stays one segment.
NAME_LIMITS = (30, 24, 18, 14, 10)


@functools.cache
def catalog(locale: str) -> NullTranslations:
    if locale not in UI_LOCALE_CODES or locale == "en":
        return NullTranslations()
    return Translations.load(str(resource_dir("translations")), [locale])


def text(locale: str | None, key: str, **values) -> str:
    """Built-in text `key` in `locale` (English when the contact has not chosen one)."""
    return in_language(locale, TEXTS[key], **values)


def in_language(locale: str | None, message: str, **values) -> str:
    """An SMS text marked with N_ (the channel's or a feature's), in the contact's language."""
    translated = catalog(locale or "en").gettext(message)
    return translated % values if values else translated


def fold(word: str) -> str:
    """Upper case without accents, surrounding spaces or punctuation: how keywords compare."""
    decomposed = unicodedata.normalize("NFKD", word.strip())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    plain = re.sub(r"^[\s¡¿\"'«(]+", "", plain)
    return re.sub(r"[\s.!?,;:¡¿…\"'»)]+$", "", plain).strip().upper()


@functools.cache
def keyword_table() -> dict[str, str]:
    """{folded word: action} from English and from every shipped catalog."""
    table: dict[str, str] = {}
    for action, words in ALWAYS.items():
        table.update(dict.fromkeys(map(fold, words), action))
    for locale in ("en", *UI_LOCALE_CODES):
        translations = catalog(locale)
        for action, (context, words) in KEYWORDS.items():
            for source in (words, translations.pgettext(context, words)):
                for word in source.split(","):
                    if fold(word):
                        table.setdefault(fold(word), action)
    return table


def language_menu(locales: list[str]) -> str:
    """'1 English, 2 Español' for the numbered language choice."""
    names = {loc.code: loc.native_name for loc in UI_LOCALES}
    return ", ".join(f"{n} {names[code]}" for n, code in enumerate(locales, start=1))


def short_name(name: str, limit: int) -> str:
    """A partnership's name in at most `limit` characters, cut at a word when it can be."""
    name = " ".join(name.split())
    if len(name) <= limit:
        return name
    cut = name[:limit]
    space = cut.rfind(" ")
    if space >= limit // 2:
        cut = cut[:space]
    return cut.rstrip(" -,.;:(")


def with_name(locale: str | None, key: str, name: str) -> str:
    """Built-in text `key` naming a partnership, the name shortened until the text fits one
    segment in `locale` (the shortest is sent even if it does not)."""
    for limit in NAME_LIMITS:
        written = text(locale, key, name=short_name(name, limit))
        if fits_one_segment(normalise(written)):
            break
    return written


def which_partnership(locale: str | None, names: list[str]) -> list[str]:
    """The numbered question "Which partnership is this for? Reply 1 X, 2 Y": one segment
    with the names shortened if that is enough (never so far that two read alike), else the
    list goes on in further messages, each one segment."""
    shortened = [[short_name(name, limit) for name in names] for limit in NAME_LIMITS]
    distinct = [short for short in shortened if len(set(short)) == len(names)] or [names]
    for short in distinct:
        items = [f"{n} {name}" for n, name in enumerate(short, start=1)]
        written = text(locale, "which_partnership", menu=", ".join(items))
        if fits_one_segment(normalise(written)):
            return [written]
    items = [f"{n} {name}" for n, name in enumerate(distinct[-1], start=1)]
    parts: list[str] = []
    current: list[str] = []

    def render(chunk: list[str]) -> str:
        menu = ", ".join(chunk)
        return menu if parts else text(locale, "which_partnership", menu=menu)

    for item in items:
        if current and not fits_one_segment(normalise(render([*current, item]))):
            parts.append(render(current))
            current = []
        current.append(item)
    parts.append(render(current))
    return parts
