"""The indicator set as a section of the charter (hsbp.principles.content `indicators`).

Until a charter holding the set is in force, facilitators change indicators freely (an open
draft that holds the set follows along). Once one is, the set is what the partners endorsed:
adding, changing or retiring an indicator is an amendment, written into the charter's draft
(started if none), and it reaches monitoring only when that draft is adopted
(`apply_adopted`, an hsbp.principles.adoption listener). Values keep being recorded
whatever the charter's state.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from hsbp import audit
from hsbp.auth.models import User
from hsbp.db import utcnow
from hsbp.errors import ServiceError
from hsbp.monitoring import services
from hsbp.monitoring.charter_indicator_models import CharterIndicator
from hsbp.monitoring.models import Indicator
from hsbp.partnerships.models import Partnership
from hsbp.principles import services as charter
from hsbp.principles.content import indicators_of
from hsbp.principles.models import CharterStatus, CharterVersion

audit.ACTION_LABELS.update(
    {
        "indicator.retire": _l("Indicator retired"),
        "indicator.adopt": _l("Indicator set of the adopted charter applied"),
    }
)
OPEN = (CharterStatus.DRAFT, CharterStatus.PROPOSED)


@dataclass(frozen=True)
class Outcome:
    """What a change did: `indicator` changed at once, and/or written into `draft`;
    `amendment` when it waits for the partners' endorsement."""

    indicator: Indicator | None
    draft: CharterVersion | None
    amendment: bool


# Reading -------------------------------------------------------------------------------


def indicators_endorsed(session: Session, *, partnership_id: int) -> bool:
    """Whether the charter in force holds the indicator set."""
    current = charter.in_force(session, partnership_id=partnership_id)
    return current is not None and indicators_of(current.content) is not None


def _open_version(session: Session, partnership_id: int) -> CharterVersion | None:
    return session.scalar(
        select(CharterVersion).where(
            CharterVersion.partnership_id == partnership_id, CharterVersion.status.in_(OPEN)
        )
    )


def links(session: Session, *, partnership_id: int) -> dict[int, CharterIndicator]:
    """{indicator id: its link to the charter} for the partnership."""
    rows = session.scalars(
        select(CharterIndicator).where(CharterIndicator.partnership_id == partnership_id)
    )
    return {row.indicator_id: row for row in rows}


def item_of(columns: dict, key: str) -> dict:
    """An indicator's item of the charter's set, from its checked columns."""
    return {
        "key": key,
        "name": dict(columns["name"]),
        "definition": dict(columns["definition"]),
        "goal_key": columns["goal_key"] or "",
        "kind": str(columns["kind"]),
        "unit": columns["unit"] or "",
        "currency": columns["currency"] or "",
        "levels": list(columns["levels"] or []),
        "baseline": format(Decimal(columns["baseline_value"]).normalize(), "f"),
        "baseline_on": columns["baseline_on"].isoformat(),
        "target": format(Decimal(columns["target_value"]).normalize(), "f"),
        "target_on": columns["target_on"].isoformat(),
        "direction": str(columns["direction"]),
        "source": columns["source"] or "",
        "partner_id": columns["partner_id"],
        "frequency": str(columns["frequency"]),
        "disaggregation": list(columns["disaggregation"] or []),
    }


COLUMNS = (
    "name",
    "definition",
    "goal_key",
    "kind",
    "unit",
    "currency",
    "levels",
    "baseline_value",
    "baseline_on",
    "target_value",
    "target_on",
    "direction",
    "source",
    "partner_id",
    "frequency",
    "disaggregation",
)


def columns_of_row(indicator: Indicator) -> dict:
    return {name: getattr(indicator, name) for name in COLUMNS}


def columns_of(item: dict) -> dict:
    """The indicator's columns an item of the charter's set defines."""
    values = {k: v for k, v in item.items() if k in COLUMNS}
    return {
        **values,
        "baseline_value": Decimal(item["baseline"]),
        "baseline_on": date.fromisoformat(item["baseline_on"]),
        "target_value": Decimal(item["target"]),
        "target_on": date.fromisoformat(item["target_on"]),
    }


def _key_of(session: Session, indicator: Indicator) -> str:
    link = session.scalar(
        select(CharterIndicator).where(CharterIndicator.indicator_id == indicator.id)
    )
    if link is None:
        link = CharterIndicator(
            partnership_id=indicator.partnership_id,
            indicator_id=indicator.id,
            key=uuid.uuid4().hex,
        )
        session.add(link)
        session.flush()
    return link.key


def _item_in(version: CharterVersion | None, key: str) -> dict | None:
    items = indicators_of(version.content) if version is not None else None
    return next((item for item in items or [] if item["key"] == key), None)


def definition(session: Session, *, indicator: Indicator) -> dict:
    """The indicator's columns as its edit form starts from: the open charter version's
    amendment of it, if one waits, else the indicator as it is."""
    link = links(session, partnership_id=indicator.partnership_id).get(indicator.id)
    waiting = _open_version(session, indicator.partnership_id)
    item = _item_in(waiting, link.key) if link is not None else None
    return columns_of(item) if item is not None else columns_of_row(indicator)


def amendment_of(session: Session, *, indicator: Indicator) -> tuple[CharterVersion, str] | None:
    """(open charter version, "changed" or "retired") when that version, under a charter that
    holds the set, would change or retire the indicator; None if nothing waits."""
    current = charter.in_force(session, partnership_id=indicator.partnership_id)
    waiting = _open_version(session, indicator.partnership_id)
    link = links(session, partnership_id=indicator.partnership_id).get(indicator.id)
    if current is None or waiting is None or link is None or indicators_of(current.content) is None:
        return None
    before, after = _item_in(current, link.key), _item_in(waiting, link.key)
    if after is None:
        return (waiting, "retired") if before is not None else None
    return (waiting, "changed") if after != before else None


# Changing ------------------------------------------------------------------------------


def _target(session: Session, *, actor: User, partnership: Partnership):
    """Where a change of the set goes: (draft, amendment?). A draft is started for an
    amendment; a proposal holding the set stops any change until it is decided."""
    governed = indicators_endorsed(session, partnership_id=partnership.id)
    waiting = _open_version(session, partnership.id)
    holds = waiting is not None and indicators_of(waiting.content) is not None
    if waiting is not None and waiting.status == CharterStatus.PROPOSED and (governed or holds):
        raise ServiceError(
            _l(
                "Version %(number)d of the charter, which holds the indicator set, is before "
                "the partners: change an indicator once it is decided, or withdraw it.",
                number=waiting.number,
            )
        )
    if not governed:
        return (waiting if holds else None), False
    if waiting is None:
        waiting = charter.start_draft(session, actor=actor, partnership=partnership)
    return waiting, True


def _put(session, *, actor, partnership, draft: CharterVersion, key: str, item: dict | None):
    """Write `item` (None: remove it) under `key` into the draft's set."""
    items = [i for i in indicators_of(draft.content) or [] if i["key"] != key]
    if item is not None:
        old = [i["key"] for i in indicators_of(draft.content) or []]
        items.insert(old.index(key) if key in old else len(items), item)
    charter.update_draft(
        session,
        actor=actor,
        partnership=partnership,
        version=draft,
        raw={**draft.content, "indicators": items},
    )


def add_indicator(
    session: Session, *, actor: User, partnership: Partnership, fields: dict
) -> Outcome:
    """A new indicator: at once, or, under a charter holding the set, as an amendment in its
    draft. Raises ServiceError. Side effects: the indicator and its audit entry, and/or the
    draft's content and its audit entries (a draft started if needed)."""
    # Checked before any draft is started: a refusal leaves the charter as it was.
    columns = services.checked_fields(session, partnership=partnership, fields=fields)
    draft, amendment = _target(session, actor=actor, partnership=partnership)
    if amendment:
        item = item_of(columns, uuid.uuid4().hex)
        _put(session, actor=actor, partnership=partnership, draft=draft, key=item["key"], item=item)
        return Outcome(None, draft, True)
    indicator = services.create_indicator(
        session, actor=actor, partnership=partnership, fields=fields
    )
    if draft is not None:
        key = _key_of(session, indicator)
        item = item_of(columns_of_row(indicator), key)
        _put(session, actor=actor, partnership=partnership, draft=draft, key=key, item=item)
    return Outcome(indicator, draft, False)


def change_indicator(
    session: Session, *, actor: User, partnership: Partnership, indicator: Indicator, fields: dict
) -> Outcome:
    """Change what defines `indicator`: at once, or as an amendment (see `add_indicator`).
    Raises ServiceError. Side effects: as `add_indicator`."""
    if services.is_retired(session, indicator=indicator):
        raise ServiceError(_l("The charter has retired this indicator: it no longer changes."))
    columns = services.checked_fields(session, partnership=partnership, fields=fields)
    if columns["kind"] != indicator.kind and services.has_values(session, indicator=indicator):
        raise ServiceError(
            _l("This indicator already has values: its kind can no longer change."),
            field="kind",
        )
    draft, amendment = _target(session, actor=actor, partnership=partnership)
    if amendment:
        key = _key_of(session, indicator)
        item = item_of(columns, key)
        _put(session, actor=actor, partnership=partnership, draft=draft, key=key, item=item)
        return Outcome(None, draft, True)
    services.update_indicator(
        session, actor=actor, partnership=partnership, indicator=indicator, fields=fields
    )
    if draft is not None:
        key = _key_of(session, indicator)
        item = item_of(columns_of_row(indicator), key)
        _put(session, actor=actor, partnership=partnership, draft=draft, key=key, item=item)
    return Outcome(indicator, draft, False)


def retire_indicator(
    session: Session, *, actor: User, partnership: Partnership, indicator: Indicator
) -> Outcome:
    """Stop measuring `indicator` (its values stay on record): at once, or as an amendment
    that leaves it out of the charter's set. Raises ServiceError. Side effects: its link
    marked retired and an audit entry, and/or the draft's content and its audit entries."""
    if services.is_retired(session, indicator=indicator):
        raise ServiceError(_l("The charter has retired this indicator already."))
    draft, amendment = _target(session, actor=actor, partnership=partnership)
    key = _key_of(session, indicator)
    if draft is not None:
        _put(session, actor=actor, partnership=partnership, draft=draft, key=key, item=None)
    if amendment:
        return Outcome(None, draft, True)
    link = links(session, partnership_id=partnership.id)[indicator.id]
    link.retired_at = utcnow()
    audit.record(
        session,
        actor_id=actor.id,
        action="indicator.retire",
        obj=indicator,
        partnership_id=partnership.id,
    )
    return Outcome(indicator, draft, False)


def take_set(
    session: Session, *, actor: User, partnership: Partnership, version: CharterVersion
) -> int:
    """Write the partnership's current indicators (all but retired ones) into the draft
    `version` as its indicator set; returns how many. Refused once a charter in force holds
    the set: the draft already carries it, with its amendments. Side effects: the draft's
    content, its audit entry, a link (key) for each indicator that had none."""
    if indicators_endorsed(session, partnership_id=partnership.id):
        raise ServiceError(
            _l(
                "The charter in force already holds the indicator set: change an indicator "
                "from its page, and the change comes into this draft."
            )
        )
    charter.ensure_draft(version)
    found = links(session, partnership_id=partnership.id)
    rows = session.scalars(
        select(Indicator).where(Indicator.partnership_id == partnership.id).order_by(Indicator.id)
    ).all()
    items = []
    for row in rows:
        link = found.get(row.id)
        if link is None or link.retired_at is None:
            key = link.key if link is not None else _key_of(session, row)
            items.append(item_of(columns_of_row(row), key))
    raw = {**version.content, "indicators": items}
    charter.update_draft(session, actor=actor, partnership=partnership, version=version, raw=raw)
    return len(items)


def leave_out_set(
    session: Session, *, actor: User, partnership: Partnership, version: CharterVersion
) -> None:
    """Take the indicator set out of the draft `version`; refused, as `take_set`, once the
    charter in force holds it. Side effects: the draft's content and its audit entry."""
    if indicators_endorsed(session, partnership_id=partnership.id):
        raise ServiceError(
            _l("The charter in force holds the indicator set: an amendment cannot drop it.")
        )
    raw = {**version.content, "indicators": None}
    charter.update_draft(session, actor=actor, partnership=partnership, version=version, raw=raw)


# Adoption ------------------------------------------------------------------------------


def apply_adopted(
    session: Session, *, version: CharterVersion, replaced: CharterVersion | None, actor=None
) -> None:
    """Make monitoring's indicators the set `version`, just adopted, holds: create the new
    ones, change the changed ones, retire those it leaves out (their values stay). A version
    without the set changes nothing. Side effects: indicators, their links, an audit entry."""
    items = indicators_of(version.content)
    if items is None:
        return
    partnership_id = version.partnership_id
    by_key = {link.key: link for link in links(session, partnership_id=partnership_id).values()}
    rows = {
        row.id: row
        for row in session.scalars(
            select(Indicator).where(Indicator.partnership_id == partnership_id)
        )
    }
    created, changed = [], []
    for item in items:
        columns = columns_of(item)
        link = by_key.get(item["key"])
        if link is None:
            row = Indicator(partnership_id=partnership_id, **columns)
            session.add(row)
            session.flush()
            session.add(
                CharterIndicator(
                    partnership_id=partnership_id, indicator_id=row.id, key=item["key"]
                )
            )
            created.append(row.id)
            continue
        row = rows[link.indicator_id]
        differs = [name for name, value in columns.items() if getattr(row, name) != value]
        for name in differs:
            setattr(row, name, columns[name])
        if differs or link.retired_at is not None:
            link.retired_at = None
            changed.append(row.id)
    kept = {item["key"] for item in items}
    retired = []
    for key, link in by_key.items():
        if key not in kept and link.retired_at is None:
            link.retired_at = utcnow()
            retired.append(link.indicator_id)
    session.flush()
    if created or changed or retired:
        audit.record(
            session,
            actor_id=actor.id if actor is not None else None,
            action="indicator.adopt",
            obj=version,
            partnership_id=partnership_id,
            details={
                "number": version.number,
                "created": created,
                "changed": changed,
                "retired": retired,
            },
        )
