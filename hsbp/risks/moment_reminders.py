"""Reminders of key moments: some days before each one (its own setting), an e-mail to the
partner's representatives and the facilitators listing the open risks where the moment could
be used; and the same moments as "Needs me" items while their reminder window is open.

A moment is reminded of once: the run that sends stamps `reminded_at` with one conditional
UPDATE (where it is still unstamped and the date unchanged), so two runs at once send once;
moving the date clears the stamp (hsbp.risks.key_moments). "Today" is the partnership's local
date, and nothing goes before its local morning. A moment already past, or of a partnership
that is closed or of a partner that left, is never reminded of.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import current_app
from flask_babel import force_locale, format_date, ngettext
from flask_babel import gettext as _
from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session, joinedload
from werkzeug.routing import BuildError

from hsbp import audit, mail
from hsbp.auth.models import User
from hsbp.i18n import UI_LOCALE_CODES, translated
from hsbp.notifications import Item, path_for
from hsbp.notifications.items import day_text, start_of
from hsbp.partnerships.models import Membership, Partnership, Stage
from hsbp.paths import public_url
from hsbp.risks.key_moments import KIND_LABELS, REMIND_MAX, open_risks_by_partner
from hsbp.risks.models import KeyMoment, Risk, RiskConnection, RiskStatus
from hsbp.security import Role

MORNING = 7  # local hour from which a partnership's reminders go out
KEY_MOMENT = "key_moment"  # the kind of "Needs me" item


@dataclass(frozen=True)
class Due:
    """A moment whose reminder is owed now, with the open risks it could be used on."""

    moment: KeyMoment
    partnership: Partnership
    risks: list[Risk]


def local_today(partnership: Partnership, now: datetime) -> date:
    return now.astimezone(partnership.zone).date()


def in_window(moment: KeyMoment, today: date) -> bool:
    """Whether `today` falls between the reminder date and the moment itself."""
    return (
        moment.occurs_on - timedelta(days=moment.remind_days_before) <= today <= (moment.occurs_on)
    )


def due_moments(session: Session, *, now: datetime) -> list[Due]:
    """The moments whose reminder is owed at `now` and not sent yet, by date. Reads only;
    two queries plus one per partnership holding such moments (for its risks)."""
    # One day either side: the time zones ahead of and behind UTC; each partnership's own
    # date is applied below.
    moments = session.scalars(
        select(KeyMoment)
        .options(joinedload(KeyMoment.partner))
        .join(Partnership, Partnership.id == KeyMoment.partnership_id)
        .where(
            KeyMoment.reminded_at.is_(None),
            KeyMoment.occurs_on >= now.date() - timedelta(days=1),
            KeyMoment.occurs_on <= now.date() + timedelta(days=REMIND_MAX + 1),
            Partnership.stage != Stage.CLOSED,
        )
        .order_by(KeyMoment.occurs_on, KeyMoment.id)
    ).all()
    if not moments:
        return []
    partnerships = {
        p.id: p
        for p in session.scalars(
            select(Partnership).where(Partnership.id.in_({m.partnership_id for m in moments}))
        )
    }
    owed: dict[int, list[KeyMoment]] = {}
    for moment in moments:
        partnership = partnerships[moment.partnership_id]
        local = now.astimezone(partnership.zone)
        if local.hour < MORNING or not in_window(moment, local.date()):
            continue
        left_on = moment.partner.left_on
        if left_on is not None and left_on <= local.date():
            continue
        owed.setdefault(partnership.id, []).append(moment)
    out = []
    for partnership_id, found in owed.items():
        risks = open_risks_by_partner(
            session,
            partnership_id=partnership_id,
            partner_ids={m.partner_id for m in found},
        )
        out.extend(Due(m, partnerships[partnership_id], risks[m.partner_id]) for m in found)
    return sorted(out, key=lambda d: (d.moment.occurs_on, d.moment.id))


def recipients(session: Session, due: list[Due]) -> dict[int, list[User]]:
    """{moment id: active users to remind}: the partnership's facilitators and the moment's
    partner's representatives. One query."""
    if not due:
        return {}
    rows = session.execute(
        select(Membership, User)
        .join(User, User.id == Membership.user_id)
        .where(
            Membership.partnership_id.in_({d.moment.partnership_id for d in due}),
            Membership.role.in_([Role.FACILITATOR, Role.REPRESENTATIVE]),
            User.active.is_(True),
        )
        .order_by(User.id)
    ).all()
    out: dict[int, list[User]] = {}
    for item in due:
        moment = item.moment
        out[moment.id] = [
            user
            for membership, user in rows
            if membership.partnership_id == moment.partnership_id
            and (
                membership.role == Role.FACILITATOR
                or (
                    membership.role == Role.REPRESENTATIVE
                    and membership.partner_id == moment.partner_id
                )
            )
        ]
    return out


def _claim(session: Session, moment: KeyMoment, now: datetime) -> bool:
    """Stamp the moment reminded, unless another run did or its date moved since it was read."""
    claimed = session.execute(
        update(KeyMoment)
        .where(
            KeyMoment.id == moment.id,
            KeyMoment.reminded_at.is_(None),
            KeyMoment.occurs_on == moment.occurs_on,
        )
        .values(reminded_at=now)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        return False
    moment.reminded_at = now
    return True


def send_reminders(session: Session, *, now: datetime) -> int:
    """Remind of every moment owed at `now`: one e-mail per person, listing their moments.
    Returns how many e-mails.

    Side effects: each moment stamped `reminded_at` with an audit entry (the system's); an
    OutboundEmail per person, sent after the commit.
    """
    due = due_moments(session, now=now)
    people = recipients(session, due)
    per_user: dict[int, tuple[User, list[Due]]] = {}
    for item in due:
        if not _claim(session, item.moment, now):
            continue
        users = people[item.moment.id]
        audit.record(
            session,
            actor_id=None,
            action="key_moment.remind",
            obj=item.moment,
            partnership_id=item.moment.partnership_id,
            details={"recipients": len(users), "risks": len(item.risks)},
        )
        for user in users:
            per_user.setdefault(user.id, (user, []))[1].append(item)
    for user, items in per_user.values():
        _queue_mail(session, user, items)
    return len(per_user)


# The e-mail -----------------------------------------------------------------------------------


def _locale_of(user: User, partnership: Partnership) -> str:
    for code in (user.locale, partnership.default_locale):
        if code in UI_LOCALE_CODES:
            return code
    return "en"


def _link(endpoint: str, fallback: str, **values) -> str:
    try:
        return public_url(endpoint, **values)
    except BuildError:
        # A page built apart from this part of risks; this is the address it is planned at.
        return current_app.config["PUBLIC_URL"] + fallback


def _queue_mail(session: Session, user: User, items: list[Due]) -> None:
    locale = _locale_of(user, items[0].partnership)
    with force_locale(locale):
        if len(items) == 1:
            moment = items[0].moment
            subject = _(
                "Key moment on %(date)s: “%(title)s”",
                date=format_date(moment.occurs_on, "medium"),
                title=moment.title,
            )
        else:
            subject = ngettext(
                "%(num)d key moment is coming up", "%(num)d key moments are coming up", len(items)
            )
        body = _body(user, items, locale)
    mail.queue_email(session, to=user.email, subject=subject, body=body)


def _body(user: User, items: list[Due], locale: str) -> str:
    lines = [_("Hello %(name)s,", name=user.name), ""]
    lines.append(_("These key moments are coming up: a chance to use leverage on open risks."))
    lines.append("")
    for item in items:
        moment, partnership = item.moment, item.partnership
        lines.append(
            _(
                "- %(date)s · %(kind)s · “%(title)s” (%(partner)s, %(partnership)s)",
                date=format_date(moment.occurs_on, "medium"),
                kind=KIND_LABELS.get(moment.kind, moment.kind),
                title=moment.title,
                partner=moment.partner.name,
                partnership=partnership.name,
            )
        )
        if item.risks:
            lines.append("  " + _("Open risks where it could be used:"))
            for risk in item.risks:
                title = translated(risk.title, locale=locale, fallback=partnership.default_locale)
                lines.append(f"  · R-{risk.number} “{title}”")
                path = f"/p/{risk.partnership_id}/risks/{risk.id}"
                lines.append(
                    "    "
                    + _link("risks.risk", path, partnership_id=risk.partnership_id, risk_id=risk.id)
                )
        else:
            lines.append("  " + _("No open risk is tied to this partner now."))
        path = f"/p/{partnership.id}/key-moments"
        lines.append("  " + _link("risks.key_moments", path, partnership_id=partnership.id))
        lines.append("")
    lines.append(
        _(
            "You get this e-mail because you are a facilitator of the partnership or represent "
            "the partner whose key moment it is. Each moment is reminded of once, the number "
            "of days before it set on the moment."
        )
    )
    return "\n".join(lines)


def moments_in_window(
    session: Session, *, partnership_ids: set[int], partner_ids: set[int], now: datetime
) -> list[KeyMoment]:
    """The moments of `partnership_ids` (all partners) or of `partner_ids` whose reminder
    window may be open around `now` (the caller applies each partnership's date). One query."""
    scope = []
    if partnership_ids:
        scope.append(KeyMoment.partnership_id.in_(partnership_ids))
    if partner_ids:
        scope.append(KeyMoment.partner_id.in_(partner_ids))
    if not scope:
        return []
    return list(
        session.scalars(
            select(KeyMoment)
            .options(joinedload(KeyMoment.partner))
            .where(
                or_(*scope),
                KeyMoment.occurs_on >= now.date() - timedelta(days=1),
                KeyMoment.occurs_on <= now.date() + timedelta(days=REMIND_MAX + 1),
            )
            .order_by(KeyMoment.occurs_on, KeyMoment.id)
        )
    )


# "Needs me" ----------------------------------------------------------------------------------


def key_moments_waiting(
    session: Session, *, user, memberships, locale: str, now: datetime
) -> list[Item]:
    """The key moments in their reminder window that `user` may read: every partner's in the
    partnerships they facilitate, their own partner's where they represent one. Two queries
    for all partnerships."""
    by_partnership = {m.partnership_id: m for m in memberships}
    facilitated = {m.partnership_id for m in memberships if m.role == Role.FACILITATOR}
    represented = {
        m.partner_id
        for m in memberships
        if m.role == Role.REPRESENTATIVE and m.partner_id is not None
    }
    moments = moments_in_window(
        session, partnership_ids=facilitated, partner_ids=represented, now=now
    )
    shown = []
    for moment in moments:
        partnership = by_partnership[moment.partnership_id].partnership
        today = local_today(partnership, now)
        left_on = moment.partner.left_on
        if in_window(moment, today) and (left_on is None or left_on > today):
            shown.append((moment, partnership))
    if not shown:
        return []
    counts = dict(
        session.execute(
            select(RiskConnection.partner_id, func.count(Risk.id))
            .join(Risk, Risk.id == RiskConnection.risk_id)
            .where(
                RiskConnection.partner_id.in_({m.partner_id for m, _p in shown}),
                RiskConnection.disengaged_at.is_(None),
                Risk.status == RiskStatus.OPEN,
            )
            .group_by(RiskConnection.partner_id)
        ).all()
    )
    items = []
    for moment, partnership in shown:
        values = {
            "title": moment.title,
            "partner": moment.partner.name,
            "date": day_text(moment.occurs_on, zone=partnership.zone, locale=locale),
        }
        count = counts.get(moment.partner_id, 0)
        if count:
            text = ngettext(
                "“%(title)s” (%(partner)s) is on %(date)s: a moment to use leverage on "
                "%(num)d open risk.",
                "“%(title)s” (%(partner)s) is on %(date)s: a moment to use leverage on "
                "%(num)d open risks.",
                count,
                **values,
            )
        else:
            text = _("“%(title)s” (%(partner)s) is on %(date)s.", **values)
        items.append(
            Item(
                kind=KEY_MOMENT,
                # A new date is news: it is told again.
                key=f"{KEY_MOMENT}:{moment.id}:{moment.occurs_on.isoformat()}",
                partnership_id=moment.partnership_id,
                text=text,
                url=path_for("risks.key_moments", partnership_id=moment.partnership_id),
                due=start_of(moment.occurs_on, partnership.zone),
            )
        )
    return items
