"""The form that sends a community check of a done action: who is asked, the question in each
language of the partnership, the closing date."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as _p
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, TextAreaField
from wtforms.validators import InputRequired, Length

from hsbp.community.checks import QUESTION_MAX, question_field
from hsbp.community.models import QuestionStatus
from hsbp.i18n import language_name

STATUS_LABELS = {
    QuestionStatus.OPEN: _p("community check status", "Open"),
    QuestionStatus.CLOSED: _p("community check status", "Closed"),
}


class CheckForm(FlaskForm):
    # The service refuses an audience that is not on the list, with its own message.
    audience = SelectField(_l("Who is asked"), choices=[], validate_choice=False)
    closes_on = DateField(
        _l("Closes on"),
        validators=[InputRequired(message=_l("Choose a closing date."))],
        description=_l("Answers are taken until the end of that day, where the partnership is."),
    )

    def questions(self) -> dict[str, str]:
        return {code: self[question_field(code)].data or "" for code in self.locales}


def check_form(locales: list[str], *, audience_choices, **kwargs) -> CheckForm:
    """A check form with one question per language of the partnership."""

    class Form(CheckForm):
        pass

    for code in locales:
        setattr(
            Form,
            question_field(code),
            TextAreaField(
                _("Question in %(language)s", language=language_name(code)),
                validators=[Length(max=QUESTION_MAX)],
                render_kw={"lang": code.replace("_", "-"), "rows": 2, "dir": "auto"},
            ),
        )
    form = Form(**kwargs)
    form.locales = list(locales)
    form.audience.choices = audience_choices
    return form
