"""What an inbound message was answering, in words, for the inbox's threads.

The channel knows no feature, so a feature that takes messages registers a describer, as it
registers its handler: its handler notes on the message what the person was answering
(`reference`, "consultation_question:12"), and the describer turns a page's references into
words ("Question 2 of “Water”"), one statement per kind of reference whatever the page holds.
A keyword is named by its word; an ordinary message that followed a broadcast is an answer to
that broadcast (hsbp.sms.threads finds it).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from flask import Flask, current_app
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from hsbp.sms.handlers import registry
from hsbp.sms.models import InboundMessage

KEY = "hsbp.sms.contexts"
# The channel's own keywords (hsbp.sms.router), and its answers to a partnership's invitation.
CHANNEL_KEYWORDS = frozenset({"stop", "start", "join", "help", "news", "news_off"})
INVITATION_ANSWERS = frozenset({"confirm", "decline"})
CHOICES = frozenset({"lang", "choice"})  # a language, or which partnership a message is for
SHOWN_CHARACTERS = 40  # of a broadcast quoted as a message's context

# describe(session, partnership_id=..., ids=[...], locale=...) -> {id: words}; ids are the
# references' second parts, as written by `reference`.
Describer = Callable[..., dict[str, str]]


@dataclass(frozen=True)
class Describing:
    describe: Describer
    routes: frozenset[str]
    fallback: object  # a lazy string for a message of `routes` that names nothing


@dataclass(frozen=True)
class Context:
    """What a message was answering: words, and the broadcast it answered, if any."""

    text: str
    broadcast_id: int | None = None


def register(
    app: Flask, kind: str, describe: Describer, *, routes: Iterable[str] = (), fallback=None
) -> None:
    """Let `describe` word the references of `kind`; a message of one of `routes` that names
    none (stored before its feature noted references) reads `fallback`."""
    app.extensions.setdefault(KEY, {})[kind] = Describing(describe, frozenset(routes), fallback)


def reference(kind: str, ref_id: int | str) -> str:
    """What a handler writes on `InboundMessage.about`."""
    return f"{kind}:{ref_id}"


def _describings() -> dict[str, Describing]:
    return current_app.extensions.get(KEY, {})


def describe(
    session: Session,
    *,
    partnership_id: int,
    messages: list[InboundMessage],
    followed: dict,
    locale: str,
) -> dict[int, Context]:
    """{message id: its context} for the messages that have one. `followed` holds, by
    message id, the broadcast a message came after (an ordinary message then answers it):
    anything with the `body` the contact got and its `broadcast_id`."""
    describings = _describings()
    wanted: dict[str, set[str]] = {}
    for message in messages:
        kind, _sep, ref_id = (message.about or "").partition(":")
        if kind in describings and ref_id:
            wanted.setdefault(kind, set()).add(ref_id)
    words = {
        kind: describings[kind].describe(
            session, partnership_id=partnership_id, ids=sorted(ids), locale=locale
        )
        for kind, ids in sorted(wanted.items())
    }
    found = {}
    for message in messages:
        context = _context(message, describings, words, followed.get(message.id))
        if context is not None:
            found[message.id] = context
    return found


def _context(message, describings, words, broadcast) -> Context | None:
    route = message.route
    if route == "inbox":
        if broadcast is None:
            return None
        return Context(
            _("Answer to the broadcast “%(text)s”", text=_shortened(broadcast.body)),
            broadcast.broadcast_id,
        )
    kind, _sep, ref_id = (message.about or "").partition(":")
    if ref_id in words.get(kind, {}):
        return Context(words[kind][ref_id])
    if route in CHANNEL_KEYWORDS or route in registry().entries:
        word = (message.body or "").split()[:1]
        return Context(_("Keyword %(word)s", word=word[0].upper() if word else route.upper()))
    if route in INVITATION_ANSWERS:
        return Context(_("Answer to the invitation to join"))
    if route in CHOICES:
        # LANG alone, or the number picked from the menu of languages or partnerships.
        return Context(_("Choice of language") if route == "lang" else _("Choice of partnership"))
    for describing in describings.values():
        if route in describing.routes and describing.fallback:
            return Context(str(describing.fallback))
    return Context(_("Answered automatically"))


def _shortened(text: str) -> str:
    text = " ".join(text.split())
    if len(text) <= SHOWN_CHARACTERS:
        return text
    return text[: SHOWN_CHARACTERS - 1].rstrip() + "…"
