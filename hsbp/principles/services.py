"""The charter's life cycle: drafts, proposals, endorsements, adoption and amendments."""

from __future__ import annotations

import copy

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from hsbp import audit
from hsbp.audit import ACTION_LABELS
from hsbp.auth.models import User
from hsbp.db import utcnow
from hsbp.errors import ServiceError
from hsbp.partnerships.models import Membership, Partner, Partnership
from hsbp.partnerships.services import list_partners
from hsbp.principles import changes as charter_changes
from hsbp.principles import content as doc
from hsbp.principles import sections
from hsbp.principles.adoption import (
    adopted,
    adoption_missing,
    charter_panels,
    governing_rule,
    tally,
)
from hsbp.principles.models import CharterStatus, CharterVersion, Endorsement, Stance
from hsbp.security import Role

ACTION_LABELS.update(
    {
        "charter.create": _l("Charter draft started"),
        "charter.update": _l("Charter draft edited"),
        "charter.update_section": _l("Charter draft section edited"),
        "charter.propose": _l("Charter version proposed"),
        "charter.withdraw": _l("Charter proposal withdrawn"),
        "charter.endorse": _l("Charter endorsed"),
        "charter.object": _l("Objection to the charter"),
        "charter.adopt": _l("Charter version adopted"),
    }
)
COMMENT_MAX = 2000
OPEN = (CharterStatus.DRAFT, CharterStatus.PROPOSED)
# Reading -------------------------------------------------------------------------------


def list_versions(session: Session, *, partnership_id: int) -> list[CharterVersion]:
    """Every version of the partnership's charter, newest first."""
    return list(
        session.scalars(
            select(CharterVersion)
            .where(CharterVersion.partnership_id == partnership_id)
            .order_by(CharterVersion.number.desc())
        )
    )


def get_version(session: Session, *, partnership_id: int, number: int) -> CharterVersion | None:
    return session.scalar(
        select(CharterVersion).where(
            CharterVersion.partnership_id == partnership_id, CharterVersion.number == number
        )
    )


def in_force(session: Session, *, partnership_id: int) -> CharterVersion | None:
    return session.scalar(
        select(CharterVersion).where(
            CharterVersion.partnership_id == partnership_id,
            CharterVersion.status == CharterStatus.ADOPTED,
        )
    )


def action_rule(session: Session, *, partnership_id: int) -> str:
    """Who may change an item of the joint action checklist (one of content.ACTION_RULES),
    by the charter in force: drafts and proposals count only once adopted, and a partnership
    without an adopted charter follows the default, "lead"."""
    version = in_force(session, partnership_id=partnership_id)
    return doc.action_rule_of(version.content) if version else doc.DEFAULT_ACTION_RULE


def risk_rule(session: Session, *, partnership_id: int) -> str:
    """Who reads the risks register (one of content.RISK_RULES), by the charter in force; the
    default, "connected", until a charter that says otherwise is adopted."""
    version = in_force(session, partnership_id=partnership_id)
    return doc.risk_rule_of(version.content) if version else doc.DEFAULT_RISK_RULE


def incident_partner_ids(session: Session, *, partnership_id: int) -> list[int]:
    """The partners the charter in force names to hear of incidents, besides facilitators."""
    version = in_force(session, partnership_id=partnership_id)
    return doc.incident_partners_of(version.content) if version else []


def answers(
    session: Session, *, partnership_id: int, version_ids: list[int]
) -> dict[int, dict[int, Endorsement]]:
    """{version id: {partner id: endorsement}} for `version_ids`, in one query."""
    out: dict[int, dict[int, Endorsement]] = {version_id: {} for version_id in version_ids}
    if not version_ids:
        return out
    rows = session.scalars(
        select(Endorsement)
        .options(joinedload(Endorsement.user), joinedload(Endorsement.partner))
        .where(
            Endorsement.partnership_id == partnership_id,
            Endorsement.version_id.in_(version_ids),
        )
        .order_by(Endorsement.created_at, Endorsement.id)
    )
    for row in rows:
        out[row.version_id][row.partner_id] = row
    return out


def overview(session: Session, *, partnership_id: int) -> dict:
    """The charter page's data in a fixed number of queries, however many versions exist."""
    versions = list_versions(session, partnership_id=partnership_id)
    current = next((v for v in versions if v.status == CharterStatus.ADOPTED), None)
    pending = next((v for v in versions if v.status in OPEN), None)
    partners = list_partners(session, partnership_id=partnership_id)
    stances = answers(
        session,
        partnership_id=partnership_id,
        version_ids=[v.id for v in (current, pending) if v is not None],
    )
    result = {
        "versions": versions,
        "in_force": current,
        "pending": pending,
        "partners": partners,
        "stances": stances,
        "tally": None,
        "missing": [],
        "panels": [],
    }
    if pending is not None and pending.status == CharterStatus.PROPOSED:
        rule = governing_rule(pending, current)
        result["tally"] = tally(rule, partners, stances[pending.id])
        result["missing"] = adoption_missing(session, version=pending)
        result["panels"] = charter_panels(session, version=pending)
    return result


# Changing ------------------------------------------------------------------------------


def _record(session: Session, actor: User | None, action: str, version, **details) -> None:
    audit.record(
        session,
        actor_id=actor.id if actor else None,
        action=action,
        obj=version,
        partnership_id=version.partnership_id,
        details={"number": version.number, **details},
    )


def ensure_draft(version: CharterVersion) -> None:
    """Refuse any change to a version that is not a draft (adopted ones are frozen)."""
    if version.status == CharterStatus.PROPOSED:
        raise ServiceError(_l("Withdraw the proposal before changing this version."))
    if version.status != CharterStatus.DRAFT:
        raise ServiceError(_l("An adopted version is frozen. Start an amendment to change it."))


def start_draft(session: Session, *, actor: User, partnership: Partnership) -> CharterVersion:
    """Start the next version: an empty first draft, or, once a charter is in force, an
    amendment that copies it. Only one draft or proposal may be open at a time.

    Side effects: a charter_versions row and an audit entry.
    """
    versions = list_versions(session, partnership_id=partnership.id)
    pending = next((v for v in versions if v.status in OPEN), None)
    if pending is not None:
        raise ServiceError(
            _l("Version %(number)d is still open: finish it first.", number=pending.number)
        )
    current = next((v for v in versions if v.status == CharterStatus.ADOPTED), None)
    number = (
        session.scalar(
            select(func.max(CharterVersion.number)).where(
                CharterVersion.partnership_id == partnership.id
            )
        )
        or 0
    ) + 1
    version = CharterVersion(
        partnership_id=partnership.id,
        number=number,
        status=CharterStatus.DRAFT,
        based_on_id=current.id if current else None,
        content=copy.deepcopy(current.content) if current else doc.empty_content(),
        created_by_id=actor.id,
    )
    session.add(version)
    session.flush()
    _record(session, actor, "charter.create", version, based_on=current.number if current else None)
    return version


def update_draft(
    session: Session, *, actor: User, partnership: Partnership, version: CharterVersion, raw: dict
) -> list[charter_changes.Change]:
    """Replace a draft's content with the cleaned `raw` document; returns what changed.

    Side effects: the version's content; an audit entry naming the changed paths.
    """
    ensure_draft(version)
    partner_ids = set(
        session.scalars(select(Partner.id).where(Partner.partnership_id == partnership.id))
    )
    new = doc.normalise(raw, locales=partnership.locales, partner_ids=partner_ids)
    changes = charter_changes.diff(version.content or {}, new, locales=partnership.locales)
    if changes:
        version.content = new
        paths = ["/".join(str(part) for part in change.path) for change in changes]
        _record(session, actor, "charter.update", version, changed=paths[:50], count=len(paths))
    return changes


def propose(
    session: Session, *, actor: User, partnership: Partnership, version: CharterVersion
) -> None:
    """Put a draft to the partners for endorsement. Raises sections.DraftIncomplete, naming
    every section to fix, when the whole draft's checks fail.

    Side effects: the version becomes proposed (proposed_at set); an audit entry.
    """
    ensure_draft(version)
    partners = list_partners(session, partnership_id=partnership.id)
    if not any(p.is_current for p in partners):
        raise ServiceError(_l("Add the partners first: there is no one to endorse the charter."))
    sections.check_proposable(version.content or {}, default_locale=partnership.default_locale)
    version.status, version.proposed_at = CharterStatus.PROPOSED, utcnow()
    _record(session, actor, "charter.propose", version)


def withdraw(session: Session, *, actor: User, version: CharterVersion) -> None:
    """Take a proposal back to draft so it can be revised after objections.

    Side effects: deletes the version's endorsements (the audit entry keeps each one), the
    version becomes a draft again.
    """
    if version.status != CharterStatus.PROPOSED:
        raise ServiceError(_l("Only a proposed version can be withdrawn."))
    rows = session.scalars(
        select(Endorsement).where(
            Endorsement.partnership_id == version.partnership_id,
            Endorsement.version_id == version.id,
        )
    ).all()
    kept = [
        {"partner_id": e.partner_id, "user_id": e.user_id, "stance": e.stance, "comment": e.comment}
        | ({"assembly_id": e.assembly_id} if e.assembly_id else {})
        for e in rows
    ]
    for row in rows:
        session.delete(row)
    version.status, version.proposed_at = CharterStatus.DRAFT, None
    session.flush()
    session.expire(version, ["endorsements"])
    _record(session, actor, "charter.withdraw", version, endorsements=kept)


def endorse(
    session: Session, *, actor: User, version: CharterVersion, stance: str, comment: str = ""
) -> Endorsement:
    """Record the stance of `actor`'s partner on a proposed version, or on the version in
    force for a partner that had not answered it (which leaves it in force either way).
    A proposal that now meets its decision rule is adopted at once.

    Side effects: a charter_endorsements row and an audit entry; on adoption, the version is
    adopted, the one it replaces superseded, and a second audit entry.
    """
    membership = session.scalar(
        select(Membership)
        .options(joinedload(Membership.partner))
        .where(Membership.partnership_id == version.partnership_id, Membership.user_id == actor.id)
    )
    if membership is None or membership.role != Role.REPRESENTATIVE or not membership.partner:
        raise ServiceError(_l("Only a partner representative can answer for their partner."))
    return record_answer(
        session,
        actor=actor,
        version=version,
        partner=membership.partner,
        stance=stance,
        comment=comment,
    )


def record_answer(
    session: Session,
    *,
    actor: User,
    version: CharterVersion,
    partner: Partner,
    stance: str,
    comment: str = "",
    assembly_id: int | None = None,
) -> Endorsement:
    """Record `partner`'s stance on `version`: its representative's (`actor`), or the one
    its community assembly took (`assembly_id`, hsbp.community), recorded once the
    assembly's witness (`actor`) confirmed it; both count alike under the decision rule.

    Side effects: as `endorse`; an assembly's row and audit entry name it.
    """
    if not partner.is_current:
        raise ServiceError(_l("%(partner)s has left the partnership.", partner=partner.name))
    # Lock the version: two last endorsements at once must not both miss the adoption.
    session.refresh(version, with_for_update=True)
    if version.status == CharterStatus.DRAFT:
        raise ServiceError(_l("This version is a draft: it can be endorsed once it is proposed."))
    if version.status == CharterStatus.SUPERSEDED:
        raise ServiceError(_l("This version is no longer in force."))
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
            )
        )
    if stance not in set(Stance):
        raise ServiceError(_l("Choose to endorse or to object."), field="stance")
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX:
        raise ServiceError(
            _l("Keep this text under %(count)d characters.", count=COMMENT_MAX), field="comment"
        )
    # An assembly's reasons are in its minutes, which may name people: they stay there.
    if stance == Stance.OBJECT and not comment and assembly_id is None:
        raise ServiceError(_l("Say why you object, so the draft can be revised."), field="comment")
    endorsement = Endorsement(
        partnership_id=version.partnership_id,
        version_id=version.id,
        partner_id=partner.id,
        user_id=actor.id if assembly_id is None else None,
        stance=stance,
        comment=comment,
        assembly_id=assembly_id,
    )
    session.add(endorsement)
    session.flush()
    action = "charter.endorse" if stance == Stance.ENDORSE else "charter.object"
    details = {"partner_id": partner.id, "comment": comment}
    if assembly_id is not None:
        details["assembly_id"] = assembly_id
    _record(session, actor, action, version, **details)
    if version.status == CharterStatus.PROPOSED:
        _adopt_if_decided(session, actor=actor, version=version)
    return endorsement


def adopt_if_decided(session: Session, *, actor: User | None, version: CharterVersion) -> None:
    """Adopt a proposal that meets its decision rule and the adoption checks (the community's
    vote closing, say). Side effects: as the adoption in `record_answer`."""
    if version.status == CharterStatus.PROPOSED:
        _adopt_if_decided(session, actor=actor, version=version)


def _adopt_if_decided(session: Session, *, actor: User, version: CharterVersion) -> None:
    current = in_force(session, partnership_id=version.partnership_id)
    partners = list_partners(session, partnership_id=version.partnership_id)
    stances = answers(session, partnership_id=version.partnership_id, version_ids=[version.id])
    result = tally(governing_rule(version, current), partners, stances[version.id])
    if not result.decided or adoption_missing(session, version=version):
        return
    if current is not None:
        current.status = CharterStatus.SUPERSEDED
    version.status, version.adopted_at = CharterStatus.ADOPTED, utcnow()
    _record(
        session,
        actor,
        "charter.adopt",
        version,
        rule=result.rule,
        endorsed=result.endorsed,
        objected=result.objected,
        partners=result.partners,
        supersedes=current.number if current else None,
    )
    adopted(session, version=version, replaced=current, actor=actor)
