"""The system SMS texts as their translators see them, and the checks of a translation.

Every text the platform may send is offered, found in one registry rather than a list kept
by hand: `N_` and `NP_` register each text and keyword list as their module is imported
(hsbp.sms.texts.MARKED), so the channel's texts, every feature's and any new one appear the
moment they are written, with no catalog to build first (the template catalog would know
them only after extraction, and could not tell an SMS text from a page's).

A translation keeps exactly the English text's placeholders and fits one SMS segment with
realistic values in them; a keyword list holds words that mean no other keyword, in any
shipped language or in this one. Each refusal says which placeholder, how long, which word.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from hsbp.i18n import UI_LOCALE_CODES
from hsbp.partnerships.models import Partnership
from hsbp.sms import contacts, encoding, fitting, local_texts, texts

# Features by the package that marks their texts, in the order the pages show them.
GROUPS = {
    "hsbp.sms": _l("Joining, language and help"),
    "hsbp.community": _l("Community voice: asking, voting, checking"),
    "hsbp.consultations": _l("Consultations"),
    "hsbp.grievances": _l("Grievances"),
    "hsbp.monitoring": _l("Partnership health and SMS polls"),
    "hsbp.actions": _l("News of actions"),
    "hsbp.consent": _l("Consent"),
}
OTHER_GROUP = _l("Other texts")
PLACEHOLDER = re.compile(r"%\((\w+)\)s")
MAX_TEXT = 500
MAX_WORDS, MAX_WORD = 12, 30
# Values as long as real ones, on the short side: senders cut content (a title, a name) to
# make a text fit, but not below these. Keyword placeholders get this language's word.
SAMPLES = {
    "code": "CAGUAN26",
    "title": "Agua y caminos",
    "low": "0",
    "high": "30",
    "n": "4",
    "count": "34",
    "number": "3",
    "date": "12/03/2026",
    "due": "30/06/2026",
    "lead": "Alcaldía",
    "place": "La Esperanza",
    "places": "La Esperanza, Bajo Caguán",
    "people": "Ana Ruiz",
    "need": "agua",
    "needs": "agua, caminos",
    "goals": "agua",
    "action": "Tanque de agua",
    "words": "INFO, ACTIONS, RESULTS",
    "word": "INFO",
}
GROUP_SAMPLES = {
    "hsbp.grievances": {"code": "4827 1936"},
    "hsbp.community": {"status": "in progress"},
    # One purpose's words, as the renewal question names them (hsbp.consent.sms_texts).
    "hsbp.consent": {"purposes": "consultation questions"},
}
# Placeholders named otherwise than the keyword whose word they show.
KEYWORD_ALIASES = {"off": "NEWS OFF"}
OTHER_VALUE = "Xxxxxxxxxx"


@dataclass(frozen=True)
class Entry:
    """One text, or keyword list, to translate, as registered."""

    marked: texts.Marked
    hash: str
    group: str
    essential: bool

    @property
    def id(self) -> str:
        """How addresses name it: the start of its hash, unique among a few hundred texts."""
        return self.hash[:16]

    @property
    def key(self) -> str:
        return self.marked.key

    @property
    def source(self) -> str:
        return self.marked.source

    @property
    def is_words(self) -> bool:
        return self.marked.is_words and not self.is_name

    @property
    def is_name(self) -> bool:
        return self.key == local_texts.LANGUAGE_NAME.key

    @property
    def placeholders(self) -> list[str]:
        return list(dict.fromkeys(PLACEHOLDER.findall(self.source)))


def _group(module: str) -> str:
    return next((g for g in GROUPS if module == g or module.startswith(g + ".")), "")


def entries() -> list[Entry]:
    """Every text to translate: the language's name first, then the registry by group."""
    essential = set(local_texts.essential_keys())
    marked = [local_texts.LANGUAGE_NAME, *texts.MARKED.values()]
    found = [
        Entry(m, local_texts.msgid_hash(m.key), _group(m.module), m.key in essential)
        for m in marked
    ]
    order = {group: n for n, group in enumerate(GROUPS)}
    return sorted(found, key=lambda e: (order.get(e.group, len(order)), not e.is_name))


def entry_for(text_id: str) -> Entry | None:
    return next((e for e in entries() if e.id == text_id), None)


def group_label(group: str):
    return GROUPS.get(group, OTHER_GROUP)


def reference(marked: texts.Marked, language: str) -> str:
    """A registered text as `language` (an SMS locale) writes it, or English."""
    if marked.key == local_texts.LANGUAGE_NAME.key:
        return marked.source
    catalog = texts.catalog(language)
    if marked.is_words:
        return catalog.pgettext(marked.context, marked.source)
    return catalog.gettext(marked.source)


def first_word(words: str) -> str:
    return next((w.strip() for w in words.split(",") if w.strip()), "")


@dataclass
class Writing:
    """What writing texts in one language of one partnership needs, read once a request."""

    session: Session
    partnership: Partnership
    locale: str
    language: str  # the SMS locale as contacts get it: this translation, then the default
    fallback: str  # what contacts get where a text is missing
    own: dict[str, str]  # the translations written so far
    base: dict[str, str]

    def values(self, entry: Entry) -> dict[str, str]:
        """Realistic values for the entry's placeholders, in this language."""
        values = {**self.base, **GROUP_SAMPLES.get(entry.group, {})}
        for name in entry.placeholders:
            keyword = _keywords().get(KEYWORD_ALIASES.get(name, name.upper()))
            if keyword is not None and name not in GROUP_SAMPLES.get(entry.group, {}):
                values[name] = first_word(reference(keyword, self.language))
        return {name: values.get(name, OTHER_VALUE) for name in entry.placeholders}

    def reference(self, entry: Entry) -> str:
        """The entry as contacts get it while this language has none."""
        return reference(entry.marked, self.fallback)

    def filled(self, entry: Entry, text: str) -> str:
        values = self.values(entry)
        return encoding.normalise(text % values if values else text)

    @functools.cached_property
    def meanings(self) -> dict[str, set[str]]:
        """{folded word: the English keywords it means}, of every keyword list in every
        shipped language and in this partnership's translation."""
        meaning: dict[str, set[str]] = {}
        for marked in texts.MARKED.values():
            if not marked.is_words:
                continue
            english = texts.fold(first_word(marked.source))
            lists = [reference(marked, code) for code in UI_LOCALE_CODES]
            lists.append(self.own.get(marked.key) or "")
            for words in lists:
                for word in words.split(","):
                    if texts.fold(word):
                        meaning.setdefault(texts.fold(word), set()).add(english)
        for action, words in texts.ALWAYS.items():
            english = texts.fold(first_word(texts.KEYWORDS[action][1]))
            for word in words:
                meaning.setdefault(texts.fold(word), set()).add(english)
        return meaning


@functools.cache
def _keywords_of(count: int) -> dict[str, texts.Marked]:
    return {texts.fold(first_word(m.source)): m for m in list(texts.MARKED.values()) if m.is_words}


def _keywords() -> dict[str, texts.Marked]:
    """{English keyword: its registered list} (the registry only grows, at import)."""
    return _keywords_of(len(texts.MARKED))


def writing(session: Session, *, partnership: Partnership, locale: str) -> Writing:
    """Read what checking texts in `locale` needs (a few queries, however many texts)."""
    language = local_texts.language(session, partnership=partnership, code=locale)
    default = partnership.default_locale
    fallback = (
        "en"
        if default == locale
        else local_texts.language(session, partnership=partnership, code=default)
    )
    own = local_texts.written(session, partnership_id=partnership.id, locales=[locale])[locale]
    settings = contacts.settings_of(session, partnership.id)
    short = fitting.short_name(partnership.name, 14)
    choices = list(dict.fromkeys([*local_texts.sms_locales(session, partnership), locale]))
    base = {
        **SAMPLES,
        "code": settings.join_code if settings else SAMPLES["code"],
        "name": short,
        "partnership": short,
        "menu": texts.language_menu(choices, local_texts.language_names(session, partnership)),
    }
    return Writing(session, partnership, locale, language, fallback, own, base)


@dataclass
class Checked:
    """A translation as it would be stored and sent, its size, and what is wrong with it."""

    text: str
    filled: str
    size: encoding.SegmentCount
    errors: list[str]


def check(writing: Writing, entry: Entry, text: str) -> Checked:
    """Measure and check a translation without saving it."""
    written = encoding.normalise(" ".join(text.split()) if entry.is_words else text.strip())
    errors: list = []
    if not written:
        errors.append(_l("Write the translation, or remove it to send the default language's."))
    elif len(written) > MAX_TEXT:
        errors.append(_l("At most %(count)d characters.", count=MAX_TEXT))
    if entry.is_words and written:
        errors += _word_errors(writing, entry, written)
    if entry.is_name and len(written) > MAX_WORD:
        # It goes in the LANG menu, beside the other languages, in one SMS.
        errors.append(_l("At most %(count)d characters.", count=MAX_WORD))
    if entry.is_words or entry.is_name:
        return Checked(written, written, encoding.measure(written), [str(e) for e in errors])
    errors += _placeholder_errors(entry, written)
    filled = written if errors else writing.filled(entry, written)
    size = encoding.measure(filled)
    if written and size.segments > 1:
        errors.append(
            _l(
                "Longer than one SMS: %(units)d characters where %(limit)d fit, with the sample "
                "values. Shorten it.",
                units=size.units,
                limit=encoding.LIMITS[size.encoding][0],
            )
        )
    return Checked(written, filled, size, [str(error) for error in errors])


def _placeholder_errors(entry: Entry, written: str) -> list:
    wanted = PLACEHOLDER.findall(entry.source)
    found = PLACEHOLDER.findall(written)
    missing = [f"%({name})s" for name in dict.fromkeys(wanted) if name not in found]
    extra = [f"%({name})s" for name in dict.fromkeys(found) if name not in wanted]
    doubled = [
        f"%({name})s" for name in dict.fromkeys(found) if 0 < wanted.count(name) < found.count(name)
    ]
    errors = []
    if missing:
        errors.append(
            _l(
                "Keep every placeholder of the English text; missing: %(names)s.",
                names=", ".join(missing),
            )
        )
    if extra:
        errors.append(
            _l("The English text has no placeholder %(names)s: remove it.", names=", ".join(extra))
        )
    if doubled:
        errors.append(
            _l("Write %(names)s only as often as the English text does.", names=", ".join(doubled))
        )
    if "%" in PLACEHOLDER.sub("", written):
        errors.append(
            _l(
                "A percent sign may only start a placeholder, such as %(example)s.",
                example="%(code)s",
            )
        )
    return errors


def _word_errors(writing: Writing, entry: Entry, words: str) -> list:
    items = [w.strip() for w in words.split(",") if w.strip()]
    english = texts.fold(first_word(entry.source))
    spaced = any(" " in w.strip() for w in entry.source.split(","))
    errors: list = []
    if len(items) > MAX_WORDS:
        errors.append(_l("At most %(count)d words.", count=MAX_WORDS))
    for word in items:
        folded = texts.fold(word)
        meanings = writing.meanings.get(folded, {english})
        if not folded or folded.isdigit():
            errors.append(_l("%(word)s: a keyword cannot be a number.", word=word))
        elif len(word) > MAX_WORD:
            errors.append(_l("%(word)s: at most %(count)d characters.", word=word, count=MAX_WORD))
        elif " " in folded and not spaced:
            errors.append(_l("%(word)s: one word only, without spaces.", word=word))
        elif english not in meanings:
            errors.append(
                _l(
                    "%(word)s already means %(keyword)s: choose another word.",
                    word=word,
                    keyword=min(meanings),
                )
            )
    return errors
