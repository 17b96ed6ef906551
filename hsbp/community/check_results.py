"""What community checks found: answers counted per check and per locality (small localities
pooled), the line said of each action on the checklist's pages, and done actions the
community says are not real, flagged on the dashboard and put on the next review's agenda.

Nobody's answer can be read off a small group: a check's yes/no split is shown only once
MIN_GROUP contacts answered, and localities with fewer answers are pooled (withheld when
even the pool is smaller). The public page shows a check's totals only, and nothing before
MIN_GROUP answers.

A check *disputes* its action when it is the action's latest, it is closed, at least
MIN_GROUP contacts answered and more said "no" than "yes" ("don't know" counts towards the
answers, not either side), and the action is still marked done. Open checks flag nothing:
their figures still move.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from flask_babel import format_date, format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_pgettext as _p
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hsbp.actions.extras import Note
from hsbp.actions.models import Action, ActionStatus
from hsbp.anonymity import MIN_GROUP
from hsbp.community.models import Check, CheckAnswer, CheckAnswerValue, QuestionStatus
from hsbp.monitoring.agenda import AgendaItem, Provider
from hsbp.monitoring.display import local_text
from hsbp.partnerships.models import Partner, Partnership

DISPUTED = "community_check_no"  # the agenda item's kind
POOLED = "pooled"


@dataclass(frozen=True)
class Tally:
    yes: int = 0
    no: int = 0
    unknown: int = 0

    @property
    def total(self) -> int:
        return self.yes + self.no + self.unknown

    @property
    def shown(self) -> bool:
        """Whether the split may be shown: enough answers that none can be told apart."""
        return self.total >= MIN_GROUP

    @property
    def says_no(self) -> bool:
        return self.shown and self.no > self.yes

    def plus(self, other: Tally) -> Tally:
        return Tally(self.yes + other.yes, self.no + other.no, self.unknown + other.unknown)


def _tally(counts: dict[str, int]) -> Tally:
    return Tally(
        yes=counts.get(CheckAnswerValue.YES, 0),
        no=counts.get(CheckAnswerValue.NO, 0),
        unknown=counts.get(CheckAnswerValue.UNKNOWN, 0),
    )


def tallies(session: Session, *, check_ids: list[int]) -> dict[int, Tally]:
    """{check id: its answers counted}, in one grouped query."""
    if not check_ids:
        return {}
    counts: dict[int, dict[str, int]] = {check_id: {} for check_id in check_ids}
    rows = session.execute(
        select(CheckAnswer.check_id, CheckAnswer.answer, func.count())
        .where(CheckAnswer.check_id.in_(check_ids))
        .group_by(CheckAnswer.check_id, CheckAnswer.answer)
    )
    for check_id, answer, count in rows:
        counts[check_id][answer] = count
    return {check_id: _tally(found) for check_id, found in counts.items()}


@dataclass
class Breakdown:
    """A check's answers by the locality of those who answered: localities of MIN_GROUP
    answers or more by name (most answers first), the smaller ones pooled, and how many
    answers are withheld because even their pool is too small."""

    total: Tally
    places: list[tuple[str, Tally]] = field(default_factory=list)
    pooled: list[str] = field(default_factory=list)  # the localities in the pool
    withheld: int = 0


def breakdown(session: Session, *, check: Check) -> Breakdown:
    """The check's answers by locality: one grouped query."""
    counts: dict[str, dict[str, int]] = {}
    for locality, answer, count in session.execute(
        select(CheckAnswer.locality, CheckAnswer.answer, func.count())
        .where(CheckAnswer.check_id == check.id, CheckAnswer.partnership_id == check.partnership_id)
        .group_by(CheckAnswer.locality, CheckAnswer.answer)
    ):
        counts.setdefault(locality or "", {})[answer] = count
    by_place = {place: _tally(found) for place, found in counts.items()}
    total = Tally()
    for tally in by_place.values():
        total = total.plus(tally)
    found = Breakdown(total=total)
    small = Tally()
    for place, tally in sorted(by_place.items(), key=lambda item: (-item[1].total, item[0])):
        if tally.shown and place:
            found.places.append((place, tally))
        else:
            # An unknown place is pooled too: it is no place anyone could be found in.
            found.pooled.append(place)
            small = small.plus(tally)
    if small.shown:
        found.places.append((POOLED, small))
    else:
        found.withheld = small.total
    return found


# The latest check of each action -------------------------------------------------------------


def latest_checks(session: Session, *, partnership_id: int) -> list[tuple[Check, Tally]]:
    """The latest check of every action of the partnership that has one, with its tally:
    two queries whatever the number of actions and answers."""
    latest = (
        select(func.max(Check.id))
        .where(Check.partnership_id == partnership_id)
        .group_by(Check.action_id)
    )
    found = session.scalars(
        select(Check)
        .where(Check.partnership_id == partnership_id, Check.id.in_(latest))
        .order_by(Check.id)
    ).all()
    counted = tallies(session, check_ids=[check.id for check in found])
    return [(check, counted[check.id]) for check in found]


def is_disputed(check: Check, tally: Tally, action_status: str) -> bool:
    return (
        check.status == QuestionStatus.CLOSED
        and tally.says_no
        and action_status == ActionStatus.DONE
    )


def note_text(check: Check, tally: Tally) -> str:
    """The line said of an action, "Community check: 34 yes, 5 no, 2 don't know", in the
    reader's language."""
    numbers = {
        "yes": format_decimal(tally.yes),
        "no": format_decimal(tally.no),
        "unknown": format_decimal(tally.unknown),
    }
    if not tally.shown:
        if check.status == QuestionStatus.OPEN:
            return _("Community check under way: fewer than %(num)d answers so far.", num=MIN_GROUP)
        return _("Community check: fewer than %(num)d answers.", num=MIN_GROUP)
    if check.status == QuestionStatus.OPEN:
        return _(
            "Community check so far: %(yes)s yes, %(no)s no, %(unknown)s don't know.", **numbers
        )
    return _("Community check: %(yes)s yes, %(no)s no, %(unknown)s don't know.", **numbers)


def notes(session: Session, *, partnership_id: int, public: bool = False) -> dict[int, Note]:
    """The checklist's note provider (hsbp.actions.extras): each checked action's latest
    check, flagged when it disputes the action. The public reads totals of MIN_GROUP answers
    or more only. Three queries."""
    checked = latest_checks(session, partnership_id=partnership_id)
    if not checked:
        return {}
    statuses = dict(
        session.execute(
            select(Action.id, Action.status).where(
                Action.partnership_id == partnership_id,
                Action.id.in_([check.action_id for check, _tally in checked]),
            )
        ).all()
    )
    return {
        check.action_id: Note(
            text=note_text(check, tally),
            flagged=not public and is_disputed(check, tally, statuses.get(check.action_id, "")),
        )
        for check, tally in checked
        if tally.shown or not public
    }


# The review's agenda -----------------------------------------------------------------------


def disputed_items(
    session: Session, *, partnership: Partnership, today: date, now: datetime
) -> list[AgendaItem]:
    """Agenda items of the done actions the community says are not real, by action: four
    queries whatever their number."""
    checked = latest_checks(session, partnership_id=partnership.id)
    candidates = {
        check.action_id: (check, tally)
        for check, tally in checked
        if check.status == QuestionStatus.CLOSED and tally.says_no
    }
    if not candidates:
        return []
    rows = session.execute(
        select(Action, Partner.name)
        .join(Partner, Partner.id == Action.lead_partner_id)
        .where(
            Action.partnership_id == partnership.id,
            Action.id.in_(candidates),
            Action.status == ActionStatus.DONE,
        )
        .order_by(Action.id)
    ).all()
    items = []
    for action, lead in rows:
        check, tally = candidates[action.id]
        closed_on = check.closes_at.astimezone(partnership.zone).date()
        items.append(
            AgendaItem(
                kind=DISPUTED,
                title=dict(action.title),
                params={
                    "lead": lead,
                    "yes": tally.yes,
                    "no": tally.no,
                    "unknown": tally.unknown,
                    "closed_on": closed_on.isoformat(),
                },
                link={"endpoint": "actions.detail", "args": {"action_id": action.id}},
            )
        )
    return items


def disputed_text(item: AgendaItem) -> str:
    """The item's sentence in the reader's language, from its data alone (a frozen agenda)."""
    p = item.params
    return _(
        "%(title)s, led by %(lead)s, is marked done, but the community says no: %(no)s no, "
        "%(yes)s yes, %(unknown)s don't know (check closed on %(date)s).",
        title=local_text(item.title),
        lead=p["lead"],
        no=format_decimal(p["no"]),
        yes=format_decimal(p["yes"]),
        unknown=format_decimal(p["unknown"]),
        date=format_date(date.fromisoformat(p["closed_on"])),
    )


AGENDA = Provider(
    kind=DISPUTED,
    label=_p("agenda item", "Disputed by the community"),
    items=disputed_items,
    text=disputed_text,
)
