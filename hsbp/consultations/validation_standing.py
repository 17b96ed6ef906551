"""Where a consultation outcome's validation by the partners stands: the round that counts,
its state, the partners' answers counted with the charter's decision rule, and its deadline.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from hsbp.consultations.models import Consultation
from hsbp.consultations.validation_models import OutcomeAnswer, OutcomeStance, OutcomeValidation
from hsbp.db import utcnow
from hsbp.partnerships.models import Partner, Partnership
from hsbp.partnerships.services import list_partners
from hsbp.principles import content as charter_content
from hsbp.principles import services as charter
from hsbp.principles.adoption import Tally

DEFAULT_DAYS = 14
MAX_DAYS = 90

# What a round is at a given moment (not stored: the deadline passes by itself).
UNSENT, OPEN, VALIDATED, EXPIRED, PROCEEDED = "unsent", "open", "validated", "expired", "proceeded"

# Why an item cannot become a charter goal yet, by state; a state not listed lets it.
WAITING = {
    UNSENT: _l(
        "Send the outcome to the partners first: it feeds the charter once they validate it."
    ),
    OPEN: _l("Waiting for the partners to validate the outcome."),
    EXPIRED: _l(
        "The partners did not validate the outcome by its deadline: send it again, or proceed "
        "with a recorded reason."
    ),
}

# Reading -------------------------------------------------------------------------------------


def state_of(validation: OutcomeValidation | None, now: datetime) -> str:
    if validation is None:
        return UNSENT
    if validation.validated_at is not None:
        return VALIDATED
    if validation.proceeded_at is not None:
        return PROCEEDED
    return OPEN if now < validation.deadline else EXPIRED


def current_round(session: Session, *, consultation: Consultation) -> OutcomeValidation | None:
    """The round that counts: the latest, unless the outcome was edited since (then none)."""
    latest = session.scalar(
        select(OutcomeValidation)
        .where(
            OutcomeValidation.partnership_id == consultation.partnership_id,
            OutcomeValidation.consultation_id == consultation.id,
        )
        .order_by(OutcomeValidation.round.desc())
        .limit(1)
    )
    return latest if latest is not None and latest.superseded_at is None else None


def _rule(session: Session, partnership_id: int) -> tuple[dict, bool]:
    version = charter.in_force(session, partnership_id=partnership_id)
    rule = (version.content or {}).get("decision_rule") if version else None
    return (rule, True) if rule else (charter_content.empty_content()["decision_rule"], False)


def rule_in_force(session: Session, *, partnership_id: int) -> dict:
    """The decision rule of the charter in force; without one, the charter's default
    (consensus), since nothing the partners agreed lowers the bar."""
    return _rule(session, partnership_id)[0]


def count(rule: dict, partners: list[Partner], answers: dict[int, OutcomeAnswer]) -> Tally:
    """Where the answers stand against `rule`, counting current partners only."""
    given = [answers[p.id].stance for p in partners if p.is_current and p.id in answers]
    return Tally(
        rule=rule["rule"],
        majority_percent=rule["majority_percent"],
        quorum_percent=rule["quorum_percent"],
        partners=sum(1 for p in partners if p.is_current),
        endorsed=given.count(OutcomeStance.CONFIRM),
        objected=given.count(OutcomeStance.CHANGES),
    )


@dataclass
class Standing:
    """An outcome's validation as its pages show it."""

    state: str
    validation: OutcomeValidation | None = None
    tally: Tally | None = None
    # (current partner, its answer or None), then answers of partners who have left since.
    rows: list[tuple[Partner, OutcomeAnswer | None]] = field(default_factory=list)
    former: list[OutcomeAnswer] = field(default_factory=list)
    earlier_rounds: int = 0
    # Whether the rule is the charter's in force (else the default, consensus).
    charter_rule: bool = False

    @property
    def waiting(self):
        """Why the outcome cannot feed the charter yet, or None when it can."""
        return WAITING.get(self.state)


def answers_of(session: Session, *, validation: OutcomeValidation) -> dict[int, OutcomeAnswer]:
    """{partner id: answer} in `validation`'s round."""
    rows = session.scalars(
        select(OutcomeAnswer)
        .options(joinedload(OutcomeAnswer.user))
        .where(
            OutcomeAnswer.partnership_id == validation.partnership_id,
            OutcomeAnswer.validation_id == validation.id,
        )
    )
    return {row.partner_id: row for row in rows}


def standing(
    session: Session, *, consultation: Consultation, now: datetime | None = None
) -> Standing:
    """The outcome's validation in a fixed number of queries, however many partners."""
    now = now or utcnow()
    validation = current_round(session, consultation=consultation)
    if validation is None:
        return Standing(state=UNSENT)
    partners = list_partners(session, partnership_id=consultation.partnership_id)
    answers = answers_of(session, validation=validation)
    current = [p for p in partners if p.is_current]
    rule, charter_rule = _rule(session, consultation.partnership_id)
    return Standing(
        state=state_of(validation, now),
        validation=validation,
        tally=count(rule, current, answers),
        rows=[(partner, answers.get(partner.id)) for partner in current],
        former=[answers[p.id] for p in partners if not p.is_current and p.id in answers],
        earlier_rounds=validation.round - 1,
        charter_rule=charter_rule,
    )


def goals_waiting(session: Session, *, consultation: Consultation, now: datetime | None = None):
    """Why the outcome's items cannot become charter goals yet (a sentence), or None."""
    validation = current_round(session, consultation=consultation)
    return WAITING.get(state_of(validation, now or utcnow()))


# Deadlines -----------------------------------------------------------------------------------


def deadline_time(day: date, partnership: Partnership) -> datetime:
    """Answers are taken until the end of `day` where the partnership is (a day typed
    thousands of years ahead stays a date, for the refusal to name)."""
    day = min(day, date.max - timedelta(days=2))
    return datetime.combine(day + timedelta(days=1), time(), partnership.zone)


def default_deadline_day(partnership: Partnership, now: datetime) -> date:
    return now.astimezone(partnership.zone).date() + timedelta(days=DEFAULT_DAYS - 1)


def deadline_day(validation: OutcomeValidation, partnership: Partnership) -> date:
    """The last day answers are taken, where the partnership is."""
    return (validation.deadline.astimezone(partnership.zone) - timedelta(microseconds=1)).date()
