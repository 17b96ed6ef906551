"""Forms that take in a grievance: the public form (no account), a member's, and a
facilitator's record of one heard in person or by phone."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional

from hsbp.grievances.forms import CATEGORY_LABELS
from hsbp.grievances.models import Channel
from hsbp.grievances.services import NAME_MAX, TEXT_MAX
from hsbp.i18n import language_name

# The same words as the service's refusal, so both read alike.
SAY_WHAT_HAPPENED = _l("Say what happened.")
NOT_AN_EMAIL = _l("This is not an e-mail address. Correct it or leave it empty.")


def language_choices(codes: list[str]) -> list[tuple[str, str]]:
    """Each language named in itself, so a reader finds theirs whatever the page's language."""
    named = []
    for code in codes:
        name = language_name(code, code)
        named.append((code, name[:1].upper() + name[1:]))
    return named


class GrievanceForm(FlaskForm):
    """What every way of filing asks: what happened, and optionally its category and the
    partner it concerns."""

    description = TextAreaField(
        _l("What happened?"),
        validators=[DataRequired(message=SAY_WHAT_HAPPENED), Length(max=TEXT_MAX)],
        description=_l("Say what happened, where and when, and who was affected."),
    )
    category = SelectField(_l("What is it about? (optional)"), default="")
    partner_id = SelectField(_l("Which partner does it concern? (optional)"), default="")
    submit = SubmitField(_l("Send the grievance"))

    def __init__(self, *args, partners=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.category.choices = [("", _l("I do not know")), *CATEGORY_LABELS.items()]
        self.partner_id.choices = [("", _l("I do not know, or none"))] + [
            (str(partner.id), partner.name) for partner in partners
        ]

    def identity_given(self) -> bool:
        return False

    def sends_sms(self) -> bool:
        """The filer asked for the news by SMS to the phone given (a recorded one only)."""
        return False


class _Contactable:
    """Name, phone and e-mail of someone who gives them (all optional)."""

    name = StringField(_l("Name"), validators=[Length(max=NAME_MAX)])
    phone = StringField(
        _l("Phone number"),
        validators=[Length(max=40)],
        render_kw={"type": "tel", "autocomplete": "tel"},
    )
    email = StringField(
        _l("E-mail address"),
        validators=[Optional(), Email(message=NOT_AN_EMAIL), Length(max=NAME_MAX)],
        render_kw={"type": "email", "autocomplete": "email"},
    )


ANONYMOUS_CHOICES = [
    (
        "yes",
        _l(
            "Anonymously: nothing that says who you are is kept. Nobody can contact you, so "
            "keep the code to ask about it."
        ),
    ),
    ("no", _l("With my name: only the grievance officers can see who I am.")),
]


class PublicForm(_Contactable, GrievanceForm):
    """The public form: anyone, no account, anonymous unless they choose otherwise (someone
    who fears reprisals should not have to think of it)."""

    language = RadioField(_l("The language we should answer you in"), validators=[InputRequired()])
    anonymous = RadioField(
        _l("How do you want to send it?"),
        choices=ANONYMOUS_CHOICES,
        default="yes",
        validators=[InputRequired()],
    )

    def __init__(self, *args, languages=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.language.choices = language_choices(list(languages))

    @property
    def is_anonymous(self) -> bool:
        return self.anonymous.data != "no"

    def identity_given(self) -> bool:
        return any((f.data or "").strip() for f in (self.name, self.phone, self.email))


class MemberForm(GrievanceForm):
    """A member filing on the web: their account is the complainant unless anonymous."""

    anonymous = BooleanField(
        _l("File anonymously"),
        description=_l(
            "Your account is not kept with the grievance, so nobody, not even the grievance "
            "officers, can see that you sent it. Nobody can answer you either: keep the code."
        ),
    )


class RecordForm(_Contactable, GrievanceForm):
    """A facilitator or grievance officer records a grievance they were told of."""

    channel = RadioField(
        _l("How was it received?"),
        choices=[(Channel.IN_PERSON.value, _l("In person")), (Channel.PHONE.value, _l("By phone"))],
        validators=[InputRequired(message=_l("Choose how the grievance was received."))],
    )
    language = SelectField(_l("The complainant's language"))
    anonymous = BooleanField(
        _l("The complainant asks to stay anonymous"),
        description=_l(
            "Their name and e-mail are not kept. A phone number is kept only to send them "
            "the SMS news, if they ask for it below, and nobody can read it."
        ),
    )
    sms_updates = BooleanField(
        _l("Send the complainant the code and the news of the grievance by SMS"),
        description=_l(
            "Only when they ask for it, to a number that joined this partnership's SMS "
            "messages from its own phone. Anyone who sees that phone can read the messages."
        ),
    )
    submit = SubmitField(_l("Record the grievance"))

    def __init__(self, *args, languages=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.language.choices = language_choices(list(languages))

    @property
    def is_anonymous(self) -> bool:
        return bool(self.anonymous.data)

    def identity_given(self) -> bool:
        # A phone is allowed with anonymity: it is the reply channel, never shown.
        return any((f.data or "").strip() for f in (self.name, self.email))

    def sends_sms(self) -> bool:
        return bool(self.sms_updates.data)
