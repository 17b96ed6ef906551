"""Forms of consultations: settings, a question with its options in every language, and the
outcome. Each is built for the partnership's own languages, tags and questions."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as _p
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    FloatField,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from hsbp.consultations.answering import choice_keys
from hsbp.consultations.models import Channel, QuestionKind, Status
from hsbp.consultations.questions import MAX_CHOICES
from hsbp.consultations.services import MAX_TEXT
from hsbp.errors import ServiceError, form_fields
from hsbp.human_security import DIMENSION_LABELS
from hsbp.i18n import language_name
from hsbp.mapping.labels import PARTICIPANT_SECTOR_LABELS
from hsbp.partnerships.forms import MultiCheckboxField

STATUS_LABELS = {
    Status.DRAFT: _p("consultation status", "Draft"),
    Status.OPEN: _p("consultation status", "Open"),
    Status.CLOSED: _p("consultation status", "Closed"),
}
CHANNEL_LABELS = {
    Channel.WEB: _l("On the web, for members of the partnership"),
    Channel.PUBLIC: _l("A public link, no account needed"),
    Channel.SMS: _l("By SMS, for the partnership's contacts"),
    Channel.ASSISTED: _l("Answers gathered by a facilitator (meetings, paper)"),
}
# Shorter names of the channels, for lists and summaries.
CHANNEL_NAMES = {
    Channel.WEB: _p("consultation channel", "Web"),
    Channel.PUBLIC: _p("consultation channel", "Public link"),
    Channel.SMS: _p("consultation channel", "SMS"),
    Channel.ASSISTED: _p("consultation channel", "Assisted"),
}
KIND_LABELS = {
    QuestionKind.SINGLE: _l("One choice among options"),
    QuestionKind.MULTIPLE: _l("Several choices among options"),
    QuestionKind.SCALE: _l("A scale from 1 to 5"),
    QuestionKind.YES_NO: _l("Yes or no"),
    QuestionKind.NUMBER: _l("A number"),
    QuestionKind.TEXT: _l("Free text"),
}
# Empty option rows offered under a question's options: no script adds rows.
BLANK_CHOICES = 4
BLANK_ITEMS = 2
MAX_ITEMS = 50


# Dates are picked as days in the partnership's time zone and stored in UTC: a consultation
# opens at the start of its first day and closes at the end of its last one, there.


def day_start(day: date | None, timezone: str) -> datetime | None:
    if day is None:
        return None
    return datetime.combine(day, time(), tzinfo=ZoneInfo(timezone))


def day_after(day: date | None, timezone: str) -> datetime | None:
    return day_start(day + timedelta(days=1), timezone) if day else None


def local_day(value: datetime | None, timezone: str, *, closing: bool = False) -> date | None:
    """The day a stored moment falls on in the partnership's zone; a closing moment at
    midnight belongs to the day before it (the last day people could answer)."""
    if value is None:
        return None
    local = value.astimezone(ZoneInfo(timezone))
    if closing and local.time() == time():
        local -= timedelta(days=1)
    return local.date()


def _texts_form(locales: list[str], *, area: bool, rows: int = 2, maxlength: int = MAX_TEXT):
    """A sub-form with one field per language, named by its code (`title-es`)."""
    kind = TextAreaField if area else StringField
    fields = {}
    for code in locales:
        extra = {"rows": rows} if area else {}
        fields[code] = kind(
            language_name(code),
            validators=[Length(max=maxlength)],
            render_kw={"lang": code.replace("_", "-"), "dir": "auto", **extra},
        )
    return type("TextsForm", (Form,), fields)


def _texts(data: dict | None) -> dict:
    return {code: (text or "").strip() for code, text in (data or {}).items()}


def consultation_form(*, partnership, tags, tag_label, consultation=None) -> FlaskForm:
    """The settings form, filled from `consultation` (editing) and, on a POST, the request."""
    timezone = partnership.timezone
    tag_choices = [(tag.id, tag_label(tag)) for tag in tags]

    class ConsultationForm(FlaskForm):
        title = FormField(_texts_form(partnership.locales, area=False), _l("Title"))
        purpose = FormField(
            _texts_form(partnership.locales, area=True, rows=3, maxlength=4000),
            _l("Purpose"),
            description=_l("Why the partnership asks, and what it will do with the answers."),
        )
        dimensions = MultiCheckboxField(
            _l("Dimensions of human security"), choices=list(DIMENSION_LABELS.items())
        )
        audience_contacts = BooleanField(_l("The partnership's SMS contacts"))
        audience_members = BooleanField(_l("Members of the partner organisations"))
        sectors = MultiCheckboxField(
            _l("Only these sectors"), choices=list(PARTICIPANT_SECTOR_LABELS.items())
        )
        tags = MultiCheckboxField(
            _l("Only these groups"),
            coerce=int,
            choices=tag_choices,
        )
        localities = StringField(
            _l("Only these localities"),
            validators=[Length(max=1000)],
            description=_l("Comma-separated, for example: La Unión, El Triunfo. Empty: all."),
        )
        channels = MultiCheckboxField(_l("Ways to answer"), choices=list(CHANNEL_LABELS.items()))
        anonymous = BooleanField(_l("Anonymous answers"))
        opens_at = DateField(
            _l("Opens on"),
            validators=[Optional()],
            description=_l("Empty: when you open it."),
        )
        closes_at = DateField(
            _l("Closes at the end of"),
            validators=[Optional()],
            description=_l("Empty: when you close it."),
        )
        reminder_days = IntegerField(
            _l("Remind those who have not finished every (days)"),
            validators=[InputRequired(), NumberRange(min=0, max=60)],
            default=0,
            description=_l("0: no reminders."),
        )
        stale_days = IntegerField(
            _l("Close an unanswered SMS conversation after (days)"),
            validators=[InputRequired(), NumberRange(min=1, max=90)],
            default=7,
            description=_l("What was answered until then is kept as a partial response."),
        )

        def service_fields(self) -> dict:
            localities = (self.localities.data or "").split(",")
            return {
                "title": _texts(self.title.data),
                "purpose": _texts(self.purpose.data),
                "dimensions": self.dimensions.data or [],
                "audience": {
                    "contacts": self.audience_contacts.data,
                    "members": self.audience_members.data,
                    "sectors": self.sectors.data or [],
                    "tags": self.tags.data or [],
                    "localities": [name.strip() for name in localities if name.strip()],
                },
                "channels": self.channels.data or [],
                "anonymous": self.anonymous.data,
                "opens_at": day_start(self.opens_at.data, timezone),
                "closes_at": day_after(self.closes_at.data, timezone),
                "reminder_days": self.reminder_days.data,
                "stale_days": self.stale_days.data,
            }

    if consultation is None:
        return ConsultationForm(
            data={"channels": [Channel.WEB.value], "audience_members": True, "stale_days": 7}
        )
    audience = consultation.audience or {}
    return ConsultationForm(
        data={
            "title": consultation.title,
            "purpose": consultation.purpose,
            "dimensions": consultation.dimensions,
            "audience_contacts": audience.get("contacts", False),
            "audience_members": audience.get("members", False),
            "sectors": audience.get("sectors", []),
            "tags": audience.get("tags", []),
            "localities": ", ".join(audience.get("localities", [])),
            "channels": consultation.channels,
            "anonymous": consultation.anonymous,
            "opens_at": local_day(consultation.opens_at, timezone),
            "closes_at": local_day(consultation.closes_at, timezone, closing=True),
            "reminder_days": consultation.reminder_days,
            "stale_days": consultation.stale_days,
        }
    )


def question_form(*, partnership, earlier: list, question=None, label_of) -> FlaskForm:
    """A question's form. `earlier` are the choice questions it may depend on (with their
    options, each labelled by `label_of(question, key)`); option rows keep their key hidden,
    so a re-worded option still counts with the answers it had."""
    locales = partnership.locales
    option_fields = {
        code: StringField(
            language_name(code),
            validators=[Length(max=200)],
            render_kw={"lang": code.replace("_", "-"), "dir": "auto"},
        )
        for code in locales
    }
    option_form = type("OptionForm", (Form,), {"key": HiddenField(), **option_fields})
    existing = len(question.choices) if question is not None else 0
    rows = min(max(existing + BLANK_CHOICES, BLANK_CHOICES), MAX_CHOICES)

    class QuestionForm(FlaskForm):
        kind = SelectField(_l("Kind of question"), choices=list(KIND_LABELS.items()))
        text = FormField(_texts_form(locales, area=True), _l("Question"))
        choices = FieldList(FormField(option_form), min_entries=rows, max_entries=MAX_CHOICES)
        minimum = FloatField(_l("Smallest number accepted"), validators=[Optional()])
        maximum = FloatField(_l("Largest number accepted"), validators=[Optional()])
        # "Always" when absent: the page shows this field only once an earlier choice
        # question exists, so the first question's form does not send it.
        show_if_question_id = SelectField(
            _l("Ask this question"),
            coerce=int,
            default=0,
            choices=[
                (0, _l("Always")),
                *(
                    (q.id, _l("Only after an answer to: %(question)s", question=label_of(q, None)))
                    for q in earlier
                ),
            ],
        )
        show_if_choices = MultiCheckboxField(
            _l("Answers that show it"),
            choices=[
                (f"{q.id}:{key}", label_of(q, key)) for q in earlier for key in choice_keys(q)
            ],
        )

        def service_fields(self) -> dict:
            depends_on = self.show_if_question_id.data or None
            prefix = f"{depends_on}:"
            return {
                "kind": self.kind.data,
                "text": _texts(self.text.data),
                "choices": [
                    {
                        "key": row["key"] or None,
                        "label": {code: (row.get(code) or "").strip() for code in locales},
                    }
                    for row in self.choices.data
                ],
                "minimum": self.minimum.data,
                "maximum": self.maximum.data,
                "show_if_question_id": depends_on,
                "show_if_choices": [
                    value.removeprefix(prefix)
                    for value in self.show_if_choices.data or []
                    if value.startswith(prefix)
                ],
            }

    if question is None:
        return QuestionForm()
    return QuestionForm(
        data={
            "kind": question.kind,
            "text": question.text,
            "choices": [{"key": c["key"], **c["label"]} for c in question.choices],
            "minimum": question.minimum,
            "maximum": question.maximum,
            "show_if_question_id": question.show_if_question_id or 0,
            "show_if_choices": [
                f"{question.show_if_question_id}:{key}" for key in question.show_if_choices
            ],
        }
    )


def outcome_form(*, partnership, outcome: dict, sections) -> FlaskForm:
    """The shared understanding: items under each section, a text per language each."""
    texts = _texts_form(partnership.locales, area=True, maxlength=2000)

    class ItemForm(Form):
        key = HiddenField()
        text = FormField(texts, _l("Text"))
        remove = BooleanField(_l("Remove this item"))

    fields = {
        section: FieldList(
            FormField(ItemForm),
            min_entries=len(outcome.get(section) or []) + BLANK_ITEMS,
            max_entries=MAX_ITEMS,
        )
        for section in sections
    }
    form_class = type("OutcomeForm", (FlaskForm,), fields)
    data = {
        section: [{"key": item["key"], "text": item["text"]} for item in outcome.get(section) or []]
        for section in sections
    }
    form = form_class(data=data)
    form.sections = list(sections)
    return form


def apply_error(form, error: ServiceError) -> None:
    """Show a refusal beside the (possibly nested) field it names - a group such as the
    options counts too - with a summary at the top; else at the top alone."""
    named = error.field and (
        next((f for f in form_fields(form) if f.name == error.field), None)
        or next((f for f in form if f.name == error.field), None)
    )
    if not named:
        form.form_errors.append(error.message)
        return
    if named.type in ("FieldList", "FormField"):
        named.group_errors = [error.message]  # a list's own errors hold its entries'
    else:
        named.errors = [*named.errors, error.message]
    form.form_errors.append(_l("Please correct the fields marked below."))
