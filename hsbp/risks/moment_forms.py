"""The form of a key moment, built for the partners the member may keep moments for."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange

from hsbp.partnerships.models import Partner
from hsbp.risks import key_moments


def moment_form(partners: list[Partner], **kwargs) -> FlaskForm:
    """The form, offering `partners` (a representative: its own alone)."""

    class MomentForm(FlaskForm):
        partner_id = SelectField(
            _l("Partner"),
            choices=[(p.id, p.name) for p in partners],
            coerce=int,
            validators=[InputRequired(_l("Choose a partner of this partnership."))],
        )
        kind = SelectField(
            _l("Kind of moment"),
            choices=list(key_moments.KIND_LABELS.items()),
            validators=[InputRequired(_l("Choose what kind of moment it is."))],
        )
        title = StringField(
            _l("What it is"),
            validators=[
                InputRequired(_l("Say what the moment is.")),
                Length(max=key_moments.TITLE_MAX),
            ],
            description=_l("For example: renewal of the security services contract."),
            render_kw={"maxlength": key_moments.TITLE_MAX},
        )
        occurs_on = DateField(
            _l("Date"), validators=[InputRequired(_l("Give the date of the moment."))]
        )
        remind_days_before = IntegerField(
            _l("Remind this many days before"),
            default=key_moments.REMIND_DEFAULT,
            validators=[
                InputRequired(
                    _l("Give a number of days from 0 to %(max)d.", max=key_moments.REMIND_MAX)
                ),
                NumberRange(
                    min=0,
                    max=key_moments.REMIND_MAX,
                    message=_l(
                        "Give a number of days from 0 to %(max)d.", max=key_moments.REMIND_MAX
                    ),
                ),
            ],
            description=_l(
                "The partner's representatives and the facilitators get one e-mail then, "
                "listing the open risks where the moment could be used."
            ),
            render_kw={"min": 0, "max": key_moments.REMIND_MAX, "inputmode": "numeric"},
        )
        note = TextAreaField(
            _l("Note"),
            validators=[Length(max=key_moments.NOTE_MAX)],
            description=_l("What to ask for at this moment, who takes part."),
            render_kw={"rows": 3, "maxlength": key_moments.NOTE_MAX},
        )

    return MomentForm(**kwargs)


def values_of(form) -> dict:
    return {name: form[name].data for name in key_moments.FIELDS}
