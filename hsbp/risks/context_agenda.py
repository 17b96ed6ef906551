"""The review agenda's question on the context: does the validated assessment still hold (or,
while the first one is being written, that none is validated yet), put to every review of a
partnership that has started one (hsbp.monitoring.agenda). A partnership that never opened
the context page gets no item: its agenda stays its own."""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_pgettext as _p
from sqlalchemy import select
from sqlalchemy.orm import Session

from hsbp.monitoring.agenda import AgendaItem, Provider
from hsbp.partnerships.models import Partnership
from hsbp.risks.context_models import ContextAssessment, ContextStatus

KIND = "context_holds"  # the agenda item's kind


def context_items(
    session: Session, *, partnership: Partnership, today: date, now: datetime
) -> list[AgendaItem]:
    """At most one item, in one query: the validated version's number and the local date it
    was validated on, or no parameters when a version is being written but none is validated
    yet; nothing when no version exists."""
    rows = session.execute(
        select(
            ContextAssessment.status, ContextAssessment.number, ContextAssessment.validated_at
        ).where(
            ContextAssessment.partnership_id == partnership.id,
            ContextAssessment.status != ContextStatus.SUPERSEDED,
        )
    ).all()
    if not rows:
        return []
    row = next((r for r in rows if r.status == ContextStatus.VALIDATED), None)
    params = {}
    if row is not None:
        on = row.validated_at.astimezone(partnership.zone).date()
        params = {"number": row.number, "validated_on": on.isoformat()}
    return [AgendaItem(kind=KIND, params=params, link={"endpoint": "risks.context", "args": {}})]


def context_text(item: AgendaItem) -> str:
    """The item's sentence in the reader's language, from its data alone (a frozen agenda)."""
    p = item.params
    if not p.get("number"):
        return _("No context assessment is validated yet: agree on one with the partners.")
    return _(
        "Does the context assessment v%(number)s (validated on %(date)s) still hold?",
        number=p["number"],
        date=format_date(date.fromisoformat(p["validated_on"])),
    )


AGENDA = Provider(
    kind=KIND,
    label=_p("agenda item", "Context"),
    items=context_items,
    text=context_text,
)
