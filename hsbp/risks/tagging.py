"""Tagging goals, actions, indicators and risks with references of the frameworks partners
report against (hsbp.risks.frameworks), so the report by framework can gather, for each
reference, what the partnership did about it.

A subject is a row of the partnership (an action, an indicator, a risk, by id) or a goal of
its charter (by the goal's stable key, as the charter in force or the latest version names
it). Tags are replaced as a whole, and only once every reference given exists: a code that
is not in the dataset refuses the change and leaves every tag as it was.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from hsbp import audit
from hsbp.actions import permissions as action_permissions
from hsbp.actions.models import Action
from hsbp.db import id_or_none
from hsbp.errors import ServiceError
from hsbp.i18n import translated
from hsbp.monitoring.models import Indicator
from hsbp.partnerships.models import Membership
from hsbp.principles import services as charter
from hsbp.principles.models import CharterStatus, CharterVersion
from hsbp.risks import frameworks, permissions
from hsbp.risks.framework_models import FrameworkTag
from hsbp.risks.models import Risk
from hsbp.security import Role

GOAL, ACTION, INDICATOR, RISK = "goal", "action", "indicator", "risk"
KINDS = (GOAL, ACTION, INDICATOR, RISK)
# Far more than any subject needs; a bound so a crafted form cannot write thousands of rows.
MOST_TAGS = 100


@dataclass(frozen=True)
class Subject:
    """What is tagged: `row` is the Action, Indicator or Risk, or for a goal the charter
    version that names it (the goal itself is `goal`, its {"key", "title", ...} dict)."""

    kind: str
    key: str
    row: object
    goal: dict | None = None

    def title(self, locale: str, fallback: str) -> str:
        if self.kind == GOAL:
            return translated(self.goal.get("title"), locale=locale, fallback=fallback)
        if self.kind == INDICATOR:
            return translated(self.row.name, locale=locale, fallback=fallback)
        text = translated(self.row.title, locale=locale, fallback=fallback)
        return f"R-{self.row.number} {text}" if self.kind == RISK else text


def charter_goals(session: Session, *, partnership_id: int) -> tuple[CharterVersion | None, dict]:
    """(the latest version, {goal key: (goal, version)}) of the goals the charter in force or
    the latest version names, the latest's wording winning: one query."""
    latest_number = (
        select(CharterVersion.number)
        .where(CharterVersion.partnership_id == partnership_id)
        .order_by(CharterVersion.number.desc())
        .limit(1)
        .scalar_subquery()
    )
    versions = session.scalars(
        select(CharterVersion)
        .where(
            CharterVersion.partnership_id == partnership_id,
            or_(
                CharterVersion.status == CharterStatus.ADOPTED,
                CharterVersion.number == latest_number,
            ),
        )
        .order_by(CharterVersion.number)
    ).all()
    found: dict[str, tuple[dict, CharterVersion]] = {}
    for version in versions:
        for goal in (version.content or {}).get("goals") or []:
            if goal.get("key"):
                found[goal["key"]] = (goal, version)
    return (versions[-1] if versions else None), found


def subject_of(session: Session, *, partnership_id: int, kind: str, key: str) -> Subject | None:
    """The subject `kind`/`key` of the partnership, or None if there is none (an unknown
    kind, a key that is no id, a row of another partnership, a goal no charter names)."""
    if kind == GOAL:
        _latest, goals = charter_goals(session, partnership_id=partnership_id)
        found = goals.get(key)
        return Subject(GOAL, key, found[1], found[0]) if found else None
    model = {ACTION: Action, INDICATOR: Indicator, RISK: Risk}.get(kind)
    row_id = id_or_none(key)
    if model is None or row_id is None or str(row_id) != key:
        return None
    row = session.scalar(
        select(model).where(model.id == row_id, model.partnership_id == partnership_id)
    )
    return Subject(kind, key, row) if row is not None else None


def may_read(session: Session, membership: Membership, subject: Subject) -> bool:
    """Every member reads goals, actions and indicators; a risk as the register allows."""
    if subject.kind == RISK:
        return permissions.can_read_risk(session, membership, subject.row)
    return True


def may_tag(session: Session, membership: Membership, subject: Subject) -> bool:
    """Facilitators tag goals and indicators; an action is tagged by whoever may edit it
    (the charter's action rule), a risk by whoever may edit it (the register's rule)."""
    if membership is None or membership.partnership_id != subject.row.partnership_id:
        return False
    if subject.kind == GOAL:
        return may_tag_goals(membership)
    if subject.kind == ACTION:
        rule = charter.action_rule(session, partnership_id=membership.partnership_id)
        return action_permissions.may_edit(membership, subject.row, rule=rule)
    if subject.kind == RISK:
        return permissions.can_edit_risk(membership, subject.row)
    return Role(membership.role) is Role.FACILITATOR


def may_tag_goals(membership: Membership) -> bool:
    """The charter's goals are the partnership's: the facilitators tag them."""
    return Role(membership.role) is Role.FACILITATOR


@cache
def _folded_codes() -> dict[str, str]:
    """{code folded: code} of every reference, so "IFC:ps4" typed by hand finds "ifc:PS4"."""
    return {
        ref.code.casefold(): ref.code
        for framework in frameworks.frameworks()
        for ref in frameworks.references(framework.key)
    }


def known_code(code: str) -> str | None:
    """The dataset's spelling of `code`, or None if no reference has it."""
    code = (code or "").strip()
    if not code:
        return None
    if frameworks.is_reference(code):
        return code
    return _folded_codes().get(code.casefold())


def parse_codes(text: str) -> list[str]:
    """The codes typed in a free field, separated by commas, semicolons or spaces."""
    for separator in ",;\n\t":
        text = (text or "").replace(separator, " ")
    return [part for part in text.split(" ") if part]


def checked_references(references: Iterable[str]) -> list[str]:
    """`references` in the dataset's spelling and official order, each once. Raises
    ServiceError naming every code that is no reference, and when there are too many."""
    found: dict[str, None] = {}
    unknown: list[str] = []
    for code in references:
        code = (code or "").strip()
        if not code:
            continue
        known = known_code(code)
        if known is None:
            if code not in unknown:
                unknown.append(code)
        else:
            found[known] = None
    if unknown:
        raise ServiceError(
            _l(
                "There is no framework reference %(codes)s: check the code, or choose the "
                "reference from the lists below.",
                codes=", ".join(f"“{code[:40]}”" for code in unknown[:10]),
            ),
            field="code",
        )
    if len(found) > MOST_TAGS:
        raise ServiceError(
            _l("At most %(num)d framework references can be given to one item.", num=MOST_TAGS)
        )
    return sorted(found, key=frameworks.sort_key)


def set_tags(
    session: Session,
    *,
    partnership_id: int,
    kind: str,
    key: str,
    references: Iterable[str],
    actor_id: int | None,
    membership: Membership | None = None,
) -> list[str]:
    """Make `references` the whole set of tags of subject `kind`/`key` of the partnership and
    return them in official order. With `membership`, refuse unless that member may tag it.

    Nothing changes unless every reference exists: one unknown code raises ServiceError
    naming it. Side effects: tag rows added and deleted (flushed), and one audit entry
    listing the references added and removed, when anything changed.
    """
    key = str(key)
    subject = subject_of(session, partnership_id=partnership_id, kind=kind, key=key)
    if subject is None:
        raise ServiceError(_l("There is nothing here to tag."))
    if membership is not None and not may_tag(session, membership, subject):
        raise ServiceError(_l("You may not change the framework references of this item."))
    wanted = checked_references(references)
    existing = {
        tag.reference: tag
        for tag in session.scalars(
            select(FrameworkTag).where(
                FrameworkTag.partnership_id == partnership_id,
                FrameworkTag.subject_kind == kind,
                FrameworkTag.subject_key == key,
            )
        )
    }
    added = [code for code in wanted if code not in existing]
    removed = sorted((code for code in existing if code not in wanted), key=frameworks.sort_key)
    for code in removed:
        session.delete(existing[code])
    for code in added:
        session.add(
            FrameworkTag(
                partnership_id=partnership_id,
                subject_kind=kind,
                subject_key=key,
                reference=code,
                created_by_id=actor_id,
            )
        )
    session.flush()
    if added or removed:
        audit.record(
            session,
            actor_id=actor_id,
            action="framework.tag_goal" if kind == GOAL else "framework.tag",
            obj=subject.row,
            partnership_id=partnership_id,
            details={
                "subject_kind": kind,
                "subject_key": key,
                "added": added,
                "removed": removed,
                "data_version": frameworks.DATA_VERSION,
            },
        )
    return wanted


def tags_of(
    session: Session, *, partnership_id: int, kind: str, keys: Iterable
) -> dict[str, list[str]]:
    """{key: [references in official order]} of the subjects `keys` of `kind` (ids may be
    given as numbers; the answer's keys are text), in one query."""
    wanted = sorted({str(key) for key in keys})
    out: dict[str, list[str]] = {key: [] for key in wanted}
    if not wanted:
        return out
    rows = session.execute(
        select(FrameworkTag.subject_key, FrameworkTag.reference).where(
            FrameworkTag.partnership_id == partnership_id,
            FrameworkTag.subject_kind == kind,
            FrameworkTag.subject_key.in_(wanted),
        )
    )
    for key, code in rows:
        out[key].append(code)
    for codes in out.values():
        # Total over any text: a tag left from an older dataset keeps a place.
        codes.sort(key=frameworks.sort_key)
    return out
