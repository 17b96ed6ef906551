"""Community checks of done actions: one SMS question ("Is <action> working for you? 1 yes
2 no 3 don't know") put to the people of the action's places, or to an audience a facilitator
chooses, so the partners' "done" can be set beside what the people it serves say.

A facilitator sends a check from the action's page once it is done, unless the charter says
never; with the charter's rule "always", one goes out by itself when the action is marked
done (`on_action_done`, an `on_done` listener of the checklist, wired in create_app), to the
action's places (everyone when it names none) with the prefilled question, for CHECK_DAYS.
The one-question SMS conversation, one at a time per contact and queued behind the others,
is the talks engine's (hsbp.community.talks; the adapter is in check_talks). Figures are in
check_results.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from hsbp import audit
from hsbp.actions.models import Action, ActionStatus
from hsbp.auth.models import User
from hsbp.community import talks
from hsbp.community.models import Check, QuestionStatus
from hsbp.db import utcnow
from hsbp.errors import ServiceError
from hsbp.i18n import translated
from hsbp.mapping.models import Participant
from hsbp.partnerships.models import Membership, Partnership
from hsbp.principles import services as charter
from hsbp.principles.content import check_rule_of
from hsbp.security import Role
from hsbp.sms import broadcasts, contacts, encoding, local_texts
from hsbp.sms.admin_common import ensure_one_sms
from hsbp.sms.models import Contact, ContactMembership
from hsbp.sms.texts import N_, in_language

audit.ACTION_LABELS.update(
    {
        "community_check.create": _l("Community check of a done action sent by SMS"),
        "community_check.close": _l("Community check closed"),
    }
)

# The prefilled question, per language of the partnership; the action's title is shortened
# (TITLE_LIMITS) until it fits one SMS in that language. Tight: with an accented title the
# whole text is UCS-2, 70 characters.
QUESTION = N_('Is "%(title)s" working for you? 1 yes 2 no 3 don\'t know')
TITLE_LIMITS = (40, 30, 24, 18, 14, 10)
CHECK_DAYS = 14  # how long an automatic check stays open; the form's default too
MAX_DAYS = 90
QUESTION_MAX = 300  # characters: far above one segment, so the message names the segments
PLACES = "places"  # the audience "people of the action's places"


def question_field(code: str) -> str:
    """The form field holding the question in language `code`."""
    return "question_" + re.sub(r"\W", "_", code)


def _short(title: str, limit: int) -> str:
    title = " ".join(title.split())
    if len(title) <= limit:
        return title
    cut = title[:limit]
    space = cut.rfind(" ")
    return (cut[:space] if space >= limit // 2 else cut).rstrip(" -,.;:(") + "..."


def default_questions(
    session: Session, *, action: Action, partnership: Partnership
) -> dict[str, str]:
    """{language: the prefilled question} for each language of the partnership, each one SMS
    when the title can be shortened enough. A local language gets its translators' text
    (hsbp.sms.local_texts), else the default language's, for the facilitator to translate."""
    out = {}
    for code in partnership.locales or [partnership.default_locale]:
        locale = local_texts.language(session, partnership=partnership, code=code)
        title = translated(action.title, locale=code, fallback=partnership.default_locale)
        for limit in TITLE_LIMITS:
            written = encoding.normalise(in_language(locale, QUESTION, title=_short(title, limit)))
            if encoding.fits_one_segment(written):
                break
        out[code] = written
    return out


def clean_questions(questions: dict[str, str], *, partnership: Partnership) -> dict[str, str]:
    """The questions per language of the partnership, normalised (what is sent), each one
    SMS; the default language's is required. Raises ServiceError naming the field."""
    cleaned = {}
    for code in partnership.locales or [partnership.default_locale]:
        text = encoding.normalise((questions.get(code) or "").strip())
        if not text:
            continue
        ensure_one_sms({code: text}, field=question_field)
        cleaned[code] = text
    if partnership.default_locale not in cleaned:
        raise ServiceError(
            _l("Write the question in the partnership's default language at least."),
            field=question_field(partnership.default_locale),
        )
    return cleaned


def closing_time(day: date, partnership: Partnership) -> datetime:
    """A check open until `day` closes at the next midnight where the partnership is (a day
    typed thousands of years ahead stays a date, for the closing date's refusal to name)."""
    day = min(day, date.max - timedelta(days=2))
    return datetime.combine(day + timedelta(days=1), time(), partnership.zone)


def default_closing_day(partnership: Partnership, now: datetime) -> date:
    return now.astimezone(partnership.zone).date() + timedelta(days=CHECK_DAYS - 1)


# Who is asked -----------------------------------------------------------------------------


def audience_of(action: Action, raw: str | None) -> dict:
    """The stored audience of a check: the action's places, or an SMS broadcast audience
    ('all', 'sector:...', 'tag:...', 'locality:...'). Raises ServiceError on anything else."""
    if raw == PLACES:
        if not action.localities:
            raise ServiceError(
                _l("This action names no place: choose who is asked."), field="audience"
            )
        return {"kind": PLACES, "value": "", "localities": list(action.localities)}
    audience = broadcasts.Audience.parse(raw)
    return {"kind": audience.kind, "value": audience.value}


def recipients(session: Session, *, partnership_id: int, audience: dict) -> list[int]:
    """Ids of the audience's contacts who confirmed the partnership and never sent STOP."""
    if audience["kind"] != PLACES:
        found = broadcasts.audience_contacts(
            session,
            partnership_id=partnership_id,
            audience=broadcasts.Audience(audience["kind"], audience.get("value", "")),
        )
        return [contact.id for contact in found if not contact.opted_out]
    return list(
        session.scalars(
            select(Contact.id)
            .join(ContactMembership, ContactMembership.contact_id == Contact.id)
            .join(
                Participant,
                and_(
                    Participant.id == ContactMembership.participant_id,
                    Participant.partnership_id == partnership_id,
                ),
            )
            .where(
                ContactMembership.partnership_id == partnership_id,
                contacts.confirmed(),
                Contact.opted_out.is_(False),
                func.lower(Participant.locality).in_(
                    [place.lower() for place in audience.get("localities") or []]
                ),
            )
            .order_by(Contact.id)
        )
    )


# Sending and closing -------------------------------------------------------------------------


def rule(session: Session, *, partnership_id: int) -> str:
    """The charter's rule for checking done actions: never, choose (the default), always."""
    version = charter.in_force(session, partnership_id=partnership_id)
    return check_rule_of(version.content if version else {})


def open_check(session: Session, *, action: Action) -> Check | None:
    return session.scalar(
        select(Check).where(
            Check.partnership_id == action.partnership_id,
            Check.action_id == action.id,
            Check.status == QuestionStatus.OPEN,
        )
    )


def blocked_reason(session: Session, *, partnership: Partnership, action: Action):
    """Why no check of `action` can be sent now, whatever the form says; None when one can."""
    if action.status != ActionStatus.DONE:
        return _l("The community is asked once the action is done.")
    if rule(session, partnership_id=partnership.id) == "never":
        return _l("The charter says done actions are not checked by SMS.")
    if open_check(session, action=action) is not None:
        return _l("A check of this action is open already: close it first.")
    if contacts.settings_of(session, partnership.id) is None:
        return _l("Set the partnership's SMS sender first.")
    return None


@dataclass
class Plan:
    """What a check would do: its question per language (normalised), who is asked."""

    questions: dict[str, str]
    audience: dict
    contact_ids: list[int]


def plan_check(
    session: Session,
    *,
    membership: Membership | None,
    partnership: Partnership,
    action: Action,
    audience: str | None,
    questions: dict[str, str],
    closes_at: datetime | None,
    automatic: bool = False,
    now: datetime | None = None,
) -> Plan:
    """Check everything a new check needs, in the order a facilitator fixes it (`automatic`:
    the charter's rule sends it, whoever marked the action done). Reads only; raises
    ServiceError (with the form field) on the first refusal."""
    now = now or utcnow()
    if not automatic and (membership is None or membership.role != Role.FACILITATOR):
        raise ServiceError(_l("Only facilitators check actions with the community."))
    if action.partnership_id != partnership.id:
        raise ServiceError(_l("This action is not part of this partnership."))
    reason = blocked_reason(session, partnership=partnership, action=action)
    if reason is not None:
        raise ServiceError(reason)
    cleaned = clean_questions(questions, partnership=partnership)
    if closes_at is None or closes_at <= now:
        raise ServiceError(_l("Choose a closing date after today."), field="closes_on")
    if closes_at > now + timedelta(days=MAX_DAYS + 1):
        raise ServiceError(
            _l("Choose a closing date within %(days)d days.", days=MAX_DAYS), field="closes_on"
        )
    stored = audience_of(action, audience)
    contact_ids = recipients(session, partnership_id=partnership.id, audience=stored)
    if not contact_ids:
        message = (
            _l("No contact who confirmed the partnership lives in the action's places.")
            if stored["kind"] == PLACES
            else _l("Nobody in this audience can receive messages.")
        )
        raise ServiceError(message, field="audience")
    return Plan(cleaned, stored, contact_ids)


def create_check(
    session: Session,
    *,
    actor: User,
    membership: Membership | None,
    partnership: Partnership,
    action: Action,
    audience: str | None,
    questions: dict[str, str],
    closes_at: datetime | None,
    automatic: bool = False,
    now: datetime | None = None,
) -> Check:
    """Put the check to its audience (see `plan_check`, which refuses before anything is
    written). Side effects: the check, a talk per contact asked (the question queued as a
    confidential SMS to those free now, the others wait their turn), an audit entry."""
    plan = plan_check(
        session,
        membership=membership,
        partnership=partnership,
        action=action,
        audience=audience,
        questions=questions,
        closes_at=closes_at,
        automatic=automatic,
        now=now,
    )
    check = Check(
        partnership_id=partnership.id,
        action_id=action.id,
        question=plan.questions,
        audience=plan.audience,
        status=QuestionStatus.OPEN,
        opens_at=now or utcnow(),
        closes_at=closes_at,
        created_by_id=actor.id,
    )
    session.add(check)
    session.flush()
    invited, asked = talks.invite(
        session,
        kind="check",
        subject_id=check.id,
        partnership_id=partnership.id,
        contact_ids=plan.contact_ids,
    )
    audit.record(
        session,
        actor_id=actor.id,
        action="community_check.create",
        obj=check,
        partnership_id=partnership.id,
        details={
            "action_id": action.id,
            "audience": plan.audience["kind"]
            if plan.audience["kind"] in (PLACES, "all")
            else f"{plan.audience['kind']}:{plan.audience['value']}",
            "closes_at": closes_at.isoformat(),
            "invited": invited,
            "asked": asked,
            "automatic": automatic,
        },
    )
    return check


def close_check(
    session: Session, *, actor: User | None, check: Check, now: datetime | None = None
) -> None:
    """Close the check now (a facilitator) or at its closing time (`actor` None). Nothing
    happens to a closed one. Side effects: the check, its talks ended (contacts asked and
    not answered are told at their next message), an audit entry."""
    if check.status == QuestionStatus.CLOSED:
        return
    now = now or utcnow()
    check.status = QuestionStatus.CLOSED
    check.closes_at = min(check.closes_at, now)
    check.closed_at = now
    session.flush()
    talks.end(session, kind="check", subject_id=check.id)
    audit.record(
        session,
        actor_id=actor.id if actor else None,
        action="community_check.close",
        obj=check,
        partnership_id=check.partnership_id,
        details={"action_id": check.action_id, "early": actor is not None},
    )


def close_due(session: Session, *, now: datetime) -> int:
    """Close every open check past its closing time; how many."""
    due = session.scalars(
        select(Check)
        .where(Check.status == QuestionStatus.OPEN, Check.closes_at <= now)
        .order_by(Check.id)
    ).all()
    for check in due:
        close_check(session, actor=None, check=check, now=now)
    return len(due)


def on_action_done(session: Session, *, action: Action, actor: User) -> None:
    """The checklist's `on_done` listener: under the charter's rule "always", the check goes
    out at once, to the action's places (everyone when it names none), with the prefilled
    question, for CHECK_DAYS. It never refuses the action's save: when it cannot be sent (no
    sender, nobody to ask, a check open already) nothing is written, and the action's page
    says why and offers the form."""
    if rule(session, partnership_id=action.partnership_id) != "always":
        return
    partnership = session.get(Partnership, action.partnership_id)
    now = utcnow()
    try:
        create_check(
            session,
            actor=actor,
            membership=None,
            partnership=partnership,
            action=action,
            audience=PLACES if action.localities else "all",
            questions=default_questions(session, action=action, partnership=partnership),
            closes_at=closing_time(default_closing_day(partnership, now), partnership),
            automatic=True,
            now=now,
        )
    except ServiceError:
        return
