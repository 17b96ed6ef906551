"""The forms of a connection's page: its leverage, the guiding questions, a step on the
escalation ladder and the responsible-disengagement assessment. Each has its own prefix, so
the page holds them all and one posted with errors shows beside the others; the services
check every value again."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from hsbp.risks import disengagement, escalation, leverage, questions

NOT_ASSESSED = _l("Not assessed yet")


def leverage_form(kinds: tuple[str, ...], **kwargs) -> FlaskForm:
    """One choice of strength per kind of leverage the partner can hold, and a note."""
    choices = [("", NOT_ASSESSED), *leverage.STRENGTH_LABELS.items()]
    fields = {
        kind: SelectField(
            leverage.KIND_LABELS[kind],
            choices=choices,
            default="",
            description=leverage.KIND_HINTS[kind],
        )
        for kind in kinds
    }
    fields["leverage_note"] = TextAreaField(
        _l("Note on leverage"),
        validators=[Length(max=leverage.NOTE_MAX)],
        description=_l("How this leverage could be used, or built where it is weak."),
        render_kw={"rows": 4, "maxlength": leverage.NOTE_MAX},
    )
    form_class = type("LeverageForm", (FlaskForm,), fields)
    form = form_class(prefix="leverage", **kwargs)
    form.kinds = kinds
    return form


def strengths_of(form) -> dict[str, str]:
    return {kind: form[kind].data or "" for kind in form.kinds}


def questions_form(**kwargs) -> FlaskForm:
    """One answer per guiding question, in their order, named by the question's key."""
    fields = {
        q.key: TextAreaField(
            q.text,
            validators=[Length(max=questions.ANSWER_MAX)],
            description=q.hint,
            render_kw={"rows": 3, "maxlength": questions.ANSWER_MAX},
        )
        for q in questions.QUESTIONS
    }
    form_class = type("QuestionsForm", (FlaskForm,), fields)
    return form_class(prefix="questions", **kwargs)


def answers_of(form) -> dict[str, str]:
    return {key: form[key].data or "" for key in questions.KEYS}


class StepForm(FlaskForm):
    step = SelectField(
        _l("Step"),
        choices=[("", _l("Choose a step")), *escalation.STEP_LABELS.items()],
        validators=[InputRequired(_l("Choose a step of the ladder."))],
    )
    taken_on = DateField(
        _l("Taken on"),
        validators=[InputRequired(_l("Give the date the step was taken."))],
        description=_l("Up to today; steps are recorded in date order."),
    )
    note = TextAreaField(
        _l("What was done"),
        validators=[Length(max=escalation.NOTE_MAX)],
        render_kw={"rows": 3, "maxlength": escalation.NOTE_MAX},
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "step")
        super().__init__(*args, **kwargs)


class AssessmentForm(FlaskForm):
    harmed_by_leaving = TextAreaField(
        _l("Who would be harmed if the relationship ended"),
        validators=[
            InputRequired(disengagement.REQUIRED["harmed_by_leaving"]),
            Length(max=disengagement.TEXT_MAX),
        ],
        description=_l("Workers, suppliers, communities who depend on it, and how."),
        render_kw={"rows": 3, "maxlength": disengagement.TEXT_MAX},
    )
    mitigation = TextAreaField(
        _l("How that harm will be mitigated"),
        validators=[
            InputRequired(disengagement.REQUIRED["mitigation"]),
            Length(max=disengagement.TEXT_MAX),
        ],
        render_kw={"rows": 3, "maxlength": disengagement.TEXT_MAX},
    )
    notice = TextAreaField(
        _l("Notice given"),
        validators=[
            InputRequired(disengagement.REQUIRED["notice"]),
            Length(max=disengagement.TEXT_MAX),
        ],
        description=_l("To whom, how, and how long before leaving."),
        render_kw={"rows": 3, "maxlength": disengagement.TEXT_MAX},
    )
    notice_on = DateField(_l("Date the notice was given"), validators=[Optional()])

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "assessment")
        super().__init__(*args, **kwargs)
