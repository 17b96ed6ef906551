"""The channel's own SMS texts and keywords, in the contact's language (not the web reader's).

Texts are marked for extraction here and looked up in the catalogs per contact, because
an SMS reply is written for the person on the phone, whatever language the server runs in.
Every text must fit one SMS segment in every shipped language (tests/sms checks them all).

Marking a text is also registering it: `N_` and `NP_` note every text and keyword list in
`MARKED` as their module is imported (create_app imports every module that sends SMS), so
the translators of a partnership's local languages (hsbp.sms.local_texts) find each of them,
new ones included, without a list to keep up to date. A language the platform does not ship
travels as a `LocalLanguage`: its code, carrying one partnership's translation, so every
lookup below uses that translation and falls back to the partnership's default language.
"""

from __future__ import annotations

import functools
import re
import sys
import unicodedata
from dataclasses import dataclass

from babel.support import NullTranslations, Translations

from hsbp.i18n import UI_LOCALE_CODES, UI_LOCALES
from hsbp.paths import resource_dir
from hsbp.sms.encoding import fits_one_segment, normalise
from hsbp.sms.fitting import numbered_parts, short_name


@dataclass(frozen=True)
class Marked:
    """A text an SMS may carry, as marked in the code: `key` is how catalogs find it (the
    text, or context and words joined as gettext does), `module` the one that marked it."""

    key: str
    source: str
    context: str | None
    module: str

    @property
    def is_words(self) -> bool:
        """A comma-separated list of keywords, not a sentence."""
        return self.context is not None


# {key: Marked}, in the order modules marked them. Mark texts at module level only.
MARKED: dict[str, Marked] = {}


def context_key(context: str, text: str) -> str:
    return f"{context}\x04{text}"


def _mark(key: str, source: str, context: str | None) -> None:
    if key not in MARKED:
        module = sys._getframe(2).f_globals.get("__name__", "")
        MARKED[key] = Marked(key, source, context, module)


def N_(text: str) -> str:
    _mark(text, text, None)
    return text


def NP_(context: str, text: str) -> tuple[str, str]:
    _mark(context_key(context, text), text, context)
    return context, text


# Keywords: each shipped language adds its own words, comma-separated, in its catalog.
# English words always work too, as they do at Twilio.
KEYWORDS = {
    "stop": NP_(
        "SMS keywords to stop all messages; comma-separated, keep the English ones",
        "STOP, STOPALL, UNSUBSCRIBE, CANCEL, END, QUIT, REVOKE, OPTOUT",
    ),
    "start": NP_("SMS keywords to receive messages again; comma-separated", "START, YES, UNSTOP"),
    # INFO is a keyword of its own now (the partnership, its facilitators, its keywords).
    "help": NP_("SMS keywords to ask for help; comma-separated", "HELP"),
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
# HELP to a contact of a partnership lists each keyword switched on, as "WORD: hint." with
# the first word its language has; features give their hints when they register a keyword
# (hsbp.sms.handlers), the channel gives NEWS's. The channel's own words (JOIN, YES, LANG,
# STOP: the "help" text) close the list.
HELP_HINTS = {
    "news": N_("%(word)s: news of our work."),
}
# How short a partnership's name may become so a text naming it stays one segment.
NAME_LIMITS = (30, 24, 18, 14, 10)


class LocalCatalog(NullTranslations):
    """A partnership's translation into a local language ({key: text}), falling back to the
    catalog of the partnership's default language for every text it lacks."""

    def __init__(self, texts: dict[str, str], fallback: NullTranslations):
        super().__init__()
        self.texts = texts
        self.add_fallback(fallback)

    def gettext(self, message: str) -> str:
        return self.texts.get(message) or self._fallback.gettext(message)

    def pgettext(self, context: str, message: str) -> str:
        return self.texts.get(context_key(context, message)) or self._fallback.pgettext(
            context, message
        )


class LocalLanguage(str):
    """The code of a language the platform does not ship (`pbb`) with one partnership's SMS
    texts in it. Wherever a contact's locale goes (in_language, catalog, keywords, content
    picked with hsbp.i18n.translated), the translation goes along, so no call needs the
    partnership. It equals and hashes as its code, so content stored per language
    ({"pbb": ...}) is found: never use it as the key of a cache shared by partnerships.
    Made by hsbp.sms.local_texts, which reads the translation."""

    catalog: LocalCatalog
    partnership_id: int
    # A code Babel knows, to read and write numbers: the language's own, else the default's.
    formats: str

    def __new__(cls, code: str, *, partnership_id: int, catalog: LocalCatalog, formats: str):
        language = super().__new__(cls, code)
        language.catalog, language.partnership_id, language.formats = (
            catalog,
            partnership_id,
            formats,
        )
        return language


def catalog(locale: str) -> NullTranslations:
    if isinstance(locale, LocalLanguage):
        return locale.catalog
    return _shipped_catalog(str(locale))


@functools.cache
def _shipped_catalog(locale: str) -> NullTranslations:
    if locale not in UI_LOCALE_CODES or locale == "en":
        return NullTranslations()
    return Translations.load(str(resource_dir("translations")), [locale])


def has_texts(locale: str | None) -> bool:
    """Whether SMS texts exist in `locale`: a shipped language, or a local one carrying a
    partnership's translation (a bare local code has none: English, as for no language)."""
    return isinstance(locale, LocalLanguage) or locale in UI_LOCALE_CODES


def babel_locale(locale: str | None) -> str:
    """A code Babel can format numbers for, for an SMS locale."""
    if isinstance(locale, LocalLanguage):
        return locale.formats
    return locale if locale in UI_LOCALE_CODES else "en"


def text(locale: str | None, key: str, **values) -> str:
    """Built-in text `key` in `locale` (English when the contact has not chosen one)."""
    return in_language(locale, TEXTS[key], **values)


def in_language(locale: str | None, message: str, **values) -> str:
    """An SMS text marked with N_ (the channel's or a feature's), in the contact's language
    (a local language's text, else the partnership's default language's)."""
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


def language_menu(locales: list[str], names: dict[str, str] | None = None) -> str:
    """'1 English, 2 Español' for the numbered language choice; `names` of local languages
    (as their translators wrote them), the code for one without."""
    names = {**(names or {}), **{loc.code: loc.native_name for loc in UI_LOCALES}}
    return ", ".join(f"{n} {names.get(code, code)}" for n, code in enumerate(locales, start=1))


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


# Keywords shown in a text, and HELP (cutting and numbered parts: hsbp.sms.fitting)


def first_word(locale: str | None, entry: tuple[str, str]) -> str:
    """The word a keyword's catalog entry (context, English words) shows first in `locale`:
    the one to tell a person of that language."""
    context, words = entry
    local = catalog(locale or "en").pgettext(context, words)
    return next((w.strip() for w in local.split(",") if w.strip()), words.split(",")[0].strip())


def all_words(entry: tuple[str, str]) -> list[str]:
    """Every shipped language's words for a keyword's catalog entry, English included,
    folded and without repeats: what a feature registers."""
    found: dict[str, None] = {}
    context, words = entry
    for locale in ("en", *UI_LOCALE_CODES):
        for word in catalog(locale).pgettext(context, words).split(","):
            if fold(word):
                found.setdefault(fold(word), None)
    return list(found)


def keyword_language(locale: str | None, message: str) -> str:
    """The language whose keywords a text shows: `locale`'s, or English while the text is not
    translated into it (a message never mixes two languages)."""
    return (locale or "en") if catalog(locale or "en").gettext(message) != message else "en"


def with_keywords(locale: str | None, message: str, keywords: dict, **values) -> str:
    """An SMS text marked with N_ in `locale`, its keyword placeholders ({name: catalog
    entry}) filled with the words of `keyword_language`."""
    written = catalog(locale or "en").gettext(message)
    words_of = keyword_language(locale, message)
    words = {name: first_word(words_of, entry) for name, entry in keywords.items()}
    return written % {**words, **values}


def help_line(locale: str | None, entry: tuple[str, str], hint: str) -> str:
    """One keyword of HELP: "ACCIONES + lugar: nuestros compromisos." in `locale`."""
    return with_keywords(locale, hint, {"word": entry})


def partnership_help(locale: str | None, keywords: list[tuple[tuple[str, str], str]]) -> list[str]:
    """HELP for a contact of a partnership: a line for each keyword it has switched on
    (`keywords`: (catalog entry, hint) in order), NEWS, then the channel's JOIN, YES, LANG and
    STOP; one segment when it fits, else numbered parts of one segment each."""
    lines = [help_line(locale, entry, hint) for entry, hint in keywords]
    lines.append(help_line(locale, KEYWORDS["news"], HELP_HINTS["news"]))
    return numbered_parts([*lines, text(locale, "help")])
