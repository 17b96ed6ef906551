"""Forms of the leaver protocol: announcing a departure, handing over one item, and a
facilitator settling a departure with work left."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, SelectField, TextAreaField
from wtforms.validators import DataRequired, Length

from hsbp.db import id_or_none
from hsbp.governance import departures, handover

WORK_ROLE_LABELS = {
    "lead": _l("Action it leads"),
    "supporting": _l("Action it supports"),
    "budget": _l("Budget line in the charter"),
    "concerned": _l("Grievance concerning it"),
    "officer": _l("Grievance its representative handles"),
}


class DepartureForm(FlaskForm):
    leaving_on = DateField(
        _l("Leaving date"),
        description=_l("Its work must be handed over to other partners before this date."),
        validators=[DataRequired(message=_l("Give the leaving date."))],
    )
    reason = TextAreaField(
        _l("Why it leaves (optional)"), validators=[Length(max=departures.REASON_MAX)]
    )


class HandoverForm(FlaskForm):
    kind = HiddenField()
    item = HiddenField()
    # The service checks the partner, so that one that has left is refused in words.
    to_partner_id = SelectField(
        _l("Hand over to"), coerce=id_or_none, validate_choice=False, choices=[]
    )
    note = TextAreaField(_l("Note (optional)"), validators=[Length(max=handover.NOTE_MAX)])

    def set_partners(self, partners) -> None:
        self.to_partner_id.choices = [(None, "—"), *((p.id, p.name) for p in partners)]


class SettleForm(FlaskForm):
    reason = TextAreaField(
        _l("Why it leaves before everything is handed over"),
        validators=[Length(max=departures.REASON_MAX)],
    )
