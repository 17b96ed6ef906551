"""Words a message should not ask people to reply with: the channel's keywords and those of
the features a partnership has switched on, in every shipped language.

A broadcast that says "Reply STOP if the road is blocked" unsubscribes everyone who
answers, and "Send INFO" answers with the partnership's card instead of reaching the inbox.
The preview names such words so the facilitator can pick another; it only warns. A word
counts as asked for when it is written as keywords are (in capitals, or in quotes) or comes
right after a verb such as "reply" or "responde", so "we will stop the trucks" is no request.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from hsbp.sms import texts
from hsbp.sms.handlers import registry

# What the router does with each of its own keywords (NO only answers an invitation, which
# a broadcast never is: it stays an ordinary answer).
CHANNEL_EFFECTS = {
    "stop": _l(
        "Replies of “%(word)s” unsubscribe people from every message: ask for another word."
    ),
    "start": _l(
        "Replies of “%(word)s” reach the inbox, but people who sent STOP get their messages "
        "back with it."
    ),
    "help": _l(
        "Replies of “%(word)s” get the list of keywords, not the inbox: ask for another word."
    ),
    "news": _l("Replies of “%(word)s” ask for news, not the inbox: ask for another word."),
    "news_off": _l("Replies of “%(word)s” stop news, not the inbox: ask for another word."),
    "join": _l("Replies of “%(word)s” are read as joining a partnership: ask for another word."),
    "lang": _l("Replies of “%(word)s” change the person's language: ask for another word."),
}
FEATURE_EFFECT = _l(
    "Replies of “%(word)s” go to an SMS keyword (%(keyword)s), not to the inbox: ask for "
    "another word."
)
UNLABELLED_EFFECT = _l(
    "Replies of “%(word)s” go to an SMS keyword, not to the inbox: ask for another word."
)


def _folded(words: str) -> frozenset[str]:
    return frozenset(texts.fold(word) for word in words.split())


# Verbs that ask for a reply, and the small words that may stand between them and the word
# asked for ("reply with the word SI", "jibu kwa ndiyo"), folded, in the shipped languages.
REPLY_VERBS = _folded(
    "reply answer send text write type respond "
    "responda responde respondan conteste contesta envie envia envien escriba escribe "
    "repondez reponds repondre envoyez envoie ecrivez ecris tapez "
    "odgovori odgovorite posalji posaljite napisi napisite "
    "أرسل ارسل أرسلوا ارسلوا رد ردوا أجب اجب اكتب "
    "jibu jibuni tuma tumeni andika andikeni"
)
FILLERS = _folded(
    "with the word just only con la palabra solo par le mot avec seulement "
    "sa rijec samo بكلمة كلمة فقط kwa neno tu"
)
QUOTES = "\"'\u2018\u2019\u201c\u201d\u00ab\u00bb\u201e"
WORD = re.compile(r"[^\W_]+(?:['\u2019][^\W_]+)*")


@dataclass(frozen=True)
class ReservedReply:
    word: str  # as the message writes it
    locale: str  # the language of the text it is in
    # What happens to such replies, a lazy text with %(word)s and %(keyword)s for the page to
    # fill (it isolates the word, which may run the other way than the page).
    effect: object
    keyword: str = ""  # the feature keyword's label, if it has one


def reserved_words(*, keywords_off: Collection[str] = ()) -> dict[str, tuple[object, object]]:
    """{folded word or phrase: (what happens, the keyword's label or None)} for the channel's
    keywords and every feature keyword not switched off (`SmsSettings.keywords_off`)."""
    found: dict[str, tuple[object, object]] = {}
    for word, action in texts.keyword_table().items():
        if action in CHANNEL_EFFECTS:
            found[word] = (CHANNEL_EFFECTS[action], None)
    handlers = registry()
    for word in handlers.keywords:
        hit = handlers.find(word, off=keywords_off)
        if hit is None or word in found:
            continue
        label = getattr(handlers.entries.get(hit[0]), "label", None)
        found[word] = (FEATURE_EFFECT, label) if label else (UNLABELLED_EFFECT, None)
    return found


def asked_replies(
    bodies: dict[str, str], *, keywords_off: Collection[str] = ()
) -> list[ReservedReply]:
    """The reserved words the texts ({locale: text}) ask people to reply with, once each."""
    reserved = reserved_words(keywords_off=keywords_off)
    found: dict[str, ReservedReply] = {}
    for locale, body in bodies.items():
        for word, phrase in _asked_for(body):
            # "STOP NEWS" stops news only: the phrase, when it is a keyword, not its STOP.
            written = phrase if phrase and texts.fold(phrase) in reserved else word
            folded = texts.fold(written)
            if folded in reserved and folded not in found:
                effect, label = reserved[folded]
                found[folded] = ReservedReply(written, locale, effect, str(label or ""))
    return list(found.values())


def _asked_for(body: str):
    """(word, the two words from it or None) for each word of `body` written as a reply
    asked for: in capitals, in quotes, or after a reply verb (and small words)."""
    matches = list(WORD.finditer(body))
    expecting = False
    for index, match in enumerate(matches):
        word, folded = match.group(), texts.fold(match.group())
        if expecting and folded in FILLERS:
            continue
        if expecting or _capitals(word) or _quoted(body, match.start(), match.end()):
            following = matches[index + 1] if index + 1 < len(matches) else None
            adjacent = following and not body[match.end() : following.start()].strip()
            yield word, f"{word} {following.group()}" if adjacent else None
        expecting = folded in REPLY_VERBS


def _capitals(word: str) -> bool:
    return len(word) > 1 and word.isupper()


def _quoted(body: str, start: int, end: int) -> bool:
    before = body[start - 1] if start > 0 else ""
    after = body[end] if end < len(body) else ""
    return bool(before) and before in QUOTES and bool(after) and after in QUOTES
