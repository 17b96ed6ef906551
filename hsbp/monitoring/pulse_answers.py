"""Writing one answer to a pulse round, for the web and SMS alike, apart from who gave it.

Who answered (PulseResponse) must never be matched with what they answered (PulseScore,
PulseComment), not even by someone reading the tables. So all three are dated by the day
only (UTC midnight), no score keeps the respondent's partner, and each new score or comment
takes a place at random among those of its round, constituency (and dimension): its value
goes to a row picked uniformly from them, the new one included, whose value moves to the new
row. Done at every answer, this is Fisher and Yates's shuffle, built one answer at a time:
whatever the order people answered in, the values are in uniformly random order over the
rows, so neither row ids nor times say whose they are. Every figure shown is a count, a sum
or a mean per round, constituency and dimension, which no such move changes.
"""

from __future__ import annotations

import random

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from hsbp.db import utcnow
from hsbp.errors import ServiceError
from hsbp.monitoring.pulse_models import PulseComment, PulseResponse, PulseRound, PulseScore

COMMENT_MAX = 2000


def write_response(
    session,
    pulse_round: PulseRound,
    *,
    constituency: str,
    scores: dict[str, int],
    comment: str = "",
    user_id: int | None = None,
    contact_id: int | None = None,
) -> PulseResponse:
    """The one writer of answers, for the web and SMS alike: who answered (the guard against
    twice), the checked scores and the comment, all or nothing. Side effects: the three kinds
    of rows, dated by the day, the new values swapped with earlier ones (see the module
    note)."""
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX:
        raise ServiceError(_l("The comment is too long."), field="comment")
    day = utcnow().replace(hour=0, minute=0, second=0, microsecond=0)
    common = {
        "partnership_id": pulse_round.partnership_id,
        "round_id": pulse_round.id,
        "constituency": constituency,
        "created_at": day,
    }
    try:
        # A savepoint: a second answer racing this one fails on the unique constraint and
        # leaves nothing of this one behind.
        with session.begin_nested():
            response = PulseResponse(**common, user_id=user_id, contact_id=contact_id)
            session.add(response)
            session.flush()
            # The partner is not kept with the scores: one partner's only representative
            # would be named by it (`partner_id` stays empty).
            added = [
                PulseScore(**common, dimension=dimension, score=value)
                for dimension, value in scores.items()
            ]
            if comment:
                added.append(PulseComment(**common, text=comment))
            session.add_all(added)
            session.flush()
            for row in added:
                _take_a_random_place(session, row)
    except IntegrityError:
        raise ServiceError(_l("You have already answered this round.")) from None
    return response


def _take_a_random_place(session, row: PulseScore | PulseComment) -> None:
    """Swap the new row's value with that of a row picked uniformly among its round,
    constituency (and dimension) rows, itself included (see the module note). The picked
    row is locked, so two answers written at once never lose a value."""
    model = type(row)
    same = [model.round_id == row.round_id, model.constituency == row.constituency]
    if model is PulseScore:
        same.append(PulseScore.dimension == row.dimension)
    count = session.scalar(select(func.count()).select_from(model).where(*same))
    place = random.SystemRandom().randrange(count)
    other = session.scalars(
        select(model).where(*same).order_by(model.id).offset(place).limit(1).with_for_update()
    ).one()
    if other.id == row.id:
        return
    if model is PulseScore:
        other.score, row.score = row.score, other.score
    else:
        other.text, row.text = row.text, other.text
    session.flush()
