"""E-mail reminders to the people named responsible for an action: a number of days before
its due date (the partnership's setting) and once when the date has passed.

A reminder is a row before it is an e-mail, unique per action, person, kind and due date: a
run that finds the row sends nothing, two runs at once send once, and a new due date earns
new reminders. Each person gets one e-mail per run, listing every action newly due soon or
overdue, in their language. "Today" is the partnership's local date, and nothing is sent
before its local morning, so an action due on Friday is overdue from Saturday morning there.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import current_app
from flask_babel import force_locale, format_date, ngettext
from flask_babel import gettext as _
from sqlalchemy import and_, exists, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from werkzeug.routing import BuildError

from hsbp import mail
from hsbp.actions.models import CLOSED, Action, ChecklistSettings, Reminder, action_responsibles
from hsbp.actions.public import DEFAULT_REMIND_DAYS, REMIND_DAYS_MAX, local_time
from hsbp.auth.models import User
from hsbp.i18n import UI_LOCALE_CODES, translated
from hsbp.partnerships.models import Membership, Partnership, Stage
from hsbp.paths import public_url

DUE_SOON, OVERDUE = "due_soon", "overdue"
MORNING = 7  # local hour from which a partnership's reminders go out


@dataclass(frozen=True)
class Owed:
    """A reminder due now: `user` is responsible for `action`, which is due soon or overdue."""

    action: Action
    partnership: Partnership
    user: User
    kind: str


def owed_reminders(session: Session, *, now: datetime) -> list[Owed]:
    """The reminders owed at `now` and not sent yet, overdue first. Reads only.

    Only current members who are named responsible, of open actions (not done or dropped)
    with a due date, in partnerships that are not closed and where it is morning or later.
    """
    horizon = now.date() + timedelta(days=REMIND_DAYS_MAX + 1)  # + 1: time zones ahead of UTC
    told_overdue = exists().where(
        Reminder.action_id == Action.id,
        Reminder.user_id == User.id,
        Reminder.kind == OVERDUE,
        Reminder.due_on == Action.due_on,
    )
    rows = session.execute(
        select(Action, User)
        .join(action_responsibles, action_responsibles.c.action_id == Action.id)
        .join(User, User.id == action_responsibles.c.user_id)
        .join(
            Membership,
            and_(Membership.user_id == User.id, Membership.partnership_id == Action.partnership_id),
        )
        .where(
            Action.status.not_in(CLOSED),
            Action.due_on.is_not(None),
            Action.due_on <= horizon,
            User.active.is_(True),
            ~told_overdue,  # the long tail of old overdue actions is never read again
        )
        .order_by(Action.due_on, Action.id, User.id)
    ).all()
    if not rows:
        return []
    partnership_ids = {action.partnership_id for action, _user in rows}
    partnerships = {
        p.id: p
        for p in session.scalars(select(Partnership).where(Partnership.id.in_(partnership_ids)))
    }
    days_before = dict(
        session.execute(
            select(ChecklistSettings.partnership_id, ChecklistSettings.remind_days_before).where(
                ChecklistSettings.partnership_id.in_(partnership_ids)
            )
        ).all()
    )
    sent = set(
        session.execute(
            select(Reminder.action_id, Reminder.user_id, Reminder.kind, Reminder.due_on).where(
                Reminder.action_id.in_({action.id for action, _user in rows})
            )
        ).all()
    )
    todays = {pid: _local_today(p, now) for pid, p in partnerships.items()}
    owed = []
    for action, user in rows:
        partnership = partnerships[action.partnership_id]
        today = todays[partnership.id]
        if today is None or partnership.stage == Stage.CLOSED:
            continue
        kind = _kind(action.due_on, today, days_before.get(partnership.id, DEFAULT_REMIND_DAYS))
        if kind and (action.id, user.id, kind, action.due_on) not in sent:
            owed.append(Owed(action, partnership, user, kind))
    return sorted(owed, key=lambda o: (o.kind != OVERDUE, o.action.due_on, o.action.id))


def _local_today(partnership: Partnership, now: datetime) -> date | None:
    """The partnership's local date, or None while it is night there."""
    local = local_time(partnership, now)
    return local.date() if local.hour >= MORNING else None


def _kind(due_on: date, today: date, days_before: int) -> str | None:
    if due_on < today:
        return OVERDUE
    if days_before > 0 and due_on <= today + timedelta(days=days_before):
        return DUE_SOON
    return None


def send_reminders(session: Session, *, now: datetime) -> int:
    """Send the reminders owed at `now`: one e-mail per person. Returns how many e-mails."""
    return send_owed(session, owed_reminders(session, now=now), now=now)


def send_owed(session: Session, owed: list[Owed], *, now: datetime) -> int:
    """Send `owed`, skipping what another run sent since it was read. Returns how many e-mails.

    Side effects: a Reminder row per action and person, each in a savepoint (one that a
    concurrent run wrote first fails its unique constraint, and is skipped), and one
    OutboundEmail per person, sent after the commit.
    """
    per_user: dict[int, list[Owed]] = {}
    for item in owed:
        if _claim(session, item, now):
            per_user.setdefault(item.user.id, []).append(item)
    for items in per_user.values():
        _queue_mail(session, items)
    return len(per_user)


def _claim(session: Session, item: Owed, now: datetime) -> bool:
    try:
        with session.begin_nested():
            session.add(
                Reminder(
                    action_id=item.action.id,
                    user_id=item.user.id,
                    kind=item.kind,
                    due_on=item.action.due_on,
                    sent_at=now,
                )
            )
    except IntegrityError:
        return False  # another run reminded this person of this action first
    return True


def action_link(action: Action) -> str:
    """The absolute address of the action's page, for e-mails."""
    try:
        return public_url(
            "actions.detail", partnership_id=action.partnership_id, action_id=action.id
        )
    except BuildError:
        # The action's page is built apart; this is the address it is planned at.
        return current_app.config["PUBLIC_URL"] + f"/p/{action.partnership_id}/actions/{action.id}"


def _locale_of(user: User, partnership: Partnership) -> str:
    for code in (user.locale, partnership.default_locale):
        if code in UI_LOCALE_CODES:
            return code
    return "en"


def _queue_mail(session: Session, items: list[Owed]) -> None:
    user = items[0].user
    locale = _locale_of(user, items[0].partnership)
    with force_locale(locale):
        subject = _subject(items, locale)
        body = _body(user, items, locale)
    mail.queue_email(session, to=user.email, subject=subject, body=body)


def _title(item: Owed, locale: str) -> str:
    return translated(item.action.title, locale=locale, fallback=item.partnership.default_locale)


def _subject(items: list[Owed], locale: str) -> str:
    if len(items) > 1:
        return ngettext(
            "%(num)d action needs your attention",
            "%(num)d actions need your attention",
            len(items),
        )
    item = items[0]
    values = {"title": _title(item, locale), "date": format_date(item.action.due_on, "medium")}
    if item.kind == OVERDUE:
        return _("Overdue: “%(title)s” was due on %(date)s", **values)
    return _("Reminder: “%(title)s” is due on %(date)s", **values)


def _body(user: User, items: list[Owed], locale: str) -> str:
    lines = [_("Hello %(name)s,", name=user.name), ""]
    sections = (
        (OVERDUE, _("These actions are past their due date and not done yet:")),
        (DUE_SOON, _("These actions are due soon:")),
    )
    for kind, heading in sections:
        mine = [item for item in items if item.kind == kind]
        if not mine:
            continue
        lines.append(heading)
        for item in mine:
            lines.append(
                _(
                    "- “%(title)s” (%(partnership)s): due on %(date)s, %(progress)d%% done",
                    title=_title(item, locale),
                    partnership=item.partnership.name,
                    date=format_date(item.action.due_on, "medium"),
                    progress=item.action.progress,
                )
            )
            lines.append("  " + action_link(item.action))
        lines.append("")
    lines.append(
        _(
            "You get this e-mail because you are named as a person responsible for these "
            "actions. Reminders come some days before a due date and once when it has passed; "
            "they stop when the action is marked done or dropped."
        )
    )
    return "\n".join(lines)
