"""The parts of a person's export, one reader per kind of data (the mapping record's is in
hsbp.privacy.subject_mapping): each reads every row of its kind in one or two statements
(never one per row), and returns plain values with stable keys: codes rather than labels,
datetimes as stored (UTC), texts the person wrote as written, and texts the partnership
wrote (questions, titles) in the export's language.

Which rows are the person's is said once, in hsbp.privacy.holdings.
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.orm import Session

from hsbp.audit import AuditEntry
from hsbp.community.models import Ballot, Check, CheckAnswer, Vote, VoteKind
from hsbp.consent import services as consent_services
from hsbp.consent.models import Consent
from hsbp.consultations.answering import choice_label, question_text
from hsbp.consultations.models import (
    CHOICE_KINDS,
    Answer,
    AnswerChoice,
    Consultation,
    Participation,
    Question,
    QuestionKind,
    Response,
)
from hsbp.grievances.models import Grievance, GrievanceEvent
from hsbp.i18n import translated
from hsbp.monitoring.poll_models import PollReply, SmsPoll
from hsbp.monitoring.pulse_models import PulseResponse, PulseRound, PulseTalk
from hsbp.privacy import holdings
from hsbp.privacy.holdings import Subject
from hsbp.sms.models import ConsentEvent, InboundMessage, OutboundMessage


class Reader:
    """What every part needs: the session, the person, the export's language and the
    partnership's default language (the fallback of texts written per language)."""

    def __init__(self, session: Session, subject: Subject, *, locale: str, fallback: str):
        self.session, self.subject = session, subject
        self.locale, self.fallback = locale, fallback

    def text(self, values: dict | None) -> str:
        return translated(values, locale=self.locale, fallback=self.fallback)


def memberships(reader: Reader) -> list[dict]:
    return [
        {
            "contact_id": contact.id,
            "status": member.status,
            "joined_at": member.joined_at,
            "confirmed_at": member.confirmed_at,
            "wants_updates": member.wants_updates,
        }
        for contact, member in reader.subject.contacts
    ]


def consent_history(reader: Reader) -> list[dict]:
    found = reader.session.scalars(
        select(ConsentEvent)
        .where(*holdings.consent_event_scope(reader.subject))
        .order_by(ConsentEvent.created_at, ConsentEvent.id)
    )
    return [
        {"at": e.created_at, "event": e.event, "channel": e.channel, "note": e.note or ""}
        for e in found
    ]


def consents(reader: Reader) -> tuple[list[dict], list[dict]]:
    """The person's current answer per purpose, and every earlier answer as the audit log
    keeps it (the row holds only the latest): two statements."""
    found = list(
        reader.session.scalars(
            select(Consent)
            .where(*holdings.consent_scope(reader.subject))
            .order_by(Consent.purpose, Consent.id)
        )
    )
    current = [
        {
            "purpose": c.purpose,
            "granted": c.granted,
            "channel": c.channel,
            "given_at": c.given_at,
            "expires_on": c.expires_on,
        }
        for c in found
    ]
    entries = reader.session.scalars(
        select(AuditEntry)
        .where(
            AuditEntry.partnership_id == reader.subject.partnership_id,
            AuditEntry.object_type == Consent.__name__,
            AuditEntry.object_id.in_([c.id for c in found]),
            AuditEntry.action.in_((consent_services.GRANT, consent_services.WITHDRAW)),
        )
        .order_by(AuditEntry.created_at, AuditEntry.id)
    )
    changes = []
    for entry in entries:
        details = entry.details or {}
        changes.append(
            {
                "at": entry.created_at,
                "purpose": details.get("purpose"),
                "granted": entry.action == consent_services.GRANT,
                "channel": details.get("channel"),
                "given_on": details.get("given_on"),
                "expires_on": details.get("expires_on"),
                "cause": details.get("cause"),
            }
        )
    return current, changes


def messages(reader: Reader) -> list[dict]:
    """Every message to and from the person in this partnership, oldest first; a body that
    retention or an erasure removed is None, with when."""
    session, subject = reader.session, reader.subject
    rows = []
    for m in session.scalars(select(InboundMessage).where(*holdings.inbound_scope(subject))):
        rows.append(("received", m.received_at, m.id, m.body, m.body_removed_at, ""))
    for m in session.scalars(select(OutboundMessage).where(*holdings.outbound_scope(subject))):
        rows.append(("sent", m.sent_at or m.created_at, m.id, m.body, m.body_removed_at, m.status))
    rows.sort(key=lambda row: (row[1], row[0], row[2]))
    return [
        {
            "direction": direction,
            "at": at,
            "body": None if removed else (body or ""),
            "body_removed_at": removed,
            "status": status,
        }
        for direction, at, _id, body, removed, status in rows
    ]


def consultations_asked(reader: Reader) -> list[dict]:
    found = reader.session.execute(
        select(Participation, Consultation.title, Consultation.anonymous)
        .join(Consultation, Consultation.id == Participation.consultation_id)
        .where(*holdings.participation_scope(reader.subject))
        .order_by(Participation.invited_at, Participation.id)
    )
    return [
        {
            "consultation": reader.text(title),
            "anonymous": anonymous,
            "channel": p.channel,
            "state": p.state,
            "invited_at": p.invited_at,
        }
        for p, title, anonymous in found
    ]


def consultation_answers(reader: Reader) -> list[dict]:
    """The person's responses to consultations that are not anonymous, each question in the
    export's language with the answer as given: three statements."""
    session = reader.session
    responses = session.execute(
        select(Response, Consultation.title)
        .join(Consultation, Consultation.id == Response.consultation_id)
        .where(*holdings.response_scope(reader.subject))
        .order_by(Response.started_at, Response.id)
    ).all()
    ids = [r.id for r, _title in responses]
    answers = session.execute(
        select(Answer, Question)
        .join(Question, Question.id == Answer.question_id)
        .where(Answer.response_id.in_(ids))
        .order_by(Answer.response_id, Question.position, Answer.id)
    ).all()
    chosen: dict[int, list[str]] = defaultdict(list)
    for answer_id, choice in session.execute(
        select(AnswerChoice.answer_id, AnswerChoice.choice)
        .where(AnswerChoice.response_id.in_(ids))
        .order_by(AnswerChoice.id)
    ):
        chosen[answer_id].append(choice)
    by_response: dict[int, list[dict]] = defaultdict(list)
    for answer, question in answers:
        by_response[answer.response_id].append(
            {
                "question": question_text(question, reader.locale, reader.fallback),
                "answer": _answer_value(reader, question, answer, chosen[answer.id]),
                "skipped": answer.skipped,
            }
        )
    return [
        {
            "consultation": reader.text(title),
            "channel": r.channel,
            "state": r.state,
            "started_at": r.started_at,
            "finished_at": r.finished_at,
            "answers": by_response[r.id],
        }
        for r, title in responses
    ]


def _answer_value(reader: Reader, question: Question, answer: Answer, choices: list[str]):
    if answer.skipped:
        return None
    if question.kind in CHOICE_KINDS:
        return [choice_label(question, c, reader.locale, reader.fallback) for c in choices]
    if question.kind == QuestionKind.NUMBER:
        number = answer.number
        return int(number) if number is not None and float(number).is_integer() else number
    return answer.text or ""


def grievances(reader: Reader, *, conflicted_partner_id: int | None) -> tuple[list[dict], int]:
    """The grievances the person filed (not anonymously) with their dated steps, and how
    many were left out because they concern the partner the exporting officer represents.
    Officers' notes are left out: they are the handling of the case, and may speak of
    others; what the person was told by SMS is among their messages."""
    found = list(
        reader.session.scalars(
            select(Grievance)
            .where(*holdings.grievance_scope(reader.subject))
            .order_by(Grievance.received_at, Grievance.id)
        )
    )
    left_out = [g for g in found if conflicted_partner_id and g.partner_id == conflicted_partner_id]
    kept = [g for g in found if g not in left_out]
    events: dict[int, list[dict]] = defaultdict(list)
    for e in reader.session.scalars(
        select(GrievanceEvent)
        .where(GrievanceEvent.grievance_id.in_([g.id for g in kept]))
        .order_by(GrievanceEvent.created_at, GrievanceEvent.id)
    ):
        events[e.grievance_id].append(
            {
                "at": e.created_at,
                "stage_from": e.stage_from,
                "stage_to": e.stage_to,
                "told_by_sms": e.told_by_sms,
            }
        )
    return [
        {
            "code": g.code,
            "channel": g.channel,
            "received_at": g.received_at,
            "acknowledged_at": g.acknowledged_at,
            "response_proposed_at": g.response_proposed_at,
            "closed_at": g.closed_at,
            "stage": g.stage,
            "category": g.category if g.assessed_at else None,
            "description": g.description or "",
            "complainant_name": g.complainant_name or "",
            "complainant_phone": g.complainant_phone or "",
            "complainant_email": g.complainant_email or "",
            "rating": g.rating,
            "identity_removed_at": g.identity_removed_at,
            "events": events[g.id],
        }
        for g in kept
    ], len(left_out)


def votes(reader: Reader) -> list[dict]:
    found = reader.session.execute(
        select(Ballot, Vote)
        .join(Vote, Vote.id == Ballot.vote_id)
        .where(*holdings.ballot_scope(reader.subject))
        .order_by(Ballot.created_at, Ballot.id)
    )
    rows = []
    for ballot, vote in found:
        options = {o.get("key"): reader.text(o.get("label")) for o in vote.options or []}
        rows.append(
            {
                "vote": reader.text(vote.title),
                "kind": vote.kind,
                "choice": ballot.choice if vote.kind != VoteKind.RANKING else None,
                "ranking": [options.get(key, key) for key in ballot.ranking or []],
                # By the day, as stored for results: the time would tie it to its SMS.
                "on": ballot.updated_at.date(),
            }
        )
    return rows


def checks(reader: Reader) -> list[dict]:
    found = reader.session.execute(
        select(CheckAnswer, Check.question)
        .join(Check, Check.id == CheckAnswer.check_id)
        .where(*holdings.check_answer_scope(reader.subject))
        .order_by(CheckAnswer.created_at, CheckAnswer.id)
    )
    return [
        {"question": reader.text(question), "answer": a.answer, "on": a.updated_at.date()}
        for a, question in found
    ]


def poll_replies(reader: Reader) -> list[dict]:
    found = reader.session.execute(
        select(PollReply, SmsPoll.question)
        .join(SmsPoll, SmsPoll.id == PollReply.poll_id)
        .where(*holdings.poll_reply_scope(reader.subject))
        .order_by(PollReply.invited_at, PollReply.id)
    )
    return [
        {
            "question": reader.text(question),
            "state": r.state,
            "value": _plain_number(r.value),
            "answered_at": r.answered_at,
        }
        for r, question in found
    ]


def _plain_number(value):
    if value is None:
        return None
    text = format(value.normalize(), "f")
    return int(text) if "." not in text else float(text)


def pulses(reader: Reader) -> list[dict]:
    """Rounds the person answered (their scores and comment are anonymous once sent, and
    are not linked to them), and a conversation under way with its answers so far."""
    session, subject = reader.session, reader.subject
    rows = [
        {
            "round": reader.text(title),
            "answered_on": response.created_at.date(),
            "in_progress": False,
            "scores": {},
            "comment": "",
        }
        for response, title in session.execute(
            select(PulseResponse, PulseRound.title)
            .join(PulseRound, PulseRound.id == PulseResponse.round_id)
            .where(*holdings.pulse_response_scope(subject))
            .order_by(PulseResponse.created_at, PulseResponse.id)
        )
    ]
    for talk, title in session.execute(
        select(PulseTalk, PulseRound.title)
        .join(PulseRound, PulseRound.id == PulseTalk.round_id)
        .where(*holdings.pulse_talk_scope(subject))
        .order_by(PulseTalk.invited_at, PulseTalk.id)
    ):
        rows.append(
            {
                "round": reader.text(title),
                "answered_on": None,
                "in_progress": True,
                "scores": dict(talk.answers or {}),
                "comment": talk.comment or "",
            }
        )
    return rows
