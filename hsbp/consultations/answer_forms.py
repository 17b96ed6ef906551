"""Forms for answering a consultation: one question on a page, the public link's first page,
and a facilitator's entry of a whole paper form."""

from __future__ import annotations

import math

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length

from hsbp.consultations.answering import MAX_TEXT, choice_keys, choice_label, question_text
from hsbp.consultations.models import Question, QuestionKind
from hsbp.consultations.web_answers import MAX_NOTE
from hsbp.i18n import language_name
from hsbp.mapping.labels import PARTICIPANT_SECTOR_LABELS
from hsbp.partnerships.forms import MultiCheckboxField

ONE_CHOICE = (QuestionKind.SINGLE, QuestionKind.SCALE, QuestionKind.YES_NO)
NOT_A_NUMBER = _l("Give a number.")
NO_ANSWER = _l("No answer")


def options(question: Question, *, locale: str, fallback: str) -> list[tuple[str, str]]:
    return [(key, choice_label(question, key, locale, fallback)) for key in choice_keys(question)]


def parse_number(raw: str | None) -> tuple[float | None, bool]:
    """(the number typed, whether what was typed is readable); a decimal comma is accepted."""
    cleaned = (raw or "").strip().replace(" ", "").replace(",", ".")
    if not cleaned:
        return None, True
    try:
        value = float(cleaned)
    except ValueError:
        return None, False
    return (value, True) if math.isfinite(value) else (None, False)


def number_attributes(question: Question) -> dict:
    """The browser's own hints for a number input (its min and max, any step)."""
    attributes = {"type": "number", "step": "any", "inputmode": "decimal"}
    if question.minimum is not None:
        attributes["min"] = f"{question.minimum:g}"
    if question.maximum is not None:
        attributes["max"] = f"{question.maximum:g}"
    return attributes


def answer_of(kind: str, field) -> dict:
    """The keyword arguments of answering.record_answer from a question's field."""
    if kind in ONE_CHOICE:
        return {"choices": [field.data] if field.data else []}
    if kind == QuestionKind.MULTIPLE:
        return {"choices": list(field.data or [])}
    if kind == QuestionKind.NUMBER:
        return {"number": parse_number(field.data)[0]}
    return {"text": field.data or ""}


class QuestionForm(FlaskForm):
    """One question on its page. Only the field of the question's kind is shown and read; the
    options are checked by the answering rules, which say what is wrong in the reader's words."""

    question_id = HiddenField()
    choice = RadioField(choices=[], validate_choice=False)
    choices = MultiCheckboxField(choices=[], validate_choice=False)
    number = StringField(validators=[Length(max=40)])
    text = TextAreaField(validators=[Length(max=MAX_TEXT)])
    send = SubmitField(_l("Next"))
    skip = SubmitField(_l("Skip this question"))

    def show(self, question: Question | None, *, locale: str, fallback: str) -> None:
        """Fit the form to `question`, its options in `locale`."""
        if question is None:
            return
        if question.kind in CHOICE_FIELD_KINDS:
            self.choice.choices = self.choices.choices = options(
                question, locale=locale, fallback=fallback
            )
        if not self.is_submitted():
            self.question_id.data = str(question.id)

    def field_for(self, kind: str):
        return self[field_name(kind)]

    def posted_question_id(self) -> int | None:
        try:
            return int(self.question_id.data)
        except (TypeError, ValueError):
            return None

    def readable(self, kind: str) -> bool:
        """False (with the message on the field) when a number cannot be read."""
        unreadable = not parse_number(self.number.data)[1]
        if kind == QuestionKind.NUMBER and not self.skip.data and unreadable:
            self.number.errors = [*self.number.errors, NOT_A_NUMBER]
            return False
        return True

    def answer(self, kind: str) -> dict:
        if self.skip.data:
            return {"skipped": True}
        return answer_of(kind, self.field_for(kind))


CHOICE_FIELD_KINDS = (*ONE_CHOICE, QuestionKind.MULTIPLE)


def field_name(kind: str) -> str:
    if kind in ONE_CHOICE:
        return "choice"
    if kind == QuestionKind.MULTIPLE:
        return "choices"
    return "number" if kind == QuestionKind.NUMBER else "text"


def language_choices(codes: list[str]) -> list[tuple[str, str]]:
    """Each language named in itself, so a reader finds theirs whatever the page's language."""
    named = []
    for code in codes:
        name = language_name(code, code)
        named.append((code, name[:1].upper() + name[1:]))
    return named


class PublicStartForm(FlaskForm):
    """The public link's first page: the language to answer in and who is answering (never
    their name)."""

    language = RadioField(_l("Language"), validators=[InputRequired()])
    sector = RadioField(
        _l("Which of these describes you best?"),
        choices=list(PARTICIPANT_SECTOR_LABELS.items()),
        validators=[InputRequired(message=_l("Choose the group that describes you best."))],
    )
    tag_ids = MultiCheckboxField(_l("Do you belong to any of these groups? (optional)"), coerce=int)
    locality = StringField(
        _l("Your village, neighbourhood or town (optional)"), validators=[Length(max=200)]
    )
    start = SubmitField(_l("Start"))

    def __init__(self, *args, languages=(), tags=(), tag_label=str, **kwargs):
        super().__init__(*args, **kwargs)
        self.language.choices = language_choices(list(languages))
        self.tag_ids.choices = [(tag.id, tag_label(tag)) for tag in tags]


class AssistedForm(FlaskForm):
    """One respondent's answers typed in by a facilitator; the questions' fields are added per
    consultation by `assisted_form`."""

    participant_id = SelectField(
        _l("Mapped participant"),
        coerce=int,
        description=_l(
            "If the respondent is mapped, their sector, groups and locality are taken from "
            "the mapping and the fields below are ignored."
        ),
    )
    sector = SelectField(_l("Sector"), default="")
    tag_ids = MultiCheckboxField(_l("Groups"), coerce=int)
    locality = StringField(_l("Locality"), validators=[Length(max=200)])
    language = SelectField(_l("Language the respondent answered in"))
    note = TextAreaField(
        _l("Note"),
        description=_l(
            "Where and how the answers were gathered, for example a meeting or a paper form. "
            "Do not write the respondent's name."
        ),
        validators=[Length(max=MAX_NOTE)],
    )
    save = SubmitField(_l("Save these answers"))

    questions: list[Question] = []

    def question_fields(self):
        """(question, kind, field) for each question, in order."""
        return [(q, q.kind, self[f"q{q.id}"]) for q in self.questions]

    def readable(self) -> bool:
        ok = True
        for _question, kind, field in self.question_fields():
            if kind == QuestionKind.NUMBER and not parse_number(field.data)[1]:
                field.errors = [*field.errors, NOT_A_NUMBER]
                ok = False
        return ok

    def service_fields(self) -> dict:
        return {
            "participant_id": self.participant_id.data or None,
            "sector": self.sector.data or "",
            "tag_ids": list(self.tag_ids.data or []),
            "locality": self.locality.data or "",
            "locale": self.language.data,
            "note": self.note.data or "",
            "answers": {q.id: answer_of(kind, field) for q, kind, field in self.question_fields()},
        }

    def show_refusals(self, refused: dict) -> None:
        for question_id, message in refused.items():
            field = self[f"q{question_id}"]
            field.errors = [*field.errors, message]


def assisted_form(
    questions: list[Question],
    *,
    locale: str,
    fallback: str,
    languages: list[str],
    tags=(),
    tag_label=str,
    participants=(),
) -> AssistedForm:
    """The entry form for these questions, labelled in the facilitator's language."""
    fields: dict = {"questions": questions}
    for question in questions:
        label = question_text(question, locale, fallback)
        kind = question.kind
        if kind in ONE_CHOICE:
            # A radio cannot be unticked without a script: "no answer" is an option of its own.
            field = RadioField(label, choices=[], validate_choice=False, default="")
        elif kind == QuestionKind.MULTIPLE:
            field = MultiCheckboxField(label, choices=[], validate_choice=False)
        elif kind == QuestionKind.NUMBER:
            field = StringField(label, validators=[Length(max=40)])
        else:
            field = TextAreaField(label, validators=[Length(max=MAX_TEXT)])
        fields[f"q{question.id}"] = field
    form = type("ConsultationAssistedForm", (AssistedForm,), fields)()
    for question in questions:
        if question.kind in CHOICE_FIELD_KINDS:
            offered = options(question, locale=locale, fallback=fallback)
            if question.kind in ONE_CHOICE:
                offered = [("", NO_ANSWER), *offered]
            form[f"q{question.id}"].choices = offered
    form.participant_id.choices = [(0, "—"), *((p.id, p.display_name) for p in participants)]
    form.sector.choices = [("", _l("Not known")), *PARTICIPANT_SECTOR_LABELS.items()]
    form.tag_ids.choices = [(tag.id, tag_label(tag)) for tag in tags]
    form.language.choices = language_choices(languages)
    if not form.is_submitted():
        form.language.data = fallback
    return form
