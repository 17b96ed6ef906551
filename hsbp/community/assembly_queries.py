"""Reading community assemblies: one page of them, one with what it decided on, the ones on a
charter version, the ones a witness has still to confirm, and what an assembly can answer on."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from hsbp.auth.models import User
from hsbp.community.models import Assembly, Vote, VoteKind
from hsbp.partnerships.models import Membership, Partner
from hsbp.principles import services as charter
from hsbp.principles.models import CharterStatus, CharterVersion, Endorsement
from hsbp.security import Role

PER_PAGE = 50


def get_assembly(session: Session, *, partnership_id: int, assembly_id: int) -> Assembly | None:
    return session.scalar(
        select(Assembly).where(
            Assembly.id == assembly_id, Assembly.partnership_id == partnership_id
        )
    )


def get_vote(session: Session, *, partnership_id: int, vote_id: int) -> Vote | None:
    return session.scalar(
        select(Vote).where(Vote.id == vote_id, Vote.partnership_id == partnership_id)
    )


def subjects(session: Session, *, partnership_id: int) -> dict:
    """What an assembly can answer on now: the proposed and in-force charter versions, and
    the partnership's votes to support or object (newest first)."""
    versions = [
        v
        for v in charter.list_versions(session, partnership_id=partnership_id)
        if v.status in (CharterStatus.PROPOSED, CharterStatus.ADOPTED)
    ]
    votes = list(
        session.scalars(
            select(Vote)
            .where(Vote.partnership_id == partnership_id, Vote.kind == VoteKind.SUPPORT)
            .order_by(Vote.opens_at.desc(), Vote.id.desc())
            .limit(PER_PAGE)
        )
    )
    return {"versions": versions, "votes": votes}


def web_accounts(session: Session, *, partnership_id: int) -> dict[int, int]:
    """{partner id: representatives with an active web account}, for partners that have any."""
    rows = session.execute(
        select(Membership.partner_id, func.count())
        .join(User, User.id == Membership.user_id)
        .where(
            Membership.partnership_id == partnership_id,
            Membership.role == Role.REPRESENTATIVE,
            Membership.partner_id.is_not(None),
            User.active.is_(True),
        )
        .group_by(Membership.partner_id)
    )
    return {partner_id: count for partner_id, count in rows}


@dataclass(frozen=True)
class Listed:
    assembly: Assembly
    partner: str
    witness: str
    number: int | None  # the charter version's
    vote_title: dict | None


def list_assemblies(
    session: Session, *, partnership_id: int, page: int = 1
) -> tuple[list[Listed], int]:
    """One page of the partnership's assemblies, latest held first, and how many there are:
    two queries, however many rows."""
    total = session.scalar(
        select(func.count()).select_from(Assembly).where(Assembly.partnership_id == partnership_id)
    )
    partner, witness = aliased(Partner), aliased(Partner)
    rows = session.execute(
        select(Assembly, partner.name, witness.name, CharterVersion.number, Vote.title)
        .join(partner, partner.id == Assembly.partner_id)
        .join(witness, witness.id == Assembly.witness_partner_id)
        .outerjoin(CharterVersion, CharterVersion.id == Assembly.charter_version_id)
        .outerjoin(Vote, Vote.id == Assembly.vote_id)
        .where(Assembly.partnership_id == partnership_id)
        .order_by(Assembly.held_on.desc(), Assembly.id.desc())
        .limit(PER_PAGE)
        .offset((max(page, 1) - 1) * PER_PAGE)
    )
    return [Listed(*row) for row in rows], total or 0


@dataclass(frozen=True)
class Detail:
    assembly: Assembly
    partner: Partner
    witness: Partner
    version: CharterVersion | None
    vote: Vote | None
    endorsement: Endorsement | None  # the answer it became, while it stands
    names: dict[int, str]  # of the members who recorded and confirmed it


def detail(session: Session, *, assembly: Assembly) -> Detail:
    pid = assembly.partnership_id
    partners = {
        p.id: p
        for p in session.scalars(
            select(Partner).where(
                Partner.partnership_id == pid,
                Partner.id.in_([assembly.partner_id, assembly.witness_partner_id]),
            )
        )
    }
    version = vote = endorsement = None
    if assembly.charter_version_id is not None:
        version = session.scalar(
            select(CharterVersion).where(
                CharterVersion.partnership_id == pid,
                CharterVersion.id == assembly.charter_version_id,
            )
        )
        endorsement = session.scalar(
            select(Endorsement).where(
                Endorsement.partnership_id == pid, Endorsement.assembly_id == assembly.id
            )
        )
    elif assembly.vote_id is not None:
        vote = get_vote(session, partnership_id=pid, vote_id=assembly.vote_id)
    people = {assembly.recorded_by_id, assembly.witnessed_by_id} - {None}
    names = dict(session.execute(select(User.id, User.name).where(User.id.in_(people))).all())
    return Detail(
        assembly,
        partners[assembly.partner_id],
        partners[assembly.witness_partner_id],
        version,
        vote,
        endorsement,
        names,
    )


@dataclass(frozen=True)
class OnCharter:
    """The assemblies on one charter version, for the charter's pages."""

    by_id: dict[int, Assembly]
    # {partner id: its assembly awaiting the witness}
    pending: dict[int, Assembly]


def on_charter(session: Session, *, partnership_id: int, version_id: int) -> OnCharter:
    rows = session.scalars(
        select(Assembly)
        .where(
            Assembly.partnership_id == partnership_id,
            Assembly.charter_version_id == version_id,
        )
        .order_by(Assembly.id)
    ).all()
    return OnCharter(
        by_id={row.id: row for row in rows},
        pending={row.partner_id: row for row in rows if row.witnessed_at is None},
    )


def awaiting(session: Session, *, partnership_id: int, witness_partner_id: int) -> list[Assembly]:
    """The assemblies a partner is named witness of and has not confirmed yet."""
    return list(
        session.scalars(
            select(Assembly)
            .where(
                Assembly.partnership_id == partnership_id,
                Assembly.witness_partner_id == witness_partner_id,
                Assembly.witnessed_at.is_(None),
            )
            .order_by(Assembly.held_on, Assembly.id)
        )
    )
