"""Telling the community by SMS that an action is done, once, in each contact's language.

Only contacts who asked for news (hsbp.sms.updates, the NEWS keyword) and have not sent
STOP since receive it. The message is an SMS broadcast of its own, so its delivery shows in
the SMS pages like any other; the action keeps the broadcast's id and is never told twice.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session, object_session

from hsbp import audit
from hsbp.actions.models import Action, ActionStatus
from hsbp.auth.models import User
from hsbp.errors import ServiceError
from hsbp.i18n import translated
from hsbp.partnerships.models import Membership, Partnership
from hsbp.security import Role
from hsbp.sms import broadcasts, contacts, encoding, local_texts, sending, updates
from hsbp.sms.models import Broadcast
from hsbp.sms.texts import N_, in_language

audit.ACTION_LABELS.update(
    {"action.community_update": _l("Community told by SMS of a done action")}
)

# Prefilled in each language of the partnership; the facilitator may change it before sending.
# Short, so that with a name or title in accented letters (UCS-2, 70 characters) it is still
# one SMS most of the time: contacts already learnt how to stop news when they asked for it.
DONE_TEXT = N_('%(partnership)s: "%(title)s" is done. Thank you!')
TITLE_LENGTH = 60
AUDIENCE = {"kind": "news", "value": "NEWS"}


def body_field(code: str) -> str:
    """The form field of the text in language `code` (as the SMS broadcast form names it)."""
    return broadcasts.body_field(code)


def _short(text: str) -> str:
    return text if len(text) <= TITLE_LENGTH else text[: TITLE_LENGTH - 3].rstrip() + "..."


def default_texts(action: Action, partnership: Partnership) -> dict[str, str]:
    """{language: the prefilled text} for each language of the partnership; a local language
    gets the partnership's translation of the sentence (hsbp.sms.local_texts), else the
    default language's, around its own title."""
    out = {}
    session = object_session(partnership)
    for code in partnership.locales or [partnership.default_locale]:
        sms_locale = local_texts.language(session, partnership=partnership, code=code)
        title = translated(action.title, locale=code, fallback=partnership.default_locale)
        out[code] = encoding.normalise(
            in_language(sms_locale, DONE_TEXT, partnership=partnership.name, title=_short(title))
        )
    return out


@dataclass
class Draft:
    """What the action's page offers a facilitator: the texts, their size, the audience."""

    texts: list[tuple[str, str, encoding.SegmentCount]]  # language, text, its size
    recipients: int
    sender_ready: bool


@dataclass
class Sent:
    broadcast: Broadcast
    recipients: int


def state(session: Session, *, action: Action, partnership: Partnership) -> Draft | Sent | None:
    """The community update of a done action: already sent, or a draft; None otherwise."""
    if action.community_update_id is not None:
        broadcast = session.get(Broadcast, action.community_update_id)
        counts = broadcasts.progress(session, broadcast_ids=[broadcast.id])[broadcast.id]
        return Sent(broadcast, counts.total)
    if action.status != ActionStatus.DONE:
        return None
    texts = default_texts(action, partnership)
    return Draft(
        texts=[(code, text, encoding.measure(text)) for code, text in texts.items()],
        recipients=updates.count_subscribers(session, partnership_id=partnership.id),
        sender_ready=contacts.settings_of(session, partnership.id) is not None,
    )


def send_update(
    session: Session,
    *,
    actor: User,
    membership: Membership,
    partnership: Partnership,
    action: Action,
    bodies: dict[str, str],
) -> Sent:
    """Send a done action's news to the contacts who asked for news, each in their language
    (else the partnership's default). Everything is checked before anything is written.

    Side effects: a broadcast, one queued SMS per recipient (sent after the commit), the
    action's `community_update_id`, an audit entry.
    """
    if membership is None or membership.role != Role.FACILITATOR:
        raise ServiceError(_l("Only facilitators send news to the community."))
    if action.partnership_id != partnership.id:
        raise ServiceError(_l("This action is not part of this partnership."))
    # Read again under a row lock: two facilitators sending at once tell the community once
    # (PostgreSQL waits here for the first; SQLite writes one request at a time anyway).
    told = session.scalar(
        select(Action.community_update_id).where(Action.id == action.id).with_for_update()
    )
    if told is not None:
        raise ServiceError(_l("The community has already been told that this action is done."))
    if action.status != ActionStatus.DONE:
        raise ServiceError(_l("The community can be told once the action is done."))
    settings = contacts.settings_of(session, partnership.id)
    if settings is None:
        raise ServiceError(_l("Set the partnership's SMS sender first."))
    bodies = broadcasts.clean_bodies(bodies, partnership=partnership)
    recipients = updates.subscribers(session, partnership_id=partnership.id)
    if not recipients:
        raise ServiceError(_l("No contact of this partnership has asked for news by SMS yet."))
    broadcast = Broadcast(
        partnership_id=partnership.id,
        bodies=bodies,
        audience={**AUDIENCE, "action_id": action.id},
        created_by_id=actor.id,
    )
    session.add(broadcast)
    session.flush()
    segments = 0
    for contact in recipients:
        message = sending.queue_sms(
            session,
            contact=contact,
            body=translated(
                bodies, locale=contact.locale or "", fallback=partnership.default_locale
            ),
            sender=settings.sender,
            kind="broadcast",
            partnership_id=partnership.id,
            broadcast_id=broadcast.id,
        )
        segments += message.segments
    action.community_update_id = broadcast.id
    session.flush()
    audit.record(
        session,
        actor_id=actor.id,
        action="action.community_update",
        obj=action,
        partnership_id=partnership.id,
        details={"broadcast_id": broadcast.id, "recipients": len(recipients), "segments": segments},
    )
    return Sent(broadcast, len(recipients))
