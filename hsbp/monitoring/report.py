"""The partnership progress report: every section gathered in the reader's language, ready to
show as a printable page (report_views) or to draw as a PDF (report_pdf).

Everything is read in a fixed number of queries whatever the number of indicators, values,
actions, consultations, pulse rounds or decisions, and every text is resolved here (labels,
dates and numbers in `locale`), so the PDF builder needs no request and no database.
Grievances appear as figures only: never a description, a code or a complainant.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from flask_babel import force_locale, ngettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hsbp.actions import checks, extras
from hsbp.actions import queries as action_queries
from hsbp.actions.forms import STATUS_LABELS
from hsbp.actions.models import ActionStatus
from hsbp.anonymity import MIN_GROUP
from hsbp.consultations.models import Consultation, Response, ResponseState, Status
from hsbp.consultations.outcome import SECTION_LABELS, items
from hsbp.grievances import figures as grievance_figures
from hsbp.grievances.forms import STAGE_LABELS
from hsbp.i18n import is_rtl, isolated
from hsbp.monitoring import charts, pulses, queries, reviews
from hsbp.monitoring.pulse_models import DIMENSIONS
from hsbp.monitoring.pulse_views import CONSTITUENCY_LABELS, DIMENSION_LABELS
from hsbp.monitoring.report_parts import (
    LABELS,
    ActionFigures,
    ConsultationLine,
    DecisionLine,
    GoalSection,
    IndicatorLine,
    ProgressReport,
    PulseSection,
    Reader,
)
from hsbp.monitoring.views import TRACK_LABELS
from hsbp.partnerships.models import Partnership
from hsbp.principles.labels import RULE_LABELS


def gather(session: Session, *, partnership: Partnership, locale: str, now: datetime):
    """The whole report for `partnership` in `locale`, as it stands at `now`. Queries: a fixed
    handful (about fifteen), whatever the partnership holds."""
    reader = Reader(partnership, locale)
    today = now.astimezone(partnership.zone).date()
    with force_locale(locale):
        report = ProgressReport(
            partnership=partnership.name,
            locale=locale,
            rtl=is_rtl(locale),
            as_of=str(LABELS["as_of"]) % {"date": reader.day(today)},
            labels={key: str(label) for key, label in LABELS.items()},
        )
        goals = {
            key: reader.text(title)
            for key, title in checks.goals(session, partnership_id=partnership.id).items()
        }
        report.goals = _indicators(session, partnership, reader, goals)
        report.actions = _actions(session, partnership, reader, today)
        report.consultations = _consultations(session, partnership, reader, goals)
        report.grievances = _grievances(session, partnership, reader, now)
        report.pulses = _pulses(session, partnership, reader, now)
        report.decisions = _decisions(session, partnership, reader)
    return report


def _indicators(session, partnership, reader: Reader, goals: dict[str, str]):
    groups: dict[str, list[IndicatorLine]] = {}
    for standing in queries.standings(session, partnership_id=partnership.id):
        groups.setdefault(standing.indicator.goal_key or "", []).append(
            _indicator_line(standing, reader)
        )
    # The charter's order, then indicators of no (or a since removed) goal, as the list page.
    ordered = [GoalSection(k, goals[k], groups[k]) for k in goals if k in groups]
    return ordered + [
        GoalSection(k, goals.get(k) or str(LABELS["no_goal"]), rows)
        for k, rows in groups.items()
        if k not in goals
    ]


def _indicator_line(standing: queries.Standing, reader: Reader) -> IndicatorLine:
    indicator, latest = standing.indicator, standing.latest
    name = reader.text(indicator.name)
    baseline = (indicator.baseline_on, indicator.baseline_value)
    target = (indicator.target_on, indicator.target_value)
    points = [baseline, target, *standing.values]
    low, high = min(v for _d, v in points), max(v for _d, v in points)
    first, last = min(d for d, _v in points), max(d for d, _v in points)
    return IndicatorLine(
        id=indicator.id,
        name=name,
        definition=reader.text(indicator.definition),
        # Each amount isolated: "23 conflictos" stays in its order in an Arabic line.
        baseline=f"{isolated(reader.amount(indicator, baseline[1]))} ({reader.day(baseline[0])})",
        target=f"{isolated(reader.amount(indicator, target[1]))} ({reader.day(target[0])})",
        latest=f"{isolated(reader.amount(indicator, latest[1]))} ({reader.day(latest[0])})"
        if latest
        else "",
        achieved=reader.share(standing.progress.achieved),
        track=str(standing.progress.track),
        track_label=str(TRACK_LABELS[standing.progress.track]),
        baseline_point=baseline,
        target_point=target,
        values=list(standing.values),
        axis=(
            reader.day(first),
            reader.day(last),
            reader.amount(indicator, low),
            reader.amount(indicator, high),
        ),
        chart=charts.indicator_chart(
            standing,
            name=name,
            chart_id=f"report-chart-{indicator.id}",
            amount=reader.amount,
            day=reader.day,
            rtl=is_rtl(reader.locale),
        ),
    )


def _actions(session, partnership, reader: Reader, today: date) -> ActionFigures:
    actions = action_queries.actions_with_owners(session, partnership_id=partnership.id)
    counts = {status: 0 for status in ActionStatus}
    for action in actions:
        counts[ActionStatus(action.status)] += 1
    overdue = sorted((a for a in actions if a.is_overdue(today)), key=lambda a: (a.due_on, a.id))
    notes = extras.notes(session, partnership_id=partnership.id)
    return ActionFigures(
        total=len(actions),
        by_status=[(str(STATUS_LABELS[s]), n) for s, n in counts.items()],
        overdue=[
            (
                reader.text(a.title),
                a.lead_partner.name,
                reader.day(a.due_on),
                str(STATUS_LABELS[a.status]),
            )
            for a in overdue
        ],
        noted=[
            (reader.text(a.title), a.lead_partner.name, "; ".join(n.text for n in notes[a.id]))
            for a in actions
            if a.id in notes
        ],
    )


def _consultations(session, partnership, reader: Reader, goals: dict) -> list[ConsultationLine]:
    """Closed consultations, latest first, with their response counts (one grouped query)."""
    closed = session.scalars(
        select(Consultation)
        .where(Consultation.partnership_id == partnership.id, Consultation.status == Status.CLOSED)
        .order_by(Consultation.closes_at.desc(), Consultation.id.desc())
    ).all()
    counts: dict[tuple[int, str], int] = {}
    if closed:
        rows = session.execute(
            select(Response.consultation_id, Response.state, func.count())
            .where(Response.consultation_id.in_([c.id for c in closed]))
            .group_by(Response.consultation_id, Response.state)
        )
        counts = {(cid, state): n for cid, state, n in rows}
    lines = []
    for consultation in closed:
        complete = counts.get((consultation.id, ResponseState.COMPLETE), 0)
        partial = counts.get((consultation.id, ResponseState.PARTIAL), 0)
        sections: dict[str, list[str]] = {}
        for section, item in items(consultation):
            text = reader.text(item.get("text"))
            if item.get("goal_key") in goals:
                text = f"{isolated(text)} ({LABELS['became_goal']})"
            sections.setdefault(str(SECTION_LABELS[section]), []).append(text)
        lines.append(
            ConsultationLine(
                title=reader.text(consultation.title),
                closed_on=reader.day(
                    consultation.closes_at.astimezone(partnership.zone).date()
                    if consultation.closes_at
                    else None
                ),
                complete=complete,
                partial=partial,
                responses=str(LABELS["responses"])
                % {"complete": reader.number(complete), "partial": reader.number(partial)},
                outcome=list(sections.items()),
            )
        )
    return lines


def _grievances(session, partnership, reader: Reader, now) -> list[tuple[str, str]]:
    found = grievance_figures.dashboard(session, partnership=partnership, now=now)

    def in_time(share: grievance_figures.Share) -> str:
        if share.share is None:
            return "—"
        return str(
            _l(
                "%(share)s (%(done)s of %(of)s)",
                share=reader.share(share.share),
                done=reader.number(share.done),
                of=reader.number(share.of),
            )
        )

    def days(value) -> str:
        return "—" if value is None else reader.number(value, "#,##0.#")

    rows = [(str(_l("Grievances received")), reader.number(found.total))]
    rows += [(str(STAGE_LABELS[s]), reader.number(n)) for s, n in found.by_stage.items() if n]
    rows += [
        (str(_l("Acknowledged in time")), in_time(found.acknowledged_in_time)),
        (str(_l("Response proposed in time")), in_time(found.responded_in_time)),
        (str(_l("Median days to acknowledge")), days(found.median_days_to_acknowledge)),
        (str(_l("Median days to close")), days(found.median_days_to_close)),
        (str(_l("Satisfaction with the outcome")), _satisfaction(found, reader)),
    ]
    return rows


def _satisfaction(found, reader: Reader) -> str:
    """The mean rating, once MIN_GROUP complainants rated: a report is read by every member,
    and one of a few ratings may be told apart (as on the grievance dashboard)."""
    if found.mean_rating is None:
        return "—"
    if found.rated < MIN_GROUP:
        return str(_l("fewer than %(num)d", num=MIN_GROUP))
    return str(
        _l(
            "%(mean)s (ratings: %(rated)s)",
            mean=reader.number(found.mean_rating, "#,##0.0"),
            rated=reader.number(found.rated),
        )
    )


def _pulses(session, partnership, reader: Reader, now) -> PulseSection | None:
    """The latest round no longer open, by constituency (small ones pooled), and the trend of
    every round: four queries."""
    points = pulses.trends(session, partnership_id=partnership.id)
    done = [p for p in points if not pulses.is_open(p.pulse_round, now)]
    if not done:
        return None
    latest = done[-1].pulse_round
    found = pulses.results(session, latest)

    def score(value) -> str:
        return reader.number(value, "0.0")

    gaps = {gap.dimension: gap for gap in found.gaps}
    rows = []
    for dimension in DIMENSIONS:
        gap = gaps.get(dimension)
        rows.append(
            (
                str(DIMENSION_LABELS[dimension]),
                [score(g.means[dimension]) if dimension in g.means else "—" for g in found.groups],
                score(gap.difference) if gap else "—",
                bool(gap and gap.wide),
            )
        )
    trend = []
    for point in done:
        means = list(point.overall.values())
        gap = point.largest_gap
        trend.append(
            (
                reader.text(point.pulse_round.title),
                # The last day it was open: a round closes at the next local midnight.
                reader.day(
                    (
                        point.pulse_round.closes_at.astimezone(partnership.zone)
                        - timedelta(microseconds=1)
                    ).date()
                ),
                score(sum(means) / len(means)) if means else "—",
                f"{DIMENSION_LABELS[gap.dimension]}: {score(gap.difference)}" if gap else "—",
            )
        )
    return PulseSection(
        title=str(LABELS["latest_round"]) % {"title": isolated(reader.text(latest.title))},
        respondents=ngettext(
            "%(num)d person answered.", "%(num)d people answered.", found.respondents
        ),
        groups=[
            f"{CONSTITUENCY_LABELS.get(g.constituency, g.constituency)} ({g.respondents})"
            for g in found.groups
        ],
        rows=rows,
        trend=trend,
    )


def _decisions(session, partnership, reader: Reader) -> list[DecisionLine]:
    """The decision log, newest first: two queries whatever the number of decisions."""
    zone = partnership.zone
    return [
        DecisionLine(
            decided_on=reader.day(entry.decision.decided_at.astimezone(zone).date()),
            review=reader.text(entry.review.title),
            text=entry.decision.text,
            decided_by=entry.decision.decided_by,
            rule=str(RULE_LABELS.get(entry.decision.rule, entry.decision.rule)),
            actions=[
                f"{isolated(reader.text(a.title))} ({isolated(a.lead_partner.name)}, "
                f"{reader.day(a.due_on)})"
                if a.due_on
                else f"{isolated(reader.text(a.title))} ({isolated(a.lead_partner.name)})"
                for a in entry.actions
            ],
            charter_draft=str(LABELS["charter_draft"]) % {"number": entry.charter_draft_number}
            if entry.charter_draft_number
            else "",
        )
        for entry in reviews.decision_log(session, partnership_id=partnership.id)
    ]
