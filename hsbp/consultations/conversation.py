"""The SMS conversation of a consultation (a handler of the SMS channel).

A contact answers one consultation at a time, one question per message, in their own
language. Inviting (hsbp.consultations.invitations) starts the conversation at once (a short
intro and the first question), or leaves it waiting behind the one the contact is answering
now; finishing one starts the next. Each reply is read against the question it answers
(numbers or labels, the skip word), a reply that fits nothing is asked again twice and then
skipped, and skip logic picks the next question. A periodic task closes due consultations
and forgotten conversations, invites contacts who joined the audience since, and sends
reminders, in the partnership's daytime only.

Anonymity: the response is created without identity and, when the conversation ends, the
participation forgets which response was its own. Every message of an anonymous
consultation's conversation, both ways, is confidential (hsbp.sms.handlers): the SMS pages
never show it, and the message log keeps no text of it once the answer is stored. A reply
that fits no question is not put in the inbox either: its words are kept on the skipped
answer, with the answers and not beside the number.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from flask import Flask, current_app
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from hsbp.consultations import answering, replies, sms_context
from hsbp.consultations.models import (
    Consultation,
    Participation,
    Question,
    QuestionKind,
    Response,
    Status,
)
from hsbp.consultations.sms_format import render_question
from hsbp.db import utcnow
from hsbp.errors import ServiceError
from hsbp.i18n import translated
from hsbp.mapping.models import Participant
from hsbp.partnerships.models import Partnership
from hsbp.sms import contacts, local_texts, sending
from hsbp.sms.handlers import Incoming, confidential_texts, registry
from hsbp.sms.models import Contact
from hsbp.sms.texts import N_, NP_, catalog, fold, in_language

SKIP_KEYWORD = NP_("SMS keyword to skip a consultation question; comma-separated", "SKIP")
TEXTS = {
    "intro": N_("%(title)s: a few questions by SMS. Reply %(skip)s to skip a question."),
    "choose": N_("Please answer with one of the numbers."),
    "number_between": N_("Please answer with a number from %(low)s to %(high)s."),
    "number": N_("Please answer with a number."),
    "write": N_("Please write your answer."),
    "skipped": N_("We skipped that question."),
    "thanks": N_("Thank you! Your answers are saved."),
    "closed": N_("This consultation has closed. Thank you for taking part."),
    "reminder": N_("Reminder:"),
}

# Participation states of an SMS conversation.
WAITING = "waiting"
IN_PROGRESS = "in_progress"
COMPLETE = "complete"
PARTIAL = "partial"

SMS = "sms"
SMS_KIND = "consultation"  # outgoing rows that are not replies: intros, reminders
MAX_REPROMPTS = 2
TITLE_LENGTH = 60  # keeps the intro one SMS in most languages


def text(locale: str, key: str, **values) -> str:
    """Built-in text `key` in the contact's language."""
    return in_language(locale, TEXTS[key], **values)


def skip_words(locale: str) -> list[str]:
    """The words that skip a question in `locale`, the one to show first."""
    context, words = SKIP_KEYWORD
    return [w.strip() for w in catalog(locale).pgettext(context, words).split(",") if w.strip()]


def _skip_table(locale: str) -> frozenset[str]:
    # English always works too, as the channel's keywords do. Cached by the words, not the
    # locale: a local language's words are a partnership's own (hsbp.sms.local_texts).
    return _folded(tuple(skip_words("en") + skip_words(locale)))


@functools.cache
def _folded(words: tuple[str, ...]) -> frozenset[str]:
    return frozenset(fold(word) for word in words)


@dataclass
class Talk:
    """One contact's conversation about one consultation, in the contact's language."""

    session: Session
    participation: Participation
    consultation: Consultation
    contact: Contact
    locale: str
    fallback: str  # the partnership's default language, for texts not written in `locale`

    @classmethod
    def of(cls, session: Session, participation: Participation, contact: Contact) -> Talk:
        consultation = session.get(Consultation, participation.consultation_id)
        fallback = session.get(Partnership, consultation.partnership_id).default_locale
        locale = local_texts.contact_language(
            session, contact=contact, partnership_id=consultation.partnership_id
        )
        return cls(session, participation, consultation, contact, locale, fallback)

    def text(self, key: str, **values) -> str:
        return text(self.locale, key, **values)

    def question_message(self, question: Question) -> str:
        active = answering.active_questions(self.consultation)
        number = active.index(question) + 1
        return render_question(question, self.locale, number, len(active), self.fallback)

    def response(self) -> Response | None:
        if self.participation.response_id is None:
            return None
        return self.session.get(Response, self.participation.response_id)


def handle_message(session: Session, incoming: Incoming) -> list[str] | None:
    """The SMS channel's conversation handler: take a message from a contact answering a
    consultation of the partnership it reached; None lets the message go on to the inbox."""
    contact = incoming.contact
    if contact is None or incoming.partnership_id is None:
        return None
    participation = session.scalar(
        select(Participation).where(
            Participation.contact_id == contact.id, Participation.state == IN_PROGRESS
        )
    ) or _cut_off_by_closing(session, contact, incoming.partnership_id)
    if participation is None:
        return None
    talk = Talk.of(session, participation, contact)
    if talk.consultation.partnership_id != incoming.partnership_id:
        return None
    replies = None
    if talk.consultation.status == Status.OPEN and participation.state == IN_PROGRESS:
        replies = _answer(talk, incoming)
    elif talk.consultation.status == Status.CLOSED:
        replies = _tell_closed(talk, incoming)
    if replies is not None and talk.consultation.anonymous:
        incoming.mark_confidential()
    return replies


def _cut_off_by_closing(session: Session, contact: Contact, partnership_id: int):
    """A conversation the closing of its consultation ended and the contact has not been
    told about yet (it keeps the question it stopped at until then)."""
    return session.scalar(
        select(Participation)
        .join(Consultation, Consultation.id == Participation.consultation_id)
        .where(
            Participation.contact_id == contact.id,
            Participation.state == PARTIAL,
            Participation.current_question_id.is_not(None),
            Consultation.partnership_id == partnership_id,
            Consultation.status == Status.CLOSED,
        )
        .order_by(Participation.last_activity_at.desc())
        .limit(1)
    )


def _answer(talk: Talk, incoming: Incoming) -> list[str] | None:
    participation = talk.participation
    question_id = participation.current_question_id
    question = talk.session.get(Question, question_id) if question_id else None
    if question is None or question.retired:
        # Edited or removed while this contact was answering: the reply was to a wording
        # that is gone, so it is not recorded; the conversation goes on from where it stands.
        return _ask_next(talk, incoming.partnership_id)
    sms_context.note(incoming.message, talk.consultation, question)
    if _written_before_asked(participation, incoming):
        # Sent before the current question reached the phone: a repeat of the previous
        # answer (two taps on send), not an answer to a question not seen yet.
        return [] if talk.response() is not None else None
    reply = incoming.text.strip()
    note = None
    values = _read(question, reply, talk.locale, talk.fallback)
    if values is None or not _recorded(talk, question, values, raw=reply):
        # Not an answer: maybe something a person must read, unless the consultation is
        # anonymous (the words of the last try are kept on the skipped answer).
        incoming.message.in_inbox = not talk.consultation.anonymous
        if participation.reprompts < MAX_REPROMPTS:
            participation.reprompts += 1
            participation.last_activity_at = utcnow()
            return [f"{_retry_text(talk, question)} {talk.question_message(question)}"]
        note = talk.text("skipped")
        _recorded(talk, question, {"skipped": True}, raw=reply)
    return _ask_next(talk, incoming.partnership_id, note)


def _written_before_asked(participation: Participation, incoming: Incoming) -> bool:
    # A re-prompted question was asked before too, so a reply written in between is its own.
    asked_at = participation.last_activity_at
    received_at = incoming.message.received_at
    return (
        participation.reprompts == 0
        and None not in (asked_at, received_at)
        and (received_at < asked_at)
    )


def _read(question: Question, reply: str, locale: str, fallback: str) -> dict | None:
    if fold(reply) in _skip_table(locale):
        return {"skipped": True}
    return replies.read_reply(question, reply, locale, fallback)


def _recorded(talk: Talk, question: Question, values: dict, *, raw: str) -> bool:
    """Store an answer; False when it does not fit the question after all. One already
    there (a repeated or racing reply) counts once and the conversation goes on."""
    response = talk.response() or _start_response(talk)
    try:
        answering.record_answer(talk.session, response, question, raw=raw, **values)
    except answering.AlreadyAnswered:
        return True
    except ServiceError:
        return False
    return True


def _start_response(talk: Talk) -> Response:
    """The response, made at the first answer so that people who never reply leave no
    empty ones, with the constituency of the contact's mapped participant."""
    session, participation = talk.session, talk.participation
    membership = contacts.membership(
        session, contact=talk.contact, partnership_id=talk.consultation.partnership_id
    )
    participant_id = membership.participant_id if membership else None
    participant = session.get(Participant, participant_id) if participant_id else None
    response = answering.start_response(
        session,
        talk.consultation,
        channel=SMS,
        locale=talk.locale,
        sector=participant.sector if participant else participation.sector,
        locality=participant.locality if participant else "",
        tag_ids=[tag.id for tag in participant.tags] if participant else (),
        contact_id=talk.contact.id,
        participant_id=participant_id,
    )
    participation.response_id = response.id
    return response


def _retry_text(talk: Talk, question: Question) -> str:
    if question.kind == QuestionKind.NUMBER:
        low, high = question.minimum, question.maximum
        if low is not None and high is not None:
            return talk.text("number_between", low=_number(low), high=_number(high))
        return talk.text("number")
    if question.kind == QuestionKind.TEXT:
        return talk.text("write")
    return talk.text("choose")


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _ask_next(talk: Talk, replying_for: int | None, note: str | None = None) -> list[str]:
    """The next question per skip logic, or the thanks, the end, and the next consultation."""
    participation = talk.participation
    response = talk.response()
    answers = answering.answers_of(talk.session, response) if response is not None else {}
    question = answering.next_question(talk.consultation, answers)
    participation.reprompts = 0
    participation.last_activity_at = utcnow()
    if question is not None:
        participation.current_question_id = question.id
        return [with_note(note, talk.question_message(question))]
    if response is not None:
        answering.finish_response(talk.session, response)
    _end(talk, COMPLETE)
    replies = [with_note(note, talk.text("thanks"))]
    return replies + start_next(talk.session, talk.contact, replying_for=replying_for)


def _tell_closed(talk: Talk, incoming: Incoming) -> list[str]:
    """Say once that the consultation closed; the message itself goes to the inbox, as it
    may be about something else, unless the consultation is anonymous: then it is as likely
    a late answer, and a person who meant something else writes again."""
    if talk.participation.state == IN_PROGRESS:
        close_partial(talk)
    talk.participation.current_question_id = None
    incoming.message.in_inbox = not talk.consultation.anonymous
    replies = [talk.text("closed")]
    return replies + start_next(talk.session, talk.contact, replying_for=incoming.partnership_id)


def close_partial(talk: Talk, *, keep_place: bool = True) -> None:
    response = talk.response()
    if response is not None:
        answering.finish_response(talk.session, response, partial=True)
    _end(talk, PARTIAL, keep_place=keep_place)


def _end(talk: Talk, state: str, *, keep_place: bool = False) -> None:
    participation = talk.participation
    participation.state = state
    participation.reprompts = 0
    if not keep_place:
        participation.current_question_id = None
    if talk.consultation.anonymous:
        # Nothing may link this person to their answers once they are given.
        participation.response_id = None


# Other kinds of SMS conversation a consultation waits behind (a community vote or check,
# hsbp.community), added in create_app: clause(contact_id) -> an SQL condition.
BUSY_KEY = "hsbp.consultations.busy_elsewhere"


def also_busy(app: Flask, clause) -> None:
    clauses = app.extensions.setdefault(BUSY_KEY, [])
    if clause not in clauses:
        clauses.append(clause)


def busy_elsewhere(session: Session, contact_id: int) -> bool:
    """Whether the contact is answering another kind of SMS conversation (`also_busy`)."""
    clauses = current_app.extensions.get(BUSY_KEY, ())
    condition = or_(*(clause(contact_id) for clause in clauses)) if clauses else None
    return condition is not None and bool(session.scalar(select(condition)))


def start_next(session: Session, contact: Contact, *, replying_for: int | None = None):
    """Start the contact's oldest waiting conversation, if any (none while they answer
    another kind: `busy_elsewhere`). Its texts are returned as replies when it belongs to
    `replying_for` (the partnership the contact is writing to), else sent from its own
    partnership's number."""
    if contact.opted_out or busy_elsewhere(session, contact.id):
        return []
    participation = session.scalar(
        select(Participation)
        .join(Consultation, Consultation.id == Participation.consultation_id)
        .where(
            Participation.contact_id == contact.id,
            Participation.state == WAITING,
            Consultation.status == Status.OPEN,
        )
        .order_by(Participation.invited_at, Participation.id)
        .limit(1)
    )
    if participation is None:
        return []
    talk = Talk.of(session, participation, contact)
    texts = begin(talk)
    if talk.consultation.partnership_id == replying_for:
        return texts
    send_texts(talk, texts)
    return []


def start_waiting(session: Session, contact: Contact, replying_for: int | None) -> list[str]:
    """Start a consultation that waited behind another kind of conversation, now ended (an
    `hsbp.monitoring.sms_turns.on_free` starter)."""
    return start_next(session, contact, replying_for=replying_for)


def begin(talk: Talk) -> list[str]:
    """Make the participation the contact's conversation; the intro and first question."""
    first = answering.next_question(talk.consultation, {})
    if first is None:
        return []  # every question was removed after opening: nothing to ask
    participation = talk.participation
    participation.state = IN_PROGRESS
    participation.current_question_id = first.id
    participation.reprompts = 0
    participation.last_activity_at = utcnow()
    texts = opening(talk.consultation, talk.locale, talk.fallback)
    # Returned as replies to a message of another conversation, they stay confidential.
    return confidential_texts(texts) if talk.consultation.anonymous else texts


def opening(consultation: Consultation, locale: str, fallback: str) -> list[str]:
    """The intro and first question a contact writing `locale` gets when invited (what the
    invitation's preview shows); none when every question was removed."""
    first = answering.next_question(consultation, {})
    if first is None:
        return []
    title = translated(consultation.title, locale=locale, fallback=fallback)
    intro = text(locale, "intro", title=_shortened(title), skip=skip_words(locale)[0])
    active = answering.active_questions(consultation)
    question = render_question(first, locale, active.index(first) + 1, len(active), fallback)
    return [intro, question]


def send_texts(talk: Talk, texts: list[str]) -> None:
    """Send texts that answer no message (intros, reminders) from the partnership's number;
    confidential in an anonymous consultation."""
    partnership_id = talk.consultation.partnership_id
    settings = contacts.settings_of(talk.session, partnership_id)
    if settings is None:
        return  # the partnership's number was removed: nobody to send from
    for body in texts:
        sending.queue_sms(
            talk.session,
            contact=talk.contact,
            body=body,
            sender=settings.sender,
            kind=SMS_KIND,
            partnership_id=partnership_id,
            confidential=talk.consultation.anonymous,
        )


def with_note(note: str | None, message: str) -> str:
    return f"{note} {message}" if note else message


def _shortened(title: str) -> str:
    return title if len(title) <= TITLE_LENGTH else title[: TITLE_LENGTH - 3].rstrip() + "..."


def init_app(app: Flask) -> None:
    """Register the consultation conversation with the SMS channel."""
    registry(app).conversation("consultation", handle_message)
    sms_context.init_app(app)  # the inbox's threads say which question a message answered
