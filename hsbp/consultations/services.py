"""Preparing, opening and closing consultations (their questions: questions.py)."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import datetime

from flask import Flask, current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, select, update
from sqlalchemy.orm import Session

from hsbp import audit
from hsbp.auth.models import User
from hsbp.consultations.answering import stamp
from hsbp.consultations.models import (
    Channel,
    Consultation,
    Dimension,
    Participation,
    Response,
    ResponseState,
    Status,
)
from hsbp.db import utcnow
from hsbp.errors import ServiceError
from hsbp.partnerships.models import Partnership

audit.ACTION_LABELS.update(
    {
        "consultation.create": _l("Consultation created"),
        "consultation.update": _l("Consultation changed"),
        "consultation.open": _l("Consultation opened"),
        "consultation.close": _l("Consultation closed"),
    }
)

FIELDS = [
    "title",
    "purpose",
    "dimensions",
    "audience",
    "channels",
    "anonymous",
    "opens_at",
    "closes_at",
    "reminder_days",
    "stale_days",
]
MAX_TEXT = 500


def texts_by_language(
    values: dict | None, locales: list[str], *, required: str, field: str, message
) -> dict:
    """{locale: text} kept for the partnership's languages; the default one is required."""
    cleaned = {
        code: (values or {}).get(code, "").strip()[:MAX_TEXT]
        for code in locales
        if (values or {}).get(code, "").strip()
    }
    if required not in cleaned:
        raise ServiceError(message, field=f"{field}-{required}")
    return cleaned


def _consultation_values(partnership: Partnership, fields: dict) -> dict:
    locales = partnership.locales
    default = partnership.default_locale
    title = texts_by_language(
        fields.get("title"),
        locales,
        required=default,
        field="title",
        message=_l("Give the consultation a title."),
    )
    purpose = {
        code: text.strip()[:4000]
        for code, text in (fields.get("purpose") or {}).items()
        if code in locales and text.strip()
    }
    dimensions = [d for d in Dimension if d in (fields.get("dimensions") or [])]
    channels = [c for c in Channel if c in (fields.get("channels") or [])]
    if not channels:
        raise ServiceError(_l("Choose at least one way to answer."), field="channels")
    opens_at: datetime | None = fields.get("opens_at")
    closes_at: datetime | None = fields.get("closes_at")
    if opens_at and closes_at and closes_at <= opens_at:
        raise ServiceError(_l("The consultation must close after it opens."), field="closes_at")
    audience = fields.get("audience") or {}
    reminder_days = int(fields.get("reminder_days") or 0)
    stale_days = int(fields.get("stale_days") or 7)
    if not 0 <= reminder_days <= 60:
        raise ServiceError(_l("Remind every 0 to 60 days."), field="reminder_days")
    if not 1 <= stale_days <= 90:
        raise ServiceError(
            _l("An unanswered SMS conversation closes after 1 to 90 days."), field="stale_days"
        )
    return {
        "title": title,
        "purpose": purpose,
        "dimensions": dimensions,
        "audience": {
            "contacts": bool(audience.get("contacts")),
            "members": bool(audience.get("members")),
            "sectors": sorted(set(audience.get("sectors") or [])),
            "tags": sorted({int(t) for t in audience.get("tags") or []}),
            "localities": sorted(
                {x.strip() for x in audience.get("localities") or [] if x.strip()}
            ),
        },
        "channels": channels,
        "anonymous": bool(fields.get("anonymous")),
        "opens_at": opens_at,
        "closes_at": closes_at,
        "reminder_days": reminder_days,
        "stale_days": stale_days,
    }


def create_consultation(
    session: Session, *, actor: User, partnership: Partnership, fields: dict
) -> Consultation:
    """A draft consultation. Side effects: an audit entry."""
    values = _consultation_values(partnership, fields)
    consultation = Consultation(
        partnership_id=partnership.id, created_by_id=actor.id, status=Status.DRAFT, **values
    )
    if Channel.PUBLIC in values["channels"]:
        consultation.public_token = secrets.token_urlsafe(24)
    session.add(consultation)
    session.flush()
    audit.record(
        session,
        actor_id=actor.id,
        action="consultation.create",
        obj=consultation,
        partnership_id=partnership.id,
    )
    return consultation


def has_responses(session: Session, consultation: Consultation) -> bool:
    return bool(session.scalar(select(exists().where(Response.consultation_id == consultation.id))))


def update_consultation(
    session: Session, *, actor: User, partnership: Partnership, consultation: Consultation, fields
) -> None:
    """Change the settings. Anonymity cannot change once someone has answered: answers given
    anonymously must stay so, and named ones were not given under that promise."""
    values = _consultation_values(partnership, fields)
    if values["anonymous"] != consultation.anonymous and has_responses(session, consultation):
        raise ServiceError(
            _l("Anonymity cannot change once answers have been given."), field="anonymous"
        )
    before = audit.snapshot(consultation, FIELDS)
    for name, value in values.items():
        setattr(consultation, name, value)
    if Channel.PUBLIC in consultation.channels and not consultation.public_token:
        consultation.public_token = secrets.token_urlsafe(24)
    audit.record(
        session,
        actor_id=actor.id,
        action="consultation.update",
        obj=consultation,
        partnership_id=consultation.partnership_id,
        details=audit.changes(consultation, FIELDS, before),
    )


def open_consultation(session: Session, *, actor: User, consultation: Consultation) -> None:
    if consultation.status == Status.OPEN:
        return
    if not any(not q.retired for q in consultation.questions):
        raise ServiceError(_l("Add a question before opening the consultation."))
    consultation.status = Status.OPEN
    if consultation.opens_at is None or consultation.opens_at > utcnow():
        consultation.opens_at = utcnow()
    audit.record(
        session,
        actor_id=actor.id,
        action="consultation.open",
        obj=consultation,
        partnership_id=consultation.partnership_id,
    )


def close_consultation(session: Session, *, actor: User | None, consultation: Consultation) -> int:
    """Close it; responses still under way are kept as partial. Returns how many.

    Side effects: the consultation and its responses, an audit entry, and what the `on_close`
    listeners do (indicators computed from it record their value)."""
    consultation.status = Status.CLOSED
    consultation.closes_at = min(consultation.closes_at or utcnow(), utcnow())
    left = session.execute(
        update(Response)
        .where(
            Response.consultation_id == consultation.id,
            Response.state == ResponseState.IN_PROGRESS,
        )
        .values(state=ResponseState.PARTIAL, finished_at=stamp(consultation))
        .execution_options(synchronize_session=False)
    ).rowcount
    # Members part-way through on the web end now; SMS conversations are ended by the
    # periodic sweep, which also tells the person if they write again.
    ended = {"state": ResponseState.PARTIAL, "last_activity_at": utcnow()}
    if consultation.anonymous:
        ended["response_id"] = None  # nothing may link a person to their answers
    session.execute(
        update(Participation)
        .where(
            Participation.consultation_id == consultation.id,
            Participation.state == ResponseState.IN_PROGRESS,
            Participation.channel != Channel.SMS,
        )
        .values(**ended)
        .execution_options(synchronize_session="fetch")
    )
    audit.record(
        session,
        actor_id=actor.id if actor else None,
        action="consultation.close",
        obj=consultation,
        partnership_id=consultation.partnership_id,
        details={"partial": left},
    )
    for callback in current_app.extensions.get(CLOSE_LISTENERS_KEY, ()):
        callback(session, consultation)
    return left


CLOSE_LISTENERS_KEY = "hsbp.consultation_close_listeners"


def on_close(app: Flask, callback: Callable[[Session, Consultation], None]) -> None:
    """Call `callback(session, consultation)` each time a consultation closes, in the same
    transaction: features that build on consultations (the indicators monitoring computes
    from them) hear of it without consultations importing them."""
    listeners = app.extensions.setdefault(CLOSE_LISTENERS_KEY, [])
    if callback not in listeners:
        listeners.append(callback)
