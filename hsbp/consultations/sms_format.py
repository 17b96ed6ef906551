"""A question as a basic phone shows it: one SMS, numbered, with how to answer.

The editor shows this text for every language with its segment count, and the SMS
conversation sends it, so what a facilitator previews is what a person receives.
"""

from __future__ import annotations

from hsbp.consultations.answering import choice_keys, choice_label, question_text
from hsbp.consultations.models import QuestionKind
from hsbp.sms.texts import N_, catalog

HOW_TO_ANSWER = {
    QuestionKind.SINGLE: N_("Reply with a number:"),
    QuestionKind.MULTIPLE: N_("Reply with one or more numbers:"),
    QuestionKind.SCALE: N_("Reply 1 (not at all) to 5 (fully)."),
    QuestionKind.YES_NO: N_("Reply 1 Yes or 2 No."),
    QuestionKind.NUMBER: N_("Reply with a number."),
    QuestionKind.TEXT: N_("Reply with your answer."),
}


def render_question(question, locale: str, number: int, total: int, fallback: str = "en") -> str:
    """'2/6 What worries you? Reply with one or more numbers: 1 Dust, 2 Roads, 3 Jobs'."""
    translations = catalog(locale)
    parts = [f"{number}/{total}", question_text(question, locale, fallback)]
    parts.append(translations.gettext(HOW_TO_ANSWER[QuestionKind(question.kind)]))
    if question.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        options = [
            f"{n} {choice_label(question, key, locale, fallback)}"
            for n, key in enumerate(choice_keys(question), start=1)
        ]
        parts.append(", ".join(options))
    return " ".join(parts)
