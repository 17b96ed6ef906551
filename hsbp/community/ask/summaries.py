"""INFO, CHARTER and RESULTS: what a community member can ask of the partnership by SMS.

INFO names the partnership, who facilitates it (the organisation a facilitator speaks for,
else their name: the partnership knows no other contact for them) and how to reach them:
this number, whose messages reach the facilitators' inbox; then the keywords switched on.
CHARTER sums up the charter in force: its version and its goals, in at most three parts.
RESULTS gives the headline of the latest closed consultation the contact could answer: one
they were invited to, or one open to every SMS contact. None of them changes anything.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hsbp.auth.models import User
from hsbp.community.ask.common import (
    INFO,
    TEXTS,
    Asker,
    alone,
    asker,
    not_joined,
)
from hsbp.consultations.models import Consultation, Participation, Response, ResponseState, Status
from hsbp.partnerships.models import Membership, Partner
from hsbp.principles import services as charter_services
from hsbp.security import Role
from hsbp.sms import contacts, fitting
from hsbp.sms import texts as channel_texts
from hsbp.sms.handlers import Incoming, registry

NAME_LIMIT = 40
CHARTER_PARTS = 3
RESULTS_PARTS = 2
TOP_NEEDS = 3
# The closed consultations looked at, newest first, for one the contact could answer.
RECENT_CONSULTATIONS = 50


def info(session: Session, incoming: Incoming) -> list[str] | None:
    """INFO: the partnership, who facilitates it and how to reach them, and the keywords it
    has switched on, in the contact's words."""
    if not alone(incoming):
        return None
    who = asker(session, incoming)
    if who is None:
        return not_joined(incoming)
    people = facilitators(session, partnership_id=who.partnership.id)

    def render(limit: int) -> str:
        return who.text(
            "info",
            name=fitting.clip(who.partnership.name, limit),
            people=", ".join(fitting.clip(name, limit * 3 // 4) for name in people) or "-",
        )

    first = fitting.fit(render, limits=(NAME_LIMIT, 30, 24, 18, 14, 10), room=4)
    pieces = [first, who.text("info_reach"), _keywords_line(session, who)]
    return fitting.numbered_parts(pieces)


def facilitators(session: Session, *, partnership_id: int, limit: int = 2) -> list[str]:
    """Who facilitates: the partner organisation each facilitator speaks for, else their
    name, without repeats, the longest-standing first."""
    rows = session.execute(
        select(User.name, Partner.name)
        .join(Membership, Membership.user_id == User.id)
        .outerjoin(Partner, Partner.id == Membership.partner_id)
        .where(
            Membership.partnership_id == partnership_id,
            Membership.role == Role.FACILITATOR,
            User.active.is_(True),
        )
        .order_by(Membership.created_at, Membership.id)
    ).all()
    names: dict[str, None] = {}
    for person, organisation in rows:
        names.setdefault(organisation or person, None)
    return list(names)[:limit]


def _keywords_line(session: Session, who: Asker) -> str:
    settings = contacts.settings_of(session, who.partnership.id)
    off = list(settings.keywords_off or []) if settings else []
    message = TEXTS["info_keywords"]
    language = channel_texts.keyword_language(who.locale, message)
    entries = [k.catalog_words for k in registry().shown(off=off) if k.name != INFO]
    entries += [channel_texts.KEYWORDS["news"], channel_texts.KEYWORDS["help"]]
    words = ", ".join(channel_texts.first_word(language, entry) for entry in entries)
    return who.text("info_keywords", words=words)


def charter(session: Session, incoming: Incoming) -> list[str] | None:
    """CHARTER: the charter in force, its version and goals, in at most three parts."""
    if not alone(incoming):
        return None
    who = asker(session, incoming)
    if who is None:
        return not_joined(incoming)
    version = charter_services.in_force(session, partnership_id=who.partnership.id)
    if version is None:
        return [who.text("no_charter")]
    goals = (version.content or {}).get("goals") or []
    if not goals:
        return [who.text("charter_no_goals", number=version.number)]
    adopted = who.date(version.adopted_at.date()) if version.adopted_at else "—"
    lines = [who.text("charter", number=version.number, date=adopted)]
    for number, goal in enumerate(goals, start=1):
        lines.append(f"{number}. {_goal(who, goal)}")
    return fitting.numbered_parts(lines, sep="\n", max_parts=CHARTER_PARTS)


def _goal(who: Asker, goal: dict) -> str:
    title = who.content(goal.get("title"))
    due = _day(goal.get("due"))
    if due is None:
        return fitting.fit(lambda limit: fitting.clip(title, limit), room=8)
    when = who.date(due, "MMM y")

    def render(limit: int) -> str:
        return who.text("charter_goal_due", title=fitting.clip(title, limit), due=when)

    return fitting.fit(render, room=8)


def _day(value) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


def results(session: Session, incoming: Incoming) -> list[str] | None:
    """RESULTS: the latest closed consultation the contact could answer, its number of
    answers, the main needs it found and those that became charter goals."""
    if not alone(incoming):
        return None
    who = asker(session, incoming)
    if who is None:
        return not_joined(incoming)
    consultation = latest_closed(
        session, contact_id=who.contact.id, partnership_id=who.partnership.id
    )
    if consultation is None:
        return [who.text("no_results")]
    answered = session.scalar(
        select(func.count())
        .select_from(Response)
        .where(
            Response.consultation_id == consultation.id,
            Response.state.in_((ResponseState.COMPLETE, ResponseState.PARTIAL)),
        )
    )
    closed = who.date(consultation.closes_at.date()) if consultation.closes_at else "—"
    title = who.content(consultation.title)
    head = fitting.fit(
        lambda limit: who.text(
            "results", title=fitting.clip(title, limit), date=closed, count=answered
        ),
        room=4,
    )
    outcome = consultation.outcome or {}
    needs = [who.content(item.get("text")) for item in outcome.get("needs") or []]
    goals = [
        who.content(item.get("text"))
        for section in ("needs", "risks", "gaps")
        for item in outcome.get(section) or []
        if item.get("goal_key")
    ]
    lines = [head]
    if needs:
        lines.append(_listed(who, "results_needs", "needs", needs[:TOP_NEEDS]))
    if goals:
        lines.append(_listed(who, "results_goals", "goals", goals))
    return fitting.numbered_parts(lines, max_parts=RESULTS_PARTS)


def _listed(who: Asker, key: str, name: str, items: list[str]) -> str:
    def render(limit: int) -> str:
        return who.text(key, **{name: "; ".join(fitting.clip(i, limit) for i in items)})

    return fitting.fit(render, limits=(60, 40, 30, 24, 18), room=4)


def latest_closed(session: Session, *, contact_id: int, partnership_id: int) -> Consultation | None:
    """The latest closed consultation of the partnership the contact could answer: one they
    were invited to, or one open to every SMS contact (its audience named no sector, group
    or place)."""
    recent = session.scalars(
        select(Consultation)
        .where(Consultation.partnership_id == partnership_id, Consultation.status == Status.CLOSED)
        .order_by(Consultation.closes_at.desc(), Consultation.id.desc())
        .limit(RECENT_CONSULTATIONS)
    ).all()
    if not recent:
        return None
    invited = set(
        session.scalars(
            select(Participation.consultation_id).where(
                Participation.contact_id == contact_id,
                Participation.consultation_id.in_([c.id for c in recent]),
            )
        )
    )
    for consultation in recent:
        if consultation.id in invited or _open_to_every_contact(consultation):
            return consultation
    return None


def _open_to_every_contact(consultation: Consultation) -> bool:
    audience = consultation.audience or {}
    return (
        bool(audience.get("contacts"))
        and "sms" in (consultation.channels or [])
        and not any(audience.get(name) for name in ("sectors", "tags", "localities"))
    )
