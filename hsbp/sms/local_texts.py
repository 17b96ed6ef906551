"""A partnership's SMS texts in its local languages, as contacts get them.

Partnerships name content languages the platform does not ship (Nasa Yuwe `pbb`,
Wayuunaiki `guc`); their facilitators and translators write the system SMS texts in them
(hsbp.sms.local_text_admin). Here a contact's language becomes what texts are looked up
with (`language`): a shipped code as it is; a local language of the partnership as a
`texts.LocalLanguage` carrying the partnership's translation, with the partnership's default
language for every text it lacks (its catalog, or its own translation, then English); any
other code, or none, the partnership's default language. Features call `language` (or
`contact_language`) where they knew only the contact's code: a task or the worker passes its
session like a request does, so nothing depends on a request being there.

A local language is offered by LANG once its name and the ESSENTIAL texts are written: the
person who picks it reads that it is saved, and can ask for help, stop and start. Its
keywords (translations of the KEYWORDS lists) are read from contacts who chose it, in
messages to the partnership the contact writes to, never another's (`for_message`).

The translations are read once per partnership and language in a session (a task writing to
a thousand contacts reads them once); the cache ends with the transaction, and saving a text
clears it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from babel import localedata
from babel.support import NullTranslations
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from hsbp.i18n import UI_LOCALE_CODES, language_name
from hsbp.partnerships.models import Partnership
from hsbp.sms import texts
from hsbp.sms.models import ContactMembership, LocalText, SmsSettings

CACHE_KEY = "hsbp.sms.local_texts"
# The language's own name, as the LANG menu shows it ("3 Nasa Yuwe"): written by its
# translators like a text, never sent alone, and not in the shipped catalogs (it would have
# no use there).
LANGUAGE_NAME = texts.Marked(
    key=texts.context_key(
        "The name of this language, in this language, for the LANG menu", "English"
    ),
    source="English",
    context="The name of this language, in this language, for the LANG menu",
    module="hsbp.sms.texts",
)
# What someone who picks the language reads at once, and the consent replies: without them
# a language is not offered by LANG (its other texts fall back to the default language).
ESSENTIAL = ("language_set", "help", "stopped", "started")


def msgid_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def essential_keys() -> list[str]:
    """The keys a local language needs before LANG offers it: its name and ESSENTIAL."""
    return [LANGUAGE_NAME.key, *(texts.TEXTS[name] for name in ESSENTIAL if name in texts.TEXTS)]


def local_locales(partnership: Partnership) -> list[str]:
    """The partnership's languages the platform does not ship, in the partnership's order."""
    codes = [*(partnership.locales or []), partnership.default_locale]
    return list(dict.fromkeys(code for code in codes if code and code not in UI_LOCALE_CODES))


def _cache(session: Session) -> dict:
    return session.info.setdefault(CACHE_KEY, {})


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    session.info.pop(CACHE_KEY, None)


def forget(session: Session) -> None:
    """Drop what this session read (after a translation changed)."""
    _forget(session)


def written(session: Session, *, partnership_id: int, locales: list[str]) -> dict[str, dict]:
    """{locale: {key: text}} of the partnership's translations into `locales` (one query for
    those not read yet in this session)."""
    cache = _cache(session)
    unread = [code for code in locales if (partnership_id, code) not in cache]
    if unread:
        for code in unread:
            cache[(partnership_id, code)] = {}
        rows = session.execute(
            select(LocalText.locale, LocalText.msgid, LocalText.text).where(
                LocalText.partnership_id == partnership_id, LocalText.locale.in_(unread)
            )
        )
        for code, msgid, text in rows:
            cache[(partnership_id, code)][msgid] = text
    return {code: cache[(partnership_id, code)] for code in locales}


def _formats(*codes: str) -> str:
    return next((code for code in codes if code and localedata.exists(code)), "en")


def _local(session: Session, partnership: Partnership, code: str) -> texts.LocalLanguage:
    default = partnership.default_locale
    local_default = default not in UI_LOCALE_CODES and default != code
    found = written(
        session, partnership_id=partnership.id, locales=[code, default] if local_default else [code]
    )
    if default in UI_LOCALE_CODES:
        fallback = texts.catalog(default)
    elif local_default:
        fallback = texts.LocalCatalog(found[default], NullTranslations())
    else:
        fallback = NullTranslations()  # the default itself: English for what it lacks
    return texts.LocalLanguage(
        code,
        partnership_id=partnership.id,
        catalog=texts.LocalCatalog(found[code], fallback),
        formats=_formats(code, default, *(partnership.locales or [])),
    )


def language(session: Session, *, partnership: Partnership, code: str | None) -> str:
    """The locale to write SMS texts with, to someone whose language is `code`, for
    `partnership`: a shipped language as it is; a local language of the partnership with
    its translation; none, or a language of another partnership, the partnership's default
    (English when that is no language at all)."""
    if code in UI_LOCALE_CODES:
        return code
    if code and code in local_locales(partnership):
        return _local(session, partnership, code)
    default = partnership.default_locale
    if default in UI_LOCALE_CODES:
        return default
    return _local(session, partnership, default) if default else "en"


def contact_language(session: Session, *, contact, partnership_id: int) -> str:
    """`language` for a contact of the partnership: their own, else the default."""
    partnership = session.get(Partnership, partnership_id)
    return language(session, partnership=partnership, code=contact.locale)


def sms_locales(session: Session, partnership: Partnership) -> list[str]:
    """The languages a contact of `partnership` may choose, in the partnership's order: the
    shipped ones, and the local ones whose name and essential texts are written."""
    local = local_locales(partnership)
    found = written(session, partnership_id=partnership.id, locales=local) if local else {}
    needed = essential_keys()
    ready = {code for code, done in found.items() if all(done.get(key) for key in needed)}
    chosen = [
        code for code in partnership.locales or [] if code in UI_LOCALE_CODES or code in ready
    ]
    return chosen or ["en"]


def language_names(session: Session, partnership: Partnership) -> dict[str, str]:
    """{code: name} of the partnership's local languages as the LANG menu shows them: the
    name its translators wrote, else the one Babel knows, else the code."""
    local = local_locales(partnership)
    found = written(session, partnership_id=partnership.id, locales=local) if local else {}
    return {
        code: found[code].get(LANGUAGE_NAME.key) or language_name(code, _formats(code))
        for code in local
    }


@dataclass
class MessageLanguage:
    """How to read and answer one message of a contact who chose a local language."""

    locale: str
    partnership_id: int
    # {folded word of the local language: the folded English keyword it stands for}
    words: dict[str, str] = field(default_factory=dict)

    def keyword(self, folded: str, known) -> str:
        """`folded` as the English keyword it stands for, unless it is a word `known`
        (the shipped languages' keywords) already."""
        return folded if folded in known else self.words.get(folded, folded)


def for_message(session: Session, *, contact, to_number: str) -> MessageLanguage | None:
    """For a contact whose language is a local one: the texts and keywords to read and
    answer their message to `to_number` with, those of the partnership using that number
    that the contact chose last (and that has the language, if several do). None for anyone
    else, without a query: the shipped languages need nothing from here."""
    code = contact.locale if contact is not None else None
    if not code or code in UI_LOCALE_CODES:
        return None
    rows = session.execute(
        select(Partnership, ContactMembership.id, ContactMembership.chosen_at)
        .join(SmsSettings, SmsSettings.partnership_id == Partnership.id)
        .outerjoin(
            ContactMembership,
            (ContactMembership.partnership_id == Partnership.id)
            & (ContactMembership.contact_id == contact.id),
        )
        .where(SmsSettings.sender == to_number)
    ).all()
    if not rows:
        return None
    # Memberships first, the latest chosen first, then partnerships with the language.
    rows.sort(
        key=lambda r: (
            r.id is None,
            code not in local_locales(r.Partnership),
            -(r.chosen_at.timestamp() if r.chosen_at else 0),
            r.Partnership.id,
        )
    )
    partnership = rows[0].Partnership
    locale = language(session, partnership=partnership, code=code)
    words: dict[str, str] = {}
    if isinstance(locale, texts.LocalLanguage):
        own = locale.catalog.texts
        for marked in texts.MARKED.values():
            if marked.is_words and own.get(marked.key):
                english = texts.fold(marked.source.split(",")[0])
                for word in own[marked.key].split(","):
                    if texts.fold(word):
                        words.setdefault(texts.fold(word), english)
    return MessageLanguage(locale, partnership.id, words)
