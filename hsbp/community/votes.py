"""Community votes by SMS: a charter proposal, a review's decision or a ranked list put to the
partnership's contacts, one ballot each, changeable until the vote closes.

A SUPPORT vote asks "Reply 1 support, 2 object, 3 need more information"; a RANKING vote
numbers its options (at most 9, one digit each) and reads the digits in the contact's order
("312"). A partial ranking counts: the options a contact did not rank get no points (see
hsbp.community.tallies). The question is asked through the one-question engine
(hsbp.community.talks), which this module serves as the "vote" adapter.

A ballot keeps the contact's sector, locality and groups as they were at their first answer
(from their mapped participant, as a consultation's response does), and its day, not its
time: the time of a ballot would tie it to its SMS. A ranking's digits are kept in `choice`
too ("312"), so results are counted with GROUP BYs on the ballot rows (tallies).
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hsbp import audit
from hsbp.auth.models import User
from hsbp.community import talks
from hsbp.community.models import Ballot, QuestionStatus, Vote, VoteKind, VoteSubject
from hsbp.community.vote_replies import read_reply, retry_text, text
from hsbp.db import utcnow
from hsbp.errors import ServiceError
from hsbp.i18n import translated
from hsbp.mapping.models import Participant
from hsbp.partnerships.models import Partnership
from hsbp.principles import services as charter
from hsbp.principles.models import CharterStatus, CharterVersion
from hsbp.sms import contacts, encoding
from hsbp.sms.admin_common import ensure_one_sms
from hsbp.sms.broadcasts import Audience, audience_contacts
from hsbp.sms.models import Contact

audit.ACTION_LABELS.update(
    {
        "community.vote_start": _l("Put to the community by SMS"),
        "community.vote_close": _l("Community vote closed"),
    }
)
KIND = "vote"  # the talks engine's kind, and the outgoing SMS rows' kind
MAX_OPTIONS = 9
TITLE_MAX = 200
OPTION_MAX = 200
LONGEST = timedelta(days=90)
# Ballots ---------------------------------------------------------------------------------


def record_ballot(session: Session, *, vote: Vote, contact: Contact, value) -> bool:
    """The contact's answer to `vote`: a new ballot with their constituency as it is now, or
    a change of the one they gave (the constituency stays as it was). Returns True when an
    earlier, different answer was changed.

    Side effects: the ballot row (one per contact and vote: unique)."""
    if isinstance(value, tuple):
        choice = "".join(str(i + 1) for i in value)
        ranking = [vote.options[i]["key"] for i in value]
    else:
        choice, ranking = value, []
    ballot = session.scalar(
        select(Ballot).where(Ballot.vote_id == vote.id, Ballot.contact_id == contact.id)
    )
    if ballot is None:
        session.add(
            Ballot(
                partnership_id=vote.partnership_id,
                vote_id=vote.id,
                contact_id=contact.id,
                choice=choice,
                ranking=ranking,
                created_at=talks.answer_day(),
                updated_at=talks.answer_day(),
                **_constituency(session, vote.partnership_id, contact),
            )
        )
        session.flush()
        return False
    if ballot.choice == choice:
        return False
    ballot.choice, ballot.ranking = choice, ranking
    ballot.changes += 1
    ballot.updated_at = talks.answer_day()
    return True


def _constituency(session: Session, partnership_id: int, contact: Contact) -> dict:
    member = contacts.membership(session, contact=contact, partnership_id=partnership_id)
    participant = None
    if member is not None and member.participant_id is not None:
        participant = session.scalar(
            select(Participant).where(
                Participant.id == member.participant_id,
                Participant.partnership_id == partnership_id,
            )
        )
    if participant is None:
        return {"sector": "", "locality": "", "tag_ids": []}
    return {
        "sector": participant.sector or "",
        "locality": participant.locality or "",
        "tag_ids": sorted(tag.id for tag in participant.tags),
    }


# The talks engine's adapter ------------------------------------------------------------------


class VoteTalks(talks.Adapter):
    """How the one-question engine asks, reads and records a vote."""

    def question(self, session, subject_id, *, locale, fallback):
        return translated(session.get(Vote, subject_id).question, locale=locale, fallback=fallback)

    def read(self, session, subject_id, reply):
        return read_reply(session.get(Vote, subject_id), reply)

    def retry(self, session, subject_id, *, reply, locale):
        return retry_text(session.get(Vote, subject_id), reply, locale)

    def record(self, session, subject_id, *, contact, value):
        vote = session.get(Vote, subject_id)
        return record_ballot(session, vote=vote, contact=contact, value=value)

    def is_open(self, session, subject_id):
        return is_open(session.get(Vote, subject_id))

    def close(self, session, subject_id):
        close_vote(session, vote=session.get(Vote, subject_id))

    def close_due(self, session, *, now):
        return close_due(session, now=now)

    def thanks(self, session, subject_id, *, locale, changed):
        return text(locale, "changed" if changed else "thanks")

    def closed(self, session, subject_id, *, locale):
        return text(locale, "closed")


ADAPTER = VoteTalks()


# Starting and closing ----------------------------------------------------------------------


def is_open(vote: Vote) -> bool:
    return vote.status == QuestionStatus.OPEN and vote.closes_at > utcnow()


def start_vote(
    session: Session, *, actor: User, partnership: Partnership, subject: dict, fields: dict
) -> Vote:
    """Put a subject to the audience by SMS.

    subject: {"charter_version": CharterVersion} (proposed), {"decision": Decision} or
    {"consultation": Consultation | None} (a ranked list). fields: title and question
    {locale: text} (the default language required; each question one SMS), options
    {locale: [label, ...]} for a ranking (2 to 9, as many in each language written),
    audience ("all", "sector:<key>", "tag:<id>", "locality:<name>"), closes_at (aware, in
    the future, within 90 days).

    Side effects: the vote; a talk per reachable contact of the audience, asked at once
    unless busy (hsbp.community.talks.invite); an audit entry.
    Raises ServiceError naming the form field at fault.
    """
    kind, values = _subject(session, partnership, subject)
    title = _texts(fields.get("title"), partnership, field="title", limit=TITLE_MAX)
    question = _questions(fields.get("question"), partnership)
    options = _options(fields.get("options"), partnership) if kind == VoteKind.RANKING else []
    audience = Audience.parse(fields.get("audience"))
    closes_at = fields.get("closes_at")
    now = utcnow()
    if closes_at is None or closes_at <= now:
        raise ServiceError(_l("The vote must close in the future."), field="closes_on")
    if closes_at > now + LONGEST:
        raise ServiceError(_l("A vote may stay open 90 days at most."), field="closes_on")
    if contacts.settings_of(session, partnership.id) is None:
        raise ServiceError(_l("Set up the partnership's SMS sender first."))
    reachable = [
        c.id
        for c in audience_contacts(session, partnership_id=partnership.id, audience=audience)
        if not c.opted_out
    ]
    if not reachable:
        raise ServiceError(_l("Nobody in this audience can receive messages."), field="audience")
    vote = Vote(
        partnership_id=partnership.id,
        kind=kind,
        title=title,
        question=question,
        options=options,
        audience={"kind": audience.kind, "value": audience.value},
        status=QuestionStatus.OPEN,
        opens_at=now,
        closes_at=closes_at,
        created_by_id=actor.id,
        **values,
    )
    session.add(vote)
    session.flush()
    invited, asked = talks.invite(
        session, kind=KIND, subject_id=vote.id, partnership_id=partnership.id, contact_ids=reachable
    )
    audit.record(
        session,
        actor_id=actor.id,
        action="community.vote_start",
        obj=vote,
        partnership_id=partnership.id,
        details={
            "subject": vote.subject,
            **{k: v for k, v in values.items() if k.endswith("_id")},
            "invited": invited,
            "asked": asked,
        },
    )
    return vote


def _subject(session: Session, partnership: Partnership, subject: dict) -> tuple[str, dict]:
    """(vote kind, the vote's subject columns), after checking the subject can be put."""
    version = subject.get("charter_version")
    decision = subject.get("decision")
    if version is not None:
        if version.partnership_id != partnership.id or version.status != CharterStatus.PROPOSED:
            raise ServiceError(_l("Only a proposed charter version can be put to a vote."))
        _no_open_vote(session, Vote.charter_version_id == version.id)
        return VoteKind.SUPPORT, {
            "subject": VoteSubject.CHARTER,
            "charter_version_id": version.id,
        }
    if decision is not None:
        if decision.partnership_id != partnership.id:
            raise ServiceError(_l("This decision is not part of this partnership."))
        _no_open_vote(session, Vote.decision_id == decision.id)
        return VoteKind.SUPPORT, {"subject": VoteSubject.DECISION, "decision_id": decision.id}
    consultation = subject.get("consultation")
    if consultation is not None and consultation.partnership_id != partnership.id:
        raise ServiceError(_l("This consultation is not part of this partnership."))
    return VoteKind.RANKING, {
        "subject": VoteSubject.RANKING,
        "consultation_id": consultation.id if consultation else None,
    }


def _no_open_vote(session: Session, clause) -> None:
    if session.scalar(
        select(Vote.id).where(clause, Vote.status == QuestionStatus.OPEN, Vote.closes_at > utcnow())
    ):
        raise ServiceError(_l("A vote on this is open already: close it first."))


def _texts(values: dict | None, partnership: Partnership, *, field: str, limit: int) -> dict:
    cleaned = {
        code: " ".join(str((values or {}).get(code) or "").split())
        for code in partnership.locales
        if str((values or {}).get(code) or "").strip()
    }
    if partnership.default_locale not in cleaned:
        raise ServiceError(
            _l("Write it in the partnership's default language at least."),
            field=f"{field}_{partnership.default_locale}",
        )
    for code, written in cleaned.items():
        if len(written) > limit:
            raise ServiceError(
                _l("Keep this text under %(count)d characters.", count=limit),
                field=f"{field}_{code}",
            )
    return cleaned


def _questions(values: dict | None, partnership: Partnership) -> dict:
    """The SMS question per language, normalised to what is sent, each one segment."""
    cleaned = {
        code: encoding.normalise(written)
        for code, written in _texts(values, partnership, field="question", limit=1000).items()
    }
    ensure_one_sms(cleaned, field=lambda code: f"question_{code}")
    return cleaned


def _options(values: dict | None, partnership: Partnership) -> list[dict]:
    """A ranking's options from {locale: [label, ...]}: the default language's labels say how
    many; another language gives all of them or none."""
    default = partnership.default_locale
    lines = {
        code: [" ".join(str(label).split()) for label in (values or {}).get(code) or []]
        for code in partnership.locales
    }
    lines = {code: [label for label in labels if label] for code, labels in lines.items()}
    count = len(lines.get(default) or [])
    if not 2 <= count <= MAX_OPTIONS:
        raise ServiceError(
            _l("Give 2 to %(count)d options, one a line.", count=MAX_OPTIONS),
            field=f"options_{default}",
        )
    for code, labels in lines.items():
        if labels and len(labels) != count:
            raise ServiceError(
                _l("Write as many options as in the default language, in the same order."),
                field=f"options_{code}",
            )
        if any(len(label) > OPTION_MAX for label in labels):
            raise ServiceError(
                _l("Keep each option under %(count)d characters.", count=OPTION_MAX),
                field=f"options_{code}",
            )
    return [
        {
            "key": uuid.uuid4().hex,
            "label": {code: labels[i] for code, labels in lines.items() if labels},
        }
        for i in range(count)
    ]


def close_vote(session: Session, *, vote: Vote, actor: User | None = None) -> None:
    """Close the vote: no answer counts any more. Side effects: its status and closing
    time; its talks ended (those asked told at their next message); an audit entry; a
    charter proposal that waited only for this vote is adopted."""
    if vote.status == QuestionStatus.CLOSED:
        return
    vote.status = QuestionStatus.CLOSED
    vote.closed_at = utcnow()
    talks.end(session, kind=KIND, subject_id=vote.id)
    ballots = session.scalar(select(func.count()).where(Ballot.vote_id == vote.id))
    session.flush()
    audit.record(
        session,
        actor_id=actor.id if actor else None,
        action="community.vote_close",
        obj=vote,
        partnership_id=vote.partnership_id,
        details={"ballots": ballots},
    )
    if vote.charter_version_id is not None:
        version = session.get(CharterVersion, vote.charter_version_id)
        if version is not None and version.status == CharterStatus.PROPOSED:
            charter.adopt_if_decided(session, actor=actor, version=version)


def close_due(session: Session, *, now) -> int:
    """Close every open vote past its closing time; how many."""
    due = session.scalars(
        select(Vote).where(Vote.status == QuestionStatus.OPEN, Vote.closes_at <= now)
    ).all()
    for vote in due:
        close_vote(session, vote=vote)
    return len(due)


# Reading ---------------------------------------------------------------------------------


def vote_of(session: Session, *, partnership_id: int, vote_id: int) -> Vote | None:
    return session.scalar(
        select(Vote).where(Vote.id == vote_id, Vote.partnership_id == partnership_id)
    )


def votes_of(
    session: Session,
    *,
    partnership_id: int,
    charter_version_id: int | None = None,
    decision_id: int | None = None,
) -> list[Vote]:
    """The partnership's votes (on one charter version or decision, if given), newest
    first."""
    query = select(Vote).where(Vote.partnership_id == partnership_id)
    if charter_version_id is not None:
        query = query.where(Vote.charter_version_id == charter_version_id)
    if decision_id is not None:
        query = query.where(Vote.decision_id == decision_id)
    return list(session.scalars(query.order_by(Vote.created_at.desc(), Vote.id.desc())))
