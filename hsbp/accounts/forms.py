"""Forms of the account administration pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as _p
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from hsbp.accounts.queries import SEARCH_MAX, SecondFactor, State
from hsbp.accounts.services import DEACTIVATION_REASONS, REASON_MAX, REASON_MIN


def _strip(value):
    return value.strip() if isinstance(value, str) else value


STATE_LABELS = {
    State.ACTIVE: _p("account", "Active"),
    State.DEACTIVATED: _p("account", "Deactivated"),
}
SECOND_FACTOR_LABELS = {
    SecondFactor.ON: _p("second factor", "On"),
    SecondFactor.OFF: _p("second factor", "Off"),
    SecondFactor.MISSING: _p("second factor", "Required, not set up"),
}


class AccountFilterForm(FlaskForm):
    """The account list's search; a GET form, so it needs no CSRF token."""

    class Meta:
        csrf = False

    q = StringField(_l("Name or e-mail"), filters=[_strip], validators=[Length(max=SEARCH_MAX)])
    state = SelectField(_l("State"), choices=[], default="")
    second_factor = SelectField(_l("Second factor"), choices=[], default="")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        anyone = ("", _l("All"))
        self.state.choices = [anyone, *STATE_LABELS.items()]
        self.second_factor.choices = [anyone, *SECOND_FACTOR_LABELS.items()]


class DeactivateForm(FlaskForm):
    reason = SelectField(_l("Why (optional)"), choices=[], default="")

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "deactivate")
        super().__init__(*args, **kwargs)
        self.reason.choices = [("", _l("Not said")), *DEACTIVATION_REASONS.items()]


class ReactivateForm(FlaskForm):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "reactivate")
        super().__init__(*args, **kwargs)


class ResetSecondFactorForm(FlaskForm):
    reason = TextAreaField(
        _l("Why the second factor is reset"),
        description=_l(
            "Kept in the audit log. For example: phone lost, confirmed by a call. Write no "
            "personal data of anyone: no name, phone number or e-mail address."
        ),
        filters=[_strip],
        validators=[DataRequired(), Length(min=REASON_MIN, max=REASON_MAX)],
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "reset")
        super().__init__(*args, **kwargs)
