"""The context assessment's life cycle: a facilitator starts a draft (empty, or a copy of the
validated version), edits it and proposes it; each current partner confirms it or comments;
once every current partner has confirmed, it is validated and the version it replaces is
superseded. A facilitator withdraws a proposal to answer the comments: the answers stay on
the draft so they can be read while revising, and proposing again clears them, so every
partner answers the revised text (the proposal's audit entry keeps the earlier answers).
"""

from __future__ import annotations

import copy
import enum
from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from hsbp import audit
from hsbp.audit import ACTION_LABELS
from hsbp.auth.models import User
from hsbp.db import utcnow
from hsbp.errors import ServiceError
from hsbp.partnerships.models import Membership, Partner, Partnership
from hsbp.partnerships.services import list_partners
from hsbp.risks import context_actors
from hsbp.risks import context_content as doc
from hsbp.risks.context_models import ContextAssessment, ContextResponse, ContextStatus
from hsbp.security import Role

ACTION_LABELS.update(
    {
        "context.create": _l("Context draft started"),
        "context.update": _l("Context draft edited"),
        "context.propose": _l("Context version proposed"),
        "context.withdraw": _l("Context proposal withdrawn"),
        "context.confirm": _l("Context confirmed"),
        "context.comment": _l("Comment on the context"),
        "context.validate": _l("Context version validated"),
    }
)
COMMENT_MAX = 2000
SUMMARY_MAX = 2000
OPEN = (ContextStatus.DRAFT, ContextStatus.PROPOSED)


class Stance(enum.StrEnum):
    CONFIRM = "confirm"
    COMMENT = "comment"


@dataclass(frozen=True)
class Answer:
    """A partner's answer as pages show it, with the name of who gave it."""

    partner_id: int
    stance: str
    comment: str
    created_at: datetime
    user_name: str


# Reading ---------------------------------------------------------------------------------


def list_versions(session: Session, *, partnership_id: int) -> list[ContextAssessment]:
    """Every version of the partnership's context, newest first."""
    return list(
        session.scalars(
            select(ContextAssessment)
            .where(ContextAssessment.partnership_id == partnership_id)
            .order_by(ContextAssessment.number.desc())
        )
    )


def get_version(session: Session, *, partnership_id: int, number: int) -> ContextAssessment | None:
    return session.scalar(
        select(ContextAssessment).where(
            ContextAssessment.partnership_id == partnership_id,
            ContextAssessment.number == number,
        )
    )


def validated(session: Session, *, partnership_id: int) -> ContextAssessment | None:
    """The version partners work from, or None before the first is validated."""
    return session.scalar(
        select(ContextAssessment).where(
            ContextAssessment.partnership_id == partnership_id,
            ContextAssessment.status == ContextStatus.VALIDATED,
        )
    )


def previous_validated(
    versions: list[ContextAssessment], version: ContextAssessment
) -> ContextAssessment | None:
    """The latest version validated before `version` was written (numbered below it), the one
    its changes are read against; None for the first."""
    return next(
        (
            v
            for v in versions
            if v.number < version.number and v.validated_at is not None and v.id != version.id
        ),
        None,
    )


def answers(
    session: Session, *, partnership_id: int, assessment_ids: list[int]
) -> dict[int, dict[int, Answer]]:
    """{version id: {partner id: answer}} for `assessment_ids`, in one query."""
    out: dict[int, dict[int, Answer]] = {aid: {} for aid in assessment_ids}
    if not assessment_ids:
        return out
    rows = session.execute(
        select(ContextResponse, User.name)
        .outerjoin(User, User.id == ContextResponse.user_id)
        .where(
            ContextResponse.partnership_id == partnership_id,
            ContextResponse.assessment_id.in_(assessment_ids),
        )
        .order_by(ContextResponse.created_at, ContextResponse.id)
    )
    for row, name in rows:
        out[row.assessment_id][row.partner_id] = Answer(
            row.partner_id, row.stance, row.comment, row.created_at, name or ""
        )
    return out


def overview(session: Session, *, partnership_id: int) -> dict:
    """The context page's data in a fixed number of queries, however many versions, items and
    answers there are."""
    versions = list_versions(session, partnership_id=partnership_id)
    current = next((v for v in versions if v.status == ContextStatus.VALIDATED), None)
    pending = next((v for v in versions if v.status in OPEN), None)
    partners = list_partners(session, partnership_id=partnership_id)
    given = answers(
        session,
        partnership_id=partnership_id,
        assessment_ids=[v.id for v in (current, pending) if v is not None],
    )
    changes = None
    if pending is not None:
        base = previous_validated(versions, pending)
        changes = doc.compare(base.content if base else None, pending.content)
    return {
        "versions": versions,
        "validated": current,
        "pending": pending,
        "partners": partners,
        "answers": given,
        "changes": changes,
        "names": context_actors.actor_names(
            session,
            partnership_id=partnership_id,
            contents=[v.content for v in (current, pending) if v is not None],
        ),
    }


def awaited(partners: list[Partner], given: dict[int, Answer]) -> list[Partner]:
    """The current partners that have not confirmed."""
    return [
        p
        for p in partners
        if p.is_current and (p.id not in given or given[p.id].stance != Stance.CONFIRM)
    ]


# Changing --------------------------------------------------------------------------------


def _record(session: Session, actor: User | None, action: str, version, **details) -> None:
    audit.record(
        session,
        actor_id=actor.id if actor else None,
        action=action,
        obj=version,
        partnership_id=version.partnership_id,
        details={"number": version.number, **details},
    )


def ensure_draft(version: ContextAssessment) -> None:
    """Refuse any change to a version that is not a draft (validated ones are frozen)."""
    if version.status == ContextStatus.PROPOSED:
        raise ServiceError(_l("Withdraw the proposal before changing this version."))
    if version.status != ContextStatus.DRAFT:
        raise ServiceError(
            _l("A validated version is frozen. Start a new draft to change the context.")
        )


def start_draft(
    session: Session, *, actor: User, partnership: Partnership, copy_validated: bool
) -> ContextAssessment:
    """Start the next version: empty, or a copy of the validated one (its items keep their
    keys, so the two compare item by item). Only one draft or proposal at a time.

    Side effects: a context_assessments row and an audit entry.
    """
    versions = list_versions(session, partnership_id=partnership.id)
    pending = next((v for v in versions if v.status in OPEN), None)
    if pending is not None:
        raise ServiceError(
            _l("Version %(number)d is still open: finish it first.", number=pending.number)
        )
    current = next((v for v in versions if v.status == ContextStatus.VALIDATED), None)
    if copy_validated and current is None:
        raise ServiceError(_l("No version is validated yet: start from an empty one."))
    source = current if copy_validated else None
    number = (versions[0].number if versions else 0) + 1
    version = ContextAssessment(
        partnership_id=partnership.id,
        number=number,
        status=ContextStatus.DRAFT,
        content=copy.deepcopy(source.content) if source else doc.empty_content(),
        created_by_id=actor.id,
    )
    session.add(version)
    session.flush()
    _record(session, actor, "context.create", version, copied=source.number if source else None)
    return version


def update_draft(
    session: Session,
    *,
    actor: User,
    partnership: Partnership,
    version: ContextAssessment,
    raw: dict,
    summary: str = "",
) -> list[doc.ItemChange]:
    """Replace a draft's content with the cleaned `raw` document (key actors may name a
    participant by its picker label, `participant`, or by id) and its summary; returns the
    items that changed. Nothing is written when any row is refused.

    Side effects: the version's content and summary; an audit entry counting the changes.
    """
    ensure_draft(version)
    summary = (summary or "").replace("\r\n", "\n").strip()
    if len(summary) > SUMMARY_MAX:
        raise ServiceError(
            _l("Keep this text under %(count)d characters.", count=SUMMARY_MAX), field="summary"
        )
    actors = raw.get("actors") or []
    if not isinstance(actors, list):
        actors = []  # refused by the cleaning below, with its message
    elif len(actors) <= doc.MAX_ROWS:
        actors = context_actors.resolve_labels(session, partnership.id, actors)
        raw = {**raw, "actors": actors}
    known = context_actors.known_participants(session, partnership.id, actors)
    new = doc.normalise(raw, locales=partnership.locales, known_participants=known)
    changes = doc.compare(version.content, new)
    summary_changed = summary != (version.summary or "")
    if changes or summary_changed:
        version.content, version.summary = new, summary
        counts = doc.change_counts(changes)
        _record(session, actor, "context.update", version, summary=summary_changed, **counts)
    return changes


def propose(
    session: Session, *, actor: User, partnership: Partnership, version: ContextAssessment
) -> None:
    """Put a draft to the partners. The answers given to it before a withdrawal are cleared
    (the audit entry keeps them), so every partner answers the text as it now stands.

    Side effects: the version becomes proposed (proposed_at set); earlier answers deleted;
    an audit entry.
    """
    ensure_draft(version)
    if not any(p.is_current for p in list_partners(session, partnership_id=partnership.id)):
        raise ServiceError(_l("Add the partners first: there is no one to confirm the context."))
    if not doc.item_count(version.content):
        raise ServiceError(_l("Write at least one item of the context before proposing it."))
    rows = session.scalars(
        select(ContextResponse).where(
            ContextResponse.partnership_id == version.partnership_id,
            ContextResponse.assessment_id == version.id,
        )
    ).all()
    earlier = [
        {"partner_id": r.partner_id, "user_id": r.user_id, "stance": r.stance, "comment": r.comment}
        for r in rows
    ]
    for row in rows:
        session.delete(row)
    version.status, version.proposed_at = ContextStatus.PROPOSED, utcnow()
    session.flush()
    _record(session, actor, "context.propose", version, answers=earlier)


def withdraw(session: Session, *, actor: User, version: ContextAssessment) -> None:
    """Take a proposal back to draft to answer the comments; the answers stay with it until
    it is proposed again.

    Side effects: the version becomes a draft again; an audit entry.
    """
    if version.status != ContextStatus.PROPOSED:
        raise ServiceError(_l("Only a proposed version can be withdrawn."))
    version.status, version.proposed_at = ContextStatus.DRAFT, None
    _record(session, actor, "context.withdraw", version)


def answer(
    session: Session, *, actor: User, version: ContextAssessment, stance: str, comment: str = ""
) -> ContextResponse:
    """Record the answer of `actor`'s partner (confirm, or comment with a text) on a proposed
    version; a confirmation that completes the set validates it at once.

    Side effects: a context_responses row and an audit entry; on validation, as `validate`.
    """
    membership = session.scalar(
        select(Membership).where(
            Membership.partnership_id == version.partnership_id, Membership.user_id == actor.id
        )
    )
    if membership is None or membership.role != Role.REPRESENTATIVE or not membership.partner_id:
        raise ServiceError(_l("Only a partner representative can answer for their partner."))
    partner = session.get(Partner, membership.partner_id)
    if partner is None or not partner.is_current:
        raise ServiceError(_l("Your partner has left the partnership."))
    # Lock the version: two last confirmations at once must not both miss the validation.
    session.refresh(version, with_for_update=True)
    if version.status != ContextStatus.PROPOSED:
        raise ServiceError(_l("This version is not proposed to the partners: it takes no answers."))
    answered = session.scalar(
        select(ContextResponse.id).where(
            ContextResponse.partnership_id == version.partnership_id,
            ContextResponse.assessment_id == version.id,
            ContextResponse.partner_id == partner.id,
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
        raise ServiceError(_l("Choose to confirm or to comment."), field="stance")
    comment = (comment or "").replace("\r\n", "\n").strip()
    if len(comment) > COMMENT_MAX:
        raise ServiceError(
            _l("Keep this text under %(count)d characters.", count=COMMENT_MAX), field="comment"
        )
    if stance == Stance.COMMENT and not comment:
        raise ServiceError(
            _l("Write your comment, so the facilitators can revise the context."), field="comment"
        )
    row = ContextResponse(
        partnership_id=version.partnership_id,
        assessment_id=version.id,
        partner_id=partner.id,
        user_id=actor.id,
        stance=stance,
        comment=comment,
    )
    session.add(row)
    session.flush()
    action = "context.confirm" if stance == Stance.CONFIRM else "context.comment"
    _record(session, actor, action, version, partner_id=partner.id, comment=comment)
    if stance == Stance.CONFIRM:
        _validate_if_confirmed(session, actor=actor, version=version)
    return row


def _validate_if_confirmed(session: Session, *, actor: User, version: ContextAssessment) -> bool:
    partners = list_partners(session, partnership_id=version.partnership_id)
    given = answers(session, partnership_id=version.partnership_id, assessment_ids=[version.id])
    if not any(p.is_current for p in partners) or awaited(partners, given[version.id]):
        return False
    current = validated(session, partnership_id=version.partnership_id)
    if current is not None:
        current.status = ContextStatus.SUPERSEDED
        # Two validated rows must never coexist, even inside this transaction's statements.
        session.flush()
    version.status, version.validated_at = ContextStatus.VALIDATED, utcnow()
    _record(
        session,
        actor,
        "context.validate",
        version,
        partners=sum(p.is_current for p in partners),
        supersedes=current.number if current else None,
    )
    return True


def validate(session: Session, *, actor: User, version: ContextAssessment) -> None:
    """Validate a proposal every current partner has confirmed: for when the last partner
    still awaited left the partnership, so no confirmation will come to complete the set.

    Side effects: the version validated, the one it replaces superseded; an audit entry.
    """
    session.refresh(version, with_for_update=True)
    if version.status != ContextStatus.PROPOSED:
        raise ServiceError(_l("Only a proposed version can be validated."))
    if not _validate_if_confirmed(session, actor=actor, version=version):
        raise ServiceError(_l("Every current partner must confirm this version first."))
