"""Community voice by SMS: votes on what partners decide, checks that a commitment is real,
and assemblies that decide for people without web accounts.

A vote (a charter proposal, a review decision, a ranked list such as a consultation's
priorities) or a check (is this done action real?) is put to contacts one question at a
time: each contact has at most one such conversation under way (a `Talk`), queued behind
any other SMS conversation. One ballot or answer per contact, changeable until closing;
results are shown by locality, group and sector with groups under 5 pooled, so nobody's
answer can be read off a small group. Subjects are named by table and id: this package sits
above the features it serves (charter, checklist, monitoring, consultations), which show its
figures through the hooks it registers.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from hsbp.db import Base, EncryptedText, JSONValue, UTCDateTime, utcnow


class QuestionStatus(enum.StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class VoteKind(enum.StrEnum):
    SUPPORT = "support"  # 1 support, 2 object, 3 need more information
    RANKING = "ranking"  # the options in the order of the digits sent


class VoteSubject(enum.StrEnum):
    CHARTER = "charter"  # a proposed charter version
    DECISION = "decision"  # a review's decision
    RANKING = "ranking"  # a ranked list (a consultation outcome's priorities, say)


class Vote(Base):
    __tablename__ = "community_votes"

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(
        ForeignKey("partnerships.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(10), default=VoteKind.SUPPORT)
    subject: Mapped[str] = mapped_column(String(10))
    charter_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("charter_versions.id", ondelete="CASCADE"), index=True
    )
    decision_id: Mapped[int | None] = mapped_column(
        ForeignKey("monitoring_decisions.id", ondelete="CASCADE")
    )
    consultation_id: Mapped[int | None] = mapped_column(
        ForeignKey("consultations.id", ondelete="SET NULL")
    )
    title: Mapped[dict] = mapped_column(JSONValue, default=dict)  # {locale: text}
    # The SMS question, per language, one segment each.
    question: Mapped[dict] = mapped_column(JSONValue, default=dict)
    # A ranking's options: [{"key": ..., "label": {locale: text}}], digits 1..n in order.
    options: Mapped[list] = mapped_column(JSONValue, default=list)
    # Who is asked, as an SMS broadcast audience ({"kind": "all"|"sector"|..., "value": ...}).
    audience: Mapped[dict] = mapped_column(JSONValue, default=dict)
    status: Mapped[str] = mapped_column(String(8), default=QuestionStatus.OPEN)
    opens_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Ballot(Base):
    """One contact's answer to a vote, with their constituency as it was when they answered
    (for results by locality, group and sector). Changeable until the vote closes; never
    shown one by one."""

    __tablename__ = "community_ballots"
    __table_args__ = (
        UniqueConstraint("vote_id", "contact_id"),
        Index("ix_community_ballots_vote_choice", "vote_id", "choice"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(
        ForeignKey("partnerships.id", ondelete="CASCADE"), index=True
    )
    vote_id: Mapped[int] = mapped_column(ForeignKey("community_votes.id", ondelete="CASCADE"))
    contact_id: Mapped[int] = mapped_column(ForeignKey("sms_contacts.id", ondelete="CASCADE"))
    # support, object, info (SUPPORT votes); "" for a ranking
    choice: Mapped[str] = mapped_column(String(10), default="")
    # A ranking: the option keys, first choice first.
    ranking: Mapped[list] = mapped_column(JSONValue, default=list)
    sector: Mapped[str] = mapped_column(String(32), default="")
    locality: Mapped[str] = mapped_column(String(200), default="")
    tag_ids: Mapped[list] = mapped_column(JSONValue, default=list)
    changes: Mapped[int] = mapped_column(default=0)
    # Dated by the day: the time of a ballot would tie it to its SMS.
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CheckAnswerValue(enum.StrEnum):
    YES = "yes"
    NO = "no"
    UNKNOWN = "unknown"


class Check(Base):
    """A one-question check, by SMS, that a done action is real for the people it serves."""

    __tablename__ = "community_checks"

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(
        ForeignKey("partnerships.id", ondelete="CASCADE"), index=True
    )
    action_id: Mapped[int] = mapped_column(ForeignKey("actions.id", ondelete="CASCADE"), index=True)
    question: Mapped[dict] = mapped_column(JSONValue, default=dict)  # {locale: text}
    audience: Mapped[dict] = mapped_column(JSONValue, default=dict)
    status: Mapped[str] = mapped_column(String(8), default=QuestionStatus.OPEN)
    opens_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CheckAnswer(Base):
    __tablename__ = "community_check_answers"
    __table_args__ = (
        UniqueConstraint("check_id", "contact_id"),
        Index("ix_community_check_answers_check_answer", "check_id", "answer"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(
        ForeignKey("partnerships.id", ondelete="CASCADE"), index=True
    )
    check_id: Mapped[int] = mapped_column(ForeignKey("community_checks.id", ondelete="CASCADE"))
    contact_id: Mapped[int] = mapped_column(ForeignKey("sms_contacts.id", ondelete="CASCADE"))
    answer: Mapped[str] = mapped_column(String(8))
    locality: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class TalkState(enum.StrEnum):
    WAITING = "waiting"  # behind another SMS conversation of the contact
    ASKED = "asked"
    ANSWERED = "answered"
    ENDED = "ended"  # closed before an answer came


class Talk(Base):
    """One contact's SMS conversation about one vote or check: at most one asked at a time
    per contact, across every SMS conversation."""

    __tablename__ = "community_talks"
    __table_args__ = (
        UniqueConstraint("vote_id", "contact_id"),
        UniqueConstraint("check_id", "contact_id"),
        CheckConstraint("(vote_id IS NULL) <> (check_id IS NULL)", name="one_subject"),
        Index("ix_community_talks_contact_state", "contact_id", "state"),
        # A vote's or a check's progress counts its talks by state from the index alone.
        Index("ix_community_talks_vote_state", "vote_id", "state"),
        Index("ix_community_talks_check_state", "check_id", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(
        ForeignKey("partnerships.id", ondelete="CASCADE"), index=True
    )
    contact_id: Mapped[int] = mapped_column(ForeignKey("sms_contacts.id", ondelete="CASCADE"))
    vote_id: Mapped[int | None] = mapped_column(
        ForeignKey("community_votes.id", ondelete="CASCADE")
    )
    check_id: Mapped[int | None] = mapped_column(
        ForeignKey("community_checks.id", ondelete="CASCADE")
    )
    state: Mapped[str] = mapped_column(String(10), default=TalkState.WAITING)
    reprompts: Mapped[int] = mapped_column(default=0)
    invited_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    asked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The vote closed while this contact was being asked: told at their next message.
    tell_closed: Mapped[bool] = mapped_column(default=False)


class Assembly(Base):
    """A community assembly's endorsement or vote, recorded by a facilitator for a partner
    without web accounts, and confirmed on the web by a witness partner."""

    __tablename__ = "community_assemblies"

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(
        ForeignKey("partnerships.id", ondelete="CASCADE"), index=True
    )
    # The partner (a community group, say) whose assembly it was.
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id", ondelete="CASCADE"))
    held_on: Mapped[date] = mapped_column(Date)
    place: Mapped[str] = mapped_column(String(200), default="")
    # What was decided on: a charter version (an endorsement) or a vote (its result).
    charter_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("charter_versions.id", ondelete="CASCADE")
    )
    vote_id: Mapped[int | None] = mapped_column(
        ForeignKey("community_votes.id", ondelete="CASCADE")
    )
    # People present by group: {"women": 23, "youth": 11, ...} and in all.
    present: Mapped[dict] = mapped_column(JSONValue, default=dict)
    present_total: Mapped[int] = mapped_column(default=0)
    # endorse/object for a charter; support/object/info for a vote; the counts raised.
    result: Mapped[str] = mapped_column(String(10))
    result_counts: Mapped[dict] = mapped_column(JSONValue, default=dict)
    # The minutes: free text may name people, so encrypted; and the file, kept like evidence.
    minutes: Mapped[str] = mapped_column(EncryptedText, default="")
    minutes_filename: Mapped[str] = mapped_column(String(255), default="")
    minutes_stored: Mapped[str] = mapped_column(String(64), default="")
    minutes_type: Mapped[str] = mapped_column(String(100), default="")
    minutes_size: Mapped[int] = mapped_column(default=0)
    minutes_sha256: Mapped[str] = mapped_column(String(64), default="")
    witness_partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id", ondelete="CASCADE"))
    witnessed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    witnessed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Feedback(Base):
    """ "You said, we did": a message to everyone who took part in a consultation, after it
    closed or once an action serving one of its goals is done. Sent as an SMS broadcast to
    the participation list (never through the answers)."""

    __tablename__ = "community_feedback"

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(
        ForeignKey("partnerships.id", ondelete="CASCADE"), index=True
    )
    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("consultations.id", ondelete="CASCADE"), index=True
    )
    action_id: Mapped[int | None] = mapped_column(ForeignKey("actions.id", ondelete="CASCADE"))
    bodies: Mapped[dict] = mapped_column(JSONValue, default=dict)  # {locale: text}
    broadcast_id: Mapped[int | None] = mapped_column(
        ForeignKey("sms_broadcasts.id", ondelete="SET NULL")
    )
    recipients: Mapped[int] = mapped_column(default=0)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
