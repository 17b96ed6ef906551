"""The partnering sequence: where a partnership stands, what each next step needs and who
must act (issue 16, item 9).

Five steps, read from the features' data in a fixed number of queries, whatever the number
of participants, consultations, versions or reviews:

1. participants mapped and validated across sectors,
2. a consultation closed and its outcome validated by the partners,
3. the charter adopted,
4. the indicators endorsed as part of the charter,
5. the first joint review held.

Each step is done or not on its own data (a partnership may go back to mapping when new
participants wait); the first step not done is the current one, the others not done are to
come.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import format_date, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as _p
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hsbp.consultations import models as consultation_models
from hsbp.consultations import validation as outcome_validation
from hsbp.mapping.models import Participant, Validation
from hsbp.monitoring import charter_indicators
from hsbp.monitoring.models import Indicator
from hsbp.monitoring.review_models import Review, ReviewStatus
from hsbp.partnerships.models import Partner, Partnership
from hsbp.principles.models import CharterStatus, CharterVersion, Endorsement

# An HSBP joins business, government and the community: validated participants from at
# least this many sectors make a map "across sectors".
MIN_SECTORS = 3


class State(enum.StrEnum):
    DONE = "done"
    CURRENT = "current"
    TO_COME = "to_come"


STATE_LABELS = {
    State.DONE: _p("partnering step", "Done"),
    State.CURRENT: _l("Now"),
    State.TO_COME: _l("To come"),
}

STEP_TITLES = {
    "mapping": _l("Participants mapped and validated across sectors"),
    "consultation": _l("Consultation closed and its outcome validated"),
    "charter": _l("Charter adopted"),
    "indicators": _l("Indicators endorsed in the charter"),
    "review": _l("First joint review held"),
}

ENDPOINTS = {
    "mapping": "mapping.register",
    "consultation": "consultations.index",
    "charter": "principles.charter",
    "indicators": "monitoring.index",
    "review": "monitoring.reviews_index",
}


@dataclass
class Step:
    key: str
    done: bool
    needs: str  # what the step needs next (or what was done), one sentence
    who: list[str] = field(default_factory=list)  # who must act: roles or partners' names
    state: State = State.TO_COME

    @property
    def title(self):
        return STEP_TITLES[self.key]

    @property
    def endpoint(self) -> str:
        return ENDPOINTS[self.key]


def _facilitators() -> str:
    return _("Facilitators")


def _every_partner() -> str:
    return _("Every partner's representative")


def _mapping(session: Session, partnership_id: int) -> Step:
    rows = session.execute(
        select(Participant.sector, Participant.status, func.count())
        .where(Participant.partnership_id == partnership_id)
        .group_by(Participant.sector, Participant.status)
    ).all()
    mapped = sum(count for _sector, _status, count in rows)
    waiting = sum(count for _s, status, count in rows if status != Validation.VALIDATED)
    sectors = {sector for sector, status, _n in rows if status == Validation.VALIDATED}
    if not mapped:
        return Step(
            "mapping",
            False,
            _("Map the people, groups and organisations concerned, from every sector."),
            [_facilitators(), _every_partner()],
        )
    if waiting:
        return Step(
            "mapping",
            False,
            ngettext(
                "%(num)d participant waits for validation by a partner of another sector "
                "than the one that proposed it.",
                "%(num)d participants wait for validation by a partner of another sector "
                "than the one that proposed them.",
                waiting,
            ),
            [_every_partner()],
        )
    if len(sectors) < MIN_SECTORS:
        return Step(
            "mapping",
            False,
            _(
                "Validated participants come from %(count)d sectors: map and validate "
                "participants from at least %(least)d.",
                count=len(sectors),
                least=MIN_SECTORS,
            ),
            [_facilitators(), _every_partner()],
        )
    return Step(
        "mapping",
        True,
        _(
            "%(count)d participants validated, from %(sectors)d sectors.",
            count=mapped,
            sectors=len(sectors),
        ),
    )


def _has_outcome(outcome: dict | None) -> bool:
    return any((outcome or {}).get(section) for section in ("needs", "risks", "gaps"))


def _consultation(session: Session, partnership_id: int) -> Step:
    Consultation, Status = consultation_models.Consultation, consultation_models.Status
    rows = session.execute(
        select(Consultation.status, Consultation.outcome)
        .where(Consultation.partnership_id == partnership_id)
        .order_by(Consultation.id.desc())
    ).all()
    closed = [outcome for status, outcome in rows if status == Status.CLOSED]
    if outcome_validation.latest_validated(session, partnership_id=partnership_id) is not None:
        return Step(
            "consultation",
            True,
            _("A consultation is closed and the partners validated its outcome."),
        )
    if not rows:
        return Step(
            "consultation",
            False,
            _("Run a consultation of the participants on their needs and risks."),
            [_facilitators()],
        )
    if not closed:
        return Step(
            "consultation",
            False,
            _("Close the consultation once the answers are in."),
            [_facilitators()],
        )
    if not any(_has_outcome(outcome) for outcome in closed):
        return Step(
            "consultation",
            False,
            _("Write the shared understanding of a closed consultation: needs, risks, gaps."),
            [_facilitators()],
        )
    return Step(
        "consultation",
        False,
        _("The partners validate the consultation's outcome."),
        [_every_partner()],
    )


def _charter(session: Session, partnership_id: int, partners: list[Partner]) -> Step:
    versions = session.execute(
        select(CharterVersion.id, CharterVersion.number, CharterVersion.status)
        .where(
            CharterVersion.partnership_id == partnership_id,
            CharterVersion.status.in_((CharterStatus.ADOPTED, CharterStatus.PROPOSED)),
        )
        .order_by(CharterVersion.number.desc())
    ).all()
    adopted = next((v for v in versions if v.status == CharterStatus.ADOPTED), None)
    if adopted is not None:
        return Step("charter", True, _("Version %(number)d is in force.", number=adopted.number))
    proposed = next((v for v in versions if v.status == CharterStatus.PROPOSED), None)
    if proposed is None:
        return Step(
            "charter",
            False,
            _("Draft the charter with the partners and propose it for endorsement."),
            [_facilitators()],
        )
    answered = set(
        session.scalars(select(Endorsement.partner_id).where(Endorsement.version_id == proposed.id))
    )
    waiting = [p.name for p in partners if p.id not in answered]
    if not waiting:
        return Step(
            "charter",
            False,
            _(
                "Every partner answered version %(number)d: it is adopted once the charter's "
                "rule is met.",
                number=proposed.number,
            ),
            [_facilitators()],
        )
    return Step(
        "charter",
        False,
        ngettext(
            "Partners endorse or object to version %(number)d; %(num)d has not answered.",
            "Partners endorse or object to version %(number)d; %(num)d have not answered.",
            len(waiting),
            number=proposed.number,
        ),
        waiting,
    )


def _indicators(session: Session, partnership_id: int) -> Step:
    if charter_indicators.indicators_endorsed(session, partnership_id=partnership_id):
        return Step("indicators", True, _("The partners endorsed the indicators."))
    defined = session.scalar(
        select(func.count())
        .select_from(Indicator)
        .where(Indicator.partnership_id == partnership_id)
    )
    if not defined:
        return Step(
            "indicators",
            False,
            _("Define the indicators, each with a baseline and a target."),
            [_facilitators()],
        )
    return Step(
        "indicators",
        False,
        _("Put the indicators in the charter for the partners to endorse."),
        [_facilitators(), _every_partner()],
    )


def _review(session: Session, partnership_id: int) -> Step:
    rows = dict(
        session.execute(
            select(Review.status, func.min(Review.scheduled_at))
            .where(Review.partnership_id == partnership_id)
            .group_by(Review.status)
        ).all()
    )
    if ReviewStatus.HELD in rows:
        return Step("review", True, _("A joint review was held."))
    scheduled: datetime | None = rows.get(ReviewStatus.SCHEDULED)
    if scheduled is None:
        return Step(
            "review", False, _("Schedule the first joint review of progress."), [_facilitators()]
        )
    return Step(
        "review",
        False,
        _(
            "Hold the review of %(date)s and record who came and the minutes.",
            date=format_date(scheduled),
        ),
        [_facilitators(), _every_partner()],
    )


def steps(session: Session, *, partnership: Partnership) -> list[Step]:
    """The five steps of `partnership`, each done, current or to come (see the module)."""
    partners = [
        p
        for p in session.scalars(
            select(Partner).where(Partner.partnership_id == partnership.id).order_by(Partner.name)
        )
        if p.is_current
    ]
    found = [
        _mapping(session, partnership.id),
        _consultation(session, partnership.id),
        _charter(session, partnership.id, partners),
        _indicators(session, partnership.id),
        _review(session, partnership.id),
    ]
    current = next((step for step in found if not step.done), None)
    for step in found:
        if step.done:
            step.state = State.DONE
        elif step is current:
            step.state = State.CURRENT
    return found
