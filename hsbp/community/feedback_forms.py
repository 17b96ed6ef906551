"""The form of a "you said, we did" message: one text per language of the partnership."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, TextAreaField
from wtforms.validators import Length

from hsbp.i18n import language_name
from hsbp.sms.admin_common import MAX_BODY
from hsbp.sms.broadcasts import body_field

# What the form's buttons ask for (the name of the button pressed); sending is the default.
ACTIONS = ("send", "save", "count", "refill")


class FeedbackForm(FlaskForm):
    again = BooleanField(_l("Send another message to the same people"))

    locales: list[str]

    def bodies(self) -> dict[str, str]:
        return {code: self[body_field(code)].data or "" for code in self.locales}

    def sized(self):
        """(language, its field) in the partnership's order."""
        return [(code, self[body_field(code)]) for code in self.locales]


def feedback_form(locales: list[str], **kwargs) -> FeedbackForm:
    """A form with one text area per language; `data={body_field(code): text}` fills it."""

    class Form(FeedbackForm):
        pass

    for code in locales:
        setattr(
            Form,
            body_field(code),
            TextAreaField(
                _("Message in %(language)s", language=language_name(code)),
                validators=[Length(max=MAX_BODY)],
                render_kw={"lang": code.replace("_", "-"), "dir": "auto", "rows": 3},
            ),
        )
    form = Form(**kwargs)
    form.locales = list(locales)
    return form


def filled(texts: dict[str, str]) -> dict[str, str]:
    """The form's data for `texts` ({language: text})."""
    return {body_field(code): text for code, text in texts.items()}
