"""What a reply typed on a phone means for a consultation question (the SMS conversation).

People answer a numbered list as they would speak: "2", "dos", "two", the Arabic-Indic
digit, the option's label ("rio" for "Río") or a clear part of it ("acue" for "Acueducto").
A reply that two readings take to different options ("uno" when option 2 is "Uno") or
that fits several options is no answer: the conversation asks again.
"""

from __future__ import annotations

import re

from hsbp.consultations.answering import (
    SCALE,
    YES_NO,
    YES_NO_LABELS,
    choice_keys,
    choice_label,
)
from hsbp.consultations.models import CHOICE_KINDS, Question, QuestionKind
from hsbp.sms.number_words import key, read_number, western_digits, words_for

# A part of a label shorter than this names no option by itself ("a", "el", "de").
MIN_PART = 3


def read_reply(question: Question, reply: str, locale: str, fallback: str = "en") -> dict | None:
    """The keyword arguments of answering.record_answer that `reply` means for `question`,
    or None when it fits nothing. Options are taken by their number (digits or words of the
    contact's language, the partnership's or English; several for a multiple choice: "1 3",
    "1,3", "uno tres") or by their label in those languages, whole or a unique part of it,
    ignoring case, accents and surrounding punctuation."""
    reply = reply.strip()
    kind = question.kind
    locales = (locale, fallback)
    if kind in CHOICE_KINDS:
        picked = _choices(question, reply, locales)
        return {"choices": picked} if picked else None
    if kind == QuestionKind.NUMBER:
        value = read_number(reply, locales)
        if value is None:
            return None
        low, high = question.minimum, question.maximum
        if (low is not None and value < low) or (high is not None and value > high):
            return None
        return {"number": value}
    return {"text": reply} if reply else None


def _choices(question: Question, reply: str, locales: tuple[str, str]) -> list[str] | None:
    labels = _labels(question, locales)
    said = key(reply)
    exact = labels.get(said, set())
    label = next(iter(exact)) if len(exact) == 1 else None
    numbers, in_words = _numbers(reply, locales)
    picked = _by_number(question, numbers) if numbers is not None else None
    if label is not None:
        # A number word that is also another option's label ("uno" when option 2 is "Uno")
        # could mean either; digits and labels never clashed before words came in.
        if in_words and picked is not None and picked != [label]:
            return None
        return [label]
    if numbers is not None and not in_words:
        return picked
    part = _by_part(labels, said)
    if picked is not None and part is not None and [part] != picked:
        return None  # "cinco": option 5, or option 2 "Cinco días"?
    return picked or ([part] if part else None)


def _labels(question: Question, locales: tuple[str, str]) -> dict[str, set[str]]:
    """{label as compared: option keys} in the contact's and the partnership's languages
    (English too for yes and no)."""
    found: dict[str, set[str]] = {}
    for option in choice_keys(question):
        for locale in locales:
            found.setdefault(key(choice_label(question, option, locale, locales[1])), set()).add(
                option
            )
    if question.kind == QuestionKind.YES_NO:
        for option in YES_NO:
            found.setdefault(key(YES_NO_LABELS[option]), set()).add(option)
    found.pop("", None)
    return found


def _numbers(reply: str, locales) -> tuple[list[int] | None, bool]:
    """The whole numbers a reply lists, and whether they were written in words."""
    parts = [p for p in re.split(r"[\s,;]+", western_digits(reply).strip().rstrip(".")) if p]
    if parts and all(p.isdigit() for p in parts):
        return [int(p) for p in parts], False
    words = words_for(locales)
    if key(reply) in words:  # "twenty one" is one number, not two
        return [words[key(reply)]], True
    if parts and all(key(p) in words for p in parts):
        return [words[key(p)] for p in parts], True
    return None, False


def _by_number(question: Question, numbers: list[int]) -> list[str] | None:
    if question.kind == QuestionKind.SCALE:
        keys_by_number = {int(k): k for k in SCALE}
    else:
        keys_by_number = dict(enumerate(choice_keys(question), start=1))
    if not numbers or not all(n in keys_by_number for n in numbers):
        return None
    if question.kind != QuestionKind.MULTIPLE and len(numbers) > 1:
        return None
    return [keys_by_number[n] for n in numbers]


def _by_part(labels: dict[str, set[str]], said: str) -> str | None:
    """The one option whose label has `said` at the start of one of its words ("rio" in
    "el rio", "acue" in "acueducto"); None when none or several do."""
    if len(said.replace(" ", "")) < MIN_PART:
        return None
    found = {
        option
        for label, options in labels.items()
        if f" {said}" in f" {label}"
        for option in options
    }
    return found.pop() if len(found) == 1 else None
