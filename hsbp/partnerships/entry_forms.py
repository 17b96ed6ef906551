"""Forms of entry by the protocol: proposing a partner, and a partner's answer."""

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as _p
from flask_wtf import FlaskForm
from wtforms import EmailField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, Optional

from hsbp.partnerships import entry
from hsbp.partnerships.entry_models import ProposalStatus
from hsbp.partnerships.forms import SECTOR_LABELS

STANCE_LABELS = {"endorse": _l("Accept"), "object": _l("Object")}
PROPOSAL_STATUS_LABELS = {
    ProposalStatus.OPEN: _p("partner proposal status", "Open"),
    ProposalStatus.ACCEPTED: _p("partner proposal status", "Accepted"),
    ProposalStatus.REFUSED: _p("partner proposal status", "Refused"),
    ProposalStatus.WITHDRAWN: _p("partner proposal status", "Withdrawn"),
}


class ProposalForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=entry.NAME_MAX)])
    sector = SelectField(_l("Sector"), choices=list(SECTOR_LABELS.items()))
    description = TextAreaField(_l("Description"), validators=[Length(max=entry.TEXT_MAX)])
    reason = TextAreaField(
        _l("Why it should join"),
        description=_l("What it brings to the partnership's goals, and what it can commit."),
        validators=[DataRequired(), Length(max=entry.TEXT_MAX)],
    )
    contact_name = StringField(
        _l("Contact person (optional)"), validators=[Length(max=entry.CONTACT_MAX)]
    )
    contact_email = EmailField(
        _l("Contact's e-mail address (optional)"),
        validators=[Optional(), Email(), Length(max=entry.EMAIL_MAX)],
    )

    def service_fields(self) -> dict:
        return {
            "name": self.name.data or "",
            "sector": self.sector.data,
            "description": self.description.data or "",
            "reason": self.reason.data or "",
            "contact_name": self.contact_name.data or "",
            "contact_email": self.contact_email.data or "",
        }


class AnswerForm(FlaskForm):
    stance = RadioField(
        _l("Your partner's answer"),
        choices=list(STANCE_LABELS.items()),
        validators=[DataRequired(message=_l("Choose to accept or to object."))],
    )
    comment = TextAreaField(
        _l("Comment"),
        description=_l("Required when you object."),
        validators=[Length(max=entry.TEXT_MAX)],
    )
