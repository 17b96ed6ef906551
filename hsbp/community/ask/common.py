"""What the SMS questions of a community member share: the keywords' catalog entries, the
texts they answer with, and who is asking, in which language.

Each text is one SMS segment in every shipped language with realistic values; content (a
title, a name) is clipped with "..." to keep it so, and a list goes in numbered parts.
Keywords named inside a text are that language's first word for them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from babel.dates import format_date
from sqlalchemy.orm import Session

from hsbp.i18n import UI_LOCALE_CODES, translated
from hsbp.partnerships.models import Partnership
from hsbp.sms import contacts, fitting
from hsbp.sms import texts as channel_texts
from hsbp.sms.handlers import Incoming
from hsbp.sms.models import Contact, ContactMembership
from hsbp.sms.texts import N_, NP_

# The routes (handler names) of the keywords: what SmsSettings.keywords_off holds.
INFO, ACTIONS, MORE, CHARTER, RESULTS = (
    "ask_info",
    "ask_actions",
    "ask_more",
    "ask_charter",
    "ask_results",
)

# Each shipped language adds its own words in its catalog; English always works. The words
# after "es:" are the Spanish ones the demo and its browser test use.
KEYWORDS = {
    INFO: NP_(
        "SMS keyword to ask about the partnership, who facilitates it and how to reach them; "
        "comma-separated (es: INFO)",
        "INFO",
    ),
    ACTIONS: NP_(
        "SMS keyword to ask the partnership's commitments, alone or followed by a place; "
        "comma-separated (es: ACCIONES)",
        "ACTIONS",
    ),
    MORE: NP_(
        "SMS keyword, sent alone, for the next commitments of the list; comma-separated (es: MAS)",
        "MORE",
    ),
    CHARTER: NP_(
        "SMS keyword to ask a summary of the partnership's charter; comma-separated (es: CARTA)",
        "CHARTER",
    ),
    RESULTS: NP_(
        "SMS keyword to ask the results of the latest consultation; comma-separated "
        "(es: RESULTADOS)",
        "RESULTS",
    ),
}

# HELP's line for each (hsbp.sms.handlers.Keyword.hint): short, it shares a segment.
HINTS = {
    INFO: N_("%(word)s: who we are."),
    ACTIONS: N_("%(word)s [place]: our commitments."),
    CHARTER: N_("%(word)s: our charter."),
    RESULTS: N_("%(word)s: what people said."),
}

TEXTS = {
    # INFO: %(people)s is one or two facilitators' organisations (or names).
    "info": N_("%(name)s is facilitated by %(people)s."),
    "info_reach": N_("Write to this number: the facilitators read every message."),
    "info_keywords": N_("You can send: %(words)s."),
    # ACTIONS and MORE; an item is "2. <title> (<lead partner>): <status>, due <date>".
    "actions_place": N_("Commitments for %(place)s:"),
    "actions_all": N_("Our commitments:"),
    "item_due": N_("%(title)s (%(lead)s): %(status)s, due %(due)s"),
    "item_late": N_("%(title)s (%(lead)s): %(status)s, late since %(due)s"),
    "item": N_("%(title)s (%(lead)s): %(status)s"),
    "actions_more": N_("Send %(more)s for more."),
    "actions_end": N_("No more commitments. Send %(actions)s and a place for others."),
    "actions_none_place": N_("No commitments for %(place)s yet. Send %(actions)s for all."),
    "actions_none": N_("There are no commitments yet."),
    # %(places)s: a few places the partnership knows, "Vereda La Esperanza, Bajo Caguán".
    "unknown_place": N_("We do not know %(place)s. Try: %(places)s"),
    "unknown_place_alone": N_("We do not know %(place)s. Send %(actions)s alone for all."),
    # CHARTER: a head, then one line per goal.
    "charter": N_("Our charter, version %(number)s, adopted %(date)s. Its goals:"),
    "charter_goal_due": N_("%(title)s, by %(due)s"),
    "charter_no_goals": N_("Our charter, version %(number)s, has no goals yet."),
    "no_charter": N_("The partners have not adopted a charter yet."),
    # RESULTS: a head, then the main needs and those now charter goals, if any.
    "results": N_("%(title)s, closed %(date)s. Answers: %(count)s."),
    "results_needs": N_("Main needs: %(needs)s."),
    "results_goals": N_("Now charter goals: %(goals)s."),
    "no_results": N_("No consultation has closed yet: no results to share."),
}
# How short a title or a name inside a text may become (the text is cut after that).
CONTENT_LIMITS = (40, 32, 26, 20, 16, 12)
# Keywords named inside the texts.
TEXT_KEYWORDS = {"more": KEYWORDS[MORE], "actions": KEYWORDS[ACTIONS]}


@dataclass
class Asker:
    """A confirmed contact asking by SMS: the partnership, their languages, their membership."""

    session: Session
    contact: Contact
    member: ContactMembership
    partnership: Partnership
    locale: str  # for the system texts (the contact's, as the router gives it)

    @property
    def fallback(self) -> str:
        return self.partnership.default_locale

    def text(self, key: str, **values) -> str:
        return channel_texts.with_keywords(self.locale, TEXTS[key], TEXT_KEYWORDS, **values)

    def fitted(self, key: str, *, room: int = 0, **content) -> str:
        """Text `key` with its content values ({name: text}) clipped until it fits one
        segment (with `room` to spare for a part's number)."""
        return fitting.fit(
            lambda limit: self.text(
                key, **{name: fitting.clip(value, limit) for name, value in content.items()}
            ),
            limits=CONTENT_LIMITS,
            room=room,
        )

    def content(self, values: dict | None) -> str:
        """A text stored per language, in the contact's language or the partnership's."""
        locale = self.locale if self.contact.locale else self.fallback
        return translated(values, locale=locale, fallback=self.fallback)

    def date(self, day: date, pattern: str = "medium") -> str:
        return format_date(day, pattern, locale=self.date_locale)

    @property
    def date_locale(self) -> str:
        """A language Babel knows for dates: the contact's, a local language's stand-in
        (hsbp.sms.texts.LocalLanguage.formats), else the partnership's default."""
        for code in (getattr(self.locale, "formats", self.locale), self.fallback):
            if code in UI_LOCALE_CODES:
                return code
        return "en"


def asker(session: Session, incoming: Incoming) -> Asker | None:
    """Who asks, if they confirmed the partnership their message reached; else None."""
    if incoming.contact is None or incoming.partnership_id is None:
        return None
    member = contacts.confirmed_membership(
        session, contact=incoming.contact, partnership_id=incoming.partnership_id
    )
    if member is None:
        return None
    partnership = session.get(Partnership, incoming.partnership_id)
    return Asker(session, incoming.contact, member, partnership, incoming.locale)


def not_joined(incoming: Incoming) -> list[str]:
    """The channel's usual answer to someone who has not joined: send JOIN and the code."""
    return [channel_texts.text(incoming.locale, "not_joined")]


def alone(incoming: Incoming) -> bool:
    """Whether the keyword is the whole message (CARTA alone; "carta para el alcalde..." is
    a message for the inbox)."""
    return len(incoming.words) == 1
