"""The form of a system SMS text written in a local language."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import Length

from hsbp.sms.local_text_checks import MAX_TEXT


class LocalTextForm(FlaskForm):
    # Longer than a text may be, so that a long one comes back with its size and the
    # service's message rather than the form's.
    text = TextAreaField(_l("Translation"), validators=[Length(max=MAX_TEXT * 4)])
