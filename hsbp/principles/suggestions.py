"""Partners propose wording: a representative suggests new wording for a clause of a draft
charter, with a comment; a facilitator accepts it into the draft or declines it with a
reason; the author may withdraw it while it is open; proposing the draft closes the open
ones as lapsed. Every suggestion stays with its version, as its history."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import event, inspect, select
from sqlalchemy.orm import Session, joinedload

from hsbp import audit
from hsbp.audit import ACTION_LABELS
from hsbp.auth.models import User
from hsbp.db import utcnow
from hsbp.errors import ServiceError
from hsbp.partnerships.models import Membership, Partner, Partnership
from hsbp.principles import changes as charter_changes
from hsbp.principles import content as doc
from hsbp.principles.models import CharterStatus, CharterVersion
from hsbp.principles.services import COMMENT_MAX
from hsbp.principles.suggestion_clauses import Clause, clauses, text_of, with_wording
from hsbp.principles.suggestion_models import CharterSuggestion, SuggestionStatus
from hsbp.security import Role

ACTION_LABELS.update(
    {
        "charter.suggestion.create": _l("Wording suggested for the charter draft"),
        "charter.suggestion.accept": _l("Suggested wording accepted into the charter draft"),
        "charter.suggestion.decline": _l("Suggested wording declined"),
        "charter.suggestion.withdraw": _l("Suggestion withdrawn by its author"),
        "charter.suggestion.lapse": _l("Open suggestions closed when the draft was proposed"),
    }
)
CLOSED_BY_STATUS = {
    SuggestionStatus.ACCEPTED: _l("This suggestion has already been accepted."),
    SuggestionStatus.DECLINED: _l("This suggestion has already been declined."),
    SuggestionStatus.WITHDRAWN: _l("This suggestion was withdrawn by its author."),
    SuggestionStatus.LAPSED: _l("This suggestion was closed when the draft was proposed."),
}

# Reading -------------------------------------------------------------------------------


def get_suggestion(
    session: Session, *, partnership_id: int, version_id: int, suggestion_id: int
) -> CharterSuggestion | None:
    """The suggestion, only if it belongs to this partnership's version."""
    return session.scalar(
        select(CharterSuggestion)
        .options(*_loaded())
        .where(
            CharterSuggestion.id == suggestion_id,
            CharterSuggestion.partnership_id == partnership_id,
            CharterSuggestion.version_id == version_id,
        )
    )


def history(session: Session, *, partnership_id: int, version_id: int) -> list[CharterSuggestion]:
    """Every suggestion on a version, open ones first, then newest first, in one query."""
    rows = session.scalars(
        select(CharterSuggestion)
        .options(*_loaded())
        .where(
            CharterSuggestion.partnership_id == partnership_id,
            CharterSuggestion.version_id == version_id,
        )
        .order_by(CharterSuggestion.created_at.desc(), CharterSuggestion.id.desc())
    ).all()
    return sorted(rows, key=lambda s: s.status != SuggestionStatus.OPEN)


def _loaded():
    return (
        joinedload(CharterSuggestion.author),
        joinedload(CharterSuggestion.partner),
        joinedload(CharterSuggestion.decided_by),
    )


def offered_clauses(session: Session, *, version: CharterVersion) -> list[Clause]:
    """The clauses of a version one may suggest wording for (roles of current partners)."""
    partners = session.scalars(
        select(Partner).where(Partner.partnership_id == version.partnership_id)
    ).all()
    current = [p.id for p in sorted(partners, key=lambda p: p.name) if p.is_current]
    return clauses(version.content or {}, role_partner_ids=current)


def ensure_takes_suggestions(version: CharterVersion) -> None:
    """Refuse a suggestion on anything but a draft."""
    number = version.number
    if version.status == CharterStatus.PROPOSED:
        raise ServiceError(
            _l(
                "Version %(number)d is proposed to the partners: only a draft takes "
                "suggestions. Object to the proposal with a comment instead.",
                number=number,
            )
        )
    if version.status == CharterStatus.ADOPTED:
        raise ServiceError(
            _l(
                "Version %(number)d is in force: only a draft takes suggestions. Ask a "
                "facilitator to start an amendment.",
                number=number,
            )
        )
    if version.status != CharterStatus.DRAFT:
        raise ServiceError(
            _l(
                "Version %(number)d has been superseded: only a draft takes suggestions.",
                number=number,
            )
        )


def suggesting_partner(session: Session, *, actor: User, version: CharterVersion) -> Partner:
    """The partner `actor` suggests for: refused unless they represent a current partner of
    the version's partnership (facilitators edit the draft themselves)."""
    membership = session.scalar(
        select(Membership)
        .options(joinedload(Membership.partner))
        .where(Membership.partnership_id == version.partnership_id, Membership.user_id == actor.id)
    )
    if membership is not None and membership.role == Role.FACILITATOR:
        raise ServiceError(_l("Facilitators change the draft in the editor."))
    if membership is None or membership.role != Role.REPRESENTATIVE or not membership.partner:
        raise ServiceError(_l("Only a partner representative can suggest wording."))
    if not membership.partner.is_current:
        raise ServiceError(
            _l("%(partner)s has left the partnership.", partner=membership.partner.name)
        )
    return membership.partner


# Changing ------------------------------------------------------------------------------


def _record(session: Session, actor: User | None, action: str, suggestion, **details) -> None:
    audit.record(
        session,
        actor_id=actor.id if actor else None,
        action=action,
        obj=suggestion,
        partnership_id=suggestion.partnership_id,
        details={
            "number": suggestion.version.number,
            "suggestion_id": suggestion.id,
            "clause": suggestion.clause,
            **details,
        },
    )


def _comment(text: str | None, field: str, *, required_message) -> str:
    text = (text or "").replace("\r\n", "\n").strip()
    if not text:
        raise ServiceError(required_message, field=field)
    if len(text) > COMMENT_MAX:
        raise ServiceError(
            _l("Keep this text under %(count)d characters.", count=COMMENT_MAX), field=field
        )
    return text


def suggest(
    session: Session,
    *,
    actor: User,
    partnership: Partnership,
    version: CharterVersion,
    clause: str,
    wording: dict,
    comment: str,
) -> CharterSuggestion:
    """Suggest `wording` ({locale: text}) for `clause` of a draft, for the actor's partner.
    Only the languages that differ from the draft are kept: the others stay as they are.

    Side effects: a charter_suggestions row (with what the clause said then) and an audit
    entry.
    """
    ensure_takes_suggestions(version)
    partner = suggesting_partner(session, actor=actor, version=version)
    found = {c.path: c for c in offered_clauses(session, version=version)}
    if clause not in found:
        raise ServiceError(_l("Choose a clause of this draft."), field="clause")
    before = found[clause].texts
    cleaned = _wording(wording, partnership.locales)
    changed = {code: text for code, text in cleaned.items() if text != before.get(code)}
    if not changed:
        raise ServiceError(
            _l("Change the wording in at least one language."),
            field=f"wording-{partnership.locales[0]}",
        )
    comment = _comment(comment, "comment", required_message=_l("Say why this wording is better."))
    suggestion = CharterSuggestion(
        partnership_id=version.partnership_id,
        version=version,
        clause=clause,
        author_id=actor.id,
        partner_id=partner.id,
        before=before,
        wording=changed,
        comment=comment,
        status=SuggestionStatus.OPEN,
        reason="",
    )
    session.add(suggestion)
    session.flush()
    _record(
        session,
        actor,
        "charter.suggestion.create",
        suggestion,
        partner_id=partner.id,
        languages=sorted(changed),
    )
    return suggestion


def _wording(values: dict | None, locales: list[str]) -> dict:
    """The texts as the editor cleans them, with its limits, named like the form's fields."""
    out = {}
    for code in locales:
        text = str((values or {}).get(code) or "").replace("\r\n", "\n").strip()
        if len(text) > doc.TEXT_MAX:
            raise ServiceError(
                _l("Keep this text under %(count)d characters.", count=doc.TEXT_MAX),
                field=f"wording-{code}",
            )
        if text:
            out[code] = text
    return out


def _ensure_facilitator(session: Session, *, actor: User, partnership_id: int) -> None:
    role = session.scalar(
        select(Membership.role).where(
            Membership.partnership_id == partnership_id, Membership.user_id == actor.id
        )
    )
    if role != Role.FACILITATOR:
        raise ServiceError(_l("Only a facilitator decides on suggestions."))


def _ensure_open(session: Session, suggestion: CharterSuggestion) -> None:
    # Locked, and read again from the row: two facilitators deciding at once must not both
    # succeed. What this session changed is flushed first.
    session.flush()
    status = session.scalar(
        select(CharterSuggestion.status)
        .where(CharterSuggestion.id == suggestion.id)
        .with_for_update()
    )
    if status != SuggestionStatus.OPEN:
        raise ServiceError(CLOSED_BY_STATUS[SuggestionStatus(status)])


def _close(suggestion: CharterSuggestion, status: str, actor: User | None) -> None:
    suggestion.status, suggestion.decided_at = status, utcnow()
    suggestion.decided_by_id = actor.id if actor else None


def accept(
    session: Session, *, actor: User, partnership: Partnership, suggestion: CharterSuggestion
) -> list[charter_changes.Change]:
    """Put the suggested wording into the draft, cleaned as the editor cleans it; returns
    what changed in the draft (nothing, when the draft already says it).

    Side effects: the version's content; the suggestion accepted (by whom, when); one audit
    entry naming the suggestion and the changed paths.
    """
    _ensure_facilitator(session, actor=actor, partnership_id=suggestion.partnership_id)
    version = suggestion.version
    # Locked before reading its content: two acceptances at once must not lose one.
    session.flush()
    session.refresh(version, with_for_update=True)
    _ensure_open(session, suggestion)
    ensure_takes_suggestions(version)
    if text_of(version.content, suggestion.clause) is None:
        raise ServiceError(
            _l("This clause is no longer in the draft: decline the suggestion and say why.")
        )
    partner_ids = set(
        session.scalars(select(Partner.id).where(Partner.partnership_id == partnership.id))
    )
    raw = with_wording(version.content, suggestion.clause, suggestion.wording)
    new = doc.normalise(raw, locales=partnership.locales, partner_ids=partner_ids)
    found = charter_changes.diff(version.content or {}, new, locales=partnership.locales)
    if found:
        version.content = new
    _close(suggestion, SuggestionStatus.ACCEPTED, actor)
    paths = ["/".join(str(part) for part in change.path) for change in found]
    _record(session, actor, "charter.suggestion.accept", suggestion, changed=paths)
    session.flush()
    return found


def decline(session: Session, *, actor: User, suggestion: CharterSuggestion, reason: str) -> None:
    """Decline a suggestion, saying why; the draft is unchanged.

    Side effects: the suggestion declined (reason, by whom, when); an audit entry.
    """
    _ensure_facilitator(session, actor=actor, partnership_id=suggestion.partnership_id)
    reason = _comment(reason, "reason", required_message=_l("Say why, so the partner understands."))
    _ensure_open(session, suggestion)
    ensure_takes_suggestions(suggestion.version)
    _close(suggestion, SuggestionStatus.DECLINED, actor)
    suggestion.reason = reason
    _record(session, actor, "charter.suggestion.decline", suggestion, reason=reason)
    session.flush()


def withdraw(session: Session, *, actor: User, suggestion: CharterSuggestion) -> None:
    """The author takes back an open suggestion.

    Side effects: the suggestion withdrawn (when); an audit entry.
    """
    if suggestion.author_id != actor.id:
        raise ServiceError(_l("Only the author of a suggestion can withdraw it."))
    _ensure_open(session, suggestion)
    _close(suggestion, SuggestionStatus.WITHDRAWN, actor)
    _record(session, actor, "charter.suggestion.withdraw", suggestion)
    session.flush()


def lapse_open(session: Session, *, version: CharterVersion) -> int:
    """Close the open suggestions on `version` as lapsed (it was proposed before they were
    decided); their history stays. Returns how many.

    Side effects: the suggestions lapsed; an audit entry each.
    """
    with session.no_autoflush:
        rows = session.scalars(
            select(CharterSuggestion).where(
                CharterSuggestion.partnership_id == version.partnership_id,
                CharterSuggestion.version_id == version.id,
                CharterSuggestion.status == SuggestionStatus.OPEN,
            )
        ).all()
        for row in rows:
            _close(row, SuggestionStatus.LAPSED, None)
            _record(session, None, "charter.suggestion.lapse", row)
    return len(rows)


def _lapse_on_proposal(session: Session, _flush_context, _instances) -> None:
    """Before a flush that turns a draft into a proposal (hsbp.principles.services.propose,
    or any other way), close its open suggestions: a proposal's text is what partners
    endorse, and a suggestion on it could no longer be decided."""
    for obj in list(session.dirty):
        if not isinstance(obj, CharterVersion):
            continue
        status = inspect(obj).attrs.status.history
        if CharterStatus.PROPOSED in status.added and CharterStatus.DRAFT in status.deleted:
            lapse_open(session, version=obj)


def listen(session_class=Session) -> None:
    """Register the lapse on proposal once per process (create_app may run many times)."""
    if not event.contains(session_class, "before_flush", _lapse_on_proposal):
        event.listen(session_class, "before_flush", _lapse_on_proposal)
