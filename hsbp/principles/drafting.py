"""Saving a charter draft one section at a time, and what the editor's overview shows of it:
each section's state, the suggestions waiting on it, and what stops the proposal."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from hsbp import audit
from hsbp.auth.models import User
from hsbp.partnerships.models import Partner, Partnership
from hsbp.principles import changes as charter_changes
from hsbp.principles import content as doc
from hsbp.principles import sections, services, suggestions
from hsbp.principles.models import CharterVersion
from hsbp.principles.suggestion_models import SuggestionStatus

# Audit entries list at most this many changed paths; `count` says how many there were.
PATHS_KEPT = 50


def save_section(
    session: Session,
    *,
    actor: User,
    partnership: Partnership,
    version: CharterVersion,
    section: str,
    raw: dict,
) -> list[charter_changes.Change]:
    """Write the section `section` of `raw` (a partial document holding that section's keys,
    as its form sends it) into the draft; returns what changed. Only this section is checked
    and written: every other section stays exactly as stored, and the checks across sections
    wait for the proposal (sections.problems). Raises ServiceError (its `field` is the
    section form's field name); KeyError for a section this editor does not save.

    Side effects: the version's content; an audit entry naming the section, when it changed.
    """
    services.ensure_draft(version)
    found = sections.BY_SLUG[section]
    if not found.editable:
        raise KeyError(section)
    partner_ids = set(
        session.scalars(select(Partner.id).where(Partner.partnership_id == partnership.id))
    )
    # The other keys come from an empty document, which always passes: they are not saved.
    partial = {**doc.empty_content(), **{key: raw.get(key) for key in found.keys}}
    clean = doc.normalise(partial, locales=partnership.locales, partner_ids=partner_ids)
    stored = version.content or {}
    new = sections.merged(stored, section, clean)
    changes = charter_changes.diff(stored, new, locales=partnership.locales)
    if changes:
        version.content = new
        paths = ["/".join(str(part) for part in change.path) for change in changes]
        audit.record(
            session,
            actor_id=actor.id,
            action="charter.update_section",
            obj=version,
            partnership_id=version.partnership_id,
            details={
                "number": version.number,
                "section": section,
                # Read by the audit sentence as the name of what changed (activity_texts).
                "changed": [f"charter.{section}"],
                "paths": paths[:PATHS_KEPT],
                "count": len(paths),
            },
        )
    return changes


def outline(session: Session, *, partnership: Partnership, version: CharterVersion) -> dict:
    """The overview of a draft: each section's state, the open suggestions on each, and the
    problems that would stop its proposal. Two queries, however long the draft."""
    content = version.content or {}
    partners = session.scalars(
        select(Partner).where(Partner.partnership_id == partnership.id)
    ).all()
    waiting: dict[str, int] = {}
    for row in suggestions.history(session, partnership_id=partnership.id, version_id=version.id):
        if row.status == SuggestionStatus.OPEN:
            slug = row.clause.split("/", 1)[0]
            waiting[slug] = waiting.get(slug, 0) + 1
    problems: dict[str, list] = {}
    for problem in sections.problems(content, default_locale=partnership.default_locale):
        problems.setdefault(problem.section, []).append(problem.message)
    return {
        "states": sections.states(
            content,
            locales=partnership.locales,
            role_count=sum(p.is_current for p in partners),
        ),
        "waiting": waiting,
        "problems": problems,
    }
