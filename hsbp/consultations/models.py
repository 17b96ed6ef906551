"""Consultations: what a partnership asks its constituencies, and what each of them answers.

Who took part and what was said are kept apart. A participation row says that a contact or a
member was asked (and whether they finished), for reminders and response rates; a response
holds the answers with the respondent's constituency (sector, marginalised-group tags,
locality) as it was when they answered. In an anonymous consultation the response keeps no
identity at all, and the participation row points at its response only while an SMS
conversation is under way (the pointer is cleared when it ends).
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Column, ForeignKey, Index, Integer, String, Table, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hsbp.db import Base, EncryptedText, JSONValue, UTCDateTime, utcnow
from hsbp.human_security import Dimension  # noqa: F401  (the consultation's dimensions)


class Channel(enum.StrEnum):
    WEB = "web"  # partner members, signed in
    PUBLIC = "public"  # a public link, no account
    SMS = "sms"
    ASSISTED = "assisted"  # answers gathered in a meeting or on paper, entered by a facilitator


class Status(enum.StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"


class QuestionKind(enum.StrEnum):
    SINGLE = "single"
    MULTIPLE = "multiple"
    SCALE = "scale"  # 1-5
    YES_NO = "yes_no"
    NUMBER = "number"
    TEXT = "text"


# Kinds whose answers are choices (a scale's choices are "1".."5", yes/no's "yes" and "no"),
# counted the same way in results.
CHOICE_KINDS = (QuestionKind.SINGLE, QuestionKind.MULTIPLE, QuestionKind.SCALE, QuestionKind.YES_NO)


class ResponseState(enum.StrEnum):
    IN_PROGRESS = "in_progress"
    COMPLETE = "complete"
    PARTIAL = "partial"  # left unfinished: closed by the consultation's end or by time


class Consultation(Base):
    __tablename__ = "consultations"

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(
        ForeignKey("partnerships.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[dict] = mapped_column(JSONValue, default=dict)  # {locale: text}
    purpose: Mapped[dict] = mapped_column(JSONValue, default=dict)
    dimensions: Mapped[list[str]] = mapped_column(JSONValue, default=list)
    # {"contacts": bool, "members": bool, "sectors": [...], "tags": [tag ids], "localities": [...]}
    audience: Mapped[dict] = mapped_column(JSONValue, default=dict)
    channels: Mapped[list[str]] = mapped_column(JSONValue, default=list)
    anonymous: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(10), default=Status.DRAFT)
    opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Days between reminders to those who have not finished (0: none).
    reminder_days: Mapped[int] = mapped_column(default=0)
    # An SMS conversation left unanswered this many days closes as partial.
    stale_days: Mapped[int] = mapped_column(default=7)
    # The secret part of the public link (no account needed), when that channel is on.
    public_token: Mapped[str | None] = mapped_column(String(64), unique=True)
    # The shared understanding: {"needs": [item], "risks": [...], "gaps": [...]}, each item
    # {"key", "text": {locale: text}, "goal_key": charter goal key or None}.
    outcome: Mapped[dict] = mapped_column(JSONValue, default=dict)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    questions: Mapped[list[Question]] = relationship(
        back_populates="consultation",
        order_by="Question.position",
        cascade="all, delete-orphan",
    )


class Question(Base):
    """One question. Once answered it is never edited in place: an edit retires it and adds
    a new version (`replaces_id`), so every answer keeps the wording it answered."""

    __tablename__ = "consultation_questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("consultations.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    kind: Mapped[str] = mapped_column(String(10))
    text: Mapped[dict] = mapped_column(JSONValue, default=dict)  # {locale: text}
    # [{"key": "a1b2", "label": {locale: text}}] for single and multiple choice.
    choices: Mapped[list[dict]] = mapped_column(JSONValue, default=list)
    minimum: Mapped[float | None] = mapped_column()  # number questions
    maximum: Mapped[float | None] = mapped_column()
    # Skip logic: shown only when question `show_if_question_id` was answered with one of
    # `show_if_choices` (choice keys).
    show_if_question_id: Mapped[int | None] = mapped_column(
        ForeignKey("consultation_questions.id", ondelete="SET NULL")
    )
    show_if_choices: Mapped[list[str]] = mapped_column(JSONValue, default=list)
    version: Mapped[int] = mapped_column(default=1)
    replaces_id: Mapped[int | None] = mapped_column(
        ForeignKey("consultation_questions.id", ondelete="SET NULL")
    )
    retired: Mapped[bool] = mapped_column(default=False)

    consultation: Mapped[Consultation] = relationship(back_populates="questions")


class Participation(Base):
    """A contact or a member asked to take part, and how far they got (not what they said)."""

    __tablename__ = "consultation_participations"
    __table_args__ = (
        UniqueConstraint("consultation_id", "contact_id"),
        UniqueConstraint("consultation_id", "user_id"),
        Index("ix_consultation_participations_contact_state", "contact_id", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("consultations.id", ondelete="CASCADE"), index=True
    )
    contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("sms_contacts.id", ondelete="CASCADE")
    )
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    channel: Mapped[str] = mapped_column(String(10))
    # waiting (another consultation is open with this contact), invited, in_progress,
    # complete, partial
    state: Mapped[str] = mapped_column(String(12), default="invited")
    # The response being filled in; cleared at the end in anonymous consultations.
    response_id: Mapped[int | None] = mapped_column(
        ForeignKey("consultation_responses.id", ondelete="SET NULL")
    )
    # The SMS conversation: the question asked last, and how many re-prompts it has had.
    current_question_id: Mapped[int | None] = mapped_column(
        ForeignKey("consultation_questions.id", ondelete="SET NULL")
    )
    reprompts: Mapped[int] = mapped_column(default=0)
    # Constituency, for response rates: copied from the mapped participant or the partner.
    sector: Mapped[str] = mapped_column(String(32), default="")
    invited_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_activity_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


response_tags = Table(
    "consultation_response_tags",
    Base.metadata,
    Column(
        "response_id",
        Integer,
        ForeignKey("consultation_responses.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("tag_id", Integer, ForeignKey("mapping_tags.id", ondelete="CASCADE"), primary_key=True),
    Index("ix_consultation_response_tags_tag_id", "tag_id"),
)


class Response(Base):
    """One respondent's answers with their constituency. Identity only when not anonymous."""

    __tablename__ = "consultation_responses"
    __table_args__ = (Index("ix_consultation_responses_state", "consultation_id", "state"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id", ondelete="CASCADE"))
    channel: Mapped[str] = mapped_column(String(10))
    state: Mapped[str] = mapped_column(String(12), default=ResponseState.IN_PROGRESS)
    locale: Mapped[str] = mapped_column(String(10), default="en")
    sector: Mapped[str] = mapped_column(String(32), default="")
    locality: Mapped[str] = mapped_column(String(200), default="")
    # Identity, never set in an anonymous consultation.
    contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("sms_contacts.id", ondelete="SET NULL")
    )
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    participant_id: Mapped[int | None] = mapped_column(
        ForeignKey("mapping_participants.id", ondelete="SET NULL")
    )
    # Who typed it in, for assisted entry.
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    answers: Mapped[list[Answer]] = relationship(
        back_populates="response", cascade="all, delete-orphan"
    )


class Answer(Base):
    """The answer to one question; unique per response and question, so two replies racing
    for the same question count once."""

    __tablename__ = "consultation_answers"
    __table_args__ = (UniqueConstraint("response_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(
        ForeignKey("consultation_responses.id", ondelete="CASCADE")
    )
    question_id: Mapped[int] = mapped_column(
        ForeignKey("consultation_questions.id", ondelete="CASCADE"), index=True
    )
    skipped: Mapped[bool] = mapped_column(default=False)
    number: Mapped[float | None] = mapped_column()
    # Free text is encrypted at rest: people write names and places into it.
    text: Mapped[str | None] = mapped_column(EncryptedText)
    # The message it came from, as written (SMS), encrypted like every message body.
    raw: Mapped[str | None] = mapped_column(EncryptedText)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    response: Mapped[Response] = relationship(back_populates="answers")
    choices: Mapped[list[AnswerChoice]] = relationship(cascade="all, delete-orphan")


class AnswerChoice(Base):
    """A chosen option, one row each (several for multiple choice), with the question and
    response repeated so results are counted in SQL with one join."""

    __tablename__ = "consultation_answer_choices"
    __table_args__ = (
        UniqueConstraint("answer_id", "choice"),
        Index("ix_consultation_answer_choices_question", "question_id", "choice"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    answer_id: Mapped[int] = mapped_column(
        ForeignKey("consultation_answers.id", ondelete="CASCADE")
    )
    response_id: Mapped[int] = mapped_column(
        ForeignKey("consultation_responses.id", ondelete="CASCADE"), index=True
    )
    question_id: Mapped[int] = mapped_column(
        ForeignKey("consultation_questions.id", ondelete="CASCADE")
    )
    choice: Mapped[str] = mapped_column(String(40))


class Theme(Base):
    """A theme a facilitator tags free-text answers with."""

    __tablename__ = "consultation_themes"
    __table_args__ = (UniqueConstraint("consultation_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("consultations.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(100))


answer_themes = Table(
    "consultation_answer_themes",
    Base.metadata,
    Column(
        "answer_id",
        Integer,
        ForeignKey("consultation_answers.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column(
        "theme_id",
        Integer,
        ForeignKey("consultation_themes.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Index("ix_consultation_answer_themes_theme_id", "theme_id"),
)


class ResultsCache(Base):
    """The counts behind a consultation's results as last computed, with the fingerprint of
    the responses they were computed from: counting a large consultation's answers takes
    seconds, and the counts only change when a response is finished."""

    __tablename__ = "consultation_results_cache"

    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("consultations.id", ondelete="CASCADE"), primary_key=True
    )
    fingerprint: Mapped[str] = mapped_column(String(200))
    counts: Mapped[dict] = mapped_column(JSONValue)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # How long the counting took: a slow count is not redone on every view (see tallies).
    duration_ms: Mapped[int] = mapped_column(default=0)
