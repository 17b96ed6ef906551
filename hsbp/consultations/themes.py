"""Themes of free-text answers: a facilitator names themes and tags written answers with them.

The tagging page shows the words only, never who wrote them, whatever the consultation: the
words are what is being read, and an identity beside them would need an audited view.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from hsbp import audit
from hsbp.auth.models import User
from hsbp.consultations.models import (
    Answer,
    Consultation,
    Question,
    QuestionKind,
    Response,
    Theme,
    answer_themes,
)
from hsbp.consultations.tallies import COUNTED_STATES
from hsbp.errors import ServiceError

audit.ACTION_LABELS.update(
    {
        "consultation_theme.create": _l("Theme added to a consultation"),
        "consultation_theme.tag": _l("Written answer tagged with a theme"),
        "consultation_theme.untag": _l("Theme removed from a written answer"),
    }
)

PER_PAGE = 50
MAX_NAME = 100


@dataclass
class TextAnswer:
    id: int
    question_id: int
    text: str
    theme_ids: set[int]


def themes_of(session: Session, *, consultation: Consultation) -> list[Theme]:
    return list(
        session.scalars(
            select(Theme).where(Theme.consultation_id == consultation.id).order_by(Theme.name)
        )
    )


def theme_counts(session: Session, *, consultation: Consultation) -> list[tuple[Theme, int]]:
    """Each theme with the number of written answers tagged with it, most used first."""
    rows = session.execute(
        select(Theme, func.count(answer_themes.c.answer_id))
        .outerjoin(answer_themes, answer_themes.c.theme_id == Theme.id)
        .where(Theme.consultation_id == consultation.id)
        .group_by(Theme.id)
        .order_by(func.count(answer_themes.c.answer_id).desc(), Theme.name)
    ).all()
    return [(theme, n) for theme, n in rows]


def _text_answers_query(consultation: Consultation):
    return (
        select(Answer)
        .join(Response, Response.id == Answer.response_id)
        .join(Question, Question.id == Answer.question_id)
        .where(
            Response.consultation_id == consultation.id,
            Response.state.in_(COUNTED_STATES),
            Question.kind == QuestionKind.TEXT,
            Answer.skipped.is_(False),
        )
    )


def text_answers(
    session: Session, *, consultation: Consultation, page: int = 1
) -> tuple[list[TextAnswer], int]:
    """One page of written answers with their theme ids, and how many there are in all."""
    query = _text_answers_query(consultation)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    answers = session.scalars(
        query.order_by(Answer.question_id, Answer.id)
        .limit(PER_PAGE)
        .offset((max(page, 1) - 1) * PER_PAGE)
    ).all()
    tagged: dict[int, set[int]] = {a.id: set() for a in answers}
    if answers:
        for answer_id, theme_id in session.execute(
            select(answer_themes.c.answer_id, answer_themes.c.theme_id).where(
                answer_themes.c.answer_id.in_(list(tagged))
            )
        ):
            tagged[answer_id].add(theme_id)
    rows = [TextAnswer(a.id, a.question_id, a.text or "", tagged[a.id]) for a in answers]
    return rows, total


def create_theme(session: Session, *, actor: User, consultation: Consultation, name: str) -> Theme:
    """A new theme of the consultation. Side effects: an audit entry."""
    name = " ".join((name or "").split())[:MAX_NAME]
    if not name:
        raise ServiceError(_l("Give the theme a name."), field="name")
    taken = session.scalar(
        select(Theme.id).where(
            Theme.consultation_id == consultation.id, func.lower(Theme.name) == name.lower()
        )
    )
    if taken:
        raise ServiceError(_l("This consultation already has a theme of this name."), field="name")
    theme = Theme(consultation_id=consultation.id, name=name)
    session.add(theme)
    session.flush()
    audit.record(
        session,
        actor_id=actor.id,
        action="consultation_theme.create",
        obj=theme,
        partnership_id=consultation.partnership_id,
        details={"consultation_id": consultation.id, "name": name},
    )
    return theme


def _answer_and_theme(session, consultation, answer_id, theme_id):
    answer = session.scalar(_text_answers_query(consultation).where(Answer.id == answer_id))
    theme = session.scalar(
        select(Theme).where(Theme.id == theme_id, Theme.consultation_id == consultation.id)
    )
    if answer is None or theme is None:
        raise ServiceError(_l("This answer or theme is not part of the consultation."))
    return answer, theme


def set_theme(
    session: Session,
    *,
    actor: User,
    consultation: Consultation,
    answer_id: int,
    theme_id: int,
    on: bool,
) -> bool:
    """Tag (on=True) or untag a written answer with a theme; returns whether anything changed.
    Side effects: an audit entry when it did (the theme and answer ids, never the words)."""
    answer, theme = _answer_and_theme(session, consultation, answer_id, theme_id)
    link = (answer_themes.c.answer_id == answer.id) & (answer_themes.c.theme_id == theme.id)
    present = session.scalar(select(func.count()).select_from(answer_themes).where(link))
    if bool(present) == on:
        return False
    if on:
        session.execute(insert(answer_themes).values(answer_id=answer.id, theme_id=theme.id))
    else:
        session.execute(delete(answer_themes).where(link))
    audit.record(
        session,
        actor_id=actor.id,
        action="consultation_theme.tag" if on else "consultation_theme.untag",
        obj=theme,
        partnership_id=consultation.partnership_id,
        details={"consultation_id": consultation.id, "answer_id": answer.id, "name": theme.name},
    )
    return True
