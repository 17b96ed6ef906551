"""Facilitators' SMS broadcasts: the audience, the preview, creating a broadcast, its progress."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session, load_only

from hsbp import audit
from hsbp.audit import ACTION_LABELS
from hsbp.auth.models import User
from hsbp.errors import ServiceError
from hsbp.i18n import translated
from hsbp.mapping.models import Participant, participant_tags
from hsbp.partnerships.models import Partnership
from hsbp.sms import contacts, previews, reserved_words, sending
from hsbp.sms.admin_common import MAX_BODY, PER_PAGE
from hsbp.sms.handlers import registry
from hsbp.sms.models import (
    Broadcast,
    Contact,
    ContactMembership,
    OutboundMessage,
    OutboundStatus,
)

AUDIENCE_KINDS = ("all", "sector", "tag", "locality")
FINISHED = frozenset(OutboundStatus) - {OutboundStatus.QUEUED, OutboundStatus.SENDING}

ACTION_LABELS.update({"sms_broadcast.create": _l("SMS broadcast sent")})

# What a broadcast is, for the consent its people must have given (news).
BROADCAST_KIND = "broadcast"


def body_field(code: str) -> str:
    """The form field holding the text in language `code`."""
    return "body_" + re.sub(r"\W", "_", code)


@dataclass(frozen=True)
class Audience:
    kind: str = "all"
    value: str = ""

    @classmethod
    def parse(cls, raw: str | None) -> Audience:
        """'all', 'sector:<key>', 'tag:<id>' or 'locality:<name>'."""
        kind, _sep, value = (raw or "all").partition(":")
        if kind not in AUDIENCE_KINDS or (kind != "all" and not value):
            raise ServiceError(_l("Choose an audience from the list."), field="audience")
        if kind == "tag" and not value.isdigit():
            raise ServiceError(_l("Choose an audience from the list."), field="audience")
        return cls(kind, value if kind != "all" else "")

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.value}" if self.kind != "all" else "all"


def audience_localities(session: Session, *, partnership_id: int) -> list[str]:
    """Localities of the participants that contacts are linked to."""
    return list(
        session.scalars(
            select(Participant.locality)
            .join(ContactMembership, ContactMembership.participant_id == Participant.id)
            .where(
                ContactMembership.partnership_id == partnership_id,
                contacts.confirmed(),
                Participant.partnership_id == partnership_id,
                Participant.locality != "",
            )
            .distinct()
            .order_by(Participant.locality)
        )
    )


def audience_contacts(session: Session, *, partnership_id: int, audience: Audience):
    """The audience's contacts who confirmed the partnership (opted-out ones included:
    callers count them apart). Pending and declined contacts are never part of one."""
    query = (
        select(Contact)
        .options(load_only(Contact.id, Contact.locale, Contact.opted_out))
        .join(ContactMembership, ContactMembership.contact_id == Contact.id)
        .where(ContactMembership.partnership_id == partnership_id, contacts.confirmed())
    )
    if audience.kind != "all":
        query = query.join(
            Participant,
            and_(
                Participant.id == ContactMembership.participant_id,
                Participant.partnership_id == partnership_id,
            ),
        )
    if audience.kind == "sector":
        query = query.where(Participant.sector == audience.value)
    elif audience.kind == "locality":
        query = query.where(Participant.locality == audience.value)
    elif audience.kind == "tag":
        query = query.where(
            Participant.id.in_(
                select(participant_tags.c.participant_id).where(
                    participant_tags.c.tag_id == int(audience.value)
                )
            )
        )
    return session.scalars(query.order_by(Contact.id)).all()


# The preview's pieces live with the invitations' (hsbp.sms.previews); these names stay.
LanguagePreview = previews.LanguagePreview
BroadcastPreview = previews.SmsPreview


def clean_bodies(bodies: dict[str, str], *, partnership: Partnership) -> dict[str, str]:
    """The texts per language of the partnership; the default language's is required."""
    cleaned = {}
    for code in partnership.locales:
        text = (bodies.get(code) or "").strip()
        if len(text) > MAX_BODY:
            raise ServiceError(
                _l("A message may have %(count)d characters at most.", count=MAX_BODY),
                field=body_field(code),
            )
        if text:
            cleaned[code] = text
    if partnership.default_locale not in cleaned:
        raise ServiceError(
            _l("Write the message in the partnership's default language at least."),
            field=body_field(partnership.default_locale),
        )
    return cleaned


def _plan_broadcast(
    session: Session, *, partnership: Partnership, bodies: dict, audience: Audience
) -> tuple[dict[str, str], BroadcastPreview, list[tuple[Contact, str]]]:
    bodies = clean_bodies(bodies, partnership=partnership)
    default = partnership.default_locale
    per_language = {
        code: LanguagePreview(code, [previews.SmsText.of(text)]) for code, text in bodies.items()
    }
    preview = BroadcastPreview(
        languages=list(per_language.values()),
        missing=[code for code in partnership.locales if code not in bodies],
    )
    recipients = []
    audience_rows = audience_contacts(session, partnership_id=partnership.id, audience=audience)
    # Those who have not agreed to what a broadcast is for are counted apart, not sent to.
    unconsented = registry().withheld_among(
        session,
        contact_ids=[c.id for c in audience_rows if not c.opted_out],
        partnership_id=partnership.id,
        kind=BROADCAST_KIND,
    )
    for contact in audience_rows:
        if contact.opted_out:
            preview.opted_out += 1
            continue
        if contact.id in unconsented:
            preview.without_consent += 1
            continue
        code = contact.locale if contact.locale in bodies else default
        preview.count(per_language[code], fallback=code != contact.locale)
        recipients.append((contact, code))
    if not recipients and preview.without_consent:
        raise ServiceError(
            _l(
                "Nobody in this audience can receive messages (%(count)d opted out, "
                "%(unconsented)d have not agreed to receive news).",
                count=preview.opted_out,
                unconsented=preview.without_consent,
            ),
            field="audience",
        )
    if not recipients:
        raise ServiceError(
            _l(
                "Nobody in this audience can receive messages (%(count)d opted out).",
                count=preview.opted_out,
            ),
            field="audience",
        )
    return bodies, preview, recipients


def preview_broadcast(
    session: Session, *, partnership: Partnership, bodies: dict, audience: Audience
) -> BroadcastPreview:
    """What a broadcast would send, per language, to how many, for how many segments, and
    the reserved words it asks people to reply with. Reads only."""
    bodies, preview, _recipients = _plan_broadcast(
        session, partnership=partnership, bodies=bodies, audience=audience
    )
    settings = contacts.settings_of(session, partnership.id)
    preview.reserved = reserved_words.asked_replies(
        bodies, keywords_off=(settings.keywords_off or []) if settings else []
    )
    return preview


def create_broadcast(
    session: Session, *, actor: User, partnership: Partnership, bodies: dict, audience: Audience
) -> Broadcast:
    """Send a message to an audience, each contact in their language (else the default one).

    Side effects: the broadcast row, one queued message per opted-in contact (sent by the
    task queue after the commit), an audit entry.
    """
    settings = contacts.settings_of(session, partnership.id)
    if settings is None:
        raise ServiceError(_l("Set the partnership's SMS sender first."))
    bodies, preview, recipients = _plan_broadcast(
        session, partnership=partnership, bodies=bodies, audience=audience
    )
    broadcast = Broadcast(
        partnership_id=partnership.id,
        bodies=bodies,
        audience={"kind": audience.kind, "value": audience.value},
        created_by_id=actor.id,
    )
    session.add(broadcast)
    session.flush()
    for contact, _code in recipients:
        sending.queue_sms(
            session,
            contact=contact,
            body=translated(
                bodies, locale=contact.locale or "", fallback=partnership.default_locale
            ),
            sender=settings.sender,
            kind=BROADCAST_KIND,
            partnership_id=partnership.id,
            broadcast_id=broadcast.id,
        )
    audit.record(
        session,
        actor_id=actor.id,
        action="sms_broadcast.create",
        obj=broadcast,
        partnership_id=partnership.id,
        details={
            "audience": audience.key,
            "recipients": preview.recipients,
            "segments": preview.segments,
        },
    )
    return broadcast


@dataclass
class Progress:
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(OutboundStatus, 0))

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def done(self) -> int:
        return sum(n for status, n in self.counts.items() if status in FINISHED)

    @property
    def active(self) -> bool:
        return self.done < self.total


def progress(session: Session, *, broadcast_ids: list[int]) -> dict[int, Progress]:
    """{broadcast id: its messages counted by status}, in one GROUP BY."""
    result = {broadcast_id: Progress() for broadcast_id in broadcast_ids}
    if not broadcast_ids:
        return result
    rows = session.execute(
        select(OutboundMessage.broadcast_id, OutboundMessage.status, func.count())
        .where(OutboundMessage.broadcast_id.in_(broadcast_ids))
        .group_by(OutboundMessage.broadcast_id, OutboundMessage.status)
    ).all()
    for broadcast_id, status, count in rows:
        result[broadcast_id].counts[status] = count
    return result


@dataclass
class Problem:
    status: str
    error_code: int | None
    messages: int
    retried: int


def problems(session: Session, *, broadcast_id: int) -> list[Problem]:
    """Messages that Twilio refused or that needed more than one attempt, by status and
    Twilio error code, so a facilitator sees retries happening and why sends failed."""
    rows = session.execute(
        select(
            OutboundMessage.status,
            OutboundMessage.error_code,
            func.count(),
            func.sum(case((OutboundMessage.attempts > 1, 1), else_=0)),
        )
        .where(
            OutboundMessage.broadcast_id == broadcast_id,
            (OutboundMessage.error_code.is_not(None)) | (OutboundMessage.attempts > 1),
        )
        .group_by(OutboundMessage.status, OutboundMessage.error_code)
        .order_by(func.count().desc())
    ).all()
    return [
        Problem(status, code, count, int(retried or 0)) for status, code, count, retried in rows
    ]


def get_broadcast(session: Session, *, partnership_id: int, broadcast_id: int):
    return session.scalar(
        select(Broadcast).where(
            Broadcast.id == broadcast_id, Broadcast.partnership_id == partnership_id
        )
    )


def list_broadcasts(
    session: Session, *, partnership_id: int, page: int = 1
) -> tuple[list[tuple[Broadcast, str | None]], int]:
    """One page of past broadcasts, newest first, with their authors' names, and the total."""
    scope = Broadcast.partnership_id == partnership_id
    total = session.scalar(select(func.count()).select_from(Broadcast).where(scope))
    rows = session.execute(
        select(Broadcast, User.name)
        .outerjoin(User, User.id == Broadcast.created_by_id)
        .where(scope)
        .order_by(Broadcast.created_at.desc(), Broadcast.id.desc())
        .limit(PER_PAGE)
        .offset((max(page, 1) - 1) * PER_PAGE)
    ).all()
    return [tuple(row) for row in rows], total or 0
