"""Community assemblies: a partner without web accounts (a community group, say) decides in an
assembly, a facilitator records it (date, place, who came, the result, the minutes) and a
witness partner confirms the record on the web.

Once confirmed, an assembly's answer on the charter is the partner's endorsement or objection
(hsbp.principles.services.record_answer) and counts under the decision rule like any other;
its result on a community vote is shown beside the vote's SMS tally (`assembly_results`).
Until then it is "awaiting the witness" and counts nowhere. Minutes may name people: their
text is encrypted and their file kept like an action's evidence (hsbp.actions.uploads).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import BinaryIO

from flask_babel import format_date
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from hsbp import audit
from hsbp.actions import uploads
from hsbp.auth.models import User
from hsbp.community import assembly_rules as rules
from hsbp.community.assembly_queries import web_accounts
from hsbp.community.models import Assembly, Vote
from hsbp.db import utcnow
from hsbp.errors import ServiceError
from hsbp.partnerships.models import Membership, Partner, Partnership, zone_of
from hsbp.partnerships.services import list_partners
from hsbp.principles import services as charter
from hsbp.principles.models import CharterVersion, Endorsement
from hsbp.security import Role

audit.ACTION_LABELS.update(
    {
        "assembly.record": _l("Community assembly recorded"),
        "assembly.confirm": _l("Community assembly confirmed by its witness"),
        "assembly.delete": _l("Community assembly deleted before its witness confirmed it"),
    }
)


@dataclass(frozen=True)
class AssemblyResult:
    """An assembly's result on a vote, to show beside the vote's SMS tally. Not confirmed
    yet: show it as awaiting the witness, and leave it out of any total."""

    id: int
    partner_id: int
    partner: str
    held_on: date
    place: str
    present_total: int
    present: dict
    result: str
    counts: dict
    confirmed: bool


def assembly_results(session: Session, vote_id: int) -> list[AssemblyResult]:
    """The assemblies recorded on vote `vote_id`, in the order they were held, for the vote's
    pages: one query, kept to the vote's own partnership."""
    rows = session.execute(
        select(Assembly, Partner.name)
        .join(Vote, Vote.id == Assembly.vote_id)
        .join(Partner, Partner.id == Assembly.partner_id)
        .where(
            Assembly.vote_id == vote_id,
            Assembly.partnership_id == Vote.partnership_id,
            Partner.partnership_id == Vote.partnership_id,
        )
        .order_by(Assembly.held_on, Assembly.id)
    )
    return [
        AssemblyResult(
            id=row.id,
            partner_id=row.partner_id,
            partner=name,
            held_on=row.held_on,
            place=row.place,
            present_total=row.present_total,
            present=dict(row.present or {}),
            result=row.result,
            counts=dict(row.result_counts or {}),
            confirmed=row.witnessed_at is not None,
        )
        for row, name in rows
    ]


# Changing ------------------------------------------------------------------------------


def record(
    session: Session,
    *,
    actor: User,
    partnership: Partnership,
    version: CharterVersion | None = None,
    vote: Vote | None = None,
    partner_id: int | None,
    witness_partner_id: int | None,
    held_on: date | None,
    place: str,
    present_total: int | None,
    present: dict[str, int | None],
    result: str,
    counts: dict[str, int | None],
    minutes: str = "",
    minutes_file: tuple[str, BinaryIO] | None = None,
    today: date | None = None,
) -> Assembly:
    """Record what a partner's community assembly decided on charter `version` or on `vote`
    (one of them), to be confirmed by the witness partner's representative. `present` and
    `counts` map group keys (`group_keys`) and results to numbers; a None is "not counted".

    Raises ServiceError (with the field concerned) on any refusal, leaving nothing behind.
    Side effects: the minutes file in the partnership's evidence folder (removed again if the
    transaction does not commit), the community_assemblies row and an audit entry.
    """
    if (version is None) == (vote is None):
        raise ServiceError(_l("Choose what the assembly decided on."))
    subject = version if version is not None else vote
    if subject.partnership_id != partnership.id:
        raise ServiceError(_l("Choose what the assembly decided on."))
    problem = rules.subject_problem(version=version, vote=vote)
    if problem is not None:
        raise ServiceError(problem)
    partners = {p.id: p for p in list_partners(session, partnership_id=partnership.id)}
    accounts = web_accounts(session, partnership_id=partnership.id)
    partner = rules.check_partner(
        session, partners, accounts, partner_id, version=version, vote=vote
    )
    witness = rules.check_witness(partners, accounts, witness_partner_id, partner)
    today = today or datetime.now(zone_of(partnership.timezone)).date()
    rules.check_day(held_on, today, partnership.timezone, version=version, vote=vote)
    place = " ".join((place or "").split())
    if not place:
        raise ServiceError(_l("Say where the assembly was held."), field="place")
    if len(place) > rules.PLACE_MAX:
        raise ServiceError(rules.too_long(rules.PLACE_MAX), field="place")
    total = rules.check_people(present_total, "present_total")
    if total == 0:
        raise ServiceError(_l("Give how many people took part."), field="present_total")
    present = rules.check_present(
        present, rules.group_keys(session, partnership_id=partnership.id), total
    )
    results = rules.results_for(version=version)
    if result not in results:
        raise ServiceError(_l("Choose the assembly's result."), field="result")
    counts = rules.check_counts(counts, results, total, result)
    minutes = (minutes or "").strip()
    if len(minutes) > rules.MINUTES_MAX:
        raise ServiceError(rules.too_long(rules.MINUTES_MAX), field="minutes")
    has_file = minutes_file is not None and (minutes_file[0] or "").strip()
    if not minutes and not has_file:
        raise ServiceError(
            _l("Attach the minutes or write them out: they are what the witness confirms."),
            field="minutes_file",
        )
    assembly = Assembly(
        partnership_id=partnership.id,
        partner_id=partner.id,
        held_on=held_on,
        place=place,
        charter_version_id=version.id if version is not None else None,
        vote_id=vote.id if vote is not None else None,
        present=present,
        present_total=total,
        result=result,
        result_counts=counts,
        minutes=minutes,
        witness_partner_id=witness.id,
        recorded_by_id=actor.id,
    )
    if has_file:
        _attach(session, assembly, *minutes_file)
    session.add(assembly)
    session.flush()
    details = {"partner_id": partner.id, "witness_partner_id": witness.id}
    if version is not None:
        details |= {"charter_version_id": version.id, "number": version.number}
    else:
        details["vote_id"] = vote.id
    details |= {"held_on": held_on.isoformat(), "result": result, "present_total": total}
    _audit(session, actor, "assembly.record", assembly, **details)
    return assembly


def confirm(
    session: Session, *, actor: User, membership: Membership | None, assembly: Assembly
) -> Endorsement | None:
    """The witness partner's representative (`actor`) confirms the record. An answer on the
    charter then becomes the partner's endorsement or objection, which may adopt it.

    Side effects: the assembly is witnessed (by whom, when), an audit entry; on the
    charter, the charter_endorsements row, its audit entry and, on adoption, the version's
    new status and another entry. Returns the endorsement, if any.
    """
    if (
        membership is None
        or membership.partnership_id != assembly.partnership_id
        or membership.role != Role.REPRESENTATIVE
        or membership.partner_id != assembly.witness_partner_id
    ):
        raise ServiceError(_l("Only a representative of the witness partner can confirm it."))
    # Two representatives of the witness confirming at once: the second finds it done.
    session.refresh(assembly, with_for_update=True)
    if assembly.witnessed_at is not None:
        raise ServiceError(_l("This record is already confirmed."))
    witness = session.get(Partner, assembly.witness_partner_id)
    if not witness.is_current:
        raise ServiceError(_l("%(partner)s has left the partnership.", partner=witness.name))
    assembly.witnessed_by_id, assembly.witnessed_at = actor.id, utcnow()
    _audit(
        session,
        actor,
        "assembly.confirm",
        assembly,
        partner_id=assembly.partner_id,
        witness_partner_id=assembly.witness_partner_id,
    )
    if assembly.charter_version_id is None:
        return None
    version = session.scalar(
        select(CharterVersion).where(
            CharterVersion.partnership_id == assembly.partnership_id,
            CharterVersion.id == assembly.charter_version_id,
        )
    )
    problem = rules.subject_problem(version=version, vote=None)
    if problem is not None:
        raise ServiceError(problem)
    partnership = session.get(Partnership, assembly.partnership_id)
    proposed = rules.local_day(version.proposed_at, partnership.timezone)
    if proposed is not None and assembly.held_on < proposed:
        # Withdrawn, revised and proposed again since: the assembly answered another text.
        raise ServiceError(
            _l(
                "Version %(number)d was proposed again on %(date)s, after this assembly: "
                "it answered on an earlier text. Record a new assembly on it.",
                number=version.number,
                date=format_date(proposed),
            )
        )
    return charter.record_answer(
        session,
        actor=actor,
        version=version,
        partner=session.get(Partner, assembly.partner_id),
        stance=assembly.result,
        assembly_id=assembly.id,
    )


def delete(session: Session, *, actor: User, assembly: Assembly) -> None:
    """Delete a record its witness has not confirmed (a mistake, or a witness who does not
    recognise it). A confirmed assembly stays on record.

    Side effects: the row (its minutes file once that commits) and an audit entry.
    """
    if assembly.witnessed_at is not None:
        raise ServiceError(_l("A confirmed assembly stays on record."))
    _audit(
        session,
        actor,
        "assembly.delete",
        assembly,
        partner_id=assembly.partner_id,
        witness_partner_id=assembly.witness_partner_id,
        held_on=assembly.held_on.isoformat(),
    )
    if assembly.minutes_stored:
        path = uploads.path_of(assembly.partnership_id, assembly.minutes_stored)
        uploads.delete_after_commit(session, path)
    session.delete(assembly)
    session.flush()


def _attach(session: Session, assembly: Assembly, filename: str, stream: BinaryIO) -> None:
    try:
        stored = uploads.store(
            session, partnership_id=assembly.partnership_id, filename=filename, stream=stream
        )
    except ServiceError as error:
        raise ServiceError(error.message, field="minutes_file") from None
    assembly.minutes_filename = uploads.clean_filename(filename)
    assembly.minutes_stored, assembly.minutes_type = stored.stored_name, stored.content_type
    assembly.minutes_size, assembly.minutes_sha256 = stored.size, stored.sha256


def _audit(session: Session, actor: User, action: str, assembly: Assembly, **details) -> None:
    audit.record(
        session,
        actor_id=actor.id,
        action=action,
        obj=assembly,
        partnership_id=assembly.partnership_id,
        details=details,
    )
