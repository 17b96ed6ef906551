"""One-question SMS conversations (votes, checks): who is asked when, reading the reply, the
thanks, changes until closing, and the one message after closing.

The engine knows no subject. A vote or a check registers an `Adapter` under its kind
(`register(app, "vote", adapter)`, in create_app) and invites contacts with `invite`; the
engine keeps one `Talk` per contact and subject and does the rest:

- a contact has at most one vote-or-check question asked at a time, and none while answering
  anything else by SMS (a consultation, a pulse, a poll: `hsbp.monitoring.sms_turns.busy`,
  which counts an asked talk too, so those wait behind a vote as well); a waiting talk
  starts when the contact is free (`start_waiting`, an `sms_turns.on_free` starter, and the
  periodic task in hsbp.community.tasks);
- only contacts who confirmed the partnership and never sent STOP are asked, from the
  partnership's sender, in their language (the subject's text falls back to the
  partnership's default language);
- `handle_message` (a confidential conversation handler of the SMS channel: an answer next
  to a phone is shown on no page) reads the reply to the asked talk with the adapter: a
  reply that fits nothing is asked again twice, then the talk ends without an answer and
  the message goes on (to the inbox); an answer is recorded, thanked, and whatever waits
  next starts;
- `handle_correction` (registered after every other handler, so a bare digit another
  feature asked for since goes there first) lets a contact change the answer of their
  latest answered talk while its subject is open;
- `end` (called by the adapter when its subject closes) ends the subject's talks: a contact
  asked and not answered yet is told once, at their next message, that it closed; that
  message is not counted.

Nothing is counted twice: one talk per contact and subject (unique), the adapter keeps one
answer per contact (its own unique constraint), and the SMS router reads a number's messages
one at a time, in order.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from flask import Flask, current_app
from sqlalchemy import exists, func, select, update
from sqlalchemy.orm import Session

from hsbp.community.models import Talk, TalkState
from hsbp.consultations.conversation import WAITING as CONSULTATION_WAITING
from hsbp.consultations.models import Consultation, Participation
from hsbp.consultations.models import Status as ConsultationStatus
from hsbp.db import utcnow
from hsbp.monitoring import sms_turns
from hsbp.partnerships.models import Partnership
from hsbp.sms import contacts
from hsbp.sms.handlers import Incoming, confidential_texts
from hsbp.sms.models import Contact, ContactMembership
from hsbp.sms.texts import N_, in_language

ADAPTERS_KEY = "hsbp.community.talk_adapters"
MAX_REPROMPTS = 2
CHUNK = 500  # ids per IN (...) list: SQLite's limit on bound parameters is far above it
TEXTS = {
    "thanks": N_("Thank you! Your answer is saved. Reply again to change it."),
    "changed": N_("Thank you! Your answer is changed."),
    "closed": N_("This question has closed. Your reply was not counted."),
}


def text(locale: str, key: str, **values) -> str:
    return in_language(locale, TEXTS[key], **values)


class Adapter:
    """What a subject kind (votes, checks) tells the engine. Subclass it, override the
    methods that raise, and register an instance with `register`. Every method gets the
    session and the subject's id (a `Vote.id`, a `Check.id`)."""

    def question(self, session: Session, subject_id: int, *, locale: str, fallback: str) -> str:
        """The SMS question, one segment, in `locale` (a contact's language, possibly a local
        one) else `fallback` (the partnership's default)."""
        raise NotImplementedError

    def read(self, session: Session, subject_id: int, reply: str) -> Any:
        """The value a reply stands for, or None when it fits nothing."""
        raise NotImplementedError

    def retry(self, session: Session, subject_id: int, *, reply: str, locale: str) -> str:
        """The short SMS that asks again after a reply that fits nothing, saying what fits."""
        raise NotImplementedError

    def record(self, session: Session, subject_id: int, *, contact: Contact, value: Any) -> bool:
        """Store the contact's answer (create, or change the one there). True when it
        changed an earlier answer."""
        raise NotImplementedError

    def is_open(self, session: Session, subject_id: int) -> bool:
        """Whether answers are still taken (open, and not past its closing time)."""
        raise NotImplementedError

    def close(self, session: Session, subject_id: int) -> None:
        """Close a subject found past its closing time; it must call `end`."""
        raise NotImplementedError

    def close_due(self, session: Session, *, now) -> int:
        """Close every open subject of this kind past its closing time; how many."""
        raise NotImplementedError

    def thanks(self, session: Session, subject_id: int, *, locale: str, changed: bool) -> str:
        return text(locale, "changed" if changed else "thanks")

    def closed(self, session: Session, subject_id: int, *, locale: str) -> str:
        return text(locale, "closed")


def answer_day() -> datetime:
    """When an answer is stored: its day, not its time, so no answer can be tied to the SMS
    that carried it (votes' ballots and checks' answers alike)."""
    return utcnow().replace(hour=0, minute=0, second=0, microsecond=0)


def register(app: Flask, kind: str, adapter: Adapter) -> None:
    """Let the engine talk about subjects of `kind` ("vote" or "check": the Talk column
    `<kind>_id` names the subject)."""
    if kind not in KINDS:
        raise ValueError(f"Talks are about {', '.join(KINDS)}, not {kind!r}")
    app.extensions.setdefault(ADAPTERS_KEY, {})[kind] = adapter


def adapters(app: Flask | None = None) -> dict[str, Adapter]:
    return (app or current_app).extensions.get(ADAPTERS_KEY, {})


KINDS = {"vote": Talk.vote_id, "check": Talk.check_id}


def kind_of(talk: Talk) -> tuple[str, int]:
    """(kind, subject id) of a talk."""
    return ("vote", talk.vote_id) if talk.vote_id is not None else ("check", talk.check_id)


# Inviting and asking


def invite(
    session: Session, *, kind: str, subject_id: int, partnership_id: int, contact_ids: Iterable[int]
) -> tuple[int, int]:
    """Put the subject to these contacts: a talk each, asked at once when the contact is free,
    else waiting. Contacts who have not confirmed the partnership, who sent STOP, or who have
    a talk about this subject already are left out. Returns (invited, asked now).

    Side effects: talk rows; the question queued as a confidential SMS from the partnership's
    sender (kind `kind`) to every contact asked now."""
    column = KINDS[kind]
    wanted = sorted(set(contact_ids))
    reachable: list[Contact] = []
    for start in range(0, len(wanted), CHUNK):
        chunk = wanted[start : start + CHUNK]
        reachable += session.scalars(
            select(Contact)
            .join(ContactMembership, ContactMembership.contact_id == Contact.id)
            .where(
                Contact.id.in_(chunk),
                Contact.opted_out.is_(False),
                ContactMembership.partnership_id == partnership_id,
                contacts.confirmed(),
                ~exists().where(column == subject_id, Talk.contact_id == Contact.id),
            )
            .order_by(Contact.id)
        ).all()
    talks = [
        Talk(
            partnership_id=partnership_id,
            contact_id=contact.id,
            state=TalkState.WAITING,
            **{column.key: subject_id},
        )
        for contact in reachable
    ]
    session.add_all(talks)
    session.flush()
    asked = 0
    for talk, contact in zip(talks, reachable, strict=True):
        if not sms_turns.busy(session, contact.id):
            question = _ask(session, talk, contact)
            sms_turns.send(session, contact, partnership_id, question, kind=kind)
            asked += 1
    return len(talks), asked


def _ask(session: Session, talk: Talk, contact: Contact) -> list[str]:
    """Make the talk the contact's question; its text (confidential)."""
    kind, subject_id = kind_of(talk)
    talk.state = TalkState.ASKED
    talk.reprompts = 0
    talk.asked_at = utcnow()
    # A new question makes an earlier "it closed" notice pointless, and the next message
    # is an answer to this one.
    session.execute(
        update(Talk)
        .where(Talk.contact_id == contact.id, Talk.tell_closed.is_(True), Talk.id != talk.id)
        .values(tell_closed=False)
    )
    fallback = session.get(Partnership, talk.partnership_id).default_locale
    question = adapters()[kind].question(
        session, subject_id, locale=contact.locale or fallback, fallback=fallback
    )
    return confidential_texts([question])


def start_waiting(session: Session, contact: Contact, replying_for: int | None) -> list[str]:
    """The `sms_turns.on_free` starter: ask the contact's oldest waiting talk whose subject
    is open (waiting talks of closed subjects, or of a partnership the contact no longer
    belongs to, end). Its text is returned when it is of `replying_for`, else sent."""
    waiting = session.scalars(
        select(Talk)
        .where(Talk.contact_id == contact.id, Talk.state == TalkState.WAITING)
        .order_by(Talk.invited_at, Talk.id)
    ).all()
    for talk in waiting:
        kind, subject_id = kind_of(talk)
        member = contacts.confirmed_membership(
            session, contact=contact, partnership_id=talk.partnership_id
        )
        if member is None or not adapters()[kind].is_open(session, subject_id):
            talk.state = TalkState.ENDED
            continue
        question = _ask(session, talk, contact)
        if talk.partnership_id == replying_for:
            return question
        sms_turns.send(session, contact, talk.partnership_id, question, kind=kind)
        return []
    return []


def busy_clause(contact_id: int):
    """The SQL condition "this contact has a vote or check question asked", for
    `sms_turns.also_busy`."""
    return exists().where(Talk.contact_id == contact_id, Talk.state == TalkState.ASKED)


# Reading replies


def handle_message(session: Session, incoming: Incoming) -> list[str] | None:
    """The SMS channel's conversation handler: the reply to the vote or check question the
    contact was asked by the partnership the message reached, or their one message after it
    closed. None passes the message on."""
    contact = incoming.contact
    if contact is None or incoming.partnership_id is None:
        return None
    mine = (Talk.contact_id == contact.id, Talk.partnership_id == incoming.partnership_id)
    talk = session.scalar(
        select(Talk).where(*mine, Talk.state == TalkState.ASKED).order_by(Talk.id).limit(1)
    ) or session.scalar(
        select(Talk).where(*mine, Talk.tell_closed.is_(True)).order_by(Talk.id.desc()).limit(1)
    )
    if talk is None:
        return None
    kind, subject_id = kind_of(talk)
    adapter = adapters()[kind]
    locale = sms_turns.locale_of(session, contact, talk.partnership_id)
    if talk.state == TalkState.ASKED and not adapter.is_open(session, subject_id):
        adapter.close(session, subject_id)  # past its closing time, not swept yet
    if talk.tell_closed:
        # Most likely a late answer: not counted, and kept as confidential as one.
        talk.tell_closed = False
        later = sms_turns.start_next(session, contact, talk.partnership_id)
        return [adapter.closed(session, subject_id, locale=locale), *later]
    return _read(session, talk, adapter, incoming, locale)


def _read(session, talk: Talk, adapter: Adapter, incoming: Incoming, locale: str):
    _kind, subject_id = kind_of(talk)
    value = adapter.read(session, subject_id, incoming.text)
    if value is None:
        if talk.reprompts >= MAX_REPROMPTS:
            # Three replies that are no answer: the person is writing about something else.
            # The talk ends unanswered and the message goes on, to the inbox most likely.
            talk.state = TalkState.ENDED
            sms_turns.start_next(session, incoming.contact, replying_for=None)
            return None
        talk.reprompts += 1
        return [adapter.retry(session, subject_id, reply=incoming.text, locale=locale)]
    changed = adapter.record(session, subject_id, contact=incoming.contact, value=value)
    talk.state = TalkState.ANSWERED
    later = sms_turns.start_next(session, incoming.contact, talk.partnership_id)
    return [adapter.thanks(session, subject_id, locale=locale, changed=changed), *later]


def handle_correction(session: Session, incoming: Incoming) -> list[str] | None:
    """A new valid answer from a contact whose latest answered talk is still open changes
    that answer; after it closed, they are told so and nothing is counted. Registered after
    the other features' handlers: a bare digit another one asked for since goes there
    first. None passes the message on (to the inbox)."""
    contact = incoming.contact
    if contact is None or incoming.partnership_id is None:
        return None
    talk = session.scalar(
        select(Talk)
        .where(
            Talk.contact_id == contact.id,
            Talk.partnership_id == incoming.partnership_id,
            Talk.state == TalkState.ANSWERED,
        )
        .order_by(Talk.asked_at.desc(), Talk.id.desc())
        .limit(1)
    )
    if talk is None:
        return None
    kind, subject_id = kind_of(talk)
    adapter = adapters()[kind]
    value = adapter.read(session, subject_id, incoming.text)
    if value is None:
        return None  # not an answer: something else, for the inbox
    locale = sms_turns.locale_of(session, contact, talk.partnership_id)
    if not adapter.is_open(session, subject_id):
        return [adapter.closed(session, subject_id, locale=locale)]
    changed = adapter.record(session, subject_id, contact=contact, value=value)
    return [adapter.thanks(session, subject_id, locale=locale, changed=changed)]


# Closing and progress


def end(session: Session, *, kind: str, subject_id: int) -> int:
    """End the subject's talks when it closes: those waiting are dropped, those asked are
    told at the contact's next message. Returns how many asked talks were cut off (their
    contacts are free: what waits for them starts at their next message, or with the
    periodic task)."""
    column = KINDS[kind]
    cut = session.execute(
        update(Talk)
        .where(column == subject_id, Talk.state == TalkState.ASKED)
        .values(state=TalkState.ENDED, tell_closed=True)
        .execution_options(synchronize_session="fetch")
    ).rowcount
    session.execute(
        update(Talk)
        .where(column == subject_id, Talk.state == TalkState.WAITING)
        .values(state=TalkState.ENDED)
        .execution_options(synchronize_session="fetch")
    )
    return cut


def progress(session: Session, *, kind: str, subject_ids: list[int]) -> dict[int, dict[str, int]]:
    """{subject id: {state: talks}} in one query (states with no talk are 0)."""
    if not subject_ids:
        return {}
    column = KINDS[kind]
    found = {subject_id: dict.fromkeys(TalkState, 0) for subject_id in subject_ids}
    rows = session.execute(
        select(column, Talk.state, func.count())
        .where(column.in_(subject_ids))
        .group_by(column, Talk.state)
    )
    for subject_id, state, count in rows:
        found[subject_id][TalkState(state)] = count
    return found


def start_freed(session: Session) -> int:
    """Ask the contacts whose vote or check waits, or whose consultation waited behind one,
    and who are free now (their other conversation ended since), through
    `sms_turns.start_next`, so what waited longest of any kind starts; how many started
    something. A notice that a vote closed, still to give, is dropped once a new question
    is asked: their next message answers that."""
    waiting = set(
        session.scalars(select(Talk.contact_id).where(Talk.state == TalkState.WAITING))
    ) | set(
        session.scalars(
            select(Participation.contact_id)
            .join(Consultation, Consultation.id == Participation.consultation_id)
            .where(
                Participation.state == CONSULTATION_WAITING,
                Participation.contact_id.is_not(None),
                Consultation.status == ConsultationStatus.OPEN,
            )
        )
    )
    started = 0
    for contact_id in sorted(waiting):
        contact = session.get(Contact, contact_id)
        if contact is None or contact.opted_out or sms_turns.busy(session, contact_id):
            continue
        # Not a reply to anything: the question goes out from its partnership's number.
        sms_turns.start_next(session, contact, replying_for=None)
        if sms_turns.busy(session, contact_id):
            started += 1
            session.execute(
                update(Talk)
                .where(Talk.contact_id == contact_id, Talk.tell_closed.is_(True))
                .values(tell_closed=False)
            )
    return started


def init_app(app: Flask) -> None:
    """The engine's part of the SMS channel: an asked talk makes a contact busy, and a
    waiting one starts when they are free. The two conversation handlers are registered
    by create_app itself, each at its place in the order (`handle_message`,
    `handle_correction`)."""
    sms_turns.also_busy(app, busy_clause)
    sms_turns.on_free(app, start_waiting)
