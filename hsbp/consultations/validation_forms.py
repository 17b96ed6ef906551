"""The forms of an outcome's validation: sending it to the partners with a deadline, a
partner's answer, and proceeding past an unmet deadline with a reason."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as _p
from flask_wtf import FlaskForm
from wtforms import DateField, RadioField, TextAreaField
from wtforms.validators import InputRequired, Length

from hsbp.consultations.validation import TEXT_MAX
from hsbp.consultations.validation_models import OutcomeStance
from hsbp.consultations.validation_standing import (
    EXPIRED,
    OPEN,
    PROCEEDED,
    UNSENT,
    VALIDATED,
)

STANCE_LABELS = {
    OutcomeStance.CONFIRM: _p("outcome answer", "Confirmed"),
    OutcomeStance.CHANGES: _p("outcome answer", "Asks for changes"),
}
STATE_LABELS = {
    UNSENT: _p("outcome validation", "Not sent to the partners"),
    OPEN: _p("outcome validation", "With the partners"),
    VALIDATED: _p("outcome validation", "Validated"),
    EXPIRED: _p("outcome validation", "Deadline passed"),
    PROCEEDED: _p("outcome validation", "Used without validation"),
}


class SendForm(FlaskForm):
    deadline = DateField(
        _l("Partners answer until"),
        validators=[InputRequired(message=_l("Choose a deadline."))],
        description=_l("Answers are taken until the end of that day, where the partnership is."),
    )


class AnswerForm(FlaskForm):
    stance = RadioField(
        _l("Your partner's answer"),
        choices=[
            (OutcomeStance.CONFIRM, _l("Confirm the outcome")),
            (OutcomeStance.CHANGES, _l("Ask for changes")),
        ],
        validators=[InputRequired(message=_l("Choose to confirm or to ask for changes."))],
    )
    comment = TextAreaField(
        _l("Comment"),
        validators=[Length(max=TEXT_MAX)],
        description=_l("Required when you ask for changes: say which."),
    )


class ProceedForm(FlaskForm):
    reason = TextAreaField(
        _l("Why the outcome feeds the charter without the partners' validation"),
        validators=[Length(max=TEXT_MAX)],
        description=_l("The reason is kept in the audit record and shown with the outcome."),
    )
