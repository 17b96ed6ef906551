"""The report by framework: for each reference of one framework, what the partnership did
about it (the goals, actions, indicators and risks tagged with it, and grievance figures),
so each partner reports once, against whichever framework asks.

Read in a fixed number of queries whatever the number of tags, risks, actions or
indicators (framework_items reads the items; the grievance figures are the dashboard's). The
page asks for the first few items of each kind under each reference, the files for all; the
counts are of all in both.
Risks follow the register's visibility rule for the reader; grievances appear as counts
only. Every text is resolved here, so the PDF builder needs no request.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import force_locale
from sqlalchemy import String, cast, select
from sqlalchemy.orm import Session

from hsbp.actions.forms import STATUS_LABELS as ACTION_STATUS_LABELS
from hsbp.actions.models import Action
from hsbp.grievances import figures as grievance_figures
from hsbp.grievances.models import Stage
from hsbp.i18n import is_rtl, isolated
from hsbp.monitoring.report_parts import Reader
from hsbp.monitoring.views import TRACK_LABELS
from hsbp.partnerships.models import Membership, Partner, Partnership
from hsbp.risks import framework_items as items
from hsbp.risks import frameworks, salience
from hsbp.risks.framework_items import SDG
from hsbp.risks.framework_models import FrameworkTag
from hsbp.risks.framework_parts import (
    KINDS,
    LABELS,
    RISK_STATUS_LABELS,
    FrameworkReport,
    GrievanceFigures,
    ReferenceLine,
    Words,
)
from hsbp.risks.framework_scope import Scope
from hsbp.risks.responses import CONNECTION_LABELS


def framework_keys_with_tags(session: Session, *, partnership_id: int) -> list[str]:
    """The frameworks some item of the partnership is tagged with, in the official order;
    the SDG targets written on actions count for the SDGs. One or two queries."""
    codes = session.scalars(
        select(FrameworkTag.reference)
        .where(FrameworkTag.partnership_id == partnership_id)
        .distinct()
    ).all()
    found = {code.split(":", 1)[0] for code in codes}
    if SDG not in found:
        named = session.scalar(
            select(Action.id)
            .where(
                Action.partnership_id == partnership_id,
                Action.sdg_targets.is_not(None),
                cast(Action.sdg_targets, String) != "[]",
            )
            .limit(1)
        )
        if named is not None:
            found.add(SDG)
    return [key for key in frameworks.ORDER if key in found]


def gather(
    session: Session,
    *,
    partnership: Partnership,
    membership: Membership,
    key: str,
    locale: str,
    now: datetime,
    partner: Partner | None = None,
    everything: bool = False,
    limit: int | None = None,
) -> FrameworkReport:
    """The report of framework `key` (KeyError if unknown) for the reader `membership`, in
    `locale`, as it stands at `now`; narrowed to what `partner` leads, reports or is
    connected to when given; every reference when `everything`, else those with something;
    at most `limit` items of each kind under each reference (the most salient risks, the
    most pressing actions), every one when None."""
    framework = frameworks.framework(key)
    reader = Reader(partnership, locale)
    today = now.astimezone(partnership.zone).date()
    with force_locale(locale):
        labels = {name: str(label) for name, label in LABELS.items()}
        words = Words(
            reader,
            {
                "action_status": ACTION_STATUS_LABELS,
                "risk_status": RISK_STATUS_LABELS,
                "severity": salience.SEVERITY_LABELS,
                "likelihood": salience.LIKELIHOOD_LABELS,
                "connection": CONNECTION_LABELS,
                "track": TRACK_LABELS,
            },
        )
        report = FrameworkReport(
            key=key,
            title=frameworks.title(framework, locale),
            short=frameworks.short(key, locale),
            source=framework.source,
            data_version=frameworks.DATA_VERSION,
            partnership=partnership.name,
            partner=partner.name if partner else "",
            locale=locale,
            rtl=is_rtl(locale),
            as_of=labels["as_of"] % {"date": reader.day(today)},
            everything=everything,
            labels=labels,
            limit=limit,
        )
        lines = _reference_lines(key, locale)
        scope = Scope(
            session,
            partnership.id,
            key,
            partner.id if partner else None,
            codes=list(lines),
            limit=limit,
        )
        report.tagged = {
            "goals": items.goals(scope, lines, words),
            "actions": items.actions(scope, lines, words, today),
            "indicators": items.indicators(scope, lines, words),
            "risks": items.risks(scope, lines, words, membership),
        }
        report.references = list(lines.values())
        if any(ref.grievance_mechanism for ref in framework.references):
            report.grievances = _grievance_figures(session, partnership, reader, now)
            for line in report.references:
                line.shows_grievances = line.grievance_mechanism and report.grievances.total > 0
        _titles(report, words)
    return report


def _reference_lines(key: str, locale: str) -> dict[str, ReferenceLine]:
    groups = {group.code: group for group in frameworks.groups(key)}
    lines = {}
    for ref in frameworks.references(key):
        group = groups.get(ref.group) if ref.group else None
        lines[ref.code] = ReferenceLine(
            code=ref.code,
            number=ref.number,
            title=frameworks.title(ref, locale),
            group_code=group.code if group else "",
            group=frameworks.title(group, locale) if group else None,
            grievance_mechanism=ref.grievance_mechanism,
        )
    return lines


def _grievance_figures(session, partnership, reader: Reader, now) -> GrievanceFigures:
    """The partnership's grievance figures, as its dashboard counts them: three queries."""
    found = grievance_figures.dashboard(session, partnership=partnership, now=now)
    closed = found.by_stage.get(Stage.CLOSED.value, 0)
    median = found.median_days_to_close
    return GrievanceFigures(
        total=found.total,
        received=reader.number(found.total),
        open=reader.number(found.total - closed),
        closed=reader.number(closed),
        median_days_to_close="—" if median is None else reader.number(median, "#,##0.#"),
    )


def _titles(report: FrameworkReport, words: Words) -> None:
    labels = report.labels
    name = isolated(report.title.text)
    if report.partner:
        report.heading = labels["heading_partner"] % {
            "partner": isolated(report.partner),
            "framework": name,
        }
    else:
        report.heading = labels["heading"] % {"framework": name}
    answered = sum(1 for line in report.references if line.has_something)
    report.summary = labels["summary"] % {
        "answered": words.number(answered),
        "total": words.number(len(report.references)),
        **{kind: words.number(report.tagged[kind]) for kind in KINDS},
    }
