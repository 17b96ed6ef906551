"""Forms of the context assessment: the labels of its states, answers and parts, starting a
draft, the editor (built for each partnership's languages) and a partner's answer.

The editor's field names are those the document's cleaning names in its refusals
(`threats-2-text-es`, `actors-0-participant`), so an error lands beside its field. Each part
offers blank rows to fill, and "Save and add more rows" brings more: no script needed."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as _p
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length

from hsbp.human_security import DIMENSION_LABELS, Dimension
from hsbp.i18n import language_name
from hsbp.risks.context import COMMENT_MAX, SUMMARY_MAX, Stance
from hsbp.risks.context_content import MAX_ROWS, SECTIONS, SHORT_MAX, TEXT_MAX, ChangeKind
from hsbp.risks.context_models import ContextStatus

STATUS_LABELS = {
    ContextStatus.DRAFT: _p("context status", "Draft"),
    ContextStatus.PROPOSED: _p("context status", "Proposed"),
    ContextStatus.VALIDATED: _p("context status", "Validated"),
    ContextStatus.SUPERSEDED: _p("context status", "Superseded"),
}
STANCE_LABELS = {
    Stance.CONFIRM: _p("context stance", "Confirm"),
    Stance.COMMENT: _p("context stance", "Comment"),
}
ANSWER_LABELS = {
    Stance.CONFIRM: _p("context answer", "Confirmed"),
    Stance.COMMENT: _p("context answer", "Commented"),
}
SECTION_LABELS = {
    "threats": _l("Threats to human security"),
    "dividers": _l("Dividers"),
    "connectors": _l("Connectors"),
    "actors": _l("Key actors"),
    "trends": _l("Trends by locality"),
}
SECTION_HINTS = {
    "threats": _l(
        "What threatens people's security here, by dimension and, where it is local, by place."
    ),
    "dividers": _l(
        "What sets groups against each other: disputes over land or water, exclusion, "
        "grievances, rumours. The partnership's work must not feed them."
    ),
    "connectors": _l(
        "What brings people together across divides: markets, schools, shared places, "
        "local institutions, people trusted on all sides. The work should strengthen them."
    ),
    "actors": _l(
        "Who shapes the context, and how. Choose a mapped participant (a protected person "
        "shows by pseudonym) or write the name of an actor that is not mapped."
    ),
    "trends": _l("What is changing, place by place."),
}
CHANGE_LABELS = {
    ChangeKind.ADDED: _p("context change", "Added"),
    ChangeKind.REMOVED: _p("context change", "Removed"),
    ChangeKind.CHANGED: _p("context change", "Changed"),
}
START_LABELS = {
    "copy": _l("Copy the validated version, then revise it"),
    "empty": _l("Start from an empty assessment"),
}
# Blank rows offered under each part: fill one to add an item.
BLANK_ROWS = 2
ROW_SECTIONS = SECTIONS


class StartForm(FlaskForm):
    start = RadioField(
        _l("The new version"),
        choices=list(START_LABELS.items()),
        default="copy",
        validators=[InputRequired(message=_l("Choose how to start the new version."))],
    )


class AnswerForm(FlaskForm):
    stance = RadioField(
        _l("Your partner's answer"),
        choices=list(STANCE_LABELS.items()),
        validators=[InputRequired(message=_l("Choose to confirm or to comment."))],
    )
    comment = TextAreaField(
        _l("Comment"),
        validators=[Length(max=COMMENT_MAX)],
        description=_l("Required with a comment: say what is missing or should change."),
    )


def _texts_form(locales: list[str], rows: int) -> type[Form]:
    fields = {
        code: TextAreaField(
            language_name(code),
            validators=[Length(max=TEXT_MAX)],
            render_kw={"rows": rows, "lang": code.replace("_", "-")},
        )
        for code in locales
    }
    return type("TextsForm", (Form,), fields)


def _locality(label=None) -> StringField:
    return StringField(
        label or _l("Locality"),
        validators=[Length(max=SHORT_MAX)],
        description=_l("Optional: the village, district or area."),
    )


def editor_form(locales: list[str], content: dict, summary: str, labels: dict[int, str]):
    """The editor of a draft holding `content` and `summary`, in the partnership's
    `locales`; `labels`: {participant id: picker label} of the actors it names. On a POST
    it reads the request."""
    texts = _texts_form(locales, 2)

    class ThreatForm(Form):
        key = HiddenField()
        dimension = SelectField(
            _l("Dimension"),
            choices=[("", "—"), *((d.value, DIMENSION_LABELS[d]) for d in Dimension)],
            # The service refuses a missing or unknown dimension with its own message.
            validate_choice=False,
        )
        locality = _locality()
        text = FormField(texts, _l("The threat"))
        remove = BooleanField(_l("Remove this threat"))

    class ItemForm(Form):
        key = HiddenField()
        locality = _locality()
        text = FormField(texts, _l("Description"))
        remove = BooleanField(_l("Remove this item"))

    class ActorForm(Form):
        key = HiddenField()
        participant = StringField(
            _l("Mapped participant"),
            validators=[Length(max=SHORT_MAX + 20)],
            description=_l("Type the name shown in the register and pick it."),
        )
        name = StringField(
            _l("Or the name of an actor not mapped"),
            validators=[Length(max=SHORT_MAX)],
            description=_l(
                "An armed group, an authority, a company: every member reads this name. "
                "Map a person first and choose them instead."
            ),
        )
        role = FormField(texts, _l("Role and influence"))
        remove = BooleanField(_l("Remove this actor"))

    class TrendForm(Form):
        key = HiddenField()
        locality = StringField(_l("Locality"), validators=[Length(max=SHORT_MAX)])
        text = FormField(texts, _l("The trend"))
        remove = BooleanField(_l("Remove this trend"))

    row_forms = {
        "threats": ThreatForm,
        "dividers": ItemForm,
        "connectors": ItemForm,
        "actors": ActorForm,
        "trends": TrendForm,
    }
    lists = {
        section: FieldList(
            FormField(row_forms[section]),
            min_entries=len(content.get(section) or []) + BLANK_ROWS,
            max_entries=MAX_ROWS,
        )
        for section in SECTIONS
    }

    class EditorForm(FlaskForm):
        summary = TextAreaField(
            _l("Note on this version"),
            validators=[Length(max=SUMMARY_MAX)],
            description=_l("What this version revises, and why. Read by every member."),
            render_kw={"rows": 2},
        )

        def content(self) -> dict:
            """The document as the service's cleaning expects it (actors by picker label)."""
            return {section: self[section].data for section in SECTIONS}

    for section, field in lists.items():
        setattr(EditorForm, section, field)
    data = {section: [dict(item) for item in content.get(section) or []] for section in SECTIONS}
    for actor in data["actors"]:
        actor["participant"] = labels.get(actor.get("participant_id"), "")
    return EditorForm(data={**data, "summary": summary})
