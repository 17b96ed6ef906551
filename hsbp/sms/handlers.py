"""How features plug into the SMS channel without the channel knowing them.

A feature registers, in create_app, either a keyword (the first word of a message, such as
REPORT) or a conversation handler (asked, in order, whether it takes a message from this
contact: an open consultation, say). Handlers return the replies to send, or None to pass.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from flask import Flask, current_app
from sqlalchemy.orm import Session

from hsbp.sms.models import Contact, InboundMessage


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


Handler = Callable[[Session, Incoming], list[str] | None]


@dataclass
class Registry:
    # {folded keyword: (handler name, handler)}
    keywords: dict[str, tuple[str, Handler]] = field(default_factory=dict)
    conversations: list[tuple[str, Handler]] = field(default_factory=list)
    # Routes and outgoing kinds whose texts facilitators never read in the SMS pages (a
    # grievance: its text and its number together say who complained of what).
    confidential_routes: set[str] = field(default_factory=set)
    confidential_kinds: set[str] = field(default_factory=set)

    def keyword(self, name: str, words: list[str], handler: Handler) -> None:
        from hsbp.sms.texts import fold

        for word in words:
            self.keywords[fold(word)] = (name, handler)

    def conversation(self, name: str, handler: Handler) -> None:
        self.conversations.append((name, handler))

    def confidential(self, *, routes=(), kinds=()) -> None:
        self.confidential_routes.update(routes)
        self.confidential_kinds.update(kinds)


def registry(app: Flask | None = None) -> Registry:
    return (app or current_app).extensions["hsbp.sms.handlers"]


def init_app(app: Flask) -> None:
    app.extensions["hsbp.sms.handlers"] = Registry()
