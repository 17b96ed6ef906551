"""Results of a community vote, counted in SQL: totals, and by locality, group and sector, with
groups under MIN_GROUP pooled.

Every figure comes from a GROUP BY over the ballots (the choice, or a ranking's digit at
each place); no ballot is loaded into Python, so a vote of fifty thousand ballots takes the
same statements as one of fifty.

Rankings are counted with a Borda count: with n options, the option a contact puts first
gets n-1 points, the second n-2, ... the last 0, and an option a partial ranking leaves out
gets no points. Options are shown by points, with how many contacts put each first.

Small groups are protected (hsbp.anonymity). Nothing but the number of ballots is shown
while there are fewer than MIN_GROUP of them. A breakdown by locality or sector (each
ballot in one group) shows groups of MIN_GROUP ballots or more; the smaller ones are pooled
into one row, and when that row would itself be smaller than MIN_GROUP the smallest shown
groups join it until it is not, so no small group can be read off the pool or worked out as
the total minus the groups shown (the rule of hsbp.consultations.results). A ballot can be
in several groups (women and youth), so the groups' pool counts each ballot once, and is not
shown if it has fewer than MIN_GROUP.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as _p
from sqlalchemy import String, cast, func, literal, select, true, union_all
from sqlalchemy.orm import Session

from hsbp.anonymity import MIN_GROUP
from hsbp.community.models import Ballot, Vote, VoteKind
from hsbp.community.vote_replies import CHOICES
from hsbp.i18n import translated
from hsbp.mapping.labels import PARTICIPANT_SECTOR_LABELS, tag_label
from hsbp.mapping.models import GroupTag

CHOICE_LABELS = {
    "support": _p("community vote", "Support"),
    "object": _p("community vote", "Object"),
    "info": _p("community vote", "Need more information"),
}
DIMENSIONS = ("locality", "tag", "sector")
DIMENSION_TITLES = {
    "locality": _l("By locality"),
    "tag": _l("By group"),
    "sector": _l("By sector"),
}
NO_LOCALITY = _l("Locality not given")
NO_SECTOR = _l("Sector not given")
POOLED = _l("Pooled: groups of fewer than %(count)d", count=MIN_GROUP)


@dataclass
class Figures:
    """One group's answers. `counts`: ballots per choice (support, object, info) for a
    SUPPORT vote, Borda points per option key for a ranking; `firsts`: a ranking's first
    choices per option key."""

    answered: int
    counts: dict[str, int]
    firsts: dict[str, int] = field(default_factory=dict)

    def share(self, key: str) -> float:
        return self.counts.get(key, 0) / self.answered if self.answered else 0.0


@dataclass
class Group:
    key: str
    label: str
    figures: Figures | None  # None: too small to show
    # The groups a pooled row stands for (their labels); empty for an ordinary group.
    members: list[str] = field(default_factory=list)

    @property
    def pooled(self) -> bool:
        return bool(self.members)


@dataclass
class Breakdown:
    dimension: str
    title: str
    groups: list[Group]


@dataclass
class VoteTally:
    vote: Vote
    answered: int
    figures: Figures | None  # None while fewer than MIN_GROUP answered
    breakdowns: list[Breakdown]
    # (key, label) of what is counted, in the order shown: the choices, or a ranking's
    # options by points.
    columns: list[tuple[str, str]]

    @property
    def hidden(self) -> bool:
        return self.figures is None


def support_counts(session: Session, *, vote_id: int) -> dict[str, int]:
    """{choice: ballots} of a SUPPORT vote, every choice present (for the adoption rule)."""
    found = dict.fromkeys(CHOICES, 0)
    rows = session.execute(
        select(Ballot.choice, func.count()).where(Ballot.vote_id == vote_id).group_by(Ballot.choice)
    )
    for choice, count in rows:
        if choice in found:
            found[choice] = count
    return found


def tally(session: Session, *, vote: Vote, locale: str, fallback: str) -> VoteTally:
    """The vote's results with labels in `locale`: a fixed number of statements whatever the
    number of ballots."""
    count = Counter(session, vote)
    total = count.cells(None).get("", {})
    figures = count.figures(total)
    columns = _columns(vote, figures, locale=locale, fallback=fallback)
    if figures.answered < MIN_GROUP:
        return VoteTally(vote, figures.answered, None, [], columns)
    tags = session.scalars(
        select(GroupTag)
        .where(GroupTag.partnership_id == vote.partnership_id)
        .order_by(GroupTag.position, GroupTag.id)
    ).all()
    tag_labels = {str(t.id): tag_label(t, locale=locale, fallback=fallback) for t in tags}
    breakdowns = [
        Breakdown("locality", str(DIMENSION_TITLES["locality"]), _by_locality(count)),
        Breakdown("tag", str(DIMENSION_TITLES["tag"]), _by_tag(count, tag_labels)),
        Breakdown("sector", str(DIMENSION_TITLES["sector"]), _by_sector(count)),
    ]
    return VoteTally(vote, figures.answered, figures, breakdowns, columns)


def _columns(vote: Vote, figures: Figures, *, locale: str, fallback: str):
    if vote.kind == VoteKind.SUPPORT:
        return [(choice, str(CHOICE_LABELS[choice])) for choice in CHOICES]
    options = [
        (option["key"], translated(option["label"], locale=locale, fallback=fallback))
        for option in vote.options
    ]
    # By points, then first choices; the listed order breaks what ties remain.
    return sorted(
        options,
        key=lambda o: (-figures.counts.get(o[0], 0), -figures.firsts.get(o[0], 0)),
    )


class Counter:
    """The GROUP BYs of one vote: cells per group of a dimension. A cell is a choice
    ("support") for a SUPPORT vote, or (place, digit) for a ranking ((1, "3": the third
    option put first)."""

    def __init__(self, session: Session, vote: Vote):
        self.session, self.vote = session, vote
        self.ranking = vote.kind == VoteKind.RANKING
        self.size = len(vote.options)

    def _run(self, grouped: list, query) -> dict[str, dict]:
        """Count `query`'s ballots by (its group columns, choice); a ranking's choices are
        then spread over their places on those few rows ("312" counts 3 at place 1...), not
        on every ballot."""
        counted = query.add_columns(Ballot.choice, func.count()).group_by(*grouped, Ballot.choice)
        if not self.ranking:
            return self._collect(self.session.execute(counted), bool(grouped))
        rows = counted.subquery("by_choice")
        places = union_all(
            *(select(literal(k).label("k")) for k in range(1, self.size + 1))
        ).subquery("places")
        group = [rows.c[i] for i in range(len(grouped))]
        digit = func.substr(rows.c.choice, places.c.k, 1)
        spread = (
            select(*group, places.c.k, digit, func.sum(rows.c[len(grouped) + 1]))
            .select_from(rows)
            .join(places, func.length(rows.c.choice) >= places.c.k)
            .group_by(*group, places.c.k, digit)
        )
        return self._collect(self.session.execute(spread), bool(grouped))

    def cells(self, dimension: str | None) -> dict[str, dict]:
        """{group key: {cell: ballots}}; one group "" for the totals (dimension None)."""
        column = {"locality": Ballot.locality, "sector": Ballot.sector, None: None}[dimension]
        grouped = [column] if column is not None else []
        query = select(*grouped).where(Ballot.vote_id == self.vote.id)
        return self._run(grouped, query)

    def tag_cells(self, *, pooled: list[str] | None = None) -> dict[str, dict]:
        """{tag id: {cell: ballots}}; with `pooled` tag ids, one group "" counting each ballot
        in any of them once."""
        tag = _tag_values(self.session)
        tag_id = cast(tag.c.value, String)
        if pooled is not None:
            # Each ballot once, however many of the pooled groups it is in.
            in_pool = (
                select(Ballot.id)
                .join(tag, true())
                .where(Ballot.vote_id == self.vote.id, tag_id.in_(pooled))
            )
            query = select().where(Ballot.vote_id == self.vote.id, Ballot.id.in_(in_pool))
            return self._run([], query)
        query = select(tag_id).join(tag, true()).where(Ballot.vote_id == self.vote.id)
        return self._run([tag_id], query)

    def _collect(self, rows, grouped: bool) -> dict[str, dict]:
        out: dict[str, dict] = {}
        for row in rows:
            key = str(row[0] or "") if grouped else ""
            rest = row[1:] if grouped else row
            cell = (int(rest[0]), str(rest[1])) if self.ranking else rest[0]
            out.setdefault(key, {})[cell] = rest[-1]
        return out

    def figures(self, cells: dict) -> Figures:
        if not self.ranking:
            counts = {choice: cells.get(choice, 0) for choice in CHOICES}
            return Figures(sum(cells.values()), counts)
        keys = [option["key"] for option in self.vote.options]
        points = dict.fromkeys(keys, 0)
        firsts = dict.fromkeys(keys, 0)
        for (place, digit), ballots in cells.items():
            if not digit.isdigit() or not 1 <= int(digit) <= self.size:
                continue
            key = keys[int(digit) - 1]
            points[key] += (self.size - place) * ballots
            if place == 1:
                firsts[key] += ballots
        return Figures(sum(firsts.values()), points, firsts)


def _tag_values(session: Session):
    """The elements of `Ballot.tag_ids` as a table joined to each ballot (JSON on both
    databases: json_each on SQLite, json_array_elements_text on PostgreSQL)."""
    if session.get_bind().dialect.name == "postgresql":
        return func.json_array_elements_text(Ballot.tag_ids).table_valued("value").alias("tags")
    return func.json_each(Ballot.tag_ids).table_valued("value").alias("tags")


def _merge(cells: list[dict]) -> dict:
    merged: dict = {}
    for one in cells:
        for cell, ballots in one.items():
            merged[cell] = merged.get(cell, 0) + ballots
    return merged


def _pool_disjoint(counter: Counter, groups: list[tuple[str, str, dict]]) -> list[Group]:
    """Groups of MIN_GROUP ballots or more as they are; the smaller pooled into one row, with
    the smallest shown ones added while the pool is still smaller than MIN_GROUP."""
    sized = [(key, label, cells, counter.figures(cells)) for key, label, cells in groups]
    shown = [g for g in sized if g[3].answered >= MIN_GROUP]
    pool = [g for g in sized if g[3].answered < MIN_GROUP]
    if pool:
        while sum(g[3].answered for g in pool) < MIN_GROUP and shown:
            smallest = min(shown, key=lambda g: (g[3].answered, g[1]))
            shown.remove(smallest)
            pool.append(smallest)
    rows = [Group(key, label, figures) for key, label, _cells, figures in shown]
    if pool:
        figures = counter.figures(_merge([g[2] for g in pool]))
        pooled = {g[0] for g in pool}
        rows.append(
            Group(
                "",
                str(POOLED),
                figures if figures.answered >= MIN_GROUP else None,
                members=[g[1] for g in sized if g[0] in pooled],
            )
        )
    return rows


def _by_locality(counter: Counter) -> list[Group]:
    cells = counter.cells("locality")
    keys = sorted((k for k in cells if k), key=str.casefold) + ([""] if "" in cells else [])
    return _pool_disjoint(counter, [(k, k or str(NO_LOCALITY), cells[k]) for k in keys])


def _by_sector(counter: Counter) -> list[Group]:
    cells = counter.cells("sector")
    order = [str(s) for s in PARTICIPANT_SECTOR_LABELS]
    keys = [k for k in order if k in cells] + sorted(k for k in cells if k not in order)
    return _pool_disjoint(
        counter,
        [
            (k, str(PARTICIPANT_SECTOR_LABELS.get(k, k)) if k else str(NO_SECTOR), cells[k])
            for k in keys
        ],
    )


def _by_tag(counter: Counter, tag_labels: dict[str, str]) -> list[Group]:
    cells = counter.tag_cells()
    shown, small = [], []
    for key, label in tag_labels.items():
        if key not in cells:
            continue
        figures = counter.figures(cells[key])
        (shown if figures.answered >= MIN_GROUP else small).append(Group(key, label, figures))
    if not small:
        return shown
    pooled = counter.figures(counter.tag_cells(pooled=[g.key for g in small]).get("", {}))
    members = [g.label for g in small]
    return [
        *shown,
        Group("", str(POOLED), pooled if pooled.answered >= MIN_GROUP else None, members),
    ]
