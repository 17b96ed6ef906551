"""What suggestions on a draft charter need of a person, for "Needs me" and the notifications:
facilitators decide the open ones; an author hears, for two weeks, what became of theirs.
Each provider runs at most two SQL statements, however many partnerships or suggestions."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from hsbp.i18n import translated
from hsbp.notifications import Item
from hsbp.partnerships.models import Partner
from hsbp.principles.models import CharterStatus, CharterVersion
from hsbp.principles.suggestion_clauses import clause_name
from hsbp.principles.suggestion_models import CharterSuggestion, SuggestionStatus
from hsbp.security import Role

TO_DECIDE = "charter_suggestion"
DECIDED = "charter_suggestion_decided"
# How long an author is told their suggestion was decided: a digest every week or two
# still carries it, and it does not linger once read.
RECENT = timedelta(days=14)
TOLD = (SuggestionStatus.ACCEPTED, SuggestionStatus.DECLINED, SuggestionStatus.LAPSED)


def _rows(session: Session, *conditions):
    return session.execute(
        select(
            CharterSuggestion.id,
            CharterSuggestion.partnership_id,
            CharterSuggestion.clause,
            CharterSuggestion.status,
            CharterSuggestion.created_at,
            CharterVersion.number,
            CharterVersion.content,
            Partner.name.label("partner"),
        )
        .join(CharterVersion, CharterVersion.id == CharterSuggestion.version_id)
        .outerjoin(Partner, Partner.id == CharterSuggestion.partner_id)
        .where(*conditions)
        .order_by(CharterSuggestion.created_at, CharterSuggestion.id)
    ).all()


def _namer(session: Session, rows, memberships, locale: str):
    """clause name of a row, in `locale`; partners' names are read once, only for roles."""
    names: dict[int, str] = {}
    if any(row.clause.startswith("roles/") for row in rows):
        ids = {row.partnership_id for row in rows}
        found = session.execute(
            select(Partner.id, Partner.name).where(Partner.partnership_id.in_(ids))
        )
        names = {partner_id: name for partner_id, name in found}
    fallbacks = {m.partnership_id: m.partnership.default_locale for m in memberships}

    def name(row) -> str:
        fallback = fallbacks.get(row.partnership_id, locale)
        return clause_name(
            row.clause,
            content=row.content or {},
            partner_names=names,
            title_of=lambda values: translated(values, locale=locale, fallback=fallback),
        )

    return name


def _path(row) -> str:
    return f"/p/{row.partnership_id}/charter/{row.number}/suggestions/{row.id}"


def suggestions_to_decide(
    session: Session, *, user, memberships, locale: str, now: datetime
) -> list[Item]:
    """The open suggestions on drafts of the partnerships `user` facilitates."""
    ids = [m.partnership_id for m in memberships if m.role == Role.FACILITATOR]
    if not ids:
        return []
    rows = _rows(
        session,
        CharterSuggestion.partnership_id.in_(ids),
        CharterSuggestion.status == SuggestionStatus.OPEN,
        CharterVersion.status == CharterStatus.DRAFT,
    )
    name = _namer(session, rows, memberships, locale)
    items = []
    with force_locale(locale):
        for row in rows:
            text = _(
                "%(partner)s suggests new wording for “%(clause)s” in the draft of version "
                "%(number)d.",
                partner=row.partner or _("A former partner"),
                clause=name(row),
                number=row.number,
            )
            items.append(
                Item(
                    kind=TO_DECIDE,
                    key=f"{TO_DECIDE}:{row.id}",
                    partnership_id=row.partnership_id,
                    text=text,
                    url=_path(row),
                )
            )
    return items


def suggestions_decided(
    session: Session, *, user, memberships, locale: str, now: datetime
) -> list[Item]:
    """The person's own suggestions accepted, declined or lapsed in the last two weeks."""
    ids = [m.partnership_id for m in memberships]
    if not ids:
        return []
    rows = _rows(
        session,
        CharterSuggestion.partnership_id.in_(ids),
        CharterSuggestion.author_id == user.id,
        CharterSuggestion.status.in_(TOLD),
        CharterSuggestion.decided_at >= now - RECENT,
    )
    name = _namer(session, rows, memberships, locale)
    items = []
    with force_locale(locale):
        for row in rows:
            values = {"clause": name(row), "number": row.number}
            if row.status == SuggestionStatus.ACCEPTED:
                text = _(
                    "Your suggestion for “%(clause)s” was accepted into the draft of version "
                    "%(number)d.",
                    **values,
                )
            elif row.status == SuggestionStatus.DECLINED:
                text = _(
                    "Your suggestion for “%(clause)s” in the draft of version %(number)d was "
                    "declined: read why.",
                    **values,
                )
            else:
                text = _(
                    "Version %(number)d was proposed before your suggestion for “%(clause)s” "
                    "was decided.",
                    **values,
                )
            items.append(
                Item(
                    kind=DECIDED,
                    key=f"{DECIDED}:{row.id}",
                    partnership_id=row.partnership_id,
                    text=text,
                    url=_path(row),
                )
            )
    return items
