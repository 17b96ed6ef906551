"""The rules of recording a community assembly: what it can answer on, the results it can
give, who can be its partner and its witness, when it can have been held, and how the people
present and the hands raised are counted. Each refusal names the field it concerns."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from flask_babel import format_date
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as _p
from sqlalchemy import select
from sqlalchemy.orm import Session

from hsbp.community.models import Assembly, QuestionStatus, Vote, VoteKind
from hsbp.errors import ServiceError
from hsbp.mapping.labels import PARTICIPANT_SECTOR_LABELS
from hsbp.mapping.tags import group_tags
from hsbp.partnerships.models import Partner, zone_of
from hsbp.principles.models import CharterStatus, CharterVersion, Endorsement, Stance

PLACE_MAX = 200
MINUTES_MAX = 20_000
PEOPLE_MAX = 100_000

# What an assembly can decide: on the charter, the partner's stance; on a community vote,
# the answer of the vote's SMS question (1 support, 2 object, 3 need more information).
CHARTER_RESULTS = (Stance.ENDORSE, Stance.OBJECT)
VOTE_RESULTS = ("support", "object", "info")
RESULT_LABELS = {
    Stance.ENDORSE: _p("assembly result", "Endorse"),
    Stance.OBJECT: _p("assembly result", "Object"),
    "support": _p("assembly result", "Support"),
    "info": _p("assembly result", "Need more information"),
}


def results_for(*, version: CharterVersion | None) -> tuple[str, ...]:
    return CHARTER_RESULTS if version is not None else VOTE_RESULTS


def local_day(moment: datetime | None, timezone: str, *, closing: bool = False) -> date | None:
    """The day `moment` falls on where the partnership is; a closing moment at midnight
    belongs to the day before it (the last day people could answer)."""
    if moment is None:
        return None
    local = moment.astimezone(zone_of(timezone))
    if closing and local.time() == time():
        local -= timedelta(days=1)
    return local.date()


def group_keys(session: Session, *, partnership_id: int) -> list[str]:
    """The groups people present are counted by: the partnership's marginalised-group tags
    ("tag:women") and the sectors of participants ("sector:individual")."""
    tags = group_tags(session, partnership_id=partnership_id)
    return [f"tag:{t.key}" for t in tags] + [f"sector:{key}" for key in PARTICIPANT_SECTOR_LABELS]


def subject_problem(*, version: CharterVersion | None, vote: Vote | None):
    """Why an assembly cannot answer on this charter version or vote, or None."""
    if version is not None:
        if version.status == CharterStatus.DRAFT:
            return _l(
                "Version %(number)d is a draft: an assembly can answer on it once it is proposed.",
                number=version.number,
            )
        if version.status == CharterStatus.SUPERSEDED:
            return _l(
                "Version %(number)d is no longer in force: an assembly's answer on it would "
                "not count.",
                number=version.number,
            )
        return None
    if vote is not None and vote.kind != VoteKind.SUPPORT:
        return _l(
            "An assembly's result can be recorded on a vote to support or object, not on a ranking."
        )
    return None


def check_partner(session, partners, accounts, partner_id, *, version, vote) -> Partner:
    partner = partners.get(partner_id)
    if partner is None or not partner.is_current:
        raise ServiceError(_l("Choose the partner whose assembly it was."), field="partner_id")
    if version is not None and accounts.get(partner.id):
        # Its representative answers on the charter page; one partner has one answer.
        raise ServiceError(
            _l(
                "%(partner)s has a representative with a web account, who answers on the "
                "charter page. Assemblies are recorded for partners without one.",
                partner=partner.name,
            ),
            field="partner_id",
        )
    same = select(Assembly.id).where(
        Assembly.partnership_id == partner.partnership_id, Assembly.partner_id == partner.id
    )
    if version is not None:
        answered = session.scalar(
            select(Endorsement.id).where(
                Endorsement.partnership_id == version.partnership_id,
                Endorsement.version_id == version.id,
                Endorsement.partner_id == partner.id,
            )
        )
        if answered:
            raise ServiceError(
                _l(
                    "%(partner)s has already answered on version %(number)d.",
                    partner=partner.name,
                    number=version.number,
                ),
                field="partner_id",
            )
        waiting = session.scalar(
            same.where(
                Assembly.charter_version_id == version.id, Assembly.witnessed_at.is_(None)
            ).limit(1)
        )
        if waiting:
            raise ServiceError(
                _l(
                    "An assembly of %(partner)s on version %(number)d is already awaiting its "
                    "witness. Delete that record first to record another.",
                    partner=partner.name,
                    number=version.number,
                ),
                field="partner_id",
            )
    elif session.scalar(same.where(Assembly.vote_id == vote.id).limit(1)):
        raise ServiceError(
            _l(
                "The result of an assembly of %(partner)s on this vote is already recorded.",
                partner=partner.name,
            ),
            field="partner_id",
        )
    return partner


def check_witness(partners, accounts, witness_partner_id, partner: Partner) -> Partner:
    witness = partners.get(witness_partner_id)
    if witness is None or not witness.is_current:
        raise ServiceError(
            _l("Choose the partner who witnessed the assembly."), field="witness_partner_id"
        )
    if witness.id == partner.id:
        raise ServiceError(
            _l("The witness must be another partner than the one whose assembly it was."),
            field="witness_partner_id",
        )
    if not accounts.get(witness.id):
        raise ServiceError(
            _l(
                "%(partner)s has no representative with a web account to confirm the record. "
                "Choose another witness, or invite a representative first.",
                partner=witness.name,
            ),
            field="witness_partner_id",
        )
    return witness


def check_day(held_on, today: date, timezone: str, *, version, vote) -> None:
    if held_on is None:
        raise ServiceError(_l("Give the date of the assembly."), field="held_on")
    if held_on > today:
        raise ServiceError(
            _l("The assembly cannot be in the future: give the day it was held."),
            field="held_on",
        )
    if version is not None:
        proposed = local_day(version.proposed_at, timezone)
        if proposed is not None and held_on < proposed:
            raise ServiceError(
                _l(
                    "Version %(number)d was proposed on %(date)s: the assembly must have been "
                    "held on that day or later.",
                    number=version.number,
                    date=format_date(proposed),
                ),
                field="held_on",
            )
        return
    opened = local_day(vote.opens_at, timezone)
    closed = local_day(vote.closed_at or vote.closes_at, timezone, closing=True)
    if held_on < opened:
        raise ServiceError(
            _l(
                "The vote opened on %(date)s: the assembly must have been held while it was open.",
                date=format_date(opened),
            ),
            field="held_on",
        )
    if closed is not None and held_on > closed and vote.status == QuestionStatus.CLOSED:
        raise ServiceError(
            _l(
                "The vote closed on %(date)s: the assembly must have been held while it was open.",
                date=format_date(closed),
            ),
            field="held_on",
        )


def check_people(value, field: str) -> int:
    if value is None:
        raise ServiceError(_l("Give a number."), field=field)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ServiceError(_l("Give a whole number."), field=field)
    if value < 0:
        raise ServiceError(_l("A count cannot be negative."), field=field)
    if value > PEOPLE_MAX:
        raise ServiceError(_l("Give a number up to %(max)d.", max=PEOPLE_MAX), field=field)
    return value


def check_present(present: dict, keys: list[str], total: int) -> dict[str, int]:
    counted = {}
    for key, value in (present or {}).items():
        if key not in keys:
            raise ServiceError(_l("Count people by the partnership's groups and sectors."))
        if value is None:
            continue
        field = f"present:{key}"
        counted[key] = check_people(value, field)
        if counted[key] > total:
            raise ServiceError(
                _l("More people than were present in all (%(total)d).", total=total),
                field=field,
            )
    # In the partnership's order of groups, whatever order they came in.
    return {key: counted[key] for key in keys if key in counted}


def check_counts(counts: dict, results: tuple[str, ...], total: int, result: str) -> dict[str, int]:
    counted = {}
    for key, value in (counts or {}).items():
        if key not in results:
            raise ServiceError(_l("Choose the assembly's result."), field="result")
        if value is not None:
            counted[key] = check_people(value, f"count:{key}")
    if sum(counted.values()) > total:
        raise ServiceError(
            _l(
                "More hands counted (%(counted)d) than people present (%(total)d).",
                counted=sum(counted.values()),
                total=total,
            ),
            field=f"count:{next(iter(counted))}",
        )
    if counted and counted.get(result, 0) < max(counted.values()):
        top = max(counted, key=counted.get)
        raise ServiceError(
            _l(
                "The counts give most hands to “%(choice)s”, not to the result chosen: "
                "check one or the other.",
                choice=RESULT_LABELS[top],
            ),
            field="result",
        )
    return {key: counted[key] for key in results if key in counted}


def too_long(limit: int):
    return _l("Keep this text under %(count)d characters.", count=limit)
