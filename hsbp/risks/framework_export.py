"""The report by framework as files: one flat spreadsheet (a row per item under each
reference, so it can be filtered and pivoted), a self-contained HTML page, and the name of
each download."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from datetime import date

from hsbp.partnerships.models import Partnership
from hsbp.risks.framework_parts import FrameworkReport, ReferenceLine

FORMATS = ("html", "pdf", "xlsx")
# The directional isolates the report puts around amounts for pages and PDFs: a spreadsheet
# cell holds one value, and the marks would only get in the way of sorting and searching.
ISOLATES = dict.fromkeys(map(ord, "\u2066\u2067\u2068\u2069"), None)


def _plain(text: str) -> str:
    return str(text).translate(ISOLATES)


def header(report: FrameworkReport) -> list[str]:
    labels = report.labels
    return [
        labels["framework"],
        labels["reference"],
        labels["reference_title"],
        labels["item_type"],
        labels["item"],
        labels["status"],
        labels["figure"],
        labels["details"],
    ]


def rows(report: FrameworkReport) -> Iterator[list]:
    """The header, then for each reference shown one row per goal, action, indicator and
    risk, the grievances linked and, under a grievance mechanism's reference, the
    partnership's grievance figures; a reference with nothing gets one row of its own."""
    yield header(report)
    framework = report.short.text
    for line in report.shown:
        start = [framework, line.code, _plain(line.title.text)]
        found = list(_items(report, line))
        if not found:
            found = [["", "", "", "", ""]]
        for item in found:
            yield start + [_plain(value) for value in item]


def _items(report: FrameworkReport, line: ReferenceLine) -> Iterator[list[str]]:
    labels = report.labels
    for goal in line.goals:
        yield [labels["goal"], goal.title, "", "", ""]
    for action in line.actions:
        details = [f"{labels['lead']}: {action.lead}"]
        if action.due:
            details.append(f"{labels['due']}: {action.due}")
        if action.by_sdg_target:
            details.append(labels["by_sdg_target"])
        yield [
            labels["action"],
            action.title,
            action.status_label,
            action.progress_text,
            "; ".join(details),
        ]
    for indicator in line.indicators:
        yield [
            labels["indicator"],
            indicator.name,
            indicator.track_label,
            indicator.latest or "—",
            f"{labels['target']}: {indicator.target}",
        ]
    for risk in line.risks:
        details = [f"{labels['connections']}: {risk.connections or '—'}"]
        details.append(f"{labels['grievances_linked']}: {risk.grievances}")
        yield [
            labels["risk"],
            f"{risk.label} {risk.title}",
            risk.status_label,
            f"{labels['severity']}: {risk.severity}; {labels['likelihood']}: {risk.likelihood}",
            "; ".join(details),
        ]
    if line.risks:
        yield [labels["grievances_linked"], "", "", str(line.grievances_linked), ""]
    if line.grievance_mechanism and report.grievances is not None:
        for label, value in report.grievances.rows(labels):
            yield [labels["grievances"], label, "", value, ""]


def slug(text: str) -> str:
    """A file-name part of `text` in plain ASCII letters, digits and hyphens ("" if none)."""
    flat = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", flat.lower()).strip("-")[:40]


def filename(partnership: Partnership, key: str, fmt: str, today: date) -> str:
    """Like "framework-report-caguan-ifc-2026-05-01.pdf": the partnership by its name (its
    number when the name has no Latin letter), the framework and the day."""
    name = slug(partnership.name) or f"partnership-{partnership.id}"
    return f"framework-report-{name}-{key}-{today.isoformat()}.{fmt}"
