"""The counts behind a consultation's results: GROUP BYs over its answers, kept between views.

Counting the answers of 50,000 respondents takes seconds, yet the counts only change when a
response is finished (results count complete and partial responses, whose answers no longer
change). So the counts are stored with a fingerprint of the finished responses: how many
there are in each state, the sum of their ids and the latest finishing time, read in one
statement on an index. A page view whose fingerprint matches reads the stored counts; any
response finished, or removed, since changes the fingerprint and the counts are taken again
(in an anonymous consultation finishing times are only days, but the count and the sum of
ids still change with every response).
The counts are kept per question id, whether the question is active or not, so editing the
questions never serves stale figures either.

A very large consultation still open finishes responses all the time, and counting it takes
seconds each time. When the last count took more than SLOW_COUNT_MS, stored counts up to
RECOUNT_AFTER old are served as they are, with their time, which the results page shows
("Counted at 10:42"). Smaller consultations are always counted exactly.

The stored counts are the rows of the GROUP BYs themselves, so a fresh count and a stored one
are read by the same code.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from hsbp.consultations.models import (
    Answer,
    AnswerChoice,
    Response,
    ResponseState,
    ResultsCache,
    response_tags,
)
from hsbp.db import utcnow

COUNTED_STATES = (ResponseState.COMPLETE, ResponseState.PARTIAL)
# Part of every fingerprint: changing what is counted below must change this.
LAYOUT = "1"
SLOW_COUNT_MS = 1000
RECOUNT_AFTER = timedelta(minutes=1)


@dataclass
class Tally:
    """Each GROUP BY's rows, as lists (the stored form is JSON)."""

    states: dict[str, int]
    answered: list[list]  # question, sector, channel, skipped, count
    answered_by_tag: list[list]  # question, tag, count
    choices: list[list]  # question, option, sector, channel, count
    choices_by_tag: list[list]  # question, option, tag, count
    numbers: list[list]  # question, count, minimum, maximum, mean
    from_cache: bool = False
    # Set when the counts are older than the latest finished response (see the module note).
    counted_at: datetime | None = None

    def counts(self) -> dict:
        return {
            "answered": self.answered,
            "answered_by_tag": self.answered_by_tag,
            "choices": self.choices,
            "choices_by_tag": self.choices_by_tag,
            "numbers": self.numbers,
        }


def counted(consultation_id: int):
    return and_(Response.consultation_id == consultation_id, Response.state.in_(COUNTED_STATES))


def tally(session: Session, consultation_id: int) -> Tally:
    """The counts of the consultation's finished responses: stored ones when still true,
    otherwise counted now and stored (see the module note for very large ones). Two statements
    when stored, seven otherwise."""
    states, fingerprint = _fingerprint(session, consultation_id)
    cached = session.get(ResultsCache, consultation_id)
    if cached is not None and (cached.fingerprint == fingerprint or _recount_can_wait(cached)):
        stored = dict(cached.counts)
        # The stored response totals go with the stored counts: all figures of one moment.
        stored_states = stored.pop("states")
        behind = cached.computed_at if cached.fingerprint != fingerprint else None
        return Tally(states=stored_states, from_cache=True, counted_at=behind, **stored)
    started = time.perf_counter()
    result = Tally(states=states, **_count(session, consultation_id))
    took = round((time.perf_counter() - started) * 1000)
    _store(session, consultation_id, fingerprint, {**result.counts(), "states": states}, took)
    return result


def _recount_can_wait(cached: ResultsCache) -> bool:
    return (
        cached.fingerprint.split("|")[0] == LAYOUT
        and cached.duration_ms > SLOW_COUNT_MS
        and cached.computed_at > utcnow() - RECOUNT_AFTER
    )


def _fingerprint(session: Session, consultation_id: int) -> tuple[dict[str, int], str]:
    rows = session.execute(
        select(Response.state, func.count(), func.sum(Response.id), func.max(Response.finished_at))
        .where(counted(consultation_id))
        .group_by(Response.state)
        .order_by(Response.state)
    ).all()
    parts = [LAYOUT] + [
        f"{state}:{n}:{ids}:{latest.isoformat() if latest else ''}"
        for state, n, ids, latest in rows
    ]
    return {state: n for state, n, _ids, _latest in rows}, "|".join(parts)


def _count(session: Session, consultation_id: int) -> dict[str, list[list]]:
    cid = consultation_id
    answered = session.execute(
        select(Answer.question_id, Response.sector, Response.channel, Answer.skipped, func.count())
        .join(Response, Response.id == Answer.response_id)
        .where(counted(cid))
        .group_by(Answer.question_id, Response.sector, Response.channel, Answer.skipped)
    )
    answered_by_tag = session.execute(
        select(Answer.question_id, response_tags.c.tag_id, func.count())
        .join(Response, Response.id == Answer.response_id)
        .join(response_tags, response_tags.c.response_id == Response.id)
        .where(counted(cid), Answer.skipped.is_(False))
        .group_by(Answer.question_id, response_tags.c.tag_id)
    )
    choices = session.execute(
        select(
            AnswerChoice.question_id,
            AnswerChoice.choice,
            Response.sector,
            Response.channel,
            func.count(),
        )
        .join(Response, Response.id == AnswerChoice.response_id)
        .where(counted(cid))
        .group_by(AnswerChoice.question_id, AnswerChoice.choice, Response.sector, Response.channel)
    )
    choices_by_tag = session.execute(
        select(AnswerChoice.question_id, AnswerChoice.choice, response_tags.c.tag_id, func.count())
        .join(Response, Response.id == AnswerChoice.response_id)
        .join(response_tags, response_tags.c.response_id == Response.id)
        .where(counted(cid))
        .group_by(AnswerChoice.question_id, AnswerChoice.choice, response_tags.c.tag_id)
    )
    numbers = session.execute(
        select(
            Answer.question_id,
            func.count(Answer.number),
            func.min(Answer.number),
            func.max(Answer.number),
            func.avg(Answer.number),
        )
        .join(Response, Response.id == Answer.response_id)
        .where(counted(cid), Answer.number.is_not(None))
        .group_by(Answer.question_id)
    )
    return {
        "answered": [[q, s, c, bool(skipped), n] for q, s, c, skipped, n in answered],
        "answered_by_tag": [[q, str(t), n] for q, t, n in answered_by_tag],
        "choices": [[q, k, s, c, n] for q, k, s, c, n in choices],
        "choices_by_tag": [[q, k, str(t), n] for q, k, t, n in choices_by_tag],
        # PostgreSQL's avg is a Decimal, which JSON cannot hold.
        "numbers": [[q, n, float(lo), float(hi), float(mean)] for q, n, lo, hi, mean in numbers],
    }


def _store(session: Session, consultation_id: int, fingerprint: str, counts: dict, took: int):
    """Insert or replace the stored counts; two viewers counting at once both succeed."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    values = {
        "fingerprint": fingerprint,
        "counts": counts,
        "computed_at": utcnow(),
        "duration_ms": took,
    }
    session.execute(
        insert(ResultsCache)
        .values(consultation_id=consultation_id, **values)
        .on_conflict_do_update(index_elements=["consultation_id"], set_=values)
    )
