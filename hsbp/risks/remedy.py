"""Whether remedy is under way for a risk, and what the affected people said (issue 20,
part 2): from the remediation actions linked to it, the grievances linked to it (counts and
ratings only: a grievance's text and complainant stay with those who handle it), the
validated consultation outcome items linked to it, the community checks of its linked done
actions and the incidents reported about it. A fixed number of queries however many links.

The state, from the linked remediation actions not dropped:
- none: there is none (for an actual harm, a warning: no remedy is under way);
- planned: every one is planned or blocked, none started;
- under way: one is in progress or done, not all are done;
- done: every one is done.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import ClassVar

from flask_babel import format_decimal, format_percent
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hsbp.actions.models import ActionStatus
from hsbp.anonymity import MIN_GROUP
from hsbp.community.check_results import note_text, tallies
from hsbp.community.models import Check
from hsbp.grievances.models import Stage
from hsbp.risks.link_display import Row, incidents_of, links_of, page_url
from hsbp.risks.link_rows import describe
from hsbp.risks.models import LinkKind, Risk, RiskKind, RiskStatus

NONE, PLANNED, UNDER_WAY, DONE = "none", "planned", "under_way", "done"
STATE_LABELS = {
    NONE: _l("No remedy under way"),
    PLANNED: _l("Remedy planned, not started"),
    UNDER_WAY: _l("Remedy under way"),
    DONE: _l("Remedy done"),
}


@dataclass(frozen=True)
class Said:
    """One thing the affected people said: a validated outcome item's text with its
    consultation, or a community check's line about a done action."""

    text: str
    source: str
    url: str | None


@dataclass
class Remedy:
    state: str = NONE
    actions: list[Row] = field(default_factory=list)  # remediation actions, dropped ones too
    progress: int = 0  # mean progress of the remediation actions not dropped, in percent
    grievances: int = 0
    grievances_closed: int = 0
    ratings: int = 0
    # The mean rating, shown only from MIN_GROUP ratings: fewer would tell one person's.
    mean_rating: Decimal | None = None
    said: list[Said] = field(default_factory=list)
    checks: list[Said] = field(default_factory=list)
    incidents: int = 0
    # An actual harm, still open, with no remedy under way: the page warns.
    warn: bool = False
    pool: ClassVar[int] = MIN_GROUP

    @property
    def progress_text(self) -> str:
        return format_percent(self.progress / 100)

    @property
    def mean_text(self) -> str:
        return format_decimal(self.mean_rating, format="0.0") if self.mean_rating else ""

    @property
    def state_label(self):
        return STATE_LABELS[self.state]

    @property
    def few_ratings(self) -> bool:
        return 0 < self.ratings < MIN_GROUP


def state_of(statuses: list[str]) -> str:
    """The remedy state from the statuses of the remediation actions."""
    active = [status for status in statuses if status != ActionStatus.DROPPED]
    if not active:
        return NONE
    if all(status == ActionStatus.DONE for status in active):
        return DONE
    if any(status in (ActionStatus.IN_PROGRESS, ActionStatus.DONE) for status in active):
        return UNDER_WAY
    return PLANNED


def remedy_of(session: Session, *, risk: Risk) -> Remedy:
    """Where remedy of `risk` stands and what the affected people said (see the module)."""
    pid = risk.partnership_id
    links = links_of(session, risk)
    found = describe(
        session,
        partnership_id=pid,
        links=[link for link in links if link.kind != LinkKind.INCIDENT],
    )
    remedy = Remedy(incidents=len(incidents_of(session, risk, links)))
    done_actions: dict[int, str] = {}
    ratings: list[int] = []
    for link in links:
        described = found.get(link.id)
        if described is None or not described.exists:
            continue
        if link.kind == LinkKind.ACTION:
            if link.role == "remediation":
                url = page_url(pid, described)
                remedy.actions.append(Row(link.id, link.kind, link.role, described, url))
            if described.status == ActionStatus.DONE:
                done_actions[link.target_id] = described.label
        elif link.kind == LinkKind.GRIEVANCE:
            remedy.grievances += 1
            remedy.grievances_closed += described.status == Stage.CLOSED
            if described.rating is not None:
                ratings.append(described.rating)
        elif link.kind == LinkKind.OUTCOME_ITEM:
            remedy.said.append(Said(described.label, described.context, page_url(pid, described)))
    active = [row for row in remedy.actions if row.described.status != ActionStatus.DROPPED]
    remedy.state = state_of([row.described.status for row in remedy.actions])
    if active:
        remedy.progress = round(
            sum(
                100 if row.described.status == ActionStatus.DONE else row.described.progress
                for row in active
            )
            / len(active)
        )
    remedy.ratings = len(ratings)
    if remedy.ratings >= MIN_GROUP:
        remedy.mean_rating = (Decimal(sum(ratings)) / remedy.ratings).quantize(
            Decimal("0.1"), rounding=ROUND_HALF_UP
        )
    remedy.checks = _checks(session, partnership_id=pid, actions=done_actions)
    remedy.warn = (
        risk.kind == RiskKind.ACTUAL and risk.status == RiskStatus.OPEN and remedy.state == NONE
    )
    return remedy


def _checks(session: Session, *, partnership_id: int, actions: dict[int, str]) -> list[Said]:
    """The latest community check of each linked done action ({id: title}), as the line the
    checklist says of it: two queries."""
    if not actions:
        return []
    latest = (
        select(func.max(Check.id))
        .where(Check.partnership_id == partnership_id, Check.action_id.in_(list(actions)))
        .group_by(Check.action_id)
    )
    checks = list(session.scalars(select(Check).where(Check.id.in_(latest)).order_by(Check.id)))
    counted = tallies(session, check_ids=[check.id for check in checks])
    return [
        Said(note_text(check, counted[check.id]), actions[check.action_id], None)
        for check in checks
    ]
