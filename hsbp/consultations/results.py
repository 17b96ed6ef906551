"""Results of a consultation, counted in SQL: answers per option, overall and by constituency.

Every figure comes from a GROUP BY over the answers (hsbp.consultations.tallies, which keeps
the counts until another response is finished); no answer is loaded into Python, so the
number of statements is the same for fifty respondents as for fifty thousand.

Small groups are protected. A group (a sector, a marginalised-group tag, a channel) with
fewer than MIN_GROUP respondents to a question shows no figures at all. Because the overall
figures are shown, a breakdown with exactly one hidden group would let a reader work out
its figures by subtraction (overall minus the groups shown); in that case the smallest shown
group is hidden as well, so only the sum of the two can be derived, never either one. The
same applies to everyone: a question answered by fewer than MIN_GROUP people shows nothing.
MIN_GROUP is the one threshold of hsbp.anonymity, which the exports of
anonymous consultations use too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from hsbp.anonymity import MIN_GROUP
from hsbp.consultations import tallies
from hsbp.consultations.answering import active_questions, choice_keys, choice_label, question_text
from hsbp.consultations.models import (
    CHOICE_KINDS,
    Channel,
    Consultation,
    Participation,
    Question,
    QuestionKind,
    ResponseState,
)
from hsbp.mapping.labels import PARTICIPANT_SECTOR_LABELS, tag_label
from hsbp.mapping.models import GroupTag

# Two constituencies whose shares of an option are this many points apart disagree on it.
DIVERGENCE_POINTS = 30

CHANNEL_LABELS = {
    Channel.WEB: _l("Web (members)"),
    Channel.PUBLIC: _l("Public link"),
    Channel.SMS: _l("SMS"),
    Channel.ASSISTED: _l("Assisted entry"),
}
NO_SECTOR = _l("Sector not given")
DIMENSION_TITLES = {
    "sector": _l("By sector"),
    "tag": _l("By marginalised group"),
    "channel": _l("By channel"),
}
SMALL = "small"  # fewer than MIN_GROUP respondents
COMPLEMENT = "complement"  # hidden so that a small group cannot be derived by subtraction


@dataclass
class OptionCount:
    key: str
    label: str
    count: int
    share: float  # of the respondents who answered the question (0..1)


@dataclass
class GroupResult:
    """One group's answers to a question; a hidden group carries no figures at all."""

    key: str
    label: str
    answered: int | None = None
    options: list[OptionCount] = field(default_factory=list)
    hidden: str = ""

    def share_of(self, key: str) -> float | None:
        return next((o.share for o in self.options if o.key == key), None)


@dataclass
class Breakdown:
    dimension: str
    title: str
    groups: list[GroupResult]

    @property
    def shown(self) -> list[GroupResult]:
        return [g for g in self.groups if not g.hidden]


@dataclass
class NumberStats:
    count: int
    minimum: float
    maximum: float
    mean: float


@dataclass
class QuestionResult:
    question: Question
    position: int
    text: str
    answered: int
    skipped: int
    options: list[OptionCount] = field(default_factory=list)
    breakdowns: list[Breakdown] = field(default_factory=list)
    stats: NumberStats | None = None

    @property
    def kind(self) -> str:
        return self.question.kind

    @property
    def is_choice(self) -> bool:
        return self.question.kind in CHOICE_KINDS

    @property
    def hidden(self) -> bool:
        return self.answered < MIN_GROUP


@dataclass
class ResponseRate:
    sector: str
    label: str
    asked: int
    complete: int

    @property
    def rate(self) -> float:
        return self.complete / self.asked if self.asked else 0.0


@dataclass
class Results:
    consultation: Consultation
    complete: int
    partial: int
    questions: list[QuestionResult]
    rates: list[ResponseRate]
    # When the figures are of an earlier moment (a very large consultation; see tallies).
    counted_at: datetime | None = None

    @property
    def respondents(self) -> int:
        return self.complete + self.partial


def sector_label(sector: str) -> str:
    if not sector:
        return NO_SECTOR
    return PARTICIPANT_SECTOR_LABELS.get(sector, sector)


def results(session: Session, *, consultation: Consultation, locale: str, fallback: str) -> Results:
    """Every active question's figures, with labels in `locale`. Runs a fixed number of
    statements whatever the number of respondents."""
    cid = consultation.id
    questions = active_questions(consultation)
    tags = session.scalars(
        select(GroupTag)
        .where(GroupTag.partnership_id == consultation.partnership_id)
        .order_by(GroupTag.position, GroupTag.id)
    ).all()
    tag_labels = {str(t.id): tag_label(t, locale=locale, fallback=fallback) for t in tags}

    counts = tallies.tally(session, cid)
    # Answered (not skipped) and skipped, per question and (sector, channel) cell.
    answered_cells: dict[int, dict[tuple[str, str], int]] = {}
    skipped: dict[int, int] = {}
    for qid, sector, channel, was_skipped, n in counts.answered:
        if was_skipped:
            skipped[qid] = skipped.get(qid, 0) + n
        else:
            cells = answered_cells.setdefault(qid, {})
            cells[(sector, channel)] = cells.get((sector, channel), 0) + n
    answered_by_tag: dict[int, dict[str, int]] = {}
    for qid, tag_id, n in counts.answered_by_tag:
        answered_by_tag.setdefault(qid, {})[tag_id] = n
    # Chosen options, per question, option and (sector, channel) cell, and per tag.
    choice_cells: dict[int, dict[tuple[str, str, str], int]] = {}
    for qid, key, sector, channel, n in counts.choices:
        choice_cells.setdefault(qid, {})[(key, sector, channel)] = n
    choices_by_tag: dict[int, dict[tuple[str, str], int]] = {}
    for qid, key, tag_id, n in counts.choices_by_tag:
        choices_by_tag.setdefault(qid, {})[(key, tag_id)] = n
    numbers = {qid: NumberStats(n, low, high, mean) for qid, n, low, high, mean in counts.numbers}

    question_results = []
    for position, question in enumerate(questions, start=1):
        cells = answered_cells.get(question.id, {})
        result = QuestionResult(
            question=question,
            position=position,
            text=question_text(question, locale, fallback),
            answered=sum(cells.values()),
            skipped=skipped.get(question.id, 0),
        )
        if not result.hidden:
            if result.is_choice:
                _fill_choices(
                    result,
                    cells,
                    choice_cells.get(question.id, {}),
                    answered_by_tag.get(question.id, {}),
                    choices_by_tag.get(question.id, {}),
                    tag_labels,
                    locale=locale,
                    fallback=fallback,
                )
            elif question.kind == QuestionKind.NUMBER:
                result.stats = numbers.get(question.id)
        question_results.append(result)
    return Results(
        consultation=consultation,
        complete=counts.states.get(ResponseState.COMPLETE, 0),
        partial=counts.states.get(ResponseState.PARTIAL, 0),
        questions=question_results,
        rates=response_rates(session, consultation=consultation),
        counted_at=counts.counted_at,
    )


def _options(question, answered: int, counts: dict[str, int], *, locale, fallback):
    return [
        OptionCount(
            key=key,
            label=choice_label(question, key, locale, fallback),
            count=counts.get(key, 0),
            share=counts.get(key, 0) / answered if answered else 0.0,
        )
        for key in choice_keys(question)
    ]


def _fill_choices(
    result, cells, choice_cells, answered_by_tag, choices_by_tag, tag_labels, *, locale, fallback
):
    question = result.question
    overall: dict[str, int] = {}
    by: dict[str, dict[str, dict[str, int]]] = {"sector": {}, "channel": {}}
    for (key, sector, channel), n in choice_cells.items():
        overall[key] = overall.get(key, 0) + n
        for dimension, group in (("sector", sector), ("channel", channel)):
            counts = by[dimension].setdefault(group, {})
            counts[key] = counts.get(key, 0) + n
    result.options = _options(question, result.answered, overall, locale=locale, fallback=fallback)

    answered: dict[str, dict[str, int]] = {"sector": {}, "channel": {}}
    for (sector, channel), n in cells.items():
        answered["sector"][sector] = answered["sector"].get(sector, 0) + n
        answered["channel"][channel] = answered["channel"].get(channel, 0) + n
    tag_counts: dict[str, dict[str, int]] = {}
    for (key, tag), n in choices_by_tag.items():
        tag_counts.setdefault(tag, {})[key] = n

    orders = {
        "sector": [*map(str, PARTICIPANT_SECTOR_LABELS)],
        "channel": [str(c) for c in Channel],
        "tag": list(tag_labels),
    }
    sources = {
        "sector": (answered["sector"], by["sector"], sector_label),
        "channel": (answered["channel"], by["channel"], lambda c: CHANNEL_LABELS.get(c, c)),
        "tag": (answered_by_tag, tag_counts, lambda t: tag_labels.get(t, t)),
    }
    for dimension, (sizes, counts, label) in sources.items():
        keys = [k for k in orders[dimension] if sizes.get(k)]
        keys += sorted(k for k in sizes if sizes[k] and k not in keys)
        groups = []
        for key in keys:
            size = sizes[key]
            group = GroupResult(key=key, label=label(key))
            if size < MIN_GROUP:
                group.hidden = SMALL
            else:
                group.answered = size
                group.options = _options(
                    question, size, counts.get(key, {}), locale=locale, fallback=fallback
                )
            groups.append(group)
        _protect(groups)
        result.breakdowns.append(Breakdown(dimension, DIMENSION_TITLES[dimension], groups))


def _protect(groups: list[GroupResult]) -> None:
    """Hide the smallest shown group when exactly one group is hidden, so the hidden group's
    figures cannot be computed as the overall figures minus those of the groups shown."""
    small = [g for g in groups if g.hidden]
    shown = [g for g in groups if not g.hidden]
    if len(small) != 1 or not shown:
        return
    smallest = min(shown, key=lambda g: (g.answered, g.key))
    smallest.hidden = COMPLEMENT
    smallest.answered = None
    smallest.options = []


def response_rates(session: Session, *, consultation: Consultation) -> list[ResponseRate]:
    """Complete participations over participations, per sector: a sector asked and silent
    shows 0%, so missing voices are seen."""
    rows = session.execute(
        select(
            Participation.sector,
            func.count(),
            func.sum(case((Participation.state == ResponseState.COMPLETE, 1), else_=0)),
        )
        .where(Participation.consultation_id == consultation.id)
        .group_by(Participation.sector)
    ).all()
    found = {sector: (asked, int(done or 0)) for sector, asked, done in rows}
    order = [str(s) for s in PARTICIPANT_SECTOR_LABELS]
    keys = [s for s in order if s in found] + sorted(s for s in found if s not in order)
    return [ResponseRate(s, sector_label(s), found[s][0], found[s][1]) for s in keys]


# Common ground -----------------------------------------------------------------------------


@dataclass
class SharedOption:
    """How widely one option is chosen across the constituencies (sectors) shown."""

    question: QuestionResult
    option: OptionCount
    shares: list[tuple[str, float]]  # (sector label, share), sectors of MIN_GROUP or more

    @property
    def min_share(self) -> float:
        return min(share for _label, share in self.shares)

    @property
    def max_share(self) -> float:
        return max(share for _label, share in self.shares)

    @property
    def gap(self) -> float:
        return self.max_share - self.min_share

    @property
    def divergent(self) -> bool:
        return round(self.gap * 100, 6) >= DIVERGENCE_POINTS


@dataclass
class CommonGround:
    by_question: list[tuple[QuestionResult, list[SharedOption]]]
    constituencies: int  # sectors shown in at least one question

    def _all(self) -> list[SharedOption]:
        return [option for _q, options in self.by_question for option in options]

    def most_shared(self, limit: int = 10) -> list[SharedOption]:
        """The options most widely shared: highest lowest-share first."""
        ranked = sorted(self._all(), key=lambda o: (-o.min_share, o.gap, o.question.position))
        return [o for o in ranked if o.min_share > 0][:limit]

    def most_divergent(self, limit: int = 10) -> list[SharedOption]:
        ranked = sorted(self._all(), key=lambda o: (-o.gap, o.question.position))
        return [o for o in ranked if o.divergent][:limit]


def common_ground(result: Results) -> CommonGround:
    """For each choice question, its options ranked by the lowest share among the sectors
    shown (an option every constituency chose often ranks first). Only sectors of MIN_GROUP
    respondents or more count, and a question needs two of them to compare."""
    by_question = []
    seen: set[str] = set()
    for question in result.questions:
        if not question.is_choice or question.hidden:
            continue
        sectors = next((b for b in question.breakdowns if b.dimension == "sector"), None)
        shown = [g for g in (sectors.shown if sectors else []) if g.key]
        if len(shown) < 2:
            continue
        seen.update(g.key for g in shown)
        options = [
            SharedOption(
                question=question,
                option=option,
                shares=[(g.label, g.share_of(option.key) or 0.0) for g in shown],
            )
            for option in question.options
        ]
        options.sort(key=lambda o: (-o.min_share, o.gap))
        by_question.append((question, options))
    return CommonGround(by_question=by_question, constituencies=len(seen))
