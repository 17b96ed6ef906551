"""Partnership-health pulses by SMS (a handler of the SMS channel).

When a round is opened with SMS, every opted-in contact of the partnership gets, in their
own language, a short intro and then one question a message: a score 1-5 for each of the 8
dimensions, then an optional comment. Each contact's answers stay in their PulseTalk until
the conversation ends, and only then become one PulseResponse with its scores (constituency
"community"), through the writer the web uses: nothing half-written, nothing twice.

One conversation at a time per contact, across consultations, pulses and polls: a contact
busy answering something else waits, and is asked when free (at the end of the other
conversation of this module, or by the periodic task in hsbp.monitoring.tasks).

Scores and the comment are anonymous by design, so the whole conversation is confidential
(hsbp.sms.handlers): every message the handler takes and every text it sends is shown on no
SMS page and blanked in the message log once stored, and nothing of it goes to the inbox (a
reply that is no score after two re-prompts skips the question, as SKIP does).
"""

from __future__ import annotations

import contextlib
import re

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from hsbp import audit
from hsbp.consultations.conversation import skip_words
from hsbp.db import utcnow
from hsbp.errors import ServiceError
from hsbp.monitoring import pulses
from hsbp.monitoring.pulse_models import (
    DIMENSIONS,
    PulseResponse,
    PulseRound,
    PulseTalk,
    TalkState,
)
from hsbp.monitoring.sms_turns import busy, locale_of, send, start_next
from hsbp.sms import contacts
from hsbp.sms.handlers import Incoming, confidential_texts
from hsbp.sms.models import Contact, ContactMembership
from hsbp.sms.texts import N_, fold, in_language

SMS_KIND = "pulse"  # outgoing rows that answer no message: intros, first questions
MAX_REPROMPTS = 2
COMMENT_STEP = len(DIMENSIONS)

QUESTIONS = {
    "locally_driven": N_(
        "1/9 Do local people drive the partnership? Reply 1 (not at all) to 5 (fully)."
    ),
    "inclusive": N_(
        "2/9 Does the partnership include everyone? Reply 1 (not at all) to 5 (fully)."
    ),
    "forward_looking": N_(
        "3/9 Does the partnership plan for the long term? Reply 1 (not at all) to 5 (fully)."
    ),
    "trust": N_("4/9 Is the partnership built on trust? Reply 1 (not at all) to 5 (fully)."),
    "sharing": N_("5/9 Do partners share information? Reply 1 (not at all) to 5 (fully)."),
    "mutual_trust": N_("6/9 Do you trust the other partners? Reply 1 (not at all) to 5 (fully)."),
    "equity": N_("7/9 Are benefits shared fairly? Reply 1 (not at all) to 5 (fully)."),
    "inclusivity": N_("8/9 Are all voices heard? Reply 1 (not at all) to 5 (fully)."),
}
TEXTS = {
    "intro": N_("How is our partnership doing? 9 short questions. Reply %(skip)s to skip one."),
    "comment": N_("9/9 Any comment on the partnership? Write it, or reply %(skip)s."),
    "retry": N_("Question %(n)s/9: please reply with a number from 1 to 5, or %(skip)s."),
    "thanks": N_("Thank you! Your answers are saved."),
    "closed": N_("This partnership health round has closed. Thank you."),
}


def text(locale: str, key: str, **values) -> str:
    return in_language(locale, TEXTS[key], **values)


def is_skip(reply: str, locale: str) -> bool:
    return fold(reply) in {fold(w) for w in skip_words("en") + skip_words(locale)}


def read_score(reply: str) -> int | None:
    """1-5 from "4", " 4. ", "٤": spaces and punctuation around a single digit are tolerated
    (int() reads Arabic-Indic digits as well as ASCII ones)."""
    plain = re.sub(r"[\W_]", "", reply)
    return int(plain) if len(plain) == 1 and plain.isdecimal() and 1 <= int(plain) <= 5 else None


def round_opened(session: Session, *, actor, pulse_round: PulseRound) -> None:
    """Pulses' `opened` listener: a round opened with SMS asks its contacts at once."""
    if pulse_round.include_sms:
        ask_contacts(session, actor=actor, pulse_round=pulse_round)


def ask_contacts(session: Session, *, actor, pulse_round: PulseRound) -> int:
    """Ask every opted-in contact of the round's partnership: a talk each, started at once
    unless the contact is busy. Returns how many were asked. Side effects: talk rows,
    outgoing SMS rows, an audit entry."""
    if contacts.settings_of(session, pulse_round.partnership_id) is None:
        raise ServiceError(_l("Set up the partnership's SMS sender first."), field="include_sms")
    reachable = session.scalars(
        select(Contact)
        .join(ContactMembership, ContactMembership.contact_id == Contact.id)
        .where(
            ContactMembership.partnership_id == pulse_round.partnership_id,
            contacts.confirmed(),
            Contact.opted_out.is_(False),
        )
        .order_by(Contact.id)
    ).all()
    started = 0
    for contact in reachable:
        talk = PulseTalk(
            partnership_id=pulse_round.partnership_id,
            round_id=pulse_round.id,
            contact_id=contact.id,
            state=TalkState.WAITING,
        )
        session.add(talk)
        session.flush()
        if not busy(session, contact.id):
            texts = begin(session, talk, contact)
            send(session, contact, talk.partnership_id, texts, kind=SMS_KIND)
            started += 1
    audit.record(
        session,
        actor_id=actor.id if actor else None,
        action="pulse.ask_sms",
        obj=pulse_round,
        partnership_id=pulse_round.partnership_id,
        details={"asked": len(reachable), "started": started},
    )
    return len(reachable)


def begin(session: Session, talk: PulseTalk, contact: Contact) -> list[str]:
    """Make the talk the contact's conversation: the intro and the first question."""
    locale = locale_of(session, contact, talk.partnership_id)
    talk.state = TalkState.IN_PROGRESS
    talk.step = 0
    talk.reprompts = 0
    talk.last_activity_at = utcnow()
    intro = text(locale, "intro", skip=skip_words(locale)[0])
    return confidential_texts([intro, _question(locale, 0)])


def _question(locale: str, step: int) -> str:
    if step == COMMENT_STEP:
        return text(locale, "comment", skip=skip_words(locale)[0])
    return in_language(locale, QUESTIONS[DIMENSIONS[step]])


def handle_message(session: Session, incoming: Incoming) -> list[str] | None:
    """The SMS channel's conversation handler: a contact answering a round of the partnership
    the message reached, or writing after it closed (told once). None passes it on."""
    contact = incoming.contact
    if contact is None or incoming.partnership_id is None:
        return None
    talk = session.scalar(
        select(PulseTalk)
        .where(
            PulseTalk.contact_id == contact.id,
            PulseTalk.partnership_id == incoming.partnership_id,
            or_(PulseTalk.state == TalkState.IN_PROGRESS, PulseTalk.tell_closed.is_(True)),
        )
        .order_by(PulseTalk.id)
        .limit(1)
    )
    if talk is None:
        return None
    incoming.mark_confidential()
    locale = locale_of(session, contact, talk.partnership_id)
    pulse_round = session.get(PulseRound, talk.round_id)
    if talk.state == TalkState.IN_PROGRESS and not pulses.is_open(pulse_round):
        pulses.close_round(session, pulse_round)  # past its closing time, not swept yet
    if talk.tell_closed:
        # Most likely a late answer, so confidential too: a person who meant something else
        # is told the round closed, and writes again.
        talk.tell_closed = False
        return [text(locale, "closed"), *start_next(session, contact, incoming.partnership_id)]
    return _answer(session, talk, pulse_round, incoming, locale)


def _answer(session, talk: PulseTalk, pulse_round, incoming: Incoming, locale: str):
    reply = incoming.text.strip()
    talk.last_activity_at = utcnow()
    if talk.step == COMMENT_STEP:
        if not is_skip(reply, locale):
            talk.comment = reply[: pulses.COMMENT_MAX]
        return _finish(session, talk, pulse_round, incoming, locale)
    if not is_skip(reply, locale):
        score = read_score(reply)
        if score is None and talk.reprompts < MAX_REPROMPTS:
            talk.reprompts += 1
            return [text(locale, "retry", n=talk.step + 1, skip=skip_words(locale)[0])]
        if score is not None:
            talk.answers = {**talk.answers, DIMENSIONS[talk.step]: score}
    talk.step += 1
    talk.reprompts = 0
    return [_question(locale, talk.step)]


def _finish(session, talk: PulseTalk, pulse_round, incoming: Incoming, locale: str):
    _write(session, talk, pulse_round)
    talk.state = TalkState.DONE
    return [text(locale, "thanks"), *start_next(session, incoming.contact, talk.partnership_id)]


def _write(session: Session, talk: PulseTalk, pulse_round: PulseRound) -> None:
    """The talk's answers as the contact's response, then forgotten here; a talk with no
    answer at all writes nothing."""
    if talk.answers or talk.comment:
        contact = session.get(Contact, talk.contact_id)
        # Answered already, or left the partnership: nothing more is counted.
        with contextlib.suppress(ServiceError):
            pulses.record_contact_scores(
                session, pulse_round, contact, dict(talk.answers), talk.comment
            )
    talk.answers, talk.comment = {}, ""


def end_round(session: Session, pulse_round: PulseRound) -> int:
    """End the round's conversations: the answered dimensions of unfinished ones recorded,
    their contacts told at their next message. Returns how many were cut off."""
    talks = session.scalars(
        select(PulseTalk).where(
            PulseTalk.round_id == pulse_round.id,
            PulseTalk.state.in_((TalkState.WAITING, TalkState.IN_PROGRESS)),
        )
    ).all()
    cut = 0
    for talk in talks:
        if talk.state == TalkState.IN_PROGRESS:
            _write(session, talk, pulse_round)
            talk.tell_closed = True
            cut += 1
        talk.state = TalkState.ENDED
    session.flush()
    return cut


def start_waiting(session: Session, contact: Contact, replying_for: int | None) -> list[str]:
    """Start the contact's oldest waiting pulse, if any (they are free: hsbp.monitoring.
    sms_turns); its texts are returned when it is of `replying_for`, else sent."""
    talk = session.scalar(
        select(PulseTalk)
        .join(PulseRound, PulseRound.id == PulseTalk.round_id)
        .where(
            PulseTalk.contact_id == contact.id,
            PulseTalk.state == TalkState.WAITING,
            PulseRound.status == pulses.RoundStatus.OPEN,
            PulseRound.closes_at > utcnow(),
        )
        .order_by(PulseTalk.invited_at, PulseTalk.id)
        .limit(1)
    )
    if talk is None:
        return []
    texts = begin(session, talk, contact)
    if talk.partnership_id == replying_for:
        return texts
    send(session, contact, talk.partnership_id, texts, kind=SMS_KIND)
    return []


def counts(session: Session, *, round_ids: list[int]) -> dict[int, tuple[int, int]]:
    """{round id: (contacts asked by SMS, contacts who answered)} in one query."""
    if not round_ids:
        return {}
    answered = (
        select(PulseResponse.round_id, func.count().label("n"))
        .where(PulseResponse.round_id.in_(round_ids), PulseResponse.contact_id.is_not(None))
        .group_by(PulseResponse.round_id)
        .subquery()
    )
    rows = session.execute(
        select(PulseTalk.round_id, func.count(), func.max(answered.c.n))
        .outerjoin(answered, answered.c.round_id == PulseTalk.round_id)
        .where(PulseTalk.round_id.in_(round_ids))
        .group_by(PulseTalk.round_id)
    )
    return {round_id: (asked, int(n or 0)) for round_id, asked, n in rows}
