"""Sending what needs people: a daily digest at the hour each person chose in their time
zone, and an e-mail as soon as something new comes up for the kinds they want at once.

What was sent is a row before it is an e-mail (notification_seen, one per person and item
key), so a key is e-mailed at once only one time, and a digest marks what it had not listed
before as new. Two runs at once send once: a digest is claimed by moving the person's
last-digest date in one conditional UPDATE, immediate items by inserting their rows (unique
per person and key) or stamping them where still unstamped. Each person's e-mail is built
in a fixed number of statements however many items or partnerships they have. The items of
an immediate e-mail also make the SMS of those who asked for one (hsbp.notifications.sms).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import force_locale
from sqlalchemy import and_, delete, exists, insert, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from hsbp import mail
from hsbp.auth.models import User
from hsbp.notifications import emails, preferences, unsubscribe
from hsbp.notifications import sms as texting
from hsbp.notifications.items import Item, items_for, kinds, locale_of, memberships_of
from hsbp.notifications.models import (
    DEFAULT_DIGEST_HOUR,
    Mode,
    NotificationSeen,
    NotificationSettings,
)
from hsbp.notifications.services import group_items
from hsbp.partnerships.models import Membership, Partnership, zone_of
from hsbp.partnerships.models import Stage as PartnershipStage


@dataclass
class Prepared:
    """One person's e-mail, built and not yet queued."""

    user: User
    subject: str
    body: str
    secrets: list[str]
    items: list[Item]
    new_keys: set[str]
    locale: str = "en"
    unsubscribe_url: str | None = None  # one click, every kind: the List-Unsubscribe header


class _Lost(Exception):
    """Another run claimed these items first."""


def _waiting(session: Session, user: User, now: datetime):
    """The person's memberships (of partnerships not closed), language and items."""
    memberships = [
        m
        for m in memberships_of(session, user_id=user.id)
        if m.partnership.stage != PartnershipStage.CLOSED
    ]
    locale = locale_of(user, memberships)
    items = items_for(session, user=user, memberships=memberships, locale=locale, now=now)
    return memberships, locale, items


def _seen(session: Session, user_id: int) -> dict[str, NotificationSeen]:
    return {
        row.key: row
        for row in session.scalars(
            select(NotificationSeen).where(NotificationSeen.user_id == user_id)
        )
    }


def _forget_gone(session: Session, user_id: int, keys: set[str]) -> None:
    """Drop the rows of items that no longer wait, so the table holds only what waits."""
    query = delete(NotificationSeen).where(NotificationSeen.user_id == user_id)
    if keys:
        query = query.where(NotificationSeen.key.not_in(keys))
    session.execute(query.execution_options(synchronize_session=False))


def _prepare(
    session: Session,
    *,
    user: User,
    memberships,
    locale: str,
    items: list[Item],
    new_keys: set[str],
    digest: bool,
    now: datetime,
) -> Prepared:
    tokens = unsubscribe.issue(
        session,
        user_id=user.id,
        kind_names=[item.kind for item in items] + [unsubscribe.EVERY_KIND],
        now=now,
    )
    every = emails.unsubscribe_link(tokens.pop(unsubscribe.EVERY_KIND))
    with force_locale(locale):
        if digest:
            subject = emails.digest_subject(len(items), len(new_keys))
            intro = emails.digest_intro()
        else:
            subject = emails.immediate_subject(items)
            intro = emails.immediate_intro()
        text = emails.body(
            name=user.name,
            intro=intro,
            groups=group_items(items, memberships),
            new_keys=new_keys,
            tokens=tokens,
        )
    links = [emails.unsubscribe_link(token) for token in tokens.values()]
    return Prepared(user, subject, text, links, items, new_keys, locale, every)


def queue(session: Session, prepared: Prepared) -> None:
    """Side effect: an OutboundEmail, sent after the commit; the unsubscribe links are its
    secrets, cut out of the stored body once it is sent."""
    mail.queue_email(
        session,
        to=prepared.user.email,
        subject=prepared.subject,
        body=prepared.body,
        secret=prepared.secrets,
        unsubscribe_url=prepared.unsubscribe_url,
    )


# Daily digests ------------------------------------------------------------------------------


def build_digest(session: Session, *, user: User, now: datetime) -> Prepared | None:
    """The digest of everything `user` wants by digest that waits now, new items marked, or
    None when nothing waits. Side effects: their notification_seen rows brought up to date
    (new ones added, listed ones stamped, gone ones deleted) and unsubscribe tokens."""
    memberships, locale, items = _waiting(session, user, now)
    modes = preferences.modes_of(session, user_id=user.id)
    seen = _seen(session, user.id)
    _forget_gone(session, user.id, {item.key for item in items})
    mine = [item for item in items if modes.get(item.kind) == Mode.DIGEST]
    if not mine:
        return None
    new_keys = {
        item.key
        for item in mine
        if item.key not in seen
        or (seen[item.key].digested_at is None and seen[item.key].emailed_at is None)
    }
    fresh = [item for item in mine if item.key not in seen]
    if fresh:
        session.execute(insert(NotificationSeen), [_row(user.id, item, now) for item in fresh])
    known = [item.key for item in mine if item.key in seen]
    if known:
        session.execute(
            update(NotificationSeen)
            .where(
                NotificationSeen.user_id == user.id,
                NotificationSeen.key.in_(known),
                NotificationSeen.digested_at.is_(None),
            )
            .values(digested_at=now)
            .execution_options(synchronize_session=False)
        )
    return _prepare(
        session,
        user=user,
        memberships=memberships,
        locale=locale,
        items=mine,
        new_keys=new_keys,
        digest=True,
        now=now,
    )


def _row(user_id: int, item: Item, now: datetime, **stamps) -> dict:
    return {
        "user_id": user_id,
        "partnership_id": item.partnership_id,
        "kind": item.kind,
        "key": item.key,
        "first_seen_at": now,
        "emailed_at": stamps.get("emailed_at"),
        "digested_at": stamps.get("digested_at", now),
    }


def digests_due(session: Session, *, now: datetime) -> list[tuple[User, date]]:
    """The people whose digest hour has come today in their time zone and who had none
    today yet, with that local date. Reads only; three statements."""
    has_membership = exists().where(Membership.user_id == User.id)
    rows = session.execute(
        select(User, NotificationSettings)
        .outerjoin(NotificationSettings, NotificationSettings.user_id == User.id)
        .where(User.active.is_(True), has_membership)
        .order_by(User.id)
    ).all()
    first_zone = {}
    for user_id, timezone in session.execute(
        select(Membership.user_id, Partnership.timezone)
        .join(Partnership, Partnership.id == Membership.partnership_id)
        .order_by(Membership.user_id, Membership.partnership_id)
    ):
        first_zone.setdefault(user_id, timezone)
    modes = preferences.modes_of_users(session, user_ids=[user.id for user, _s in rows])
    due = []
    for user, settings in rows:
        if Mode.DIGEST not in modes[user.id].values():
            continue
        settings = settings or NotificationSettings(digest_hour=DEFAULT_DIGEST_HOUR, timezone="")
        zone_name = settings.timezone or first_zone.get(user.id) or "UTC"
        local = now.astimezone(zone_of(zone_name))
        if local.hour < settings.digest_hour or settings.last_digest_on == local.date():
            continue
        due.append((user, local.date()))
    return due


def _claim_digest(session: Session, user: User, today: date, now: datetime) -> bool:
    """Take today's digest of `user`: False when another run took it first."""
    try:
        with session.begin_nested():
            exists_row = session.scalar(
                select(NotificationSettings.id).where(NotificationSettings.user_id == user.id)
            )
            if exists_row is None:
                session.add(NotificationSettings(user_id=user.id, timezone=""))
    except IntegrityError:
        pass  # another run made the row: the UPDATE below decides who sends
    claimed = session.execute(
        update(NotificationSettings)
        .where(
            NotificationSettings.user_id == user.id,
            or_(
                NotificationSettings.last_digest_on.is_(None),
                NotificationSettings.last_digest_on != today,
            ),
        )
        .values(last_digest_on=today, last_digest_at=now)
        .execution_options(synchronize_session=False)
    )
    return claimed.rowcount == 1


def send_digests(session: Session, *, now: datetime) -> int:
    """Send each person whose digest is due their digest (none when nothing waits); how
    many e-mails. Side effects: as build_digest and queue, per person; old unsubscribe
    tokens deleted."""
    sent = 0
    for user, today in digests_due(session, now=now):
        if not _claim_digest(session, user, today, now):
            continue
        prepared = build_digest(session, user=user, now=now)
        if prepared is not None:
            queue(session, prepared)
            sent += 1
    unsubscribe.forget_old(session, now=now)
    return sent


# Immediate e-mails --------------------------------------------------------------------------


def build_immediate(session: Session, *, user: User, now: datetime) -> Prepared | None:
    """The e-mail of the items `user` wants at once and was not e-mailed about yet, or None.
    Side effects: their rows stamped e-mailed (new ones inserted) in a savepoint, rolled
    back and None returned when a concurrent run claimed any of them first."""
    memberships, locale, items = _waiting(session, user, now)
    modes = preferences.modes_of(session, user_id=user.id)
    seen = _seen(session, user.id)
    _forget_gone(session, user.id, {item.key for item in items})
    mine = [
        item
        for item in items
        if modes.get(item.kind) == Mode.IMMEDIATE
        and (item.key not in seen or seen[item.key].emailed_at is None)
    ]
    if not mine:
        return None
    fresh = [item for item in mine if item.key not in seen]
    known = [item.key for item in mine if item.key in seen]
    try:
        with session.begin_nested():
            if fresh:
                session.execute(
                    insert(NotificationSeen),
                    [_row(user.id, i, now, emailed_at=now, digested_at=None) for i in fresh],
                )
            if known:
                stamped = session.execute(
                    update(NotificationSeen)
                    .where(
                        and_(
                            NotificationSeen.user_id == user.id,
                            NotificationSeen.key.in_(known),
                            NotificationSeen.emailed_at.is_(None),
                        )
                    )
                    .values(emailed_at=now)
                    .execution_options(synchronize_session=False)
                )
                if stamped.rowcount != len(known):
                    raise _Lost
    except (IntegrityError, _Lost):
        return None
    return _prepare(
        session,
        user=user,
        memberships=memberships,
        locale=locale,
        items=mine,
        new_keys=set(),
        digest=False,
        now=now,
    )


def send_immediate(session: Session, *, now: datetime) -> int:
    """E-mail everyone who wants some kind at once what came up for them since, and text
    those who asked for it too (the same items, an SMS per partnership); how many e-mails.
    Side effects: as build_immediate, queue and sms.text_immediate, per person."""
    wanted = [name for name, kind in kinds().items() if kind.immediate]
    if not wanted:
        return 0
    sent = 0
    for user in preferences.immediate_users(session, kind_names=wanted):
        prepared = build_immediate(session, user=user, now=now)
        if prepared is not None:
            queue(session, prepared)
            texting.text_immediate(
                session, user=user, items=prepared.items, locale=prepared.locale, now=now
            )
            sent += 1
    return sent
