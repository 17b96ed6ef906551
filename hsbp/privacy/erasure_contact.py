"""Erasing an SMS contact's data in one partnership (or in the rows of no partnership), table
by table, and removing the number itself.

Rows that aggregates count (a ballot, a score, a message sent) stay, without the person: in
a partnership the contact leaves while others keep them, those rows move to a stand-in, a
contact row with no number made for this erasure, so nothing ties them to the live contact;
when the contact row itself is pseudonymised, they stay on it. Free texts are blanked or
replaced by a fixed placeholder; conversations under way end.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from hsbp.community.models import Ballot, CheckAnswer, TalkState
from hsbp.community.models import Talk as CommunityTalk
from hsbp.consent.models import Consent
from hsbp.consultations import answering
from hsbp.consultations.models import (
    Answer,
    Consultation,
    Participation,
    Response,
    ResponseState,
)
from hsbp.db import utcnow
from hsbp.monitoring.poll_models import PollReply, ReplyState
from hsbp.monitoring.pulse_models import PulseComment, PulseResponse, PulseTalk
from hsbp.monitoring.pulse_models import TalkState as PulseTalkState
from hsbp.privacy.erasure_common import BLANK, Tally, erased_hash, filled, removed_text, without
from hsbp.privacy.erasure_grievances import erase_grievance, grievances_of_contact
from hsbp.privacy.registry import parts as registered_parts
from hsbp.sms.models import (
    ConsentEvent,
    Contact,
    ContactMembership,
    InboundMessage,
    OutboundMessage,
    OutboundStatus,
)

# Participation states of a conversation not finished: it ends as partial.
OPEN_PARTICIPATION = ("waiting", "invited", "in_progress")


@dataclass
class ContactScope:
    """One pass of a contact's erasure: the rows of one partnership, or (partnership_id
    None) the channel's rows of no partnership. `stand_in` is the contact the rows kept for
    counts end on: the contact itself when it is pseudonymised, else a fresh one."""

    contact: Contact
    partnership_id: int | None
    stand_in: int | None
    # What replaces the number's hash on the messages it sent.
    token: str
    locale: str | None
    # The person's name and number, as they may appear in texts that stay (hsbp.privacy.
    # erasure_common.needles).
    searched: list[str]
    # An outgoing row never touched here: the last SMS of an erasure asked by SMS.
    keep_outbound_id: int | None = None

    def here(self, column):
        return column.is_(None) if self.partnership_id is None else column == self.partnership_id


def stand_in(session: Session) -> Contact:
    """A contact with no number, standing in for an erased one where rows must keep a
    contact (a ballot, a message sent); it can receive nothing."""
    row = Contact(
        phone=BLANK, phone_hash=erased_hash(), locale=None, opted_out=True, erased_at=utcnow()
    )
    session.add(row)
    session.flush()
    return row


def erase_contact_rows(session: Session, scope: ContactScope, tally: Tally) -> None:
    """Every table's part, in one partnership or in the rows of no partnership."""
    _messages(session, scope, tally)
    if scope.partnership_id is None:
        return
    _memberships_and_consent(session, scope, tally)
    _consultations(session, scope, tally)
    _community(session, scope, tally)
    _health(session, scope, tally)
    for grievance in grievances_of_contact(
        session, contact=scope.contact, partnership_id=scope.partnership_id
    ):
        erase_grievance(session, grievance, tally=tally, searched=scope.searched)
    for part in registered_parts():
        part.erase(session, scope, tally)


def _move(scope: ContactScope) -> dict:
    moving = scope.stand_in is not None and scope.stand_in != scope.contact.id
    return {"contact_id": scope.stand_in} if moving else {}


def _keep_or_move(session, tally: Tally, scope: ContactScope, key: str, model, where) -> None:
    """Rows kept for counts: counted, and moved to the stand-in when there is one."""
    moved = _move(scope)
    if moved:
        tally.change(session, key, model, where, moved)
    else:
        tally.count(session, key, model, where)


def _messages(session: Session, scope: ContactScope, tally: Tally) -> None:
    c = scope.contact
    received = [
        InboundMessage.contact_id == c.id,
        scope.here(InboundMessage.partnership_id),
        InboundMessage.route != "",  # one not acted on yet is the person's next message
    ]
    values = {"body": BLANK, "confidential": True, "in_inbox": False, "body_removed_at": tally.now}
    if _move(scope):
        # Leaving this partnership only: its rows keep neither the number nor its hash.
        values.update(from_phone=BLANK, from_hash=scope.token, **_move(scope))
    tally.change(session, "messages_received", InboundMessage, received, values)
    sent = [OutboundMessage.contact_id == c.id, scope.here(OutboundMessage.partnership_id)]
    if scope.keep_outbound_id is not None:
        sent.append(OutboundMessage.id != scope.keep_outbound_id)
    # A message not sent yet never will be: its number is going, or its partnership is.
    tally.change(
        session,
        None,
        OutboundMessage,
        [*sent, OutboundMessage.status == OutboundStatus.QUEUED],
        {"status": OutboundStatus.CANCELLED, "error_message": "erased"},
    )
    tally.change(
        session,
        "messages_sent",
        OutboundMessage,
        sent,
        {"body": BLANK, "confidential": True, "body_removed_at": tally.now, **_move(scope)},
    )
    events = [ConsentEvent.contact_id == c.id, scope.here(ConsentEvent.partnership_id)]
    tally.change(session, "consent_records", ConsentEvent, events, {"note": BLANK, **_move(scope)})


def _memberships_and_consent(session: Session, scope: ContactScope, tally: Tally) -> None:
    c, pid = scope.contact, scope.partnership_id
    tally.change(
        session,
        "memberships",
        ContactMembership,
        [ContactMembership.contact_id == c.id, ContactMembership.partnership_id == pid],
    )
    tally.change(
        session,
        "consent_records",
        Consent,
        [Consent.contact_id == c.id, Consent.partnership_id == pid],
    )


def _consultations(session: Session, scope: ContactScope, tally: Tally) -> None:
    c = scope.contact
    here = select(Consultation.id).where(Consultation.partnership_id == scope.partnership_id)
    asked = [Participation.contact_id == c.id, Participation.consultation_id.in_(here)]
    unfinished = [*asked, Participation.state.in_(OPEN_PARTICIPATION)]
    pointed = list(
        session.scalars(
            select(Participation.response_id).where(
                *unfinished, Participation.response_id.is_not(None)
            )
        )
    )
    response_ids = list(
        session.scalars(
            select(Response.id).where(
                Response.contact_id == c.id, Response.consultation_id.in_(here)
            )
        )
    )
    if not tally.dry:
        # Answers given so far are kept as a partial response, as when a conversation is
        # left unanswered (an anonymous one's, which name nobody, included).
        for response in session.scalars(
            select(Response).where(
                Response.id.in_([*pointed, *response_ids]),
                Response.state == ResponseState.IN_PROGRESS,
            )
        ):
            answering.finish_response(session, response, partial=True)
        tally.change(
            session,
            None,
            Participation,
            unfinished,
            {"state": "partial", "current_question_id": None, "response_id": None, "reprompts": 0},
        )
    erase_answer_texts(session, response_ids, tally=tally, locale=scope.locale)
    tally.change(session, "consultation_participations", Participation, asked, {"contact_id": None})
    if response_ids:
        tally.change(
            session,
            "consultation_responses",
            Response,
            [Response.id.in_(response_ids)],
            {"contact_id": None, "participant_id": None},
        )


def erase_answer_texts(
    session: Session, response_ids: list[int], *, tally: Tally, locale: str | None
) -> None:
    """The written answers of these responses become the placeholder, and the SMS they
    came from is dropped; choices and numbers stay, for the results."""
    if not response_ids:
        return
    mine = Answer.response_id.in_(response_ids)
    tally.change(
        session,
        "consultation_answers",
        Answer,
        [mine, Answer.text.is_not(None), filled(Answer.text)],
        {"text": removed_text(locale)},
    )
    tally.change(session, None, Answer, [mine, Answer.raw.is_not(None)], {"raw": None})


def _community(session: Session, scope: ContactScope, tally: Tally) -> None:
    c, pid = scope.contact, scope.partnership_id
    talks = [CommunityTalk.contact_id == c.id, CommunityTalk.partnership_id == pid]
    tally.change(
        session,
        None,
        CommunityTalk,
        [*talks, CommunityTalk.state.in_((TalkState.WAITING, TalkState.ASKED))],
        {"state": TalkState.ENDED},
    )
    for model in (Ballot, CheckAnswer):
        where = [model.contact_id == c.id, model.partnership_id == pid]
        _keep_or_move(session, tally, scope, "votes_and_checks", model, where)
    if _move(scope):
        tally.change(session, None, CommunityTalk, talks, _move(scope))


def _health(session: Session, scope: ContactScope, tally: Tally) -> None:
    """Pulses and SMS polls: scores stay (they never named anyone), the answers of a
    conversation not finished and its comment go."""
    c, pid = scope.contact, scope.partnership_id
    talks = [PulseTalk.contact_id == c.id, PulseTalk.partnership_id == pid]
    tally.change(
        session,
        None,
        PulseTalk,
        [*talks, PulseTalk.state.in_((PulseTalkState.WAITING, PulseTalkState.IN_PROGRESS))],
        {"state": PulseTalkState.ENDED},
    )
    tally.change(
        session,
        "pulse_and_polls",
        PulseTalk,
        talks,
        {"answers": {}, "comment": BLANK, **_move(scope)},
    )
    replies = [PollReply.contact_id == c.id, PollReply.partnership_id == pid]
    tally.change(
        session,
        None,
        PollReply,
        [*replies, PollReply.state.in_((ReplyState.WAITING, ReplyState.ASKED))],
        {"state": ReplyState.ENDED},
    )
    _keep_or_move(session, tally, scope, "pulse_and_polls", PollReply, replies)
    responses = [PulseResponse.contact_id == c.id, PulseResponse.partnership_id == pid]
    _keep_or_move(session, tally, scope, "pulse_and_polls", PulseResponse, responses)
    scrub_comments(session, partnership_id=pid, searched=scope.searched, tally=tally)


def scrub_comments(
    session: Session, *, partnership_id: int, searched: list[str], tally: Tally
) -> None:
    """Pulse comments keep no link to who wrote them, so none is the person's to take; one
    that names them (anyone's) loses their name or number."""
    if not searched:
        return
    for comment in session.scalars(
        select(PulseComment).where(PulseComment.partnership_id == partnership_id)
    ):
        kept = without(comment.text, searched)
        if kept != comment.text:
            tally.add("pulse_and_polls", 1)
            if not tally.dry:
                comment.text = kept


def remove_number(session: Session, *, contact: Contact, hashes: list[str], token: str) -> int:
    """The number leaves every message it sent (whatever the partnership) and the contact
    row: its hash becomes `token`, random, so the number may join again as a new person.
    The row stays, with what counts still need. Returns how many messages lost it.

    Side effects: the messages' sender and hash; the contact's number, hash, language and
    pending question; it can receive nothing (opted out) and is marked erased."""
    sent = [
        or_(
            InboundMessage.contact_id == contact.id,
            and_(InboundMessage.contact_id.is_(None), InboundMessage.from_hash.in_(hashes)),
        ),
        InboundMessage.route != "",
    ]
    n = Tally(dry=False, now=contact.created_at).change(
        session, None, InboundMessage, sent, {"from_phone": BLANK, "from_hash": token}
    )
    contact.phone, contact.phone_hash = BLANK, token
    contact.locale, contact.awaiting, contact.last_options_reply_at = None, "", None
    contact.opted_out = True
    return n
