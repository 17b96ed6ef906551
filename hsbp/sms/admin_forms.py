"""Forms and labels of the facilitators' SMS pages."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as _p
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from hsbp.i18n import language_name
from hsbp.partnerships.forms import MultiCheckboxField
from hsbp.sms import updates
from hsbp.sms.admin_common import MAX_BODY
from hsbp.sms.broadcasts import body_field
from hsbp.sms.models import OutboundStatus

STATUS_LABELS = {
    OutboundStatus.QUEUED: _p("SMS status", "Queued"),
    OutboundStatus.SENDING: _p("SMS status", "Sending"),
    OutboundStatus.SENT: _p("SMS status", "Sent"),
    OutboundStatus.DELIVERED: _p("SMS status", "Delivered"),
    OutboundStatus.UNDELIVERED: _p("SMS status", "Undelivered"),
    OutboundStatus.FAILED: _p("SMS status", "Failed"),
    OutboundStatus.CANCELLED: _p("SMS status", "Cancelled"),
    OutboundStatus.WITHHELD: _p("SMS status", "Withheld: no consent"),
}
CONSENT_EVENT_LABELS = {
    "join": _p("SMS consent", "Joined"),
    "added": _p("SMS consent", "Added, to be confirmed"),
    "confirm": _p("SMS consent", "Confirmed"),
    "decline": _p("SMS consent", "Declined"),
    "opt_in": _p("SMS consent", "Opted in"),
    "opt_out": _p("SMS consent", "Opted out"),
    **updates.CONSENT_LABELS,
}
CONSENT_CHANNEL_LABELS = {
    "sms": _l("by SMS"),
    "web": _l("recorded on the web"),
    "import": _l("imported from the register"),
    "provider": _l("reported by the SMS provider"),
}
# A contact's state in the list (hsbp.sms.contact_admin.STATES).
CONTACT_STATE_LABELS = {
    "confirmed": _p("SMS contact", "Confirmed"),
    "pending": _p("SMS contact", "Pending confirmation"),
    "declined": _p("SMS contact", "Declined"),
    "stopped": _p("SMS contact", "Stopped all messages"),
}
PHONE_HINT = _l("National or international format")
PARTICIPANT_HINT = _l("The name as shown in the register (a pseudonym for protected people)")


class SettingsForm(FlaskForm):
    sender = StringField(
        _l("Sender"),
        description=_l(
            "The phone number in international format (+...) or a Twilio Messaging Service SID "
            "(MG...)"
        ),
        validators=[DataRequired(), Length(max=40)],
    )
    join_code = StringField(
        _l("Join code"),
        description=_l("3 to 20 letters or digits, for example CAGUAN"),
        validators=[DataRequired(), Length(max=20)],
    )


class KeywordsForm(FlaskForm):
    """The feature keywords a partnership switches on; the unchecked ones are off. Each is
    named by its words and what it answers (hsbp.sms.switches)."""

    on = MultiCheckboxField(_l("Keywords switched on"), choices=[], validate_choice=False)

    def __init__(self, *args, switches=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.on.choices = [(s.name, f"{', '.join(s.words)}: {s.label}") for s in switches]


def _language_choices(locales) -> list[tuple[str, str]]:
    return [(code, language_name(code)) for code in locales]


class ContactFilterForm(FlaskForm):
    """The contact list's search; a GET form, so it needs no CSRF token."""

    class Meta:
        csrf = False

    q = StringField(_l("Phone number"), validators=[Length(max=40)])
    state = SelectField(_l("State"), choices=[], default="")
    language = SelectField(_l("Language"), choices=[], default="")

    def __init__(self, *args, locales=(), **kwargs):
        super().__init__(*args, **kwargs)
        anyone = ("", _l("All"))
        self.state.choices = [anyone, *CONTACT_STATE_LABELS.items()]
        self.language.choices = [
            anyone,
            *_language_choices(locales),
            ("none", _l("Not chosen")),
        ]


class ContactForm(FlaskForm):
    phone = StringField(
        _l("Phone number"), description=PHONE_HINT, validators=[DataRequired(), Length(max=40)]
    )
    locale = SelectField(
        _l("Language of the messages"),
        description=_l("Used for the confirmation question if the person has no language yet"),
        choices=[],
    )
    consent_note = TextAreaField(
        _l("How and when consent was obtained"),
        description=_l(
            "For example: agreed at the community meeting in La Esperanza on 3 March, "
            "witnessed by the community leader"
        ),
        validators=[DataRequired(), Length(max=2000)],
    )
    participant = StringField(
        _l("Participant in the register (optional)"),
        description=PARTICIPANT_HINT,
        validators=[Length(max=200)],
    )

    def __init__(self, *args, locales=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.locale.choices = _language_choices(locales)


class ReplyForm(FlaskForm):
    body = TextAreaField(_l("Reply"), validators=[DataRequired(), Length(max=MAX_BODY)])


class LinkForm(FlaskForm):
    target = StringField(
        _l("Participant"),
        description=PARTICIPANT_HINT,
        validators=[DataRequired(), Length(max=200)],
    )


class PhoneChoiceForm(FlaskForm):
    """Which number the simulator acts as; a GET form."""

    class Meta:
        csrf = False

    phone = StringField(_l("Act as the phone number"), description=PHONE_HINT)


class SimulatorForm(FlaskForm):
    phone = HiddenField()
    body = StringField(_l("Message"), validators=[DataRequired(), Length(max=MAX_BODY)])


class BroadcastForm(FlaskForm):
    audience = SelectField(
        _l("Audience"),
        description=_l(
            "Only contacts who confirmed by SMS receive it. Sectors, groups and localities "
            "are those of the participants contacts are linked to in the register"
        ),
        choices=[],
    )

    def bodies(self) -> dict[str, str]:
        return {code: self[body_field(code)].data or "" for code in self.locales}


def broadcast_form(locales: list[str], *, audience_choices, **kwargs) -> BroadcastForm:
    """A broadcast form with one text area per language of the partnership."""

    class Form(BroadcastForm):
        pass

    for code in locales:
        setattr(
            Form,
            body_field(code),
            TextAreaField(
                _("Message in %(language)s", language=language_name(code)),
                validators=[Length(max=MAX_BODY)],
                render_kw={"lang": code.replace("_", "-"), "rows": 4},
            ),
        )
    form = Form(**kwargs)
    form.locales = list(locales)
    form.audience.choices = audience_choices
    return form


class FakeFaultForm(FlaskForm):
    """Training: make the fake Twilio misbehave, to see retries and refusals handled."""

    fault = SelectField(
        _l("What Twilio should do next"),
        choices=[
            ("429", _l("Answer 'too many requests' to the next 5 sends")),
            ("503", _l("Be unavailable for one minute")),
            ("reset", _l("Work normally again")),
        ],
    )
