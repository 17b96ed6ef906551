"""The forms of votes on review decisions and of the minutes' sign-off. The services check
every value; these only carry them."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as _p
from flask_wtf import FlaskForm
from wtforms import IntegerField, RadioField, SelectField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange

from hsbp.monitoring.review_models import DEFAULT_SIGNOFF_DAYS
from hsbp.monitoring.review_vote_models import Choice, Stance
from hsbp.monitoring.review_votes import COMMENT_MAX, SIGNOFF_DAYS_MAX

CHOICE_LABELS = {
    Choice.FOR: _p("vote", "For"),
    Choice.AGAINST: _p("vote", "Against"),
    Choice.ABSTAIN: _p("vote", "Abstain"),
}
STANCE_LABELS = {
    Stance.CONFIRM: _p("minutes sign-off", "Confirmed"),
    Stance.COMMENT: _p("minutes sign-off", "Commented"),
}


class VoteForm(FlaskForm):
    choice = RadioField(
        _l("Your organisation's vote"),
        choices=list(CHOICE_LABELS.items()),
        validators=[InputRequired(_l("Choose for, against or abstain."))],
        validate_choice=False,
    )


def record_vote_form(partners, formdata=None) -> FlaskForm:
    """`partners`: those present who may vote, for the facilitator to record one's vote."""

    class RecordVoteForm(FlaskForm):
        partner_id = SelectField(
            _l("Partner"),
            choices=[(str(p.id), p.name) for p in partners],
            validate_choice=False,
        )
        choice = RadioField(
            _l("Its vote"),
            choices=list(CHOICE_LABELS.items()),
            validators=[InputRequired(_l("Choose for, against or abstain."))],
            validate_choice=False,
        )

    # Prefixed: its fields' ids must differ from the representative's form's.
    return RecordVoteForm(formdata=formdata, prefix="record")


class ButtonForm(FlaskForm):
    """A form that is only a button (confirm a vote, close the vote)."""


class FinishMinutesForm(FlaskForm):
    days = IntegerField(
        _l("Days to sign off"),
        default=DEFAULT_SIGNOFF_DAYS,
        validators=[
            InputRequired(_l("Give the number of days.")),
            NumberRange(min=1, max=SIGNOFF_DAYS_MAX),
        ],
        render_kw={"inputmode": "numeric"},
    )


class SignoffForm(FlaskForm):
    stance = RadioField(
        _l("The minutes"),
        choices=[
            (Stance.CONFIRM, _l("I confirm them as a true record")),
            (Stance.COMMENT, _l("I have a comment")),
        ],
        validators=[InputRequired(_l("Choose to confirm or to comment."))],
        validate_choice=False,
    )
    comment = TextAreaField(
        _l("Comment"), validators=[Length(max=COMMENT_MAX)], render_kw={"rows": 3}
    )
