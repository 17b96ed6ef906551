"""The checklist as CSV or XLSX: one row per action, in the reader's language.

The people responsible are named: only members of the partnership can download the file, and
they see those names on the checklist anyway. Dates stay dates (real dates in XLSX, ISO in
CSV) and amounts stay numbers, so the file can be sorted and summed.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from hsbp.actions import checks, extras, queries
from hsbp.actions.forms import STATUS_LABELS
from hsbp.actions.models import Contribution
from hsbp.i18n import translated
from hsbp.partnerships.models import Partnership
from hsbp.principles.labels import KIND_LABELS, PRINCIPLE_LABELS

HEADER = (
    _l("Id"),
    _l("Title"),
    _l("Charter goal"),
    _l("Lead partner"),
    _l("Supporting partners"),
    _l("People responsible"),
    _l("Start date"),
    _l("Due date"),
    _l("Status"),
    _l("Reason"),
    _l("Progress (%)"),
    _l("LIFTS principles"),
    _l("SDG targets"),
    _l("Budget"),
    _l("Currency"),
    _l("Contributions"),
    _l("Depends on"),
    _l("Overdue"),
    _l("Last update"),
)
SEPARATOR = "; "


def export_rows(
    session: Session, *, partnership: Partnership, locale: str, today: date
) -> Iterator[list]:
    """The header, then one row per action by id, with the columns other features add
    (hsbp.actions.extras). Queries: a fixed handful, whatever the number of actions."""
    fallback = partnership.default_locale
    goals = checks.goals(session, partnership_id=partnership.id)
    latest = queries.last_updates(session, partnership_id=partnership.id)
    added = extras.columns(session, partnership_id=partnership.id)
    zone = partnership.zone
    yes, no = str(_l("Yes")), str(_l("No"))
    yield [str(label) for label in HEADER] + [str(h) for more in added for h in more.headings]
    for action in queries.actions_for_export(session, partnership_id=partnership.id):
        updated = latest.get(action.id)
        yield [
            action.id,
            translated(action.title, locale=locale, fallback=fallback),
            translated(goals.get(action.goal_key), locale=locale, fallback=fallback)
            if action.goal_key
            else "",
            action.lead_partner.name,
            SEPARATOR.join(p.name for p in action.supporters),
            SEPARATOR.join(u.name for u in action.responsibles),
            action.start_on or "",
            action.due_on or "",
            str(STATUS_LABELS.get(action.status, action.status)),
            action.status_reason,
            action.progress,
            SEPARATOR.join(str(PRINCIPLE_LABELS.get(p, p)) for p in action.principles or []),
            SEPARATOR.join(action.sdg_targets or []),
            action.budget if action.budget is not None else "",
            action.currency,
            SEPARATOR.join(_contribution(c) for c in action.contributions),
            SEPARATOR.join(str(d.id) for d in action.depends_on),
            yes if action.is_overdue(today) else no,
            updated.astimezone(zone).date() if updated else "",
            *(
                value
                for more in added
                for value in more.values.get(action.id, ("",) * len(more.headings))
            ),
        ]


def _contribution(contribution: Contribution) -> str:
    """Like "Alcaldía: 2000000.00 COP" or "Alcaldía: In kind (machinery)": amounts as plain
    numbers, so a reader in any language can tell the decimals."""
    if contribution.kind == "in_kind":
        what = str(KIND_LABELS["in_kind"])
    else:
        amount = contribution.amount
        what = f"{amount} {contribution.currency}".strip() if amount is not None else ""
    if contribution.description:
        what = f"{what} ({contribution.description})" if what else contribution.description
    return f"{contribution.partner.name}: {what}"


def filename(partnership: Partnership, kind: str, today: date) -> str:
    return f"checklist-{partnership.id}-{today.isoformat()}.{kind}"
