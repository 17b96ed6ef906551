"""Which feature keywords a partnership's contacts may use: each switchable keyword (INFO,
ACTIONS...) is on until a facilitator switches it off. A switched-off keyword is no keyword
for that partnership: its messages are ordinary ones, heard by the conversations and the
inbox (hsbp.sms.router). The channel's own words (JOIN, YES, LANG, STOP, HELP, NEWS) and the
grievance mechanism's are never switched off: people must always be able to join, stop and
complain."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from hsbp import audit
from hsbp.auth.models import User
from hsbp.errors import ServiceError
from hsbp.partnerships.models import Partnership
from hsbp.sms import contacts
from hsbp.sms.handlers import Keyword, registry
from hsbp.sms.texts import first_word

audit.ACTION_LABELS["sms.keywords"] = _l("SMS keywords switched on or off")


@dataclass(frozen=True)
class Switch:
    """A switchable keyword as the settings page shows it."""

    name: str
    label: str
    words: list[str]  # its first word in English and in each of the partnership's languages
    on: bool


def switches(session: Session, *, partnership: Partnership) -> list[Switch]:
    """The partnership's switchable keywords, with their words and whether they are on."""
    settings = contacts.settings_of(session, partnership.id)
    off = set(settings.keywords_off or []) if settings else set()
    return [
        Switch(
            name=entry.name,
            label=str(entry.label or entry.name),
            words=_words(entry, partnership),
            on=entry.name not in off,
        )
        for entry in registry().switchable()
    ]


def _words(entry: Keyword, partnership: Partnership) -> list[str]:
    if entry.catalog_words is None:
        return []
    found: dict[str, None] = {}
    for locale in ("en", *partnership.locales):
        found.setdefault(first_word(locale, entry.catalog_words), None)
    return list(found)


def save_switches(
    session: Session, *, actor: User, partnership: Partnership, on: list[str]
) -> list[str]:
    """Switch on the keywords named in `on` and off every other switchable one (unknown
    names are ignored). Returns the names now off. Raises ServiceError when the partnership
    has no sender yet (the switches live with it). Side effects: `SmsSettings.keywords_off`,
    an audit entry when it changed."""
    settings = contacts.settings_of(session, partnership.id)
    if settings is None:
        raise ServiceError(_l("Set the sender and join code first."))
    wanted = set(on)
    before = sorted(settings.keywords_off or [])
    # A name no longer registered (a feature removed) is kept as it was.
    known = {entry.name for entry in registry().switchable()}
    after = sorted({*(n for n in before if n not in known), *(known - wanted)})
    if after != before:
        settings.keywords_off = after
        audit.record(
            session,
            actor_id=actor.id,
            action="sms.keywords",
            obj=settings,
            partnership_id=partnership.id,
            details={"keywords_off": [before, after]},
        )
        session.flush()
    return after
