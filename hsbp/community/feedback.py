""" "You said, we did": telling everyone who took part in a consultation by SMS what came of it.

After a consultation closes, and again once an action serving a goal it led to is done, a
facilitator sends one SMS per language to its participation list. The list is the only way
in: `Participation` rows say who took part and never what they said, so an anonymous
consultation's participants are reached without anything linking them to their answers.
Choosing and sending never read `Response`; only the proposal counts the responses, as the
consultation's page does. Only contacts who confirmed the partnership and have not sent
STOP receive it, each in their language, else the partnership's default one.

The features it builds on do not import it: the SMS channel sees a broadcast like any other
(the rows are made here, with `queue_sms`, as the checklist's news of a done action are),
and consultations call it through `on_close`. A `Feedback` row with no broadcast is a draft:
the one `on_close` prepares (no author: the page keeps it in step with the outcome) or one a
facilitator saved. A sent one names its broadcast; each kind goes once per consultation (or
per consultation and action) unless the facilitator asks for another.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session, load_only

from hsbp.actions.models import Action, ActionStatus
from hsbp.community import feedback_texts
from hsbp.community.models import Feedback
from hsbp.consultations import outcome
from hsbp.consultations.models import (
    Consultation,
    Participation,
    Response,
    ResponseState,
    Status,
)
from hsbp.i18n import UI_LOCALE_CODES
from hsbp.partnerships.models import Partnership
from hsbp.principles import services as charter
from hsbp.sms import contacts, local_texts
from hsbp.sms import texts as sms_texts
from hsbp.sms.models import Contact, ContactMembership

# Participation states of someone who took part. A conversation still under way when the
# consultation closed counts: the periodic sweep makes it partial soon after.
TOOK_PART = (ResponseState.COMPLETE, ResponseState.PARTIAL, ResponseState.IN_PROGRESS)
# A sent message always reached someone; a draft has reached nobody yet.
SENT = Feedback.recipients > 0
DRAFT = and_(Feedback.broadcast_id.is_(None), Feedback.recipients == 0)


# Who hears back ---------------------------------------------------------------------------


def took_part(consultation_id: int):
    """The clauses of the participations of those who took part by SMS."""
    return (
        Participation.consultation_id == consultation_id,
        Participation.contact_id.is_not(None),
        Participation.state.in_(TOOK_PART),
    )


@dataclass
class Reach:
    """Who took part by SMS, and how many of them a message reaches, by language."""

    took_part: int = 0
    stopped: int = 0  # sent STOP
    unconfirmed: int = 0  # never confirmed the partnership from their phone, or declined
    by_language: dict[str, int] = field(default_factory=dict)

    @property
    def recipients(self) -> int:
        return sum(self.by_language.values())


def reach(session: Session, *, partnership: Partnership, consultation: Consultation) -> Reach:
    """Who a message would reach, counted in one query. `by_language` is keyed by the
    partnership's languages: a contact reading another one is counted under the default."""
    confirmed = case((contacts.confirmed(), True), else_=False)
    rows = session.execute(
        select(Contact.locale, Contact.opted_out, confirmed, func.count())
        .select_from(Participation)
        .join(Contact, Contact.id == Participation.contact_id)
        .outerjoin(
            ContactMembership,
            and_(
                ContactMembership.contact_id == Contact.id,
                ContactMembership.partnership_id == partnership.id,
            ),
        )
        .where(*took_part(consultation.id))
        .group_by(Contact.locale, Contact.opted_out, confirmed)
    ).all()
    found = Reach()
    languages = partnership.locales or [partnership.default_locale]
    for locale, opted_out, is_confirmed, count in rows:
        found.took_part += count
        if opted_out:
            found.stopped += count
        elif not is_confirmed:
            found.unconfirmed += count
        else:
            code = locale if locale in languages else partnership.default_locale
            found.by_language[code] = found.by_language.get(code, 0) + count
    found.by_language = {
        code: found.by_language[code] for code in languages if code in found.by_language
    }
    return found


def recipients(session: Session, *, partnership_id: int, consultation_id: int) -> list[Contact]:
    """The contacts who took part, confirmed the partnership and have not sent STOP, with
    only what sending needs (id and language), in a stable order."""
    return list(
        session.scalars(
            select(Contact)
            .options(load_only(Contact.id, Contact.locale, Contact.opted_out))
            .join(Participation, Participation.contact_id == Contact.id)
            .join(
                ContactMembership,
                and_(
                    ContactMembership.contact_id == Contact.id,
                    ContactMembership.partnership_id == partnership_id,
                ),
            )
            .where(
                *took_part(consultation_id),
                contacts.confirmed(),
                Contact.opted_out.is_(False),
            )
            .order_by(Contact.id)
        )
    )


# What they hear ---------------------------------------------------------------------------


def answers_received(session: Session, *, consultation: Consultation) -> int:
    """How many answered (finished or partial), on every channel, as the consultation's page
    counts them: a number for the proposal, never who gave which answers."""
    return session.scalar(
        select(func.count())
        .select_from(Response)
        .where(
            Response.consultation_id == consultation.id,
            Response.state.in_((ResponseState.COMPLETE, ResponseState.PARTIAL)),
        )
    )


def needs(
    session: Session, *, partnership_id: int, consultation: Consultation
) -> list[feedback_texts.Need]:
    """The outcome's needs in order, each saying whether the charter in force holds the goal
    it became (a goal still in a draft or a proposal is not announced as the charter's)."""
    version = charter.in_force(session, partnership_id=partnership_id)
    in_force = (
        {goal.get("key") for goal in (version.content or {}).get("goals", [])} if version else set()
    )
    return [
        feedback_texts.Need(item.get("text") or {}, item.get("goal_key") in in_force)
        for item in (consultation.outcome or {}).get("needs") or []
    ]


def writing_locale(session: Session, *, partnership: Partnership, code: str, keys) -> str | None:
    """The locale to write the proposal in language `code` with: a shipped language as it
    is; a local language once its translators wrote every text of `keys`
    (feedback_texts.TEXTS), with their translation; the default language even without them
    (English words around its content). None leaves the text to the facilitator: its
    readers get the default language's text until then."""
    if code in UI_LOCALE_CODES:
        return code
    locale = local_texts.language(session, partnership=partnership, code=code)
    if code == partnership.default_locale:
        return locale
    own = locale.catalog.texts if isinstance(locale, sms_texts.LocalLanguage) else {}
    if locale == code and all(own.get(feedback_texts.TEXTS[key]) for key in keys):
        return locale
    return None


def closure_proposal(
    session: Session, *, partnership: Partnership, consultation: Consultation
) -> dict[str, str]:
    """{language: the proposed text} after the consultation closed. Reads only."""
    count = answers_received(session, consultation=consultation)
    found = needs(session, partnership_id=partnership.id, consultation=consultation)
    return feedback_texts.proposals(
        partnership,
        lambda locale: feedback_texts.closure_text(
            locale, partnership=partnership, count=count, needs=found
        ),
        lambda code: writing_locale(
            session, partnership=partnership, code=code, keys=feedback_texts.CLOSURE_TEXTS
        ),
    )


def action_proposal(
    session: Session, *, partnership: Partnership, item: dict, action: Action
) -> dict[str, str]:
    """{language: the proposed text} once `action`, serving the goal `item` became, is done."""
    return feedback_texts.proposals(
        partnership,
        lambda locale: feedback_texts.action_text(
            locale, partnership=partnership, need=item.get("text") or {}, action=action.title
        ),
        lambda code: writing_locale(
            session, partnership=partnership, code=code, keys=feedback_texts.ACTION_TEXTS
        ),
    )


# Goals that came from a consultation, and the actions serving them -------------------------


def linked_item(consultation: Consultation, goal_key: str) -> dict | None:
    """The consultation's outcome item that became the goal `goal_key`, if any."""
    if not goal_key:
        return None
    return next(
        (
            item
            for _section, item in outcome.items(consultation)
            if item.get("goal_key") == goal_key
        ),
        None,
    )


def consultations_for(
    session: Session, *, partnership_id: int, action: Action
) -> list[tuple[Consultation, dict]]:
    """The closed consultations an outcome item of which became the action's goal, newest
    first, each with that item."""
    if not action.goal_key:
        return []
    closed = session.scalars(
        select(Consultation)
        .where(Consultation.partnership_id == partnership_id, Consultation.status == Status.CLOSED)
        .order_by(Consultation.closes_at.desc(), Consultation.id.desc())
    )
    found = [(c, linked_item(c, action.goal_key)) for c in closed]
    return [(consultation, item) for consultation, item in found if item is not None]


def done_actions_for(
    session: Session, *, partnership_id: int, consultation: Consultation
) -> list[tuple[Action, dict]]:
    """The done actions serving a goal an item of the consultation became, each with it."""
    by_goal = {
        item["goal_key"]: item
        for _section, item in reversed(outcome.items(consultation))
        if item.get("goal_key")
    }
    if not by_goal:
        return []
    actions = session.scalars(
        select(Action)
        .where(
            Action.partnership_id == partnership_id,
            Action.status == ActionStatus.DONE,
            Action.goal_key.in_(by_goal),
        )
        .order_by(Action.done_at.desc(), Action.id.desc())
    )
    return [(action, by_goal[action.goal_key]) for action in actions]


# Drafts and what was sent -------------------------------------------------------------------


def of_kind(consultation_id: int, action_id: int | None):
    return (
        Feedback.consultation_id == consultation_id,
        Feedback.action_id.is_(None) if action_id is None else Feedback.action_id == action_id,
    )


def draft_of(session: Session, *, consultation_id: int, action_id: int | None = None):
    """The draft of a kind of message (after closing, or of one action), if there is one."""
    return session.scalar(
        select(Feedback)
        .where(*of_kind(consultation_id, action_id), DRAFT)
        .order_by(Feedback.id.desc())
        .limit(1)
    )


def sent_of(
    session: Session, *, consultation_id: int, action_id: int | None = None, every_kind=False
) -> list[Feedback]:
    """The messages sent about a consultation, newest first: of one kind, or `every_kind`."""
    kind = () if every_kind else of_kind(consultation_id, action_id)
    return list(
        session.scalars(
            select(Feedback)
            .where(Feedback.consultation_id == consultation_id, *kind, SENT)
            .order_by(Feedback.created_at.desc(), Feedback.id.desc())
        )
    )


# What a page offers -------------------------------------------------------------------------


@dataclass
class Proposal:
    """A message ready to edit and send: its texts per language (a facilitator's saved draft,
    else the proposal), who it reaches, and what was sent of its kind before."""

    consultation: Consultation
    action: Action | None
    item: dict | None  # the outcome item whose goal the action serves
    texts: dict[str, str]
    saved: Feedback | None
    reach: Reach
    sent: list[Feedback]
    sender_ready: bool


def proposal(
    session: Session,
    *,
    partnership: Partnership,
    consultation: Consultation,
    action: Action | None = None,
) -> Proposal:
    """The message after the consultation closed, or of a done `action` serving one of its
    goals. Reads only."""
    action_id = action.id if action is not None else None
    item = linked_item(consultation, action.goal_key) if action is not None else None
    saved = draft_of(session, consultation_id=consultation.id, action_id=action_id)
    if saved is not None and saved.created_by_id is None:
        saved = None  # prepared when the consultation closed: kept in step with the outcome
    if saved is not None:
        languages = partnership.locales or [partnership.default_locale]
        texts = {code: (saved.bodies or {}).get(code, "") for code in languages}
    elif action is not None:
        texts = action_proposal(session, partnership=partnership, item=item or {}, action=action)
    else:
        texts = closure_proposal(session, partnership=partnership, consultation=consultation)
    return Proposal(
        consultation=consultation,
        action=action,
        item=item,
        texts=texts,
        saved=saved,
        reach=reach(session, partnership=partnership, consultation=consultation),
        sent=sent_of(session, consultation_id=consultation.id, action_id=action_id),
        sender_ready=contacts.settings_of(session, partnership.id) is not None,
    )
