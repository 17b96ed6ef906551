"""Indicators and their measured values: checked before anything is written.

A value for a period that already has one is refused unless it is given as a correction,
which adds a revision and keeps the earlier one (who reported what, when and how).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import BinaryIO

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from hsbp import audit
from hsbp.actions import uploads
from hsbp.actions.evidence import check_url
from hsbp.auth.models import User
from hsbp.db import id_or_none
from hsbp.errors import ServiceError
from hsbp.monitoring import parts
from hsbp.monitoring.charter_indicator_models import CharterIndicator
from hsbp.monitoring.models import (
    DISAGGREGATIONS,
    Direction,
    Frequency,
    Indicator,
    Kind,
    Measurement,
    Method,
)
from hsbp.partnerships.models import Partner, Partnership

audit.ACTION_LABELS.update(
    {
        "indicator.create": _l("Indicator added"),
        "indicator.update": _l("Indicator changed"),
        "indicator.measure": _l("Indicator value reported"),
        "indicator.correct": _l("Indicator value corrected"),
    }
)
TEXT_MAX = 5000
LIMIT = Decimal(10) ** 15


def number(raw, *, field: str) -> Decimal:
    """A finite number written with a dot or a comma; ServiceError naming `field` if not."""
    text = str(raw if raw is not None else "").strip().replace(" ", "").replace(",", ".")
    try:
        value = Decimal(text)
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite() or abs(value) >= LIMIT:
        raise ServiceError(_l("Write a number, for example 42 or 3.5"), field=field)
    return value


def create_indicator(
    session: Session, *, actor: User, partnership: Partnership, fields: dict
) -> Indicator:
    """A new indicator from `fields`; raises ServiceError (with its field) on a bad value.
    Side effects: the indicator, an audit entry."""
    indicator = Indicator(
        partnership_id=partnership.id,
        **checked_fields(session, partnership=partnership, fields=fields),
        created_by_id=actor.id,
    )
    session.add(indicator)
    session.flush()
    audit.record(
        session,
        actor_id=actor.id,
        action="indicator.create",
        obj=indicator,
        partnership_id=partnership.id,
    )
    return indicator


def update_indicator(
    session: Session, *, actor: User, partnership: Partnership, indicator: Indicator, fields: dict
) -> list[str]:
    """Change what defines `indicator` (not its values, nor its consultation link) to
    `fields`; returns the names of the columns that changed. The kind cannot change once a
    value is recorded: the values were given in it. Raises ServiceError. Side effects: the
    indicator, an audit entry naming the changed columns."""
    values = checked_fields(session, partnership=partnership, fields=fields)
    if values["kind"] != indicator.kind and has_values(session, indicator=indicator):
        raise ServiceError(
            _l("This indicator already has values: its kind can no longer change."),
            field="kind",
        )
    changed = [name for name, value in values.items() if getattr(indicator, name) != value]
    for name in changed:
        setattr(indicator, name, values[name])
    if changed:
        session.flush()
        audit.record(
            session,
            actor_id=actor.id,
            action="indicator.update",
            obj=indicator,
            partnership_id=partnership.id,
            details={"changed": changed},
        )
    return changed


def is_retired(session: Session, *, indicator: Indicator) -> bool:
    """Whether an adopted charter left the indicator out of its set (hsbp.monitoring
    .charter_indicators)."""
    return bool(
        session.scalar(
            select(CharterIndicator.retired_at).where(CharterIndicator.indicator_id == indicator.id)
        )
    )


def has_values(session: Session, *, indicator: Indicator) -> bool:
    return bool(
        session.scalar(
            select(Measurement.id).where(Measurement.indicator_id == indicator.id).limit(1)
        )
    )


def checked_fields(session: Session, *, partnership: Partnership, fields: dict) -> dict:
    """The indicator's columns from `fields` (as the indicator form gives them), checked;
    raises ServiceError naming the form field of a bad value."""
    default = partnership.default_locale
    name = {
        k: (v or "").strip()[:200]
        for k, v in (fields.get("name") or {}).items()
        if (v or "").strip()
    }
    if not name.get(default):
        raise ServiceError(_l("Give the indicator a name."), field=f"name-{default}")
    kind = fields.get("kind")
    if kind not in {k.value for k in Kind}:
        raise ServiceError(_l("Choose the kind of indicator."), field="kind")
    levels = _levels(fields.get("levels") or []) if kind == Kind.SCALE else []
    baseline = _value_of_kind(kind, levels, fields.get("baseline_value"), "baseline_value")
    target = _value_of_kind(kind, levels, fields.get("target_value"), "target_value")
    baseline_on, target_on = fields.get("baseline_on"), fields.get("target_on")
    if not isinstance(baseline_on, date):
        raise ServiceError(_l("Give the baseline date."), field="baseline_on")
    if not isinstance(target_on, date) or target_on <= baseline_on:
        raise ServiceError(
            _l("The target date must come after the baseline date."), field="target_on"
        )
    direction = fields.get("direction") or Direction.HIGHER
    if direction not in {d.value for d in Direction}:
        raise ServiceError(_l("Choose whether higher or lower is better."), field="direction")
    if (direction == Direction.HIGHER and target < baseline) or (
        direction == Direction.LOWER and target > baseline
    ):
        raise ServiceError(
            _l("The target goes the wrong way: check the baseline, the target and the direction."),
            field="target_value",
        )
    frequency = fields.get("frequency") or Frequency.QUARTERLY
    if frequency not in {f.value for f in Frequency}:
        raise ServiceError(_l("Choose how often it is reported."), field="frequency")
    partner_id = fields.get("partner_id") or None
    if partner_id is not None:
        # Not int() alone: "x", "²" or 10**30 would fail in Python or in the database.
        number = id_or_none(partner_id)
        partner = session.get(Partner, number) if number is not None else None
        if partner is None or partner.partnership_id != partnership.id:
            raise ServiceError(_l("Choose a partner of this partnership."), field="partner_id")
    return dict(
        goal_key=(fields.get("goal_key") or "").strip()[:32],
        name=name,
        definition={
            k: (v or "").strip()[:TEXT_MAX] for k, v in (fields.get("definition") or {}).items()
        },
        kind=kind,
        unit=(fields.get("unit") or "").strip()[:40],
        currency=(fields.get("currency") or "").strip().upper()[:3] if kind == Kind.MONEY else "",
        levels=levels,
        baseline_value=baseline,
        baseline_on=baseline_on,
        target_value=target,
        target_on=target_on,
        direction=direction,
        source=(fields.get("source") or "").strip()[:TEXT_MAX],
        partner_id=partner.id if partner_id is not None else None,
        frequency=frequency,
        disaggregation=[d for d in DISAGGREGATIONS if d in set(fields.get("disaggregation") or [])],
    )


def _levels(raw: list) -> list[dict]:
    levels = [
        {"value": index + 1, "label": {k: v.strip() for k, v in (row.get("label") or {}).items()}}
        for index, row in enumerate(raw)
        if any((v or "").strip() for v in (row.get("label") or {}).values())
    ]
    if len(levels) < 2:
        raise ServiceError(_l("Describe at least two levels of the scale."), field="levels")
    return levels


def _value_of_kind(kind: str, levels: list, raw, field: str) -> Decimal:
    value = number(raw, field=field)
    if kind == Kind.PERCENTAGE and not 0 <= value <= 100:
        raise ServiceError(_l("A percentage is from 0 to 100."), field=field)
    if kind == Kind.SCALE and (value != value.to_integral() or not 1 <= value <= len(levels)):
        raise ServiceError(
            _l("Choose a level of the scale, from 1 to %(top)d.", top=len(levels)), field=field
        )
    return value


def record_value(
    session: Session,
    *,
    actor: User | None,
    indicator: Indicator,
    period_on: date,
    value,
    breakdown: str = "",
    note: str = "",
    method: str = Method.WEB,
    correction: bool = False,
    evidence_url: str = "",
    evidence: tuple[str, BinaryIO] | None = None,
) -> Measurement:
    """The indicator's value for the period starting `period_on`, with optional evidence: a
    web link and/or a file (name, stream). A second value for the same period (and breakdown)
    is refused unless `correction`, which adds a revision. Raises ServiceError. Side effects:
    a measurement row, the evidence file in the partnership's folder (removed again if the
    transaction does not commit), an audit entry."""
    checked = _value_of_kind(indicator.kind, indicator.levels, value, "value")
    if is_retired(session, indicator=indicator):
        raise ServiceError(
            _l("The charter has retired this indicator: it takes no new value."), field="value"
        )
    breakdown = parts.checked(indicator, breakdown)
    if method not in {m.value for m in Method}:
        raise ServiceError(_l("Say how the value was gathered."), field="method")
    latest = session.scalar(
        select(func.max(Measurement.revision)).where(
            Measurement.indicator_id == indicator.id,
            Measurement.period_on == period_on,
            Measurement.breakdown == breakdown,
        )
    )
    if latest and not correction:
        raise ServiceError(
            _l("This period already has a value. Correct it instead: the first stays on record."),
            field="period_on",
        )
    url = _evidence_url(evidence_url)
    stored = _evidence_file(session, indicator.partnership_id, evidence)
    row = Measurement(
        partnership_id=indicator.partnership_id,
        indicator_id=indicator.id,
        period_on=period_on,
        breakdown=breakdown,
        revision=(latest or 0) + 1,
        value=checked,
        note=(note or "").strip()[:TEXT_MAX],
        method=method,
        reported_by_id=actor.id if actor else None,
        evidence_url=url,
    )
    if stored is not None:
        row.evidence_filename = uploads.clean_filename(evidence[0])
        row.evidence_stored, row.evidence_type = stored.stored_name, stored.content_type
        row.evidence_size, row.evidence_sha256 = stored.size, stored.sha256
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError:
        # Another report of the same period and revision won the race: counted once.
        raise ServiceError(
            _l("Someone reported this period at the same moment. Look at it and correct it."),
            field="period_on",
        ) from None
    audit.record(
        session,
        actor_id=actor.id if actor else None,
        action="indicator.correct" if latest else "indicator.measure",
        obj=indicator,
        partnership_id=indicator.partnership_id,
        details={"period": period_on.isoformat(), "value": str(checked), "method": method},
    )
    return row


def _evidence_url(url: str) -> str:
    if not (url or "").strip():
        return ""
    try:
        return check_url(url)
    except ServiceError as error:
        raise ServiceError(error.message, field="evidence_url") from None


def _evidence_file(session, partnership_id: int, evidence) -> uploads.StoredFile | None:
    """The uploaded file kept, once everything else about the value is known to be right."""
    if evidence is None or not (evidence[0] or "").strip():
        return None
    try:
        return uploads.store(
            session, partnership_id=partnership_id, filename=evidence[0], stream=evidence[1]
        )
    except ServiceError as error:
        raise ServiceError(error.message, field="evidence_file") from None


def values_in_force(session: Session, *, indicator_id: int, breakdown: str = "") -> list:
    """(period, value) of the latest revision for each period, oldest first."""
    latest = (
        select(Measurement.period_on, func.max(Measurement.revision).label("revision"))
        .where(Measurement.indicator_id == indicator_id, Measurement.breakdown == breakdown)
        .group_by(Measurement.period_on)
        .subquery()
    )
    return list(
        session.execute(
            select(Measurement.period_on, Measurement.value)
            .join(
                latest,
                (latest.c.period_on == Measurement.period_on)
                & (latest.c.revision == Measurement.revision),
            )
            .where(Measurement.indicator_id == indicator_id, Measurement.breakdown == breakdown)
            .order_by(Measurement.period_on)
        ).all()
    )
