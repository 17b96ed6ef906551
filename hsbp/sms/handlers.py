"""How features plug into the SMS channel without the channel knowing them.

A feature registers, in create_app, either a keyword (the first word of a message, such as
REPORT) or a conversation handler (asked, in order, whether it takes a message from this
contact: an open consultation, say). Handlers return the replies to send, or None to pass:
a keyword's handler passing (CHARTER at the start of a sentence, say) lets the conversations
and then the inbox hear the message as any other.

A keyword may say how HELP shows it (its catalog entry, whose first word in the contact's
language is shown, and a short hint), and that a partnership may switch it off
(`switchable`, with a label for the SMS settings page). A switched-off keyword is no keyword
for that partnership: its messages are ordinary messages (SmsSettings.keywords_off).

A flow whose messages must stay confidential (a grievance, a pulse, an anonymous
consultation) says so: a whole route when it registers (`confidential=True`), or one message
at a time from its handler (`Incoming.mark_confidential`, and `confidential_texts` for
replies of a confidential flow started from another one). The channel then keeps the message
out of every inbox, shows it on no page, and blanks its body once the handler has stored what
it needs (hsbp.sms.inbound); its replies are confidential too, and blanked once sent.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field

from flask import Flask, current_app
from sqlalchemy.orm import Session

from hsbp.sms.models import Contact, InboundMessage
from hsbp.sms.texts import fold


@dataclass
class Incoming:
    """What a handler gets: the stored message, its contact, the partnership it reached."""

    message: InboundMessage
    contact: Contact | None
    partnership_id: int | None
    text: str
    locale: str

    @property
    def words(self) -> list[str]:
        return self.text.split()

    def mark_confidential(self) -> None:
        """This message belongs to a confidential flow: no inbox, no page, no body kept."""
        self.message.confidential = True
        self.message.in_inbox = False


class ConfidentialText(str):
    """A reply of a confidential flow (the first question of an anonymous consultation that
    starts when another conversation ends, say): sent, then blanked, and shown on no page,
    whatever the message it answers."""


def confidential_texts(texts: Iterable[str]) -> list[str]:
    return [ConfidentialText(text) for text in texts]


def is_confidential_text(text: str) -> bool:
    return isinstance(text, ConfidentialText)


Handler = Callable[[Session, Incoming], list[str] | None]
# (session, contact=, partnership_id=, kind=) -> why a message must not be sent, or None.
SendCheck = Callable[..., str | None]
# (session, contact_ids=, partnership_id=, kind=) -> the ids among them a message of that
# kind must not go to: the send checks' answer for a whole audience, in one query.
AudienceCheck = Callable[..., set[int]]
# (session, contact=, event=): told of each consent event the channel records.
ConsentListener = Callable[..., None]


@dataclass(frozen=True)
class Keyword:
    """A feature's keyword as HELP and the SMS settings page show it."""

    name: str
    # The catalog entry its words come from: (context, English words), as texts.NP_ marks it.
    catalog_words: tuple[str, str] | None = None
    # HELP's line for it, marked with N_: "%(word)s: who we are." (one short sentence).
    hint: str | None = None
    switchable: bool = False
    label: object = None  # a lazy string: what the settings page calls it
    # The switch it obeys when it has none of its own (MORE follows ACTIONS).
    follows: str | None = None

    @property
    def switch(self) -> str | None:
        return self.follows or (self.name if self.switchable else None)


@dataclass
class Registry:
    # {folded keyword: (handler name, handler)}
    keywords: dict[str, tuple[str, Handler]] = field(default_factory=dict)
    # {handler name: how it is shown and switched}, in the order features registered them.
    entries: dict[str, Keyword] = field(default_factory=dict)
    conversations: list[tuple[str, Handler]] = field(default_factory=list)
    # Routes (handler names) whose every message is confidential, and outgoing kinds whose
    # every message is (a grievance's stage notices).
    confidential_routes: set[str] = field(default_factory=set)
    confidential_kinds: set[str] = field(default_factory=set)
    # Keywords about the number itself, not one partnership (a request to be erased):
    # heard from a number that is no contact yet, and before asking which partnership.
    number_wide: set[str] = field(default_factory=set)
    # What each outgoing kind is sent for ({kind: purpose}, "" for none: a reply, the join
    # texts), filled by the feature that keeps consent per purpose; the checks each message
    # to be sent passes (hsbp.sms.sending.make_outbound), and who hears of consent events
    # (hsbp.sms.contacts.record_consent).
    purposes: dict[str, str] = field(default_factory=dict)
    send_checks: list[SendCheck] = field(default_factory=list)
    audience_checks: list[AudienceCheck] = field(default_factory=list)
    consent_listeners: list[ConsentListener] = field(default_factory=list)

    def keyword(
        self,
        name: str,
        words: list[str],
        handler: Handler,
        *,
        confidential: bool = False,
        catalog_words: tuple[str, str] | None = None,
        hint: str | None = None,
        switchable: bool = False,
        label=None,
        follows: str | None = None,
        number_wide: bool = False,
    ) -> None:
        """Take messages whose first word is one of `words` (any language's). With
        `catalog_words` and `hint`, HELP lists it; with `switchable` (and a `label`), a
        partnership may switch it off; `follows` names the keyword whose switch it obeys;
        `number_wide` keywords are about the number, in no partnership (`number_keyword`)."""
        for word in words:
            self.keywords[fold(word)] = (name, handler)
        if confidential:
            self.confidential_routes.add(name)
        if number_wide:
            self.number_wide.add(name)
        self.entries[name] = Keyword(name, catalog_words, hint, switchable, label, follows)

    def find(self, word: str, *, off: Collection[str] = ()) -> tuple[str, Handler] | None:
        """The (name, handler) of keyword `word` (folded), unless its partnership switched
        it, or the keyword it follows, off (`off`: SmsSettings.keywords_off)."""
        found = self.keywords.get(word)
        if found is None:
            return None
        entry = self.entries.get(found[0])
        return None if entry is not None and entry.switch in off else found

    def number_keyword(self, word: str) -> tuple[str, Handler] | None:
        """The (name, handler) of a number-wide keyword `word` (folded), if it is one: its
        handler hears the message with no partnership, and a contact of None for a number
        that is no contact; no partnership may switch it off."""
        found = self.keywords.get(word)
        return found if found is not None and found[0] in self.number_wide else None

    def switchable(self) -> list[Keyword]:
        """The keywords a partnership may switch off, in the order they were registered."""
        return [entry for entry in self.entries.values() if entry.switchable]

    def shown(self, *, off: Collection[str] = ()) -> list[Keyword]:
        """The keywords HELP lists for a partnership that switched `off` off."""
        return [
            entry
            for entry in self.entries.values()
            if entry.hint and entry.catalog_words and entry.switch not in off
        ]

    def conversation(self, name: str, handler: Handler, *, confidential: bool = False) -> None:
        self.conversations.append((name, handler))
        if confidential:
            self.confidential_routes.add(name)

    def confidential(self, *, routes=(), kinds=()) -> None:
        """More confidential routes (names a handler gives a message it took, such as a
        wrong grievance code) and outgoing kinds."""
        self.confidential_routes.update(routes)
        self.confidential_kinds.update(kinds)

    def withheld(
        self, session: Session, *, contact: Contact, partnership_id: int | None, kind: str
    ) -> str | None:
        """Why a message of `kind` to `contact` must not be sent (the first check that
        refuses it says), or None when it may go."""
        for check in self.send_checks:
            reason = check(session, contact=contact, partnership_id=partnership_id, kind=kind)
            if reason:
                return reason
        return None

    def withheld_among(
        self, session: Session, *, contact_ids: Collection[int], partnership_id: int, kind: str
    ) -> set[int]:
        """The ids among `contact_ids` a message of `kind` from the partnership would be
        withheld from (as `withheld` says of one contact), for an audience at once."""
        refused: set[int] = set()
        for check in self.audience_checks:
            refused |= check(
                session, contact_ids=contact_ids, partnership_id=partnership_id, kind=kind
            )
        return refused

    def confidential_keyword(self, text: str) -> str | None:
        """The route of the confidential keyword `text` starts with (REPORT ...), if any."""
        words = text.split()
        found = self.keywords.get(fold(words[0])) if words else None
        return found[0] if found and found[0] in self.confidential_routes else None


def registry(app: Flask | None = None) -> Registry:
    return (app or current_app).extensions["hsbp.sms.handlers"]


def init_app(app: Flask) -> None:
    app.extensions["hsbp.sms.handlers"] = Registry()
