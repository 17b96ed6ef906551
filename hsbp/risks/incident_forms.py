"""Forms of the incident pages: recording one heard in person, correcting its place,
attaching it to a risk, and the list's filters. The services check every value again."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as _p
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from hsbp.risks.incident_models import IncidentStatus
from hsbp.risks.incidents import LOCALITY_MAX, TEXT_MAX

STATUS_LABELS = {
    IncidentStatus.NEW: _p("incident status", "New"),
    IncidentStatus.ACKNOWLEDGED: _p("incident status", "Acknowledged"),
    IncidentStatus.CLOSED: _p("incident status", "Closed"),
}
CHANNEL_LABELS = {"sms": _l("SMS (ALERT)"), "web": _l("Recorded by a member")}
# The filter's value for incidents whose place is not known (a place is never one dash).
NO_PLACE = "-"


def _locality_field():
    return StringField(
        _l("Place"),
        description=_l(
            "The village, road or area where it happens. Pick a known place or type one."
        ),
        validators=[Length(max=LOCALITY_MAX)],
    )


class RecordForm(FlaskForm):
    description = TextAreaField(
        _l("What is happening"),
        description=_l(
            "Who is at risk, what was seen or heard, since when. No names of people who told you."
        ),
        validators=[
            DataRequired(message=_l("Say what is happening.")),
            Length(max=TEXT_MAX),
        ],
    )
    locality = _locality_field()
    anonymous = BooleanField(
        _l("Keep the source anonymous: the incident keeps only its day, not who recorded it")
    )


class LocalityForm(FlaskForm):
    locality = _locality_field()


class AttachForm(FlaskForm):
    risk = StringField(
        _l("Risk number"),
        description=_l("As the register shows it, for example R-4."),
        validators=[DataRequired(message=_l("Type the number of a risk."))],
    )


class FilterForm(FlaskForm):
    """The list's filters; a GET form, so it needs no CSRF token."""

    class Meta:
        csrf = False

    status = SelectField(_l("Status"), choices=[], default="")
    locality = SelectField(_l("Place"), choices=[], default="")

    def __init__(self, *args, localities=(), **kwargs):
        super().__init__(*args, **kwargs)
        everything = ("", _l("All"))
        self.status.choices = [everything, *STATUS_LABELS.items()]
        places = [(place, place) for place in localities if place]
        if "" in localities:
            places.append((NO_PLACE, _l("Place not known")))
        self.locality.choices = [everything, *places]

    def chosen(self) -> tuple[str | None, str | None]:
        """(status, place) asked for among those offered; anything else filters nothing."""
        self.validate()
        status = self.status.data if self.status.data and not self.status.errors else None
        place = self.locality.data if self.locality.data and not self.locality.errors else None
        if place == NO_PLACE:
            place = ""
        for field in self:
            field.errors = []  # a filter shows no errors: it ignores what it cannot use
        return status, place
