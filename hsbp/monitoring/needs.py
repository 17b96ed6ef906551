"""What this feature needs of a person, for "Needs me" and the notifications
(hsbp.notifications): its item providers, registered by init_app (wired in create_app)."""

from __future__ import annotations

from datetime import datetime, timedelta

from babel import dates as babel_dates
from flask import Flask
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from hsbp.i18n import translated
from hsbp.monitoring.pulse_models import PulseResponse, PulseRound, RoundStatus
from hsbp.monitoring.review_models import Review, ReviewStatus
from hsbp.notifications import Item, add_provider, path_for
from hsbp.notifications.items import day_text
from hsbp.security import Role

PULSE_OPEN = "pulse_open"
REVIEW_COMING = "review_coming"
# How far ahead a scheduled review is announced: two weeks leave time to arrange to attend.
REVIEW_NOTICE = timedelta(days=14)


def pulses_to_answer(
    session: Session, *, user, memberships, locale: str, now: datetime
) -> list[Item]:
    """Open pulse rounds of the partnerships where `user` speaks for a partner (only they
    have a constituency to score for) that they have not answered. One statement."""
    speaking = {m.partnership_id: m for m in memberships if m.partner_id is not None}
    if not speaking:
        return []
    answered = exists().where(
        PulseResponse.round_id == PulseRound.id, PulseResponse.user_id == user.id
    )
    rows = session.execute(
        select(PulseRound.id, PulseRound.partnership_id, PulseRound.title, PulseRound.closes_at)
        .where(
            PulseRound.partnership_id.in_(speaking),
            PulseRound.status == RoundStatus.OPEN,
            PulseRound.closes_at > now,
            ~answered,
        )
        .order_by(PulseRound.closes_at, PulseRound.id)
    ).all()
    items = []
    for row in rows:
        partnership = speaking[row.partnership_id].partnership
        items.append(
            Item(
                kind=PULSE_OPEN,
                key=f"{PULSE_OPEN}:{row.id}",
                partnership_id=row.partnership_id,
                text=_(
                    "Score the partnership's health in “%(title)s” before %(date)s.",
                    title=translated(row.title, locale=locale, fallback=partnership.default_locale),
                    date=day_text(row.closes_at, zone=partnership.zone, locale=locale),
                ),
                url=path_for(
                    "monitoring.pulse_answer", partnership_id=row.partnership_id, round_id=row.id
                ),
                due=row.closes_at,
            )
        )
    return items


def reviews_coming(
    session: Session, *, user, memberships, locale: str, now: datetime
) -> list[Item]:
    """Reviews scheduled in the next REVIEW_NOTICE in any of `user`'s partnerships: every
    member is expected. One statement."""
    by_partnership = {m.partnership_id: m for m in memberships}
    rows = session.execute(
        select(Review.id, Review.partnership_id, Review.title, Review.scheduled_at, Review.place)
        .where(
            Review.partnership_id.in_(by_partnership),
            Review.status == ReviewStatus.SCHEDULED,
            Review.scheduled_at > now,
            Review.scheduled_at <= now + REVIEW_NOTICE,
        )
        .order_by(Review.scheduled_at, Review.id)
    ).all()
    items = []
    for row in rows:
        partnership = by_partnership[row.partnership_id].partnership
        values = {
            "title": translated(row.title, locale=locale, fallback=partnership.default_locale),
            "when": babel_dates.format_datetime(
                row.scheduled_at, "medium", tzinfo=partnership.zone, locale=locale
            ),
            "place": row.place,
        }
        if row.place:
            text = _("The review “%(title)s” is on %(when)s at %(place)s.", **values)
        else:
            text = _("The review “%(title)s” is on %(when)s.", **values)
        items.append(
            Item(
                kind=REVIEW_COMING,
                # A new date is news: it is told again.
                key=f"{REVIEW_COMING}:{row.id}:{row.scheduled_at.isoformat()}",
                partnership_id=row.partnership_id,
                text=text,
                url=path_for(
                    "monitoring.review", partnership_id=row.partnership_id, review_id=row.id
                ),
                due=row.scheduled_at,
            )
        )
    return items


def init_app(app: Flask) -> None:
    """Register this feature's item providers with hsbp.notifications."""
    add_provider(
        app,
        PULSE_OPEN,
        label=_l("Pulses to answer"),
        provider=pulses_to_answer,
        roles=[Role.REPRESENTATIVE],
    )
    add_provider(app, REVIEW_COMING, label=_l("Reviews coming soon"), provider=reviews_coming)
