"""The guiding questions a partner works through, in order, to find and use its leverage over
a harm (seed 001, after Shift): from how it is involved, through whether and how it can
influence whoever causes the harm, to whether leaving the relationship would do more harm
than staying.

Each question builds on the one before, so they are answered in order: a question cannot be
answered while one before it is blank. Answers are kept on RiskConnection.questions
{key: answer}; the keys are stable, the texts translatable.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from hsbp import audit
from hsbp.errors import ServiceError
from hsbp.risks.models import RiskConnection

ANSWER_MAX = 4000


@dataclass(frozen=True)
class Question:
    key: str
    text: object  # lazy text
    hint: object  # lazy text


QUESTIONS: tuple[Question, ...] = (
    Question(
        "involvement",
        _l("How are we involved in this risk or harm, and through which link?"),
        _l("Whether we cause it, contribute to it or are linked to it, and through whom."),
    ),
    Question(
        "influence",
        _l("If we do not cause it ourselves, do we have any influence over whoever does?"),
        _l("Over the supplier, contractor, client or authority whose conduct causes it."),
    ),
    Question(
        "can_use",
        _l("Could that influence help prevent or lessen the harm, or put it right?"),
        _l("Say what it could change, and what it could not."),
    ),
    Question(
        "how_use",
        _l("In which ways will we use that influence?"),
        _l("Which kinds of leverage, at which key moments, asking for what."),
    ),
    Question(
        "increase",
        _l("If it is not enough, can we build more: on our own, with others, or jointly?"),
        _l("With peers, with the other partners of this partnership, with authorities."),
    ),
    Question(
        "replace",
        _l(
            "If we cannot build enough, could we responsibly replace this relationship, and "
            "what would ending it mean for people?"
        ),
        _l("Workers, suppliers and communities who depend on the relationship."),
    ),
    Question(
        "justify",
        _l(
            "Would those effects be worse than the harm now? If so, how do we justify "
            "staying in the relationship?"
        ),
        _l("What we do meanwhile to keep trying to reduce the harm."),
    ),
)
KEYS = tuple(q.key for q in QUESTIONS)
BY_KEY = {q.key: q for q in QUESTIONS}


def answered_count(connection: RiskConnection) -> int:
    """How many questions, from the first, hold an answer."""
    answers = connection.questions or {}
    count = 0
    for key in KEYS:
        if not (answers.get(key) or "").strip():
            break
        count += 1
    return count


def save_answers(
    session: Session,
    *,
    connection: RiskConnection,
    answers: dict[str, str],
    actor_id: int | None,
) -> int:
    """Keep `answers` {question key: text} as the connection's answers (a blank clears one).
    Returns how many are answered. Raises ServiceError, writing nothing, for an unknown key,
    an answer too long, or an answer that follows a blank question.

    Side effects: the connection updated and flushed; one audit entry when anything changed.
    """
    unknown = set(answers) - set(KEYS)
    if unknown:
        raise ServiceError(_l("This question is not one of the guiding questions."))
    texts = {key: (answers.get(key) or "").strip() for key in KEYS}
    for key, text in texts.items():
        if len(text) > ANSWER_MAX:
            raise ServiceError(_l("Write at most %(max)d characters.", max=ANSWER_MAX), field=key)
    first_blank = next((i for i, key in enumerate(KEYS) if not texts[key]), None)
    if first_blank is not None:
        later = next((key for key in KEYS[first_blank + 1 :] if texts[key]), None)
        if later is not None:
            raise ServiceError(
                _l(
                    "The questions are answered in order: answer question %(number)d "
                    "before question %(later)d.",
                    number=first_blank + 1,
                    later=KEYS.index(later) + 1,
                ),
                field=later,
            )
    kept = {key: text for key, text in texts.items() if text}
    if kept == (connection.questions or {}):
        return len(kept)
    connection.questions = kept
    session.flush()
    audit.record(
        session,
        actor_id=actor_id,
        action="risk_connection.questions",
        obj=connection,
        partnership_id=connection.partnership_id,
        details={"risk_id": connection.risk_id, "answered": len(kept), "of": len(KEYS)},
    )
    return len(kept)
