"""What this feature needs of a person, for "Needs me" and the notifications
(hsbp.notifications): its item providers, registered by init_app (wired in create_app)."""

from __future__ import annotations

from datetime import datetime

from flask import Flask
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from hsbp.consultations.models import Channel, Consultation, Participation, Status
from hsbp.consultations.web_answers import DONE_STATES
from hsbp.i18n import translated
from hsbp.notifications import Item, add_provider, path_for
from hsbp.notifications.items import day_text
from hsbp.security import Role

CONSULTATION_OPEN = "consultation_open"


def consultations_to_answer(
    session: Session, *, user, memberships, locale: str, now: datetime
) -> list[Item]:
    """Open consultations that ask members on the web and that `user` has not finished
    answering. Facilitators run consultations rather than answer them, so they are not
    asked. One statement for all partnerships."""
    asked = {m.partnership_id: m for m in memberships if m.role != Role.FACILITATOR}
    if not asked:
        return []
    finished = exists().where(
        Participation.consultation_id == Consultation.id,
        Participation.user_id == user.id,
        Participation.state.in_(DONE_STATES),
    )
    rows = session.execute(
        select(
            Consultation.id,
            Consultation.partnership_id,
            Consultation.title,
            Consultation.channels,
            Consultation.audience,
            Consultation.closes_at,
        )
        .where(
            Consultation.partnership_id.in_(asked),
            Consultation.status == Status.OPEN,
            ~finished,
        )
        .order_by(Consultation.id)
    ).all()
    items = []
    for row in rows:
        # JSON columns: filtered here, the same way on SQLite and PostgreSQL.
        if Channel.WEB not in (row.channels or []) or not (row.audience or {}).get("members"):
            continue
        if row.closes_at is not None and row.closes_at <= now:
            continue
        partnership = asked[row.partnership_id].partnership
        title = translated(row.title, locale=locale, fallback=partnership.default_locale)
        if row.closes_at is not None:
            text = _(
                "The consultation “%(title)s” asks for your answers until %(date)s.",
                title=title,
                date=day_text(row.closes_at, zone=partnership.zone, locale=locale),
            )
        else:
            text = _("The consultation “%(title)s” asks for your answers.", title=title)
        items.append(
            Item(
                kind=CONSULTATION_OPEN,
                key=f"{CONSULTATION_OPEN}:{row.id}",
                partnership_id=row.partnership_id,
                text=text,
                url=path_for(
                    "consultations.answer",
                    partnership_id=row.partnership_id,
                    consultation_id=row.id,
                ),
                due=row.closes_at,
            )
        )
    return items


def init_app(app: Flask) -> None:
    """Register this feature's item providers with hsbp.notifications."""
    add_provider(
        app,
        CONSULTATION_OPEN,
        label=_l("Consultations to answer"),
        provider=consultations_to_answer,
        roles=[Role.REPRESENTATIVE, Role.OBSERVER],
    )
