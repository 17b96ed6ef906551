"""A consultation's outcome: the shared understanding of needs, risks and gaps it found, and
the charter goals those items became.

An item turns into a goal of the partnership's charter draft (an amendment of the version in
force is started when there is no draft), so what people said leads to a commitment the
partners endorse through the charter's own process. The item keeps the goal's key, which
stays the same in every later version of the charter. Items wait for the partners to validate
the outcome first (hsbp.consultations.validation), and an edit of a sent outcome asks them again.
"""

from __future__ import annotations

import copy
import uuid

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from hsbp import audit
from hsbp.auth.models import User
from hsbp.consultations import validation
from hsbp.consultations.models import Consultation
from hsbp.consultations.validation_standing import goals_waiting
from hsbp.errors import ServiceError
from hsbp.partnerships.models import Partnership
from hsbp.principles import services as charter
from hsbp.principles.models import CharterStatus, CharterVersion

SECTIONS = ("needs", "risks", "gaps")
SECTION_LABELS = {
    "needs": _l("Needs"),
    "risks": _l("Risks"),
    "gaps": _l("Capacity and resource gaps"),
}
TEXT_MAX = 2000

audit.ACTION_LABELS.update(
    {
        "consultation.outcome": _l("Consultation outcome recorded"),
        "consultation.outcome_goal": _l("Consultation outcome item made a charter goal"),
    }
)


def items(consultation: Consultation) -> list[tuple[str, dict]]:
    """Every item of the outcome as (section, item), in section order."""
    outcome = consultation.outcome or {}
    return [(section, item) for section in SECTIONS for item in outcome.get(section) or []]


def save_outcome(
    session: Session,
    *,
    actor: User,
    partnership: Partnership,
    consultation: Consultation,
    raw: dict,
) -> bool:
    """Replace the outcome with the cleaned `raw` ({section: [{"key", "text", "remove"}]}).
    Items keep their key and the goal they became (taken from what is stored, never from
    the form); blank or removed items go. Returns whether anything changed.

    Side effects: the consultation's outcome; an audit entry when it changed; a sent outcome
    goes to the partners again (`validation.reopen`).
    Raises ServiceError (field `needs-0-text-es`) for an item with no text in the default
    language.
    """
    default = partnership.default_locale
    stored = {item["key"]: item for _section, item in items(consultation)}
    cleaned: dict[str, list] = {}
    for section in SECTIONS:
        cleaned[section] = []
        for index, row in enumerate(raw.get(section) or []):
            text = {
                code: (row.get("text") or {}).get(code, "").strip()[:TEXT_MAX]
                for code in partnership.locales
                if ((row.get("text") or {}).get(code) or "").strip()
            }
            if row.get("remove") or not text:
                continue
            if default not in text:
                raise ServiceError(
                    _l("Write this item in the partnership's main language."),
                    field=f"{section}-{index}-text-{default}",
                )
            before = stored.get(row.get("key") or "")
            cleaned[section].append(
                {
                    "key": before["key"] if before else uuid.uuid4().hex[:12],
                    "text": text,
                    "goal_key": before.get("goal_key") if before else None,
                }
            )
    if cleaned == {section: (consultation.outcome or {}).get(section, []) for section in SECTIONS}:
        return False
    # A new dict, so the JSON column sees the change.
    consultation.outcome = cleaned
    audit.record(
        session,
        actor_id=actor.id,
        action="consultation.outcome",
        obj=consultation,
        partnership_id=partnership.id,
        details={section: len(cleaned[section]) for section in SECTIONS},
    )
    validation.reopen(session, actor=actor, partnership=partnership, consultation=consultation)
    return True


def _draft(session: Session, *, actor: User, partnership: Partnership) -> CharterVersion:
    versions = charter.list_versions(session, partnership_id=partnership.id)
    draft = next((v for v in versions if v.status == CharterStatus.DRAFT), None)
    # start_draft refuses while a proposal is open: its message says which version to finish.
    return draft or charter.start_draft(session, actor=actor, partnership=partnership)


def make_goal(
    session: Session,
    *,
    actor: User,
    partnership: Partnership,
    consultation: Consultation,
    key: str,
) -> CharterVersion:
    """Add the outcome item `key` as a goal of the charter draft (its title: the item's text)
    and remember the goal's key on the item. Returns the draft.

    Side effects: maybe a new draft version; the draft's goals; the consultation's outcome;
    audit entries (the charter's and this one). Raises ServiceError while the outcome waits
    for the partners' validation (`goals_waiting` says why).
    """
    found = next(
        ((section, item) for section, item in items(consultation) if item["key"] == key), None
    )
    if found is None:
        raise ServiceError(_l("This item is not in the outcome any more."))
    section, item = found
    if item.get("goal_key"):
        raise ServiceError(_l("This item is already a goal of the charter."))
    waiting = goals_waiting(session, consultation=consultation)
    if waiting is not None:
        raise ServiceError(waiting)
    version = _draft(session, actor=actor, partnership=partnership)
    goal_key = uuid.uuid4().hex
    content = copy.deepcopy(version.content)
    content["goals"] = [
        *content.get("goals", []),
        {"key": goal_key, "title": item["text"], "baseline": {}, "target": {}, "due": None},
    ]
    charter.update_draft(
        session, actor=actor, partnership=partnership, version=version, raw=content
    )
    outcome = copy.deepcopy(consultation.outcome)
    for stored in outcome[section]:
        if stored["key"] == key:
            stored["goal_key"] = goal_key
    consultation.outcome = outcome
    audit.record(
        session,
        actor_id=actor.id,
        action="consultation.outcome_goal",
        obj=consultation,
        partnership_id=partnership.id,
        details={"item": key, "goal": goal_key, "charter_version": version.number},
    )
    return version


def goal_versions(session: Session, *, partnership_id: int, consultation: Consultation) -> dict:
    """{goal key: number of the newest charter version holding it} for the outcome's goals,
    to link each item to its goal; a goal since removed from the charter has no entry."""
    wanted = {item["goal_key"] for _section, item in items(consultation) if item.get("goal_key")}
    if not wanted:
        return {}
    found: dict[str, int] = {}
    for version in charter.list_versions(session, partnership_id=partnership_id):
        for goal in (version.content or {}).get("goals", []):
            if goal.get("key") in wanted:
                found.setdefault(goal["key"], version.number)
    return found
