"""Preparing, saving and sending the "you said, we did" messages (what is read: feedback.py).

Sending checks everything before it writes anything: the consultation is closed (and the
action done and serving one of its goals), the message of this kind was not sent already
(unless the facilitator asks for another), the partnership has an SMS sender, each text is
one SMS, and somebody can receive it. Then one broadcast, one queued SMS per recipient and
the `Feedback` row are written together, so a refused or rolled-back request sends nothing.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, exists, select
from sqlalchemy.orm import Session

from hsbp import audit
from hsbp.actions.models import Action, ActionStatus
from hsbp.auth.models import User
from hsbp.community import feedback
from hsbp.community.models import Feedback
from hsbp.consultations.models import Consultation, Status
from hsbp.errors import ServiceError
from hsbp.i18n import translated
from hsbp.partnerships.models import Partnership
from hsbp.sms import broadcasts, contacts, encoding, sending
from hsbp.sms.admin_common import MAX_BODY, ensure_one_sms
from hsbp.sms.models import Broadcast

audit.ACTION_LABELS.update(
    {
        "community.feedback_prepared": _l("Feedback to those who took part prepared"),
        "community.feedback_draft": _l("Feedback to those who took part saved as a draft"),
        "community.feedback_sent": _l("Feedback sent by SMS to those who took part"),
    }
)
AUDIENCE_KIND = "consultation"


def check_subject(
    *, partnership: Partnership, consultation: Consultation, action: Action | None
) -> None:
    """Refuse a message about a consultation (or action) that cannot have one yet."""
    if consultation.partnership_id != partnership.id:
        raise ServiceError(_l("This consultation is not part of this partnership."))
    if consultation.status != Status.CLOSED:
        raise ServiceError(_l("Those who took part hear back once the consultation has closed."))
    if action is None:
        return
    if action.partnership_id != partnership.id:
        raise ServiceError(_l("This action is not part of this partnership."))
    if feedback.linked_item(consultation, action.goal_key) is None:
        raise ServiceError(_l("This action serves no goal that came from this consultation."))
    if action.status != ActionStatus.DONE:
        raise ServiceError(_l("Those who took part can be told once the action is done."))


def check_bodies(bodies: dict[str, str], *, partnership: Partnership) -> dict[str, str]:
    """The texts as they will be sent (cleaned of look-alike characters), one SMS each; the
    default language's is required. Raises ServiceError naming the field of the first text
    that is missing or too long."""
    cleaned = broadcasts.clean_bodies(bodies, partnership=partnership)
    out = {code: encoding.normalise(text) for code, text in cleaned.items()}
    ensure_one_sms(out, field=broadcasts.body_field)
    return out


def save_draft(
    session: Session,
    *,
    actor: User,
    partnership: Partnership,
    consultation: Consultation,
    bodies: dict[str, str],
    action: Action | None = None,
) -> Feedback:
    """Keep a facilitator's texts to send later, whatever their length (nothing typed is
    lost); the page then shows them instead of the proposal.

    Side effects: the draft row (one per kind of message), an audit entry.
    """
    check_subject(partnership=partnership, consultation=consultation, action=action)
    action_id = action.id if action is not None else None
    draft = feedback.draft_of(session, consultation_id=consultation.id, action_id=action_id)
    if draft is None:
        draft = Feedback(
            partnership_id=partnership.id, consultation_id=consultation.id, action_id=action_id
        )
        session.add(draft)
    draft.bodies = {
        code: (bodies.get(code) or "").strip()[:MAX_BODY]
        for code in partnership.locales or [partnership.default_locale]
        if (bodies.get(code) or "").strip()
    }
    draft.created_by_id = actor.id
    session.flush()
    audit.record(
        session,
        actor_id=actor.id,
        action="community.feedback_draft",
        obj=draft,
        partnership_id=partnership.id,
        details={"consultation_id": consultation.id, "action_id": action_id},
    )
    return draft


def send_feedback(
    session: Session,
    *,
    actor: User,
    partnership: Partnership,
    consultation: Consultation,
    bodies: dict[str, str],
    action: Action | None = None,
    again: bool = False,
) -> Feedback:
    """Send the message to everyone who took part by SMS (see the module's docstring).

    Side effects: a broadcast; one queued SMS per recipient, confidential when the
    consultation is anonymous (sent by the task queue after the commit); the `Feedback` row,
    which replaces the draft of its kind; an audit entry.
    """
    check_subject(partnership=partnership, consultation=consultation, action=action)
    action_id = action.id if action is not None else None
    # Under a row lock: two facilitators sending at once send once (PostgreSQL waits here
    # for the first; SQLite writes one request at a time anyway).
    session.scalar(
        select(Consultation.id).where(Consultation.id == consultation.id).with_for_update()
    )
    if not again and feedback.sent_of(
        session, consultation_id=consultation.id, action_id=action_id
    ):
        raise ServiceError(
            _l("This message was sent already. Tick the box to send another one."),
            field="again",
        )
    settings = contacts.settings_of(session, partnership.id)
    if settings is None:
        raise ServiceError(_l("Set the partnership's SMS sender first."))
    cleaned = check_bodies(bodies, partnership=partnership)
    people = feedback.recipients(
        session, partnership_id=partnership.id, consultation_id=consultation.id
    )
    if not people:
        raise _nobody(session, partnership=partnership, consultation=consultation)
    audience = {
        "kind": AUDIENCE_KIND,
        # What the SMS pages show as the audience: the consultation's title.
        "value": translated(consultation.title, locale=partnership.default_locale, fallback="en"),
        "consultation_id": consultation.id,
    }
    if action_id is not None:
        audience["action_id"] = action_id
    broadcast = Broadcast(
        partnership_id=partnership.id, bodies=cleaned, audience=audience, created_by_id=actor.id
    )
    session.add(broadcast)
    session.flush()
    segments = 0
    for contact in people:
        message = sending.queue_sms(
            session,
            contact=contact,
            body=translated(
                cleaned, locale=contact.locale or "", fallback=partnership.default_locale
            ),
            sender=settings.sender,
            kind="broadcast",
            partnership_id=partnership.id,
            broadcast_id=broadcast.id,
            # Who took part in an anonymous consultation shows on no SMS page either.
            confidential=consultation.anonymous,
        )
        segments += message.segments
    session.execute(
        delete(Feedback).where(*feedback.of_kind(consultation.id, action_id), feedback.DRAFT)
    )
    sent = Feedback(
        partnership_id=partnership.id,
        consultation_id=consultation.id,
        action_id=action_id,
        bodies=cleaned,
        broadcast_id=broadcast.id,
        recipients=len(people),
        created_by_id=actor.id,
    )
    session.add(sent)
    session.flush()
    audit.record(
        session,
        actor_id=actor.id,
        action="community.feedback_sent",
        obj=sent,
        partnership_id=partnership.id,
        details={
            "consultation_id": consultation.id,
            "action_id": action_id,
            "broadcast_id": broadcast.id,
            "recipients": len(people),
            "segments": segments,
        },
    )
    return sent


def _nobody(session: Session, *, partnership: Partnership, consultation: Consultation):
    found = feedback.reach(session, partnership=partnership, consultation=consultation)
    if not found.took_part:
        return ServiceError(_l("Nobody took part in this consultation by SMS."))
    return ServiceError(
        _l(
            "None of the %(count)d people who took part by SMS can receive it: %(stopped)d sent "
            "STOP, %(unconfirmed)d have not confirmed the partnership.",
            count=found.took_part,
            stopped=found.stopped,
            unconfirmed=found.unconfirmed,
        )
    )


def prepare_on_close(session: Session, consultation: Consultation) -> None:
    """A `consultations.services.on_close` listener: once a consultation that people answered
    by SMS closes, its message is prepared for the facilitator (a draft with no author, which
    the page keeps in step with the outcome until someone edits it).

    Side effects: the draft row and an audit entry, when anyone took part by SMS and no
    message of this kind exists yet.
    """
    answered_by_sms = session.scalar(select(exists().where(*feedback.took_part(consultation.id))))
    already = session.scalar(select(exists().where(*feedback.of_kind(consultation.id, None))))
    if not answered_by_sms or already:
        return
    partnership = session.get(Partnership, consultation.partnership_id)
    draft = Feedback(
        partnership_id=partnership.id,
        consultation_id=consultation.id,
        bodies=feedback.closure_proposal(
            session, partnership=partnership, consultation=consultation
        ),
    )
    session.add(draft)
    session.flush()
    audit.record(
        session,
        actor_id=None,
        action="community.feedback_prepared",
        obj=draft,
        partnership_id=partnership.id,
        details={"consultation_id": consultation.id},
    )
