"""Partnership-health pulses: opening a round, recording one member's scores, and the results
per constituency with small constituencies pooled, the gaps between them and the trend over
rounds.

Answers are written by hsbp.monitoring.pulse_answers, which keeps who answered apart from
what they answered.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from flask import Flask, current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from hsbp import anonymity, audit
from hsbp.db import utcnow
from hsbp.errors import ServiceError
from hsbp.monitoring.pulse_answers import COMMENT_MAX as COMMENT_MAX
from hsbp.monitoring.pulse_answers import write_response
from hsbp.monitoring.pulse_models import (
    COMMUNITY,
    DIMENSIONS,
    SCORE_MAX,
    SCORE_MIN,
    PulseComment,
    PulseResponse,
    PulseRound,
    PulseScore,
    RoundStatus,
)
from hsbp.partnerships.models import Membership, Partner
from hsbp.sms import contacts

audit.ACTION_LABELS.update(
    {
        "pulse.close": _l("Pulse round closed"),
        "pulse.ask_sms": _l("Pulse round sent to SMS contacts"),
    }
)

# Fewer respondents than this in a constituency (the threshold of consultations too) and its
# answers are only shown pooled, so no one's scores can be read off a group of two or three.
MIN_GROUP = anonymity.MIN_GROUP
POOLED = "pooled"
# A gap of a whole point or more between two constituencies is highlighted.
WIDE_GAP = Decimal(1)
TITLE_MAX = 200
# Who hears of a round opening or closing (the SMS conversations, hsbp.monitoring.sms_pulses,
# wired in create_app): they build on this module, so it cannot call them by name.
OPEN_LISTENERS_KEY = "hsbp.pulse_open_listeners"
CLOSE_LISTENERS_KEY = "hsbp.pulse_close_listeners"


def on_round(app: Flask, *, opened=None, closing=None) -> None:
    """`opened(session, actor=, pulse_round=)` after a round opens, `closing(session,
    pulse_round)` before it closes, in the same transaction."""
    for key, listener in ((OPEN_LISTENERS_KEY, opened), (CLOSE_LISTENERS_KEY, closing)):
        listeners = app.extensions.setdefault(key, [])
        if listener is not None and listener not in listeners:
            listeners.append(listener)


def open_round(session, *, actor, partnership, fields: dict) -> PulseRound:
    """fields: title {locale: text} (the partnership's default language required),
    closes_at (aware datetime, in the future), include_sms.

    Side effects: the round, and what its `opened` listeners do (with SMS: every contact is
    asked)."""
    title = {k: v.strip() for k, v in (fields.get("title") or {}).items() if v and v.strip()}
    default = partnership.default_locale
    if not title.get(default):
        raise ServiceError(_l("Give the round a title."), field=f"title_{default}")
    for locale, text in title.items():
        if len(text) > TITLE_MAX:
            raise ServiceError(_l("The title is too long."), field=f"title_{locale}")
    closes_at = fields.get("closes_at")
    if closes_at is None or closes_at <= utcnow():
        raise ServiceError(_l("The round must close in the future."), field="closes_on")
    pulse_round = PulseRound(
        partnership_id=partnership.id,
        title=title,
        opens_at=utcnow(),
        closes_at=closes_at,
        status=RoundStatus.OPEN,
        include_sms=bool(fields.get("include_sms")),
        created_by_id=actor.id,
    )
    session.add(pulse_round)
    session.flush()
    for listener in current_app.extensions.get(OPEN_LISTENERS_KEY, ()):
        listener(session, actor=actor, pulse_round=pulse_round)
    return pulse_round


def close_round(session, pulse_round: PulseRound, *, actor=None) -> None:
    """Close the round. Side effects: its SMS conversations end, the answers of unfinished
    ones are recorded (once), an audit entry."""
    if pulse_round.status == RoundStatus.CLOSED:
        return
    for listener in current_app.extensions.get(CLOSE_LISTENERS_KEY, ()):
        listener(session, pulse_round)
    pulse_round.status = RoundStatus.CLOSED
    session.flush()
    audit.record(
        session,
        actor_id=actor.id if actor else None,
        action="pulse.close",
        obj=pulse_round,
        partnership_id=pulse_round.partnership_id,
    )


def is_open(pulse_round: PulseRound, now: datetime | None = None) -> bool:
    return pulse_round.status == RoundStatus.OPEN and (now or utcnow()) < pulse_round.closes_at


def constituency_of(session, *, partnership_id: int, user) -> tuple[str, int] | None:
    """(sector, partner id) of the partner the member speaks for; None for members who speak
    for no partner (observers, facilitators without a partner): they have no constituency."""
    row = session.execute(
        select(Partner.sector, Partner.id)
        .join(Membership, Membership.partner_id == Partner.id)
        .where(Membership.partnership_id == partnership_id, Membership.user_id == user.id)
    ).first()
    return (row.sector, row.id) if row else None


def has_answered(session, pulse_round: PulseRound, user) -> bool:
    return (
        session.scalar(
            select(PulseResponse.id).where(
                PulseResponse.round_id == pulse_round.id, PulseResponse.user_id == user.id
            )
        )
        is not None
    )


def _checked_scores(scores: dict) -> dict[str, int]:
    checked = {}
    for dimension in DIMENSIONS:
        raw = scores.get(dimension)
        try:
            value = int(raw)
        except (TypeError, ValueError):
            value = None
        if value is None or not SCORE_MIN <= value <= SCORE_MAX or str(raw).strip() != str(value):
            raise ServiceError(_l("Choose a score from 1 to 5."), field=dimension)
        checked[dimension] = value
    return checked


def record_scores(session, pulse_round: PulseRound, member, scores: dict, comment: str = ""):
    """Record one member's answer to a round: a score 1-5 for every dimension and an optional
    comment. Refused, with nothing written, for a closed round, someone outside every
    constituency, a missing or out-of-scale score, or a second answer in the round."""
    if not is_open(pulse_round):
        raise ServiceError(_l("This round is closed."))
    found = constituency_of(session, partnership_id=pulse_round.partnership_id, user=member)
    if found is None:
        raise ServiceError(
            _l("Only members who speak for a partner answer pulses: you belong to no constituency.")
        )
    constituency, _partner_id = found
    checked = _checked_scores(scores)
    if has_answered(session, pulse_round, member):
        raise ServiceError(_l("You have already answered this round."))
    return write_response(
        session,
        pulse_round,
        constituency=constituency,
        user_id=member.id,
        scores=checked,
        comment=comment,
    )


def record_contact_scores(session, pulse_round: PulseRound, contact, scores: dict, comment=""):
    """Record an SMS contact's answer (constituency "community"): the dimensions they scored,
    as SMS lets them skip some. Refused for a contact who has not joined the partnership, a
    score out of the scale or an unknown dimension, and a second answer in the round. The
    round's being open is the caller's to check: its closing records unfinished answers."""
    if (
        contacts.membership(session, contact=contact, partnership_id=pulse_round.partnership_id)
        is None
    ):
        raise ServiceError(_l("Only contacts who joined the partnership answer its pulses."))
    checked = {}
    for dimension, value in scores.items():
        if dimension not in DIMENSIONS or not (
            isinstance(value, int) and SCORE_MIN <= value <= SCORE_MAX
        ):
            raise ServiceError(_l("Choose a score from 1 to 5."), field=dimension)
        checked[dimension] = value
    return write_response(
        session,
        pulse_round,
        constituency=COMMUNITY,
        contact_id=contact.id,
        scores=checked,
        comment=comment,
    )


# Results


def _mean(total: int, count: int) -> Decimal:
    return (Decimal(total) / count).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass
class Group:
    constituency: str  # a sector, "community" or "pooled"
    respondents: int
    means: dict[str, Decimal] = field(default_factory=dict)
    members: tuple[str, ...] = ()  # for the pooled group: the constituencies in it
    comments: list[str] = field(default_factory=list)


@dataclass
class Gap:
    dimension: str
    high: Group
    low: Group
    difference: Decimal

    @property
    def wide(self) -> bool:
        return self.difference >= WIDE_GAP


@dataclass
class Results:
    groups: list[Group]
    gaps: list[Gap]  # largest first
    respondents: int
    withheld: int  # respondents of a pool too small to show
    overall: dict[str, Decimal]


def _sums(session, round_ids) -> dict:
    """{(round_id, constituency): {dimension: (total, count)}} in one query."""
    rows = session.execute(
        select(
            PulseScore.round_id,
            PulseScore.constituency,
            PulseScore.dimension,
            func.sum(PulseScore.score),
            func.count(),
        )
        .where(PulseScore.round_id.in_(round_ids))
        .group_by(PulseScore.round_id, PulseScore.constituency, PulseScore.dimension)
    )
    sums: dict = {}
    for round_id, constituency, dimension, total, count in rows:
        sums.setdefault((round_id, constituency), {})[dimension] = (int(total), count)
    return sums


def _group(constituency, parts: list[dict], members=()) -> Group:
    means, respondents = {}, 0
    for dimension in DIMENSIONS:
        total = sum(p.get(dimension, (0, 0))[0] for p in parts)
        count = sum(p.get(dimension, (0, 0))[1] for p in parts)
        if count:
            means[dimension] = _mean(total, count)
            respondents = max(respondents, count)
    return Group(constituency, respondents, means, tuple(members))


def _build(by_constituency: dict[str, dict]) -> tuple[list[Group], int, dict]:
    shown, small = [], []
    for constituency in sorted(by_constituency):
        group = _group(constituency, [by_constituency[constituency]])
        (shown if group.respondents >= MIN_GROUP else small).append(group)
    withheld = 0
    if small:
        pooled = _group(
            POOLED,
            [by_constituency[g.constituency] for g in small],
            [g.constituency for g in small],
        )
        # A pool of fewer than 5 would show a few people's scores: it is withheld.
        if pooled.respondents >= MIN_GROUP:
            shown.append(pooled)
        else:
            withheld = pooled.respondents
    overall = _group("all", list(by_constituency.values()))
    return shown, withheld, overall.means if overall.respondents >= MIN_GROUP else {}


def _gaps(groups: list[Group]) -> list[Gap]:
    gaps = []
    for dimension in DIMENSIONS:
        scored = [g for g in groups if dimension in g.means]
        if len(scored) < 2:
            continue
        high = max(scored, key=lambda g: g.means[dimension])
        low = min(scored, key=lambda g: g.means[dimension])
        gaps.append(Gap(dimension, high, low, high.means[dimension] - low.means[dimension]))
    return sorted(gaps, key=lambda gap: (-gap.difference, DIMENSIONS.index(gap.dimension)))


def results(session, pulse_round: PulseRound) -> Results:
    sums = _sums(session, [pulse_round.id])
    by_constituency = {c: dims for (_r, c), dims in sums.items()}
    groups, withheld, overall = _build(by_constituency)
    where = {c for g in groups for c in (g.members or (g.constituency,))}
    by_name = {g.constituency: g for g in groups}
    pooled = by_name.get(POOLED)
    for constituency, text in session.execute(
        select(PulseComment.constituency, PulseComment.text)
        .where(PulseComment.round_id == pulse_round.id)
        .order_by(PulseComment.id)
    ):
        # A comment goes with the group its constituency is shown in, never alone.
        if constituency in by_name:
            by_name[constituency].comments.append(text)
        elif pooled is not None and constituency in where:
            pooled.comments.append(text)
    return Results(
        groups=groups,
        gaps=_gaps(groups),
        respondents=sum(g.respondents for g in groups) + withheld,
        withheld=withheld,
        overall=overall,
    )


@dataclass
class TrendPoint:
    pulse_round: PulseRound
    overall: dict[str, Decimal]
    largest_gap: Gap | None


def trends(session, *, partnership_id: int) -> list[TrendPoint]:
    """Every round of the partnership, oldest first, with the mean of everyone per dimension
    (when at least 5 answered) and its largest gap between constituencies: two queries."""
    rounds = list(
        session.scalars(
            select(PulseRound)
            .where(PulseRound.partnership_id == partnership_id)
            .order_by(PulseRound.opens_at, PulseRound.id)
        )
    )
    sums = _sums(session, [r.id for r in rounds]) if rounds else {}
    points = []
    for pulse_round in rounds:
        by_constituency = {c: d for (r, c), d in sums.items() if r == pulse_round.id}
        groups, _withheld, overall = _build(by_constituency)
        gaps = _gaps(groups)
        points.append(TrendPoint(pulse_round, overall, gaps[0] if gaps else None))
    return points


def answered_rounds(session, *, partnership_id: int, user) -> set[int]:
    """The ids of the rounds `user` has answered, in one query."""
    return set(
        session.scalars(
            select(PulseResponse.round_id).where(
                PulseResponse.partnership_id == partnership_id, PulseResponse.user_id == user.id
            )
        )
    )
