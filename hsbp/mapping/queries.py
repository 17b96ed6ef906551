"""Read models of the mapping: the register, the grid, the inclusion panel and the network.

Each runs a fixed number of SQL statements whatever the number of participants, so pages
stay fast on a partnership with thousands of them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import case, func, or_, select, union_all
from sqlalchemy.orm import Session, joinedload, selectinload

from hsbp.errors import ServiceError
from hsbp.mapping.labels import PARTICIPANT_SECTOR_LABELS
from hsbp.mapping.models import (
    Participant,
    ParticipantLink,
    Validation,
    participant_tags,
)

PER_PAGE = 50


@dataclass
class RegisterFilter:
    q: str = ""
    sector: str = ""
    tag_id: int | None = None
    status: str = ""
    risk: str = ""
    reachable: str = ""
    interest: int | None = None
    influence: int | None = None

    def where(self, partnership_id: int) -> list:
        clauses = [Participant.partnership_id == partnership_id]
        if self.q.strip():
            # Searches what the reader may see: a protected participant only by pseudonym.
            needle = f"%{self.q.strip().lower()}%"
            clauses.append(
                or_(
                    Participant.sort_name.like(needle),
                    func.lower(Participant.locality).like(needle),
                )
            )
        if self.sector:
            clauses.append(Participant.sector == self.sector)
        if self.status:
            clauses.append(Participant.status == self.status)
        if self.risk:
            clauses.append(Participant.risk == self.risk)
        if self.reachable in ("yes", "no"):
            clauses.append(Participant.reachable.is_(self.reachable == "yes"))
        if self.interest:
            clauses.append(Participant.interest == self.interest)
        if self.influence:
            clauses.append(Participant.influence == self.influence)
        if self.tag_id:
            clauses.append(
                Participant.id.in_(
                    select(participant_tags.c.participant_id).where(
                        participant_tags.c.tag_id == self.tag_id
                    )
                )
            )
        return clauses


def _count_if(condition):
    return func.sum(case((condition, 1), else_=0))


def register(
    session: Session, *, partnership_id: int, filters: RegisterFilter, page: int = 1
) -> tuple[list[Participant], int]:
    """One page of participants matching `filters`, by name, and how many match in all."""
    clauses = filters.where(partnership_id)
    total = session.scalar(select(func.count()).select_from(Participant).where(*clauses)) or 0
    rows = session.scalars(
        select(Participant)
        .where(*clauses)
        .options(selectinload(Participant.tags), joinedload(Participant.proposed_by))
        .order_by(Participant.sort_name, Participant.id)
        .limit(PER_PAGE)
        .offset((max(page, 1) - 1) * PER_PAGE)
    ).all()
    return list(rows), total


def all_for_export(session: Session, *, partnership_id: int, filters: RegisterFilter):
    """Every matching participant, streamed in batches (exports can be large)."""
    return session.scalars(
        select(Participant)
        .where(*filters.where(partnership_id))
        .options(selectinload(Participant.tags), joinedload(Participant.proposed_by))
        .order_by(Participant.sort_name, Participant.id)
        .execution_options(yield_per=500)
    )


def grid(session: Session, *, partnership_id: int) -> dict[tuple[int, int], dict]:
    """{(interest, influence): {"total", "validated"}} over the 5 x 5 grid."""
    rows = session.execute(
        select(
            Participant.interest,
            Participant.influence,
            func.count(),
            _count_if(Participant.status == Validation.VALIDATED),
        )
        .where(Participant.partnership_id == partnership_id)
        .group_by(Participant.interest, Participant.influence)
    ).all()
    return {(i, f): {"total": n, "validated": int(v or 0)} for i, f, n, v in rows}


@dataclass
class InclusionRow:
    key: str
    label: str
    mapped: int = 0
    validated: int = 0
    reachable: int = 0

    @property
    def missing(self) -> bool:
        return self.mapped == 0


@dataclass
class Inclusion:
    groups: list[InclusionRow] = field(default_factory=list)
    sectors: list[InclusionRow] = field(default_factory=list)
    total: int = 0


def _counts(session: Session, key_column, join=None, where=()):
    validated = _count_if(Participant.status == Validation.VALIDATED)
    reachable = _count_if(Participant.reachable.is_(True))
    query = select(key_column, func.count(), validated, reachable).select_from(Participant)
    if join is not None:
        query = query.join(*join)
    rows = session.execute(query.where(*where).group_by(key_column)).all()
    return {key: (n, int(v or 0), int(r or 0)) for key, n, v, r in rows}


def inclusion(session: Session, *, partnership_id: int, tags, tag_label) -> Inclusion:
    """How many participants of each group and sector are mapped, validated and reachable."""
    scope = (Participant.partnership_id == partnership_id,)
    by_tag = _counts(
        session,
        participant_tags.c.tag_id,
        join=(participant_tags, participant_tags.c.participant_id == Participant.id),
        where=scope,
    )
    by_sector = _counts(session, Participant.sector, where=scope)
    result = Inclusion(total=sum(n for n, _v, _r in by_sector.values()))
    for tag in tags:
        n, v, r = by_tag.get(tag.id, (0, 0, 0))
        result.groups.append(InclusionRow(str(tag.id), tag_label(tag), n, v, r))
    for sector, label in PARTICIPANT_SECTOR_LABELS.items():
        n, v, r = by_sector.get(str(sector), (0, 0, 0))
        result.sectors.append(InclusionRow(str(sector), str(label), n, v, r))
    return result


@dataclass
class Network:
    nodes: list[Participant]
    links: list[ParticipantLink]
    participants_with_links: int
    total_links: int


def network(session: Session, *, partnership_id: int, limit: int = 40) -> Network:
    """The `limit` most connected participants and the relationships among them.

    A drawing of thousands of nodes says nothing on a phone screen; the most connected
    ones show who holds the local web together.
    """
    ends = union_all(
        select(ParticipantLink.source_id.label("pid")).where(
            ParticipantLink.partnership_id == partnership_id
        ),
        select(ParticipantLink.target_id.label("pid")).where(
            ParticipantLink.partnership_id == partnership_id
        ),
    ).subquery()
    degree = func.count().label("degree")
    top = session.execute(
        select(ends.c.pid, degree)
        .group_by(ends.c.pid)
        .order_by(degree.desc(), ends.c.pid)
        .limit(limit)
    ).all()
    counts = session.execute(select(func.count(func.distinct(ends.c.pid)), func.count())).one()
    ids = [pid for pid, _n in top]
    nodes = (
        list(
            session.scalars(
                select(Participant)
                .where(Participant.id.in_(ids))
                .order_by(Participant.sector, Participant.sort_name)
            )
        )
        if ids
        else []
    )
    links = (
        list(
            session.scalars(
                select(ParticipantLink).where(
                    ParticipantLink.partnership_id == partnership_id,
                    ParticipantLink.source_id.in_(ids),
                    ParticipantLink.target_id.in_(ids),
                )
            )
        )
        if ids
        else []
    )
    return Network(nodes, links, counts[0], counts[1] // 2)


def links_of(session: Session, *, participant: Participant) -> list[ParticipantLink]:
    """A participant's relationships in both directions, with the other participant loaded."""
    return list(
        session.scalars(
            select(ParticipantLink)
            .options(joinedload(ParticipantLink.source), joinedload(ParticipantLink.target))
            .where(
                ParticipantLink.partnership_id == participant.partnership_id,
                or_(
                    ParticipantLink.source_id == participant.id,
                    ParticipantLink.target_id == participant.id,
                ),
            )
            .order_by(ParticipantLink.kind, ParticipantLink.id)
        )
    )


def by_display_name(session: Session, *, partnership_id: int, name: str) -> Participant:
    """The participant shown under `name` in this partnership (pseudonym for protected ones)."""
    matches = session.scalars(
        select(Participant)
        .where(
            Participant.partnership_id == partnership_id,
            Participant.sort_name == name.strip().lower(),
        )
        .limit(2)
    ).all()
    if len(matches) != 1:
        raise ServiceError(
            _l("No participant of this partnership is shown under this name.")
            if not matches
            else _l("Several participants have this name; open the other one and link from there."),
            field="target",
        )
    return matches[0]


def get_link(session: Session, *, partnership_id: int, link_id: int) -> ParticipantLink | None:
    return session.scalar(
        select(ParticipantLink).where(
            ParticipantLink.id == link_id, ParticipantLink.partnership_id == partnership_id
        )
    )
