"""The retention schedule's form: one whole number per rule, within its bounds."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField
from wtforms.validators import InputRequired, NumberRange

from hsbp.retention.services import BOUNDS


def _number(label, field: str, description) -> IntegerField:
    low, high = BOUNDS[field]
    return IntegerField(
        label,
        validators=[InputRequired(), NumberRange(min=low, max=high)],
        description=description,
    )


class ScheduleForm(FlaskForm):
    sms_body_days = _number(
        _l("Remove the text of SMS messages after this many days"),
        "sms_body_days",
        _l("From 7 to 3650 days; at least the grievance deadlines."),
    )
    grievance_identity_months = _number(
        _l("Remove complainants' identities this many months after closing"),
        "grievance_identity_months",
        _l("From 1 to 120 months."),
    )
    consultation_raw_days = _number(
        _l("Remove raw SMS answers this many days after a consultation closes"),
        "consultation_raw_days",
        _l("From 7 to 3650 days."),
    )
    dropped_evidence_days = _number(
        _l("Delete the files of dropped actions after this many days"),
        "dropped_evidence_days",
        _l("From 30 to 3650 days."),
    )
    audit_detail_years = _number(
        _l("Remove personal details from audit entries after this many years"),
        "audit_detail_years",
        _l("From 1 to 30 years."),
    )
