"""What the report by framework lists under each reference, read for one framework in a fixed
number of queries: the goals, actions, indicators and risks tagged with it (each kind joined
to its tags by the tagged row's primary key), the indicators' latest values, the risks'
connections and the grievances linked to them. Only the columns shown are read, and each
word and date is put into the reader's language once (framework_parts.Words)."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date

from sqlalchemy import Integer, case, cast, exists, func, or_, select
from sqlalchemy.orm import Session

from hsbp.actions.models import CLOSED, Action, action_supporters
from hsbp.i18n import isolated
from hsbp.monitoring.models import Indicator, Measurement
from hsbp.monitoring.queries import standing_of
from hsbp.partnerships.models import Membership, Partner
from hsbp.risks import permissions, salience
from hsbp.risks.framework_models import FrameworkTag
from hsbp.risks.framework_parts import (
    ActionLine,
    GoalLine,
    IndicatorLine,
    RiskLine,
    Words,
)
from hsbp.risks.models import LinkKind, Risk, RiskConnection, RiskLink
from hsbp.risks.responses import CONNECTION_LABELS
from hsbp.risks.tagging import ACTION, GOAL, INDICATOR, RISK, charter_goals

SDG = "sdg"
ACTION_COLUMNS = (Action.id, Action.title, Action.status, Action.progress, Action.due_on)
RISK_COLUMNS = (
    Risk.id,
    Risk.number,
    Risk.title,
    Risk.status,
    Risk.kind,
    Risk.scale,
    Risk.scope,
    Risk.irremediability,
    Risk.likelihood,
)


class Scope:
    """The partnership, the framework's tags and the partner the report is narrowed to."""

    def __init__(self, session: Session, partnership_id: int, key: str, partner_id: int | None):
        self.session, self.partnership_id, self.key = session, partnership_id, key
        self.partner_id = partner_id

    def tags(self, kind: str) -> tuple:
        """The WHERE clauses of this framework's tags of items of `kind`."""
        return (
            FrameworkTag.partnership_id == self.partnership_id,
            FrameworkTag.subject_kind == kind,
            FrameworkTag.reference.startswith(f"{self.key}:", autoescape=True),
        )

    @staticmethod
    def row_id(kind: str):
        """The id a tag of `kind` names, as a number, so the row is found by its primary key
        (a text comparison with the id would read every row for every tag). Only a tag of
        `kind` is cast: a goal's key is no number, whatever order the database filters in."""
        return cast(
            case((FrameworkTag.subject_kind == kind, FrameworkTag.subject_key), else_=None),
            Integer,
        )

    def tagged_ids(self, kind: str, model, *where):
        """A subquery of the ids of `model` rows tagged in this framework."""
        return (
            select(model.id)
            .select_from(FrameworkTag)
            .join(model, model.id == self.row_id(kind))
            .where(*self.tags(kind), model.partnership_id == self.partnership_id, *where)
        )


def goals(scope: Scope, lines: dict, words: Words) -> None:
    """Goals of the charter in force or its latest version: two queries."""
    _latest, named = charter_goals(scope.session, partnership_id=scope.partnership_id)
    rows = scope.session.execute(
        select(FrameworkTag.subject_key, FrameworkTag.reference)
        .where(*scope.tags(GOAL))
        .order_by(FrameworkTag.id)
    )
    for goal_key, code in rows:
        if code in lines and goal_key in named:
            lines[code].goals.append(GoalLine(goal_key, words.text(named[goal_key][0]["title"])))


def _action_line(row, words: Words, today: date, *, by_sdg_target: bool = False) -> ActionLine:
    return ActionLine(
        id=row.id,
        title=words.text(row.title),
        status=row.status,
        status_label=words.word("action_status", row.status),
        progress=row.progress,
        progress_text=words.share(row.progress / 100),
        due=words.day(row.due_on),
        overdue=row.due_on is not None and row.due_on < today and row.status not in CLOSED,
        lead=row.lead,
        by_sdg_target=by_sdg_target,
    )


def actions(scope: Scope, lines: dict, words: Words, today: date) -> None:
    """Tagged actions, soonest due first: one query, and one more for the SDG framework
    (the SDG targets an action names count as its tags)."""
    narrowed = []
    if scope.partner_id is not None:
        narrowed.append(
            or_(
                Action.lead_partner_id == scope.partner_id,
                exists().where(
                    action_supporters.c.action_id == Action.id,
                    action_supporters.c.partner_id == scope.partner_id,
                ),
            )
        )
    order = (Action.due_on.is_(None), Action.due_on, Action.id)
    lead = Partner.name.label("lead")
    rows = scope.session.execute(
        select(FrameworkTag.reference, *ACTION_COLUMNS, lead)
        .select_from(FrameworkTag)
        .join(Action, Action.id == scope.row_id(ACTION))
        .join(Partner, Partner.id == Action.lead_partner_id)
        .where(*scope.tags(ACTION), Action.partnership_id == scope.partnership_id, *narrowed)
        .order_by(*order)
    )
    tagged: set[tuple[str, int]] = set()
    for row in rows:
        if row.reference in lines:
            tagged.add((row.reference, row.id))
            lines[row.reference].actions.append(_action_line(row, words, today))
    if scope.key != SDG:
        return
    rows = scope.session.execute(
        select(*ACTION_COLUMNS, Action.sdg_targets, lead)
        .join(Partner, Partner.id == Action.lead_partner_id)
        .where(Action.partnership_id == scope.partnership_id, *narrowed)
        .order_by(*order)
    ).all()
    for row in rows:
        for target in row.sdg_targets or []:
            code = f"{SDG}:{target}"
            if code in lines and (code, row.id) not in tagged:
                tagged.add((code, row.id))
                lines[code].actions.append(_action_line(row, words, today, by_sdg_target=True))
    due = {row.id: row.due_on for row in rows}
    for line in lines.values():
        line.actions.sort(key=lambda a: (due[a.id] is None, due[a.id] or date.min, a.id))


def indicators(scope: Scope, lines: dict, words: Words) -> None:
    """Tagged indicators with their latest value in force against the target: two queries."""
    narrowed = [Indicator.partner_id == scope.partner_id] if scope.partner_id else []
    rows = scope.session.execute(
        select(FrameworkTag.reference, Indicator)
        .select_from(FrameworkTag)
        .join(Indicator, Indicator.id == scope.row_id(INDICATOR))
        .where(*scope.tags(INDICATOR), Indicator.partnership_id == scope.partnership_id, *narrowed)
        .order_by(Indicator.id)
    ).all()
    ranked = (
        select(
            Measurement.indicator_id,
            Measurement.period_on,
            Measurement.value,
            func.row_number()
            .over(
                partition_by=Measurement.indicator_id,
                order_by=(Measurement.period_on.desc(), Measurement.revision.desc()),
            )
            .label("rank"),
        )
        .where(
            Measurement.partnership_id == scope.partnership_id,
            Measurement.breakdown == "",
            Measurement.indicator_id.in_(scope.tagged_ids(INDICATOR, Indicator)),
        )
        .subquery()
    )
    latest = {
        row.indicator_id: [(row.period_on, row.value)]
        for row in scope.session.execute(select(ranked).where(ranked.c.rank == 1))
    }
    reader = words.reader
    for code, indicator in rows:
        if code not in lines:
            continue
        standing = standing_of(indicator, latest.get(indicator.id, []))
        value = standing.latest
        lines[code].indicators.append(
            IndicatorLine(
                id=indicator.id,
                name=words.text(indicator.name),
                latest=f"{isolated(reader.amount(indicator, value[1]))} ({words.day(value[0])})"
                if value
                else "",
                target=f"{isolated(reader.amount(indicator, indicator.target_value))} "
                f"({words.day(indicator.target_on)})",
                achieved=words.share(standing.progress.achieved),
                track=str(standing.progress.track),
                track_label=words.word("track", standing.progress.track),
            )
        )


def risks(scope: Scope, lines: dict, words: Words, membership: Membership) -> None:
    """Tagged risks the reader may read, most salient first, with their connections and the
    grievances linked to them: three queries, and the one the register's rule takes."""
    session = scope.session
    where = [permissions.visible_clause(session, membership)]
    if scope.partner_id is not None:
        where.append(
            exists().where(
                RiskConnection.risk_id == Risk.id, RiskConnection.partner_id == scope.partner_id
            )
        )
    rows = session.execute(
        select(FrameworkTag.reference, *RISK_COLUMNS)
        .select_from(FrameworkTag)
        .join(Risk, Risk.id == scope.row_id(RISK))
        .where(*scope.tags(RISK), Risk.partnership_id == scope.partnership_id, *where)
        .order_by(Risk.salience.desc(), Risk.number)
    ).all()
    wanted = scope.tagged_ids(RISK, Risk, *where)
    connections: dict[int, Counter] = defaultdict(Counter)
    for risk_id, kind, count in session.execute(
        select(RiskConnection.risk_id, RiskConnection.connection, func.count())
        .where(RiskConnection.risk_id.in_(wanted))
        .group_by(RiskConnection.risk_id, RiskConnection.connection)
    ):
        connections[risk_id][kind] += count
    grievances: dict[int, set[int]] = defaultdict(set)
    for risk_id, grievance_id in session.execute(
        select(RiskLink.risk_id, RiskLink.target_id)
        .where(
            RiskLink.partnership_id == scope.partnership_id,
            RiskLink.kind == LinkKind.GRIEVANCE,
            RiskLink.risk_id.in_(wanted),
        )
        .distinct()
    ):
        grievances[risk_id].add(grievance_id)
    said: dict[int, str] = {}
    linked: dict[str, set[int]] = defaultdict(set)
    for row in rows:
        if row.reference not in lines:
            continue
        line = lines[row.reference]
        if row.id not in said:
            said[row.id] = " · ".join(
                f"{words.word('connection', kind)}: {words.number(n)}"
                for kind, n in sorted(connections[row.id].items(), key=_connection_order)
                if kind in CONNECTION_LABELS
            )
        severity, likelihood = salience.bands(row)
        line.risks.append(
            RiskLine(
                id=row.id,
                label=f"R-{row.number}",
                title=words.text(row.title),
                status=row.status,
                status_label=words.word("risk_status", row.status),
                severity=words.word("severity", severity),
                likelihood=words.word("likelihood", likelihood),
                connections=said[row.id],
                grievances=len(grievances.get(row.id, ())),
            )
        )
        linked[row.reference] |= grievances.get(row.id, set())
    for code, found in linked.items():
        lines[code].grievances_linked = len(found)


def _connection_order(item) -> int:
    return list(CONNECTION_LABELS).index(item[0]) if item[0] in CONNECTION_LABELS else 99
