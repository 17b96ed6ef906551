"""The form that records a person's answer for one purpose."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as _p
from flask_wtf import FlaskForm
from wtforms import DateField, RadioField, SelectField
from wtforms.validators import InputRequired, Optional

from hsbp.consent.labels import CHANNEL_LABELS, PURPOSE_LABELS

GIVEN, WITHDRAWN = "granted", "withdrawn"


class ConsentForm(FlaskForm):
    purpose = SelectField(_l("Purpose"), choices=[])
    answer = RadioField(
        _p("consent answer", "Answer"),
        choices=[
            (GIVEN, _p("consent answer", "Given")),
            (WITHDRAWN, _p("consent answer", "Withdrawn or refused")),
        ],
        default=GIVEN,
        validators=[InputRequired(message=_l("Say whether consent was given or withdrawn."))],
    )
    channel = SelectField(_l("How the answer was given"), choices=[])
    given_on = DateField(
        _l("Day of the answer"),
        validators=[InputRequired(message=_l("Give the day of the answer."))],
    )
    expires_on = DateField(
        _l("Last day (optional)"),
        validators=[Optional()],
        description=_l(
            "For a consent given for a time only. Once it ends, nothing more is sent for this "
            "purpose, and the person is asked once by SMS whether to renew it."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.purpose.choices = [(str(p), label) for p, label in PURPOSE_LABELS.items()]
        self.channel.choices = [(str(c), label) for c, label in CHANNEL_LABELS.items()]

    @property
    def granted(self) -> bool:
        return self.answer.data == GIVEN
