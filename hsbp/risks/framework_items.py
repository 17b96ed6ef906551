"""What the report by framework lists under each reference, read for one framework in a fixed
number of queries: the goals, actions, indicators and risks tagged with it (each kind joined
to its tags by the tagged row's primary key), the indicators' latest values, the risks'
connections and the grievances linked to them. Only the columns shown are read, and each
word and date is put into the reader's language once (framework_parts.Words).

A page lists at most `Scope.limit` items of each kind under a reference: the database ranks
the rows under each reference and counts them all (framework_scope), so only the rows shown
cross the wire and every count stays exact. The files list every row."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from sqlalchemy import and_, case, distinct, exists, func, or_, select

from hsbp.actions.models import CLOSED, Action, ActionStatus, action_supporters
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
from hsbp.risks.framework_scope import Scope
from hsbp.risks.models import LinkKind, Risk, RiskConnection, RiskLink, RiskStatus
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
# The register's order: open risks first, then the most salient, then by number.
RISK_ORDER = (case((Risk.status == RiskStatus.OPEN, 0), else_=1), Risk.salience.desc(), Risk.number)
STARTED = (ActionStatus.IN_PROGRESS, ActionStatus.BLOCKED)


def _counted(lines: dict, kind: str, rows) -> int:
    """Sets each reference's total of `kind` from the ranked rows; the distinct items."""
    items = 0
    for row in rows:
        lines[row.reference].totals[kind] = row.tag_total
        items = row.tag_items
    return items


def goals(scope: Scope, lines: dict, words: Words) -> int:
    """Goals of the charter in force or its latest version (a few, cut here): two queries.
    Returns how many distinct goals are tagged."""
    _latest, named = charter_goals(scope.session, partnership_id=scope.partnership_id)
    rows = scope.session.execute(
        select(FrameworkTag.subject_key, FrameworkTag.reference)
        .where(*scope.tags(GOAL))
        .order_by(FrameworkTag.id)
    )
    found: dict[str, list[str]] = defaultdict(list)
    for goal_key, code in rows:
        if code in lines and goal_key in named:
            found[code].append(goal_key)
    for code, keys in found.items():
        lines[code].totals["goals"] = len(keys)
        lines[code].goals = [
            GoalLine(key, words.text(named[key][0]["title"])) for key in scope.cut(keys)
        ]
    return len({key for keys in found.values() for key in keys})


def _action_line(row, words: Words, today: date, *, by_sdg_target: bool = False) -> ActionLine:
    return ActionLine(
        id=row.id,
        title=words.text(row.title),
        status=row.status,
        status_label=words.word("action_status", row.status),
        progress=row.progress,
        progress_text=words.share(row.progress / 100),
        due=words.day(row.due_on),
        overdue=_overdue(row, today),
        lead=row.lead,
        by_sdg_target=by_sdg_target,
    )


def _overdue(row, today: date) -> bool:
    return row.due_on is not None and row.due_on < today and row.status not in CLOSED


def _action_order(today: date) -> tuple:
    """The most relevant first: overdue, then under way (in progress or blocked), then
    planned, then done or dropped; soonest due first within each."""
    open_ = Action.status.not_in(CLOSED)
    relevance = case(
        (and_(open_, Action.due_on < today), 0),
        (Action.status.in_(STARTED), 1),
        (open_, 2),
        else_=3,
    )
    return (relevance, Action.due_on.is_(None), Action.due_on, Action.id)


def _action_key(row, today: date) -> tuple:
    """_action_order in Python, for actions merged from their SDG targets."""
    if _overdue(row, today):
        relevance = 0
    elif row.status in STARTED:
        relevance = 1
    else:
        relevance = 2 if row.status not in CLOSED else 3
    return (relevance, row.due_on is None, row.due_on or date.min, row.id)


def actions(scope: Scope, lines: dict, words: Words, today: date) -> int:
    """Tagged actions, the most relevant first: one query, and one more for the SDG framework
    (the SDG targets an action names count as its tags). Returns how many distinct."""
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
    if scope.key == SDG:
        return _sdg_actions(scope, lines, words, today, narrowed)
    tagged = scope.ranked(ACTION, Action, _action_order(today), *narrowed)
    rows = scope.session.execute(
        select(*scope.counts(tagged), *ACTION_COLUMNS, Partner.name.label("lead"))
        .join_from(tagged, Action, Action.id == tagged.c.id)
        .join(Partner, Partner.id == Action.lead_partner_id)
        .where(*scope.kept(tagged))
        .order_by(tagged.c.tag_place)
    ).all()
    for row in rows:
        lines[row.reference].actions.append(_action_line(row, words, today))
    return _counted(lines, "actions", rows)


def _sdg_actions(scope: Scope, lines: dict, words: Words, today: date, narrowed) -> int:
    """The SDG targets written on actions count as tags: every action of the partnership is
    read with its targets (one query besides the tags'), so the lists are merged and cut
    here rather than in the database."""
    found: dict[str, dict[int, tuple]] = defaultdict(dict)  # {code: {action id: (row, by)}}
    tagged = (
        select(FrameworkTag.reference, *ACTION_COLUMNS, Partner.name.label("lead"))
        .select_from(FrameworkTag)
        .join(Action, Action.id == scope.row_id(ACTION))
        .join(Partner, Partner.id == Action.lead_partner_id)
        .where(*scope.tags(ACTION), Action.partnership_id == scope.partnership_id, *narrowed)
    )
    for row in scope.session.execute(tagged):
        found[row.reference][row.id] = (row, False)
    rows = scope.session.execute(
        select(*ACTION_COLUMNS, Action.sdg_targets, Partner.name.label("lead"))
        .join(Partner, Partner.id == Action.lead_partner_id)
        .where(Action.partnership_id == scope.partnership_id, *narrowed)
    ).all()
    for row in rows:
        for target in row.sdg_targets or []:
            code = f"{SDG}:{target}"
            if code in lines:
                found[code].setdefault(row.id, (row, True))
    for code, listed in found.items():
        ordered = sorted(listed.values(), key=lambda item: _action_key(item[0], today))
        lines[code].totals["actions"] = len(ordered)
        lines[code].actions = [
            _action_line(row, words, today, by_sdg_target=by) for row, by in scope.cut(ordered)
        ]
    return len({action_id for listed in found.values() for action_id in listed})


def indicators(scope: Scope, lines: dict, words: Words) -> int:
    """Tagged indicators, oldest first, with their latest value in force against the target:
    two queries. Returns how many distinct."""
    narrowed = [Indicator.partner_id == scope.partner_id] if scope.partner_id else []
    tagged = scope.ranked(INDICATOR, Indicator, Indicator.id, *narrowed)
    rows = scope.session.execute(
        select(*scope.counts(tagged), Indicator)
        .join_from(tagged, Indicator, Indicator.id == tagged.c.id)
        .where(*scope.kept(tagged))
        .order_by(tagged.c.tag_place)
    ).all()
    shown = (
        scope.tagged_ids(INDICATOR, Indicator, *narrowed)
        if scope.limit is None
        else list({row.Indicator.id for row in rows})
    )
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
            Measurement.indicator_id.in_(shown),
        )
        .subquery()
    )
    latest = {
        row.indicator_id: [(row.period_on, row.value)]
        for row in scope.session.execute(select(ranked).where(ranked.c.rank == 1))
    }
    reader = words.reader
    for code, _total, _items, found in rows:
        standing = standing_of(found, latest.get(found.id, []))
        value = standing.latest
        lines[code].indicators.append(
            IndicatorLine(
                id=found.id,
                name=words.text(found.name),
                latest=f"{isolated(reader.amount(found, value[1]))} ({words.day(value[0])})"
                if value
                else "",
                target=f"{isolated(reader.amount(found, found.target_value))} "
                f"({words.day(found.target_on)})",
                achieved=words.share(standing.progress.achieved),
                track=str(standing.progress.track),
                track_label=words.word("track", standing.progress.track),
            )
        )
    return _counted(lines, "indicators", rows)


def _risk_figures(partnership_id: int) -> list:
    """Beside each risk shown: its connections counted by kind and the grievances linked to
    it, as subqueries run for the rows kept only."""
    figures = [
        select(func.count(RiskConnection.id))
        .where(RiskConnection.risk_id == Risk.id, RiskConnection.connection == kind)
        .scalar_subquery()
        .label(f"connection_{kind}")
        for kind in CONNECTION_LABELS
    ]
    figures.append(
        select(func.count(distinct(RiskLink.target_id)))
        .where(
            RiskLink.risk_id == Risk.id,
            RiskLink.partnership_id == partnership_id,
            RiskLink.kind == LinkKind.GRIEVANCE,
        )
        .scalar_subquery()
        .label("grievance_count")
    )
    return figures


def risks(scope: Scope, lines: dict, words: Words, membership: Membership) -> int:
    """Tagged risks the reader may read in the register's order, with their connections and
    the grievances linked to them: two queries, and the one the register's rule takes.
    Returns how many distinct."""
    session = scope.session
    where = [permissions.visible_clause(session, membership)]
    if scope.partner_id is not None:
        where.append(
            exists().where(
                RiskConnection.risk_id == Risk.id, RiskConnection.partner_id == scope.partner_id
            )
        )
    tagged = scope.ranked(RISK, Risk, RISK_ORDER, *where)
    rows = session.execute(
        select(*scope.counts(tagged), *RISK_COLUMNS, *_risk_figures(scope.partnership_id))
        .join_from(tagged, Risk, Risk.id == tagged.c.id)
        .where(*scope.kept(tagged))
        .order_by(tagged.c.tag_place)
    ).all()
    # Every grievance linked to any risk under a reference, shown or not, counted once.
    for code, count in session.execute(
        select(FrameworkTag.reference, func.count(distinct(RiskLink.target_id)))
        .select_from(FrameworkTag)
        .join(Risk, Risk.id == scope.row_id(RISK))
        .join(RiskLink, RiskLink.risk_id == Risk.id)
        .where(
            *scope.tags(RISK),
            Risk.partnership_id == scope.partnership_id,
            *where,
            RiskLink.partnership_id == scope.partnership_id,
            RiskLink.kind == LinkKind.GRIEVANCE,
        )
        .group_by(FrameworkTag.reference)
    ):
        lines[code].grievances_linked = count
    said: dict[int, str] = {}
    for row in rows:
        if row.id not in said:
            said[row.id] = " · ".join(
                f"{words.word('connection', kind)}: {words.number(n)}"
                for kind in CONNECTION_LABELS
                if (n := getattr(row, f"connection_{kind}"))
            )
        severity, likelihood = salience.bands(row)
        lines[row.reference].risks.append(
            RiskLine(
                id=row.id,
                label=f"R-{row.number}",
                title=words.text(row.title),
                status=row.status,
                status_label=words.word("risk_status", row.status),
                severity=words.word("severity", severity),
                likelihood=words.word("likelihood", likelihood),
                connections=said[row.id],
                grievances=row.grievance_count,
            )
        )
    return _counted(lines, "risks", rows)
