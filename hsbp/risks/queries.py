"""Reading the register: one page of the risks a member may read, in salience order, with
what each row shows (the connections the reader may see, the count of linked sources) in a
fixed number of queries however many rows there are; a risk's page; the places risks name."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import case, exists, func, literal, select, true
from sqlalchemy.orm import Session, selectinload

from hsbp.actions.checks import known_localities
from hsbp.partnerships.models import Membership, Partner
from hsbp.risks import permissions, salience
from hsbp.risks.models import LinkKind, Risk, RiskConnection, RiskLink, RiskStatus

PER_PAGE = 50
# Links that say where a risk was seen, as against what answers it (actions, indicators).
SOURCE_LINKS = (LinkKind.GRIEVANCE, LinkKind.OUTCOME_ITEM, LinkKind.PULSE_GAP, LinkKind.INCIDENT)


@dataclass(frozen=True)
class Filters:
    """What the register is narrowed to; None filters nothing. Values are checked by the
    caller against what the page offers (RegisterFilterForm)."""

    status: str | None = None
    kind: str | None = None
    dimension: str | None = None
    locality: str | None = None
    partner: int | None = None

    def query_args(self) -> dict[str, str]:
        """The filters as URL arguments, for the pager's links."""
        values = {
            "status": self.status,
            "kind": self.kind,
            "dimension": self.dimension,
            "locality": self.locality,
            "partner": self.partner,
        }
        return {key: str(value) for key, value in values.items() if value is not None}

    def __bool__(self) -> bool:
        return bool(self.query_args())


@dataclass(frozen=True)
class Shown:
    """A connection as a row shows it to a reader allowed to read it."""

    id: int
    partner_id: int
    partner_name: str
    connection: str


@dataclass(frozen=True)
class Row:
    risk: Risk
    severity: str  # a band of salience.SEVERITY_BANDS
    likelihood: str  # a band of salience.LIKELIHOOD_BANDS
    connections: list[Shown] = field(default_factory=list)
    sources: dict[str, int] = field(default_factory=dict)  # {link kind: count}
    answers: dict[str, int] = field(default_factory=dict)  # actions and indicators linked

    @property
    def source_count(self) -> int:
        return sum(self.sources.values())


@dataclass(frozen=True)
class RegisterPage:
    rows: list[Row]
    total: int
    page: int
    per_page: int = PER_PAGE

    @property
    def has_next(self) -> bool:
        return self.page * self.per_page < self.total


def _elements(session: Session, column):
    """The elements of a JSON list column as a table joined to its row (json_each on
    SQLite, json_array_elements_text on PostgreSQL), so lists are searched in SQL alike."""
    if session.get_bind().dialect.name == "postgresql":
        return func.json_array_elements_text(column).table_valued("value").alias("elements")
    return func.json_each(column).table_valued("value").alias("elements")


def _holds(session: Session, column, value: str):
    elements = _elements(session, column)
    return exists(select(literal(1)).select_from(elements).where(elements.c.value == value))


def _narrowed(session: Session, filters: Filters) -> list:
    clauses = []
    if filters.status:
        clauses.append(Risk.status == filters.status)
    if filters.kind:
        clauses.append(Risk.kind == filters.kind)
    if filters.dimension:
        clauses.append(_holds(session, Risk.dimensions, filters.dimension))
    if filters.locality:
        clauses.append(_holds(session, Risk.localities, filters.locality))
    if filters.partner is not None:
        clauses.append(
            exists(
                select(RiskConnection.id).where(
                    RiskConnection.risk_id == Risk.id,
                    RiskConnection.partner_id == filters.partner,
                )
            )
        )
    return clauses


def register_page(
    session: Session, *, membership: Membership, filters: Filters, page: int = 1
) -> RegisterPage:
    """One page (PER_PAGE rows) of the risks `membership` may read, narrowed by `filters`:
    open ones first, then by salience (severity, then likelihood), then by number. Each row
    carries the connections the reader may see (its own partner's; every one for a
    facilitator) and its linked sources counted by kind. At most five queries, whatever the
    number of rows (the charter's rule, the count, the rows, their connections, their
    links)."""
    page = max(page, 1)
    scope = [
        Risk.partnership_id == membership.partnership_id,
        permissions.visible_clause(session, membership),
        *_narrowed(session, filters),
    ]
    total = session.scalar(select(func.count()).select_from(Risk).where(*scope)) or 0
    risks = list(
        session.scalars(
            select(Risk)
            .where(*scope)
            .order_by(
                case((Risk.status == RiskStatus.OPEN, 0), else_=1),
                Risk.salience.desc(),
                Risk.number,
            )
            .limit(PER_PAGE)
            .offset((page - 1) * PER_PAGE)
        )
    )
    ids = [risk.id for risk in risks]
    shown = _connections_shown(session, membership, ids)
    counts = _link_counts(session, membership.partnership_id, ids)
    rows = []
    for risk in risks:
        severity, likelihood = salience.bands(risk)
        linked = counts.get(risk.id, {})
        rows.append(
            Row(
                risk=risk,
                severity=severity,
                likelihood=likelihood,
                connections=shown.get(risk.id, []),
                sources={k: n for k, n in linked.items() if k in SOURCE_LINKS},
                answers={k: n for k, n in linked.items() if k not in SOURCE_LINKS},
            )
        )
    return RegisterPage(rows=rows, total=total, page=page)


def _connections_shown(
    session: Session, membership: Membership, risk_ids: list[int]
) -> dict[int, list[Shown]]:
    """{risk id: connections the reader may read}: all for a facilitator, else its own
    partner's only (a company's connection is its own due diligence)."""
    facilitator = permissions.is_facilitator(membership)
    if not risk_ids or (not facilitator and membership.partner_id is None):
        return {}
    query = (
        select(
            RiskConnection.risk_id,
            RiskConnection.id,
            RiskConnection.partner_id,
            Partner.name,
            RiskConnection.connection,
        )
        .join(Partner, Partner.id == RiskConnection.partner_id)
        .where(
            RiskConnection.partnership_id == membership.partnership_id,
            RiskConnection.risk_id.in_(risk_ids),
        )
        .order_by(Partner.name, RiskConnection.id)
    )
    if not facilitator:
        query = query.where(RiskConnection.partner_id == membership.partner_id)
    out: dict[int, list[Shown]] = {}
    for risk_id, connection_id, partner_id, name, connection in session.execute(query):
        out.setdefault(risk_id, []).append(Shown(connection_id, partner_id, name, connection))
    return out


def _link_counts(
    session: Session, partnership_id: int, risk_ids: list[int]
) -> dict[int, dict[str, int]]:
    if not risk_ids:
        return {}
    rows = session.execute(
        select(RiskLink.risk_id, RiskLink.kind, func.count())
        .where(RiskLink.partnership_id == partnership_id, RiskLink.risk_id.in_(risk_ids))
        .group_by(RiskLink.risk_id, RiskLink.kind)
    )
    out: dict[int, dict[str, int]] = {}
    for risk_id, kind, n in rows:
        out.setdefault(risk_id, {})[kind] = n
    return out


def visible_risk(session: Session, *, membership: Membership, risk_id: int) -> Risk | None:
    """The risk `risk_id` of the member's partnership if they may read it, with its
    connections and their partners loaded; None otherwise (the page then says nothing more
    than for an id that does not exist)."""
    return session.scalar(
        select(Risk)
        .where(
            Risk.id == risk_id,
            Risk.partnership_id == membership.partnership_id,
            permissions.visible_clause(session, membership),
        )
        .options(selectinload(Risk.connections).selectinload(RiskConnection.partner))
    )


def readable_connections(membership: Membership, risk: Risk) -> tuple[list[RiskConnection], int]:
    """The risk's connections `membership` may read, and how many others there are."""
    readable = [c for c in risk.connections if permissions.can_read_connection(membership, c)]
    return readable, len(risk.connections) - len(readable)


def register_places(session: Session, *, membership: Membership) -> list[str]:
    """The places named by the risks `membership` may read, for the register's filter."""
    elements = _elements(session, Risk.localities)
    found = session.scalars(
        select(elements.c.value)
        .select_from(Risk)
        .join(elements, true())
        .where(
            Risk.partnership_id == membership.partnership_id,
            permissions.visible_clause(session, membership),
        )
        .distinct()
    )
    return sorted({str(place) for place in found if place}, key=str.casefold)


def known_places(session: Session, *, partnership_id: int) -> list[str]:
    """The places the partnership knows (its participant register's and its actions', see
    hsbp.actions.checks) and those its risks name, each once, alphabetically."""
    elements = _elements(session, Risk.localities)
    named = session.scalars(
        select(elements.c.value)
        .select_from(Risk)
        .join(elements, true())
        .where(Risk.partnership_id == partnership_id)
        .distinct()
    )
    found = {p.casefold(): p for p in known_localities(session, partnership_id=partnership_id)}
    for place in named:
        if place:
            found.setdefault(str(place).casefold(), str(place))
    return sorted(found.values(), key=str.casefold)
