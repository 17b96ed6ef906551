"""Forms of the privacy desk: looking a person up by number, and choosing an export's
language."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length

from hsbp.i18n import UI_LOCALES


class LookupForm(FlaskForm):
    """Posted, never sent in a link: a number in an address would stay in histories and logs."""

    phone = StringField(
        _l("Phone number"),
        description=_l("National or international format"),
        validators=[DataRequired(), Length(max=40)],
    )


class ExportForm(FlaskForm):
    """Asking for a person's export, in a language: posted, as it shows an identity and writes
    to the audit log."""

    lang = SelectField(_l("Language of the export"), choices=[])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.lang.choices = [(loc.code, loc.native_name) for loc in UI_LOCALES]
