"""Which question of which consultation an SMS answered, for the inbox's threads.

The conversation notes the question on each message it reads as an answer (`note`); the SMS
channel asks `describe` for the words when a facilitator opens a thread. Messages of an
anonymous consultation carry no note: nothing may tie a number to what it answered there.
"""

from __future__ import annotations

from flask import Flask
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from hsbp.consultations.models import Consultation, Question
from hsbp.i18n import translated
from hsbp.partnerships.models import Partnership
from hsbp.sms import contexts
from hsbp.sms.models import InboundMessage

KIND = "consultation_question"
ROUTE = "consultation"  # the conversation's name as an SMS handler


def note(message: InboundMessage, consultation: Consultation, question: Question) -> None:
    """Write on the message the question it answers, unless the consultation is anonymous."""
    if not consultation.anonymous:
        message.about = contexts.reference(KIND, question.id)


def describe(session: Session, *, partnership_id: int, ids: list[str], locale: str) -> dict:
    """{question id: "Question 2 of “Water”"} for the partnership's questions among `ids`
    (a question edited since has no number any more). Two statements."""
    wanted = [int(value) for value in ids if value.isdigit()]
    rows = session.execute(
        select(
            Question.id,
            Question.consultation_id,
            Consultation.title,
            Partnership.default_locale,
        )
        .join(Consultation, Consultation.id == Question.consultation_id)
        .join(Partnership, Partnership.id == Consultation.partnership_id)
        .where(
            Question.id.in_(wanted),
            Consultation.partnership_id == partnership_id,
            Consultation.anonymous.is_(False),
        )
    ).all()
    if not rows:
        return {}
    active = session.execute(
        select(Question.id, Question.consultation_id)
        .where(
            Question.consultation_id.in_({row.consultation_id for row in rows}),
            Question.retired.is_(False),
        )
        .order_by(Question.position, Question.id)
    ).all()
    numbers, counted = {}, {}
    for question_id, consultation_id in active:
        counted[consultation_id] = counted.get(consultation_id, 0) + 1
        numbers[question_id] = counted[consultation_id]
    found = {}
    for question_id, _consultation_id, title, default_locale in rows:
        name = translated(title, locale=locale, fallback=default_locale)
        number = numbers.get(question_id)
        found[str(question_id)] = (
            _(
                "Answer to question %(number)s of “%(title)s”",
                number=number,
                title=name,
            )
            if number
            else _("Answer to a question of “%(title)s” (edited since)", title=name)
        )
    return found


def init_app(app: Flask) -> None:
    contexts.register(
        app, KIND, describe, routes=[ROUTE], fallback=_l("Answer to a consultation question")
    )
